"""What browsers may keep: no page with someone's data, and HTTPS once seen (never on plain http)."""

from __future__ import annotations

from app.badges import awards
from app.extensions import db
from app.models import Learner
from tests.conftest import make_app
from tests.integration.test_accounts import (example_url, make_tutor, protected_rules, save_account,
                                             sign_in)
from tests.integration.test_learner_flow import answer, course_of, right_fields


def first_question_of(app, module_id: str):
    return next(q for q in course_of(app).questions.values() if q.module_id == module_id)


def kept_by_nobody(response) -> bool:
    return "no-store" in response.headers.get("Cache-Control", "")


def test_every_tutor_and_admin_page_is_kept_by_no_browser(app):
    make_tutor(app, "admin.ali", "admin")
    admin = app.test_client()
    sign_in(admin, "admin.ali")
    checked = 0
    for rule, _role in protected_rules(app):
        if "GET" in rule.methods:
            response = admin.get(example_url(rule))
            assert kept_by_nobody(response), (rule.rule, response.status_code, response.headers.get("Cache-Control"))
            checked += 1
    assert checked > 10
    assert kept_by_nobody(app.test_client().get("/tutor/")), "nor the sign-in step in front of them"


def test_a_learners_own_pages_and_data_are_kept_by_no_browser(app, client):
    question = first_question_of(app, "passwords")
    answer(client, question, right_fields(question))
    save_account(client)
    for page in ("/", "/modules/passwords", "/passport", "/account", "/account/data.json", "/answers/1",
                 f"/questions/{question.id}"):
        response = client.get(page)
        assert response.status_code == 200, page
        assert kept_by_nobody(response), page


def test_pages_that_are_the_same_for_everyone_may_still_be_kept(app, client):
    with app.app_context():
        learner = Learner(display_name="Sam Taylor")
        db.session.add(learner)
        db.session.commit()
        code = awards.share_passport(learner).code
    stranger = app.test_client()
    for page in ("/", f"/check/{code}", "/static/style.css", "/badges/art/bronze.png"):
        response = stranger.get(page)
        response.close()  # a static file is sent from an open file
        assert response.status_code == 200, page
        assert not kept_by_nobody(response), page
    question = first_question_of(app, "passwords")
    answer(client, question, right_fields(question))
    assert "max-age" in client.get("/badges/art/bronze.png").headers["Cache-Control"], \
        "a picture the same for everyone keeps its own caching, even for someone signed in"


def test_https_is_remembered_only_when_the_site_is_served_over_https(app, tmp_path, database_url):
    plain = app.test_client().get("/")
    assert "Strict-Transport-Security" not in plain.headers, "never on plain http, as in development"
    secure = app.test_client().get("/", base_url="https://passport.example.org")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")
    assert int(secure.headers["Strict-Transport-Security"].split("=")[1]) >= 180 * 24 * 3600
    behind_a_proxy = make_app(tmp_path, database_url, SESSION_COOKIE_SECURE=True)  # SECURE_COOKIES=1
    try:
        assert "Strict-Transport-Security" in behind_a_proxy.test_client().get("/").headers
    finally:
        with behind_a_proxy.app_context():
            db.engine.dispose()
