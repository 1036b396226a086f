"""LTI 1.3 against a real platform on loopback: login, launch, deep linking, grades, registration, bad launches."""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from urllib.parse import urlencode

import jwt
import pytest
import requests
from jwcrypto.jwk import JWK
from sqlalchemy import func, select

from app.extensions import db
from app.lti.models import LtiGradeLink, LtiPlatform, LtiScore, LtiUser
from app.models import Group, Learner, Membership, utcnow
from tests.conftest import csrf_token
from tests.integration.lti_vle import INSTRUCTOR, LEARNER, PendingLaunch, TestVle
from tests.integration.test_learner_flow import course_of, right_fields, walk

TOOL = "http://tool.test"
MODULE = "online-banking"


@pytest.fixture
def tool(app):
    app.config["PUBLIC_URL"] = TOOL
    return app


@pytest.fixture
def vle(tool, client):
    with TestVle(TOOL) as running:
        running.tool_jwks = client.get("/lti/jwks.json").json
        result = tool.test_cli_runner().invoke(args=[
            "lti", "add-platform", "--name", "Test VLE", "--issuer", running.issuer,
            "--client-id", running.client_id, "--auth-login-url", f"{running.base}/auth",
            "--auth-token-url", f"{running.base}/token", "--key-set-url", f"{running.base}/jwks",
            "--deployment-id", running.deployment_id])
        assert result.exit_code == 0, result.output
        yield running


def start(client, vle: TestVle, pending: PendingLaunch) -> dict:
    """Do the OpenID Connect login and return the form the VLE posts to the tool's launch."""
    login = client.get("/lti/login", query_string=vle.login_initiation(pending))
    assert login.status_code == 302 and login.location.startswith(f"{vle.base}/auth"), login.text[:300]
    page = requests.get(login.location, timeout=10)
    assert page.ok, page.text
    action, fields = vle.form_fields(page.text)
    assert action == f"{TOOL}/lti/launch"
    return fields


def launch(client, vle, pending):
    return client.post("/lti/launch", data=start(client, vle, pending))


def learner_launch(sub="student-7", **extra):
    return PendingLaunch(sub=sub, roles=[LEARNER], custom={"module": MODULE}, **extra)


def teacher_launch(sub="teacher-1", **extra):
    return PendingLaunch(sub=sub, roles=[INSTRUCTOR], custom={"module": MODULE}, **extra)


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def resign(fields: dict, vle: TestVle, key_pem: str | None = None, **changes) -> dict:
    """Return the launch form with its id_token changed and signed again (by the VLE, or by another key)."""
    header = jwt.get_unverified_header(fields["id_token"])
    body = jwt.decode(fields["id_token"], options={"verify_signature": False})
    body.update(changes)
    token = jwt.encode(body, key_pem or vle.private_pem, algorithm="RS256", headers={"kid": header["kid"]})
    return {**fields, "id_token": token}


# --- the tool's side of set-up ------------------------------------------------------------------


def test_the_tool_publishes_its_public_key(client):
    keys = client.get("/lti/jwks.json").json["keys"]
    assert len(keys) == 1 and keys[0]["kty"] == "RSA" and keys[0]["kid"] and "d" not in keys[0]


def test_a_registered_vle_may_frame_the_site_and_others_may_not(tool, client, vle):
    policy = client.get("/").headers["Content-Security-Policy"]
    assert f"frame-ancestors {vle.base}" in policy
    assert "frame-ancestors 'none'" not in policy


# --- launches ---------------------------------------------------------------------------------


def test_a_learner_launches_into_the_module_and_the_score_reaches_the_gradebook(tool, client, vle):
    response = launch(client, vle, learner_launch())
    assert response.status_code == 302 and response.location == f"/modules/{MODULE}"
    with tool.app_context():
        user = db.session.scalar(select(LtiUser))
        learner = db.session.get(Learner, user.learner_id)
        assert (user.sub, learner.role, learner.display_name) == ("student-7", "learner", "Sam Learner")
        group = db.session.scalar(select(Group))
        assert group.name == "Digital skills, Tuesday evening" and group.tutor_id is None
        assert db.session.scalar(select(Membership.learner_id)) == learner.id
    assert vle.scores[0]["scoreGiven"] == 0 and vle.scores[0]["userId"] == "student-7"
    assert vle.scores[0]["activityProgress"] == "InProgress"

    counts = walk(client, course_of(tool), MODULE, right_fields)
    assert counts["finished"]
    given = [s["scoreGiven"] for s in vle.scores]
    assert given == sorted(given) and len(given) >= 3, "the score goes up as skills are mastered"
    last = vle.scores[-1]
    assert (last["scoreGiven"], last["scoreMaximum"], last["activityProgress"], last["gradingProgress"]) == \
        (1, 1, "Completed", "FullyGraded")


