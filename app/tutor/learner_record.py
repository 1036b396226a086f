"""One learner's record for their tutor: levels per skill, badges, stuck skills, answers, and being helped."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update

from engine.mastery import is_mastered
from engine.mastery import level as skill_level
from engine.model import LEVELS, Course, Module, Skill
from engine.progress import LearnerState
from engine.scoring import needs_help

from ..content import current_course, current_parameters
from ..extensions import db
from ..models import AnswerRecord, Award, HelpSession, Learner, LearnerModuleState, utcnow
from ..services import help_under_way
from .groups import Member
from .summaries import best_level
from .words import Mixup, describe_mixups, question_prompt, skill_name

ANSWER_HISTORY = 200  # answers on a learner's page, newest first


def _states(learner_ids: list[int]) -> dict[tuple[int, str], LearnerState]:
    if not learner_ids:
        return {}
    rows = db.session.scalars(select(LearnerModuleState).where(LearnerModuleState.learner_id.in_(learner_ids)))
    return {(row.learner_id, row.module_id): LearnerState.from_dict(row.state) for row in rows}


def _awards(learner_ids: list[int]) -> dict[tuple[int, str], dict[str, Award]]:
    found: dict[tuple[int, str], dict[str, Award]] = defaultdict(dict)
    if learner_ids:
        for award in db.session.scalars(select(Award).where(Award.learner_id.in_(learner_ids))):
            found[(award.learner_id, award.module_id)][award.level] = award
    return found


def mastered_count(module: Module, state: LearnerState | None, now: datetime) -> int:
    """Return how many of a module's skills the learner has mastered now."""
    if state is None:
        return 0
    params = current_parameters()
    return sum(1 for skill in module.skills
               if is_mastered(state.skills.get(skill.id), params.for_skill(skill.id), now))


@dataclass(frozen=True)
class ModuleProgress:
    """One learner in one module: their passport level and skills mastered."""

    module: Module
    started: bool
    level: str | None
    mastered: int

    @property
    def skills(self) -> int:
        """Return how many skills the module has."""
        return len(self.module.skills)


def _progress(module: Module, state: LearnerState | None, awards: dict[str, Award], now: datetime) -> ModuleProgress:
    return ModuleProgress(module, bool(state and state.started), best_level(awards), mastered_count(module, state, now))


@dataclass(frozen=True)
class Stuck:
    """A skill a learner is stuck on, and the mix-ups their answers showed."""

    learner: Learner
    module: Module
    skill: Skill
    mixups: tuple[Mixup, ...]


def _stuck(course: Course, learner: Learner, states: dict[tuple[int, str], LearnerState],
           now: datetime) -> list[Stuck]:
    params = current_parameters()
    found = []
    for module in course.modules:
        state = states.get((learner.id, module.id))
        if state is None:
            continue
        skills = {skill.id: skill for skill in module.skills}
        for skill_id, tags in needs_help(module, state, params, now):
            found.append(Stuck(learner, module, skills[skill_id], describe_mixups(course, tags)))
    return found


@dataclass(frozen=True)
class ModuleReport:
    """A learner's levels in one module's skills, and their badges there."""

    progress: ModuleProgress
    skills: tuple[tuple[Skill, str], ...]  # each skill and its level: "not started" ... "mastered"
    awards: tuple[Award, ...]  # bronze, silver, gold, as held (revoked ones too)


@dataclass(frozen=True)
class AnswerLine:
    """One answer in a learner's history."""

    record: AnswerRecord
    prompt: str
    skill: str


@dataclass(frozen=True)
class LearnerReport:
    """Everything on a learner's page for their tutor."""

    member: Member
    modules: tuple[ModuleReport, ...]
    stuck: list[Stuck]
    answers: list[AnswerLine]
    total_answers: int
    help_session: HelpSession | None


def help_session(learner: Learner, now: datetime | None = None) -> HelpSession | None:
    """Return the help session under way for a learner, or None (one that was never ended lapses)."""
    return db.session.scalar(select(HelpSession).where(HelpSession.learner_id == learner.id, *help_under_way(now or utcnow()))
                             .order_by(HelpSession.started_at.desc()).limit(1))


def start_helping(tutor: Learner, learner: Learner) -> None:
    """Start helping a learner: until it ends, their answers count as helped, for no passport level."""
    now = utcnow()
    if help_session(learner, now) is not None:
        return
    # A session a tutor forgot to end has lapsed already; close it, so the record is tidy.
    db.session.execute(update(HelpSession).where(HelpSession.learner_id == learner.id,
                                                 HelpSession.ended_at.is_(None)).values(ended_at=now))
    db.session.add(HelpSession(learner_id=learner.id, tutor_id=tutor.id, started_at=now))
    db.session.commit()


def stop_helping(learner: Learner) -> None:
    """Stop helping a learner: their answers count towards the passport again."""
    db.session.execute(update(HelpSession).where(HelpSession.learner_id == learner.id,
                                                 HelpSession.ended_at.is_(None)).values(ended_at=utcnow()))
    db.session.commit()


def learner_report(member: Member) -> LearnerReport:
    """Return a learner's page for their tutor: levels per skill, badges, stuck skills and answers."""
    course = current_course()
    params = current_parameters()
    now = utcnow()
    learner = member.learner
    states = _states([learner.id])
    awards = _awards([learner.id])
    modules = []
    for module in course.modules:
        state = states.get((learner.id, module.id))
        held = awards.get((learner.id, module.id), {})
        skills = tuple((skill, skill_level(state.skills.get(skill.id) if state else None,
                                           params.for_skill(skill.id), now)) for skill in module.skills)
        modules.append(ModuleReport(_progress(module, state, held, now), skills,
                                    tuple(held[level] for level in LEVELS if level in held)))
    records = db.session.scalars(select(AnswerRecord).where(AnswerRecord.learner_id == learner.id)
                                 .order_by(AnswerRecord.answered_at.desc(), AnswerRecord.id.desc())
                                 .limit(ANSWER_HISTORY))
    answers = [AnswerLine(r, question_prompt(course, r.question_id), skill_name(course, r.skill_id))
               for r in records]
    total = db.session.scalar(select(func.count(AnswerRecord.id)).where(AnswerRecord.learner_id == learner.id))
    return LearnerReport(member, tuple(modules), _stuck(course, learner, states, now), answers, total or 0,
                         help_session(learner, now))
