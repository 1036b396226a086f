"""A PostgreSQL test database given back for the next test comes back as good as new, or not at all."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import create_engine, func, select, text

from app.extensions import db
from app.models import Group
from tests.conftest import _drop_postgres_database, _fresh_postgres_database, make_app
from tests.quick_apps import SchemaTemplates

pytestmark = pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="needs a PostgreSQL server")


@pytest.fixture
def templates():
    """Return a spare-keeper of its own, so these tests leave the run's own spares alone."""
    kept = SchemaTemplates()
    yield kept
    kept.close(_drop_postgres_database)


def take(templates: SchemaTemplates, base: str) -> tuple[str, str]:
    template = templates.postgres_template(make_app, base, _fresh_postgres_database)
    return templates.postgres_copy(base, template, _fresh_postgres_database)


def databases(base: str) -> set[str]:
    admin = create_engine(base)
    with admin.connect() as conn:
        names = set(conn.execute(text("SELECT datname FROM pg_database")).scalars())
    admin.dispose()
    return names


def add_groups(app, count: int) -> list[int]:
    with app.app_context():
        groups = [Group(name=f"Library {n}", join_code=f"CODE{n}") for n in range(count)]
        db.session.add_all(groups)
        db.session.commit()
        ids = [group.id for group in groups]
        db.session.remove()
        db.engine.dispose()
    return ids


def test_a_database_given_back_comes_to_the_next_test_with_no_rows_and_its_counters_from_the_start(
        templates, postgres_url, tmp_path):
    url, name = take(templates, postgres_url)
    first_ids = add_groups(make_app(tmp_path, url), 3)
    templates.postgres_give_back(postgres_url, url, name, _drop_postgres_database)

    again, again_name = take(templates, postgres_url)
    assert again_name == name, "the emptied database was not used again"
    app = make_app(tmp_path, again)
    with app.app_context():
        for table in db.metadata.sorted_tables:
            assert db.session.scalar(select(func.count()).select_from(table)) == 0, table.name
        db.session.remove()
        db.engine.dispose()
    assert add_groups(app, 3) == first_ids, "numbering carried on from the last test"


def test_a_database_whose_tables_a_test_changed_is_dropped_not_used_again(templates, postgres_url):
    url, name = take(templates, postgres_url)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE groups ADD COLUMN left_behind integer"))
    engine.dispose()
    templates.postgres_give_back(postgres_url, url, name, _drop_postgres_database)

    assert name not in databases(postgres_url)
    assert take(templates, postgres_url)[1] != name


def test_a_database_a_test_left_a_connection_open_to_is_dropped_not_used_again(templates, postgres_url):
    url, name = take(templates, postgres_url)
    engine = create_engine(url)
    still_open = engine.connect()
    still_open.execute(text("SELECT 1"))
    try:
        templates.postgres_give_back(postgres_url, url, name, _drop_postgres_database)
        assert name not in databases(postgres_url)
        assert take(templates, postgres_url)[1] != name
    finally:
        still_open.invalidate()
        engine.dispose()
