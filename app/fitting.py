"""Read the answer record for `flask engine fit`, one skill at a time, without holding the whole table."""

from __future__ import annotations

from sqlalchemy import select

from engine.fit import Event
from engine.mastery import Parameters
from engine.model import Course

from .extensions import db
from .models import AnswerRecord, LessonRead

FIT_LEARNERS = 20_000  # learners a skill is fitted on: plenty for a few numbers, and memory stays bounded
BATCH = 1_000


def skill_sequences(course: Course, params: Parameters, skill_id: str,
                    most_learners: int = FIT_LEARNERS) -> list[list[Event]]:
    """Return one event sequence per learner for a skill: their answers and the lessons they read, in time order.

    Answers stream in learner order, a batch at a time, and reading stops after `most_learners`
    learners; lesson reads are then read for those learners only.
    """
    answers: dict[int, list[Event]] = {}
    rows = db.session.execute(
        select(AnswerRecord.learner_id, AnswerRecord.question_id, AnswerRecord.correct, AnswerRecord.hints_used,
               AnswerRecord.answered_at)
        .where(AnswerRecord.skill_id == skill_id)
        .order_by(AnswerRecord.learner_id, AnswerRecord.answered_at, AnswerRecord.id)
        .execution_options(yield_per=BATCH))
    for learner_id, question_id, correct, hints, at in rows:
        question = course.questions.get(question_id)
        if question is None or question.skill != skill_id:
            continue  # answers to questions since removed or moved say nothing about today's course
        if learner_id not in answers and len(answers) >= most_learners:
            break
        answers.setdefault(learner_id, []).append(
            Event(at, correct=correct, guess=params.guess_for(question), hints_used=hints, question_id=question.id))
    rows.close()
    if not answers:
        return []
    lessons = [lesson.id for lesson in course.lessons.values() if skill_id in lesson.skills]
    last = max(answers)
    reads = db.session.execute(
        select(LessonRead.learner_id, LessonRead.read_at)
        .where(LessonRead.lesson_id.in_(lessons), LessonRead.learner_id <= last)
        .order_by(LessonRead.learner_id)
        .execution_options(yield_per=BATCH)) if lessons else []
    for learner_id, at in reads:
        if learner_id in answers:
            answers[learner_id].append(Event(at, lesson=True))
    return [sorted(events, key=lambda e: (e.at, not e.lesson)) for events in answers.values()]
