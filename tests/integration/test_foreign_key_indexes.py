"""Every column that points at another row is indexed, so deletions and lookups do not grow with the tables."""

from __future__ import annotations

from sqlalchemy import PrimaryKeyConstraint, UniqueConstraint

from app import create_app
from app.extensions import db


def leading_columns(table) -> set[str]:
    """Return the columns some index of the table starts with (unique constraints and the key are indexes too)."""
    leading = {next(iter(index.columns)).name for index in table.indexes if index.columns}
    for constraint in table.constraints:
        if isinstance(constraint, (PrimaryKeyConstraint, UniqueConstraint)) and constraint.columns:
            leading.add(next(iter(constraint.columns)).name)
    return leading


def test_every_foreign_key_is_the_first_column_of_an_index(tmp_path):
    create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://",
                "CONTENT_DIR": str(tmp_path)})  # registers every area's tables
    unindexed, checked = [], 0
    for table in db.metadata.sorted_tables:
        for foreign_key in table.foreign_key_constraints:
            checked += 1
            first = next(iter(foreign_key.columns)).name
            if first not in leading_columns(table):
                unindexed.append(f"{table.name}.{first}")
    assert checked >= 20, "the tables of some area were not loaded"
    assert unindexed == [], (f"add index=True to {', '.join(unindexed)} and a migration: deleting the row it "
                             "points at otherwise reads the whole table")
