"""What a tutor sees: their groups, a group's progress, one learner's record, and the funding report.

Each function reads the database in a fixed number of queries, however many learners
a group has: levels, mastered skills and stuck skills are worked out in Python from
the engine's stored states, never with a query per learner and module.
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from itertools import pairwise
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from markupsafe import Markup
from sqlalchemy import case, delete, func, or_, select, update
from sqlalchemy.orm import aliased

from engine.mastery import MASTERED, SECURE, is_mastered
from engine.mastery import level as skill_level
from engine.model import LEVELS, Course, Lesson, Module, Skill
from engine.progress import LearnerState
from engine.scoring import needs_help

from ..auth.accounts import new_group_code
from ..content import current_course, current_parameters
from ..extensions import db
from ..models import (
    AnswerRecord,
    Award,
    Group,
    HelpSession,
    Learner,
    LearnerModuleState,
    LessonRead,
    GroupTutor,
    Membership,
    utcnow,
)
from ..services import help_under_way

GROUP_NAME_MAX = 100
HARDEST_QUESTIONS = 10  # questions in "What the group finds hardest"
COMMON_MIXUPS = 10
ANSWER_HISTORY = 200  # answers on a learner's page, newest first
PROMPT_LENGTH = 90  # characters of a question's prompt shown in a table
GIVEN_LENGTH = 120  # characters of a learner's answer shown among the group's common wrong answers
# Time spent: a gap between two steps longer than this means the learner went away.
AWAY_AFTER = timedelta(minutes=30)
# What a step is counted as when nothing comes before it, or after a break.
MINUTES_PER_STEP = 2

# What each skill level means, said to a tutor (learners see engine.mastery.LEVEL_MEANINGS).
LEVEL_MEANINGS = {
    "not started": "They have not tried this skill yet.",
    "learning": "They are still learning it: the site thinks they probably cannot do it on their own yet.",
    "secure": f"They probably know it: the site is at least {SECURE:.0%} sure. A little more practice will make it stick.",
    "mastered": f"They have shown they can do it on their own: right, with no help, on more than one question, "
                f"one of them hard to guess, and the site is at least {MASTERED:.0%} sure. "
                "It can fade if they do not practise, and then they are asked a review question.",
}

UK: tzinfo
try:
    UK = ZoneInfo("Europe/London")
except ZoneInfoNotFoundError:  # a system without time zone data: fall back to UTC
    UK = UTC


class GroupError(Exception):
    """A group form's answer cannot be used; `field` names the box and the message says why."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


# --- names, dates and text -------------------------------------------------------------------


def learner_name(learner: Learner) -> str:
    """Return the name a tutor sees for a learner: the name they gave, or their username."""
    return learner.display_name or learner.username or f"Learner {learner.id} (no name given)"


def uk_time(when: datetime) -> datetime:
    """Return a stored UTC time as the time on a clock in the UK."""
    return when.replace(tzinfo=UTC).astimezone(UK)


def days_ago(when: datetime | None, now: datetime) -> str:
    """Say how long ago something was, as a tutor would: today, yesterday, 3 days ago, 2 weeks ago."""
    if when is None:
        return "never"
    days = (uk_time(now).date() - uk_time(when).date()).days
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days < 14:
        return f"{days} days ago"
    if days < 56:
        return f"{days // 7} weeks ago"
    day = uk_time(when).date()
    return f"on {day.day} {day:%B %Y}"


def shorten(text: str, limit: int) -> str:
    """Return text cut at a word to at most `limit` characters, with an ellipsis if it was cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:.")
    return cut + "…"


def short_text(html: str, limit: int = PROMPT_LENGTH) -> str:
    """Return HTML as plain text, cut at a word to at most `limit` characters."""
    return shorten(Markup(html).striptags(), limit)


def question_prompt(course: Course, question_id: str) -> str:
    """Return a question's prompt, shortened, or say it is no longer in the course."""
    question = course.questions.get(question_id)
    if question is None:
        return f"A question no longer in the course ({question_id})"
    return short_text(question.prompt_html)


