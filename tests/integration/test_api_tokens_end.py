"""Apps' tokens end with the learner's sessions: signing out, finishing, a new password, deleting.

An app signed in as a learner (a bearer token) is one more device: nothing a learner does to
leave a shared computer, or to shut out whoever knew their password, may leave one working.
"""

from __future__ import annotations

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from app.api import tokens
from app.extensions import db
from app.models import Learner
from tests.conftest import csrf_token
from tests.integration.test_accounts import PASSWORD, first_questions, post, save_account
from tests.integration.test_learner_flow import answer, right_fields
from tests.integration.test_sessions_end import is_signed_in


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def works(client, token: str) -> bool:
    """Say whether a token still reaches its learner's progress."""
    status = client.get("/api/v1/me/skills", headers=bearer(token)).status_code
    assert status in (200, 401), status
    return status == 200


def newest_learner_id(app) -> int:
    with app.app_context():
        return db.session.scalar(select(Learner.id).order_by(Learner.id.desc()))


def app_token_for(app, learner_id: int) -> str:
    """Sign an app in as this learner, as a token carried over to their account would be."""
    with app.app_context():
        token = tokens.issue(db.session.get(Learner, learner_id))
        db.session.commit()
        return token


def test_an_app_can_sign_itself_out_and_its_token_then_reaches_nothing(client):
    token = client.post("/api/v1/learners").json["token"]
    assert works(client, token)
    ended = client.delete("/api/v1/me/token", headers=bearer(token))
    assert ended.status_code == 200 and ended.json["ended"]["id"] > 0
    assert not works(client, token)
    assert client.delete("/api/v1/me/token", headers=bearer(token)).status_code == 401


def test_a_learner_sees_their_tokens_and_ends_one_but_never_someone_elses(app, client):
    first = client.post("/api/v1/learners").json["token"]
    second = app_token_for(app, newest_learner_id(app))
    stranger = client.post("/api/v1/learners").json["token"]
    listed = client.get("/api/v1/me/tokens", headers=bearer(first)).json["tokens"]
    assert [t["this"] for t in listed] == [True, False]
    assert first not in str(listed) and second not in str(listed), "a token is never shown again"
    strangers_id = client.get("/api/v1/me/tokens", headers=bearer(stranger)).json["tokens"][0]["id"]
    for token_id in (strangers_id, 0, 2**63, 10**30, -1, "x", "\u0663", "%00"):
        refused = client.delete(f"/api/v1/me/tokens/{token_id}", headers=bearer(first))
        assert refused.status_code == 404 and "error" in refused.json, token_id
    assert works(client, stranger), "another learner's token is not theirs to end"
    assert client.delete(f"/api/v1/me/tokens/{listed[1]['id']}", headers=bearer(first)).json["ended"] == {
        "id": listed[1]["id"]}
    assert not works(client, second) and works(client, first)


def test_signing_out_ends_every_app_signed_in_as_the_learner(app, client):
    save_account(client)
    token = app_token_for(app, newest_learner_id(app))
    assert works(client, token)
    post(client, "/account", "/sign-out")
    assert not is_signed_in(client) and not works(client, token)


def test_finishing_on_a_shared_computer_ends_the_guests_app_tokens(app, client):
    question = first_questions(app, n=1)[0]
    answer(client, question, right_fields(question))
    token = app_token_for(app, newest_learner_id(app))
    post(client, "/finish", "/finish")
    assert not works(client, token)


def test_a_new_password_ends_every_app_token_while_this_browser_stays_signed_in(app, client):
    save_account(client)
    token = app_token_for(app, newest_learner_id(app))
    changed = post(client, "/account/password", "/account/password", current=PASSWORD,
                   password="new kettle lamp", confirm="new kettle lamp")
    assert changed.status_code == 302 and is_signed_in(client)
    assert not works(client, token)


def test_a_password_reset_by_anyone_ends_the_accounts_app_tokens(app, client):
    save_account(client)
    learner_id = newest_learner_id(app)
    token = app_token_for(app, learner_id)
    with app.app_context():  # as an admin's reset does: whoever sets it, the old tokens end
        db.session.get(Learner, learner_id).password_hash = generate_password_hash("new kettle lamp")
        db.session.commit()
    assert not works(client, token)


def test_deleting_the_account_ends_every_app_token(app, client):
    save_account(client)
    token = app_token_for(app, newest_learner_id(app))
    assert post(client, "/account/delete", "/account/delete", confirm="yes").status_code == 302
    assert not works(client, token)


def test_the_account_page_lists_apps_signed_in_and_stops_one_with_the_pages_form(app, client):
    save_account(client)
    learner_id = newest_learner_id(app)
    assert "Apps signed in as you" not in client.get("/account").text, "no apps, nothing to list"
    kept, lost = app_token_for(app, learner_id), app_token_for(app, learner_id)
    page = client.get("/account").text
    assert page.count("An app started on") == 2 and kept not in page and lost not in page
    with app.app_context():
        lost_id = tokens.find(lost).id
    assert client.post(f"/account/apps/{lost_id}/stop").status_code == 400, "a forged form stops nothing"
    assert works(client, lost)
    other = app.test_client()  # another person's browser, with a form token of its own
    assert other.post(f"/account/apps/{lost_id}/stop",
                      data={"csrf_token": csrf_token(other.get("/account").text)}).status_code == 404
    assert works(client, lost)
    stopped = client.post(f"/account/apps/{lost_id}/stop", data={"csrf_token": csrf_token(page)})
    assert stopped.status_code == 302 and "The app is stopped" in client.get(stopped.location).text
    assert not works(client, lost) and works(client, kept)