def test_a_learner_keeps_their_progress_between_launches(tool, client, vle):
    launch(client, vle, learner_launch())
    walk(client, course_of(tool), MODULE, right_fields)
    later = tool.test_client()  # another day, another browser
    response = launch(later, vle, learner_launch())
    assert response.status_code == 302
    assert count(tool, Learner) == 1
    assert "You have finished this topic" in later.get(f"/modules/{MODULE}").text


def test_an_instructor_gets_the_tutor_view_of_their_course(tool, client, vle):
    launch(tool.test_client(), vle, learner_launch("student-1"))
    response = launch(client, vle, teacher_launch("teacher-1", name="Ann Teacher"))
    with tool.app_context():
        group = db.session.scalar(select(Group))
        teacher = db.session.get(Learner, group.tutor_id)
        assert teacher.role == "tutor" and teacher.display_name == "Ann Teacher"
    assert response.status_code == 302 and response.location == f"/tutor/groups/{group.id}"
    dashboard = client.get(response.location)
    assert dashboard.status_code == 200 and "Sam Learner" in dashboard.text
    assert count(tool, LtiGradeLink) == 1, "no gradebook entry for the teacher"
    colleague = tool.test_client()  # a second teacher of the same course sees it too
    second = launch(colleague, vle, teacher_launch("teacher-2", name="Bo Teacher"))
    assert second.location == response.location
    assert colleague.get(second.location).status_code == 200
    assert "Digital skills, Tuesday evening" in colleague.get("/tutor/").text


def test_deep_linking_lets_a_teacher_pick_a_module_for_their_course(tool, client, vle):
    response = launch(client, vle, PendingLaunch(sub="teacher-1", roles=[INSTRUCTOR], deep_linking=True))
    assert response.status_code == 302 and response.location == "/lti/choose"
    page = client.get("/lti/choose")
    assert "Online banking" in page.text
    none = client.post("/lti/choose", data={"csrf_token": csrf_token(page.text)})
    assert none.status_code == 422 and "Choose a topic or a lesson" in none.text
    sent = client.post("/lti/choose", data={"item": f"module:{MODULE}", "csrf_token": csrf_token(page.text)})
    assert sent.status_code == 200
    assert f"form-action 'self' {vle.base}" in sent.headers["Content-Security-Policy"]
    action, fields = vle.form_fields(sent.text)
    assert action == f"{vle.base}/deep-link-return"
    assert requests.post(action, data=fields, timeout=10).ok
    [item] = vle.deep_links[-1]
    assert item["url"] == f"{TOOL}/lti/launch" and item["custom"] == {"module": MODULE}
    assert item["lineItem"]["scoreMaximum"] == 1 and item["title"] == "Skills Passport: Online banking"


def test_a_learner_cannot_use_deep_linking(tool, client, vle):
    response = launch(client, vle, PendingLaunch(sub="student-9", roles=[LEARNER], deep_linking=True))
    assert response.status_code == 403 and "Only a teacher" in response.text
    assert count(tool, Learner) == 0 and count(tool, LtiUser) == 0, "a refused launch creates nobody"


# --- bad launches: a clear page, a log line, and nothing created ------------------------------------


@pytest.mark.parametrize("how", ["forged", "expired", "wrong audience", "unknown deployment", "no state"])
def test_a_bad_launch_is_refused_and_creates_nothing(tool, client, vle, how, caplog):
    fields = start(client, vle, learner_launch())
    if how == "forged":
        other = JWK.generate(kty="RSA", size=2048).export_to_pem(private_key=True, password=None).decode()
        fields = resign(fields, vle, other)
    elif how == "expired":
        fields = resign(fields, vle, iat=int(time.time()) - 7200, exp=int(time.time()) - 3600)
    elif how == "wrong audience":
        fields = resign(fields, vle, aud="someone-else", azp="someone-else")
    elif how == "unknown deployment":
        fields = resign(fields, vle, **{"https://purl.imsglobal.org/spec/lti/claim/deployment_id": "other"})
    else:
        fields = {**fields, "state": "made-up"}
    with caplog.at_level(logging.WARNING, logger="app"):
        response = client.post("/lti/launch", data=fields)
    assert response.status_code == 400 and "could not be checked" in response.text
    assert any("lti: refused" in r.getMessage() for r in caplog.records)
    for model in (Learner, LtiUser, Group, LtiGradeLink):
        assert count(tool, model) == 0, (how, model)


def test_a_replayed_launch_is_refused(tool, client, vle):
    fields = start(client, vle, learner_launch())
    assert client.post("/lti/launch", data=fields).status_code == 302
    again = client.post("/lti/launch", data=fields)
    assert again.status_code == 400 and "already used" in again.text
    assert count(tool, Learner) == 1


