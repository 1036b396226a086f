"""Two app servers behind nginx on one PostgreSQL database and one Redis, as a council would run them.

Everything runs on loopback: a fresh database on the test PostgreSQL server, a throwaway Redis
(sign-in limits and the task queue), two gunicorn servers with the same secret key, and Debian's
nginx sharing requests between them. Guest learners answer questions through nginx; one app server
is stopped part-way, and every answer the site acknowledged must be stored, with each learner still
one learner, carrying on through the other server.

Each server has an instance folder of its own, as on a machine of its own, and both publish the one
LTI signing key kept in the database. (A changed content file reaching every server within the reload
interval is checked more cheaply, with two apps in one process: test_content_differs_between_servers.py.)
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import requests
from sqlalchemy import func, select

from app import ratelimits
from app.extensions import db
from app.models import AnswerRecord
from app.ratelimits import store
from tests.conftest import PROJECT_ROOT, _drop_postgres_database, _fresh_postgres_database, csrf_token, make_app
from tests.integration.local_servers import free_port, redis_server, stop, wait_for, wait_for_port
from tests.integration.practice_steps import task_fields
from tests.integration.test_accounts import save_account
from tests.integration.test_learner_flow import right_fields, wrong_fields
from tests.integration.test_limits_guessing import amount

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None)
LEARNERS = 4
ANSWERS_AFTER_THE_STOP = 3
MAX_STEPS = 200  # per learner: far more than the answers needed, so a stuck learner fails, not hangs
PACE = 0.1  # seconds between a learner's steps once under way, so the stop comes before the topics run out
FEEDBACK = re.compile(r"^/answers/(\d+)$")


def missing(what: str) -> None:
    """Skip on a developer's machine without `what`; fail in CI, where a skip would hide the test."""
    reason = f"{what} is not installed (scripts/test installs it)"
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def nginx_config(folder: Path, port: int, upstreams: list[int]) -> Path:
    """Write an nginx configuration that keeps every file under `folder` and shares requests round the upstreams."""
    servers = "\n".join(f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=60s;" for p in upstreams)
    temp = "\n".join(f"  {kind}_temp_path {folder}/{kind};" for kind in
                     ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    # As root, nginx's workers would become 'nobody', who cannot write the temp folders under tmp_path.
    user = "user root;\n" if os.geteuid() == 0 else ""
    config = folder / "nginx.conf"
    config.write_text(f"""{user}daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 256; }}
http {{
  access_log off;
{temp}
  upstream app_servers {{
{servers}
  }}
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass http://app_servers;
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_next_upstream error timeout http_502;
      proxy_connect_timeout 2s;
      add_header X-Upstream $upstream_addr always;
    }}
  }}
}}
""")
    return config


def start_app_server(port: int, env: dict, log: Path) -> subprocess.Popen:
    """Start one app server: gunicorn with two workers, as in production, with an instance folder of its own."""
    folder = log.with_suffix("")
    folder.mkdir()
    # As on a machine of its own: nothing the server keeps in its instance folder reaches the other.
    (folder / "one_server.py").write_text(f"from app import create_app\n\napp = create_app()\n"
                                          f"app.instance_path = {str(folder / 'instance')!r}\n")
    with log.open("w") as output:  # the server keeps its own copy of the file
        return subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "--workers", "2", "--preload", "--graceful-timeout", "10",
             "--bind", f"127.0.0.1:{port}", "--pythonpath", str(folder), "one_server:app"],
            cwd=PROJECT_ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)


@dataclass
class Guest:
    """What one guest learner was told, request by request."""

    number: int
    acknowledged: list[int] = field(default_factory=list)  # answer ids from the feedback pages
    after_the_stop: list[str] = field(default_factory=list)  # the app server that took each answer
    unanswered_posts: int = 0  # answers sent that got no clear reply (the server stopped under them)
    error: str = ""


class Site:
    """The proxy's address and what learners need to know about the stop."""

    def __init__(self, base: str, course):
        self.base, self.course = base, course
        self.stopped = threading.Event()

    def get(self, session: requests.Session, path: str) -> requests.Response:
        """GET through the proxy; a page asked for while a server stops is simply asked for again."""
        for _ in range(5):
            response = session.get(urljoin(self.base, path), allow_redirects=False, timeout=30)
            if response.status_code < 500:
                return response
            time.sleep(0.2)
        raise AssertionError(f"{path} answered {response.status_code} five times")


