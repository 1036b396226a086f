"""Read the answer record for `flask engine fit` in one pass, in chunks, into compact blocks for each skill.

Answers stream through a server-side cursor in the order of the index on (learner, topic,
answer), `BATCH` rows at a time, so the database neither sorts nor holds the table, and the
read can stop early. Every `GROUP` answers or so (at the end of a learner), those learners'
lesson reads are looked up and their events packed into numpy blocks (engine.fit_replay, about
40 bytes an event), so only one group is ever held as Python objects.

The sample: each skill is fitted on its first `FIT_LEARNERS` learners (by number), and no more
than `FIT_ANSWERS` of their answers. That many fix a few numbers more finely than the grid's own
steps, and it bounds memory (under 500 MB whatever the size of the table). Reading stops once
every skill has its sample, or after `READ_LEARNERS` learners in all (a skill few learners
reach would otherwise have the whole table read for it), which bounds the time.
"""

from __future__ import annotations

from typing import Callable

from sqlalchemy import select

from engine.fit import Event
from engine.fit_replay import Block, blocks_of
from engine.mastery import Parameters
from engine.model import Course

from .extensions import db
from .models import AnswerRecord, LessonRead

FIT_LEARNERS = 20_000
FIT_ANSWERS = 300_000
READ_LEARNERS = 100_000
BATCH = 1_000
GROUP = 50_000  # answers held as rows before they are packed: about 20 MB


class _Sample:
    """The blocks read so far for each skill, and how many learners and answers they hold."""

    def __init__(self, skills: list[str], most_learners: int, most_answers: int):
        self.blocks: dict[str, list[Block]] = {skill: [] for skill in skills}
        self.learners = dict.fromkeys(skills, 0)
        self.answers = dict.fromkeys(skills, 0)
        self.most_learners, self.most_answers = most_learners, most_answers

    def full(self, skill: str) -> bool:
        """Say whether a skill has all the learners or answers it may have."""
        return self.learners[skill] >= self.most_learners or self.answers[skill] >= self.most_answers

    def all_full(self) -> bool:
        """Say whether every skill has its whole sample, so reading can stop."""
        return all(self.full(skill) for skill in self.blocks)

    def add(self, skill: str, sequences: dict[int, list[Event]]) -> None:
        """Pack learners' sequences for a skill, in learner order, until its sample is full."""
        taken = []
        for learner_id in sorted(sequences):
            if self.full(skill):
                break
            events = sorted(sequences[learner_id], key=lambda e: (e.at, not e.lesson))
            taken.append(events)
            self.learners[skill] += 1
            self.answers[skill] += sum(1 for e in events if not e.lesson)
        self.blocks[skill] += blocks_of(taken)


def course_blocks(course: Course, params: Parameters, most_learners: int = FIT_LEARNERS,
                  most_answers: int = FIT_ANSWERS, most_read: int = READ_LEARNERS, batch: int = BATCH,
                  group: int = GROUP, progress: Callable[[int], None] | None = None) -> dict[str, list[Block]]:
    """Return each skill's answers, with the lessons read among them, as blocks: one row a learner, in time order."""
    sample = _Sample([skill.id for module in course.modules for skill in module.skills], most_learners, most_answers)
    pending: dict[int, list] = {}
    learners = held = 0
    # Plain rows from the connection: nothing here needs the ORM, which costs more a row than the fit.
    rows = db.session.connection().execute(
        select(AnswerRecord.learner_id, AnswerRecord.id, AnswerRecord.question_id, AnswerRecord.skill_id,
               AnswerRecord.correct, AnswerRecord.hints_used, AnswerRecord.answered_at)
        .order_by(AnswerRecord.learner_id, AnswerRecord.module_id, AnswerRecord.id),  # the index's own order
        execution_options={"yield_per": batch})
    for row in rows:
        if row.learner_id not in pending:
            if held >= group:  # rows come in learner order: the learners so far are complete
                _add_group(course, params, sample, pending)
                pending, held = {}, 0
                if sample.all_full():
                    break
            if learners >= most_read:
                break
            learners += 1
            pending[row.learner_id] = []
        pending[row.learner_id].append(row)
        held += 1
        if progress is not None:
            progress(1)
    rows.close()
    if pending:
        _add_group(course, params, sample, pending)
    return sample.blocks


def _add_group(course: Course, params: Parameters, sample: _Sample, answers: dict[int, list]) -> None:
    """Turn a group of learners' answers, and the lessons they read, into events for each skill's sample."""
    by_skill: dict[str, dict[int, list[Event]]] = {}
    guesses: dict[str, float] = {}
    for learner_id, rows in answers.items():
        for row in sorted(rows, key=lambda r: (r.answered_at, r.id)):
            question = course.questions.get(row.question_id)
            if question is None or question.skill != row.skill_id or row.skill_id not in sample.blocks:
                continue  # answers to questions since removed or moved say nothing about today's course
            if sample.full(row.skill_id):
                continue
            if question.id not in guesses:
                guesses[question.id] = params.guess_for(question)
            by_skill.setdefault(row.skill_id, {}).setdefault(learner_id, []).append(
                Event(row.answered_at, correct=row.correct, guess=guesses[question.id],
                      hints_used=row.hints_used, question_id=question.id))
    teaches = {lesson.id: [s for s in lesson.skills if s in by_skill] for lesson in course.lessons.values()}
    teaches = {lesson: skills for lesson, skills in teaches.items() if skills}
    if teaches:
        reads = db.session.execute(
            select(LessonRead.learner_id, LessonRead.lesson_id, LessonRead.read_at)
            .where(LessonRead.learner_id.in_(list(answers)), LessonRead.lesson_id.in_(list(teaches))))
        for learner_id, lesson_id, at in reads:
            for skill in teaches[lesson_id]:
                if learner_id in by_skill[skill]:  # lessons count only for learners who answered on the skill
                    by_skill[skill][learner_id].append(Event(at, lesson=True))
    for skill, sequences in by_skill.items():
        sample.add(skill, sequences)


def count_answers() -> int:
    """Return how many answers are stored, for the progress bar."""
    from sqlalchemy import func

    return db.session.scalar(select(func.count()).select_from(AnswerRecord))
