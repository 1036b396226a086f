"""Employers offer opportunities, learners whose passport meets them apply, and employers record what happened."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.badges import awards
from app.employer import organisations
from app.employer.models import Application, Opportunity
from app.extensions import db
from app.models import Award, Learner, utcnow
from tests.conftest import csrf_token
from tests.integration.test_learner_flow import course_of, right_fields, walk

PASSWORD = "kettle meadow violin"
TOPIC = "creating-documents"  # a learner who answers everything right earns bronze and silver here


# --- helpers -----------------------------------------------------------------------------------


def make_employer(app, username: str = "erin.employer", organisation: str = "Sefton Care") -> int:
    with app.app_context():
        return organisations.create_employer(username, PASSWORD, organisation, "Erin Evans").id


def sign_in(client, username: str) -> None:
    page = client.get("/sign-in")
    response = client.post("/sign-in", data={"username": username, "password": PASSWORD,
                                             "csrf_token": csrf_token(page.text)})
    assert response.status_code == 302, response.text[:300]


def employer_client(app, username: str = "erin.employer", organisation: str = "Sefton Care"):
    make_employer(app, username, organisation)
    client = app.test_client()
    sign_in(client, username)
    return client


def send(client, page_url: str, action: str, data: dict | None = None):
    """Send a form as a browser would, with the CSRF token from a page the client can open."""
    page = client.get(page_url).text
    if 'name="csrf_token"' not in page:  # a page with nothing to send (the apply form is not offered)
        page = client.get("/account").text
    return client.post(action, data={**(data or {}), "csrf_token": csrf_token(page)})


def learner_client(app, username: str = "lou.learner", name: str | None = "Lou Learner"):
    """Return a client signed in to a new learner's account (their progress saved), and the learner's number."""
    client = app.test_client()
    client.get("/")
    response = send(client, "/account/save", "/account/save",
                    {"username": username, "password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 302, response.text[:300]
    with app.app_context():
        learner = db.session.scalar(select(Learner).where(Learner.username == username))
        learner.display_name = name
        db.session.commit()
        return client, learner.id


def give_level(app, learner_id: int, module_id: str = TOPIC, level: str = "bronze") -> str:
    """Award a level as the passport does, with its evidence; return the award's public id."""
    with app.app_context():
        award = Award(learner_id=learner_id, recipient_number=learner_id, module_id=module_id, level=level,
                      evidence={"skills": [{"id": "type-a-letter", "title": "Type and save a letter",
                                            "summary": "Three questions right on their own, one of them hard"}]})
        db.session.add(award)
        db.session.commit()
        return award.public_id


def offer(employer, title: str = "Care assistant", levels: dict | None = None, **fields):
    """Offer an opportunity through the employer's form; return the response."""
    closes = (utcnow().date() + timedelta(days=30)).isoformat()
    data = {"kind": "job", "title": title, "place": "Bootle", "closes_on": closes,
            **{f"level-{m}": lv for m, lv in (levels or {TOPIC: "bronze"}).items()}, **fields}
    return send(employer, "/employer/opportunities/new", "/employer/opportunities/new", data)


def offer_id(response) -> int:
    assert response.status_code == 302, response.text[:800]
    return int(response.location.split("/opportunities/")[1].split("?")[0])


def application_of(app, learner_id: int) -> Application:
    with app.app_context():
        found = db.session.scalar(select(Application).where(Application.learner_id == learner_id))
        db.session.expunge_all()
        return found


def admin_client(app):
    from app.auth.accounts import create_user
    with app.app_context():
        create_user("ada.admin", PASSWORD, "admin", "Ada")
    client = app.test_client()
    sign_in(client, "ada.admin")
    return client


# --- the whole flow ------------------------------------------------------------------------------


