"""Keep a learner's try at a practice task: in the append-only answer record, and in the engine's state."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from engine.evidence import TASK_KIND
from engine.model import Task
from engine.progress import LearnerState
from engine.tasks import Outcome

from ..badges.awards import award_due
from ..content import current_course, current_parameters
from ..extensions import db
from ..lti.grades import queue_score, send_learner_scores
from ..models import AnswerRecord, Award, Learner, LearnerModuleState, utcnow
from ..services import being_helped
from ..worker import run_later

TRY_PREFIX = "task:"  # an answer record's question id for a task: no question id has a colon in it


@dataclass(frozen=True)
class Tried:
    """A try at a task as it was stored."""

    record: AnswerRecord
    state: LearnerState
    awards: list[Award]  # passport levels this try earned


def record_try(learner: Learner, task: Task, outcome: Outcome, helped: bool = False) -> Tried:
    """Add a try at a task to the answer record, tell the engine, and award any passport level it earned.

    Only `outcome.kept` is stored: each kind leaves out anything a learner should not have kept,
    such as a password typed into a pretend form.
    """
    now = utcnow()
    helped = helped or being_helped(learner, now)
    misconceptions = tuple(dict.fromkeys(task.feedback[m].misconception for m in outcome.mistakes
                                         if m in task.feedback and task.feedback[m].misconception))
    record = AnswerRecord(
        learner_id=learner.id,
        question_id=TRY_PREFIX + task.id,
        module_id=task.module_id,
        skill_id=task.skills[0],
        kind=TASK_KIND,
        response={"passed": outcome.passed, "mistakes": [[f.mistake, f.about, f.detail] for f in outcome.found]},
        given=describe(task, outcome)[:1000],
        correct=outcome.passed,
        hints_used=0,
        helped=helped,
        misconceptions=list(misconceptions),
        task_id=task.id,
        steps=dict(outcome.kept),
        answered_at=now,
    )
    db.session.add(record)
    row = db.session.scalar(select(LearnerModuleState).where(
        LearnerModuleState.learner_id == learner.id, LearnerModuleState.module_id == task.module_id))
    before = LearnerState.from_dict(row.state) if row else LearnerState(task.module_id)
    state = before.after_task(task, outcome.passed, now, current_parameters(), helped, misconceptions)
    if row is None:
        db.session.add(LearnerModuleState(learner_id=learner.id, module_id=task.module_id, state=state.as_dict()))
    else:
        row.state = state.as_dict()
    learner.last_active_at = now
    db.session.flush()
    module = current_course().module(task.module_id)
    awards = award_due(learner, module, state, now, record) if module is not None and not helped else []
    scores = queue_score(learner, module, state, now) if module is not None else []
    db.session.commit()
    if scores:
        run_later(send_learner_scores, learner.id)  # the worker talks to the VLE, never the learner's try
    return Tried(record, state, awards)


def describe(task: Task, outcome: Outcome) -> str:
    """Say in a line what happened, for a tutor reading the record."""
    if outcome.passed:
        return f"Did the practice task “{task.title}” with no mistakes"
    return f"Practice task “{task.title}”: {', '.join(outcome.mistakes).replace('-', ' ')}"


def try_of(learner: Learner | None, task: Task, record_id: int) -> AnswerRecord | None:
    """Return one of this learner's tries at this task, or None."""
    if learner is None:
        return None
    record = db.session.get(AnswerRecord, record_id)
    if record is None or record.learner_id != learner.id or record.task_id != task.id:
        return None
    return record
