"""LTI 1.3 launches an attacker might try: another browser's token, another VLE's login, no cookies, odd values.

Each refused launch is a 4xx page and creates nothing, and used nonces do not pile up.
(The signing key, made once however many servers race for it: test_lti_signing_key_shared.py.)
"""

from __future__ import annotations

import re
import threading
import time
from datetime import timedelta
from html import unescape
from urllib.parse import urlencode

import jwt
import pytest
import requests
from sqlalchemy import select

from app.extensions import db
from app.lti.models import LtiGradeLink, LtiLogin, LtiPlatform, LtiUsedNonce, LtiUser
from app.models import Group, Learner, utcnow
from tests.conftest import csrf_token
from tests.integration.lti_vle import INSTRUCTOR, PendingLaunch, TestVle
from tests.integration.test_lti import (  # noqa: F401  (tool and vle are fixtures)
    MODULE, TOOL, count, learner_launch, resign, start, tool, vle)

CREATED = (Learner, LtiUser, Group, LtiGradeLink)


def nothing_created(app) -> bool:
    return all(count(app, model) == 0 for model in CREATED)


def register(app, other: TestVle) -> None:
    """Register another VLE with the tool, as its admin would."""
    result = app.test_cli_runner().invoke(args=[
        "lti", "add-platform", "--name", "Other VLE", "--issuer", other.issuer, "--client-id", other.client_id,
        "--auth-login-url", f"{other.base}/auth", "--auth-token-url", f"{other.base}/token",
        "--key-set-url", f"{other.base}/jwks", "--deployment-id", other.deployment_id])
    assert result.exit_code == 0, result.output


def signed_without(fields: dict, vle: TestVle, claim: str) -> dict:
    """Return the launch form with one claim taken out of its id_token, signed again by the VLE."""
    header = jwt.get_unverified_header(fields["id_token"])
    body = jwt.decode(fields["id_token"], options={"verify_signature": False})
    del body[claim]
    return {**fields, "id_token": jwt.encode(body, vle.private_pem, algorithm="RS256", headers={"kid": header["kid"]})}


# --- a token belongs to the browser and the VLE its login began with ---------------------------------


def test_a_victims_id_token_posted_from_an_attackers_browser_is_refused(tool, client, vle):
    victim = tool.test_client()
    victims_form = start(victim, vle, learner_launch("victim"))
    attackers_form = start(client, vle, learner_launch("attacker"))

    with_own_state = client.post("/lti/launch", data={"id_token": victims_form["id_token"],
                                                      "state": attackers_form["state"]})
    assert with_own_state.status_code == 400 and "could not be checked" in with_own_state.text
    # The state cookie is only the state itself, so an attacker can make one; the login's browser cookie they lack.
    client.set_cookie(f"lti1p3-{victims_form['state']}", victims_form["state"])
    with_victims_state = client.post("/lti/launch", data=victims_form)
    assert with_victims_state.status_code == 403 and "another browser" in with_victims_state.text
    assert nothing_created(tool)

    assert victim.post("/lti/launch", data=victims_form).status_code == 302, "the victim's own launch still works"
    with tool.app_context():
        assert db.session.scalars(select(LtiUser.sub)).all() == ["victim"]


def test_an_attackers_own_launch_posted_from_a_victims_browser_signs_nobody_in(tool, client, vle):
    attackers_form = start(client, vle, learner_launch("attacker"))
    victim = tool.test_client()
    fresh = victim.post("/lti/launch", data=attackers_form)  # a victim who never launched: no LTI cookie
    assert fresh.status_code == 400 and "/modules/" not in fresh.headers.get("Location", "")
    start(victim, vle, learner_launch("victim"))  # a victim with an LTI cookie of their own
    victim.set_cookie(f"lti1p3-{attackers_form['state']}", attackers_form["state"])
    known = victim.post("/lti/launch", data=attackers_form)
    assert known.status_code == 403 and "another browser" in known.text
    assert nothing_created(tool)


