"""A group's dashboard: who needs help, everyone's progress a page at a time, and what the group finds hardest.

It reads the learners' summaries (app/tutor/summaries.py), never their answers, so a page
costs the same few queries and about the same time for a group of 30 or of 3,000.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select

from engine.model import Course, Module

from ..content import current_course
from ..extensions import db
from ..models import AnswerRecord, Group, HelpSession, Learner, LearnerSummary, Membership, utcnow
from ..services import help_under_way
from .groups import by_name, members_count, members_page
from .learner_record import ModuleProgress, Stuck
from .words import Mixup, describe_mixup, describe_mixups, question_prompt, shorten, skill_name

PAGE_SIZE = 50  # learners on one page of "Everyone's progress"
STUCK_SHOWN = 50  # learners and topics listed under "Needs help"; a big group says how many more
# A group bigger than this shows what it finds hardest on a page of its own, which reads every answer.
HARDEST_ON_DASHBOARD = 300
HARDEST_QUESTIONS = 10  # questions in "What the group finds hardest"
COMMON_MIXUPS = 10
GIVEN_LENGTH = 120  # characters of a learner's answer shown among the group's common wrong answers
# How the progress list can be sorted, by what a tutor reads in the link.
SORTS = {
    "name": by_name,
    "active": lambda: (Learner.last_active_at.desc(), Learner.id),
}


@dataclass(frozen=True)
class LearnerRow:
    """One learner's row on the dashboard."""

    learner: Learner
    joined_at: datetime
    modules: tuple[ModuleProgress, ...]
    being_helped: bool


@dataclass(frozen=True)
class HardQuestion:
    """A question the group often gets wrong."""

    question_id: str
    prompt: str
    skill: str
    answers: int
    wrong: int
    learners: int
    common_wrong: tuple[tuple[str, int], ...]  # the wrong answers given most, with how often

    @property
    def percent_wrong(self) -> int:
        """Return the share of answers that were wrong, as a whole percentage."""
        return round(100 * self.wrong / self.answers) if self.answers else 0


@dataclass(frozen=True)
class CommonMixup:
    """A mix-up, and how many of the group's learners have shown it."""

    mixup: Mixup
    learners: int


@dataclass(frozen=True)
class Paging:
    """Which page of the group's learners is shown, of how many, in which order."""

    number: int
    pages: int
    sort: str
    learners: int

    @property
    def first(self) -> int:
        """Return the position of the page's first learner, counting from 1."""
        return (self.number - 1) * PAGE_SIZE + 1 if self.learners else 0

    @property
    def last(self) -> int:
        """Return the position of the page's last learner."""
        return min(self.number * PAGE_SIZE, self.learners)


@dataclass(frozen=True)
class Dashboard:
    """Everything on a group's dashboard; `hardest` and `mixups` are None when they have a page of their own."""

    group: Group
    modules: tuple[Module, ...]
    paging: Paging
    rows: list[LearnerRow]
    stuck: list[Stuck]
    stuck_learners: int  # how many of the group's learners are stuck, listed or not
    hardest: list[HardQuestion] | None
    mixups: list[CommonMixup] | None