def skill_name(course: Course, skill_id: str) -> str:
    """Return a skill's title, or its id if it is no longer in the course."""
    skill = course.skills.get(skill_id)
    return skill.title if skill else skill_id


@dataclass(frozen=True)
class Mixup:
    """A common mix-up, described by the title of the lesson that fixes it."""

    tag: str
    description: str
    lesson: Lesson | None

    @property
    def key(self) -> str:
        """Return what tells mix-ups apart for a tutor: two tags one lesson fixes are one mix-up."""
        return self.lesson.id if self.lesson else self.tag


def describe_mixups(course: Course, tags) -> tuple[Mixup, ...]:
    """Return the mix-ups behind some tags, in words, each once."""
    found: dict[str, Mixup] = {}
    for tag in tags:
        mixup = describe_mixup(course, tag)
        found.setdefault(mixup.key, mixup)
    return tuple(found.values())


def describe_mixup(course: Course, tag: str) -> Mixup:
    """Return a mix-up with words a tutor understands: its fixing lesson's title."""
    for lesson_id in course.remedies.get(tag, ()):
        lesson = course.lessons.get(lesson_id)
        if lesson is not None:
            return Mixup(tag, lesson.title, lesson)
    return Mixup(tag, tag.replace("-", " ").capitalize(), None)


# --- groups ----------------------------------------------------------------------------------


def clean_group_name(name: str) -> str:
    """Return a group's name as it is kept, or raise GroupError saying what to change."""
    name = " ".join(name.split())
    if not name:
        raise GroupError("name", "Enter a name for the group, for example “Tuesday morning class”")
    if len(name) > GROUP_NAME_MAX:
        raise GroupError("name", f"The group's name must be {GROUP_NAME_MAX} characters or fewer. "
                                 f"This one has {len(name)}")
    return name


def create_group(tutor: Learner, name: str) -> Group:
    """Make a group for a tutor, with a new join code."""
    group = Group(name=clean_group_name(name), join_code=new_group_code(), tutor_id=tutor.id)
    db.session.add(group)
    db.session.commit()
    return group


def rename_group(group: Group, name: str) -> None:
    """Give a group a new name; its code stays the same."""
    group.name = clean_group_name(name)
    db.session.commit()


@dataclass(frozen=True)
class GroupSummary:
    """A group in the tutor's list."""

    group: Group
    learners: int
    tutor_name: str


def groups_for(user: Learner) -> list[GroupSummary]:
    """Return the groups a tutor runs (an admin: every group), with how many learners each has (one query)."""
    tutor = aliased(Learner)
    query = (select(Group, func.count(Membership.id), tutor.display_name, tutor.username)
             .outerjoin(tutor, tutor.id == Group.tutor_id)
             .outerjoin(Membership, Membership.group_id == Group.id)
             .group_by(Group.id, tutor.display_name, tutor.username)
             .order_by(func.lower(Group.name), Group.id))
    if not user.is_admin:
        shared = select(GroupTutor.group_id).where(GroupTutor.tutor_id == user.id)
        query = query.where(or_(Group.tutor_id == user.id, Group.id.in_(shared)))
    return [GroupSummary(group, learners, display_name or username or "No tutor yet")
            for group, learners, display_name, username in db.session.execute(query)]


def visible_group(user: Learner, group_id: int) -> Group | None:
    """Return the group if this user may see it (its tutor, another tutor of it, or an admin), else None."""
    group = db.session.get(Group, group_id)
    if group is None:
        return None
    if user.is_admin or group.tutor_id == user.id:
        return group
    shared = db.session.scalar(select(GroupTutor.id).where(GroupTutor.group_id == group.id,
                                                           GroupTutor.tutor_id == user.id))
    return group if shared is not None else None


@dataclass(frozen=True)
class Member:
    """A learner in a group, and when they joined."""

    learner: Learner
    joined_at: datetime