def test_an_employer_offers_a_learner_qualifies_applies_and_withdraws_and_the_report_counts_the_outcome(app):
    employer = employer_client(app)
    opportunity_id = offer_id(offer(employer, "Office assistant"))
    learner, learner_id = learner_client(app)

    before = learner.get("/opportunities").text
    later = before[before.index("Learn a little more"):]
    assert "Office assistant" in later and f'href="/modules/{TOPIC}"' in later, "what to learn, linked"
    refused = send(learner, f"/opportunities/{opportunity_id}", f"/opportunities/{opportunity_id}/apply",
                   {"message": "Hello"})
    assert refused.status_code == 409 and application_of(app, learner_id) is None

    assert walk(learner, course_of(app), TOPIC, right_fields)["finished"]
    ready = learner.get("/opportunities").text
    assert "Office assistant" in ready[ready.index("Your levels open these"):ready.index("Learn a little more")]
    applied = send(learner, f"/opportunities/{opportunity_id}", f"/opportunities/{opportunity_id}/apply",
                   {"message": "I can start on Monday. Ring 0151 000 0000.", "name": "Lou Learner"})
    assert applied.status_code == 302
    application = application_of(app, learner_id)
    assert application.status == "applied" and application.checked[0]["status"] == "valid"

    listing = employer.get(f"/employer/opportunities/{opportunity_id}").text
    assert "Lou Learner" in listing and "valid" in listing
    page = employer.get(f"/employer/applications/{application.id}").text
    assert "I can start on Monday" in page and "Skills shown on their own" in page and "<strong>Valid.</strong>" in page
    recorded = send(employer, f"/employer/applications/{application.id}",
                    f"/employer/applications/{application.id}/outcome", {"status": "offered"})
    assert recorded.status_code == 302 and application_of(app, learner_id).status == "offered"
    assert "Offered" in learner.get("/opportunities").text, "the learner sees what happened"

    report = admin_client(app).get("/report/").text
    outcomes = report[report.index('id="outcomes"'):]
    assert "<td>Offered</td><td>fewer than 5</td>" in outcomes
    assert "<td>A job</td><td>fewer than 5</td>" in report

    data = json.loads(learner.get("/account/data.json").text)
    assert [a["status"] for a in data["applications"]] == ["offered"]
    assert "Office assistant" in data["applications"][0]["applied_to"]

    withdrawn = send(learner, "/opportunities", f"/opportunities/applications/{application.id}/withdraw")
    assert withdrawn.status_code == 302 and application_of(app, learner_id).status == "withdrawn"
    after = employer.get(f"/employer/opportunities/{opportunity_id}").text
    assert "Withdrawn application" in after and "Lou Learner" not in after
    hidden = employer.get(f"/employer/applications/{application.id}").text
    assert "I can start on Monday" not in hidden and "Lou Learner" not in hidden
    assert send(employer, f"/employer/opportunities/{opportunity_id}", f"/employer/applications/{application.id}/outcome",
                {"status": "started"}).status_code == 409
    assert application_of(app, learner_id).status == "withdrawn"

    deleted = send(learner, "/account/delete", "/account/delete", {"confirm": "yes"})
    assert deleted.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Application)) == 0


def test_a_level_revoked_after_applying_shows_as_revoked_to_the_employer(app, runner):
    employer = employer_client(app)
    opportunity_id = offer_id(offer(employer))
    learner, learner_id = learner_client(app)
    public_id = give_level(app, learner_id)
    assert send(learner, f"/opportunities/{opportunity_id}", f"/opportunities/{opportunity_id}/apply",
                {"message": ""}).status_code == 302
    result = runner.invoke(args=["badges", "revoke", public_id, "--reason", "Answers were copied", "--by", "Ada"])
    assert result.exit_code == 0, result.output
    application = application_of(app, learner_id)
    page = employer.get(f"/employer/applications/{application.id}").text
    assert "Revoked on" in page and "Answers were copied" in page and "Not every level holds now" in page
    assert "<strong>Valid.</strong>" not in page
    listing = employer.get(f"/employer/opportunities/{opportunity_id}").text
    assert "revoked" in listing


def test_a_guest_is_asked_to_save_their_progress_before_applying(app):
    employer = employer_client(app)
    opportunity_id = offer_id(offer(employer))
    guest = app.test_client()
    guest.get("/")
    send(guest, "/account/area", "/account/area", {"district": "L20"})  # starts a guest
    with app.app_context():
        guest_id = db.session.scalar(select(Learner.id).where(Learner.username.is_(None)))
    give_level(app, guest_id)
    page = guest.get(f"/opportunities/{opportunity_id}").text
    assert "save your progress" in page
    response = send(guest, f"/opportunities/{opportunity_id}", f"/opportunities/{opportunity_id}/apply",
                    {"message": "hi", "name": "Gus"})
    assert response.status_code == 409 and application_of(app, guest_id) is None


# --- who sees whom -------------------------------------------------------------------------------


def test_an_employer_never_sees_a_learner_who_applied_only_to_another_employer(app):
    first = employer_client(app, "erin.employer", "Sefton Care")
    second = employer_client(app, "otto.other", "Bootle Bakery")
    first_offer = offer_id(offer(first, "Care assistant"))
    second_offer = offer_id(offer(second, "Baker"))
    learner, learner_id = learner_client(app, name="Priya Patel")
    give_level(app, learner_id)
    send(learner, f"/opportunities/{first_offer}", f"/opportunities/{first_offer}/apply", {"message": "Hi"})
    application = application_of(app, learner_id)

    assert second.get(f"/employer/applications/{application.id}").status_code == 404
    assert second.get(f"/employer/opportunities/{first_offer}").status_code == 404
    assert "Priya Patel" not in second.get(f"/employer/opportunities/{second_offer}").text
    assert "Priya Patel" not in second.get("/employer/").text
    forged = send(second, "/employer/", f"/employer/applications/{application.id}/outcome", {"status": "started"})
    assert forged.status_code == 404 and application_of(app, learner_id).status == "applied"
    assert second.get(f"/employer/opportunities/{first_offer}/change").status_code == 404
    assert "Priya Patel" in first.get(f"/employer/opportunities/{first_offer}").text