def test_a_token_from_one_vle_is_refused_with_the_login_begun_for_another(tool, client, vle):
    with TestVle(TOOL, client_id="other-client") as other:
        other.tool_jwks = vle.tool_jwks
        register(tool, other)
        for_other = start(client, other, learner_launch("student-b"))
        for_this = start(client, vle, learner_launch("student-a"))
        crossed = client.post("/lti/launch", data={"id_token": for_this["id_token"], "state": for_other["state"]})
        assert crossed.status_code == 400 and "could not be checked" in crossed.text
        assert nothing_created(tool)
        assert client.post("/lti/launch", data=for_this).status_code == 302


@pytest.mark.parametrize("claim", ["exp", "iat"])
def test_a_token_without_an_expiry_or_an_issue_time_is_refused(tool, client, vle, claim):
    fields = signed_without(start(client, vle, learner_launch()), vle, claim)
    response = client.post("/lti/launch", data=fields)
    assert response.status_code == 400 and "could not be checked" in response.text
    assert nothing_created(tool)


@pytest.mark.parametrize("ahead, accepted", [(30, True), (600, False)])
def test_a_vles_clock_a_little_ahead_is_allowed_but_not_a_token_from_the_future(tool, client, vle, ahead, accepted):
    fields = start(client, vle, learner_launch())
    now = int(time.time())
    response = client.post("/lti/launch", data=resign(fields, vle, iat=now + ahead, exp=now + ahead + 300))
    assert response.status_code == (302 if accepted else 400)
    assert count(tool, Learner) == (1 if accepted else 0)


@pytest.mark.parametrize("key_set", [{"keys": ["not a key"]}, {"keys": "none"}, ["a list"], {"nothing": 1}])
def test_a_vle_whose_key_set_answers_nonsense_gets_a_4xx_and_nothing_saved(tool, client, vle, key_set):
    vle.key_set = key_set
    response = client.post("/lti/launch", data=start(client, vle, learner_launch()))
    assert response.status_code == 400 and "could not be checked" in response.text
    assert nothing_created(tool)


# --- no cookies in the VLE's frame: a clear page, and a new window that works --------------------------


def test_a_launch_whose_cookies_were_blocked_offers_a_new_window_that_works(tool, vle):
    framed = tool.test_client(use_cookies=False)  # a browser that drops the tool's cookies in a frame
    response = framed.post("/lti/launch", data=start(framed, vle, learner_launch()))
    assert response.status_code == 400 and "did not let Skills Passport keep" in response.text
    assert nothing_created(tool)
    link = re.search(r'<a class="button" href="([^"]+)" target="_blank" rel="noopener">Open the activity in a new '
                     r'window</a>', response.text)
    assert link, response.text

    other_token = start(framed, vle, learner_launch("someone-else"))["id_token"]
    crossed = framed.post("/lti/launch", data={"id_token": other_token, "state": start(framed, vle, learner_launch())[
        "state"]})
    assert crossed.status_code == 400 and "new window" not in crossed.text, "only the login's own token learns how"

    window = tool.test_client()  # the new window, at the top level, where cookies are the site's own
    login = window.get(unescape(link.group(1)))
    assert login.status_code == 302 and login.location.startswith(f"{vle.base}/auth")
    action, fields = vle.form_fields(requests.get(login.location, timeout=10).text)
    opened = window.post(action.removeprefix(TOOL), data=fields)
    assert opened.status_code == 302 and opened.location == f"/modules/{MODULE}"
    assert count(tool, Learner) == 1 and vle.scores and vle.scores[0]["userId"] == "student-7"


@pytest.mark.parametrize("embedded", [True, False])
def test_the_launch_cookies_go_into_a_frame_only_when_the_sign_in_session_does(tool, client, vle, embedded):
    if embedded:  # what EMBEDDED_COOKIES=1 sets
        tool.config.update(SESSION_COOKIE_SAMESITE="None", SESSION_COOKIE_SECURE=True)
    login = client.get("/lti/login", query_string=vle.login_initiation(learner_launch()))
    [cookie] = [c for c in login.headers.getlist("Set-Cookie") if c.startswith("lti1p3-session-id=")]
    assert ("SameSite=None" in cookie, "Secure" in cookie) == (embedded, embedded), cookie
    assert "Partitioned" not in cookie and "HttpOnly" in cookie


