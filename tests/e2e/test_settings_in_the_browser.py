"""Reading settings and Listen in Chromium at 320 px: chosen without JavaScript, kept, and clean for axe."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.e2e.page_checks import AXE_OPTIONS, NARROW


def axe_report(page: Page, name: str) -> str | None:
    results = Axe().run(page, options=AXE_OPTIONS)
    assert results.response["passes"], f"axe checked nothing on {name}"
    return f"{name} ({page.url}):\n{results.generate_report()}" if results.violations_count else None


def too_wide(page: Page, name: str) -> str | None:
    width, visible = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    return f"{name}: {width} px wide, {visible} px visible" if width > NARROW["width"] or width > visible else None


def test_high_contrast_large_text_and_wide_spacing_are_kept_without_javascript_and_pass_axe(new_context, quiz):
    without_js = new_context(viewport=NARROW, java_script_enabled=False)
    page = without_js.new_page()
    page.goto("/")
    page.get_by_role("link", name="Text size and colours").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Text size and colours")
    page.get_by_label("Very large").check()
    page.get_by_label("High contrast: white and yellow on black").check()
    page.get_by_label("Wide: more space between lines").check()
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("status")).to_contain_text("Your settings are saved")
    expect(page.locator("html")).to_have_class("text-larger contrast-high spacing-wide")

    # axe needs JavaScript: check the pages in a browser holding the same cookies.
    checked = new_context(viewport=NARROW)
    checked.add_cookies(without_js.cookies())
    page = checked.new_page()
    lesson = next(iter(quiz.course.lessons.values()))
    question = next(iter(quiz.course.questions.values()))
    problems = []
    for path, name in (("/settings", "settings"), ("/", "home"), (f"/lessons/{lesson.id}", "a lesson"),
                       (f"/questions/{question.id}", "a question"), ("/passport", "passport"),
                       ("/account", "save your progress"), ("/check", "check a passport")):
        page.goto(path)
        expect(page.locator("html")).to_have_class("text-larger contrast-high spacing-wide")
        background = page.evaluate("getComputedStyle(document.documentElement).backgroundColor")
        assert background == "rgb(0, 0, 0)", (name, background)
        problems += [p for p in (axe_report(page, f"{name}, high contrast"), too_wide(page, name)) if p]
    assert not problems, "\n\n".join(problems)
    page.goto("/settings")
    expect(page.get_by_label("Very large")).to_be_checked()


def test_the_settings_page_has_no_accessibility_violations(page: Page):
    page.goto("/settings")
    assert not axe_report(page, "settings, standard")


def test_listen_reads_a_lesson_aloud_where_the_browser_can_and_is_absent_where_it_cannot(new_context, quiz):
    lesson = next(iter(quiz.course.lessons.values()))
    spoken = new_context(viewport=NARROW).new_page()
    # Record what would be spoken instead of speaking it.
    spoken.add_init_script("""
        window.__said = [];
        speechSynthesis.speak = (u) => { window.__said.push(u.text); };
        speechSynthesis.cancel = () => {};
    """)
    spoken.goto(f"/lessons/{lesson.id}")
    listen = spoken.get_by_role("button", name="Listen", exact=True)
    listen.focus()
    spoken.keyboard.press("Enter")
    said = spoken.evaluate("window.__said")
    assert said and said[0] == lesson.title, said[:3]
    assert any(lesson.title not in part and len(part) > 40 for part in said), "the lesson's text is read too"
    assert not Axe().run(spoken, options=AXE_OPTIONS).violations_count

    mute = new_context(viewport=NARROW).new_page()
    mute.add_init_script("delete window.speechSynthesis; delete Window.prototype.speechSynthesis;")
    mute.goto(f"/lessons/{lesson.id}")
    expect(mute.get_by_role("heading", level=1)).to_be_visible()
    expect(mute.get_by_role("button", name="Listen")).to_have_count(0)
    nojs = new_context(viewport=NARROW, java_script_enabled=False).new_page()
    nojs.goto(f"/lessons/{lesson.id}")
    expect(nojs.get_by_role("button", name="Listen")).to_have_count(0)
