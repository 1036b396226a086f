"""What learners do, as functions the web pages and the API both call.

Views stay thin: they read a request, call one of these, and render.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from flask import current_app
from flask_login import current_user, login_user
from sqlalchemy import bindparam, inspect, select

from engine.answers import Answer, Marking, mark
from engine.model import Lesson, Module, Question
from engine.policies import POLICIES, Situation, Step
from engine.progress import LearnerState
from engine.reviews import reviews_due as course_reviews

from .badges.awards import award_due
from .lti.grades import queue_score, send_learner_scores
from .content import current_course, current_parameters
from .extensions import db
from .models import AnswerRecord, Award, HelpSession, Learner, LearnerModuleState, LessonRead, utcnow
from .worker import run_later


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


# Built once: every page and answer reads a learner's state, and building the query each time
# cost about as much as running it.
_ONE_MODULE = (LearnerModuleState.learner_id == bindparam("learner_id"),
               LearnerModuleState.module_id == bindparam("module_id"))
STATE_ROW = select(LearnerModuleState).where(*_ONE_MODULE)  # also read by the summaries at commit
_STATE_ONLY = select(LearnerModuleState.state).where(*_ONE_MODULE)


def _state_row(learner: Learner, module_id: str) -> LearnerModuleState | None:
    return db.session.scalar(STATE_ROW, {"learner_id": learner.id, "module_id": module_id})


def _state_of(row: LearnerModuleState | None, module_id: str) -> LearnerState:
    return LearnerState.from_dict(row.state) if row else LearnerState(module_id)


def load_state(learner: Learner | None, module: Module) -> LearnerState:
    """Return the engine's state for a learner in a module (one small query)."""
    if learner is None:
        return LearnerState(module.id)
    # Only the stored state, not the row: a page that only reads it skips the ORM's bookkeeping.
    data = db.session.scalar(_STATE_ONLY, {"learner_id": learner.id, "module_id": module.id})
    return LearnerState.from_dict(data) if data else LearnerState(module.id)


# session.info key: the state each row was given in this transaction, so the commit's summary
# update (app/tutor/summaries.py) uses it instead of reading and parsing the row again.
_SAVED = "learner_states_saved"


def _save_state(learner: Learner, state: LearnerState, row: LearnerModuleState | None) -> None:
    """Store a state in the row it was read from, or in a new row if there was none."""
    data = state.as_dict()
    if row is None:
        row = LearnerModuleState(learner_id=learner.id, module_id=state.module_id, state=data)
        db.session.add(row)
    else:
        row.state = data
    db.session.info.setdefault(_SAVED, {})[(learner.id, state.module_id)] = (row, data, state)


def saved_state(session, learner_id: int, module_id: str) -> tuple[LearnerModuleState, LearnerState] | None:
    """Return the state row and engine state saved in this transaction, if the row still holds that state."""
    saved = session.info.get(_SAVED, {}).get((learner_id, module_id))
    if saved is None:
        return None
    row, data, state = saved
    # Only while the row holds exactly what was saved: anything stored in it since is read as usual.
    return (row, state) if inspect(row).persistent and row.state is data else None


def forget_saved_states(session) -> None:
    """Drop the states noted in a transaction that has ended."""
    session.info.pop(_SAVED, None)


def next_step(learner: Learner | None, module: Module, state: LearnerState | None = None,
              offer_tasks: bool = False) -> Step:
    """Return the engine's next step for a learner in a module; `offer_tasks` for pages that can show a task."""
    situation = Situation(current_course(), module, state or load_state(learner, module), utcnow(),
                          current_parameters(), offer_tasks=offer_tasks)
    return POLICIES[current_app.config["NEXT_STEP_POLICY"]](situation)


def all_states(learner: Learner | None) -> dict[str, LearnerState]:
    """Return the engine's state for a learner in every topic they have started (one query)."""
    if learner is None:
        return {}
    return {row.module_id: _state_of(row, row.module_id) for row in db.session.scalars(
        select(LearnerModuleState).where(LearnerModuleState.learner_id == learner.id))}


def reviews_due(learner: Learner | None) -> list[Step]:
    """Return the quick reviews due now across every topic, a few at a time, mixed across topics."""
    return course_reviews(current_course(), all_states(learner), current_parameters(), utcnow())


