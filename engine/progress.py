"""Where a learner is in a module, and what they do next.

A learner's history is the lessons they have read and the answers they have
given. Policies that choose the next step are plain functions registered by
name in `POLICIES`, so they can be swapped and compared.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from .model import Lesson, Module


@dataclass(frozen=True)
class AnswerEvent:
    """One answer from the answer record, as the engine needs it."""

    question_id: str
    correct: bool
    at: datetime
    hints_used: int = 0


@dataclass(frozen=True)
class History:
    """What a learner has done so far."""

    lessons_read: frozenset[str] = frozenset()
    answers: tuple[AnswerEvent, ...] = ()

    def answered(self) -> dict[str, AnswerEvent]:
        """Return each question's latest answer, by question id."""
        latest: dict[str, AnswerEvent] = {}
        for event in self.answers:
            latest[event.question_id] = event
        return latest


@dataclass(frozen=True)
class Step:
    """What the learner does next, and why, in words they understand."""

    kind: str  # "lesson", "question" or "done"
    module_id: str
    reason: str
    lesson_id: str | None = None
    question_id: str | None = None


@dataclass(frozen=True)
class LessonProgress:
    """How far a learner has got with one lesson."""

    lesson: Lesson
    read: bool
    answered: int
    right: int

    @property
    def total(self) -> int:
        """Return the number of questions in the lesson."""
        return len(self.lesson.questions)

    @property
    def finished(self) -> bool:
        """Say whether the lesson has been read and every question answered."""
        return self.read and self.answered == self.total

    @property
    def status(self) -> str:
        """Describe the lesson's state in a word or two."""
        if self.finished:
            return "Done"
        if self.read:
            return "Quiz started" if self.answered else "Read"
        return "Not started"


def lesson_progress(lesson: Lesson, history: History) -> LessonProgress:
    """Return how far the learner has got with a lesson."""
    answered = history.answered()
    mine = [answered[q.id] for q in lesson.questions if q.id in answered]
    return LessonProgress(lesson, lesson.id in history.lessons_read, len(mine), sum(e.correct for e in mine))


def next_question(lesson: Lesson, history: History) -> str | None:
    """Return the id of the lesson's first unanswered question, or None."""
    answered = history.answered()
    for question in lesson.questions:
        if question.id not in answered:
            return question.id
    return None


def next_step_in_order(module: Module, history: History) -> Step:
    """Choose the next step by working through the lessons in order."""
    for lesson in module.path_lessons:
        if lesson.id not in history.lessons_read:
            started = any(lesson_progress(p, history).read for p in module.path_lessons)
            reason = ("This is the next lesson in the module." if started
                      else "This is the first lesson in the module.")
            return Step("lesson", module.id, reason, lesson_id=lesson.id)
        question_id = next_question(lesson, history)
        if question_id is not None:
            return Step("question", module.id, f"You have read “{lesson.title}”. Now try its questions.",
                        lesson_id=lesson.id, question_id=question_id)
    return Step("done", module.id, "You have finished every lesson in this module.")


Policy = Callable[[Module, History], Step]

POLICIES: dict[str, Policy] = {
    "in-order": next_step_in_order,
}
