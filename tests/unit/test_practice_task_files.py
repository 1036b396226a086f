"""Task files load into the course, each problem is reported as path:line, and the export lists each module's tasks."""

from __future__ import annotations

from datetime import datetime

from engine.export import course_data
from engine.loader import load_course
from engine.mastery import Parameters
from engine.progress import Event, LearnerState, replay
from engine.tasks import KINDS

INBOX_TASK = """\
---
id: sort-my-texts
kind: inbox
title: Sort some pretend texts
skills: [spot-scams]
messages:
  - id: parcel
    type: text
    from: "+44 7700 900461"
    text: Pay the fee today.
    link: http://parcel-fee.example
    scam: yes
    clue: link
    actions: [forward-7726]
    why: The link goes to an odd address.
  - id: dentist
    type: text
    from: Dentist
    text: See you on Monday.
    scam: no
    why: It asks for nothing.
mistakes:
  missed-scam:
    say: Scams can look real.
    misconception: pet-name-password
---

This is pretend practice.
"""


def problems(write_content, good_module, task_text: str, name: str = "safety/tasks/sort-my-texts.md"):
    course = load_course(write_content({**good_module, name: task_text}))
    return course, [str(p) for p in course.problems]


def test_a_good_task_file_loads_into_its_module_with_the_tutors_feedback(write_content, good_module):
    course, found = problems(write_content, good_module, INBOX_TASK)
    assert found == []
    task = course.module("safety").task("sort-my-texts")
    assert task.kind == "inbox" and task.skills == ("spot-scams",)
    assert course.tasks["sort-my-texts"] is task
    assert task.feedback["missed-scam"].misconception == "pet-name-password"
    assert "Scams can look real" in task.feedback["missed-scam"].html
    assert task.feedback["wrong-action"].html  # the kind's own words when the tutor gives none
    assert "pretend practice" in task.intro_html


def test_a_misspelt_kind_is_reported_on_its_line_with_a_suggestion(write_content, good_module):
    _, found = problems(write_content, good_module, INBOX_TASK.replace("kind: inbox", "kind: inbx"))
    assert any(p.startswith("content/") is False and p.endswith(":3: unknown kind of task 'inbx' (did you mean "
                                                               "'inbox'?): use one of " + ", ".join(KINDS))
               for p in found), found


def test_a_nested_scenario_mistake_is_reported_on_the_line_it_is_on(write_content, good_module):
    _, found = problems(write_content, good_module, INBOX_TASK.replace("clue: link", "clue: linky"))
    assert any(p.endswith("sort-my-texts.md:13: a scam's 'clue' is one of sender, link, urgency, code, not "
                          "'linky' (did you mean 'link'?)") for p in found), found


def test_an_unknown_mistake_name_is_reported_on_its_line(write_content, good_module):
    _, found = problems(write_content, good_module, INBOX_TASK.replace("  missed-scam:", "  missed-scams:"))
    assert any(":23: the kind 'inbox' has no mistake called 'missed-scams'" in p for p in found), found


def test_a_skill_not_in_the_module_and_a_setting_of_another_kind_are_reported(write_content, good_module):
    text = INBOX_TASK.replace("skills: [spot-scams]", "skills: [spot-scam]\nsite: A pretend site")
    _, found = problems(write_content, good_module, text)
    assert any(p.endswith(":5: skill 'spot-scam' is not listed in safety/module.md (did you mean 'spot-scams'?)")
               for p in found), found
    assert any(p.endswith(":6: 'site' is not a setting of the kind 'inbox'") for p in found), found


def test_a_task_with_an_error_is_left_out_and_the_rest_of_the_course_still_loads(write_content, good_module):
    course, found = problems(write_content, good_module, INBOX_TASK.replace("scam: yes", "scam: perhaps"))
    assert course.module("safety").tasks == () and "three-words" in course.lessons
    assert any("'scam' is 'yes' or 'no'" in p for p in found)


def test_two_tasks_with_one_id_are_reported(write_content, good_module):
    course = load_course(write_content({**good_module, "safety/tasks/a.md": INBOX_TASK,
                                        "safety/tasks/b.md": INBOX_TASK}))
    [problem] = course.problems
    assert problem.path.endswith("tasks/b.md") and problem.line == 1
    assert problem.message.startswith("task id 'sort-my-texts' is already used by ")
    assert problem.message.endswith("tasks/a.md") and course.tasks["sort-my-texts"].source.path.endswith("a.md")


def test_a_misconception_no_lesson_fixes_is_a_warning_that_strict_checking_fails(write_content, good_module):
    course, found = problems(write_content, good_module, INBOX_TASK.replace("pet-name-password", "no-such-mixup"))
    assert course.tasks["sort-my-texts"] is not None
    assert [p.severity for p in course.problems] == ["warning"]
    assert "no lesson fixes the misconception 'no-such-mixup'" in found[0]


def test_the_export_lists_each_modules_tasks_with_id_kind_and_skills(write_content, good_module):
    course, _ = problems(write_content, good_module, INBOX_TASK)
    exported = course_data(course)["modules"][0]["tasks"]
    assert [(t["id"], t["kind"], t["skills"]) for t in exported] == [("sort-my-texts", "inbox", ["spot-scams"])]


def test_a_task_passed_is_strong_evidence_and_replays_as_it_was_recorded(write_content, good_module):
    course, _ = problems(write_content, good_module, INBOX_TASK)
    task = course.tasks["sort-my-texts"]
    at = datetime(2026, 12, 1, 10, 0)
    state = LearnerState("safety").after_task(task, True, at, Parameters())
    [shown] = state.skills["spot-scams"].shown
    assert (shown.question_id, shown.kind, shown.hard) == ("sort-my-texts", "task", True)
    assert state.tasks_passed == {"sort-my-texts": at} and state.started
    assert LearnerState.from_dict(state.as_dict()) == state
    assert replay("safety", [Event(at, task=task, correct=True)], Parameters()) == state


def test_a_task_passed_with_help_shows_nothing_and_a_failed_one_lowers_the_estimate(write_content, good_module):
    course, _ = problems(write_content, good_module, INBOX_TASK)
    task = course.tasks["sort-my-texts"]
    at = datetime(2026, 12, 1, 10, 0)
    helped = LearnerState("safety").after_task(task, True, at, Parameters(), helped=True)
    assert helped.skills == {} and helped.tasks_passed == {} and helped.task_tries == {"sort-my-texts": 1}
    failed = LearnerState("safety").after_task(task, False, at, Parameters())
    assert failed.skills["spot-scams"].p_known < Parameters().default.prior
    assert failed.skills["spot-scams"].shown == ()