def test_a_login_for_another_site_or_an_unknown_vle_is_refused(tool, client, vle):
    query = vle.login_initiation(learner_launch())
    elsewhere = client.get("/lti/login", query_string={**query, "target_link_uri": "https://evil.example/x"})
    assert elsewhere.status_code == 400 and "does not launch Skills Passport" in elsewhere.text
    unknown = client.get("/lti/login", query_string={**query, "iss": "https://unknown.example"})
    assert unknown.status_code == 400 and "not set up" in unknown.text


# --- grades that fail are kept and sent later ----------------------------------------------------------


def test_a_score_the_gradebook_refuses_is_kept_and_sent_later(tool, client, vle):
    vle.fail_scores = 1
    launch(client, vle, learner_launch())
    assert vle.scores == []
    with tool.app_context():
        row = db.session.scalar(select(LtiScore))
        assert row.sent_at is None and row.tries == 1 and "503" in (row.last_error or "")
        assert row.next_try_at > utcnow()
    result = tool.test_cli_runner().invoke(args=["lti", "send-scores"])
    assert "Sent 0 scores" in result.output, "not due yet"
    with tool.app_context():
        from app.lti.grades import send_due
        assert send_due(now=utcnow() + timedelta(minutes=2)) == (1, 0)
    assert vle.scores and vle.scores[0]["scoreGiven"] == 0


# --- registering a VLE ---------------------------------------------------------------------------------


def test_dynamic_registration_from_one_link(tool, client):
    with TestVle(TOOL, client_id="from-dynamic-registration") as vle:
        with tool.app_context():
            from app.lti.registry import registration_url
            link = registration_url()
        path = link.removeprefix(TOOL) + "&" + urlencode({
            "openid_configuration": f"{vle.base}/.well-known/openid-configuration",
            "registration_token": "vle-registration-token"})
        page = client.get(path)
        assert page.status_code == 200 and "Skills Passport is registered" in page.text
        sent = vle.registrations[0]
        assert sent["initiate_login_uri"] == f"{TOOL}/lti/login" and sent["jwks_uri"] == f"{TOOL}/lti/jwks.json"
        with tool.app_context():
            platform = db.session.scalar(select(LtiPlatform))
            assert (platform.issuer, platform.client_id, platform.deployment_ids) == \
                (vle.issuer, "from-dynamic-registration", [vle.deployment_id])
        refused = client.get("/lti/register", query_string={"token": "forged", "openid_configuration": "x"})
        assert refused.status_code == 403


def test_only_an_admin_registers_a_vle_on_the_page(tool, client):
    assert client.get("/lti/platforms").status_code == 302
    with tool.app_context():
        from app.auth import accounts
        accounts.create_user("admin.ada", "teapot river purple", "admin")
    page = client.get("/sign-in")
    client.post("/sign-in", data={"username": "admin.ada", "password": "teapot river purple",
                                  "csrf_token": csrf_token(page.text)})
    page = client.get("/lti/platforms")
    assert page.status_code == 200 and f"{TOOL}/lti/jwks.json" in page.text
    bad = client.post("/lti/platforms", data={"name": "x", "issuer": "not a url", "client_id": "c",
                                              "deployment_ids": "1", "csrf_token": csrf_token(page.text)})
    assert bad.status_code == 422 and "must be a web address" in bad.text
    good = client.post("/lti/platforms", data={
        "name": "College Moodle", "issuer": "https://moodle.college.example", "client_id": "abc",
        "deployment_ids": "1 2", "auth_login_url": "https://moodle.college.example/mod/lti/auth.php",
        "auth_token_url": "https://moodle.college.example/mod/lti/token.php",
        "key_set_url": "https://moodle.college.example/mod/lti/certs.php", "csrf_token": csrf_token(page.text)})
    assert good.status_code == 302
    with tool.app_context():
        assert db.session.scalar(select(LtiPlatform.deployment_ids)) == ["1", "2"]


def test_a_vle_learner_who_signs_in_to_their_own_account_keeps_both(tool, client, vle):
    with tool.app_context():
        from app.auth import accounts
        accounts.create_user("sam.home", "teapot river purple", "learner")
    launch(client, vle, learner_launch())
    walk(client, course_of(tool), MODULE, right_fields)
    page = client.get("/sign-in")
    client.post("/sign-in", data={"username": "sam.home", "password": "teapot river purple",
                                  "csrf_token": csrf_token(page.text)})
    assert count(tool, Learner) == 1, "the VLE's learner is folded into the account"
    again = tool.test_client()
    launch(again, vle, learner_launch())
    assert "You have finished this topic" in again.get(f"/modules/{MODULE}").text
    with tool.app_context():
        assert db.session.scalar(select(Learner.username)) == "sam.home"
        assert db.session.scalar(select(func.count()).select_from(LtiGradeLink)) == 1