# --- hostile values: 4xx, nothing saved -------------------------------------------------------------


@pytest.mark.parametrize("form", [
    {},
    {"state": "state-x"},
    {"state": "state-\x00", "id_token": "a.b.c"},
    {"state": "s" * 5000, "id_token": "a.b.c"},
    {"state": ["state-a", "state-b"], "id_token": "\x00"},
], ids=["nothing", "no token", "NUL in state", "huge state", "NUL in token"])
def test_a_launch_with_missing_or_hostile_values_is_a_4xx_and_saves_nothing(tool, client, vle, form):
    response = client.post("/lti/launch", data=form)
    assert 400 <= response.status_code < 500
    values = [v for value in form.values() for v in (value if isinstance(value, list) else [value])]
    if not any("\x00" in v for v in values):  # (NUL may be refused sooner, by the site-wide input check)
        assert "could not be checked" in response.text
    assert nothing_created(tool)


@pytest.mark.parametrize("change", [
    {"iss": "http://vle\x00.test"}, {"login_hint": "x" * 10000}, {"lti_message_hint": "\x00"},
    {"client_id": "c\x00"},
], ids=["NUL in issuer", "huge login hint", "NUL in message hint", "NUL in client id"])
def test_a_login_with_hostile_values_is_a_4xx_and_saves_nothing(tool, client, vle, change):
    response = client.get("/lti/login", query_string={**vle.login_initiation(learner_launch()), **change})
    assert response.status_code == 400
    assert count(tool, LtiLogin) == 0


CONTEXT = "https://purl.imsglobal.org/spec/lti/claim/context"
RESOURCE_LINK = "https://purl.imsglobal.org/spec/lti/claim/resource_link"


@pytest.mark.parametrize("claims", [
    {"sub": "student\x007"}, {"sub": "s" * 300}, {CONTEXT: {"id": "course\ud800"}},
    {RESOURCE_LINK: {"id": "link\x00"}}, {RESOURCE_LINK: {"id": "l" * 300}},
], ids=["NUL in user id", "huge user id", "half a UTF-16 pair in course id", "NUL in resource link id",
        "huge resource link id"])
@pytest.mark.parametrize("who", ["learner", "teacher"])
def test_a_signed_token_with_ids_no_database_keeps_is_a_4xx_and_saves_nothing(tool, client, vle, claims, who):
    fields = start(client, vle, learner_launch() if who == "learner" else PendingLaunch(sub="t", roles=[INSTRUCTOR]))
    response = client.post("/lti/launch", data=resign(fields, vle, **claims))
    assert response.status_code == 400 and "cannot keep" in response.text
    assert nothing_created(tool)


def test_a_name_with_a_nul_byte_is_kept_without_it(tool, client, vle):
    fields = resign(start(client, vle, learner_launch()), vle, name="Sam\x00 Learner\udc00")
    assert client.post("/lti/launch", data=fields).status_code == 302
    with tool.app_context():
        assert db.session.scalar(select(Learner.display_name)) == "Sam Learner"


def test_a_token_posted_to_a_login_another_launch_used_is_refused_and_the_first_launch_stands(tool, client, vle):
    fields = start(client, vle, learner_launch())
    assert client.post("/lti/launch", data=fields).status_code == 302
    with tool.app_context():
        assert db.session.get(LtiLogin, fields["state"]).used_at is not None
    again = client.post("/lti/launch", data=fields)
    assert again.status_code == 400 and "already used" in again.text
    assert count(tool, Learner) == 1


# --- used nonces and logins are purged once expired -------------------------------------------------------