def group_member(group: Group, learner_id: int) -> Member | None:
    """Return a learner in the group, or None if they are not in it."""
    row = db.session.execute(select(Learner, Membership.joined_at)
                             .join(Membership, Membership.learner_id == Learner.id)
                             .where(Membership.group_id == group.id, Learner.id == learner_id)).first()
    return Member(*row) if row else None


def members_of(group: Group) -> list[Member]:
    """Return the group's learners, by name (one query)."""
    rows = db.session.execute(select(Learner, Membership.joined_at)
                              .join(Membership, Membership.learner_id == Learner.id)
                              .where(Membership.group_id == group.id))
    members = [Member(learner, joined_at) for learner, joined_at in rows]
    return sorted(members, key=lambda m: (learner_name(m.learner).casefold(), m.learner.id))


def remove_member(group: Group, learner: Learner) -> None:
    """Take a learner out of a group. Their progress stays theirs."""
    db.session.execute(delete(Membership).where(Membership.group_id == group.id,
                                                Membership.learner_id == learner.id))
    db.session.commit()


# --- what the engine and the passport say, for many learners at once ---------------------------


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


def best_level(awards: dict[str, Award]) -> str | None:
    """Return the highest passport level held and not revoked, or None."""
    for level in reversed(LEVELS):
        award = awards.get(level)
        if award is not None and not award.revoked:
            return level
    return None


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


# --- the group dashboard -----------------------------------------------------------------------


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
class Dashboard:
    """Everything on a group's dashboard."""

    group: Group
    modules: tuple[Module, ...]
    rows: list[LearnerRow]
    stuck: list[Stuck]
    hardest: list[HardQuestion]
    mixups: list[CommonMixup]


def _hardest(course: Course, learner_ids: list[int]) -> list[HardQuestion]:
    """Return the questions the learners most often got wrong (two queries)."""
    if not learner_ids:
        return []
    wrong = func.sum(case((AnswerRecord.correct, 0), else_=1))
    total = func.count(AnswerRecord.id)
    rows = db.session.execute(
        select(AnswerRecord.question_id, AnswerRecord.skill_id, total, wrong,
               func.count(AnswerRecord.learner_id.distinct()))
        .where(AnswerRecord.learner_id.in_(learner_ids))
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
            .where(AnswerRecord.learner_id.in_(learner_ids), AnswerRecord.correct.is_(False),
                   AnswerRecord.question_id.in_([row[0] for row in rows]))
            .group_by(AnswerRecord.question_id, AnswerRecord.given)
            .order_by(times.desc(), AnswerRecord.given)):
        given[question_id].append((shorten(text, GIVEN_LENGTH), count))
    return [HardQuestion(question_id, question_prompt(course, question_id), skill_name(course, skill_id),
                         answers, int(wrong_answers), learners, tuple(given[question_id][:2]))
            for question_id, skill_id, answers, wrong_answers, learners in rows]


def _common_mixups(course: Course, states: dict[tuple[int, str], LearnerState]) -> list[CommonMixup]:
    """Return the mix-ups most learners have shown, from the engine's states (no query)."""
    mixups: dict[str, Mixup] = {}
    shown: dict[str, set[int]] = defaultdict(set)
    for (learner_id, _), state in states.items():
        for tags in state.misconceptions.values():
            for tag in tags:
                mixup = describe_mixup(course, tag)
                mixups.setdefault(mixup.key, mixup)
                shown[mixup.key].add(learner_id)
    ranked = sorted(shown, key=lambda key: (-len(shown[key]), mixups[key].description))[:COMMON_MIXUPS]
    return [CommonMixup(mixups[key], len(shown[key])) for key in ranked]


