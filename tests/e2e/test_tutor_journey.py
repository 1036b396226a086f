"""A tutor makes a group, a learner joins and gets stuck, and the tutor sees it and helps, in Chromium."""

from __future__ import annotations

import re

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.e2e.page_checks import AXE_OPTIONS, NARROW

STUCK_MODULE = "applying-for-jobs"
GROUP = "Thursday job club"
LEARNER = "Priya Stuck"


def sign_in(page: Page, username: str, password: str) -> None:
    page.goto("/sign-in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/tutor/$"))


def no_axe_violations(page: Page, name: str) -> str | None:
    results = Axe().run(page, options=AXE_OPTIONS)
    assert results.response["passes"], f"axe checked nothing on {name}"
    return f"{name} ({page.url}):\n{results.generate_report()}" if results.violations_count else None


def too_wide(page: Page, name: str) -> str | None:
    width, visible = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    return f"{name}: {width} px wide, {visible} px visible" if width > NARROW["width"] or width > visible else None


def test_a_tutor_sees_a_learner_who_joined_their_group_get_stuck_and_starts_helping(browser: Browser, base_url,
                                                                                   journey_tutor, quiz):
    tutor = browser.new_context(base_url=base_url).new_page()
    sign_in(tutor, *journey_tutor)
    expect(tutor.get_by_role("heading", level=1)).to_have_text("Your groups")
    pages = {"groups list, none yet": tutor.url}
    tutor.get_by_label("Name of the group").fill(GROUP)
    tutor.get_by_role("button", name="Make the group").click()
    expect(tutor.get_by_role("heading", level=1)).to_have_text(GROUP)
    expect(tutor.get_by_role("status")).to_contain_text(f"You made the group “{GROUP}”")
    code = tutor.locator("main .code").first.inner_text()
    assert re.fullmatch(r"[A-Z0-9]{6}", code), code
    pages["dashboard, nobody yet"] = tutor.url
    tutor.get_by_role("link", name="Joining instructions to print").click()
    expect(tutor.locator(".join-code")).to_have_text(code)
    expect(tutor.locator(".join-url")).to_have_text(f"{base_url}/groups/join")
    pages["joining instructions"] = tutor.url

    # A learner, in a browser of their own, joins with the code and gets a skill wrong until the engine offers help.
    learner = browser.new_context(base_url=base_url).new_page()
    learner.goto("/groups/join")
    learner.get_by_label("Group code").fill(code.lower())
    learner.get_by_label("Your name").fill(LEARNER)
    learner.get_by_role("button", name="Join the group").click()
    expect(learner.get_by_role("heading", name="You have joined the group")).to_be_visible()
    learner.goto(f"/modules/{STUCK_MODULE}")
    learner.get_by_role("button", name="I know some of this: let me show you").click()
    for _ in range(3):
        if question := quiz.question_at(learner.url):
            quiz.answer_with_mouse(learner, question, right=False)
        elif quiz.lesson_at(learner.url):
            learner.get_by_role("button", name="I have read this", exact=True).click()
            continue
        learner.goto(f"/modules/{STUCK_MODULE}/continue")
    help_page = quiz.walk_with_requests(learner.request, STUCK_MODULE, right=False,
                                        stop_at=f"/modules/{STUCK_MODULE}/help")
    learner.goto(help_page)
    expect(learner.get_by_role("heading", level=1)).to_contain_text("Help with")
    skill = quiz.course.skills[help_page.split("skill=")[1]]

    # The tutor's dashboard shows the learner's progress and that they need help.
    tutor.goto(pages["dashboard, nobody yet"])
    needs_help = tutor.locator("section", has=tutor.get_by_role("heading", level=2, name="Needs help"))
    expect(needs_help.get_by_role("listitem").first).to_contain_text(f"{LEARNER} is stuck on {skill.title}")
    progress = tutor.get_by_role("table", name="Passport level and skills mastered, by learner and topic")
    row = progress.get_by_role("row", name=re.compile(LEARNER))
    expect(row.get_by_role("cell").first).to_have_text("today")
    expect(row).to_contain_text("of 6 skills")
    expect(tutor.get_by_role("heading", level=2, name="What the group finds hardest")).to_be_visible()
    pages["dashboard, someone stuck"] = tutor.url

    # The tutor opens the learner's page and starts helping them.
    needs_help.get_by_role("link", name=LEARNER).click()
    expect(tutor.get_by_role("heading", level=1)).to_have_text(LEARNER)
    expect(tutor.get_by_role("table", name=f"{LEARNER}'s answers, newest first")).to_contain_text("Wrong")
    pages["learner, not being helped"] = tutor.url
    tutor.get_by_role("button", name="Start helping").click()
    expect(tutor.get_by_role("heading", level=2, name=f"You are helping {LEARNER}")).to_be_visible()
    pages["learner, being helped"] = tutor.url
    # While the tutor helps, the learner's answer is marked helped.
    question = next(q for q in quiz.course.questions.values() if q.module_id == "passwords" and q.kind == "single")
    learner.goto(f"/questions/{question.id}")
    quiz.answer_with_mouse(learner, question, right=True)
    tutor.reload()
    answers = tutor.get_by_role("table", name=f"{LEARNER}'s answers, newest first")
    expect(answers.get_by_role("row").nth(1)).to_contain_text("Right")
    expect(answers.get_by_role("row").nth(1).get_by_role("cell").nth(2)).to_have_text("Helped")
    tutor.goto("/tutor/")
    expect(tutor.get_by_role("row", name=re.compile(GROUP))).to_contain_text("1")
    pages["groups list"] = tutor.url
    tutor.goto(pages["learner, being helped"])
    tutor.get_by_role("button", name="Stop helping").click()
    expect(tutor.get_by_role("button", name="Start helping")).to_be_visible()

    failures = []
    for name, url in pages.items():
        if name in ("learner, being helped",):
            continue  # helping has stopped: the page now looks like "not being helped"
        tutor.goto(url)
        failures.append(no_axe_violations(tutor, name))
    tutor.goto(pages["learner, not being helped"])
    tutor.get_by_role("button", name="Start helping").click()
    failures.append(no_axe_violations(tutor, "learner, being helped"))
    failures = [f for f in failures if f]
    assert not failures, "\n\n".join(failures)

    tutor.set_viewport_size(NARROW)
    wide = []
    for name, url in pages.items():
        tutor.goto(url)
        wide.append(too_wide(tutor, name))
    wide = [w for w in wide if w]
    assert not wide, "\n".join(wide)
