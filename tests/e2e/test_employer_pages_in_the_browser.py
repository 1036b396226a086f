"""Employers' pages, learners' opportunities and the council's report: no axe-core violations, no sideways scrolling at 320 px."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.conftest import make_app
from tests.e2e.page_checks import PageLook, axe_problems, look, too_wide

PASSWORD = "kettle meadow violin"
TOPIC = "creating-documents"


@pytest.fixture(scope="module")
def site(serve_app, tmp_path_factory):
    """Serve an app with an employer, two opportunities, a learner who applied, and an admin; yield its address."""
    from app.auth import accounts
    from app.badges import awards
    from app.employer import applications, organisations
    from app.employer.models import Opportunity
    from app.extensions import db
    from app.models import Award, Group, LearnerModuleState, Membership, utcnow
    from engine.progress import LearnerState

    folder = tmp_path_factory.mktemp("employer-pages")
    app = make_app(folder, f"sqlite:///{folder / 'employers.db'}")
    with app.app_context():
        accounts.create_user("ada.admin", PASSWORD, "admin", "Ada Admin")
        employer = organisations.create_employer("erin.employer", PASSWORD, "Sefton Care", "Erin Evans")
        organisation = organisations.organisation_of(employer)
        organisations.update(organisation, "Sefton Care", "Care at home across Sefton.", ["area:Communicating"])
        closes = utcnow().date() + timedelta(days=30)
        opportunities = [Opportunity(organisation_id=organisation.id, kind="job", title="Care assistant",
                                     place="Bootle", closes_on=closes, levels={TOPIC: "bronze"}),
                         Opportunity(organisation_id=organisation.id, kind="apprenticeship", title="Office apprentice",
                                     place="Southport", closes_on=closes, levels={"passwords": "gold"})]
        db.session.add_all(opportunities)
        learner = accounts.create_user("lou.learner", PASSWORD, "learner", "Lou Learner")
        group = Group(name="Bootle library", join_code="BOOTLE")
        db.session.add(group)
        db.session.flush()
        db.session.add(Membership(group_id=group.id, learner_id=learner.id))
        db.session.add(LearnerModuleState(learner_id=learner.id, module_id=TOPIC,
                                                  state=LearnerState(TOPIC).as_dict()))
        db.session.add(Award(learner_id=learner.id, recipient_number=learner.id, module_id=TOPIC, level="bronze",
                             evidence={"skills": [{"id": "save-a-letter", "title": "Type and save a letter",
                                                   "summary": "Three questions right on their own, one hard"}]}))
        db.session.commit()
        application = applications.apply(learner, opportunities[0], "I can start on Monday.", "Lou Learner")
        ids = {"opportunity": opportunities[0].id, "application": application.id,
               "share": awards.share_passport(learner).code}
    with serve_app(app, "employer-pages") as url:
        yield url, ids


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(base + "/sign-in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/sign-in"))


def _go(path: str, heading: str) -> Callable:
    def visit(page: Page, base: str, ids: dict) -> None:
        page.goto(base + path.format(**ids))
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    return visit


def _submit(path: str, button: str, heading: str, fill: dict | None = None) -> Callable:
    def visit(page: Page, base: str, ids: dict) -> None:
        page.goto(base + path.format(**ids))
        for label, value in (fill or {}).items():
            page.get_by_label(label, exact=True).fill(value)
        page.get_by_role("button", name=button).click()
        expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    return visit


PAGES = {
    "erin.employer": [
        ("employer's home", _go("/employer/", "Sefton Care")),
        ("organisation", _go("/employer/organisation", "Your organisation")),
        ("organisation, with a problem", _submit("/employer/organisation", "Save your organisation",
                                                 "Your organisation", {"Your organisation’s name": ""})),
        ("offer an opportunity", _go("/employer/opportunities/new", "Offer an opportunity")),
        ("offer an opportunity, with a problem", _submit("/employer/opportunities/new", "Offer it",
                                                         "Offer an opportunity")),
        ("an opportunity with its applicants", _go("/employer/opportunities/{opportunity}", "Care assistant")),
        ("an applicant, with evidence", _go("/employer/applications/{application}", "Lou Learner")),
        ("a passport check, with the employer's opportunities", _go("/check/{share}", "Digital Skills Passport")),
    ],
    "ada.admin": [
        ("employers' accounts", _go("/employer/accounts", "Employers")),
        ("add an employer, with a problem", _submit("/employer/accounts/new", "Create the account", "Add an employer")),
        ("the council's report", _go("/report/", "The council’s report")),
    ],
    "lou.learner": [
        ("opportunities", _go("/opportunities", "Opportunities")),
        ("an opportunity the learner applied for", _go("/opportunities/{opportunity}", "Care assistant")),
        ("your account, with your area", _go("/account", "Your account")),
        ("your area, with a problem", _submit("/account/area", "Save", "Your area",
                                              {"The first part of your postcode (optional)": "L20 3AB"})),
    ],
}


@pytest.fixture(scope="module")
def walk(browser: Browser, browser_context_args: dict, site) -> list[PageLook]:
    """Visit every page once as the person it is for, run axe on it, then narrow the screen to 320 px and measure.

    One walk serves both checks below (see test_page_quality.py).
    """
    base, ids = site
    axe = Axe()
    seen = []
    for username, pages in PAGES.items():
        context = browser.new_context(**browser_context_args)
        page = context.new_page()
        sign_in(page, base, username)
        for name, visit in pages:
            visit(page, base, ids)
            seen.append(look(page, name, axe))
        context.close()
    return seen


def test_the_employer_learner_and_report_pages_have_no_accessibility_violations_found_by_axe(walk):
    problems = axe_problems(walk)
    assert not problems, "\n\n".join(problems)


def test_no_employer_learner_or_report_page_scrolls_sideways_on_a_320_pixel_wide_screen(walk):
    problems = too_wide(walk)
    assert not problems, "\n".join(problems)


def test_an_employer_records_an_outcome_with_the_keyboard_alone(new_context, site):
    base, ids = site
    page = new_context().new_page()
    sign_in(page, base, "erin.employer")
    page.goto(base + f"/employer/applications/{ids['application']}")
    page.get_by_label("Interviewed").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Save what happened").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Saved: interviewed")
