"""The tests' shortcuts for building apps (tests/quick_apps.py) give the same app, tables and pages as the long way."""

from __future__ import annotations

import re
import shutil

from flask import url_for
from jinja2 import DictLoader, Environment
from sqlalchemy import func, inspect, select

from app import create_app
from app.extensions import db
from tests.conftest import CONTENT_DIR, make_app
from tests import quick_apps
from tests.quick_apps import SharedTemplateCode

CSRF = re.compile(r'name="csrf_token" value="[^"]*"|nonce="[^"]*"')


def tables_and_indexes(engine) -> dict[str, set]:
    """Return each table's columns and indexes, by table name."""
    found = inspect(engine)
    return {table: {("column", c["name"], str(c["type"]), c["nullable"]) for c in found.get_columns(table)}
            | {("index", i["name"], tuple(i["column_names"]), bool(i["unique"])) for i in found.get_indexes(table)}
            for table in found.get_table_names()}


def test_a_fresh_database_has_every_table_and_index_the_app_makes_and_no_rows(app, tmp_path):
    with app.app_context():
        copied = tables_and_indexes(db.engine)
        for table in db.metadata.sorted_tables:
            assert db.session.scalar(select(func.count()).select_from(table)) == 0, table.name
    made_here = create_app({"TESTING": True, "SECRET_KEY": "x", "CONTENT_DIR": str(CONTENT_DIR),
                            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'made-here.db'}"})
    with made_here.app_context():
        db.create_all()
        expected = tables_and_indexes(db.engine)
        db.engine.dispose()
    assert set(copied) == set(db.metadata.tables) <= set(expected)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        assert copied == expected


def test_two_apps_build_the_same_addresses_each_with_its_own_settings(app, tmp_path):
    other = create_app({"TESTING": True, "SECRET_KEY": "x", "CONTENT_DIR": str(CONTENT_DIR), "PREFERRED_URL_SCHEME": "https",
                        "SERVER_NAME": "other.example", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'o.db'}"})
    with app.test_request_context():
        here = url_for("learner.module", module_id="passwords", _external=True)
        with_query = url_for("learner.module", module_id="a b/c", page=2)
    with other.app_context():
        there = url_for("learner.module", module_id="passwords", _external=True)
    assert here == "http://localhost/modules/passwords"
    assert there == "https://other.example/modules/passwords"
    assert with_query == "/modules/a%20b/c?page=2"  # werkzeug keeps a slash in a plain string
    assert app.url_map is not other.url_map


def test_a_second_app_shows_a_page_from_the_template_code_compiled_for_the_first(app, tmp_path):
    first = app.test_client().get("/sign-in")
    second_app = make_app(tmp_path / "second", f"sqlite:///{tmp_path / 'second.db'}")
    compiled = []
    compile_template = second_app.jinja_env.compile
    second_app.jinja_env.compile = lambda *args, **kwargs: compiled.append(args) or compile_template(*args, **kwargs)
    second = second_app.test_client().get("/sign-in")
    assert compiled == [], "the second app compiled the page's templates again"
    assert first.status_code == second.status_code == 200
    assert CSRF.sub("", first.text) == CSRF.sub("", second.text)
    with second_app.app_context():
        db.engine.dispose()


def test_template_code_is_kept_apart_for_a_changed_template_and_for_other_settings():
    shared = SharedTemplateCode()

    def render(source: str, **settings) -> str:
        environment = Environment(loader=DictLoader({"page.html": source}), bytecode_cache=shared, **settings)
        return environment.get_template("page.html").render(name="<Sam>")

    assert render("Hello {{ name }}") == "Hello <Sam>"
    assert render("Hello {{ name }}", autoescape=True) == "Hello &lt;Sam&gt;"  # other settings: other code
    assert render("Hello {{ name }}") == "Hello <Sam>"
    assert render("Goodbye {{ name }}") == "Goodbye <Sam>"  # the source changed: compiled again
    both = "{{ name }} [[ name ]]"
    assert render(both) == "<Sam> [[ name ]]"
    assert render(both, variable_start_string="[[", variable_end_string="]]") == "{{ name }} <Sam>"


def test_the_real_course_is_read_once_and_again_only_after_a_file_changes(tmp_path, monkeypatch):
    from engine import loader
    real = loader.load_course(CONTENT_DIR)
    assert loader.load_course(CONTENT_DIR) is real
    assert real == loader.load_course.loads_each_time(CONTENT_DIR), "the kept course differs from one read now"

    copy = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, copy)
    assert loader.load_course(copy) is not loader.load_course(copy)  # any other folder: read each time
    monkeypatch.setattr(quick_apps, "_REAL_CONTENT", copy.resolve())  # the copy stands in for the real one
    first = loader.load_course(copy)
    assert loader.load_course(copy) is first
    module_file = copy / "passwords" / "module.md"
    title = next(line for line in module_file.read_text().splitlines() if line.startswith("title:"))
    module_file.write_text(module_file.read_text().replace(title, "title: Passwords, changed"))
    changed = loader.load_course(copy)
    assert changed.module("passwords").title == "Passwords, changed"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # file names in problems are relative to where the tutor is working
    assert loader.load_course(copy) is not changed
