"""The lesson and question pages' course-wide parts are worked out once per course, and again after a reload.

Also: an answer is recorded without reading its own row back, and each page asks the database
only for the learner and their state.
"""

from __future__ import annotations

import shutil

import pytest

from app.content import current_course
from app.extensions import db
from app.learner.pages import lesson_page, question_page
from tests.conftest import CONTENT_DIR, csrf_token, make_app
from tests.integration.sql_seen import Statements

LESSON = "make-a-strong-password"
QUESTION = "pw-hardest-to-guess"


@pytest.fixture
def editable(tmp_path, database_url):
    """Return an app serving a copy of the course that a test may edit, and the copy's folder."""
    folder = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, folder)
    app = make_app(tmp_path, database_url, CONTENT_DIR=str(folder))
    yield app, folder
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _edit(path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_a_lesson_page_is_worked_out_once_for_the_course_being_served(app):
    with app.app_context():
        course = current_course()
        first = lesson_page(course, LESSON)
        assert lesson_page(course, LESSON) is first
        assert first.lesson is course.lessons[LESSON]
        assert first.module is course.module(first.lesson.module_id)
        assert first.position == first.module.path_lessons.index(first.lesson) + 1
        assert 'id="used-password"' in first.body_html  # the way back from the word list is in place
        # The word list after the lesson is made once too, with a link back to each word's first use.
        assert 'id="word-password"' in first.words_html and 'href="#used-password"' in first.words_html
        assert question_page(course, QUESTION) is question_page(course, QUESTION)
        assert lesson_page(course, "no-such-lesson") is None
        assert question_page(course, "no-such-question") is None


def test_a_changed_lesson_shows_its_new_words_after_the_content_reloads(editable):
    app, folder = editable
    client = app.test_client()
    assert "Guessing machines" not in client.get(f"/lessons/{LESSON}").text
    _edit(folder / "passwords" / "01-strong-passwords.md", "## What makes a password weak",
          "## Guessing machines")
    app.extensions["course_store"].reload()  # the site looks for changed files every few seconds
    page = client.get(f"/lessons/{LESSON}")
    assert page.status_code == 200
    assert "Guessing machines" in page.text
    assert "What makes a password weak" not in page.text


def test_a_changed_question_shows_its_new_choices_after_the_content_reloads(editable):
    app, folder = editable
    client = app.test_client()
    with app.app_context():
        question = current_course().questions[QUESTION]
    old_choice = question.choices[0].text
    assert old_choice in client.get(f"/questions/{QUESTION}").text
    lesson_file = folder / "passwords" / "01-strong-passwords.md"
    _edit(lesson_file, old_choice, "A brand new choice to pick")
    app.extensions["course_store"].reload()
    page = client.get(f"/questions/{QUESTION}").text
    assert "A brand new choice to pick" in page
    assert old_choice not in page


def _guest_at_the_question(client) -> str:
    lesson = client.get(f"/lessons/{LESSON}").text
    client.post(f"/lessons/{LESSON}/read", data={"csrf_token": csrf_token(lesson)})
    return client.get(f"/questions/{QUESTION}").text


def test_an_answer_is_recorded_without_reading_its_own_row_back(app):
    client = app.test_client()
    page = _guest_at_the_question(client)
    with app.app_context():
        choice = current_course().questions[QUESTION].choices[0].key
    statements = Statements(app)
    try:
        sent = client.post(f"/questions/{QUESTION}", data={"csrf_token": csrf_token(page), "choice": choice})
    finally:
        statements.close()
    assert sent.status_code == 302
    assert sent.headers["Location"].startswith("/answers/")
    assert any(s.startswith("INSERT INTO answers") for s in statements.seen)
    assert not [s for s in statements.seen if s.startswith("SELECT") and "FROM answers" in s]
    assert client.get(sent.headers["Location"]).status_code == 200


@pytest.mark.parametrize("path", [f"/lessons/{LESSON}", f"/questions/{QUESTION}"])
def test_a_learners_lesson_and_question_pages_ask_only_for_the_learner_and_their_state(app, path):
    client = app.test_client()
    _guest_at_the_question(client)
    statements = Statements(app)
    try:
        assert client.get(path).status_code == 200
    finally:
        statements.close()
    tables = [s.split(" FROM ")[1].split()[0] for s in statements.seen]
    assert tables == ["learners", "learner_module_states"]


def test_the_lesson_page_shows_the_word_list_made_for_the_course(app):
    client = app.test_client()
    page = client.get(f"/lessons/{LESSON}").text
    with app.app_context():
        words = lesson_page(current_course(), LESSON).words_html
    assert "Words in this lesson" in words
    assert str(words) in page
    assert page.index('id="used-password"') < page.index('id="word-password"')  # the lesson, then its words
