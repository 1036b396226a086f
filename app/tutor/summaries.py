"""Keep each learner's summary per module (app.models.LearnerSummary) up to date, in the same transaction as the step.

Every answer, lesson read, award, revoke, help offer and account carried over changes rows the
session tracks (answers, lesson reads, the engine's states, awards). After each flush the rows
touched are noted; just before the commit, each touched summary is brought up to date: counts
and time spent step by step, levels and stuck skills from the stored state and awards. So no
code path has to remember to do it, and a summary never disagrees with a committed answer.
`flask tutor rebuild-summaries` works every summary out again from the record, for databases
made before summaries, or after content changed which skills a module has.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import chain

import click
from flask import has_app_context
from sqlalchemy import bindparam, delete, event, select
from sqlalchemy.orm import Session

from engine.model import LEVELS, Module
from engine.progress import LearnerState
from engine.scoring import module_score, needs_help

from ..content import current_course, current_parameters
from ..extensions import db
from ..services import STATE_ROW, forget_saved_states, saved_state
from ..models import AnswerRecord, Award, Learner, LearnerModuleState, LearnerSummary, LessonRead, utcnow
from . import bp

# Time spent: a gap between two steps longer than this means the learner went away.
AWAY_AFTER = timedelta(minutes=30)
# What a step is counted as when nothing comes before it, or after a break.
MINUTES_PER_STEP = 2
REBUILD_BATCH = 200  # learners worked out together by the rebuild command

_DUE = "learner_summaries_due"  # the session.info key for what the open transaction touched


# --- time spent -----------------------------------------------------------------------------------


def add_step(seconds: float, last: datetime | None, at: datetime) -> tuple[float, datetime]:
    """Return the seconds spent and the last step after one more step at `at` (not before `last`)."""
    if last is None:
        return MINUTES_PER_STEP * 60.0, at
    gap = at - last
    return seconds + (gap.total_seconds() if gap <= AWAY_AFTER else MINUTES_PER_STEP * 60.0), at


def time_spent(times: list[datetime]) -> tuple[float, datetime | None]:
    """Return the seconds spent, and the last step, from when each step was taken."""
    seconds, last = 0.0, None
    for at in sorted(times):
        seconds, last = add_step(seconds, last, at)
    return seconds, last


def minutes_spent(times: list[datetime]) -> int:
    """Estimate the minutes spent from when each step was taken.

    Each gap between steps counts as time spent, except that a gap of more than
    30 minutes (the learner went away) counts as 2 minutes; the first step counts
    as 2 minutes too.
    """
    return round(time_spent(times)[0] / 60)


# --- what a summary says --------------------------------------------------------------------------


def best_level(awards: dict[str, Award]) -> str | None:
    """Return the highest passport level held and not revoked, or None."""
    for level in reversed(LEVELS):
        award = awards.get(level)
        if award is not None and not award.revoked:
            return level
    return None


def _apply_awards(summary: LearnerSummary, awards: list[Award]) -> None:
    held = {award.level: award for award in awards}
    summary.level = best_level(held)
    for level in LEVELS:
        award = held.get(level)
        setattr(summary, f"{level}_at", award.awarded_at if award is not None and not award.revoked else None)


def _apply_state(summary: LearnerSummary, module: Module | None, state: LearnerState | None) -> None:
    summary.started = bool(state and state.started)
    if state is None:
        summary.mastered, summary.stuck, summary.stuck_skills, summary.mixups = 0, [], 0, []
        return
    summary.mixups = sorted({tag for tags in state.misconceptions.values() for tag in tags})
    if module is None:  # a module no longer in the course: nothing to count its skills against
        summary.mastered, summary.stuck, summary.stuck_skills = 0, [], 0
        return
    params, now = current_parameters(), utcnow()
    summary.mastered = module_score(module, state, params, now).mastered
    summary.stuck = [[skill_id, list(tags)] for skill_id, tags in needs_help(module, state, params, now)]
    summary.stuck_skills = len(summary.stuck)


def _module(module_id: str) -> Module | None:
    return current_course().module(module_id) if has_app_context() else None


# --- kept up to date in each transaction ------------------------------------------------------------


@dataclass
class _Touched:
    """What one transaction did to one learner in one module."""

    answers: int = 0
    steps: list[datetime] = field(default_factory=list)
    recount: bool = False  # something was removed or moved: count answers and time from the record
    awards: bool = False  # an award was made, changed or removed


def _touched(session: Session) -> dict[tuple[int, str], _Touched]:
    return session.info.setdefault(_DUE, defaultdict(_Touched))


@event.listens_for(Session, "after_flush")
def _note_what_changed(session: Session, flush_context) -> None:
    """Note the learners and modules a flush touched, and the steps it added."""
    touched = None
    for row in chain(session.new, session.dirty, session.deleted):
        if not isinstance(row, (AnswerRecord, LessonRead, LearnerModuleState, Award)):
            continue
        touched = touched if touched is not None else _touched(session)
        item = touched[(row.learner_id, row.module_id)]
        if isinstance(row, Award):
            item.awards = True
        if row in session.deleted:
            item.recount = True
        elif isinstance(row, AnswerRecord) and row in session.new:
            item.answers += 1
            item.steps.append(row.answered_at)
        elif isinstance(row, LessonRead) and row in session.new:
            item.steps.append(row.read_at)
        elif isinstance(row, (AnswerRecord, LessonRead)):
            item.recount = True


@event.listens_for(Session, "before_commit")
def _bring_summaries_up_to_date(session: Session) -> None:
    """Update the summaries this transaction touched, before it commits, so both land together."""
    if not session.info.get(_DUE) and not (session.new or session.dirty or session.deleted):
        forget_saved_states(session)
        return
    session.flush()
    touched = session.info.pop(_DUE, None)
    if touched:
        for (learner_id, module_id), item in sorted(touched.items()):
            _update(session, learner_id, module_id, item)
    forget_saved_states(session)


@event.listens_for(Session, "after_rollback")
@event.listens_for(Session, "after_soft_rollback")
def _forget_what_changed(session: Session, *args) -> None:
    """Forget what a transaction that was rolled back touched."""
    session.info.pop(_DUE, None)
    forget_saved_states(session)


# Built once, like the state query in app/services.py: building them cost about as much as running them.
_SUMMARY = (select(LearnerSummary).where(LearnerSummary.learner_id == bindparam("learner_id"),
                                         LearnerSummary.module_id == bindparam("module_id")).with_for_update())
_AWARDS = select(Award).where(Award.learner_id == bindparam("learner_id"), Award.module_id == bindparam("module_id"))


def _state(session: Session, learner_id: int, module_id: str) -> LearnerState | None:
    """Return the learner's state in a module: the one saved in this transaction if any, else the stored one."""
    saved = saved_state(session, learner_id, module_id)
    if saved is not None:
        return saved[1]
    row = session.scalar(STATE_ROW, {"learner_id": learner_id, "module_id": module_id})
    return LearnerState.from_dict(row.state) if row else None


