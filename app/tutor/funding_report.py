"""The funding report: a group's progress as CSV, one row per learner and module, streamed as it is read."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.model import LEVELS, Course

from ..content import current_course
from ..extensions import db
from ..models import Group, Learner, LearnerSummary, Membership
from .groups import by_name
from .words import learner_name, uk_time

REPORT_BATCH = 500  # learners read together: memory stays flat however big the group
ROWS_PER_CHUNK = 500  # CSV rows sent together

REPORT_COLUMNS = ("learner", "username", "group", "module", "skills mastered", "skills in module",
                  "passport level", "bronze date", "silver date", "gold date", "answers", "minutes spent",
                  "last active")
# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Return a value for a CSV cell that a spreadsheet will show, never run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _day(when: datetime | None) -> str:
    return uk_time(when).date().isoformat() if when else ""


def report_rows(session: Session, course: Course, group_id: int, group_name: str) -> Iterator[tuple]:
    """Yield the funding report: one row per learner and module, from the learners' summaries.

    Two queries for each batch of learners, however many answers they gave.
    """
    learners = list(session.execute(
        select(Learner.id, Learner.display_name, Learner.username, Learner.last_active_at)
        .join(Membership, Membership.learner_id == Learner.id)
        .where(Membership.group_id == group_id).order_by(*by_name())))
    for start in range(0, len(learners), REPORT_BATCH):
        batch = learners[start:start + REPORT_BATCH]
        summaries = {(s.learner_id, s.module_id): s for s in session.scalars(
            select(LearnerSummary).where(LearnerSummary.learner_id.in_([row.id for row in batch])))}
        for row in batch:
            name = learner_name(row)
            for module in course.modules:
                summary = summaries.get((row.id, module.id))
                if summary is None:
                    yield (name, row.username or "", group_name, module.title, 0, len(module.skills), "none",
                           "", "", "", 0, 0, _day(row.last_active_at))
                    continue
                dates = [_day(getattr(summary, f"{level}_at")) for level in LEVELS]
                yield (name, row.username or "", group_name, module.title, summary.mastered, len(module.skills),
                       summary.level or "none", *dates, summary.answers, round(summary.seconds_spent / 60),
                       _day(row.last_active_at))


def report_csv(group: Group) -> Iterator[str]:
    """Return the funding report as CSV text to stream: the header at once, then a few hundred rows at a time.

    The text is read after the request has ended, so it reads with a session of its own, not the request's.
    """
    return _csv_lines(db.engine, current_course(), group.id, group.name)


def _csv_lines(engine, course: Course, group_id: int, group_name: str) -> Iterator[str]:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(REPORT_COLUMNS)
    yield _taken(out)
    with Session(engine) as session:
        for n, row in enumerate(report_rows(session, course, group_id, group_name), 1):
            writer.writerow([safe_cell(value) for value in row])
            if n % ROWS_PER_CHUNK == 0:
                yield _taken(out)
    yield _taken(out)


def _taken(out: io.StringIO) -> str:
    text = out.getvalue()
    out.seek(0)
    out.truncate()
    return text


def report_filename(group: Group, today: date) -> str:
    """Return a file name for a group's report, safe on any computer."""
    words = "".join(ch if ch.isascii() and ch.isalnum() else " " for ch in group.name.lower()).split()
    return "-".join(words[:8] + ["progress", today.isoformat()]) + ".csv"