def last_upstream(response: requests.Response) -> str:
    return response.headers.get("X-Upstream", "").split(",")[-1].strip()


def take_part(site: Site, learner: Guest) -> None:
    """Open topics, choose 'I know some of this', and answer until enough answers follow the stop."""
    session = requests.Session()
    modules = iter(module.id for module in site.course.modules)
    module = None
    try:
        for step in range(MAX_STEPS):
            if len(learner.after_the_stop) >= ANSWERS_AFTER_THE_STOP:
                return
            if len(learner.acknowledged) >= 2 and not site.stopped.is_set():
                time.sleep(PACE)
            if module is None:
                module = next(modules)
                page = site.get(session, f"/modules/{module}")
                response = session.post(urljoin(site.base, f"/modules/{module}/start"), allow_redirects=False,
                                        data={"choice": "show", "csrf_token": csrf_token(page.text)}, timeout=30)
                # A start lost as a server stops is harmless: the topic's Continue starts it anyway.
                assert response.status_code == 302 or response.status_code >= 500, response.status_code
                continue
            location = urlsplit(site.get(session, f"/modules/{module}/continue").headers["Location"])
            if location.fragment == "finished":
                module = None
                continue
            path = location.path
            page = site.get(session, path)
            assert page.status_code == 200, (path, page.status_code)
            fields = {"csrf_token": csrf_token(page.text)}
            if path.startswith("/questions/"):
                question = site.course.questions[path.rsplit("/", 1)[1]]
                # Mostly right with some wrong, so lessons, help and tasks come up too.
                fields.update(right_fields(question) if (step + learner.number) % 3 else wrong_fields(question))
            elif path.startswith("/lessons/"):
                path += "/read"
            elif "/practice/" in path:
                fields.update(task_fields(site.course.tasks[path.rsplit("/", 1)[1]]))
            after_the_stop = site.stopped.is_set()
            response = session.post(urljoin(site.base, path), data=fields, allow_redirects=False, timeout=30)
            if response.status_code >= 500:
                learner.unanswered_posts += path.startswith("/questions/")
                continue  # as a learner would: go back and try again
            assert response.status_code == 302, (path, response.status_code, response.text[:300])
            answered = FEEDBACK.match(urlsplit(response.headers["Location"]).path)
            if path.startswith("/questions/"):
                assert answered, response.headers["Location"]
                learner.acknowledged.append(int(answered.group(1)))
                if after_the_stop:
                    learner.after_the_stop.append(last_upstream(response))
        raise AssertionError(f"learner {learner.number} did not get {ANSWERS_AFTER_THE_STOP} answers in after the stop")
    except Exception as failure:  # noqa: BLE001: reported by the test, which cannot see this thread's errors
        learner.error = f"{type(failure).__name__}: {failure}"


@pytest.fixture
def postgres_database(tmp_path):
    """Yield the URL of a fresh PostgreSQL database with the tables made, and an app on it."""
    if not os.environ.get("TEST_DATABASE_URL"):
        missing("a PostgreSQL server for the tests (TEST_DATABASE_URL)")
    base = os.environ["TEST_DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://", 1)
    url, name = _fresh_postgres_database(base)
    app = make_app(tmp_path, url)
    try:
        yield url, app
    finally:
        with app.app_context():
            db.engine.dispose()
        _drop_postgres_database(base, name)