def test_the_check_page_shows_a_signed_in_employer_which_open_opportunities_the_passport_meets(app):
    employer = employer_client(app)
    offer_id(offer(employer, "Receptionist", {TOPIC: "bronze"}))
    offer_id(offer(employer, "Team leader", {TOPIC: "gold"}))
    learner, learner_id = learner_client(app)
    give_level(app, learner_id)
    with app.app_context():
        code = awards.share_passport(db.session.get(Learner, learner_id)).code
    page = employer.get(f"/check/{code}").text
    fits = page[page.index('id="fits-title"'):]
    assert "Receptionist</a>: <strong>this passport meets every level it needs" in fits
    assert "Team leader</a>: this passport does not meet" in fits
    assert 'id="fits-title"' not in app.test_client().get(f"/check/{code}").text
    assert 'id="fits-title"' not in learner.get(f"/check/{code}").text


# --- making employers ----------------------------------------------------------------------------


def test_an_admin_makes_an_employer_who_signs_in_to_their_own_page(app):
    admin = admin_client(app)
    made = send(admin, "/employer/accounts/new", "/employer/accounts/new",
                {"organisation": "Crosby Library", "name": "Cat", "username": "cat.crosby", "password": PASSWORD})
    assert made.status_code == 302
    assert "Crosby Library" in admin.get("/employer/accounts").text
    employer = app.test_client()
    page = employer.get("/sign-in")
    signed = employer.post("/sign-in", data={"username": "cat.crosby", "password": PASSWORD,
                                             "csrf_token": csrf_token(page.text)})
    assert signed.location == "/employer/"
    assert "remember_token" not in (signed.headers.get("Set-Cookie") or ""), "an employer is not remembered"
    assert "<h1>Crosby Library</h1>" in employer.get("/employer/").text


def test_the_command_makes_an_employer_and_joins_an_organisation_already_here(app, runner):
    make_employer(app, "erin.employer", "Sefton Care")
    result = runner.invoke(args=["users", "create-employer", "sam.second", "--organisation", "sefton care",
                                 "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    assert "for Sefton Care" in result.output
    with app.app_context():
        user = db.session.scalar(select(Learner).where(Learner.username == "sam.second"))
        assert user.role == "employer" and organisations.organisation_of(user).name == "Sefton Care"
    bad = runner.invoke(args=["users", "create-employer", "x y", "--organisation", "A", "--password", PASSWORD])
    assert bad.exit_code != 0 and "username" in bad.output


def test_an_employer_says_what_skills_their_roles_need_and_forged_ones_are_dropped(app):
    employer = employer_client(app)
    saved = send(employer, "/employer/organisation", "/employer/organisation",
                 {"name": "Sefton Care", "about": "Care at home across Sefton.",
                  "needs": ["area:Communicating", "not-a-skill", "<script>"]})
    assert saved.status_code == 302
    page = employer.get("/employer/").text
    assert "Care at home across Sefton." in page and "<li>Communicating</li>" in page and "not-a-skill" not in page


# --- hostile input -------------------------------------------------------------------------------


@pytest.mark.parametrize("fields, box", [
    ({"kind": "astronaut"}, "Choose what you are offering"),
    ({"title": ""}, "Enter a title"),
    ({"title": "x" * 500}, "120 characters or fewer"),
    ({"closes_on": "31/02/2027"}, "a real date"),
    ({"closes_on": "2001-01-01"}, "today or later"),
    ({"closes_on": "9999-12-31"}, "within two years"),
    ({f"level-{TOPIC}": "platinum"}, "Choose bronze, silver or gold"),
    ({f"level-{TOPIC}": ""}, "at least one topic"),
])
def test_a_forged_or_wrong_opportunity_form_is_refused_and_nothing_is_saved(app, fields, box):
    employer = employer_client(app)
    response = offer(employer, **fields)
    assert response.status_code == 422 and box in response.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Opportunity)) == 0


def test_someone_elses_huge_or_forged_application_ids_and_values_get_a_clear_refusal(app):
    employer = employer_client(app)
    opportunity_id = offer_id(offer(employer))
    owner, owner_id = learner_client(app, "owen.owner")
    give_level(app, owner_id)
    send(owner, f"/opportunities/{opportunity_id}", f"/opportunities/{opportunity_id}/apply", {"message": "Hi"})
    application = application_of(app, owner_id)
    other, _ = learner_client(app, "nosy.neighbour")
    assert send(other, "/opportunities", f"/opportunities/applications/{application.id}/withdraw").status_code == 404
    assert application_of(app, owner_id).status == "applied"
    for url in (f"/opportunities/{2**63}", f"/employer/applications/{2**31}", f"/employer/opportunities/{10**30}"):
        assert employer.get(url).status_code == 404, url
    nul = send(owner, "/opportunities", f"/opportunities/{opportunity_id}/apply", {"message": "a\x00b"})
    assert 400 <= nul.status_code < 500
    forged = send(employer, "/employer/", f"/employer/applications/{application.id}/outcome", {"status": "hired!"})
    assert forged.status_code == 409 and application_of(app, owner_id).status == "applied"
    long = send(owner, "/opportunities", f"/opportunities/{opportunity_id}/apply", {"message": "x" * 5000})
    assert long.status_code in (409, 413, 422)
    assert application_of(app, owner_id).message == "Hi"
    assert owner.get("/employer/").status_code == 403
