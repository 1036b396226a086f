"""Collect the SQL an app's database runs, each statement as one line, for tests that count queries."""

from __future__ import annotations

from sqlalchemy import event

from app.extensions import db


class Statements:
    """Collect the SQL an app's database runs, each as one line, until `close`."""

    def __init__(self, app) -> None:
        self.seen: list[str] = []
        with app.app_context():
            self.engine = db.engine
        event.listen(self.engine, "before_cursor_execute", self._note)

    def _note(self, _conn, _cursor, statement, *_args) -> None:
        self.seen.append(" ".join(statement.split()))

    def close(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self._note)

    def reading(self, table: str) -> list[str]:
        """Return the SELECTs that read `table`."""
        return [s for s in self.seen if s.startswith("SELECT") and f" FROM {table} " in f"{s} "]

    def changing(self, table: str) -> list[str]:
        """Return the UPDATEs of `table`."""
        return [s for s in self.seen if s.startswith(f"UPDATE {table} ")]
