"""The content preview and admin pages: no axe-core violations, no sideways scrolling at 320 px.

One walk visits each page and records what both checks need (see test_page_quality.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.e2e.test_page_quality import AXE_OPTIONS, NARROW

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


@dataclass
class PageSeen:
    """What the walk saw on one page: axe's findings, and its width at 320 px."""

    name: str
    url: str
    axe_checked_something: bool
    axe_report: str | None  # None: no violations
    width: int  # at 320 px: the page's width, and the width left beside a vertical scroll bar
    visible: int


@pytest.fixture(scope="module")
def walk(browser: Browser, browser_context_args: dict, preview_admin) -> list[PageSeen]:
    """Visit every page once as an admin, run axe on it, then narrow the screen to 320 px and measure it.

    One walk serves both checks below: walking twice took twice as long and proved no more.
    """
    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    usual = page.viewport_size
    sign_in(page, *preview_admin)
    axe = Axe()
    seen = []
    for name, visit in PAGES:
        visit(page)
        results = axe.run(page, options=AXE_OPTIONS)
        page.set_viewport_size(NARROW)
        width, visible = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        page.set_viewport_size(usual)
        seen.append(PageSeen(name, page.url, bool(results.response["passes"]),
                             results.generate_report() if results.violations_count else None, width, visible))
    yield seen
    context.close()


def test_the_preview_and_admin_pages_have_no_accessibility_violations_found_by_axe(walk):
    failures = []
    for seen in walk:
        assert seen.axe_checked_something, f"axe checked nothing on {seen.name}"
        if seen.axe_report:
            failures.append(f"{seen.name} ({seen.url}):\n{seen.axe_report}")
    assert not failures, "\n\n".join(failures)


def test_no_preview_or_admin_page_scrolls_sideways_on_a_320_pixel_wide_screen(walk):
    too_wide = []
    for seen in walk:
        if seen.width > NARROW["width"] or seen.width > seen.visible:
            too_wide.append(f"{seen.name} ({seen.url}): {seen.width} px wide, {seen.visible} px visible")
    assert not too_wide, "\n".join(too_wide)