def test_learners_keep_going_and_lose_no_answer_when_one_of_two_app_servers_stops(tmp_path, postgres_database):
    if NGINX is None:
        missing("nginx")
    if shutil.which("redis-server") is None:
        missing("redis-server")
    url, app = postgres_database
    servers: list[subprocess.Popen] = []
    with redis_server(tmp_path) as redis_url:
        try:
            env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "one-secret-for-every-server",
                   "ISSUER_EMAIL": "t@example.org", "CONTENT_RELOAD_SECONDS": "0", "PROXIES": "1",
                   "LTI_PRIVATE_KEY": "", "RATELIMIT_STORAGE_URI": redis_url, "TASK_QUEUE": redis_url + "/0"}
            ports = [free_port(), free_port()]
            for n, port in enumerate(ports):
                servers.append(start_app_server(port, env, tmp_path / f"gunicorn-{n}.log"))
            proxy_port = free_port()
            with (tmp_path / "nginx.out").open("w") as output:
                proxy = subprocess.Popen([NGINX, "-p", str(tmp_path), "-e", str(tmp_path / "error.log"),
                                          "-c", str(nginx_config(tmp_path, proxy_port, ports))],
                                         stdout=output, stderr=subprocess.STDOUT)
            servers.append(proxy)
            for n, port in enumerate(ports):
                wait_for(f"http://127.0.0.1:{port}/sign-in", servers[n], log=tmp_path / f"gunicorn-{n}.log")
            wait_for_port(proxy_port, proxy, "nginx")
            base = f"http://127.0.0.1:{proxy_port}"
            upstreams = [f"127.0.0.1:{port}" for port in ports]

            # With no key set, both servers sign LTI messages with the one key kept in the database.
            published = [requests.get(f"http://127.0.0.1:{port}/lti/jwks.json", timeout=30).json() for port in ports]
            assert published[0] == published[1] and len(published[0]["keys"]) == 1

            # Wrong passwords, taken in turn by the two servers, are counted as one, in Redis.
            save_account(app.test_client())
            guesser = requests.Session()
            token = csrf_token(guesser.get(base + "/sign-in", timeout=30).text)
            tries = amount(ratelimits.SIGN_IN_PER_ACCOUNT_AND_ADDRESS)
            replies = [guesser.post(base + "/sign-in", allow_redirects=False, timeout=30, data={
                "username": "sam.taylor", "password": "a wrong guess", "csrf_token": token}) for _ in range(tries + 1)]
            assert [reply.status_code for reply in replies] == [401] * tries + [429]
            assert {last_upstream(reply) for reply in replies} == set(upstreams), "both servers took guesses"
            with app.app_context():
                assert db.session.scalar(select(func.count()).select_from(store.TryCount)) == 0, "counted in Redis"

            site = Site(base, app.extensions["course_store"].course)
            learners = [Guest(n) for n in range(LEARNERS)]
            threads = [threading.Thread(target=take_part, args=(site, learner), daemon=True) for learner in learners]
            for thread in threads:
                thread.start()
            ends = time.monotonic() + 30
            while min(len(learner.acknowledged) for learner in learners) < 2 and time.monotonic() < ends \
                    and not any(learner.error for learner in learners):
                time.sleep(0.05)
            assert all(len(learner.acknowledged) >= 2 for learner in learners), [learner.error for learner in learners]
            servers[0].terminate()  # mid-run: the learners' requests keep coming while it stops
            servers[0].wait(timeout=20)
            site.stopped.set()
            for thread in threads:
                thread.join(timeout=40)
            assert not any(thread.is_alive() for thread in threads), "a learner was still going after 40 s"
            assert [learner.error for learner in learners] == [""] * LEARNERS
        finally:
            for server in reversed(servers):
                stop(server)

    with app.app_context():
        for learner in learners:
            stored = db.session.execute(select(AnswerRecord.id, AnswerRecord.learner_id).where(
                AnswerRecord.id.in_(learner.acknowledged))).all()
            assert sorted(row.id for row in stored) == sorted(learner.acknowledged), "an acknowledged answer was lost"
            owners = {row.learner_id for row in stored}
            assert len(owners) == 1, f"learner {learner.number} became {len(owners)} learners"
            questions = db.session.scalar(select(func.count()).select_from(AnswerRecord).where(
                AnswerRecord.learner_id == owners.pop(), AnswerRecord.question_id.in_(site.course.questions)))
            assert len(learner.acknowledged) <= questions <= len(learner.acknowledged) + learner.unanswered_posts
            assert len(learner.after_the_stop) >= ANSWERS_AFTER_THE_STOP, "the learner carried on after the stop"
            assert set(learner.after_the_stop) == {upstreams[1]}, "answers after the stop went to the other server"
