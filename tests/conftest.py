"""Fixtures shared by every test: an app with a fresh database, a client, helpers.

The database fixture runs each integration test on SQLite and, when
TEST_DATABASE_URL points at a PostgreSQL server, again on PostgreSQL.
"""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from app import create_app
from app.extensions import db
from tests.quick_apps import (TEMPLATES as _TEMPLATES, share_compiled_addresses, share_compiled_templates,
                               share_loaded_course)

share_compiled_addresses()
share_loaded_course()

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TEST_PASSWORD_HASH = "scrypt:256:8:1"
CONTENT_DIR = PROJECT_ROOT / "content"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

BACKENDS = ["sqlite"]
if os.environ.get("TEST_DATABASE_URL"):
    BACKENDS.append("postgresql")
elif os.environ.get("CI"):
    raise RuntimeError("CI must run the database tests on PostgreSQL too: set TEST_DATABASE_URL")


@pytest.fixture(scope="session")
def postgres_url():
    """Return the URL of the test PostgreSQL server."""
    url = os.environ["TEST_DATABASE_URL"]
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


def _fresh_postgres_database(base_url: str, template: str | None = None) -> tuple[str, str]:
    """Create an empty database on the test server (a copy of `template`, if given); return its URL and name."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
    admin.dispose()
    return base_url.rsplit("/", 1)[0] + "/" + name, name


def _drop_postgres_database(base_url: str, name: str) -> None:
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def make_app(tmp_path: Path, database_url: str, from_template: bool = True, **overrides):
    """Build an app for tests on the given database, with the tables made.

    A new SQLite file starts as a copy of empty tables made once per test process (tests/quick_apps.py).
    """
    sqlite_file = Path(database_url.removeprefix("sqlite:///"))
    if (from_template and database_url.startswith("sqlite:///") and "?" not in database_url
            and database_url != "sqlite:///:memory:" and not sqlite_file.exists()):
        _TEMPLATES.sqlite_copy(make_app, sqlite_file)
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "CONTENT_DIR": str(CONTENT_DIR),
        "CONTENT_RELOAD_SECONDS": 0,
        # Each app counts sign-in attempts apart, so tests do not use up each other's tries.
        "RATELIMIT_KEY_PREFIX": uuid.uuid4().hex,
        # scrypt at a small work factor: at full cost (n=2**15) each hash and sign-in takes a third of a
        # second or more on a busy machine, and the suite makes thousands. The app refuses this outside
        # tests, and tests/integration/test_password_work_factor.py checks the site's own cost.
        "PASSWORD_HASH_METHOD": TEST_PASSWORD_HASH,
    }
    config.update(overrides)
    app = create_app(config)
    share_compiled_templates(app)
    with app.app_context():
        db.create_all()
    return app


@pytest.fixture(scope="session", autouse=True)
def _schema_templates():
    """Remove the template databases this test process made, when it ends."""
    yield _TEMPLATES
    _TEMPLATES.close(_drop_postgres_database)


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path):
    """Yield the URL of an empty database: SQLite, then PostgreSQL when available.

    On PostgreSQL, when the test's `app` will make the tables anyway, the database starts as a copy of
    them, or as an earlier test's copy emptied as good as new (a SQLite file gets a copy from `make_app`).
    """
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    base = request.getfixturevalue("postgres_url")
    template = (_TEMPLATES.postgres_template(make_app, base, _fresh_postgres_database)
                if "app" in request.fixturenames else None)
    if template is None:
        url, name = _fresh_postgres_database(base)
        yield url
        _drop_postgres_database(base, name)
        return
    # A copy of the empty tables: an earlier test's, emptied as good as new, or a new one (tests/quick_apps.py).
    url, name = _TEMPLATES.postgres_copy(base, template, _fresh_postgres_database)
    yield url
    _TEMPLATES.postgres_give_back(base, url, name, _drop_postgres_database)


@pytest.fixture
def app(tmp_path, database_url):
    """Return an app with a fresh, empty database and the real course."""
    app = make_app(tmp_path, database_url)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    """Return a test client for the app."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """Return a runner for the app's `flask` commands."""
    return app.test_cli_runner()


CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(page_html: str) -> str:
    """Return the CSRF token from a page's form, as a browser would send it."""
    match = CSRF_FIELD.search(page_html)
    assert match, "the page has no form with a CSRF token"
    return match.group(1)
