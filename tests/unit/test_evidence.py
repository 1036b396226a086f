"""The evidence floor: no skill counts as mastered on one answer, on guessable answers alone, or with help."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from engine import evidence
from engine.evidence import Shown
from engine.loader import load_course
from engine.mastery import Parameters, SkillParams, guess_rate, is_mastered, level
from engine.policies import Situation, adaptive
from engine.progress import LearnerState

NOW = datetime(2026, 12, 6, 10, 0)
P = SkillParams(prior=0.2, learn=0.15, slip=0.1, lesson_learn=0.35, half_life_days=45)
PARAMS = Parameters(P)

MODULE = "---\nid: safety\ntitle: Staying safe\nsummary: Keep safe.\nskills:\n  passwords: Make a strong password\n---\n"


def question(qid: str, kind: str, extra: str = "") -> str:
    answers = {
        "typed": "- [x] seventy-three\n",
        "obvious": "- [x] 1\n",
        "single": "- [x] A\n  Yes.\n- [ ] B\n  No.\n- [ ] C\n  No.\n- [ ] D\n  No.\n",
        "ordering": "1. one\n2. two\n3. three\n4. four\n",
    }[kind]
    real_kind = "typed" if kind == "obvious" else kind
    return f"::: question {qid}\nkind: {real_kind}\n{extra}\nAnswer it.\n\n{answers}:::\n\n"


@pytest.fixture
def course(write_content):
    questions = (question("typed-1", "typed") + question("typed-2", "typed") + question("choice-1", "single")
                 + question("choice-2", "single") + question("choice-3", "single")
                 + question("order-1", "ordering") + question("obvious-1", "obvious", "guess: 1 in 2\n"))
    files = {
        "safety/module.md": MODULE,
        "safety/01-passwords.md": ("---\nid: pw-lesson\ntitle: Passwords\nskills: [passwords]\n"
                                   "area: Being safe and legal online\nlevel: bronze\nminutes: 5\n---\n\nText.\n\n"
                                   + questions),
    }
    built = load_course(write_content(files))
    assert built.errors == ()
    return built


def answer(course, state, qid, correct=True, at=NOW, hints=0, helped=False):
    return state.after_answer(course.questions[qid], correct, at, PARAMS, hints, (), helped)


def mastered(state, at=NOW):
    return is_mastered(state.skills.get("passwords"), P, at)


def test_no_kind_of_question_is_trusted_as_nearly_unguessable(course):
    q = course.questions
    assert guess_rate(q["typed-1"]) >= 0.1
    assert guess_rate(q["order-1"]) >= 0.15, "4 steps in order is 1 in 24 by random clicking, but people half-know"
    assert guess_rate(q["choice-1"]) == pytest.approx(0.25)


def test_a_tutor_can_say_a_typed_answer_is_easy_to_guess(course):
    assert course.questions["obvious-1"].guess == pytest.approx(0.5)
    assert guess_rate(course.questions["obvious-1"]) == pytest.approx(0.5)


@pytest.mark.parametrize("value", ["often", "1 in 0", "0", "0.95", "2 in 3"])
def test_a_guess_setting_that_makes_no_sense_is_reported_with_its_line(write_content, value):
    files = {"safety/module.md": MODULE,
             "safety/01-passwords.md": ("---\nid: pw-lesson\ntitle: Passwords\nskills: [passwords]\n"
                                        "area: Being safe and legal online\nlevel: bronze\nminutes: 5\n---\n\nText.\n\n"
                                        + question("q-1", "typed", f"guess: {value}\n"))}
    built = load_course(write_content(files))
    problem = next(p for p in built.errors if "'guess'" in p.message)
    assert problem.line == 13 and value in problem.message


def test_one_right_answer_never_makes_a_skill_mastered_whatever_the_kind(course):
    for qid in ("typed-1", "order-1", "choice-1", "obvious-1"):
        state = answer(course, LearnerState("safety"), qid)
        assert not mastered(state), qid
        assert level(state.skills["passwords"], P, NOW) != "mastered"


def test_the_same_question_right_twice_counts_once(course):
    state = LearnerState("safety")
    for _ in range(4):
        state = answer(course, state, "typed-1")
    assert state.skills["passwords"].p_known > 0.95
    assert not mastered(state), "one question, however often, is one piece of evidence"
    assert evidence.missing(state.skills["passwords"].shown).startswith("1 more question")


def test_right_answers_that_could_be_guessed_are_not_enough_on_their_own(course):
    state = LearnerState("safety")
    for qid in ("choice-1", "choice-2", "choice-3", "obvious-1", "choice-1", "choice-2"):
        state = answer(course, state, qid)
    assert state.skills["passwords"].p_known >= 0.95
    assert not mastered(state)
    assert "cannot be guessed" in evidence.missing(state.skills["passwords"].shown)


def test_two_right_answers_one_hard_to_guess_with_a_high_estimate_make_a_skill_mastered(course):
    state = answer(course, answer(course, LearnerState("safety"), "typed-1"), "typed-2", at=NOW + timedelta(minutes=1))
    assert mastered(state, NOW + timedelta(minutes=1))
    skill = state.skills["passwords"]
    assert skill.mastered_at == NOW + timedelta(minutes=1)
    assert evidence.describe(skill.shown) == ("2 different questions answered right without help (2 typed answers), "
                                             "on 6 December 2026; the chance of getting them all right by guessing "
                                             "is about 1 in 100.")


def test_a_hard_question_with_an_easy_one_needs_a_third_answer_to_make_the_luck_small(course):
    state = answer(course, answer(course, LearnerState("safety"), "typed-1"), "choice-1")
    state = answer(course, state, "choice-2")
    skill = state.skills["passwords"]
    assert evidence.luck(skill.shown[:2]) == pytest.approx(0.025), "1 in 10 times 1 in 4: more than 1 in 50"
    assert not evidence.enough(skill.shown[:2])
    assert evidence.missing(skill.shown[:2]) == "1 more question right on your own"
    assert evidence.enough(skill.shown), "a third right answer brings the luck down to 1 in 160"


def test_answers_with_a_hint_or_with_help_are_not_evidence(course):
    state = answer(course, LearnerState("safety"), "typed-1", hints=1)
    state = answer(course, state, "typed-2", helped=True)
    state = answer(course, state, "order-1", hints=1)
    assert state.skills["passwords"].shown == ()
    assert not mastered(state)


def test_evidence_without_a_high_estimate_is_not_enough(course):
    state = LearnerState("safety")
    for qid, right in (("typed-1", True), ("typed-2", True), ("order-1", False), ("choice-1", False)):
        state = answer(course, state, qid, right)
    assert evidence.enough(state.skills["passwords"].shown)
    assert not mastered(state)


def test_the_evidence_survives_storage(course):
    state = answer(course, answer(course, LearnerState("safety"), "typed-1"), "order-1")
    assert LearnerState.from_dict(state.as_dict()) == state


def test_a_learner_who_has_the_estimate_but_not_the_evidence_is_asked_for_it_and_not_told_done(course):
    state = LearnerState("safety").after_lesson(course.lessons["pw-lesson"], NOW, PARAMS)
    for qid in ("choice-1", "choice-2", "choice-3", "choice-1", "choice-2"):
        state = answer(course, state, qid)
    step = adaptive(Situation(course, course.module("safety"), state, NOW + timedelta(minutes=5), PARAMS))
    assert step.kind == "question"
    assert course.questions[step.question_id].id in ("typed-1", "typed-2", "order-1"), "ask what cannot be guessed"
