"""Public pages (an employer checking a passport or a badge) show no learner's menu or progress."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Award, PassportShare
from tests.integration.test_accounts import post
from tests.integration.test_learner_flow import course_of, right_fields, walk

# The question "Is this a shared computer?", at the top of the home page or below other pages.
ASKED = 'id="shared-question-title"'

LEARNER_CHROME = ("Your passport", "Save your progress", "Save or sign in", "Your account",
                  "Finish on this computer", "progress is saved", ASKED)


def shared_passport(app, client) -> tuple[str, str]:
    """Earn bronze and silver in passwords, share the passport and the bronze badge; return the code and badge id."""
    assert walk(client, course_of(app), "passwords", right_fields)["finished"]
    post(client, "/passport", "/passport/share", share="yes")
    with app.app_context():
        code = db.session.scalar(select(PassportShare.code))
        bronze = db.session.scalar(select(Award).where(Award.level == "bronze"))
    post(client, "/passport", f"/passport/badges/{bronze.public_id}/share", share="yes")
    return code, bronze.public_id


def test_check_pages_show_the_learners_own_browser_no_learner_menu_or_progress_note(app, client):
    code, badge = shared_passport(app, client)
    for path in (f"/check/{code}", f"/check/badge/{badge}", "/check", "/check/NOPENOPE",
                 "/badges/topics/passwords/silver/criteria"):
        page = client.get(path).text  # the learner's own browser, signed in as a guest
        for words in LEARNER_CHROME:
            assert words not in page, (path, words)
        assert 'class="brand"' in page and "Text size and colours" in page, path


def test_learner_pages_keep_their_menu(app, client):
    shared_passport(app, client)
    page = client.get("/passport").text
    assert "Your passport" in page and "Save your progress" in page and "Finish on this computer" in page


def test_a_guest_who_never_made_an_account_is_offered_to_save_their_progress_not_their_account(app, client):
    assert "Save or sign in" in client.get("/").text
    shared_passport(app, client)
    page = client.get("/").text
    assert ">Save your progress</a>" in page and "Your account" not in page
    assert "<h1>Save your progress</h1>" in client.get("/account").text
    post(client, "/account/save", "/account/save", username="sam.taylor", password="teapot river purple",
         confirm="teapot river purple")
    assert ">Your account</a>" in client.get("/").text and "<h1>Your account</h1>" in client.get("/account").text