def _update(session: Session, learner_id: int, module_id: str, item: _Touched) -> None:
    ids = {"learner_id": learner_id, "module_id": module_id}
    summary = session.scalar(_SUMMARY, ids)
    if session.get(Learner, learner_id) is None:  # deleted in this transaction: their summaries went too
        return
    new = summary is None
    if new:
        summary = LearnerSummary(learner_id=learner_id, module_id=module_id, answers=0, seconds_spent=0.0)
        session.add(summary)
        item.recount = item.recount or bool(item.steps)  # a first step may be old (an account carried over)
    steps = sorted(item.steps)
    if item.recount or (steps and summary.last_step_at is not None and steps[0] < summary.last_step_at):
        _recount(session, summary)
    else:
        summary.answers += item.answers
        for at in steps:
            summary.seconds_spent, summary.last_step_at = add_step(summary.seconds_spent, summary.last_step_at, at)
    _apply_state(summary, _module(module_id), _state(session, learner_id, module_id))
    # Every change to an award passes through here, so a summary's levels only move when an award did.
    if new or item.awards:
        _apply_awards(summary, list(session.scalars(_AWARDS, ids)))


def _recount(session: Session, summary: LearnerSummary) -> None:
    times = list(session.scalars(select(AnswerRecord.answered_at).where(
        AnswerRecord.learner_id == summary.learner_id, AnswerRecord.module_id == summary.module_id)))
    summary.answers = len(times)
    times += session.scalars(select(LessonRead.read_at).where(
        LessonRead.learner_id == summary.learner_id, LessonRead.module_id == summary.module_id))
    summary.seconds_spent, summary.last_step_at = time_spent(times)


