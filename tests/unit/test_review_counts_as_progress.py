"""A right review answer is progress, never a step towards "stuck", even with a hint."""

from __future__ import annotations

from datetime import timedelta

from engine.policies import Situation, adaptive
from engine.scoring import is_stuck, needs_help
from tests.unit.test_review_schedule import NOW, PARAMS, answer, course, mastered_pay, pay  # noqa: F401


def reviewed_with_hints(course, times: int):
    """Return a state where "pay" was mastered, then reviewed right with a hint `times` times, each when due."""
    state = mastered_pay(course)
    for n in range(times):
        state = answer(course, state, f"pay-{n % 2 + 1}", pay(state).card.due, hints=1)
    return state


def test_right_review_answers_with_a_hint_never_add_up_to_stuck(course):
    state = reviewed_with_hints(course, 8)
    assert pay(state).attempts_without_progress == 0
    assert not is_stuck(pay(state))


def test_a_skill_reviewed_right_with_hints_still_comes_back_for_review(course):
    state = reviewed_with_hints(course, 6)
    due = pay(state).card.due
    step = adaptive(Situation(course, course.module("banking"), state, due, PARAMS))
    assert (step.skill_id, step.purpose) == ("pay", "review")


def test_one_failed_review_after_many_right_ones_brings_the_lesson_back_not_a_tutor(course):
    state = reviewed_with_hints(course, 6)
    at = pay(state).card.due
    failed = answer(course, answer(course, state, "pay-1", at, correct=False), "pay-2", at, correct=False)
    assert needs_help(course.module("banking"), failed, PARAMS, at) == []
    step = adaptive(Situation(course, course.module("banking"), failed, at + timedelta(minutes=1), PARAMS))
    assert (step.skill_id, step.purpose) == ("pay", "learn")