def test_expired_nonces_and_logins_are_purged_and_fresh_ones_kept(tool, client, vle):
    with tool.app_context():
        now = utcnow()
        db.session.add_all([LtiUsedNonce(nonce="expired", expires_at=now - timedelta(minutes=1)),
                            LtiUsedNonce(nonce="fresh", expires_at=now + timedelta(hours=1)),
                            LtiLogin(state="state-old", browser="0" * 64, nonce="n", issuer=vle.issuer,
                                     client_id=vle.client_id, restart={}, expires_at=now - timedelta(minutes=1))])
        db.session.commit()
    start(client, vle, learner_launch())  # each login clears what has expired
    with tool.app_context():
        assert db.session.scalars(select(LtiUsedNonce.nonce)).all() == ["fresh"]
        assert db.session.get(LtiLogin, "state-old") is None and count(tool, LtiLogin) == 1


# --- registering a VLE: odd settings and unreachable VLEs are a 4xx ------------------------------------------


def test_an_admin_adding_a_vle_with_settings_too_long_to_keep_is_told_so(tool, client):
    with tool.app_context():
        from app.auth import accounts
        accounts.create_user("admin.ada", "teapot river purple", "admin")
    page = client.get("/sign-in")
    client.post("/sign-in", data={"username": "admin.ada", "password": "teapot river purple",
                                  "csrf_token": csrf_token(page.text)})
    page = client.get("/lti/platforms")
    settings = {"name": "College Moodle", "issuer": "https://moodle.example", "client_id": "abc",
                "deployment_ids": "1", "auth_login_url": "https://moodle.example/auth",
                "auth_token_url": "https://moodle.example/token", "key_set_url": "https://moodle.example/certs",
                "csrf_token": csrf_token(page.text)}
    for field, value in [("issuer", "https://moodle.example/" + "a" * 300), ("client_id", "c" * 300),
                         ("deployment_ids", "d" * 300), ("key_set_url", "https://moodle.example/" + "k" * 600)]:
        response = client.post("/lti/platforms", data={**settings, field: value})
        assert response.status_code == 422 and "at most" in response.text, field
    assert count(tool, LtiPlatform) == 0


@pytest.mark.parametrize("address", ["http://127.0.0.1:9/.well-known/openid-configuration", "file:///etc/passwd",
                                     "not an address"])
def test_dynamic_registration_from_an_unreachable_or_odd_address_is_a_4xx(tool, client, address):
    with tool.app_context():
        from app.lti.registry import registration_url
        link = registration_url()
    response = client.get(link.removeprefix(TOOL) + "&" + urlencode({"openid_configuration": address}))
    assert response.status_code == 400 and "could not be registered" in response.text
    assert count(tool, LtiPlatform) == 0


def test_one_launch_posted_twice_at_the_same_moment_signs_in_once(tool, vle):
    first = tool.test_client()
    fields = start(first, vle, learner_launch())
    second = tool.test_client()
    for cookie in ("lti1p3-session-id", f"lti1p3-{fields['state']}"):  # the same browser, two tabs
        second.set_cookie(cookie, first.get_cookie(cookie).value)
    barrier, statuses = threading.Barrier(2), []

    def post(client):
        barrier.wait()
        statuses.append(client.post("/lti/launch", data=fields).status_code)

    threads = [threading.Thread(target=post, args=(c,)) for c in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses) == [302, 400], statuses
    assert count(tool, Learner) == 1 and count(tool, LtiUser) == 1


def test_a_class_opening_a_new_course_at_the_same_moment_all_get_in_with_one_group(tool, vle):
    clients = [tool.test_client() for _ in range(4)]
    forms = [start(c, vle, learner_launch(f"student-{n}")) for n, c in enumerate(clients)]
    barrier, statuses = threading.Barrier(len(clients)), []

    def post(client, fields):
        barrier.wait()
        statuses.append(client.post("/lti/launch", data=fields).status_code)

    threads = [threading.Thread(target=post, args=pair) for pair in zip(clients, forms)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert statuses == [302] * len(clients)
    assert count(tool, Group) == 1 and count(tool, Learner) == len(clients)
