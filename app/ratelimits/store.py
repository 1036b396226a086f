"""A store for the limits library that keeps counts in the site's own database.

So every worker and every app server shares one count with nothing else to run. Each count is
a fixed window: a row per key holding the number of tries and when the window ends. Adding a
try is one INSERT ... ON CONFLICT DO UPDATE, atomic on SQLite and PostgreSQL alike, so tries
sent at the same moment to different workers are each counted.
"""

from __future__ import annotations

import hashlib
import time

from limits.storage import Storage
from sqlalchemy import Float, Integer, String, case, delete, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db

KEY_LENGTH = 200


class TryCount(db.Model):
    """How many tries one key (an address, a username at an address) has made in its current window."""

    __tablename__ = "try_counts"

    key: Mapped[str] = mapped_column(String(KEY_LENGTH), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
    # When the window ends, in seconds since 1970 as the limits library counts time.
    expires_at: Mapped[float] = mapped_column(Float, index=True)


def _short(key: str) -> str:
    # Keys carry a typed username: a long one is hashed rather than cut, so two never share a count,
    # and so is one with a NUL or other control character, which PostgreSQL will not store.
    if len(key) <= KEY_LENGTH and key.isprintable():
        return key
    return "sha256:" + hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def _insert_for(dialect: str):
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


class DatabaseStorage(Storage):
    """Fixed-window counts kept in the `try_counts` table of the app's database (`database://`)."""

    STORAGE_SCHEME = ["database"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self):
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Add `amount` tries to a key (a negative amount gives tries back) and return its count."""
        now = time.time()
        table = TryCount.__table__
        ended = table.c.expires_at <= now
        fresh = max(amount, 0)
        added = table.c.count + amount
        # A connection of its own: a page's unfinished work is never committed with a count, and a
        # count is never lost when the page's work is rolled back.
        with db.engine.begin() as connection:
            insert = _insert_for(connection.dialect.name)(table).values(
                key=_short(key), count=fresh, expires_at=now + expiry)
            upsert = insert.on_conflict_do_update(index_elements=[table.c.key], set_={
                "count": case((ended, fresh), (added < 0, 0), else_=added),
                "expires_at": case((ended, now + expiry), else_=table.c.expires_at),
            }).returning(table.c.count)
            count = connection.execute(upsert).scalar_one()
            if amount > 0 and count == amount:
                # A window has just begun: a good moment to sweep away windows that have ended.
                connection.execute(delete(table).where(table.c.expires_at < now))
        return count

    def get(self, key: str) -> int:
        """Return the number of tries a key has made in its current window."""
        with db.engine.connect() as connection:
            count = connection.execute(select(TryCount.count).where(
                TryCount.key == _short(key), TryCount.expires_at > time.time())).scalar()
        return count or 0

    def get_expiry(self, key: str) -> float:
        """Return when a key's window ends (now, if it has none)."""
        now = time.time()
        with db.engine.connect() as connection:
            ends = connection.execute(select(TryCount.expires_at).where(
                TryCount.key == _short(key), TryCount.expires_at > now)).scalar()
        return ends or now

    def check(self) -> bool:
        """Say whether the database answers."""
        try:
            with db.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        """Forget every count."""
        with db.engine.begin() as connection:
            return connection.execute(delete(TryCount)).rowcount

    def clear(self, key: str) -> None:
        """Forget one key's count."""
        with db.engine.begin() as connection:
            connection.execute(delete(TryCount).where(TryCount.key == _short(key)))
