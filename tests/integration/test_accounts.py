"""Accounts: saving progress, signing in, resume codes, groups, a learner's data, and who may see what."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import func, select
from werkzeug.routing import IntegerConverter

from app.auth import accounts
from app.employer import organisations
from app.extensions import db
from app.models import AnswerRecord, Award, Group, Learner, LearnerModuleState, Membership
from tests.conftest import csrf_token
from tests.integration.test_learner_flow import answer, course_of, right_fields, walk

PASSWORD = "teapot river purple"


def post(client, page_url: str, action: str, **data):
    page = client.get(page_url)
    return client.post(action, data={**data, "csrf_token": csrf_token(page.text)})


def save_account(client, username="sam.taylor", password=PASSWORD, confirm=None):
    return post(client, "/account/save", "/account/save", username=username, password=password,
                confirm=password if confirm is None else confirm)


def sign_in(client, username="sam.taylor", password=PASSWORD, next_page=None):
    action = "/sign-in" + (f"?next={next_page}" if next_page else "")
    return post(client, "/sign-in", action, username=username, password=password)


def learners(app) -> list[Learner]:
    with app.app_context():
        found = list(db.session.scalars(select(Learner).order_by(Learner.id)))
        db.session.expunge_all()
        return found


def count(app, model, **where) -> int:
    with app.app_context():
        query = select(func.count()).select_from(model)
        for key, value in where.items():
            query = query.where(getattr(model, key) == value)
        return db.session.scalar(query)


def make_tutor(app, username="tutor.ann", role="tutor") -> int:
    with app.app_context():
        return accounts.create_user(username, PASSWORD, role, "Ann").id


def first_questions(app, module_id="passwords", n=3):
    return [q for q in course_of(app).questions.values() if q.module_id == module_id][:n]


# --- saving progress ---------------------------------------------------------------------


def test_a_guest_saves_their_progress_as_an_account_and_keeps_it(app, client):
    for question in first_questions(app):
        answer(client, question, right_fields(question))
    guest = learners(app)[0]
    response = save_account(client)
    assert response.status_code == 302 and "saved=1" in response.location
    [learner] = learners(app)
    assert learner.id == guest.id and learner.username == "sam.taylor"
    assert learner.password_hash.startswith("scrypt:"), "a modern password hash"
    assert count(app, AnswerRecord, learner_id=learner.id) == 3


@pytest.mark.parametrize("username, password, confirm, message", [
    ("", PASSWORD, PASSWORD, "Enter a username"),
    ("a b", PASSWORD, PASSWORD, "not a space"),
    ("sam", "short", "short", "at least 8 characters"),
    ("sam", PASSWORD, "teapot river", "not the same"),
])
def test_saving_an_account_explains_what_to_change(app, client, username, password, confirm, message):
    response = save_account(client, username, password, confirm)
    assert response.status_code == 422 and message in response.text
    assert "There is a problem" in response.text


def test_a_username_cannot_be_taken_twice(app, client):
    save_account(client)
    other = app.test_client()
    response = save_account(other, username="Sam.Taylor")
    assert response.status_code == 422 and "That username is taken" in response.text


# --- signing in --------------------------------------------------------------------------------


def test_signing_in_on_another_device_brings_the_progress_and_carries_the_guest_work_over(app, client):
    course = course_of(app)
    mine = first_questions(app, "passwords", 2)
    for question in mine:
        answer(client, question, right_fields(question))
    save_account(client)
    laptop = app.test_client()
    walk(laptop, course, "online-banking", right_fields)  # a guest on the laptop earns bronze and silver
    assert count(app, Award) == 2
    response = sign_in(laptop)
    assert response.status_code == 302
    [learner] = learners(app)  # the laptop's guest is folded into the account
    assert learner.username == "sam.taylor"
    assert count(app, AnswerRecord, learner_id=learner.id) >= 2 + 6
    assert count(app, Award, learner_id=learner.id) == 2, "badges earned as a guest are kept"
    with app.app_context():
        modules = set(db.session.scalars(select(LearnerModuleState.module_id)))
    assert modules == {"passwords", "online-banking"}
    passport = laptop.get("/passport").text
    assert "Silver</span> since" in passport
    assert "You have finished this topic" in laptop.get("/modules/online-banking").text


def test_a_wrong_password_and_an_unknown_username_get_the_same_answer(app, client):
    save_account(client)
    stranger = app.test_client()
    wrong_password = sign_in(stranger, password="not it at all")
    unknown = sign_in(stranger, username="nobody.here")
    assert wrong_password.status_code == unknown.status_code == 401
    message = "That username and password do not match an account."
    assert message in wrong_password.text and message in unknown.text
    strip = lambda html: re.sub(r'value="[^"]*"', "", html)  # noqa: E731
    assert strip(wrong_password.text) == strip(unknown.text), "the pages must not tell the two apart"


def test_too_many_wrong_passwords_for_one_account_are_stopped_with_a_clear_message(app, client):
    save_account(client)
    stranger = app.test_client()
    for _ in range(5):
        assert sign_in(stranger, password="wrong password").status_code == 401
    stopped = sign_in(stranger, password="wrong password")
    assert stopped.status_code == 429 and "Too many tries" in stopped.text
    assert int(stopped.headers["Retry-After"]) > 0
    assert sign_in(stranger).status_code == 429, "even the right password waits"
    other = app.test_client()
    other_account = post(other, "/account/save", "/account/save", username="kim", password=PASSWORD,
                         confirm=PASSWORD)
    assert other_account.status_code == 302
    assert sign_in(app.test_client(), username="kim").status_code == 302, "other accounts are not locked"


def test_signing_in_goes_back_only_to_a_page_on_this_site(app, client):
    save_account(client)
    assert sign_in(app.test_client(), next_page="/passport").location == "/passport"
    assert sign_in(app.test_client(), next_page="https://evil.example/").location == "/"
    assert sign_in(app.test_client(), next_page="//evil.example/").location == "/"


def test_signing_out_and_back_in(app, client):
    save_account(client)
    post(client, "/account", "/sign-out")
    assert "Save or sign in" in client.get("/").text
    assert sign_in(client).status_code == 302
    assert "Your account" in client.get("/").text


# --- resume codes --------------------------------------------------------------------------------


def test_a_resume_code_brings_progress_to_another_device(app, client):
    question = first_questions(app)[0]
    answer(client, question, right_fields(question))
    page = post(client, "/account", "/account/resume-code")
    assert page.headers["Cache-Control"] == "no-store"
    code = re.search(r'class="resume-code"[^>]*>([A-Z0-9-]+)<', page.text).group(1)
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", code)
    assert not set(code) & set("015OIL2ZS8B"), "no characters that are easy to mix up"
    phone = app.test_client()
    response = post(phone, "/resume", "/resume", code=f" {code.lower().replace('-', ' ')} ")
    assert response.status_code == 302
    assert phone.get(f"/answers/{1}").status_code == 200, "the phone now sees the learner's own answer"
    assert len(learners(app)) == 1


def test_a_new_resume_code_stops_the_old_one(app, client):
    first = re.search(r'class="resume-code"[^>]*>([A-Z0-9-]+)<',
                      post(client, "/account", "/account/resume-code").text).group(1)
    post(client, "/account", "/account/resume-code")
    response = post(app.test_client(), "/resume", "/resume", code=first)
    assert response.status_code == 401 and "That code does not match" in response.text


def test_a_tutor_cannot_be_reached_with_a_resume_code(app):
    with app.app_context():
        tutor = accounts.create_user("tutor.bob", PASSWORD, "tutor")
        code = accounts.new_resume_code(tutor)
    assert post(app.test_client(), "/resume", "/resume", code=code).status_code == 401


# --- groups -----------------------------------------------------------------------------------------


def test_a_learner_joins_a_group_with_its_code_and_can_leave(app, client):
    tutor_id = make_tutor(app)
    with app.app_context():
        group = Group(name="Tuesday class", join_code=accounts.new_group_code(), tutor_id=tutor_id)
        db.session.add(group)
        db.session.commit()
        code, group_id = group.join_code, group.id
    bad = post(client, "/groups/join", "/groups/join", code="NOPE99", name="Pat")
    assert bad.status_code == 422 and "There is no group with that code" in bad.text
    nameless = post(client, "/groups/join", "/groups/join", code=code, name="  ")
    assert nameless.status_code == 422 and "Enter your name" in nameless.text
    joined = post(client, "/groups/join", "/groups/join", code=code.lower(), name="Pat  Jones")
    assert joined.status_code == 302
    assert count(app, Membership, group_id=group_id) == 1
    assert "Tuesday class" in client.get("/account").text
    assert learners(app)[-1].display_name == "Pat Jones"
    post(client, "/account", f"/groups/{group_id}/leave")
    assert count(app, Membership, group_id=group_id) == 0


# --- a learner's own data ------------------------------------------------------------------------------


def test_a_learner_downloads_everything_kept_about_them(app, client):
    for question in first_questions(app, n=2):
        answer(client, question, right_fields(question))
    save_account(client)
    response = client.get("/account/data.json")
    assert response.mimetype == "application/json" and "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.data)
    assert data["account"]["username"] == "sam.taylor"
    assert len(data["answers"]) == 2 and data["progress"][0]["module_id"] == "passwords"
    assert PASSWORD not in response.text and "scrypt" not in response.text


def test_a_learner_deletes_their_account_and_everything_goes(app, client):
    walk(client, course_of(app), "online-banking", right_fields)
    save_account(client)
    refused = post(client, "/account/delete", "/account/delete")
    assert refused.status_code == 422 and "Tick the box" in refused.text
    done = post(client, "/account/delete", "/account/delete", confirm="yes")
    assert done.status_code == 302 and done.location.endswith("/account/deleted")
    for model in (Learner, AnswerRecord, Award, LearnerModuleState):
        assert count(app, model) == 0, model
    assert client.get("/account/data.json").status_code == 404
    assert sign_in(app.test_client()).status_code == 401


# --- who may see what: every tutor and admin address ----------------------------------------------


def protected_rules(app):
    """Return every URL rule that needs a tutor or admin (all of the tutor and admin areas, and any other
    view marked with a role, such as the VLE registration and SCORM download pages), with that role."""
    rules = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        role = getattr(view, "required_role", None)
        if rule.endpoint.startswith(("tutor.", "admin.", "employer.", "report.")):
            assert role in ("tutor", "admin", "employer"), f"{rule.rule} ({rule.endpoint}) has no role check"
        if role is not None:
            rules.append((rule, role))
    endpoints = {rule.endpoint for rule, _ in rules}
    assert {"lti.platforms", "tutor.group", "admin.users", "employer.home", "report.report"} <= endpoints, endpoints
    return rules


def example_url(rule) -> str:
    values = {arg: (1 if isinstance(rule._converters[arg], IntegerConverter) else "x")
              for arg in rule.arguments}
    return rule.build(values, append_unknown=False)[1]


def test_every_tutor_and_admin_address_checks_the_role(app, client):
    make_tutor(app, "tutor.ann", "tutor")
    for rule, role in protected_rules(app):
        url = example_url(rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            anonymous = app.test_client().open(url, method=method)
            if method == "GET":
                assert anonymous.status_code == 302 and "/sign-in" in anonymous.location, (url, method)
            else:
                assert anonymous.status_code in (302, 400), (url, method)  # no form token: refused either way
    learner = app.test_client()
    save_account(learner, "learner.lou")
    tutor = app.test_client()
    sign_in(tutor, "tutor.ann")
    with app.app_context():
        organisations.create_employer("employer.eve", PASSWORD, "Sefton Care", "Eve")
    employer = app.test_client()
    sign_in(employer, "employer.eve")
    for rule, role in protected_rules(app):
        url = example_url(rule)
        if "GET" in rule.methods:
            assert learner.get(url).status_code == 403, url
            if role in ("admin", "employer"):
                assert tutor.get(url).status_code == 403, url
            if role in ("tutor", "admin"):
                assert employer.get(url).status_code == 403, url
