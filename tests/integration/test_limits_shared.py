"""Limits hold across every worker: counts live in the database (or Redis), not in one process.

The first test runs the site as it is deployed, under gunicorn with four worker processes,
and sends wrong passwords and resume codes all at once, as the security review did.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from app import ratelimits
from app.extensions import db, limiter
from app.ratelimits import store
from tests.conftest import PROJECT_ROOT, make_app
from tests.integration.local_servers import free_port, redis_server, wait_for
from tests.integration.test_accounts import save_account, sign_in
from tests.integration.test_limits_guessing import amount


@pytest.fixture
def gunicorn_site(app, database_url, tmp_path):
    """Start the site under gunicorn with four workers on the test database; yield its address."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret", "ISSUER_EMAIL": "t@example.org",
           "CONTENT_RELOAD_SECONDS": "0"}
    env.pop("RATELIMIT_STORAGE_URI", None)  # the default set-up: counts in the database
    log = open(tmp_path / "gunicorn.log", "w")
    server = subprocess.Popen(
        # --preload: the course is read once, before the workers start, as a busy machine has little time.
        [str(Path(sys.executable).parent / "gunicorn"), "--workers", "4", "--preload", "--bind", f"127.0.0.1:{port}",
         "wsgi:app"],
        cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/sign-in", server)
        yield base
    finally:
        server.send_signal(signal.SIGINT)  # a quick shutdown: nothing here is worth waiting for
        server.wait(timeout=30)
        log.close()


def form_sender(base: str, page: str):
    """Return a function that posts the form on `page`, with its token and cookie, and gives the status."""
    with urllib.request.urlopen(base + page) as response:
        token = re.search(r'name="csrf_token" value="([^"]+)"', response.read().decode()).group(1)
        cookie = response.headers["Set-Cookie"].split(";")[0]

    def send(fields: dict) -> int:
        body = urllib.parse.urlencode({**fields, "csrf_token": token}).encode()
        request = urllib.request.Request(base + page, data=body, headers={"Cookie": cookie})
        try:
            with urllib.request.urlopen(request) as response:
                return response.status
        except urllib.error.HTTPError as refused:
            return refused.code
    return send


def test_wrong_passwords_and_codes_sent_at_once_to_four_workers_are_each_counted(app, gunicorn_site):
    save_account(app.test_client())
    send = form_sender(gunicorn_site, "/sign-in")
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda _: send({"username": "sam.taylor", "password": "a wrong guess"}), range(30)))
    assert answers.count(401) == amount(ratelimits.SIGN_IN_PER_ACCOUNT_AND_ADDRESS), answers
    assert answers.count(429) == 30 - answers.count(401), answers

    send = form_sender(gunicorn_site, "/resume")
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda n: send({"code": f"WRONG{n:07d}"}), range(40)))
    assert answers.count(401) == amount(ratelimits.RESUME_CODES_PER_ADDRESS), answers
    assert answers.count(429) == 40 - answers.count(401), answers


@pytest.fixture
def clock(monkeypatch):
    """Let a test move the store's clock on."""
    now = SimpleNamespace(value=1_800_000_000.0)
    monkeypatch.setattr(store, "time", SimpleNamespace(time=lambda: now.value))
    return now


def test_a_count_starts_again_when_its_window_ends_and_never_falls_below_nothing(app, clock):
    counts = store.DatabaseStorage("database://")
    with app.app_context():
        assert [counts.incr("ann@192.0.2.1", 60) for _ in range(3)] == [1, 2, 3]
        assert counts.get("ann@192.0.2.1") == 3 and counts.get("bob@192.0.2.1") == 0
        assert counts.get_expiry("ann@192.0.2.1") == clock.value + 60
        clock.value += 30
        assert counts.incr("ann@192.0.2.1", 60, amount=-1) == 2, "a right try is given back"
        assert counts.get_expiry("ann@192.0.2.1") == clock.value + 30, "giving back keeps the window"
        clock.value += 31
        assert counts.get("ann@192.0.2.1") == 0, "the window has ended"
        assert counts.incr("ann@192.0.2.1", 60) == 1
        assert counts.incr("ann@192.0.2.1", 60, amount=-1) == 0
        assert counts.incr("ann@192.0.2.1", 60, amount=-1) == 0, "never below nothing"
        assert db.session.scalar(select(func.count()).select_from(store.TryCount)) == 1, \
            "ended windows are swept away when a new one begins"
        long_names = ["x" * 300 + "a", "x" * 300 + "b"]
        assert [counts.incr(name, 60) for name in long_names] == [1, 1], "long keys never share a count"
        counts.clear(long_names[0])
        assert counts.get(long_names[0]) == 0 and counts.get(long_names[1]) == 1
        assert counts.check() and counts.reset() == 2


def test_the_site_counts_in_its_database_unless_told_otherwise(app):
    assert app.config["RATELIMIT_STORAGE_URI"] == "database://"
    save_account(app.test_client())
    sign_in(app.test_client(), password="a wrong guess")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(store.TryCount)) == 2, \
            "one count for the username at the address, one for the address"


@pytest.fixture
def redis_url(tmp_path):
    """Start a throwaway Redis server on loopback and yield its URL; skip if Redis is not installed."""
    with redis_server(tmp_path) as url:
        if url is None:
            pytest.skip("redis-server is not installed (apt-get install redis-server)")
        yield url


def test_with_redis_named_the_counts_live_in_redis(tmp_path, redis_url):
    site = make_app(tmp_path, f"sqlite:///{tmp_path / 'redis.db'}", RATELIMIT_STORAGE_URI=redis_url)
    try:
        assert type(limiter.storage).__name__ == "RedisStorage"
        save_account(site.test_client())
        tries = amount(ratelimits.SIGN_IN_PER_ACCOUNT_AND_ADDRESS)
        assert [sign_in(site.test_client(), password="a wrong guess").status_code for _ in range(tries + 1)] \
            == [401] * tries + [429]
        with site.app_context():
            assert db.session.scalar(select(func.count()).select_from(store.TryCount)) == 0
        limiter.storage.reset()
        assert sign_in(site.test_client()).status_code == 302, "the count was Redis's alone"
    finally:
        with site.app_context():
            db.engine.dispose()
