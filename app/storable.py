"""Refuse, before it is written, text a column cannot keep: too long for it, or with a NUL in it.

PostgreSQL refuses text longer than a column's length (SQLite keeps it silently), and neither
keeps what app/input_guard.py refuses. Every write passes here, so whatever page or program
sent the text, the same rule holds on both databases and the learner is told plainly
(app/errors.py answers with a 400) instead of meeting a crash.
"""

from __future__ import annotations

from sqlalchemy import String, event, inspect
from sqlalchemy.orm import Session

from .input_guard import unstorable


class UnstorableText(ValueError):
    """Text cannot be saved: `limit` is the column's length, or None when it has a NUL in it."""

    def __init__(self, column: str, limit: int | None):
        super().__init__(f"{column}: " + (f"longer than {limit} characters" if limit else "has a NUL character"))
        self.column = column
        self.limit = limit


def check(obj) -> None:
    """Raise UnstorableText if any text the object is about to save does not fit its column."""
    state = inspect(obj)
    for prop in state.mapper.column_attrs:
        column = prop.columns[0]
        if not isinstance(column.type, String):
            continue
        if not state.pending and not state.attrs[prop.key].history.has_changes():
            continue
        value = state.dict.get(prop.key)
        if not isinstance(value, str):
            continue
        if column.type.length is not None and len(value) > column.type.length:
            raise UnstorableText(f"{column.table.name}.{column.name}", column.type.length)
        if unstorable(value):
            raise UnstorableText(f"{column.table.name}.{column.name}", None)


def _before_flush(session, _context, _instances) -> None:
    for obj in (*session.new, *session.dirty):
        check(obj)


def init_app() -> None:
    """Check every session's writes (once per process: the rule is the same for every app)."""
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
