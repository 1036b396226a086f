"""Finish on this computer, in Chromium at 320 px: the next person at a library computer finds no trace."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from app.auth import accounts
from app.extensions import db
from app.models import Group
from tests.conftest import CONTENT_DIR, make_app
from tests.e2e.page_checks import NARROW

NAME = "Pat Jones"
GROUP = "Tuesday class at the library"


@pytest.fixture(scope="module")
def library(tmp_path_factory, serve_app) -> Iterator[tuple[str, str]]:
    """Serve the course with a tutor's group; yield the address and the group's code."""
    folder = tmp_path_factory.mktemp("library")
    app = make_app(folder, f"sqlite:///{folder / 'library.db'}", CONTENT_DIR=str(CONTENT_DIR))
    with app.app_context():
        tutor = accounts.create_user("library.tutor", "teapot lantern orchard", "tutor", "Robin Tutor")
        group = Group(name=GROUP, join_code=accounts.new_group_code(), tutor_id=tutor.id)
        db.session.add(group)
        db.session.commit()
        code = group.join_code
    with serve_app(app, "library") as url:
        yield url, code


def start_as_a_guest(page: Page, base: str, code: str, quiz) -> None:
    """Join the tutor's group, set a name on the passport and answer a question, as a first learner would."""
    page.goto(f"{base}/groups/join?code={code}")
    page.get_by_label("Your name").fill(NAME)
    page.get_by_role("button", name="Join the group").click()
    expect(page.get_by_role("region", name="Your groups")).to_contain_text(GROUP)
    page.goto(f"{base}/modules/{quiz.module.id}/continue")
    question = quiz.question_at(page.url)
    if question is not None:
        quiz.answer_with_mouse(page, question)


@pytest.mark.parametrize("javascript", [True, False], ids=["with JavaScript", "without JavaScript"])
def test_finish_on_this_computer_leaves_no_trace_for_the_next_visitor(new_context, library, quiz, javascript):
    base, code = library
    context = new_context(viewport=NARROW, java_script_enabled=javascript)
    page = context.new_page()
    start_as_a_guest(page, base, code, quiz)
    before = {c["name"]: c["value"] for c in context.cookies()}
    assert set(before) >= {"session", "remember_token"}

    # Reached from the menu with the keyboard, like every other link.
    page.goto(f"{base}/passport")
    finish_link = page.get_by_role("navigation", name="Main").get_by_role("link", name="Finish on this computer")
    finish_link.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Finish on this computer")
    expect(page.get_by_role("button", name="Get a resume code")).to_be_visible()
    page.get_by_role("button", name="Finish on this computer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You have finished")
    after = {c["name"]: c["value"] for c in context.cookies()}
    assert "remember_token" not in after and after.get("session") != before["session"], "the browser forgot them"
    # Marking the computer as shared is a button on the page (a form with its token), not the visit.
    page.get_by_role("button", name="Yes, it is shared").click()
    expect(page.get_by_role("heading", name="This computer is set as shared")).to_be_visible()

    # The next person, in the same browser.
    for path, heading in (("/", "Learn everyday digital skills"), ("/passport", "Your Digital Skills Passport"),
                          ("/account", "Save your progress")):
        page.goto(f"{base}{path}")
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        expect(page.locator("body")).not_to_contain_text(NAME)
        expect(page.locator("body")).not_to_contain_text(GROUP)
        expect(page.get_by_role("link", name="Finish on this computer")).to_have_count(0)
    page.goto(f"{base}/")
    expect(page.get_by_role("heading", name="Carry on where you left off")).to_have_count(0)
    page.goto(f"{base}/account")
    expect(page.get_by_text("You are not in a group")).to_be_visible()
    page.goto(f"{base}/passport")
    expect(page.locator(".medal:not(.medal--none)")).to_have_count(0)
    expect(page.get_by_label("Name to show on your certificate and shared pages")).to_have_value("")


def test_on_a_shared_computer_the_browser_keeps_only_a_cookie_that_ends_when_it_closes(new_context, library, quiz):
    base, _ = library
    context = new_context(viewport=NARROW)
    page = context.new_page()
    page.goto(f"{base}/")
    page.get_by_role("button", name="Yes, shared").click()
    expect(page.get_by_role("button", name="Yes, shared")).to_have_count(0)
    page.goto(f"{base}/modules/{quiz.module.id}/continue")
    question = quiz.question_at(page.url)
    if question is not None:
        quiz.answer_with_mouse(page, question)
    else:
        page.get_by_role("button", name=re.compile("I have read this")).click()
    cookies = {c["name"]: c for c in context.cookies()}
    assert "remember_token" not in cookies
    assert cookies["session"]["expires"] == -1, "a session cookie, gone when the browser closes"
    expect(page.get_by_role("link", name="Finish on this computer").first).to_be_visible()