def group_dashboard(group: Group) -> Dashboard:
    """Return a group's dashboard: who needs help, each learner's progress, and what the group finds hardest.

    At most six queries, whatever the size of the group.
    """
    course = current_course()
    now = utcnow()
    members = members_of(group)
    ids = [m.learner.id for m in members]
    states = _states(ids)
    awards = _awards(ids)
    helped = set(db.session.scalars(select(HelpSession.learner_id).where(HelpSession.learner_id.in_(ids),
                                                                         *help_under_way(now)))) if ids else set()
    rows, stuck = [], []
    for member in members:
        learner = member.learner
        modules = tuple(_progress(module, states.get((learner.id, module.id)), awards.get((learner.id, module.id), {}),
                                  now) for module in course.modules)
        rows.append(LearnerRow(learner, member.joined_at, modules, learner.id in helped))
        stuck.extend(_stuck(course, learner, states, now))
    return Dashboard(group, course.modules, rows, stuck, _hardest(course, ids), _common_mixups(course, states))


# --- one learner ------------------------------------------------------------------------------


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


# --- the funding report ---------------------------------------------------------------------------


REPORT_COLUMNS = ("learner", "username", "group", "module", "skills mastered", "skills in module",
                  "passport level", "bronze date", "silver date", "gold date", "answers", "minutes spent",
                  "last active")
# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def minutes_spent(times: list[datetime]) -> int:
    """Estimate the minutes spent from when each step was taken.

    Each gap between steps counts as time spent, except that a gap of more than
    30 minutes (the learner went away) counts as 2 minutes; the first step counts
    as 2 minutes too.
    """
    if not times:
        return 0
    ordered = sorted(times)
    seconds = MINUTES_PER_STEP * 60.0
    for before, after in pairwise(ordered):
        gap = after - before
        seconds += gap.total_seconds() if gap <= AWAY_AFTER else MINUTES_PER_STEP * 60.0
    return round(seconds / 60)


def safe_cell(value):
    """Return a value for a CSV cell that a spreadsheet will show, never run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _day(when: datetime | None) -> str:
    return uk_time(when).date().isoformat() if when else ""


def report_rows(group: Group) -> list[tuple]:
    """Return the funding report: one row per learner and module (five queries)."""
    course = current_course()
    now = utcnow()
    members = members_of(group)
    ids = [m.learner.id for m in members]
    states = _states(ids)
    awards = _awards(ids)
    times: dict[tuple[int, str], list[datetime]] = defaultdict(list)
    answers: Counter = Counter()
    if ids:
        for learner_id, module_id, at in db.session.execute(
                select(AnswerRecord.learner_id, AnswerRecord.module_id, AnswerRecord.answered_at)
                .where(AnswerRecord.learner_id.in_(ids))):
            times[(learner_id, module_id)].append(at)
            answers[(learner_id, module_id)] += 1
        for learner_id, module_id, at in db.session.execute(
                select(LessonRead.learner_id, LessonRead.module_id, LessonRead.read_at)
                .where(LessonRead.learner_id.in_(ids))):
            times[(learner_id, module_id)].append(at)
    rows = []
    for member in members:
        learner = member.learner
        for module in course.modules:
            key = (learner.id, module.id)
            held = awards.get(key, {})
            progress = _progress(module, states.get(key), held, now)
            dates = [_day(held[level].awarded_at) if level in held and not held[level].revoked else ""
                     for level in LEVELS]
            rows.append((learner_name(learner), learner.username or "", group.name, module.title,
                         progress.mastered, progress.skills, progress.level or "none", *dates,
                         answers[key], minutes_spent(times[key]), _day(learner.last_active_at)))
    return rows


def report_csv(group: Group) -> str:
    """Return the funding report as CSV text, with a header row."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(REPORT_COLUMNS)
    for row in report_rows(group):
        writer.writerow([safe_cell(value) for value in row])
    return out.getvalue()


def report_filename(group: Group, today: date) -> str:
    """Return a file name for a group's report, safe on any computer."""
    words = "".join(ch if ch.isascii() and ch.isalnum() else " " for ch in group.name.lower()).split()
    return "-".join(words[:8] + ["progress", today.isoformat()]) + ".csv"
