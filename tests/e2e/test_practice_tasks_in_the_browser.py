"""Practice tasks in a real browser: axe finds nothing at 320 px, and each kind can be done by keyboard alone,
with the mouse, and with JavaScript off."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from engine.loader import load_course
from tests.conftest import CONTENT_DIR
from tests.e2e.page_checks import AXE_OPTIONS, NARROW
from tests.e2e.test_page_quality import MAX_PAGE_BYTES
TASKS = "/modules/passwords/practice"
ACCOUNT = f"{TASKS}/make-a-pretend-account"
INBOX = f"{TASKS}/sort-the-inbox"
MESSAGES = load_course(CONTENT_DIR).tasks["sort-the-inbox"].scenario.messages


def check_page(page: Page, axe: Axe, name: str) -> None:
    results = axe.run(page, options=AXE_OPTIONS)
    assert results.response["passes"], f"axe checked nothing on {name}"
    assert results.violations_count == 0, f"{name}:\n{results.generate_report()}"
    width, visible = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width <= NARROW["width"] and width <= visible, f"{name} is {width} px wide"
    assert len(page.content().encode()) < MAX_PAGE_BYTES, f"{name} is too big"
    expect(page.get_by_role("heading", name="This is pretend practice")).to_be_visible()


def test_every_practice_page_has_no_axe_violations_and_fits_a_320_pixel_screen(new_context):
    page = new_context(viewport=NARROW).new_page()
    axe = Axe()
    # Each topic's list of tasks; the other kinds' own pages: test_practice_more_tasks_in_the_browser.py.
    lists = [f"/modules/{topic}/practice" for topic in ("online-banking", "creating-documents", "applying-for-jobs",
                                                                "using-the-internet", "talking-online")]
    for address in (*lists, TASKS, ACCOUNT, INBOX):
        page.goto(address)
        check_page(page, axe, address)
    page.get_by_role("button", name="Check what I did").click()  # nothing chosen: the form says what to do
    expect(page.get_by_role("alert")).to_contain_text("Say whether message 1 is safe or a scam")
    check_page(page, axe, "the inbox with a problem")
    page.goto(ACCOUNT)
    page.get_by_label("Make a password for Sam Patel").fill("4111 1111 1111 1111")
    page.get_by_role("button", name="Check what I did").click()
    expect(page.get_by_role("alert")).to_contain_text("looks like a real card number")
    check_page(page, axe, "the sign-up form after a card number")
    page.get_by_label("Make a password for Sam Patel").fill("Biscuit1978")
    page.get_by_role("button", name="Check what I did").click()
    expect(page.get_by_role("alert")).to_contain_text("Say what you would do when someone asks for the code")
    assert page.get_by_label("Make a password for Sam Patel").input_value() == "", "a password is never sent back"
    page.get_by_label("Make a password for Sam Patel").fill("Biscuit1978")
    page.get_by_label("Send them the code").check()
    page.get_by_role("button", name="Check what I did").click()
    expect(page.get_by_role("heading", name="Not quite yet")).to_be_visible()
    check_page(page, axe, "how a try went")


def tab_to(page: Page, element_id: str, most: int = 80) -> None:
    for _ in range(most):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
    raise AssertionError(f"Tab never reached #{element_id}")


def test_the_sign_up_task_can_be_done_with_the_keyboard_alone(new_context):
    page = new_context(viewport=NARROW).new_page()
    page.goto(ACCOUNT)
    tab_to(page, "password")
    page.keyboard.type("kettle giraffe marble")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # turn on two-step verification
    page.keyboard.press("Tab")
    page.keyboard.type("481207")
    page.keyboard.press("Tab")  # into the choice about the request for the code
    page.keyboard.press("ArrowDown")  # "Do not send the code to anyone"
    tab_to(page, "helped")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Well done: no mistakes")).to_be_visible()


def test_the_inbox_task_can_be_done_with_the_mouse(page: Page):
    page.goto(INBOX)
    for message in MESSAGES:
        page.locator(f"label[for='{message.id}-verdict-{'scam' if message.scam else 'safe'}']").click()
        if message.scam:
            page.locator(f"label[for='{message.id}-clue-{message.clue}']").click()
            page.locator(f"label[for='{message.id}-action-{message.actions[0]}']").click()
    page.get_by_role("button", name="Check what I did").click()
    expect(page.get_by_role("heading", name="Well done: no mistakes")).to_be_visible()


def test_both_tasks_work_with_javascript_off(new_context):
    page = new_context(java_script_enabled=False).new_page()
    page.goto(ACCOUNT)
    page.get_by_label("Make a password for Sam Patel").fill("kettle giraffe marble")
    page.get_by_label("Turn on two-step verification").check()
    page.get_by_label("Type the code sent to the pretend phone").fill("481 207")
    page.get_by_label("Do not send the code to anyone").check()
    page.get_by_role("button", name="Check what I did").click()
    expect(page.get_by_role("heading", name="Well done: no mistakes")).to_be_visible()
    page.goto(INBOX)
    for message in MESSAGES:
        page.locator(f"#{message.id}-verdict-{'scam' if message.scam else 'safe'}").check()
        if message.scam:
            page.locator(f"#{message.id}-clue-{message.clue}").check()
            page.locator(f"#{message.id}-action-{message.actions[0]}").check()
    page.get_by_role("button", name="Check what I did").click()
    expect(page.get_by_role("heading", name="Well done: no mistakes")).to_be_visible()
