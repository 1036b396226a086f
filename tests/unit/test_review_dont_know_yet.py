""""I don't know yet" in a review is not a slip: the learner has told us, so the review is failed at once."""

from __future__ import annotations

from datetime import timedelta

from engine.mastery import due_for_review, level
from engine.policies import Situation, adaptive
from engine.progress import Event, LearnerState, replay
from tests.unit.test_review_schedule import NOW, P, PARAMS, course, mastered_pay, pay  # noqa: F401 (fixture)


def dont_know(course, state, qid, at):
    return state.after_answer(course.questions[qid], False, at, PARAMS, dont_know=True)


def test_i_dont_know_yet_on_a_due_review_fails_it_at_once_without_a_second_question(course):
    state = mastered_pay(course)
    at = pay(state).card.due
    said = dont_know(course, state, "pay-1", at)
    assert level(pay(said), P, at) != "mastered", "the level drops now: no second question is needed"
    assert pay(said).mastered_at is None and pay(said).slipped_at is None
    assert pay(said).card.lapses == 1 and pay(said).card.interval_days < pay(state).card.interval_days
    assert not due_for_review(pay(said), P, at + timedelta(minutes=1)), "no second quick check on it"
    step = adaptive(Situation(course, course.module("banking"), said, at + timedelta(minutes=1), PARAMS))
    assert (step.skill_id, step.purpose) != ("pay", "review")
    assert step.skill_id == "pay" and step.purpose in ("learn", "practice"), "practice comes back instead"


def test_a_wrong_answer_on_a_due_review_is_still_only_a_slip(course):
    state = mastered_pay(course)
    at = pay(state).card.due
    wrong = state.after_answer(course.questions["pay-1"], False, at, PARAMS)
    assert level(pay(wrong), P, at) == "mastered" and pay(wrong).slipped_at == at


def test_i_dont_know_yet_as_the_second_question_after_a_slip_fails_the_review(course):
    state = mastered_pay(course)
    at = pay(state).card.due
    slipped = state.after_answer(course.questions["pay-1"], False, at, PARAMS)
    said = dont_know(course, slipped, "pay-2", at + timedelta(minutes=1))
    assert level(pay(said), P, at) != "mastered" and pay(said).card.lapses == 1


def test_replaying_a_record_with_i_dont_know_yet_gives_the_same_failed_review(course):
    at = NOW + timedelta(days=9)
    events = [Event(NOW, question=course.questions["pay-1"], correct=True),
              Event(NOW, question=course.questions["pay-2"], correct=True),
              Event(at, question=course.questions["pay-1"], correct=False, dont_know=True)]
    by_answer = dont_know(course, mastered_pay(course), "pay-1", at)
    assert replay("banking", events, PARAMS) == by_answer
    assert pay(replay("banking", events[:2] + [Event(at, question=course.questions["pay-1"])], PARAMS)).slipped_at


def test_i_dont_know_yet_before_a_skill_is_mastered_is_a_wrong_answer_as_before(course):
    fresh = LearnerState("banking")
    said = dont_know(course, fresh, "pay-1", NOW)
    wrong = fresh.after_answer(course.questions["pay-1"], False, NOW, PARAMS)
    assert said == wrong
