"""A body over the size limit is refused with a 413 page, through the test client and a real server alike."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import threading
import time

import pytest
from sqlalchemy import func, select
from werkzeug.serving import make_server

from app.extensions import db
from app.models import Learner
from tests.conftest import csrf_token

from tests.conftest import PROJECT_ROOT

TOO_BIG = 2 * 1024 * 1024
PHOTO = 20 * 1024 * 1024  # a phone photo chosen by mistake: far over the limit, still an honest mistake


def learners(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Learner))


def test_the_limit_leaves_room_for_the_biggest_lesson_preview(app):
    from app.tutor.preview import MAX_LESSON_BYTES
    # A file at the preview's own limit and as much pasted text, sent as a form, must reach the preview.
    assert app.config["MAX_CONTENT_LENGTH"] >= 2 * MAX_LESSON_BYTES + 16 * 1024


def test_an_oversized_form_gets_a_413_page(client):
    token = csrf_token(client.get("/sign-in").text)
    response = client.post("/sign-in", data={"username": "x" * TOO_BIG, "password": "y", "csrf_token": token})
    assert response.status_code == 413
    assert "That was too much to send" in response.text


def test_an_oversized_body_to_the_api_is_refused_in_json_even_where_nothing_reads_it(app, client):
    response = client.post("/api/v1/learners", data=b"x" * TOO_BIG, content_type="application/octet-stream")
    assert response.status_code == 413 and response.is_json
    assert learners(app) == 0, "the refused request made nothing"


@pytest.fixture
def server(app):
    """Serve the app with werkzeug's own server on a loopback port, and stop it after the test."""
    served = make_server("127.0.0.1", 0, app, threaded=True)
    # Stopping waits for the server's next look at whether to stop: every 0.5 s by default.
    thread = threading.Thread(target=served.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    yield served.server_port
    served.shutdown()
    thread.join(5)


def _post(port: int, path: str, body, headers: dict) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


def test_a_real_server_answers_an_oversized_body_with_a_413_page_not_a_reset_connection(server):
    for path in ("/sign-in", "/account/save", "/api/v1/learners"):
        status, text = _post(server, path, b"a=" + b"x" * PHOTO,
                             {"Content-Type": "application/x-www-form-urlencoded"})
        assert status == 413, path
        assert ("too much to send" in text) if not path.startswith("/api/") else '"error"' in text


def test_a_real_server_refuses_an_oversized_body_sent_in_chunks(server):
    chunks = (b"a=" + b"x" * 65536 for _ in range(TOO_BIG // 65536))
    status, text = _post(server, "/sign-in", chunks, {"Content-Type": "application/x-www-form-urlencoded",
                                                      "Transfer-Encoding": "chunked"})
    assert status in (400, 413)  # refused plainly: too big, or (without the form's token) a stale form
    assert "Skills Passport" in text


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_gunicorn_answers_a_photo_sent_by_mistake_with_a_413_page_not_a_reset_connection(tmp_path):
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'site.db'}", "SECRET_KEY": "test-secret",
           "LOG_LEVEL": "WARNING", "ISSUER_EMAIL": "test@example.org"}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "--workers", "1", "--bind", f"127.0.0.1:{port}",
                               "app:create_app()"], cwd=PROJECT_ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, "gunicorn did not start"
                time.sleep(0.2)
        for path in ("/sign-in", "/api/v1/learners"):
            status, _ = _post(port, path, b"a=" + b"x" * PHOTO, {"Content-Type": "application/x-www-form-urlencoded"})
            assert status == 413, path
    finally:
        server.terminate()
        server.wait(10)
