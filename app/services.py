"""What learners do, as functions the web pages and the API both call.

Views stay thin: they read a request, call one of these, and render.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_login import current_user, login_user
from sqlalchemy import select

from engine.answers import Answer, Marking, mark
from engine.model import Lesson, Module, Question
from engine.progress import AnswerEvent, History

from .extensions import db
from .models import AnswerRecord, Learner, LessonRead, utcnow


def current_learner(create: bool = False) -> Learner | None:
    """Return the signed-in learner; with `create`, start a guest if there is none."""
    if current_user.is_authenticated:
        return current_user._get_current_object()
    if not create:
        return None
    learner = Learner()
    db.session.add(learner)
    db.session.commit()
    # remember=True keeps a guest's progress for a year in this browser, with no account.
    login_user(learner, remember=True)
    return learner


def history(learner: Learner | None, module: Module | None = None) -> History:
    """Return what a learner has done, in one module or everywhere."""
    if learner is None:
        return History()
    reads = select(LessonRead.lesson_id).where(LessonRead.learner_id == learner.id)
    answers = select(AnswerRecord.question_id, AnswerRecord.correct, AnswerRecord.answered_at,
                     AnswerRecord.hints_used).where(AnswerRecord.learner_id == learner.id)
    if module is not None:
        reads = reads.where(LessonRead.module_id == module.id)
        answers = answers.where(AnswerRecord.module_id == module.id)
    return History(
        lessons_read=frozenset(db.session.scalars(reads)),
        answers=tuple(AnswerEvent(q, c, at, h) for q, c, at, h in
                      db.session.execute(answers.order_by(AnswerRecord.id))),
    )


def mark_read(learner: Learner, lesson: Lesson) -> None:
    """Record that a learner has read a lesson (once)."""
    exists = db.session.scalar(select(LessonRead.id).where(
        LessonRead.learner_id == learner.id, LessonRead.lesson_id == lesson.id))
    if exists is None:
        db.session.add(LessonRead(learner_id=learner.id, lesson_id=lesson.id, module_id=lesson.module_id))
    learner.last_active_at = utcnow()
    db.session.commit()


@dataclass(frozen=True)
class Recorded:
    """An answer as it was stored, with its marking."""

    record: AnswerRecord
    marking: Marking


def record_answer(learner: Learner, question: Question, answer: Answer, hints_used: int) -> Recorded:
    """Mark an answer and add it to the answer record."""
    marking = mark(question, answer)
    record = AnswerRecord(
        learner_id=learner.id,
        question_id=question.id,
        module_id=question.module_id,
        skill_id=question.skill,
        kind=question.kind,
        response=answer.as_record(),
        given=answer.describe(question)[:1000],
        correct=marking.correct,
        hints_used=max(0, min(hints_used, len(question.hints))),
        misconceptions=list(marking.misconceptions),
    )
    db.session.add(record)
    learner.last_active_at = utcnow()
    db.session.commit()
    return Recorded(record, marking)


def answer_for(learner: Learner | None, answer_id: int) -> AnswerRecord | None:
    """Return one of this learner's answers, or None if it is not theirs."""
    if learner is None:
        return None
    record = db.session.get(AnswerRecord, answer_id)
    if record is None or record.learner_id != learner.id:
        return None
    return record


def last_answer(learner: Learner | None) -> AnswerRecord | None:
    """Return the learner's most recent answer anywhere, or None."""
    if learner is None:
        return None
    return db.session.scalar(select(AnswerRecord).where(AnswerRecord.learner_id == learner.id)
                             .order_by(AnswerRecord.id.desc()).limit(1))


def last_read(learner: Learner | None) -> LessonRead | None:
    """Return the lesson the learner read most recently, or None."""
    if learner is None:
        return None
    return db.session.scalar(select(LessonRead).where(LessonRead.learner_id == learner.id)
                             .order_by(LessonRead.id.desc()).limit(1))
