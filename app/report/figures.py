"""The report's figures, counted from the database and made safe to publish (under five is hidden).

Each table counts one thing by one or two headings. A learner counts as started once they
have begun a topic; a level counts once awarded, and no longer once revoked.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from engine.model import LEVELS
from engine.small_numbers import suppress

from ..content import current_course
from ..employer.models import KINDS, STATUSES, Application, LearnerArea, Opportunity
from ..extensions import db
from ..models import Award, Group, Learner, LearnerModuleState, Membership

NOT_GIVEN = "Not given"
NO_CENTRE = "Not in a group"


@dataclass(frozen=True)
class Table:
    """One table of the report: what it counts, its headings, and its rows as they may be published."""

    id: str
    title: str
    about: str
    headings: tuple[str, ...]  # the headings of the label columns; the last column is the count
    count_heading: str
    rows: tuple[tuple[tuple[str, ...], int | str], ...]


def month_of(moment: datetime) -> str:
    """Return a moment's month, as the report names it: 2026-12."""
    return f"{moment:%Y-%m}"


def _table(id: str, title: str, about: str, headings, count_heading: str, counts: Counter, order=None) -> Table:
    keys = sorted(counts, key=order) if order else sorted(counts)
    published = suppress({key: counts[key] for key in keys})
    return Table(id, title, about, tuple(headings), count_heading, tuple((key, published[key]) for key in keys))


def _level_rank(name: str) -> int:
    """Return where a level's name comes: bronze, silver, gold, then anything else."""
    return LEVELS.index(name.lower()) if name.lower() in LEVELS else len(LEVELS)


def _started() -> list[tuple[int, datetime]]:
    """Return each learner who has begun a topic, with when they joined."""
    begun = select(LearnerModuleState.learner_id)
    return list(db.session.execute(select(Learner.id, Learner.created_at)
                                   .where(Learner.role == "learner", Learner.id.in_(begun))).all())


def _awards() -> list[tuple[int, str, str, datetime]]:
    """Return every level awarded and not revoked: learner, topic, level, when."""
    return list(db.session.execute(select(Award.learner_id, Award.module_id, Award.level, Award.awarded_at)
                                   .where(Award.revoked_at.is_(None))).all())


def _centres() -> dict[int, list[str]]:
    """Return the centres (groups) each learner is in, by the group's name."""
    centres: dict[int, list[str]] = {}
    for learner_id, name in db.session.execute(select(Membership.learner_id, Group.name)
                                               .join(Group, Group.id == Membership.group_id)):
        centres.setdefault(learner_id, []).append(name)
    return centres


def _areas() -> dict[int, str]:
    return dict(db.session.execute(select(LearnerArea.learner_id, LearnerArea.district)).all())


def report() -> list[Table]:
    """Return every table of the council's report, counts under five hidden."""
    course = current_course()
    titles = {m.id: m.title for m in course.modules}
    topic_order = {m.title: n for n, m in enumerate(course.modules)}
    started, awards, centres, areas = _started(), _awards(), _centres(), _areas()

    tables = [
        _table("started-by-month", "Learners who started, by month",
               "People who began at least one topic, by the month they first came.",
               ("Month",), "Learners", Counter((month_of(when),) for _, when in started)),
        _table("levels-by-month", "Levels awarded, by month and topic",
               "Passport levels awarded and not revoked (bronze, silver and gold together), by month and topic.",
               ("Month", "Topic"), "Levels",
               Counter((month_of(when), titles.get(module_id, module_id)) for _, module_id, _, when in awards),
               order=lambda key: (key[0], topic_order.get(key[1], len(topic_order)))),
        _table("levels-by-topic", "Levels awarded, by topic",
               "Passport levels awarded and not revoked, by topic and level.", ("Topic", "Level"), "Levels",
               Counter((titles.get(module_id, module_id), level.capitalize()) for _, module_id, level, _ in awards),
               order=lambda key: (topic_order.get(key[0], len(topic_order)), _level_rank(key[1]))),
        _table("started-by-centre", "Learners who started, by centre",
               "By the tutor’s group each learner joined (a learner in two groups counts in each).",
               ("Centre",), "Learners",
               Counter((name,) for learner_id, _ in started for name in centres.get(learner_id, [NO_CENTRE]))),
        _table("levels-by-centre", "Levels awarded, by centre", "Levels awarded, by the learner’s group.",
               ("Centre",), "Levels",
               Counter((name,) for learner_id, *_ in awards for name in centres.get(learner_id, [NO_CENTRE]))),
        _table("started-by-area", "Learners who started, by area",
               "By the postcode district a learner chose to give, like L20.", ("Area",), "Learners",
               Counter((areas.get(learner_id, NOT_GIVEN),) for learner_id, _ in started)),
        _table("levels-by-area", "Levels awarded, by area", "Levels awarded, by the learner’s postcode district.",
               ("Area",), "Levels", Counter((areas.get(learner_id, NOT_GIVEN),) for learner_id, *_ in awards)),
        _table("opportunities", "Opportunities offered by employers", "Every opportunity offered, open or closed.",
               ("Kind",), "Opportunities",
               Counter((KINDS.get(kind, kind),) for kind in db.session.scalars(select(Opportunity.kind)))),
        _table("outcomes", "What happened to applications", "Where each application stands now.",
               ("Outcome",), "Applications",
               Counter((STATUSES.get(status, status),) for status in db.session.scalars(select(Application.status))),
               order=lambda key: list(STATUSES.values()).index(key[0]) if key[0] in STATUSES.values() else 9),
    ]
    return tables
