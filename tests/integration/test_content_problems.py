"""The content problems page: tutors and admins see every mistake in the lesson files, learners never do."""

from __future__ import annotations

import html
import re
import shutil

import pytest

from app.auth import accounts
from app.extensions import db
from tests.conftest import CONTENT_DIR, csrf_token, make_app

PASSWORD = "teapot river purple"
PAGE = "/tutor/content-problems"

# A lesson whose question is of a kind the site does not know: the lesson is left out.
UNKNOWN_KIND = """\
---
id: lock-your-phone
title: Lock your phone
skills: [strong-passwords]
area: Being safe and legal online
level: bronze
minutes: 3
---

Lock your phone with a PIN.

::: question lock-your-phone-pin
kind: essay

Which lock keeps a phone safest?

- [x] A six-digit PIN
- [ ] No lock at all
:::
"""
KIND_PROBLEM = ("content/passwords/08-lock-your-phone.md:13: unknown kind 'essay': "
                "use one of single, multiple, true-false, typed, ordering")
SETTING_PROBLEM = "content/creating-documents/module.md:5: unknown setting 'ordr' (did you mean 'order'?)"


def copy_broken(folder):
    """Copy the course to `folder` with broken lessons, a module with a bad setting, and warnings."""
    shutil.copytree(CONTENT_DIR, folder)
    (folder / "passwords" / "08-lock-your-phone.md").write_text(UNKNOWN_KIND, encoding="utf-8")
    module = folder / "creating-documents" / "module.md"
    module.write_text(module.read_text(encoding="utf-8").replace("\norder: 3\n", "\nordr: 3\n"), encoding="utf-8")
    # A copy of a lesson: its id is already used, and the message names the other file.
    shutil.copy(folder / "passwords" / "01-strong-passwords.md", folder / "passwords" / "09-copy.md")
    remedy = next((folder / "passwords").glob("90-*.md"))
    remedy.write_text(remedy.read_text(encoding="utf-8").replace("fixes:", "# fixes:"), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def broken_content(tmp_path_factory):
    """Return a copy of the course with broken lessons, made once for the tests that only read it.

    Every app on the same unchanged folder shares one parse of it, where a copy per test was parsed
    again each time (the slowest part of these tests).
    """
    return copy_broken(tmp_path_factory.mktemp("broken") / "content")


@pytest.fixture
def own_broken_content(tmp_path):
    """Return a copy of the broken course for one test alone, which may change its files."""
    return copy_broken(tmp_path / "content")


@pytest.fixture
def broken_app(tmp_path, database_url, broken_content):
    """Return an app serving the broken course, with a tutor, an admin and a learner with an account."""
    yield from _serve_broken(tmp_path, database_url, broken_content)


@pytest.fixture
def own_broken_app(tmp_path, database_url, own_broken_content):
    """Return an app serving a broken course of its own, with the same people."""
    yield from _serve_broken(tmp_path, database_url, own_broken_content)


def _serve_broken(tmp_path, database_url, broken_content):
    app = make_app(tmp_path, database_url, CONTENT_DIR=str(broken_content))
    with app.app_context():
        accounts.create_user("tom.tutor", PASSWORD, "tutor", "Tom Tutor")
        accounts.create_user("ada.admin", PASSWORD, "admin", "Ada Admin")
        accounts.create_user("lee.learner", PASSWORD, "learner", "Lee Learner")
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def signed_in(app, username: str):
    client = app.test_client()
    page = client.get("/sign-in")
    response = client.post("/sign-in", data={"username": username, "password": PASSWORD,
                                             "csrf_token": csrf_token(page.text)})
    assert response.status_code == 302, f"{username} could not sign in"
    return client


def problem_lines(page_html: str) -> list[str]:
    """Return the problems the page lists, as text."""
    return [html.unescape(line) for line in re.findall(r'<li class="problem[^"]*"><code>(.*?)</code>', page_html)]


@pytest.mark.parametrize("username", ["tom.tutor", "ada.admin"])
def test_a_tutor_and_an_admin_see_each_broken_file_as_file_line_and_message(broken_app, username):
    page = signed_in(broken_app, username).get(PAGE)
    assert page.status_code == 200
    listed = problem_lines(page.text)
    assert KIND_PROBLEM in listed and SETTING_PROBLEM in listed
    warnings = [line for line in listed if ": warning: no lesson fixes the misconception 'pet-name-password'" in line]
    assert warnings and all(line.startswith("content/passwords/") for line in warnings), listed
    assert len(listed) == 3 + len(warnings)
    assert f"3 errors and {len(warnings)} warnings" in page.text
    assert "Line 13 is: <code>kind: essay</code>" in page.text


def test_the_page_lists_what_content_check_prints_without_the_folder_s_place_on_the_server(
        broken_app, broken_content):
    printed = broken_app.test_cli_runner().invoke(args=["content", "check", str(broken_content)]).output
    expected = [line.replace(str(broken_content), "content") for line in printed.splitlines()
                if line.startswith(str(broken_content))]
    assert len(expected) >= 3, printed
    page = signed_in(broken_app, "tom.tutor").get(PAGE)
    assert sorted(problem_lines(page.text)) == sorted(expected)  # errors first, then warnings
    assert str(broken_content.parent) not in page.text
    copy = next(line for line in expected if line.startswith("content/passwords/09-copy.md:"))
    assert copy.endswith(": lesson id 'make-a-strong-password' is already used by "
                         "content/passwords/01-strong-passwords.md"), copy


def test_the_tutor_home_and_the_admin_page_link_to_the_problems_with_a_count(broken_app):
    count = len(problem_lines(signed_in(broken_app, "tom.tutor").get(PAGE).text))
    assert count >= 3
    for username, home in [("tom.tutor", "/tutor/"), ("ada.admin", "/tutor/"), ("ada.admin", "/admin/")]:
        page = signed_in(broken_app, username).get(home)
        assert page.status_code == 200
        assert f'<a href="{PAGE}">Content problems: {count} problems</a>' in page.text, (username, home)
        assert "No problems" not in page.text


def test_with_no_problems_the_pages_say_so_calmly(app):
    with app.app_context():
        accounts.create_user("ada.admin", PASSWORD, "admin", "Ada Admin")
    admin = signed_in(app, "ada.admin")
    for home in ("/tutor/", "/admin/"):
        page = admin.get(home)
        assert "Lesson files: No problems." in page.text and "Content problems:" not in page.text
    page = admin.get(PAGE)
    assert page.status_code == 200
    assert "No problems." in page.text and problem_lines(page.text) == []


def test_a_learner_is_refused_and_a_guest_is_asked_to_sign_in(broken_app):
    assert signed_in(broken_app, "lee.learner").get(PAGE).status_code == 403
    guest = broken_app.test_client()
    response = guest.get(PAGE)
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    guest.get("/")  # a guest who has started learning is still a guest
    response = guest.get(PAGE)
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    assert "essay" not in guest.get("/").text


def test_the_rest_of_the_site_keeps_working_around_the_broken_files(broken_app):
    guest = broken_app.test_client()
    home = guest.get("/")
    assert home.status_code == 200
    assert "/modules/passwords" in home.text and "/modules/creating-documents" not in home.text
    assert guest.get("/modules/passwords").status_code == 200
    assert guest.get("/lessons/lock-your-phone").status_code == 404
    assert guest.get("/lessons/make-a-strong-password").status_code == 200


def test_a_fixed_file_leaves_the_list_once_the_site_sees_the_change(own_broken_app, own_broken_content):
    tutor = signed_in(own_broken_app, "tom.tutor")
    assert KIND_PROBLEM in problem_lines(tutor.get(PAGE).text)
    lesson = own_broken_content / "passwords" / "08-lock-your-phone.md"
    lesson.write_text(UNKNOWN_KIND.replace("kind: essay", "kind: single"), encoding="utf-8")
    own_broken_app.extensions["course_store"].reload()  # the site reloads by itself every few seconds
    listed = problem_lines(tutor.get(PAGE).text)
    assert KIND_PROBLEM not in listed and SETTING_PROBLEM in listed
