"""Admin pages: admins list, create and change tutors' and admins' accounts; nobody else can."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from app.auth import accounts
from app.extensions import db
from app.models import Group, Learner
from tests.conftest import csrf_token

PASSWORD = "teapot river purple"


def make_user(app, username: str, role: str, name: str | None = None) -> int:
    with app.app_context():
        return accounts.create_user(username, PASSWORD, role, name or username.title()).id


def sign_in(client, username: str, password: str = PASSWORD):
    page = client.get("/sign-in")
    return client.post("/sign-in", data={"username": username, "password": password,
                                         "csrf_token": csrf_token(page.text)})


def post(client, page_url: str, action: str, **data):
    page = client.get(page_url)
    return client.post(action, data={**data, "csrf_token": csrf_token(page.text)})


def user(app, username: str) -> Learner | None:
    with app.app_context():
        found = db.session.scalar(select(Learner).where(Learner.username == username))
        if found is not None:
            db.session.expunge(found)
        return found


def error_message(response) -> str:
    found = re.search(r'class="error-message"[^>]*><span class="visually-hidden">Error:</span> (.*?)</p>',
                      response.text)
    assert found, "the page shows no error message"
    return html.unescape(found.group(1))


@pytest.fixture
def admin(app, client):
    """Return a client signed in as an admin."""
    make_user(app, "ada.admin", "admin", "Ada Admin")
    assert sign_in(client, "ada.admin").status_code == 302
    return client


def test_the_admin_page_lists_tutors_and_admins_with_their_roles_and_groups(app, admin):
    tutor_id = make_user(app, "tom.tutor", "tutor", "Tom Tutor")
    make_user(app, "lee.learner", "learner")
    with app.app_context():
        db.session.add_all([Group(name="Tuesday", join_code="AAAAAA", tutor_id=tutor_id),
                            Group(name="Friday", join_code="BBBBBB", tutor_id=tutor_id)])
        db.session.commit()
    page = admin.get("/admin/")
    assert page.status_code == 200
    tom = page.text[page.text.index(f'id="person-{tutor_id}"'):]
    tom = tom[:tom.index("</li>")]
    assert "Tom Tutor" in tom and "tom.tutor" in tom and "<dd>Tutor</dd>" in tom and "<dd>2</dd>" in tom
    assert "The account cannot be deleted while it has groups" in tom
    assert "Ada Admin (you)" in page.text
    assert "lee.learner" not in page.text


def test_an_admin_creates_a_tutor_who_can_then_sign_in(app, admin, client):
    response = post(admin, "/admin/new", "/admin/new", username="Sam.Tutor", name="  Sam   Taylor ",
                    password=PASSWORD, role="tutor")
    assert response.status_code == 302
    sam = user(app, "sam.tutor")
    assert sam.role == "tutor" and sam.display_name == "Sam Taylor"
    listed = admin.get(response.location)
    assert "Sam Taylor can now sign in with the username sam.tutor" in html.unescape(listed.text)
    fresh = app.test_client()
    assert sign_in(fresh, "sam.tutor").status_code == 302
    assert fresh.get("/tutor/preview").status_code == 200
    assert fresh.get("/admin/").status_code == 403


def test_an_admin_can_create_another_admin(app, admin):
    assert post(admin, "/admin/new", "/admin/new", username="max.admin", name="Max", password=PASSWORD,
                role="admin").status_code == 302
    assert user(app, "max.admin").role == "admin"


@pytest.mark.parametrize(("fields", "field", "says"), [
    ({"name": "  "}, "name", "Enter their name"),
    ({"username": "a b"}, "username", "A username must be 3 to 30 letters or numbers"),
    ({"username": "ada.admin"}, "username", "That username is taken"),
    ({"password": "short"}, "password", "The password must be 8 to 200 characters long"),
    ({"role": "learner"}, "role", "Choose whether the account is for a tutor or an admin"),
])
def test_creating_an_account_shows_what_to_fix_by_its_box_and_keeps_what_was_typed(app, admin, fields, field,
                                                                                       says):
    form = {"username": "new.tutor", "name": "New Tutor", "password": PASSWORD, "role": "tutor", **fields}
    response = post(admin, "/admin/new", "/admin/new", **form)
    assert response.status_code == 422
    assert "There is a problem" in response.text
    assert says in error_message(response)
    assert f'id="{field}-error"' in response.text and f'href="#{field}"' in response.text
    if field != "username":
        assert 'value="new.tutor"' in response.text
    assert user(app, "new.tutor") is None
    assert PASSWORD not in response.text, "a password is never sent back"


def test_a_tutor_gets_403_on_every_admin_page_and_a_stranger_is_asked_to_sign_in(app, client):
    other = make_user(app, "tom.tutor", "tutor")
    for path in ("/admin/", "/admin/new", f"/admin/people/{other}/password", f"/admin/people/{other}/delete"):
        response = client.get(path)
        assert response.status_code == 302 and "/sign-in" in response.location, path
    make_user(app, "tia.tutor", "tutor")
    sign_in(client, "tia.tutor")
    for path in ("/admin/", "/admin/new", f"/admin/people/{other}/password", f"/admin/people/{other}/delete"):
        assert client.get(path).status_code == 403, path
    refused = post(client, "/tutor/preview", f"/admin/people/{other}/role", role="admin")
    assert refused.status_code == 403
    assert user(app, "tom.tutor").role == "tutor"


def test_an_admin_changes_a_tutor_into_an_admin_and_back(app, admin):
    tom = make_user(app, "tom.tutor", "tutor", "Tom Tutor")
    response = post(admin, "/admin/", f"/admin/people/{tom}/role", role="admin")
    assert response.status_code == 302
    assert user(app, "tom.tutor").role == "admin"
    assert "Tom Tutor is now an admin." in admin.get(response.location).text
    post(admin, "/admin/", f"/admin/people/{tom}/role", role="tutor")
    assert user(app, "tom.tutor").role == "tutor"


def test_an_admin_cannot_change_their_own_role(app, admin):
    me = user(app, "ada.admin")
    page = admin.get("/admin/")
    assert f"/admin/people/{me.id}/role" not in page.text
    response = post(admin, "/admin/new", f"/admin/people/{me.id}/role", role="tutor")
    assert response.status_code == 422
    assert "You cannot change your own role" in error_message(response)
    assert user(app, "ada.admin").role == "admin"


def test_only_tutors_and_admins_are_managed_here(app, admin):
    learner = make_user(app, "lee.learner", "learner")
    assert post(admin, "/admin/new", f"/admin/people/{learner}/role", role="admin").status_code == 404
    assert admin.get(f"/admin/people/{learner}/password").status_code == 404
    assert user(app, "lee.learner").role == "learner"


def test_an_admin_resets_a_tutors_password(app, admin):
    tom = make_user(app, "tom.tutor", "tutor", "Tom Tutor")
    page = f"/admin/people/{tom}/password"
    mismatch = post(admin, page, page, password="new kettle lamp", confirm="new kettle lump")
    assert mismatch.status_code == 422 and "The two passwords are not the same" in error_message(mismatch)
    short = post(admin, page, page, password="short", confirm="short")
    assert short.status_code == 422 and "8 to 200 characters" in error_message(short)
    done = post(admin, page, page, password="new kettle lamp", confirm="new kettle lamp")
    assert done.status_code == 302
    assert "Tom Tutor’s password is changed" in admin.get(done.location).text
    assert sign_in(app.test_client(), "tom.tutor").status_code == 401
    assert sign_in(app.test_client(), "tom.tutor", "new kettle lamp").status_code == 302


def test_a_tutor_with_no_groups_can_be_deleted_but_not_one_with_groups(app, admin):
    idle = make_user(app, "ivy.tutor", "tutor", "Ivy")
    busy = make_user(app, "bea.tutor", "tutor", "Bea")
    with app.app_context():
        db.session.add(Group(name="Monday", join_code="CCCCCC", tutor_id=busy))
        db.session.commit()
    explained = admin.get(f"/admin/people/{busy}/delete")
    assert "runs 1 group, so the account cannot be deleted" in explained.text
    assert "<form" not in explained.text.split("<main", 1)[1]
    refused = post(admin, f"/admin/people/{idle}/delete", f"/admin/people/{busy}/delete")
    assert refused.status_code == 409
    assert user(app, "bea.tutor") is not None
    deleted = post(admin, f"/admin/people/{idle}/delete", f"/admin/people/{idle}/delete")
    assert deleted.status_code == 302
    assert user(app, "ivy.tutor") is None
    assert "The account is deleted." in admin.get(deleted.location).text


def test_an_admin_cannot_delete_their_own_account_here(app, admin):
    me = user(app, "ada.admin")
    response = post(admin, "/admin/new", f"/admin/people/{me.id}/delete")
    assert response.status_code == 409
    assert user(app, "ada.admin") is not None
