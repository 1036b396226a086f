"""Quick checks to skip a lesson stop in a topic once two skills in it have failed one, lessons read or not."""

from __future__ import annotations

from datetime import datetime

import pytest

from engine.loader import load_course
from engine.mastery import Parameters, SkillParams, SkillState
from engine.policies import Situation, adaptive
from engine.progress import LearnerState

NOW = datetime(2026, 12, 6, 10, 0)
PARAMS = Parameters(SkillParams(prior=0.2, learn=0.15, slip=0.1, lesson_learn=0.35, half_life_days=45))
SKILLS = ("pay", "save", "send")

MODULE = """\
---
id: money
title: Money online
summary: Pay, save and send.
skills:
  pay: Pay a bill
  save: Save money
  send: Send money
---
"""


def lesson(number: int, skill: str) -> str:
    needs = f"prerequisites: [{SKILLS[number - 2]}-lesson]\n" if number > 1 else ""
    questions = "".join(f"::: question {skill}-{n}\nkind: typed\n\nSay yes.\n\n- [x] yes\n:::\n\n" for n in (1, 2, 3))
    return (f"---\nid: {skill}-lesson\ntitle: Lesson on {skill}\nskills: [{skill}]\n"
            f"area: Transacting\nlevel: bronze\nminutes: 5\n{needs}---\n\nText.\n\n{questions}")


@pytest.fixture
def course(write_content):
    files = {"money/module.md": MODULE}
    files.update({f"money/0{n}-{skill}.md": lesson(n, skill) for n, skill in enumerate(SKILLS, 1)})
    built = load_course(write_content(files))
    assert built.errors == ()
    return built


def step(course, state):
    return adaptive(Situation(course, course.module("money"), state, NOW, PARAMS))


def answer(course, state, qid, correct):
    return state.after_answer(course.questions[qid], correct, NOW, PARAMS)


def missed_then_learned(course, state, skill):
    """Return the state after a wrong quick check on a skill, its lesson, and two right answers that show it."""
    assert (step(course, state).purpose, step(course, state).skill_id) == ("placement", skill)
    state = answer(course, state, f"{skill}-1", False)
    state = state.after_lesson(course.lessons[f"{skill}-lesson"], NOW, PARAMS)
    state = answer(course, answer(course, state, f"{skill}-2", True), f"{skill}-3", True)
    assert state.skills[skill].mastered_at is not None
    return state


def test_after_two_skills_miss_their_quick_check_the_next_lesson_comes_without_one(course):
    state = missed_then_learned(course, LearnerState("money"), "pay")
    state = missed_then_learned(course, state, "save")
    nxt = step(course, state)
    assert (nxt.kind, nxt.lesson_id, nxt.purpose) == ("lesson", "send-lesson", "learn")


def test_one_missed_quick_check_still_leaves_the_next_skill_its_own(course):
    state = missed_then_learned(course, LearnerState("money"), "pay")
    nxt = step(course, state)
    assert (nxt.kind, nxt.purpose, nxt.skill_id) == ("question", "placement", "save")


def test_a_quick_check_passed_does_not_count_as_missed(course):
    state = answer(course, answer(course, LearnerState("money"), "pay-1", True), "pay-2", True)
    assert state.skills["pay"].placement_wrong == 0
    state = answer(course, state, "save-1", False)
    assert state.skills["save"].placement_wrong == 1
    after_lesson = state.after_lesson(course.lessons["save-lesson"], NOW, PARAMS)
    assert answer(course, after_lesson, "save-2", False).skills["save"].placement_wrong == 1, \
        "a wrong answer after the lesson is practice, not a quick check"


def test_a_missed_quick_check_is_kept_in_storage_and_an_older_record_reads_as_the_old_rule_counted(course):
    state = answer(course, LearnerState("money"), "pay-1", False)
    stored = state.skills["pay"].as_dict()
    assert SkillState.from_dict(stored).placement_wrong == 1
    stored.pop("placement_wrong")  # a record from before the count was kept
    assert SkillState.from_dict(stored).placement_wrong == 1  # more quick checks than right answers: missed
    passed = answer(course, LearnerState("money"), "pay-1", True).skills["pay"].as_dict()
    passed.pop("placement_wrong")
    assert SkillState.from_dict(passed).placement_wrong == 0
