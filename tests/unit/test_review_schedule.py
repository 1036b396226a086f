"""The review scheduler: right reviews space the next one out, a wrong one brings it back, and what a learner
has shown stays shown until a review is failed."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import schedule
from engine.loader import load_course
from engine.mastery import Parameters, SkillParams, SkillState, due_for_review, level
from engine.policies import Situation, adaptive
from engine.progress import Event, LearnerState, replay
from engine.reviews import reviews_due
from tests.unit.test_reviews import module

NOW = datetime(2026, 12, 6, 10, 0)
P = SkillParams(prior=0.2, learn=0.15, slip=0.1, lesson_learn=0.35, half_life_days=45)
PARAMS = Parameters(P)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    folder = tmp_path_factory.mktemp("content")
    for name, text in module("banking", ["pay", "balance"]).items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    built = load_course(folder)
    assert built.errors == ()
    return built


def answer(course, state, qid, at, correct=True, hints=0, helped=False):
    return state.after_answer(course.questions[qid], correct, at, PARAMS, hints, (), helped)


def mastered_pay(course, at=NOW) -> LearnerState:
    """Return a state where "pay" was mastered at `at` with two typed answers right on one's own."""
    state = answer(course, answer(course, LearnerState("banking"), "pay-1", at), "pay-2", at)
    assert state.skills["pay"].mastered_at == at
    return state


def pay(state) -> SkillState:
    return state.skills["pay"]


def test_answers_map_to_ratings_wrong_again_hint_or_help_hard_right_good():
    assert schedule.rating(False) == schedule.AGAIN
    assert schedule.rating(False, hints_used=2, helped=True) == schedule.AGAIN
    assert schedule.rating(True, hints_used=1) == schedule.HARD
    assert schedule.rating(True, helped=True) == schedule.HARD
    assert schedule.rating(True) == schedule.GOOD


def test_a_skill_gets_its_review_card_when_it_is_mastered_and_not_before(course):
    one = answer(course, LearnerState("banking"), "pay-1", NOW)
    assert pay(one).card is None, "one answer shows nothing to keep yet"
    card = pay(mastered_pay(course)).card
    assert card is not None and card.last_review == NOW and card.reviews == 1
    # Mastery rests on several right answers: the first check is weeks away, not a flashcard's two days.
    assert card.interval_days == schedule.SETTINGS.first_days >= 14


def test_each_right_review_on_ones_own_lengthens_the_next_interval_up_to_the_longest_gap(course):
    state = mastered_pay(course)
    intervals = [pay(state).card.interval_days]
    for n in range(4):
        due = pay(state).card.due
        assert not due_for_review(pay(state), P, due - timedelta(hours=1))
        assert due_for_review(pay(state), P, due)
        state = answer(course, state, f"pay-{n % 2 + 1}", due)
        intervals.append(pay(state).card.interval_days)
        assert not due_for_review(pay(state), P, due), "a right review answer clears the review"
    assert intervals == sorted(intervals) and intervals[1] > intervals[0], intervals
    assert intervals[-1] == schedule.LONGEST_DAYS == 45, "however stable, a skill is checked every six or seven weeks"


def test_a_review_failed_twice_shortens_the_interval_drops_the_level_and_brings_practice_back(course):
    state = mastered_pay(course)
    for n in range(3):
        state = answer(course, state, f"pay-{n % 2 + 1}", pay(state).card.due)
    before = pay(state).card
    at = before.due
    assert level(pay(state), P, at) == "mastered", "a review falling due does not take the level"
    failed = answer(course, answer(course, state, "pay-1", at, correct=False), "pay-2", at, correct=False)
    after = pay(failed).card
    assert after.interval_days < before.interval_days and after.stability < before.stability
    assert after.lapses == 1
    assert level(pay(failed), P, at) != "mastered", "the level drops only now, on a failed review"
    step = adaptive(Situation(course, course.module("banking"), failed, at + timedelta(minutes=1), PARAMS))
    # Mastered by quick checks without reading: its lesson comes back first, then practice.
    assert (step.skill_id, step.purpose) == ("pay", "learn")
    read = failed.after_lesson(course.lessons["pay-lesson"], at, PARAMS)
    step = adaptive(Situation(course, course.module("banking"), read, at + timedelta(minutes=2), PARAMS))
    assert (step.kind, step.skill_id, step.purpose) == ("question", "pay", "practice")


