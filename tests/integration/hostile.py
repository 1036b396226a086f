"""A small site to attack: an admin, a tutor with a group, a learner in it with an answer, and hostile values.

Used by the tests/integration/test_hostile_*.py tests, on SQLite and (with TEST_DATABASE_URL) PostgreSQL.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.auth import accounts
from app.extensions import db
from app.models import AnswerRecord, Group, Learner
from app.tutor import groups as tutor_groups
from tests.conftest import csrf_token
from tests.integration.test_learner_flow import answer, course_of, wrong_fields

PASSWORD = "teapot river purple"
USERNAMES = {"learner": "lou.learner", "tutor": "tom.tutor", "admin": "ada.admin", "employer": "eve.employer"}

# Ids no row can have: negative, zero, just past PostgreSQL's INTEGER, SQLite's and PostgreSQL's BIGINT, and beyond.
HOSTILE_IDS = [-1, 0, 2**31, 2**63 - 1, 2**63, 2**64, 10**40]
# Text no honest form sends, or sends only rarely: NUL, control and odd Unicode, very long, empty.
HOSTILE_TEXT = [
    "\x00", "a\x00b", "", " ", "\t\n", "x" * 5000, "é" * 3000, "\u202eevil", "😀" * 50, "\ufeff", "\x7f\x1b[2J",
    "../../../etc/passwd", "%00", "<script>alert(1)</script>", "' OR 1=1 --", "9" * 400, "-1", "null", "🏴‍☠️",
    "ﷺ" * 40, "\u0000" * 10,
]
# JSON that no honest program sends: wrong types, huge numbers, lone surrogates, NUL, deep nesting.
HOSTILE_JSON = [
    None, True, 0, -1, 2**63, 10**400, 1e308, "x" * 5000, "\x00", "\ud800", "\udfff x", [], {}, [None],
    {"a": "\x00"}, ["\ud83d"], [[[[[[]]]]]],
]
DEEP_JSON = "[" * 100_000 + "]" * 100_000


@dataclass
class Site:
    """The app under attack, with the ids of what is in it."""

    app: Flask
    ids: dict[str, int] = field(default_factory=dict)

    def sign_in(self, role: str) -> FlaskClient:
        """Return a client signed in as the learner, tutor or admin (a new session), or a guest's."""
        client = self.app.test_client()
        if role == "guest":
            return client
        page = client.get("/sign-in")
        response = client.post("/sign-in", data={"username": USERNAMES[role], "password": PASSWORD,
                                                 "csrf_token": csrf_token(page.text)})
        assert response.status_code == 302, f"{role} could not sign in"
        return client

    def signed_in(self, client: FlaskClient, role: str) -> bool:
        """Say whether the client is still signed in as the role (a guest always is)."""
        return role == "guest" or USERNAMES[role] in client.get("/account").text


def form_token(client: FlaskClient) -> str:
    """Return a form token for the client's session, as a page's form would carry it."""
    return csrf_token(client.get("/sign-in").text)


def build_site(app: Flask) -> Site:
    """Fill the app with an admin, a tutor with a group, and a learner in the group who has answered."""
    site = Site(app)
    with app.app_context():
        admin = accounts.create_user(USERNAMES["admin"], PASSWORD, "admin", "Ada")
        tutor = accounts.create_user(USERNAMES["tutor"], PASSWORD, "tutor", "Tom")
        spare = accounts.create_user("sue.spare", PASSWORD, "tutor", "Sue")
        group = tutor_groups.create_group(tutor, "Tuesday class")
        site.ids.update(admin=admin.id, tutor=tutor.id, spare=spare.id, group=group.id)
        code = group.join_code
    client = app.test_client()
    question = next(iter(course_of(app).questions.values()))
    answer(client, question, wrong_fields(question))
    page = client.get("/account/save")
    client.post("/account/save", data={"username": USERNAMES["learner"], "password": PASSWORD,
                                       "confirm": PASSWORD, "csrf_token": csrf_token(page.text)})
    page = client.get("/groups/join")
    client.post("/groups/join", data={"code": code, "name": "Lou", "csrf_token": csrf_token(page.text)})
    with app.app_context():
        learner = db.session.scalar(select(Learner).where(Learner.username == USERNAMES["learner"]))
        site.ids["learner"] = learner.id
        site.ids["answer"] = db.session.scalar(select(AnswerRecord.id).where(AnswerRecord.learner_id == learner.id))
        site.ids.update(_add_employer(learner.id))
        assert db.session.scalar(select(Group.id)) == group.id
    assert site.ids["answer"], "the learner's answer was not saved"
    return site


def _add_employer(learner_id: int) -> dict[str, int]:
    """Add an employer with an opportunity the learner applied to (their passport holds the level it needs)."""
    from datetime import timedelta

    from app.content import current_course
    from app.employer import applications, organisations
    from app.employer.models import Opportunity
    from app.models import Award, utcnow

    employer = organisations.create_employer(USERNAMES["employer"], PASSWORD, "Eve's Bakery", "Eve")
    module_id = current_course().modules[0].id
    opportunity = Opportunity(organisation_id=organisations.organisation_of(employer).id, kind="job", title="Baker",
                              place="Bootle", closes_on=utcnow().date() + timedelta(days=30),
                              levels={module_id: "bronze"})
    db.session.add(opportunity)
    db.session.add(Award(learner_id=learner_id, recipient_number=learner_id, module_id=module_id, level="bronze",
                         evidence={"skills": []}))
    db.session.commit()
    application = applications.apply(db.session.get(Learner, learner_id), opportunity, "Hello", "Lou")
    return {"employer": employer.id, "opportunity": opportunity.id, "application": application.id}


def json_body(value) -> str:
    """Write a value as JSON the way a careless program might: lone surrogates and all."""
    return json.dumps(value)
