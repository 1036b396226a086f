"""A nervous beginner's first minutes on a 320 px phone: a lesson in one click, hints in view, quick checks that are kind."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.e2e.page_checks import AXE_OPTIONS
from tests.e2e.page_checks import NARROW as PHONE
SHOW_WHAT_I_KNOW = "I know some of this: let me show you"


@pytest.fixture
def phone(new_context) -> Page:
    """Return a page in a new guest's browser, 320 px wide."""
    return new_context(viewport=PHONE).new_page()


@pytest.fixture
def phone_without_javascript(new_context) -> Page:
    """Return a page in a new guest's browser, 320 px wide, with JavaScript off."""
    return new_context(viewport=PHONE, java_script_enabled=False).new_page()


def expect_no_axe_violations(page: Page) -> None:
    results = Axe().run(page, options=AXE_OPTIONS)
    assert results.response["passes"], f"axe checked nothing on {page.url}"
    assert not results.violations_count, f"{page.url}:\n{results.generate_report()}"


@pytest.mark.parametrize("javascript", [True, False], ids=["with JavaScript", "without JavaScript"])
def test_one_click_on_a_module_page_reaches_the_first_lesson_with_its_first_sentence_on_screen(
        new_context, quiz, javascript):
    page = new_context(viewport=PHONE, java_script_enabled=javascript).new_page()
    module = quiz.course.module("online-banking")
    page.goto(f"/modules/{module.id}")
    start = page.get_by_role("button", name="Start with the first lesson", exact=True)
    expect(start).to_be_in_viewport(ratio=1)
    expect(page.get_by_role("button", name=SHOW_WHAT_I_KNOW, exact=True)).to_be_in_viewport(ratio=1)
    with page.expect_navigation():
        start.click()
    first = module.path_lessons[0]
    expect(page).to_have_url(re.compile(rf"/lessons/{first.id}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(first.title)
    expect(page.locator("main .prose p").first).to_be_in_viewport()
    if javascript:
        expect_no_axe_violations(page)


def test_every_modules_start_choices_are_on_the_first_phone_screen(phone: Page, quiz):
    for module in quiz.course.modules:
        phone.goto(f"/modules/{module.id}")
        expect(phone.get_by_role("button", name="Start with the first lesson", exact=True)).to_be_in_viewport(ratio=1)
        expect(phone.get_by_role("button", name=SHOW_WHAT_I_KNOW, exact=True)).to_be_in_viewport(ratio=1)
        expect(phone.locator("main p.reason")).to_have_count(0)
    expect_no_axe_violations(phone)


def test_every_lessons_first_paragraph_is_on_the_first_phone_screen_and_its_words_come_after(phone: Page, quiz):
    late = []
    for lesson in quiz.course.lessons.values():
        phone.goto(f"/lessons/{lesson.id}")
        first = phone.locator("main .prose p").first
        box = first.bounding_box()
        if box is None or box["y"] + 24 > PHONE["height"]:  # at least its first line shows
            late.append(f"{lesson.id}: first paragraph at {box and round(box['y'])} px")
        if lesson.words:
            words = phone.get_by_role("complementary", name="Words in this lesson")
            assert phone.evaluate(
                "([p, w]) => !!(p.compareDocumentPosition(w) & Node.DOCUMENT_POSITION_FOLLOWING)",
                [first.element_handle(), words.element_handle()]), f"{lesson.id}: the words come before the lesson"
    assert not late, "\n".join(late)


def test_a_word_is_explained_from_where_it_is_first_used_and_leads_back_there(phone_without_javascript: Page, quiz):
    page = phone_without_javascript
    lesson = max(quiz.course.lessons.values(), key=lambda lesson: len(lesson.words))
    word = lesson.words[0]
    page.goto(f"/lessons/{lesson.id}")
    used = page.locator(f"#used-{word.slug}")
    expect(used).to_have_attribute("href", f"#word-{word.slug}")
    used.click()
    expect(page.locator(f"#word-{word.slug}")).to_be_in_viewport()
    expect(used).not_to_be_in_viewport()
    page.locator(f"#word-{word.slug} + dd").get_by_role("link", name=re.compile("^Back to the lesson")).click()
    expect(used).to_be_in_viewport()
    expect(used).to_have_css("background-color", "rgb(255, 221, 0)")  # :target shows where the reader was


@pytest.mark.parametrize("javascript", [True, False], ids=["with JavaScript", "without JavaScript"])
def test_show_a_hint_lands_on_the_hint_with_focus_on_it(new_context, quiz, javascript):
    page = new_context(viewport=PHONE, java_script_enabled=javascript).new_page()
    question = quiz.hinted()
    page.goto(f"/questions/{question.id}")
    for n in range(1, len(question.hints) + 1):
        with page.expect_navigation():
            page.get_by_role("button", name="Show a hint" if n == 1 else "Show another hint").click()
        hint = page.locator(f"#hint-{n}")
        expect(hint).to_contain_text(f"Hint {n}")
        expect(hint).to_be_in_viewport()
        if javascript:  # only a script can ask where focus is; the browser does the same without one
            expect(hint).to_be_focused()
    if javascript:
        expect_no_axe_violations(page)


@pytest.mark.parametrize("javascript", [True, False], ids=["with JavaScript", "without JavaScript"])
def test_a_quick_check_offers_i_dont_know_yet_which_moves_on_kindly_to_the_lesson(new_context, quiz, javascript):
    page = new_context(viewport=PHONE, java_script_enabled=javascript).new_page()
    page.goto(f"/modules/{quiz.module.id}")
    with page.expect_navigation():
        page.get_by_role("button", name=SHOW_WHAT_I_KNOW, exact=True).click()
    question = quiz.question_at(page.url)
    assert question is not None, page.url
    expect(page.get_by_role("heading", level=1)).to_have_text("Quick check")
    expect(page.get_by_text(re.compile(r"^0 of \d+ skills shown in this topic$"))).to_be_visible()
    dont_know = page.get_by_role("button", name="I don't know yet", exact=True)
    expect(dont_know).to_be_visible()
    if javascript:
        expect_no_axe_violations(page)
    with page.expect_navigation():
        dont_know.click()

    expect(page.get_by_role("heading", level=1)).to_have_text("That is fine")
    box = page.get_by_role("status")
    expect(page.get_by_text("Not quite")).to_have_count(0)
    expect(page.get_by_text(re.compile("The right (answer|answers|order)"))).to_have_count(0)
    if javascript:
        expect(box).not_to_have_css("background-color", "rgb(251, 236, 235)")  # the old red box
        expect_no_axe_violations(page)
    next_step = page.get_by_role("heading", level=2, name="What next").locator("xpath=..").get_by_role("link")
    expect(next_step).to_be_in_viewport(ratio=1)
    with page.expect_navigation():
        next_step.click()
    lesson = quiz.lesson_at(page.url)
    assert lesson is not None and question.skill in lesson.skills, page.url


def test_a_learner_who_chose_the_lessons_sees_where_they_are_in_a_lesson_and_the_topic(phone: Page, quiz):
    module = quiz.module
    phone.goto(f"/modules/{module.id}")
    with phone.expect_navigation():
        phone.get_by_role("button", name="Start with the first lesson", exact=True).click()
    with phone.expect_navigation():
        phone.get_by_role("button", name="I have read this", exact=True).click()
    question = quiz.question_at(phone.url)
    assert question is not None, f"practice comes after the lesson, not another lesson: {phone.url}"
    lesson = quiz.course.lessons[question.lesson_id]
    expect(phone.get_by_role("heading", level=1)).to_have_text(f"Question 1 of {len(lesson.questions)}")
    expect(phone.get_by_text(f"From “{lesson.title}” · 0 of {len(module.skills)} skills shown in this topic",
                             exact=True)).to_be_visible()
    expect(phone.get_by_role("button", name="I don't know yet")).to_have_count(0)
    expect_no_axe_violations(phone)


def test_the_someone_helped_me_box_takes_at_most_two_lines_on_a_phone(phone: Page, quiz):
    phone.goto(f"/questions/{quiz.hinted().id}")
    label = phone.get_by_text("Someone helped me with this question", exact=True)
    line = float(label.evaluate("el => parseFloat(getComputedStyle(el).lineHeight)"))
    box = label.bounding_box()
    assert box is not None and box["height"] <= 2 * line + 8, f"the label is {box} high, a line is {line} px"


def test_wrong_answer_feedback_leads_with_what_to_do_next_in_a_calm_box(phone: Page, quiz):
    question, wrong, _ = quiz.misled()
    phone.goto(f"/questions/{question.id}")
    quiz.fill_in_with_mouse(phone, question, [wrong])
    with phone.expect_navigation():
        quiz.check_answer_button(phone).click()
    box = phone.get_by_role("status")
    expect(box.get_by_role("heading", level=2)).to_have_text("Not quite")
    expect(box).not_to_have_css("background-color", "rgb(251, 236, 235)")  # the old red wall
    what_next = phone.get_by_role("heading", level=2, name="What next")
    why = phone.get_by_role("heading", level=2, name="Why")
    assert what_next.bounding_box()["y"] < why.bounding_box()["y"], "what to do next comes before why"
    expect_no_axe_violations(phone)
