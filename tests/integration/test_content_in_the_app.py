"""Content in the running app: commands, reloading, broken files and the cost of a page."""

from __future__ import annotations

import json
import logging
import shutil
import time

import pytest
from sqlalchemy import event

from app import create_app
from app.extensions import db
from tests.conftest import CONTENT_DIR, make_app

BROKEN_LESSON = """\
---
id: broken-lesson
title: Broken
skils: [strong-passwords]
---
Text.
"""
# The content commands read files and never the database: one database is enough for them.
ONE_DATABASE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture
def own_content(tmp_path):
    """Return a copy of the shipped content that a test may change."""
    folder = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, folder)
    return folder


@ONE_DATABASE
def test_content_check_prints_a_summary_and_exits_0_for_good_content(runner):
    result = runner.invoke(args=["content", "check", str(CONTENT_DIR)])
    assert result.exit_code == 0, result.output
    modules = sum(1 for folder in CONTENT_DIR.iterdir() if (folder / "module.md").is_file())
    assert result.output.startswith(f"OK: {modules} modules, ")
    assert "questions" in result.output and "skills" in result.output


@ONE_DATABASE
def test_content_check_prints_every_problem_with_file_and_line_and_exits_1(runner, own_content):
    (own_content / "passwords" / "05-broken.md").write_text(BROKEN_LESSON)
    result = runner.invoke(args=["content", "check", str(own_content)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert any(line.endswith("passwords/05-broken.md:4: unknown setting 'skils' (did you mean 'skills'?)")
               for line in lines), result.output
    assert any(line.endswith("passwords/05-broken.md:1: the setting 'skills' is missing") for line in lines)
    assert "1 module" not in result.output and "errors and" in result.output


@ONE_DATABASE
def test_content_check_strict_fails_on_warnings(runner, own_content):
    lesson = next((own_content / "passwords").glob("90-*.md"))
    lesson.write_text(lesson.read_text().replace("fixes:", "# fixes:"))
    assert runner.invoke(args=["content", "check", str(own_content)]).exit_code == 0
    strict = runner.invoke(args=["content", "check", "--strict", str(own_content)])
    assert strict.exit_code == 1 and "no lesson fixes the misconception" in strict.output


@ONE_DATABASE
def test_content_export_prints_the_whole_course_as_json(runner, app):
    result = runner.invoke(args=["content", "export"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    course = app.extensions["course_store"].course
    assert [m["id"] for m in data["modules"]] == [m.id for m in course.modules]
    lessons = [lesson for m in data["modules"] for lesson in m["lessons"]]
    questions = [q for lesson in lessons for q in lesson["questions"]]
    assert len(questions) == len(course.questions)
    assert {q["kind"] for q in questions} == {"single", "multiple", "true-false", "typed", "ordering"}
    option = questions[0]["options"][0]
    assert set(option) >= {"key", "text", "correct", "feedback_html", "misconception"}
    assert all(lesson["area"] and lesson["level"] for lesson in lessons)
    assert {s["id"] for m in data["modules"] for s in m["skills"]} == set(course.skills)


def test_a_broken_file_is_logged_and_the_rest_of_the_site_is_served(tmp_path, own_content, caplog):
    (own_content / "passwords" / "05-broken.md").write_text(BROKEN_LESSON)
    with caplog.at_level(logging.ERROR):
        app = make_app(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}", CONTENT_DIR=str(own_content))
    assert any("05-broken.md:4: unknown setting 'skils'" in r.getMessage() for r in caplog.records)
    client = app.test_client()
    assert client.get("/modules/passwords").status_code == 200
    assert client.get("/lessons/make-a-strong-password").status_code == 200
    assert client.get("/lessons/broken-lesson").status_code == 404


def test_a_changed_file_is_picked_up_without_a_restart(tmp_path, own_content):
    app = make_app(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}", CONTENT_DIR=str(own_content),
                   CONTENT_RELOAD_SECONDS=0.01)
    client = app.test_client()
    assert "Banking made simple" not in client.get("/").text
    module_file = own_content / "online-banking" / "module.md"
    text = module_file.read_text()
    title = next(line for line in text.splitlines() if line.startswith("title:"))
    module_file.write_text(text.replace(title, "title: Banking made simple"))
    time.sleep(0.05)
    assert "Banking made simple" in client.get("/").text


def test_content_is_not_parsed_again_for_each_request(tmp_path, monkeypatch):
    app = make_app(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}", CONTENT_RELOAD_SECONDS=0.0)
    calls = []
    import app.content as content
    monkeypatch.setattr(content, "load_course", lambda *a, **k: calls.append(a))
    client = app.test_client()
    for _ in range(3):
        assert client.get("/lessons/make-a-strong-password").status_code == 200
    assert calls == []


def count_queries(app, path: str, client) -> int:
    statements = []
    with app.app_context():
        engine = db.engine

    def before(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", before)
    return len(statements)


def test_a_lesson_page_costs_at_most_two_small_queries(app, client):
    from tests.conftest import csrf_token

    page = client.get("/lessons/make-a-strong-password")
    client.post("/lessons/make-a-strong-password/read", data={"csrf_token": csrf_token(page.text)})
    assert count_queries(app, "/lessons/make-a-strong-password", client) <= 2
    assert count_queries(app, "/questions/pw-hardest-to-guess", client) <= 2


def test_the_app_builds_nothing_at_import_time():
    import importlib

    import app as package
    importlib.reload(package)
    assert callable(package.create_app)
    assert not hasattr(package, "app")


def test_an_unknown_content_folder_still_serves_an_empty_home_page(tmp_path, caplog):
    with caplog.at_level(logging.ERROR):
        app = create_app({"TESTING": True, "SECRET_KEY": "x", "CONTENT_DIR": str(tmp_path / "none"),
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'db.sqlite'}"})
    assert any("the content folder does not exist" in r.getMessage() for r in caplog.records)
    page = app.test_client().get("/")
    assert page.status_code == 200 and "There are no lessons yet" in page.text
