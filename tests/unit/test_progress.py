"""The engine: knowledge tracing per skill, and the next step with its reason."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from engine.evidence import Shown
from engine.loader import load_course
from engine.mastery import (
    MASTERED,
    Parameters,
    SkillParams,
    after_answer,
    after_lesson,
    due_for_review,
    estimate,
    guess_rate,
    level,
    new_state,
)
from engine.policies import POLICIES, Situation, adaptive, in_order, information
from engine.progress import LearnerState
from engine.scoring import lesson_progress

NOW = datetime(2026, 11, 23, 10, 0)
P = SkillParams(prior=0.2, learn=0.15, slip=0.1, lesson_learn=0.35, half_life_days=45)
PARAMS = Parameters(P)

MODULE = """\
---
id: safety
title: Staying safe
summary: Keep safe.
skills:
  passwords: Make a strong password
  scams: Spot a scam
---
"""


def lesson(lesson_id: str, skill: str, questions: str, extra: str = "") -> str:
    return (f"---\nid: {lesson_id}\ntitle: Lesson {lesson_id}\nskills: [{skill}]\n"
            f"area: Being safe and legal online\nlevel: bronze\nminutes: 5\n{extra}---\n\nText.\n\n{questions}")


def typed(qid: str, answer: str = "yes") -> str:
    return f"::: question {qid}\nkind: typed\n\nSay {answer}.\n\n- [x] {answer}\n:::\n\n"


def single(qid: str, tag: str | None = None) -> str:
    wrong = f"- [ ] B\n  No.\n  Misconception: {tag}\n" if tag else "- [ ] B\n  No.\n"
    return f"::: question {qid}\nkind: single\n\nPick A.\n\n- [x] A\n  Yes.\n{wrong}- [ ] C\n  No.\n:::\n\n"


@pytest.fixture
def course(write_content):
    files = {
        "safety/module.md": MODULE,
        "safety/01-passwords.md": lesson("pw-lesson", "passwords",
                                         typed("pw-1") + typed("pw-2") + single("pw-3", "pet-name") + single("pw-4")),
        "safety/02-scams.md": lesson("scam-lesson", "scams",
                                     typed("sc-1") + typed("sc-2") + single("sc-3") + single("sc-4"),
                                     "prerequisites: [pw-lesson]\n"),
        "safety/90-pets.md": lesson("pets", "passwords", "", "fixes: [pet-name]\n"),
    }
    built = load_course(write_content(files))
    assert built.errors == ()
    return built


def situation(course, state=None, now=NOW):
    return Situation(course, course.module("safety"), state or LearnerState("safety"), now, PARAMS)


def answer(course, state, qid, correct, at=NOW, misconceptions=()):
    return state.after_answer(course.questions[qid], correct, at, PARAMS, 0, misconceptions)


# --- the model ---------------------------------------------------------------------


def test_a_right_answer_raises_the_estimate_as_knowledge_tracing_says():
    # p=0.2, guess=0.25, slip=0.1: 0.2*0.9 / (0.18 + 0.8*0.25) = 0.47368...; then + (1-that)*0.15
    state = after_answer(new_state(P), P, 0.25, True, NOW)
    seen = 0.18 / (0.18 + 0.2)
    assert state.p_known == pytest.approx(seen + (1 - seen) * 0.15)
    assert (state.attempts, state.right, state.right_in_a_row) == (1, 1, 1)


def test_a_wrong_answer_lowers_the_estimate_as_knowledge_tracing_says():
    start = replace(new_state(P), p_known=0.6)
    state = after_answer(start, P, 0.25, False, NOW)
    seen = 0.6 * 0.1 / (0.6 * 0.1 + 0.4 * 0.75)
    assert state.p_known == pytest.approx(seen + (1 - seen) * 0.15)
    assert state.wrong_in_a_row == 1 and state.right_in_a_row == 0


def test_a_right_typed_answer_says_more_than_a_right_guessable_one():
    typed_answer = after_answer(new_state(P), P, 0.02, True, NOW).p_known
    true_false = after_answer(new_state(P), P, 0.5, True, NOW).p_known
    with_hints = after_answer(new_state(P), P, 0.02, True, NOW, hints_used=1).p_known
    assert typed_answer > with_hints == pytest.approx(true_false)


def test_reading_a_lesson_teaches_with_the_lesson_rate():
    state = after_lesson(new_state(P), P, NOW)
    assert state.p_known == pytest.approx(0.2 + 0.8 * 0.35) and state.lesson_read


def test_the_estimate_decays_half_way_to_the_prior_in_one_half_life():
    state = replace(new_state(P), p_known=0.96, updated_at=NOW)
    later = NOW + timedelta(days=45)
    assert estimate(state, P, later) == pytest.approx(0.2 + (0.96 - 0.2) / 2)
    assert estimate(state, P, NOW) == pytest.approx(0.96)


def test_the_guess_rate_follows_the_kind_of_question_and_never_trusts_a_typed_answer_as_unguessable(course):
    questions = course.questions
    assert guess_rate(questions["pw-3"]) == pytest.approx(1 / 3)
    assert guess_rate(questions["pw-1"]) == pytest.approx(0.1)


def test_levels_go_up_with_evidence_and_drop_only_when_a_review_is_failed_not_as_days_pass():
    assert level(None, P, NOW) == "not started"
    learning = after_lesson(new_state(P), P, NOW)
    assert level(learning, P, NOW) == "learning"
    high = replace(learning, p_known=0.97, updated_at=NOW)
    assert level(high, P, NOW) == "secure", "a high estimate with no answers behind it is not mastered"
    mastered = replace(high, shown=(Shown("a", "typed", NOW, 0.1), Shown("b", "typed", NOW, 0.1)), mastered_at=NOW)
    assert level(mastered, P, NOW) == "mastered" and not due_for_review(mastered, P, NOW)
    later = NOW + timedelta(days=60)
    assert level(mastered, P, later) == "mastered", "days passing never take a level away"
    assert due_for_review(mastered, P, later)
    reviewed = after_answer(mastered, P, 0.1, True, later, shown=Shown("a", "typed", later, 0.1))
    assert level(reviewed, P, later) == "mastered" and reviewed.mastered_at == NOW
    slipped = after_answer(mastered, P, 0.1, False, later)
    assert level(slipped, P, later) == "mastered" and due_for_review(slipped, P, later), "maybe a slip: ask again"
    failed = after_answer(slipped, P, 0.1, False, later)
    assert level(failed, P, later) in ("secure", "learning") and failed.mastered_at is None
    assert failed.shown == mastered.shown, "the evidence is kept: it is what was shown"


def test_an_answer_tells_most_when_the_estimate_is_uncertain():
    assert information(0.5, 0.02, 0.1) > information(0.95, 0.02, 0.1)
    assert information(0.5, 0.02, 0.1) > information(0.5, 0.5, 0.1)


def test_the_learner_state_survives_storage(course):
    state = answer(course, LearnerState("safety"), "pw-3", False, misconceptions=("pet-name",))
    state = state.after_lesson(course.lessons["pw-lesson"], NOW, PARAMS)
    assert LearnerState.from_dict(state.as_dict()) == state


# --- the next step -----------------------------------------------------------------


def test_a_new_learner_is_first_offered_a_quick_question_to_skip_a_lesson(course):
    step = adaptive(situation(course))
    assert (step.kind, step.purpose, step.skill_id) == ("question", "placement", "passwords")
    assert course.questions[step.question_id].kind == "typed", "placement asks what cannot be guessed"
    assert "skip the lesson" in step.reason


def test_a_learner_who_shows_they_know_a_skill_skips_its_lesson(course):
    state = answer(course, LearnerState("safety"), "pw-1", True)
    state = answer(course, state, "pw-2", True)
    assert estimate(state.skill("passwords", PARAMS), P, NOW) >= MASTERED
    step = adaptive(situation(course, state))
    assert step.skill_id == "scams", "the passwords lesson is skipped"
    assert step.purpose == "placement"


def test_a_wrong_placement_answer_leads_to_the_lesson(course):
    state = answer(course, LearnerState("safety"), "pw-1", False)
    step = adaptive(situation(course, state))
    assert (step.kind, step.lesson_id, step.purpose) == ("lesson", "pw-lesson", "learn")
    assert "Make a strong password" in step.reason


def test_after_a_lesson_comes_practice_on_its_skill(course):
    state = answer(course, LearnerState("safety"), "pw-1", False)
    state = state.after_lesson(course.lessons["pw-lesson"], NOW, PARAMS)
    step = adaptive(situation(course, state))
    assert (step.kind, step.purpose, step.skill_id) == ("question", "practice", "passwords")
    assert step.question_id != "pw-1", "not the question just asked"


def test_a_misconception_leads_straight_to_the_lesson_that_fixes_it(course):
    state = LearnerState("safety").after_lesson(course.lessons["pw-lesson"], NOW, PARAMS)
    state = answer(course, state, "pw-3", False, misconceptions=("pet-name",))
    step = adaptive(situation(course, state))
    assert (step.kind, step.lesson_id, step.purpose) == ("lesson", "pets", "remedy")
    assert "common mix-up" in step.reason
    state = state.after_lesson(course.lessons["pets"], NOW, PARAMS)
    assert adaptive(situation(course, state)).purpose != "remedy"


def test_a_stuck_learner_is_pointed_to_a_tutor_not_given_endless_questions(course):
    state = LearnerState("safety").after_lesson(course.lessons["pw-lesson"], NOW, PARAMS)
    state = state.after_lesson(course.lessons["pets"], NOW, PARAMS)
    asked = []
    for _ in range(10):
        step = adaptive(situation(course, state))
        if step.kind != "question":
            break
        asked.append(step.question_id)
        state = answer(course, state, step.question_id, False)
    assert step.kind == "help" and step.skill_id == "passwords" and step.purpose == "stuck"
    assert len(asked) <= 6
    assert "tutor" in step.reason
    state = state.after_help("passwords")
    assert adaptive(situation(course, state)).skill_id != "passwords"


def test_questions_do_not_come_back_within_three_steps(course):
    state = LearnerState("safety").after_lesson(course.lessons["pw-lesson"], NOW, PARAMS)
    asked = []
    for _ in range(6):
        step = adaptive(situation(course, state))
        if step.skill_id != "passwords" or step.kind != "question":
            break
        asked.append(step.question_id)
        state = answer(course, state, step.question_id, len(asked) % 2 == 0)
    assert len(asked) >= 4
    for n in range(1, len(asked)):
        assert asked[n] not in asked[max(0, n - 3):n]


def test_a_faded_skill_is_reviewed(course):
    state = answer(course, LearnerState("safety"), "pw-1", True)
    state = answer(course, state, "pw-2", True)
    assert state.skill("passwords", PARAMS).mastered_at == NOW
    due = state.skill("passwords", PARAMS).card.due
    step = adaptive(situation(course, state, due))
    assert (step.purpose, step.skill_id) == ("review", "passwords")
    assert "a while ago" in step.reason


def test_the_module_is_done_when_every_skill_is_mastered(course):
    state = LearnerState("safety")
    for qid in ("pw-1", "pw-2", "sc-1", "sc-2"):
        state = answer(course, state, qid, True)
    step = adaptive(situation(course, state))
    assert step.kind == "done" and step.purpose == "done"


def test_the_in_order_policy_walks_lessons_then_their_questions(course):
    step = in_order(situation(course))
    assert (step.kind, step.lesson_id) == ("lesson", "pw-lesson")
    state = LearnerState("safety").after_lesson(course.lessons["pw-lesson"], NOW, PARAMS)
    assert in_order(situation(course, state)).question_id == "pw-1"
    progress = lesson_progress(course.lessons["pw-lesson"], answer(course, state, "pw-1", True))
    assert (progress.read, progress.answered, progress.right, progress.total) == (True, 1, 1, 4)


def test_policies_are_registered_by_name():
    assert POLICIES["adaptive"] is adaptive and POLICIES["in-order"] is in_order


def test_after_a_wrong_answer_the_next_question_can_show_which_mix_up_it_was(course):
    state = LearnerState("safety").after_lesson(course.lessons["pw-lesson"], NOW, PARAMS)
    state = answer(course, state, "pw-1", False)
    step = adaptive(situation(course, state))
    assert step.question_id == "pw-3", "the question whose wrong answer names a mix-up comes next"
    assert any(o.misconception for o in course.questions[step.question_id].options)
