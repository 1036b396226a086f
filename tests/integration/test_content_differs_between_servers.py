"""Two app servers briefly serving different versions of the course, as while a content change reaches each.

Two apps in one process over one database stand for the two servers: each holds its own course,
read from its own folder, exactly as a server does (the two-server test checks that real servers
on one content folder both serve a changed file within the reload interval). One browser's
requests go to whichever the test says, as a proxy would send them. A question, lesson or
practice task one server knows and the other does not gives a clear 4xx page, never a server
error, and no saved answer is lost.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select
from werkzeug.test import Client

from app.extensions import db
from app.models import AnswerRecord
from tests.conftest import CONTENT_DIR, csrf_token, make_app
from tests.integration.test_learner_flow import right_fields

QUESTION = "pw-hardest-to-guess"  # renamed in the newer course
LESSON = "one-password-per-account"  # renamed in the newer course
MODULE = "passwords"


class Proxy:
    """Send each request to the server `to` names, as a proxy sharing requests between servers would."""

    def __init__(self, older, newer):
        self.servers = {"older": older, "newer": newer}
        self.to = "older"

    def __call__(self, environ, start_response):
        return self.servers[self.to].wsgi_app(environ, start_response)


@pytest.fixture(scope="module")
def newer_content(tmp_path_factory) -> Path:
    """Return a copy of the course with a question and a lesson renamed by a tutor, made once for the file.

    The tests only read it, so each test's newer server finds the course already parsed (by folder and
    file times) instead of parsing a fresh copy of all six topics.
    """
    newer = tmp_path_factory.mktemp("newer") / "content"
    shutil.copytree(CONTENT_DIR, newer)
    rename(newer / MODULE / "01-strong-passwords.md", f"::: question {QUESTION}\n", f"::: question {QUESTION}-2\n")
    rename(newer / MODULE / "02-one-password-per-account.md", f"id: {LESSON}\n", f"id: {LESSON}-2\n")
    rename(newer / MODULE / "03-save-passwords-safely.md", f"[{LESSON}]", f"[{LESSON}-2]")
    return newer


@pytest.fixture
def servers(tmp_path, database_url, newer_content):
    """Yield the older server (the course as it is), the newer one (see `newer_content`), and a proxy."""
    apps = [make_app(tmp_path, database_url, CONTENT_DIR=str(folder)) for folder in (CONTENT_DIR, newer_content)]
    assert QUESTION in apps[0].extensions["course_store"].course.questions
    assert QUESTION not in apps[1].extensions["course_store"].course.questions
    yield Proxy(*apps)
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def rename(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def answers(proxy) -> int:
    with proxy.servers["older"].app_context():
        return db.session.scalar(select(func.count()).select_from(AnswerRecord))


def browser(proxy) -> Client:
    return Client(proxy, use_cookies=True)


def answer_on_the_older_server(proxy, client: Client) -> int:
    """Answer the question the newer server no longer has, on the older one; return the answer's id."""
    proxy.to = "older"
    question = proxy.servers["older"].extensions["course_store"].course.questions[QUESTION]
    page = client.get(f"/questions/{QUESTION}")
    response = client.post(f"/questions/{QUESTION}", data={**right_fields(question), "csrf_token": csrf_token(page.text)})
    assert response.status_code == 302 and response.location.startswith("/answers/")
    return int(response.location.rsplit("/", 1)[1])


def test_an_answer_sent_to_a_server_that_no_longer_has_the_question_gets_a_clear_page_and_nothing_is_lost(servers):
    client = browser(servers)
    answer_on_the_older_server(servers, client)
    question = servers.servers["older"].extensions["course_store"].course.questions[QUESTION]
    page = client.get(f"/questions/{QUESTION}")
    servers.to = "newer"  # the form was shown by one server, and the answer reaches the other
    response = client.post(f"/questions/{QUESTION}", data={**right_fields(question), "csrf_token": csrf_token(page.text)})
    assert response.status_code == 404
    assert "This question has changed" in response.text and "not saved" in response.text
    assert f'href="/modules/{MODULE}/continue"' in response.text, "the page says where to carry on"
    assert answers(servers) == 1, "the first answer is kept and the one that could not be marked is not stored"
    step = client.get(f"/modules/{MODULE}/continue")
    assert step.status_code == 302 and QUESTION + "/" not in step.location + "/"
    assert client.get(step.location).status_code == 200


def test_feedback_on_an_answer_to_a_question_the_server_no_longer_has_says_the_answer_is_saved(servers):
    client = browser(servers)
    answer_id = answer_on_the_older_server(servers, client)
    servers.to = "newer"
    response = client.get(f"/answers/{answer_id}")
    assert response.status_code == 410 and "Your answer is still saved" in response.text
    assert answers(servers) == 1


@pytest.mark.parametrize("path", ["/", f"/modules/{MODULE}", "/passport", "/account/data.json"])
def test_a_learners_pages_on_the_newer_server_work_with_an_answer_to_a_question_it_does_not_have(servers, path):
    client = browser(servers)
    answer_on_the_older_server(servers, client)
    servers.to = "newer"
    assert client.get(path).status_code == 200


def test_a_question_only_the_newer_server_has_gets_a_clear_page_from_the_older_one(servers):
    client = browser(servers)
    servers.to = "older"
    response = client.get(f"/questions/{QUESTION}-2")
    assert response.status_code == 404 and "This question has changed" in response.text


def test_a_lesson_the_server_no_longer_has_gets_a_clear_page_and_reading_it_saves_nothing(servers):
    client = browser(servers)
    servers.to = "older"
    page = client.get(f"/lessons/{LESSON}")
    assert page.status_code == 200
    servers.to = "newer"
    assert client.get(f"/lessons/{LESSON}").status_code == 404
    read = client.post(f"/lessons/{LESSON}/read", data={"csrf_token": csrf_token(page.text)})
    assert read.status_code == 404 and "This lesson has changed" in read.text
    assert client.get(f"/modules/{MODULE}").status_code == 200


# --- a changed file reaches every server within the reload interval ------------------------------------


def test_a_changed_file_in_a_shared_content_folder_reaches_both_servers_within_the_reload_interval(tmp_path):
    folder = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, folder)
    interval = 0.5
    servers = [make_app(tmp_path, f"sqlite:///{tmp_path / 'shared.db'}", CONTENT_DIR=str(folder),
                        CONTENT_RELOAD_SECONDS=interval) for _ in range(2)]
    clients = [app.test_client() for app in servers]
    assert all("Banking made simple" not in client.get("/").text for client in clients)
    module_file = folder / "online-banking" / "module.md"
    text = module_file.read_text()
    title = next(line for line in text.splitlines() if line.startswith("title:"))
    module_file.write_text(text.replace(title, "title: Banking made simple"))
    time.sleep(interval + 0.1)
    assert all("Banking made simple" in client.get("/").text for client in clients)