def test_a_right_review_with_a_hint_spaces_it_out_less_than_one_on_ones_own(course):
    state = mastered_pay(course)
    due = pay(state).card.due
    own = pay(answer(course, state, "pay-2", due)).card.interval_days
    hinted = pay(answer(course, state, "pay-2", due, hints=1)).card.interval_days
    slipped = answer(course, state, "pay-2", due, correct=False)
    wrong = pay(answer(course, slipped, "pay-1", due, correct=False)).card.interval_days
    assert wrong < hinted <= own, "the longest gap may cap both"
    assert (pay(answer(course, state, "pay-2", due, hints=1)).card.stability
            < pay(answer(course, state, "pay-2", due)).card.stability)


def test_a_right_answer_with_help_keeps_the_evidence_and_counts_as_a_hard_review(course):
    state = mastered_pay(course)
    due = pay(state).card.due
    helped = answer(course, state, "pay-1", due, helped=True)
    assert pay(helped).shown == pay(state).shown and pay(helped).p_known == pay(state).p_known
    assert pay(helped).card.reviews == 2 and pay(helped).card.due > due
    assert pay(helped).card.interval_days <= pay(answer(course, state, "pay-1", due)).card.interval_days
    assert pay(helped).card.stability < pay(answer(course, state, "pay-1", due)).card.stability


def test_replaying_the_record_rebuilds_the_same_review_card(course):
    lesson = course.lessons["pay-lesson"]
    events = [Event(NOW - timedelta(hours=1), lesson=lesson)]
    at = NOW
    for qid, correct, hints, gap in [("pay-1", True, 0, 0), ("pay-2", True, 0, 0), ("pay-1", True, 0, 3),
                                     ("pay-2", True, 1, 12), ("pay-1", False, 0, 40), ("pay-2", False, 0, 0),
                                     ("pay-2", True, 0, 0.1), ("pay-1", True, 0, 0.2), ("pay-2", True, 0, 9)]:
        at = at + timedelta(days=gap, minutes=1)
        events.append(Event(at, question=course.questions[qid], correct=correct, hints_used=hints))
    by_answer = LearnerState("banking")
    for event in events:
        by_answer = (by_answer.after_lesson(event.lesson, event.at, PARAMS) if event.lesson
                     else by_answer.after_answer(event.question, event.correct, event.at, PARAMS, event.hints_used))
    rebuilt = replay("banking", list(reversed(events)), PARAMS)
    assert rebuilt == by_answer
    assert pay(rebuilt).card.reviews == 7 and pay(rebuilt).card.lapses == 1
    assert LearnerState.from_dict(rebuilt.as_dict()) == rebuilt, "the card survives storage"
    assert replay("banking", events, PARAMS) == rebuilt, "the same record always gives the same card"


def test_a_skill_mastered_before_cards_were_kept_falls_due_from_its_mastery_date(course):
    state = mastered_pay(course)
    stored = state.as_dict()
    stored["skills"]["pay"].pop("card")
    old = LearnerState.from_dict(stored)
    assert pay(old).card is None
    due = pay(state).card.due
    assert not due_for_review(pay(old), P, due - timedelta(minutes=1)) and due_for_review(pay(old), P, due)
    assert pay(answer(course, old, "pay-1", due)).card == pay(answer(course, state, "pay-1", due)).card


def test_reviews_come_round_in_a_finished_topic_when_the_card_says_so(course):
    state = answer(course, answer(course, mastered_pay(course), "balance-1", NOW), "balance-2", NOW)
    states = {"banking": state}
    assert reviews_due(course, states, PARAMS, NOW + timedelta(days=1)) == []
    due = max(pay(state).card.due, state.skills["balance"].card.due)
    assert {s.skill_id for s in reviews_due(course, states, PARAMS, due)} == {"pay", "balance"}
    step = adaptive(Situation(course, course.module("banking"), state, due, PARAMS))
    assert step.purpose == "review" and step.kind == "question"