def mark_read(learner: Learner, lesson: Lesson) -> None:
    """Record that a learner has read a lesson, and tell the engine."""
    exists = db.session.scalar(select(LessonRead.id).where(
        LessonRead.learner_id == learner.id, LessonRead.lesson_id == lesson.id))
    if exists is None:
        db.session.add(LessonRead(learner_id=learner.id, lesson_id=lesson.id, module_id=lesson.module_id))
    now = utcnow()
    rows = {row.module_id: row for row in db.session.scalars(
        select(LearnerModuleState).where(LearnerModuleState.learner_id == learner.id))}
    states = {module_id: _state_of(row, module_id) for module_id, row in rows.items()}
    # The lesson counts in its own module, and in any module where it fixes a mix-up the learner showed.
    touched = {lesson.module_id} | {m for m, st in states.items() if set(st.pending) & set(lesson.fixes)}
    for module_id in touched:
        state = states.get(module_id) or LearnerState(module_id)
        _save_state(learner, state.after_lesson(lesson, now, current_parameters()), rows.get(module_id))
    learner.last_active_at = now
    db.session.commit()


def choose_start(learner: Learner, module: Module, lessons_first: bool) -> None:
    """Record how the learner chose to go through a module: the lessons first, or showing what they know."""
    row = _state_row(learner, module.id)
    _save_state(learner, _state_of(row, module.id).choosing(lessons_first), row)
    db.session.commit()


def offer_help(learner: Learner, module: Module, skill_id: str) -> None:
    """Record that the learner has been pointed to a tutor for a skill they are stuck on."""
    row = _state_row(learner, module.id)
    _save_state(learner, _state_of(row, module.id).after_help(skill_id), row)
    db.session.commit()


@dataclass(frozen=True)
class Recorded:
    """An answer as it was stored, with its marking."""

    record: AnswerRecord
    marking: Marking
    state: LearnerState
    awards: list[Award]  # passport levels this answer earned
    # The answer's number, what was given and whether it was helped, kept from before the commit:
    # reading them from the record after it would load the row again.
    answer_id: int | None = None
    given: str = ""
    helped: bool = False


HELP_SESSION_HOURS = 4  # a help session a tutor forgets to end stops counting after this long


def help_under_way(now: datetime) -> tuple:
    """Return the conditions of a help session still running at `now` (not ended, and not lapsed)."""
    return _started_since(now - timedelta(hours=HELP_SESSION_HOURS))


def _started_since(since) -> tuple:
    return (HelpSession.ended_at.is_(None), HelpSession.started_at > since)


# Asked at every answer, so built once, like STATE_ROW: help_under_way with the time as a parameter.
_HELP_UNDER_WAY = select(HelpSession.id).where(
    HelpSession.learner_id == bindparam("learner_id"), *_started_since(bindparam("since"))).limit(1)


def being_helped(learner: Learner, now: datetime) -> bool:
    """Say whether a tutor has marked this learner as being helped right now."""
    since = now - timedelta(hours=HELP_SESSION_HOURS)
    return db.session.scalar(_HELP_UNDER_WAY, {"learner_id": learner.id, "since": since}) is not None


DONT_KNOW = "I don't know yet"  # what the answer record says a learner gave when they said so


def record_answer(learner: Learner, question: Question, answer: Answer, hints_used: int,
                  helped: bool = False, dont_know: bool = False) -> Recorded:
    """Mark an answer, add it to the answer record, and award any passport level it earned.

    The answer counts as helped if the learner says so, or while a tutor is helping them.
    "I don't know yet" (`dont_know`) is a wrong answer that shows no mix-up: what was
    chosen before pressing it is not looked at.
    """
    if dont_know:
        answer = Answer()
    marking = mark(question, answer)
    if dont_know:
        marking = replace(marking, correct=False, misconceptions=())
    helped = helped or being_helped(learner, utcnow())
    record = AnswerRecord(
        learner_id=learner.id,
        question_id=question.id,
        module_id=question.module_id,
        skill_id=question.skill,
        kind=question.kind,
        response={"dont_know": True} if dont_know else answer.as_record(),
        given=DONT_KNOW if dont_know else answer.describe(question)[:1000],
        correct=marking.correct,
        hints_used=max(0, min(hints_used, len(question.hints))),
        helped=helped,
        misconceptions=list(marking.misconceptions),
    )
    # The state is read before the answer is added, so reading it does not flush the answer on its own:
    # the answer, the state and the learner are written in one flush below.
    row = _state_row(learner, question.module_id)
    db.session.add(record)
    now = utcnow()
    state = _state_of(row, question.module_id).after_answer(
        question, marking.correct, now, current_parameters(), record.hints_used, marking.misconceptions, helped,
        dont_know)
    _save_state(learner, state, row)
    learner.last_active_at = now
    db.session.flush()  # the answer's id, for the awards it earns
    module = current_course().module(question.module_id)
    awards = award_due(learner, module, state, now, record) if module is not None and not helped else []
    scores = queue_score(learner, module, state, now) if module is not None else []
    answer_id, given = record.id, record.given
    db.session.commit()
    if scores:
        run_later(send_learner_scores, learner.id)  # the worker talks to the VLE, never the answer
    return Recorded(record, marking, state, awards, answer_id, given, helped)


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
