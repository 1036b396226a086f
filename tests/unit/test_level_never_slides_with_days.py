"""A "secure" level stays where the learner's answers put it: weeks away, then a lesson read or a right answer
that starts from the faded estimate, never lower it; only a wrong answer may."""

from __future__ import annotations

from datetime import timedelta

from engine.mastery import level
from engine.progress import LearnerState
from tests.unit.test_review_schedule import NOW, P, PARAMS, answer, course, pay  # noqa: F401 (fixture)


def secure_pay(course) -> LearnerState:
    """Return a state where the lesson on "pay" was read and one question answered right: secure, not mastered."""
    state = answer(course, LearnerState("banking").after_lesson(course.lessons["pay-lesson"], NOW, PARAMS),
                   "pay-1", NOW)
    assert level(pay(state), P, NOW) == "secure" and pay(state).mastered_at is None
    return state


def test_reading_the_lesson_again_weeks_later_keeps_a_secure_level(course):
    later = NOW + timedelta(days=60)
    read = secure_pay(course).after_lesson(course.lessons["pay-lesson"], later, PARAMS)
    assert pay(read).p_known < 0.7, "the faded estimate is stored, so practice still comes back"
    assert level(pay(read), P, later) == "secure", "a lesson read is no reason for the level to drop"


def test_a_right_answer_with_a_hint_months_later_keeps_a_secure_level(course):
    later = NOW + timedelta(days=200)
    hinted = answer(course, secure_pay(course), "pay-2", later, hints=1)
    assert pay(hinted).p_known < 0.7
    assert level(pay(hinted), P, later) == "secure", "a right answer is no reason for the level to drop"


def test_wrong_answers_may_still_take_a_secure_level_down(course):
    later = NOW + timedelta(days=60)
    state = secure_pay(course).after_lesson(course.lessons["pay-lesson"], later, PARAMS)
    wrong = answer(course, state, "pay-2", later, correct=False)
    assert level(pay(wrong), P, later) == "learning"
    back = answer(course, answer(course, wrong, "pay-1", later), "pay-2", later)
    assert level(pay(back), P, later) in ("secure", "mastered")


def test_a_state_stored_before_the_level_was_kept_still_reads_secure_from_its_estimate(course):
    stored = secure_pay(course).as_dict()
    stored["skills"]["pay"].pop("shown_secure")
    old = LearnerState.from_dict(stored)
    assert level(pay(old), P, NOW) == "secure"
    later = NOW + timedelta(days=60)
    assert level(pay(old.after_lesson(course.lessons["pay-lesson"], later, PARAMS)), P, later) == "secure"
