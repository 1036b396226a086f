"""While the database is away, pages say so plainly (a 503 with Retry-After); when it is back, the site is too.

SQLite is made unreachable by moving its folder away; PostgreSQL by refusing new connections to the
test's own database and ending the ones open, as a stopped server would.
"""

from __future__ import annotations

import time
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text

from app.errors import MESSAGES
from app.extensions import db
from tests.conftest import BACKENDS, _drop_postgres_database, _fresh_postgres_database, make_app
from tests.integration.hostile import build_site

TITLE = MESSAGES[503][0]


@contextmanager
def sqlite_away(folder):
    """Move the database's folder away for the length of the block."""
    away = folder.with_name(folder.name + "-away")
    folder.rename(away)
    try:
        yield
    finally:
        away.rename(folder)


@contextmanager
def postgres_away(base_url: str, name: str):
    """Refuse new connections to the database and end the open ones, for the length of the block."""
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
        conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name"),
                     {"name": name})
    try:
        yield
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def outage(request, tmp_path):
    """Yield a site and a way to take its database away, on each database."""
    if request.param == "sqlite":
        folder = tmp_path / "data"
        folder.mkdir()
        app = make_app(tmp_path, f"sqlite:///{folder / 'site.db'}")
        yield build_site(app), lambda: sqlite_away(folder)
        cleanup = None
    else:
        base = request.getfixturevalue("postgres_url")
        url, name = _fresh_postgres_database(base)
        app = make_app(tmp_path, url)
        yield build_site(app), lambda: postgres_away(base, name)
        cleanup = (base, name)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if cleanup:
        _drop_postgres_database(*cleanup)


def test_pages_say_the_site_is_not_working_while_the_database_is_away_and_work_again_after(outage):
    site, away = outage
    learner, guest = site.sign_in("learner"), site.app.test_client()
    with site.app.app_context():
        db.engine.dispose()  # only new connections from here on, as after a restart
    with away():
        for url in ("/", "/passport", "/account/data.json", "/modules/passwords"):
            response = learner.get(url)
            assert response.status_code == 503, url
            assert response.headers["Retry-After"] == "30"
            assert TITLE in response.text and "Skills Passport" in response.text, "the usual page, not a bare error"
        missing = learner.get("/nowhere")
        assert missing.status_code == 404 and "Page not found" in missing.text, "drawn without the account"
        api = guest.get("/api/v1/me/skills", headers={"Authorization": "Bearer nothing"})
        assert api.status_code == 503 and api.is_json
    started = time.monotonic()
    back = learner.get("/passport")
    assert back.status_code == 200 and "Your passport" in back.text
    assert time.monotonic() - started < 1, "the first request after the outage works, without waiting"
    assert "lou.learner" in learner.get("/account").text, "the learner is still signed in"