answers = st.lists(st.tuples(st.floats(min_value=0.0, max_value=400.0),  # days since the answer before
                             st.booleans(),  # has a hint
                             st.booleans(),  # someone helped
                             st.booleans()),  # right
                   max_size=12)


@settings(max_examples=60, deadline=None)
@given(answers=answers, looks=st.lists(st.floats(min_value=0.0, max_value=1000.0), min_size=1, max_size=5))
def test_a_shown_level_never_drops_without_a_failed_review(course, answers, looks):
    state = mastered_pay(course)
    at = NOW
    wrong_in_a_row = 0
    for gap, hint, helped, right in answers:
        at = at + timedelta(days=gap)
        state = answer(course, state, "pay-1", at, correct=right, hints=int(hint), helped=helped)
        if not right:
            wrong_in_a_row += 1
        elif not helped:  # a right answer with help shows nothing on its own: the slip still waits for one
            wrong_in_a_row = 0
        if wrong_in_a_row == 2:
            assert level(pay(state), P, at) != "mastered", "two wrong in a row is a failed review"
            break
        assert level(pay(state), P, at) == "mastered", "one wrong answer may be a slip"
    else:
        for days in looks:
            assert level(pay(state), P, at + timedelta(days=days)) == "mastered", "days passing never take it away"


def test_one_wrong_review_answer_is_maybe_a_slip_so_a_second_question_comes_at_once(course):
    state = mastered_pay(course)
    at = pay(state).card.due + timedelta(days=3)
    slipped = answer(course, state, "pay-1", at, correct=False)
    assert level(pay(slipped), P, at) == "mastered", "one slip does not take the level"
    assert pay(slipped).card == pay(state).card, "a slip alone is not a review yet"
    later = at + timedelta(minutes=1)
    step = adaptive(Situation(course, course.module("banking"), slipped, later, PARAMS))
    assert (step.skill_id, step.purpose, step.question_id) == ("pay", "review", "pay-2")
    assert "slip" in step.reason
    due = reviews_due(course, {"banking": slipped}, PARAMS, later)
    assert due[0].skill_id == "pay" and "slip" in due[0].reason


def test_a_right_second_answer_keeps_the_level_and_spaces_the_next_review_as_a_hard_one(course):
    state = mastered_pay(course)
    at = pay(state).card.due
    kept = answer(course, answer(course, state, "pay-1", at, correct=False), "pay-2", at)
    assert level(pay(kept), P, at) == "mastered" and pay(kept).mastered_at == NOW
    assert pay(kept).slipped_at is None and not due_for_review(pay(kept), P, at)
    assert pay(kept).card.lapses == 0 and pay(kept).card.reviews == 2
    right_at_once = pay(answer(course, state, "pay-2", at)).card
    assert pay(kept).card.interval_days <= right_at_once.interval_days
    assert pay(kept).card.stability < right_at_once.stability
    assert LearnerState.from_dict(kept.as_dict()) == kept


def test_a_slip_waiting_for_its_second_question_survives_storage(course):
    state = mastered_pay(course)
    slipped = answer(course, state, "pay-1", pay(state).card.due, correct=False)
    assert LearnerState.from_dict(slipped.as_dict()) == slipped and pay(slipped).slipped_at is not None


def test_a_secure_level_does_not_slide_down_while_the_learner_is_away_but_practice_comes_back(course):
    lesson = course.lessons["pay-lesson"]
    state = answer(course, LearnerState("banking").after_lesson(lesson, NOW, PARAMS), "pay-1", NOW)
    assert level(pay(state), P, NOW) == "secure" and pay(state).mastered_at is None
    later = NOW + timedelta(days=200)
    assert level(pay(state), P, later) == "secure", "days passing never lower a level"
    step = adaptive(Situation(course, course.module("banking"), state, later, PARAMS))
    assert (step.skill_id, step.purpose) == ("pay", "practice"), "the faded estimate still brings practice"
