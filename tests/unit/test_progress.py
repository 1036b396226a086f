"""Working through a module in order: the next step and each lesson's progress."""

from __future__ import annotations

from datetime import datetime

from engine.loader import load_course
from engine.progress import POLICIES, AnswerEvent, History, lesson_progress, next_step_in_order

AT = datetime(2026, 11, 23, 10, 0)


def test_a_new_learner_starts_with_the_first_lesson(write_content, good_module):
    module = load_course(write_content(good_module)).module("safety")
    step = next_step_in_order(module, History())
    assert (step.kind, step.lesson_id) == ("lesson", "three-words")
    assert step.reason == "This is the first lesson in the module."


def test_after_reading_a_lesson_its_questions_come_next_in_order(write_content, good_module):
    module = load_course(write_content(good_module)).module("safety")
    history = History(lessons_read=frozenset({"three-words"}))
    assert next_step_in_order(module, history).question_id == "pw-strongest"
    history = History(frozenset({"three-words"}), (AnswerEvent("pw-strongest", False, AT),))
    step = next_step_in_order(module, history)
    assert (step.kind, step.question_id) == ("question", "scam-pin")
    assert "Three random words" in step.reason


def test_a_module_is_done_when_every_path_lesson_is_read_and_answered(write_content, good_module):
    module = load_course(write_content(good_module)).module("safety")
    history = History(frozenset({"three-words"}),
                      (AnswerEvent("pw-strongest", True, AT), AnswerEvent("scam-pin", True, AT)))
    assert next_step_in_order(module, history).kind == "done"


def test_lesson_progress_counts_the_latest_answer_to_each_question(write_content, good_module):
    lesson = load_course(write_content(good_module)).lessons["three-words"]
    history = History(frozenset({"three-words"}), (
        AnswerEvent("pw-strongest", False, AT), AnswerEvent("pw-strongest", True, AT)))
    progress = lesson_progress(lesson, history)
    assert (progress.answered, progress.right, progress.total, progress.status) == (1, 1, 2, "Quiz started")
    assert lesson_progress(lesson, History()).status == "Not started"


def test_policies_are_registered_by_name():
    assert POLICIES["in-order"] is next_step_in_order
