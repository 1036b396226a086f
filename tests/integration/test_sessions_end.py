"""Ending sessions: signing out, a new password or a deleted account ends every copy of the cookies.

Each test copies a browser's cookies first, as someone at a shared computer (or anyone who
got hold of them) could, then replays them after the learner has acted.
"""

from __future__ import annotations

from sqlalchemy import select, update

from app.auth.sessions import learner_for_cookie
from app.extensions import db
from app.models import Learner
from tests.integration.test_accounts import PASSWORD, make_tutor, post, save_account, sign_in

COOKIES = ("session", "remember_token")


def copied(client) -> dict[str, str]:
    """Return a copy of a browser's sign-in cookies."""
    found = {name: client.get_cookie(name) for name in COOKIES}
    return {name: cookie.value for name, cookie in found.items() if cookie is not None}


def browser_with(app, cookies: dict[str, str]):
    """Return a new browser holding only these cookies."""
    browser = app.test_client()
    for name, value in cookies.items():
        browser.set_cookie(name, value)
    return browser


def is_signed_in(client) -> bool:
    """Say whether the browser reaches someone's own data."""
    return client.get("/account/data.json").status_code == 200


def replays(app, cookies: dict[str, str]) -> list:
    """Return a browser for each way the copied cookies could be used: both, or either alone."""
    return [browser_with(app, cookies)] + [browser_with(app, {name: value}) for name, value in cookies.items()]


def test_signing_out_ends_the_session_on_every_device_and_every_copied_cookie(app, client):
    save_account(client)
    cookies = copied(client)
    assert set(cookies) == set(COOKIES), "a learner's browser holds both cookies"
    phone = app.test_client()
    assert sign_in(phone).status_code == 302 and is_signed_in(phone)
    assert all(is_signed_in(browser) for browser in replays(app, cookies)), "the copies work before"
    post(client, "/account", "/sign-out")
    assert not is_signed_in(client)
    assert not is_signed_in(phone), "signing out on the laptop signs the phone out too"
    for browser in replays(app, cookies):
        assert not is_signed_in(browser)
    assert sign_in(app.test_client()).status_code == 302, "the password still works"


def test_changing_a_password_ends_every_other_session_and_keeps_this_one(app, client):
    save_account(client)
    cookies = copied(client)
    changed = post(client, "/account/password", "/account/password", current=PASSWORD,
                   password="new kettle lamp", confirm="new kettle lamp")
    assert changed.status_code == 302
    assert is_signed_in(client), "the browser that changed it stays signed in"
    for browser in replays(app, cookies):
        assert not is_signed_in(browser)
    assert sign_in(app.test_client(), password="new kettle lamp").status_code == 302


def test_an_admin_resetting_a_tutors_password_ends_the_tutors_sessions(app):
    tutor_id = make_tutor(app, "tutor.ann")
    make_tutor(app, "admin.ali", "admin")
    tutor = app.test_client()
    assert sign_in(tutor, "tutor.ann").status_code == 302
    cookies = copied(tutor)
    assert tutor.get("/tutor/").status_code == 200
    admin = app.test_client()
    sign_in(admin, "admin.ali")
    page = f"/admin/people/{tutor_id}/password"
    assert post(admin, page, page, password="new kettle lamp", confirm="new kettle lamp").status_code == 302
    for browser in (tutor, browser_with(app, cookies)):
        refused = browser.get("/tutor/")
        assert refused.status_code == 302 and "/sign-in" in refused.location
    assert admin.get("/admin/").status_code == 200, "the admin's own session goes on"


def test_a_deleted_accounts_cookies_reach_nobody_not_even_a_new_learner_given_the_same_number(app, client):
    save_account(client)
    cookies = copied(client)
    [old] = db_learners(app)
    done = post(client, "/account/delete", "/account/delete", confirm="yes")
    assert done.status_code == 302
    newcomer = app.test_client()
    post(newcomer, "/account", "/account/resume-code")  # a new guest, who may get the old number
    for browser in replays(app, cookies):
        assert not is_signed_in(browser)
    [new] = db_learners(app)
    assert is_signed_in(newcomer) and new.username is None
    if new.id == old.id:  # SQLite hands out a deleted last number again: the cookies must not follow it
        assert new.session_key != old.session_key


def test_cookies_from_before_session_keys_keep_working_until_the_learner_signs_out(app, client):
    save_account(client)
    with app.app_context():
        db.session.execute(update(Learner).values(session_key=None))  # as a row made before the upgrade
        db.session.commit()
    assert not is_signed_in(client), "a cookie with a key the learner no longer has is refused"
    assert sign_in(client).status_code == 302
    cookies = copied(client)
    assert is_signed_in(browser_with(app, cookies)), "an old cookie, holding the number alone, still works"
    post(client, "/account", "/sign-out")
    for browser in replays(app, cookies):
        assert not is_signed_in(browser)
    [learner] = db_learners(app)
    assert learner.session_key


def test_a_cookie_naming_an_impossible_learner_signs_nobody_in(app):
    with app.app_context():
        for cookie_id in ("9" * 30, "-1", "1.", "x.y", "", "1.wrong-key", "\x00"):
            assert learner_for_cookie(cookie_id) is None, cookie_id


def db_learners(app) -> list[Learner]:
    with app.app_context():
        found = list(db.session.scalars(select(Learner).order_by(Learner.id)))
        db.session.expunge_all()
        return found
