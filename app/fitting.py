"""Read the answer record for `flask engine fit`, one skill at a time, in chunks, into compact blocks.

Answers stream through a server-side cursor in learner order, `BATCH` rows at a time. Every
`GROUP` learners, their lesson reads are looked up and their events packed into numpy blocks
(engine.fit_replay, about 40 bytes an event), so only one group is ever held as Python objects.
At most `FIT_LEARNERS` learners a skill are read: a few numbers are fitted, and past that more
learners change them less than the grid's own steps, so memory stays bounded by that cap
whatever the size of the table.
"""

from __future__ import annotations

from sqlalchemy import select

from engine.fit import Event
from engine.fit_replay import Block, blocks_of
from engine.mastery import Parameters
from engine.model import Course

from .extensions import db
from .models import AnswerRecord, LessonRead

FIT_LEARNERS = 20_000
BATCH = 1_000
GROUP = 2_000


def skill_blocks(course: Course, params: Parameters, skill_id: str, most_learners: int = FIT_LEARNERS,
                 batch: int = BATCH, group: int = GROUP) -> list[Block]:
    """Return a skill's answers and the lessons read before them, as blocks: one row a learner, in time order."""
    lessons = [lesson.id for lesson in course.lessons.values() if skill_id in lesson.skills]
    blocks: list[Block] = []
    pending: dict[int, list[Event]] = {}
    learners = 0
    rows = db.session.execute(
        select(AnswerRecord.learner_id, AnswerRecord.question_id, AnswerRecord.correct, AnswerRecord.hints_used,
               AnswerRecord.answered_at)
        .where(AnswerRecord.skill_id == skill_id)
        .order_by(AnswerRecord.learner_id, AnswerRecord.answered_at, AnswerRecord.id)
        .execution_options(yield_per=batch))
    for learner_id, question_id, correct, hints, at in rows:
        question = course.questions.get(question_id)
        if question is None or question.skill != skill_id:
            continue  # answers to questions since removed or moved say nothing about today's course
        if learner_id not in pending:
            if learners >= most_learners:
                break
            if len(pending) >= group:  # rows come in learner order: the learners so far are complete
                blocks += _pack(pending, lessons)
                pending = {}
            learners += 1
            pending[learner_id] = []
        pending[learner_id].append(
            Event(at, correct=correct, guess=params.guess_for(question), hints_used=hints, question_id=question.id))
    rows.close()
    if pending:
        blocks += _pack(pending, lessons)
    return blocks


def _pack(answers: dict[int, list[Event]], lessons: list[str]) -> list[Block]:
    """Add the lessons these learners read to their answers, in time order, and pack them into blocks."""
    if lessons:
        reads = db.session.execute(
            select(LessonRead.learner_id, LessonRead.read_at)
            .where(LessonRead.lesson_id.in_(lessons), LessonRead.learner_id.in_(list(answers))))
        for learner_id, at in reads:
            answers[learner_id].append(Event(at, lesson=True))
    return blocks_of(sorted(events, key=lambda e: (e.at, not e.lesson)) for events in answers.values())