# --- worked out again from the record ---------------------------------------------------------------


def worked_out(learner_ids: list[int]) -> dict[tuple[int, str], LearnerSummary]:
    """Return every summary of these learners as the record says it should be (five queries)."""
    found: dict[tuple[int, str], LearnerSummary] = {}

    def summary(learner_id: int, module_id: str) -> LearnerSummary:
        key = (learner_id, module_id)
        if key not in found:
            found[key] = LearnerSummary(learner_id=learner_id, module_id=module_id, answers=0, seconds_spent=0.0)
            _apply_state(found[key], None, None)
        return found[key]

    times: dict[tuple[int, str], list[datetime]] = defaultdict(list)
    for learner_id, module_id, at in db.session.execute(
            select(AnswerRecord.learner_id, AnswerRecord.module_id, AnswerRecord.answered_at)
            .where(AnswerRecord.learner_id.in_(learner_ids))):
        summary(learner_id, module_id).answers += 1
        times[(learner_id, module_id)].append(at)
    for learner_id, module_id, at in db.session.execute(
            select(LessonRead.learner_id, LessonRead.module_id, LessonRead.read_at)
            .where(LessonRead.learner_id.in_(learner_ids))):
        times[(learner_id, module_id)].append(at)
    for key, steps in times.items():
        summary(*key).seconds_spent, summary(*key).last_step_at = time_spent(steps)
    for row in db.session.scalars(select(LearnerModuleState).where(LearnerModuleState.learner_id.in_(learner_ids))):
        _apply_state(summary(row.learner_id, row.module_id), _module(row.module_id), LearnerState.from_dict(row.state))
    awards: dict[tuple[int, str], list[Award]] = defaultdict(list)
    for award in db.session.scalars(select(Award).where(Award.learner_id.in_(learner_ids))):
        awards[(award.learner_id, award.module_id)].append(award)
    for key in awards:
        summary(*key)
    for key, item in found.items():
        _apply_awards(item, awards.get(key, []))
    return found


SUMMARY_FIELDS = ("started", "level", "bronze_at", "silver_at", "gold_at", "mastered", "answers",
                  "seconds_spent", "last_step_at", "stuck_skills", "stuck", "mixups")


def rebuild(learner_ids: list[int]) -> None:
    """Replace these learners' summaries with what the record says, in one transaction."""
    db.session.execute(delete(LearnerSummary).where(LearnerSummary.learner_id.in_(learner_ids)))
    db.session.add_all(worked_out(learner_ids).values())
    db.session.commit()


@bp.cli.command("rebuild-summaries")
def rebuild_summaries() -> None:
    """Work out every learner's summary again from their answers, lesson reads, states and awards."""
    last, done = 0, 0
    while True:
        ids = list(db.session.scalars(select(Learner.id).where(Learner.id > last)
                                      .order_by(Learner.id).limit(REBUILD_BATCH)))
        if not ids:
            break
        rebuild(ids)
        last, done = ids[-1], done + len(ids)
        click.echo(f"\r{done} learners done", nl=False)
    click.echo(f"\rSummaries rebuilt for {done} learners.")
