"""A practice task passed unaided is strong evidence, the engine offers one where it helps, and silver needs one."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from engine import evidence
from engine.loader import load_course
from engine.mastery import Parameters
from engine.passport import Held, standing
from engine.policies import Situation, adaptive
from engine.progress import LearnerState
from tests.conftest import CONTENT_DIR

COURSE = load_course(CONTENT_DIR)
MODULE = COURSE.module("passwords")
INBOX = COURSE.tasks["sort-the-inbox"]
PARAMS = Parameters()
NOW = datetime(2026, 12, 1, 10, 0)


def test_a_task_counts_as_one_hard_to_guess_answer_and_one_more_question_makes_enough_evidence():
    task = evidence.Shown("sort-the-inbox", evidence.TASK_KIND, NOW, evidence.TASK_GUESS)
    assert task.hard and not evidence.enough([task])
    question = evidence.Shown("pw-scam-signs", "single", NOW, 0.25)
    assert evidence.enough([task, question])
    said = evidence.describe([task, question])
    assert said.startswith("1 different question answered right and 1 practice task done right without help (")
    kinds = said.split("(", 1)[1].split(")", 1)[0].split(", ")
    assert sorted(kinds) == ["1 choice question", "1 practice task"]


def read_everything(state: LearnerState) -> LearnerState:
    for lesson in MODULE.path_lessons:
        state = state.after_lesson(lesson, NOW, PARAMS)
    return state


def test_the_engine_offers_the_inbox_task_once_scams_are_taught_and_going_well():
    state = read_everything(LearnerState("passwords"))
    for question in [q for q in COURSE.questions.values() if q.skill == "spot-scams"][:2]:
        state = state.after_answer(question, True, NOW, PARAMS)
    step = adaptive(Situation(COURSE, MODULE, state, NOW, PARAMS, offer_tasks=True))
    assert (step.kind, step.task_id, step.purpose) == ("task", "sort-the-inbox", "task")
    assert "pretend practice task" in step.reason


def test_the_engine_never_offers_a_task_to_a_caller_that_cannot_show_one():
    state = read_everything(LearnerState("passwords"))
    for question in [q for q in COURSE.questions.values() if q.skill == "spot-scams"][:2]:
        state = state.after_answer(question, True, NOW, PARAMS)
    assert adaptive(Situation(COURSE, MODULE, state, NOW, PARAMS)).kind != "task"


def test_a_task_passed_or_tried_twice_is_not_offered_again():
    state = read_everything(LearnerState("passwords"))
    for question in [q for q in COURSE.questions.values() if q.skill == "spot-scams"][:2]:
        state = state.after_answer(question, True, NOW, PARAMS)
    tried = replace(state, task_tries={"sort-the-inbox": 2})
    assert adaptive(Situation(COURSE, MODULE, tried, NOW, PARAMS, offer_tasks=True)).task_id != "sort-the-inbox"


def mastered_everything() -> LearnerState:
    """Return a state with every Passwords skill mastered through questions alone."""
    state = read_everything(LearnerState("passwords"))
    at = NOW
    for question in COURSE.questions.values():
        if question.module_id == "passwords":
            at += timedelta(minutes=1)
            state = state.after_answer(question, True, at, PARAMS)
    return state


def test_silver_and_gold_in_a_topic_with_tasks_need_one_task_passed_unaided():
    state = mastered_everything()
    held = {"bronze": Held(NOW)}
    bronze, silver, gold = standing(MODULE, state, PARAMS, held, NOW + timedelta(hours=1))
    assert not silver.missing and silver.task_missing and not silver.met
    assert not bronze.task_needed and gold.task_needed
    assert "practice task" in silver.rule()
    passed = state.after_task(INBOX, True, NOW + timedelta(hours=1), PARAMS)
    _, silver, _ = standing(MODULE, passed, PARAMS, held, NOW + timedelta(hours=2))
    assert not silver.task_missing and silver.met


def test_at_the_end_of_the_topic_the_engine_asks_for_the_task_the_passport_needs():
    step = adaptive(Situation(COURSE, MODULE, mastered_everything(), NOW + timedelta(hours=1), PARAMS,
                              offer_tasks=True))
    assert step.kind == "task" and "for your passport" in step.reason


def test_a_topic_without_tasks_keeps_todays_passport_rules():
    no_tasks = replace(MODULE, tasks=())
    state = mastered_everything()
    _, silver, gold = standing(no_tasks, state, PARAMS, {"bronze": Held(NOW)}, NOW + timedelta(hours=1))
    assert not silver.task_needed and not gold.task_needed and silver.met
    assert "practice task" not in silver.rule()
    step = adaptive(Situation(COURSE, no_tasks, state, NOW + timedelta(hours=1), PARAMS, offer_tasks=True))
    assert step.kind == "done"


def test_a_learner_waiting_for_a_tutor_on_every_skill_is_not_sent_to_a_task_at_the_end():
    state = replace(read_everything(LearnerState("passwords")), help_offered=frozenset(s.id for s in MODULE.skills))
    step = adaptive(Situation(COURSE, MODULE, state, NOW, PARAMS, offer_tasks=True))
    assert step.kind == "done"


def test_a_task_that_is_only_a_few_choices_weighs_only_as_much_as_luck_allows():
    letter = COURSE.tasks["lay-out-a-letter"]  # one layout of four, and PDF or Word: 1 in 8 by luck
    assert letter.luck == 1 / 8 and INBOX.luck == evidence.TASK_GUESS
    guessable = evidence.Shown("a-choice", "single", NOW, 0.25)
    by_layout = evidence.Shown(letter.id, evidence.TASK_KIND, NOW, letter.luck)
    by_inbox = evidence.Shown(INBOX.id, evidence.TASK_KIND, NOW, INBOX.luck)
    assert evidence.enough([by_inbox, guessable])
    assert not evidence.enough([by_layout, guessable]), "a 1-in-8 pass and a 1-in-4 guess could both be luck"


def test_passing_a_task_records_its_own_chance_of_luck_in_the_evidence():
    letter = COURSE.tasks["lay-out-a-letter"]
    module = COURSE.module(letter.module_id)
    state = LearnerState(module.id)
    for lesson in module.path_lessons:
        state = state.after_lesson(lesson, NOW, PARAMS)
    state = state.after_task(letter, True, NOW, PARAMS)
    for skill in letter.skills:
        assert [s.guess for s in state.skill(skill, PARAMS).shown] == [letter.luck]