def paging(learners: int, page: int, sort: str) -> Paging:
    """Return the page asked for, kept within the pages there are, and a known order."""
    pages = max(1, -(-learners // PAGE_SIZE))
    return Paging(min(max(page, 1), pages), pages, sort if sort in SORTS else "name", learners)


def _members(group: Group):
    return select(Membership.learner_id).where(Membership.group_id == group.id)


def _stuck_learners(group: Group) -> int:
    """Return how many of the group's learners are stuck on something (one query)."""
    return db.session.scalar(select(func.count(LearnerSummary.learner_id.distinct()))
                             .where(LearnerSummary.learner_id.in_(_members(group)),
                                    LearnerSummary.stuck_skills > 0)) or 0


def _stuck(course: Course, group: Group) -> list[Stuck]:
    """Return the skills the group's learners are stuck on, by name and then topic, the first few (one query)."""
    rows = db.session.execute(select(Learner, LearnerSummary.module_id, LearnerSummary.stuck)
                              .join(LearnerSummary, LearnerSummary.learner_id == Learner.id)
                              .where(Learner.id.in_(_members(group)), LearnerSummary.stuck_skills > 0)
                              .order_by(*by_name(), LearnerSummary.module_id).limit(STUCK_SHOWN))
    place = {module.id: n for n, module in enumerate(course.modules)}
    first: dict[int, int] = {}
    found: list[tuple[int, int, Stuck]] = []
    for learner, module_id, stuck in rows:
        module = course.module(module_id)
        if module is None:
            continue
        first.setdefault(learner.id, len(first))
        skills = {skill.id: skill for skill in module.skills}
        found.extend((first[learner.id], place[module_id], Stuck(learner, module, skills[skill_id],
                                                                 describe_mixups(course, tags)))
                     for skill_id, tags in stuck if skill_id in skills)
    found.sort(key=lambda item: item[:2])  # stable: each topic's skills keep the order the engine gave
    return [stuck for _, _, stuck in found]


def hardest(course: Course, group: Group) -> list[HardQuestion]:
    """Return the questions the group's learners most often got wrong (two queries, over all their answers)."""
    members = _members(group)
    wrong = func.sum(case((AnswerRecord.correct, 0), else_=1))
    total = func.count(AnswerRecord.id)
    rows = db.session.execute(
        select(AnswerRecord.question_id, AnswerRecord.skill_id, total, wrong,
               func.count(AnswerRecord.learner_id.distinct()))
        .where(AnswerRecord.learner_id.in_(members))
        .group_by(AnswerRecord.question_id, AnswerRecord.skill_id)
        .having(wrong > 0)
        .order_by(wrong.desc(), total, AnswerRecord.question_id)
        .limit(HARDEST_QUESTIONS)).all()
    if not rows:
        return []
    given: dict[str, list[tuple[str, int]]] = defaultdict(list)
    times = func.count(AnswerRecord.id)
    for question_id, text, count in db.session.execute(
            select(AnswerRecord.question_id, AnswerRecord.given, times)
            .where(AnswerRecord.learner_id.in_(members), AnswerRecord.correct.is_(False),
                   AnswerRecord.question_id.in_([row[0] for row in rows]))
            .group_by(AnswerRecord.question_id, AnswerRecord.given)
            .order_by(times.desc(), AnswerRecord.given)):
        given[question_id].append((shorten(text, GIVEN_LENGTH), count))
    return [HardQuestion(question_id, question_prompt(course, question_id), skill_name(course, skill_id),
                         answers, int(wrong_answers), learners, tuple(given[question_id][:2]))
            for question_id, skill_id, answers, wrong_answers, learners in rows]


def common_mixups(course: Course, group: Group) -> list[CommonMixup]:
    """Return the mix-ups most of the group's learners have shown, from their summaries (one query)."""
    mixups: dict[str, Mixup] = {}
    shown: dict[str, set[int]] = defaultdict(set)
    for learner_id, tags in db.session.execute(select(LearnerSummary.learner_id, LearnerSummary.mixups)
                                               .where(LearnerSummary.learner_id.in_(_members(group)))):
        for tag in tags:
            mixup = describe_mixup(course, tag)
            mixups.setdefault(mixup.key, mixup)
            shown[mixup.key].add(learner_id)
    ranked = sorted(shown, key=lambda key: (-len(shown[key]), mixups[key].description))[:COMMON_MIXUPS]
    return [CommonMixup(mixups[key], len(shown[key])) for key in ranked]


def _progress(module: Module, summary: LearnerSummary | None) -> ModuleProgress:
    if summary is None:
        return ModuleProgress(module, False, None, 0)
    return ModuleProgress(module, summary.started, summary.level, summary.mastered)


def group_dashboard(group: Group, page: int = 1, sort: str = "name") -> Dashboard:
    """Return one page of a group's dashboard: who needs help, learners' progress, what the group finds hardest.

    Six queries, and three more for what the group finds hardest in a group small enough to show it here.
    """
    course = current_course()
    now = utcnow()
    shown = paging(members_count(group), page, sort)
    members = members_page(group, SORTS[shown.sort](), (shown.number - 1) * PAGE_SIZE, PAGE_SIZE)
    ids = [m.learner.id for m in members]
    summaries = {(s.learner_id, s.module_id): s for s in db.session.scalars(
        select(LearnerSummary).where(LearnerSummary.learner_id.in_(ids)))} if ids else {}
    helped = set(db.session.scalars(select(HelpSession.learner_id).where(HelpSession.learner_id.in_(ids),
                                                                         *help_under_way(now)))) if ids else set()
    rows = [LearnerRow(m.learner, m.joined_at,
                       tuple(_progress(module, summaries.get((m.learner.id, module.id))) for module in course.modules),
                       m.learner.id in helped) for m in members]
    small = shown.learners <= HARDEST_ON_DASHBOARD
    stuck = _stuck(course, group) if shown.learners else []
    return Dashboard(group, course.modules, shown, rows, stuck, _stuck_learners(group) if stuck else 0,
                     hardest(course, group) if small and ids else ([] if small else None),
                     common_mixups(course, group) if small and ids else ([] if small else None))
