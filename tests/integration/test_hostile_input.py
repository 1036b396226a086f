"""Bad input gets a clear 4xx, never a 500, and nothing is saved: NUL bytes, huge ids, deep JSON, long text."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AnswerRecord, Group, Learner, Membership
from app.storable import UnstorableText
from tests.conftest import csrf_token
from tests.integration.hostile import DEEP_JSON, build_site
from tests.integration.test_learner_flow import course_of

NUL_MESSAGE = "a &#39;null&#39; character"


@pytest.fixture
def site(app):
    """Return a site with an admin, a tutor with a group and a learner in it."""
    return build_site(app)


def rows(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def post_form(client, page: str, action: str | None = None, **data):
    token = csrf_token(client.get(page).text)
    return client.post(action or page, data={**data, "csrf_token": token})


def typed_question(app):
    return next(q for q in course_of(app).questions.values() if q.kind == "typed")


# --- NUL bytes (item 8) -------------------------------------------------------------------------------


def test_a_nul_in_a_sign_in_is_refused_plainly(site):
    client = site.app.test_client()
    response = post_form(client, "/sign-in", username="lou\x00.learner", password="x\x00")
    assert response.status_code == 400
    assert NUL_MESSAGE in response.text and "Skills Passport" in response.text


def test_a_nul_in_a_form_saves_nothing_anywhere(site):
    app = site.app
    groups, members, learners = rows(app, Group), rows(app, Membership), rows(app, Learner)
    tutor = site.sign_in("tutor")
    assert post_form(tutor, "/tutor/", "/tutor/groups", name="Wednesday\x00 class").status_code == 400
    guest = app.test_client()
    with app.app_context():
        code = db.session.scalar(select(Group.join_code))
    assert post_form(guest, "/groups/join", code=code, name="Sam\x00").status_code == 400
    assert post_form(guest, "/groups/join", code=code + "\x00", name="Sam").status_code == 400
    learner = site.sign_in("learner")
    assert post_form(learner, "/passport", "/passport/name", name="Lou\x00").status_code == 400
    admin = site.sign_in("admin")
    assert post_form(admin, "/admin/new", username="nia\x00", password="teapot river purple",
                     confirm="teapot river purple", role="tutor").status_code == 400
    assert (rows(app, Group), rows(app, Membership), rows(app, Learner)) == (groups, members, learners)


def test_a_nul_in_a_typed_answer_is_refused_on_the_page_and_in_the_api(site):
    app = site.app
    question = typed_question(app)
    answers = rows(app, AnswerRecord)
    client = app.test_client()
    response = post_form(client, f"/questions/{question.id}", typed="pass\x00word")
    assert response.status_code == 400 and NUL_MESSAGE in response.text
    token = client.post("/api/v1/learners").get_json()["token"]
    for body in ('{"typed": "pass\\u0000word"}', '{"typed": "\\ud800"}', '{"typed": "ok", "\\u0000": 1}'):
        response = client.post(f"/api/v1/questions/{question.id}/answers", data=body,
                               content_type="application/json", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 400 and "null" in response.get_json()["error"], body
    assert rows(app, AnswerRecord) == answers


def test_a_nul_in_an_address_is_a_page_not_found(site):
    client = site.sign_in("learner")
    for url in ("/badges/awards/abc%00def", "/check/badge/%00", "/check/AB%00CD", "/modules/passwords%00",
                "/passport/badges/x%00.json"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Page not found" in response.text


def test_a_nul_in_a_query_is_refused(site):
    client = site.app.test_client()
    assert client.get("/check?code=AB%00CD").status_code == 400
    assert client.get("/sign-in?next=/%00").status_code == 400


def test_a_nul_in_a_cookie_locks_nobody_out_and_breaks_nothing(site):
    client = site.sign_in("learner")
    for name in ("lti1p3-session-id", "remember_token", "hostile"):
        client.set_cookie(name, "x\x00y")
    assert client.get("/").status_code == 200
    assert client.get("/passport").status_code == 200
    assert 400 <= client.post("/lti/launch", data={"id_token": "x", "state": "x"}).status_code < 500


# --- ids too big for the database (item 9) ---------------------------------------------------------------


@pytest.mark.parametrize("too_big", [2**31, 2**63, 2**64, 10**40])
def test_an_id_too_big_for_the_database_is_a_page_not_found(site, too_big):
    group = site.ids["group"]
    learner, tutor, admin = site.sign_in("learner"), site.sign_in("tutor"), site.sign_in("admin")
    assert learner.get(f"/answers/{too_big}").status_code == 404
    token = csrf_token(learner.get("/account").text)
    assert learner.post(f"/groups/{too_big}/leave", data={"csrf_token": token}).status_code == 404
    for url in (f"/tutor/groups/{too_big}", f"/tutor/groups/{group}/learners/{too_big}",
                f"/tutor/groups/{too_big}/export.csv"):
        assert tutor.get(url).status_code == 404, url
    for url in (f"/admin/people/{too_big}/delete", f"/admin/people/{too_big}/password",
                f"/badges/learners/{too_big}"):
        assert admin.get(url).status_code == 404, url


def test_the_largest_id_a_database_holds_is_still_an_address(site):
    client = site.sign_in("learner")
    assert client.get(f"/answers/{2**31 - 1}").status_code == 404  # looked up, and simply not there
    assert client.get(f"/answers/{site.ids['answer']}").status_code == 200


# --- the API: deep JSON, and errors as JSON (item 10) ----------------------------------------------------


def test_deeply_nested_json_is_a_plain_400_in_json(site):
    client = site.app.test_client()
    token = client.post("/api/v1/learners").get_json()["token"]
    question = typed_question(site.app)
    for body in (DEEP_JSON, "[" * 40 + "]" * 40, '{"typed": ' + "[" * 40 + "]" * 40 + "}"):
        response = client.post(f"/api/v1/questions/{question.id}/answers", data=body,
                               content_type="application/json", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 400 and response.is_json, body[:50]
        assert "JSON object" in response.get_json()["error"]


def test_api_errors_are_json_even_for_a_wrong_method_or_address(site):
    client = site.app.test_client()
    for method, url, status in [("DELETE", "/api/v1/modules", 405), ("GET", "/api/v1/learners", 405),
                                ("PUT", "/api/v1/questions/x/answers", 405), ("GET", "/api/v1/nowhere", 404),
                                ("GET", f"/api/v1/modules/{'x' * 3000}%00/next", 404)]:
        response = client.open(url, method=method)
        assert response.status_code == status and response.is_json, (method, url)
        assert response.get_json()["error"]


def test_a_huge_number_of_hints_in_the_api_is_kept_within_the_question(site):
    client = site.app.test_client()
    token = client.post("/api/v1/learners").get_json()["token"]
    question = typed_question(site.app)
    response = client.post(f"/api/v1/questions/{question.id}/answers", json={"typed": "x", "hints_used": 2**70},
                           headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201
    with site.app.app_context():
        assert db.session.get(AnswerRecord, response.get_json()["answer_id"]).hints_used == len(question.hints)


# --- text too long for its column: the same answer on both databases --------------------------------------


def test_text_too_long_for_its_column_is_refused_before_it_is_written(app):
    with app.app_context():
        db.session.add(Learner(display_name="x" * 81))
        with pytest.raises(UnstorableText) as refused:
            db.session.flush()
        assert refused.value.limit == 80
        db.session.rollback()
        db.session.add(Learner(display_name="Lou\x00"))
        with pytest.raises(UnstorableText):
            db.session.flush()
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(Learner)) == 0


def test_a_page_that_would_save_over_long_text_says_so_with_a_400(app):
    @app.post("/test-only/name")
    def save_name():
        db.session.add(Learner(display_name="x" * 500))
        db.session.commit()
        return "saved"

    app.config["WTF_CSRF_ENABLED"] = False
    response = app.test_client().post("/test-only/name")
    assert response.status_code == 400 and "longer than 80 characters" in response.text
    assert rows(app, Learner) == 0
