"""The content preview and admin pages: no axe-core violations, no sideways scrolling at 320 px.

One walk visits each page and records what both checks need (see test_page_quality.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.e2e.page_checks import PageLook, axe_problems, look, too_wide

CONTENT_DIR = Path(__file__).resolve().parents[2] / "content"
LESSON_FILE = CONTENT_DIR / "passwords" / "01-strong-passwords.md"
BROKEN_LESSON = """\
---
id: lock-your-phone
title: Lock your phone
skills: [strong-passwords]
area: Being safe and legal online
level: bronze
minuts: 3
---

Lock your phone with a PIN.

![](images/padlock.svg)

::: question lock-your-phone-pin
kind: single

Which lock keeps a phone safest?

- [ ] A six-digit PIN
- [ ] No lock at all
:::
"""


def sign_in(page: Page, username: str, password: str) -> None:
    page.goto("/sign-in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/sign-in"))


def _preview_empty(page: Page) -> None:
    page.goto("/tutor/preview")
    expect(page.get_by_role("heading", level=1)).to_have_text("Preview a lesson")


def _preview_with_problems(page: Page) -> None:
    _preview_empty(page)
    page.get_by_label("Module").select_option(label="Passwords and staying safe online")
    page.get_by_label("Paste the lesson’s Markdown").fill(BROKEN_LESSON)
    page.get_by_role("button", name="Check and preview").click()
    expect(page.get_by_role("heading", level=2, name="Problems to fix")).to_be_visible()
    expect(page.get_by_text("passwords/preview.md:7: unknown setting 'minuts' (did you mean 'minutes'?)",
                            exact=True)).to_be_visible()


def _preview_nothing_sent(page: Page) -> None:
    _preview_empty(page)
    page.get_by_role("button", name="Check and preview").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()


def _preview_rendered(page: Page) -> None:
    _preview_empty(page)
    page.get_by_label("Module").select_option(value="passwords")
    page.get_by_label("Or choose the lesson’s file").set_input_files(str(LESSON_FILE))
    page.get_by_role("button", name="Check and preview").click()
    expect(page.get_by_role("heading", level=2, name="No problems found")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Make a strong password")).to_be_visible()
    expect(page.get_by_role("heading", level=3, name="Question 1: Make a strong password")).to_be_visible()
    picture = page.get_by_role("img", name="A computer screen with a large closed padlock in the middle")
    picture.scroll_into_view_if_needed()
    expect(picture).to_have_js_property("complete", True)
    assert picture.evaluate("img => img.naturalWidth") > 0, "the lesson's picture did not load"


def _admin_list(page: Page) -> None:
    page.goto("/admin/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tutors and admins")
    expect(page.get_by_role("heading", level=2, name="Robin Tutor")).to_be_visible()


def _admin_new_with_errors(page: Page) -> None:
    page.goto("/admin/new")
    page.get_by_label("Username").fill("a b")
    page.get_by_role("button", name="Create the account").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()


def _admin_password(page: Page) -> None:
    _admin_list(page)
    page.get_by_role("link", name="Reset password for Robin Tutor").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New password for Robin Tutor")


PAGES: list[tuple[str, Callable[[Page], None]]] = [
    ("preview, empty", _preview_empty),
    ("preview, nothing sent", _preview_nothing_sent),
    ("preview, with problems", _preview_with_problems),
    ("preview, a lesson rendered", _preview_rendered),
    ("admin, tutors and admins", _admin_list),
    ("admin, new account with an error", _admin_new_with_errors),
    ("admin, reset a password", _admin_password),
]


@pytest.fixture(scope="module")
def walk(browser: Browser, browser_context_args: dict, preview_admin) -> list[PageLook]:
    """Visit every page once as an admin, run axe on it, then narrow the screen to 320 px and measure it.

    One walk serves both checks below: walking twice took twice as long and proved no more.
    """
    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    sign_in(page, *preview_admin)
    axe = Axe()
    seen = []
    for name, visit in PAGES:
        visit(page)
        seen.append(look(page, name, axe))
    yield seen
    context.close()


def test_the_preview_and_admin_pages_have_no_accessibility_violations_found_by_axe(walk):
    failures = axe_problems(walk)
    assert not failures, "\n\n".join(failures)


def test_no_preview_or_admin_page_scrolls_sideways_on_a_320_pixel_wide_screen(walk):
    problems = too_wide(walk)
    assert not problems, "\n".join(problems)
