"""The engine in a learner's first minutes: lessons first if they choose, and quick checks that are fair."""

from __future__ import annotations

from datetime import datetime

import pytest

from engine.loader import load_course
from engine.mastery import SkillParams, Parameters
from engine.policies import Situation, adaptive
from engine.progress import LearnerState
from tests.unit.test_progress import MODULE

NOW = datetime(2026, 12, 6, 10, 0)
PARAMS = Parameters(SkillParams(prior=0.2, learn=0.15, slip=0.1, lesson_learn=0.35, half_life_days=45))



def lesson(lesson_id: str, skill: str, questions: str) -> str:
    return (f"---\nid: {lesson_id}\ntitle: Lesson {lesson_id}\nskills: [{skill}]\n"
            f"area: Being safe and legal online\nlevel: bronze\nminutes: 5\n---\n\nText.\n\n{questions}")


def typed(qid: str) -> str:
    return f"::: question {qid}\nkind: typed\n\nSay yes.\n\n- [x] yes\n:::\n\n"


def single(qid: str) -> str:
    return f"::: question {qid}\nkind: single\n\nPick A.\n\n- [x] A\n  Yes.\n- [ ] B\n  No.\n- [ ] C\n  No.\n:::\n\n"


@pytest.fixture
def course(write_content):
    """Four lessons: each skill is taught in two; the first scams lesson has only questions easy to guess."""
    files = {
        "safety/module.md": MODULE,
        "safety/01-passwords.md": lesson("pw-lesson", "passwords", typed("pw-1") + typed("pw-2")),
        "safety/02-scams.md": lesson("scam-lesson", "scams", single("sc-1") + single("sc-2")),
        "safety/03-report.md": lesson("report-lesson", "scams", typed("report-1") + typed("report-2")),
        "safety/04-more-passwords.md": lesson("more-passwords", "passwords", typed("pw-3")),
    }
    built = load_course(write_content(files))
    assert built.errors == ()
    return built


def step_for(course, state):
    return adaptive(Situation(course, course.module("safety"), state, NOW, PARAMS))


def showing_passwords(course, state):
    """Answer both password questions right, so the first lesson's skill is shown."""
    for qid in ("pw-1", "pw-2"):
        state = state.after_answer(course.questions[qid], True, NOW, PARAMS)
    return state


def test_a_learner_who_starts_with_the_lessons_gets_the_first_lesson_not_a_quick_check(course):
    assert step_for(course, LearnerState("safety")).purpose == "placement", "the engine's default is unchanged"
    step = step_for(course, LearnerState("safety").choosing(lessons_first=True))
    assert (step.kind, step.lesson_id) == ("lesson", "pw-lesson")


def test_a_learner_who_starts_with_the_lessons_gets_no_quick_check_before_a_later_lesson_either(course):
    state = showing_passwords(course, LearnerState("safety").choosing(lessons_first=True))
    step = step_for(course, state)
    assert (step.kind, step.lesson_id) == ("lesson", "scam-lesson"), step


def test_asking_to_show_what_you_know_brings_the_quick_checks_back(course):
    state = showing_passwords(course, LearnerState("safety").choosing(lessons_first=True))
    step = step_for(course, state.choosing(lessons_first=False))
    assert (step.kind, step.purpose, step.skill_id) == ("question", "placement", "scams")


def test_the_choice_to_start_with_the_lessons_survives_storage(course):
    state = LearnerState("safety").choosing(lessons_first=True)
    assert LearnerState.from_dict(state.as_dict()).lessons_first is True
    assert LearnerState.from_dict(LearnerState("safety").as_dict()).lessons_first is False
    old = {k: v for k, v in state.as_dict().items() if k != "lessons_first"}
    assert LearnerState.from_dict(old).lessons_first is False, "a state stored before the choice existed still loads"


def test_a_quick_check_asks_only_what_its_lesson_or_an_earlier_one_teaches(course):
    # The later lesson's typed question says most about the skill, but it is not taught yet.
    step = step_for(course, showing_passwords(course, LearnerState("safety")))
    assert (step.purpose, step.skill_id) == ("placement", "scams")
    assert course.questions[step.question_id].lesson_id == "scam-lesson", step.question_id



def test_practice_after_a_lesson_asks_what_it_taught_not_what_a_later_lesson_will(course):
    state = LearnerState("safety").choosing(lessons_first=True).after_lesson(course.lessons["pw-lesson"], NOW, PARAMS)
    for _ in range(3):
        step = step_for(course, state)
        assert (step.purpose, step.skill_id) == ("practice", "passwords")
        assert course.questions[step.question_id].lesson_id == "pw-lesson", step.question_id
        state = state.after_answer(course.questions[step.question_id], False, NOW, PARAMS)


def test_practice_reaches_a_later_lessons_question_when_the_lessons_read_cannot_complete_the_evidence(course):
    state = showing_passwords(course, LearnerState("safety").choosing(lessons_first=True))
    state = state.after_lesson(course.lessons["scam-lesson"], NOW, PARAMS)
    # Both guessable questions of the lesson read are right already: only a typed one can add evidence.
    for qid in ("sc-1", "sc-2"):
        state = state.after_answer(course.questions[qid], True, NOW, PARAMS)
    step = step_for(course, state)
    assert step.kind == "question" and step.question_id.startswith("report-"), step
