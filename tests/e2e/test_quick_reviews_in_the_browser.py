"""Weeks after finishing two topics, a learner on a 320 px screen takes the quick reviews due, keyboard only,
and every page of the sitting is clean for axe."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlencode, urlsplit

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from app import services
from app.badges import awards
from app.models import utcnow
from tests.e2e.test_lesson_journeys import answer_with_keyboard, press_with_keyboard
from tests.e2e.page_checks import AXE_OPTIONS, NARROW

TOPICS = ("online-banking", "creating-documents")
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def expect_clean_for_axe(page: Page) -> None:
    results = Axe().run(page, options=AXE_OPTIONS)
    assert results.response["passes"], f"axe checked nothing on {page.url}"
    assert not results.violations_count, f"{page.url}:\n{results.generate_report()}"


def show_every_skill(page: Page, quiz) -> None:
    """Answer every question of the topics right with plain requests, in the page's session."""
    for question in quiz.course.questions.values():
        if question.module_id in TOPICS:
            form = page.request.get(f"/questions/{question.id}")
            fields = {"csrf_token": CSRF.search(form.text()).group(1),
                      **quiz.form_fields(question, quiz.right_options(question))}
            sent = page.request.post(f"/questions/{question.id}", data=urlencode(fields, doseq=True),
                                     headers={"Content-Type": "application/x-www-form-urlencoded"}, max_redirects=0)
            assert sent.status == 302, (question.id, sent.status)


def test_a_learner_takes_the_quick_reviews_due_across_topics_with_the_keyboard_only(new_context, quiz,
                                                                                     monkeypatch):
    page = new_context(viewport=NARROW).new_page()
    page.goto("/")
    show_every_skill(page, quiz)
    # The live server runs in this process: moving its clock on 60 days makes the skills due for review.
    later = utcnow() + timedelta(days=60)
    monkeypatch.setattr(services, "utcnow", lambda: later)
    monkeypatch.setattr(awards, "utcnow", lambda: later)

    page.goto("/")
    press_with_keyboard(page, page.get_by_role("link", name="Start a quick check", exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text("A quick check to keep your skills fresh")
    expect_clean_for_axe(page)
    press_with_keyboard(page, page.get_by_role("link", name="Start the quick check", exact=True))

    topics = []
    for n in range(1, 10):
        question = quiz.question_at(page.url)
        assert question is not None, page.url
        topics.append(question.module_id)
        expect(page.get_by_role("heading", level=1)).to_have_text("Quick review")
        if n == 1:
            expect_clean_for_axe(page)
        answer_with_keyboard(page, question, quiz.right_options(question))
        expect(page.get_by_role("heading", level=1)).to_have_text("Quick review")
        expect(page.get_by_role("heading", level=2, name="Right!")).to_be_visible()
        if n == 1:
            expect_clean_for_axe(page)
        press_with_keyboard(page, page.get_by_role("link", name="Next quick check", exact=True))
        if urlsplit(page.url).path == "/reviews":
            break
    assert len(topics) == 5 and topics[0] != topics[1], topics
    expect(page.get_by_role("heading", level=2, name=re.compile(
        "^(That is enough for one go|That is all for now)$"))).to_be_visible()
    expect_clean_for_axe(page)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= NARROW["width"], f"the page scrolls sideways at 320 px: {width}"
