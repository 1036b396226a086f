"""The pretend bank, file list, job board and application form in a real browser: each is done with the mouse,
the keyboard alone and JavaScript off, and axe finds nothing on their pages at 320 px, problems shown included."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from engine.loader import load_course
from engine.tasks.bank import NAME_CHECK_CHOICES, PIN_CHOICES
from engine.tasks.job_board import SIGNS
from tests.conftest import CONTENT_DIR
from tests.e2e.page_checks import AXE_OPTIONS, NARROW
from tests.e2e.test_page_quality import MAX_PAGE_BYTES

COURSE = load_course(CONTENT_DIR)
BANK = "/modules/online-banking/practice/pay-a-new-payee-safely"
REGULAR = "/modules/online-banking/practice/sort-out-regular-payments"
SAVE = "/modules/creating-documents/practice/save-and-find-a-letter"
LETTER = "/modules/creating-documents/practice/lay-out-a-letter"
BOARD = "/modules/applying-for-jobs/practice/spot-the-fake-job"
FORM = "/modules/applying-for-jobs/practice/fill-in-an-application-form"
COUNCIL = "/modules/using-the-internet/practice/tell-the-council-you-have-moved"
SEARCH = "/modules/using-the-internet/practice/find-the-real-service"
MESSAGES = "/modules/talking-online/practice/sort-the-messages"
GROUP_EMAIL = "/modules/talking-online/practice/send-an-email-to-a-group"


def radio(name: str, index: int) -> tuple:
    """Choose the radio button at `index` (from 0) of a group whose buttons are `name-1`, `name-2`, ..."""
    return ("radio", f"{name}-1", f"{name}-{index + 1}", index)


def bank_steps() -> list[tuple]:
    return [("text", "customer-number", "PRACTICE-4417"), ("text", "character-2", "i"),
            ("text", "character-5", "t"), ("text", "character-8", "u"),
            radio("pin-request", list(PIN_CHOICES).index("stop")),
            ("check", "pending-shop"), ("check", "pending-bus"), ("text", "spend", "370.20"),
            ("text", "payee-name", "Jordan Blake"), ("text", "payee-amount", "80.00"),
            radio("name-check", list(NAME_CHECK_CHOICES).index("check-another-way"))]


def letter_steps() -> list[tuple]:
    layouts = COURSE.tasks["lay-out-a-letter"].scenario.letter.layouts()
    return [radio("layout", layouts.index("clear")), radio("format-print-copy", 0)]


def board_steps() -> list[tuple]:
    steps = []
    for advert in COURSE.tasks["spot-the-fake-job"].scenario.adverts:
        first = f"{advert.id}-verdict-real"
        steps.append(("radio", first, f"{advert.id}-verdict-fake", 1) if advert.fake else ("radio", first, first, 0))
        steps += [("check", f"{advert.id}-signs-{sign}") for sign in SIGNS if sign in advert.signs]
    return steps


def form_steps() -> list[tuple]:
    return [("text", "statement", "I would love to work in your kitchen. At the food bank I cook hot meals for 40 "
                                  "people twice a week and keep my area clean."),
            ("text", "job-1-title", "Volunteer cook"), ("text", "job-1-employer", "Greenleaf Food Bank (pretend)"),
            ("text", "job-1-from", "09/2024"), ("check", "job-1-current"),
            ("text", "job-2-title", "Shop assistant"), ("text", "job-2-employer", "Corner Shop (pretend)"),
            ("text", "job-2-from", "03/2021"), ("text", "job-2-to", "08/2024"),
            ("radio", "right-to-work-yes", "right-to-work-yes", 0), radio("attach", 0), ("check", "declare-yes")]


def council_steps() -> list[tuple]:
    return [("text", "full-name", "Alex Morgan"), ("text", "date-of-birth", "14 6 1982"),
            ("text", "new-postcode", "GL4 7QT"), ("text", "moved-on", "2/11/2026"),
            ("text", "email", "alex.morgan@example.com"), ("radio", "paid-helper-free", "paid-helper-free", 0)]


TASKS = {"pretend bank": (BANK, bank_steps), "pretend file list": (LETTER, letter_steps),
         "pretend job board": (BOARD, board_steps), "pretend application form": (FORM, form_steps),
         "pretend online form": (COUNCIL, council_steps)}


def tab_to(page: Page, element_id: str, most: int = 120) -> None:
    for _ in range(most):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
    raise AssertionError(f"Tab never reached #{element_id}")


def do_with_keyboard(page: Page, steps: list[tuple]) -> None:
    for step in steps:
        if step[0] == "text":
            tab_to(page, step[1])
            page.keyboard.type(step[2])
        elif step[0] == "check":
            tab_to(page, step[1])
            page.keyboard.press("Space")
        else:  # a radio group is one stop for Tab: the arrow keys move along it and choose
            tab_to(page, step[1])
            for _ in range(step[3]):
                page.keyboard.press("ArrowDown")
            if step[3] == 0:
                page.keyboard.press("Space")
    tab_to(page, "helped")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")


def do_with_mouse(page: Page, steps: list[tuple]) -> None:
    for step in steps:
        if step[0] == "text":
            page.locator(f"#{step[1]}").click()
            page.keyboard.type(step[2])
        else:
            page.locator(f"label[for='{step[1] if step[0] == 'check' else step[2]}']").click()
    page.get_by_role("button", name="Check what I did").click()


def do_with_plain_form(page: Page, steps: list[tuple]) -> None:
    for step in steps:
        if step[0] == "text":
            page.locator(f"#{step[1]}").fill(step[2])
        else:
            page.locator(f"#{step[1] if step[0] == 'check' else step[2]}").check()
    page.get_by_role("button", name="Check what I did").click()


@pytest.mark.parametrize("how", ["mouse", "keyboard", "no-javascript"])
@pytest.mark.parametrize("kind", list(TASKS))
def test_each_new_kind_of_task_can_be_done_with_the_mouse_the_keyboard_alone_and_javascript_off(new_context, kind,
                                                                                                 how):
    page = new_context(viewport=NARROW, java_script_enabled=how != "no-javascript").new_page()
    address, steps = TASKS[kind]
    page.goto(address)
    {"mouse": do_with_mouse, "keyboard": do_with_keyboard, "no-javascript": do_with_plain_form}[how](page, steps())
    expect(page.get_by_role("heading", name="Well done: no mistakes")).to_be_visible()


def check_page(page: Page, axe: Axe, name: str) -> None:
    results = axe.run(page, options=AXE_OPTIONS)
    assert results.response["passes"], f"axe checked nothing on {name}"
    assert results.violations_count == 0, f"{name}:\n{results.generate_report()}"
    width, visible = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width <= NARROW["width"] and width <= visible, f"{name} is {width} px wide"
    assert len(page.content().encode()) < MAX_PAGE_BYTES, f"{name} is too big"
    expect(page.get_by_role("heading", name="This is pretend practice")).to_be_visible()


def test_the_new_task_pages_with_problems_and_mistakes_shown_have_no_axe_violations_at_320_pixels(new_context):
    page = new_context(viewport=NARROW).new_page()
    axe = Axe()
    for address in (BANK, REGULAR, SAVE, LETTER, BOARD, FORM):
        page.goto(address)
        check_page(page, axe, address)
        page.get_by_role("button", name="Check what I did").click()  # nothing filled in
        expect(page.get_by_role("alert")).to_contain_text("There is a problem")
        check_page(page, axe, f"{address} with a problem")
    expect(page.locator("#statement-error")).to_contain_text("Write your personal statement")
    page.locator("a[href='#job-1-title']").click()
    expect(page.locator("#job-1-title")).to_be_focused()
    for address, steps in ((BANK, bank_steps()[:-1] + [radio("name-check", 0)]), (SAVE, [
            ("text", "file-name", "Document1"), radio("folder", 3), ("text", "search", "bins"),
            radio("format-send-council", 1), radio("format-keep-editing", 0)])):
        page.goto(address)
        do_with_plain_form(page, steps)
        expect(page.get_by_role("heading", name="Not quite yet")).to_be_visible()
        check_page(page, axe, f"how a try at {address} went")


def test_the_new_topics_task_pages_with_problems_and_mistakes_shown_have_no_axe_violations_at_320_pixels(
        new_context):
    page = new_context(viewport=NARROW).new_page()
    axe = Axe()
    for address in (SEARCH, MESSAGES, GROUP_EMAIL, COUNCIL):
        page.goto(address)
        check_page(page, axe, address)
        page.get_by_role("button", name="Check what I did").click()  # nothing filled in
        expect(page.get_by_role("alert")).to_contain_text("There is a problem")
        check_page(page, axe, f"{address} with a problem")
    expect(page.locator("#new-postcode-error")).to_contain_text("Enter the postcode of your new home")
    page.locator("#new-postcode").fill("GL4")
    page.locator("#full-name").fill("Alex Morgan")
    page.get_by_role("button", name="Check what I did").click()
    expect(page.locator("#new-postcode-error")).to_contain_text("Enter a real postcode")
    expect(page.locator("#full-name")).to_have_value("Alex Morgan")  # what was right is kept for the next go
    page.locator("a[href='#new-postcode']").click()
    expect(page.locator("#new-postcode")).to_be_focused()
    page.goto(COUNCIL)
    do_with_plain_form(page, council_steps()[:-1] + [("radio", "paid-helper-pay", "paid-helper-pay", 1)])
    expect(page.get_by_role("heading", name="Not quite yet")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("free on its own website")
    check_page(page, axe, f"how a try at {COUNCIL} went")
