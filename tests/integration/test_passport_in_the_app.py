"""The passport in the app: awards, the gold review, Open Badges documents, sharing and checks."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.badges import openbadges
from app.extensions import db
from app.models import AnswerRecord, Award, PassportShare
from tests.conftest import csrf_token
from tests.integration.test_learner_flow import answer, course_of, right_fields, walk, wrong_fields

MODULE = "passwords"


def awards(app, **where) -> list[Award]:
    with app.app_context():
        query = select(Award).order_by(Award.id)
        for key, value in where.items():
            query = query.where(getattr(Award, key) == value)
        awards = list(db.session.scalars(query))
        db.session.expunge_all()
        return awards


def post(client, page_url: str, action: str, **data):
    page = client.get(page_url)
    return client.post(action, data={**data, "csrf_token": csrf_token(page.text)})


@pytest.fixture
def silver(app, client):
    """A learner who has shown every skill in the passwords topic: bronze and silver, gold still to come."""
    counts = walk(client, course_of(app), MODULE, right_fields)
    assert counts["finished"]
    return client


def age_silver(app, days: int) -> None:
    """Move the silver award back in time, as if it had been earned `days` ago."""
    with app.app_context():
        award = db.session.scalar(select(Award).where(Award.level == "silver"))
        award.awarded_at -= timedelta(days=days)
        db.session.commit()


def share_badge(client, award: Award, share: str = "yes"):
    return post(client, "/passport", f"/passport/badges/{award.public_id}/share", share=share)


# --- earning ----------------------------------------------------------------------------


def test_a_learner_who_shows_every_skill_gets_bronze_and_silver_but_not_yet_gold(app, silver):
    got = awards(app)
    assert [(a.module_id, a.level) for a in got] == [(MODULE, "bronze"), (MODULE, "silver")]
    bronze_skills = [s["id"] for s in got[0].evidence["skills"]]
    assert bronze_skills == list(course_of(app).module(MODULE).passport.skills_for("bronze"))
    assert all(s["estimate"] >= 0.95 and s["mastered_at"] for s in got[0].evidence["skills"])
    page = silver.get("/passport").text
    assert "Silver</span> since" in page and "your gold review opens on" in page
    topic = page.split(f'id="topic-{MODULE}"', 1)[1].split("</section>", 1)[0]
    assert "pass a review: " in topic, "what gold needs"
    assert "get bronze" not in topic and "get silver" not in topic, "a level held is not asked for again"
    assert topic.count("your gold review opens on") == 1, "the next step, once"


def test_getting_a_level_says_what_it_means_what_is_next_and_how_to_share_or_print_it(app, silver):
    bronze = awards(app, level="bronze")[0]
    page = silver.get(f"/answers/{bronze.answer_id}").text
    moment = page.split('class="level-moment', 1)[1].split("</section>", 1)[0]
    assert "“Foundation” level of the UK Essential Digital Skills Framework" in moment
    assert "Next, silver:" in moment and "/badges/art/bronze.png" in moment
    assert 'href="/passport#share"' in moment and 'href="/passport/certificate"' in moment


def test_the_feedback_page_says_when_an_answer_earns_a_level(app, silver):
    bronze = awards(app, level="bronze")[0]
    with app.app_context():
        assert db.session.get(AnswerRecord, bronze.answer_id) is not None
    page = silver.get(f"/answers/{bronze.answer_id}").text
    assert "You got bronze in Passwords and staying safe online" in page


def test_answers_given_with_help_earn_nothing(app, client):
    course = course_of(app)
    counts = walk(client, course, MODULE, lambda q: {**right_fields(q), "helped": "yes"}, max_steps=60)
    assert counts["questions"] > 10 and counts["right"] == counts["questions"]
    assert awards(app) == []
    with app.app_context():
        assert all(r.helped for r in db.session.scalars(select(AnswerRecord)))
    page = client.get(f"/answers/{counts['questions']}").text
    assert "does not count towards your passport" in page


def test_an_award_is_kept_when_later_answers_go_wrong(app, silver):
    course = course_of(app)
    for question in [q for q in course.questions.values() if q.module_id == MODULE][:12]:
        answer(silver, question, wrong_fields(question))
    assert [a.level for a in awards(app)] == ["bronze", "silver"]
    assert "Silver</span> since" in silver.get("/passport").text


# --- the gold review ----------------------------------------------------------------------


def test_the_gold_review_cannot_start_until_days_after_silver(app, silver):
    response = post(silver, "/passport", f"/modules/{MODULE}/gold-review")
    assert response.status_code == 409 and "opens on" in response.text


def test_passing_the_gold_review_after_the_wait_earns_gold_with_its_evidence(app, silver):
    age_silver(app, 4)
    page = silver.get("/passport").text
    assert "Start the gold review" in page
    response = post(silver, "/passport", f"/modules/{MODULE}/gold-review")
    assert response.status_code == 302
    course = course_of(app)
    skills = []
    for _ in range(6):
        location = silver.get(f"/modules/{MODULE}/continue").location
        assert location.startswith("/questions/")
        question_page = silver.get(location).text
        assert "Gold review, question" in question_page
        question = course.questions[location.rsplit("/", 1)[1]]
        skills.append(question.skill)
        answer(silver, question, right_fields(question))
    assert len(set(skills)) == 6, "the review mixes every skill of the topic"
    gold = awards(app, level="gold")
    assert len(gold) == 1 and gold[0].evidence["review"]["right"] == 6
    assert "Gold</span> since" in silver.get("/passport").text


def test_failing_the_gold_review_earns_nothing_and_it_can_be_taken_again_later(app, silver):
    age_silver(app, 4)
    post(silver, "/passport", f"/modules/{MODULE}/gold-review")
    course = course_of(app)
    for _ in range(6):
        question = course.questions[silver.get(f"/modules/{MODULE}/continue").location.rsplit("/", 1)[1]]
        answer(silver, question, wrong_fields(question))
    assert awards(app, level="gold") == []
    assert post(silver, "/passport", f"/modules/{MODULE}/gold-review").status_code == 409


# --- Open Badges documents -----------------------------------------------------------------


def test_the_issuer_and_badge_classes_are_valid_open_badges(app, client):
    assert "email" in " ".join(openbadges.problems(client.get("/badges/issuer").json)), \
        "Open Badges needs the issuer's email: without ISSUER_EMAIL the profile is incomplete"
    app.config["ISSUER_EMAIL"] = "digital.skills@example.org"
    issuer = client.get("/badges/issuer", headers={"Accept": "application/ld+json"})
    assert issuer.mimetype == "application/ld+json"
    assert openbadges.problems(issuer.json) == []
    for level in ("bronze", "silver", "gold"):
        badge = client.get(f"/badges/topics/{MODULE}/{level}").json
        assert openbadges.problems(badge) == [], badge
        assert badge["issuer"] == issuer.json["id"]
        assert client.get(badge["criteria"]["id"].replace("http://localhost", "")).status_code == 200
        assert client.get(badge["image"].replace("http://localhost", "")).mimetype == "image/png"
    assert client.get(f"/badges/topics/{MODULE}/platinum").status_code == 404


def test_an_assertion_is_private_until_the_learner_shares_the_badge(app, silver):
    bronze = awards(app, level="bronze")[0]
    url = f"/badges/awards/{bronze.public_id}"
    assert silver.get(url).status_code == 404
    assert silver.get(f"/check/badge/{bronze.public_id}").status_code == 404
    share_badge(silver, bronze)
    document = silver.get(url)
    assert document.status_code == 200 and openbadges.problems(document.json) == []
    assert document.json["recipient"]["hashed"] is True
    assert document.json["badge"].endswith(f"/badges/topics/{MODULE}/bronze")
    share_badge(silver, bronze, "no")
    assert silver.get(url).status_code == 404


def test_public_addresses_use_the_public_url_when_it_is_set(app, silver):
    app.config["PUBLIC_URL"] = "https://passport.example.org"
    bronze = awards(app, level="bronze")[0]
    share_badge(silver, bronze)
    document = silver.get(f"/badges/awards/{bronze.public_id}").json
    assert document["id"] == f"https://passport.example.org/badges/awards/{bronze.public_id}"


def test_baked_badges_carry_their_assertion(app, silver):
    bronze = awards(app, level="bronze")[0]
    assert silver.get(f"/passport/badges/{bronze.public_id}.png").status_code == 404, "not shared yet"
    share_badge(silver, bronze)
    assertion = silver.get(f"/badges/awards/{bronze.public_id}").json
    png = silver.get(f"/passport/badges/{bronze.public_id}.png")
    assert png.mimetype == "image/png" and "attachment" in png.headers["Content-Disposition"]
    assert json.loads(openbadges.unbake_png(png.data)) == assertion
    svg = silver.get(f"/passport/badges/{bronze.public_id}.svg")
    assert openbadges.unbake_svg(svg.text) == assertion
    other = app.test_client()
    assert other.get(f"/passport/badges/{bronze.public_id}.png").status_code == 404, "only its owner downloads it"


def test_a_revoked_badge_answers_gone_and_its_check_page_says_revoked(app, silver):
    bronze = awards(app, level="bronze")[0]
    share_badge(silver, bronze)
    result = app.test_cli_runner().invoke(args=["badges", "revoke", bronze.public_id, "--reason",
                                          "Answers were given by someone else.", "--by", "A. Tutor"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    document = silver.get(f"/badges/awards/{bronze.public_id}")
    assert document.status_code == 410
    assert document.json["revoked"] is True and document.json["revocationReason"].startswith("Answers were")
    check = silver.get(f"/check/badge/{bronze.public_id}")
    assert "Revoked." in check.text and "Answers were given by someone else." in check.text
    assert "Revoked" in silver.get("/passport").text
    again = app.test_cli_runner().invoke(args=["badges", "revoke", bronze.public_id, "--reason", "x", "--by", "y"])
    assert again.exit_code != 0 and "already revoked" in again.output


def test_a_revoked_level_is_not_awarded_again(app, silver):
    bronze = awards(app, level="bronze")[0]
    app.test_cli_runner().invoke(args=["badges", "revoke", bronze.public_id, "--reason", "Checked", "--by", "Admin"])
    course = course_of(app)
    question = next(q for q in course.questions.values() if q.skill in bronze.evidence["skills"][0]["id"])
    answer(silver, question, right_fields(question))
    assert [a.level for a in awards(app, level="bronze")] == ["bronze"]


def test_revoking_an_unknown_badge_is_a_clear_error(app):
    result = app.test_cli_runner().invoke(args=["badges", "revoke", "nope", "--reason", "x", "--by", "y"])
    assert result.exit_code != 0 and "no badge has the id 'nope'" in result.output


# --- sharing and checks ----------------------------------------------------------------------


def test_a_shared_passport_shows_the_chosen_name_and_levels_and_can_be_withdrawn(app, silver):
    post(silver, "/passport", "/passport/name", name="  Mary   S.  ")
    post(silver, "/passport", "/passport/share", share="yes")
    with app.app_context():
        code = db.session.scalar(select(PassportShare.code))
    assert len(code) == 8 and not set(code) & set("015OIL2ZS8B")
    page = silver.get("/passport").text
    assert f"/check/{code}" in page and "<svg" in page, "the link and its QR code"
    stranger = app.test_client()
    check = stranger.get(f"/check/{code}")
    assert check.status_code == 200 and "Valid." in check.text and "Mary S." in check.text
    assert "Silver" in check.text and "Not quite" not in check.text
    typed = stranger.get("/check", query_string={"code": f"{code[:4].lower()} {code[4:]}"})
    assert typed.status_code == 302 and typed.location.endswith(f"/check/{code}")
    post(silver, "/passport", "/passport/share", share="no")
    gone = stranger.get(f"/check/{code}")
    assert gone.status_code == 404 and "Not found." in gone.text and "Mary" not in gone.text


def test_nothing_is_public_before_the_learner_shares(app, silver):
    stranger = app.test_client()
    for award in awards(app):
        assert stranger.get(f"/check/badge/{award.public_id}").status_code == 404
        assert stranger.get(f"/badges/awards/{award.public_id}").status_code == 404
    assert stranger.get("/check", query_string={"code": "ABCD EFGH"}).status_code == 404
    assert "There is no shared badge" in stranger.get("/check/badge/madeup").text


def test_a_learner_cannot_share_someone_elses_badge(app, silver):
    bronze = awards(app, level="bronze")[0]
    other = app.test_client()
    other.get("/")
    response = post(other, "/passport", f"/passport/badges/{bronze.public_id}/share", share="yes")
    assert response.status_code == 404
    assert not awards(app, level="bronze")[0].shared


def test_forms_without_their_csrf_token_are_refused(app, silver):
    assert silver.post("/passport/share", data={"share": "yes"}).status_code == 400
    assert silver.post(f"/modules/{MODULE}/gold-review").status_code == 400


def test_the_certificate_prints_and_downloads_as_a_pdf(app, silver):
    post(silver, "/passport", "/passport/name", name="Zofia Łukasiewicz")
    page = silver.get("/passport/certificate").text
    assert "Zofia Łukasiewicz" in page and "Silver" in page
    pdf = silver.get("/passport/certificate.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")


# --- the API --------------------------------------------------------------------------------


def test_the_api_reports_badges_and_ignores_helped_answers(app, client):
    token = client.post("/api/v1/learners").json["token"]
    headers = {"Authorization": f"Bearer {token}"}
    course = course_of(app)
    earned = []
    for _ in range(40):
        step = client.get(f"/api/v1/modules/{MODULE}/next", headers=headers).json["next"]
        if step["kind"] == "lesson":
            client.post(f"/api/v1/lessons/{step['lesson']['id']}/read", headers=headers)
            continue
        if step["kind"] != "question":
            break
        question = course.questions[step["question"]["id"]]
        fields = right_fields(question)
        body = ({"typed": fields["typed"]} if "typed" in fields else
                {"order": [fields[f"step-{n}"] for n in range(1, len(fields) + 1)]} if question.kind == "ordering" else
                {"choices": fields["choice"]} if question.kind == "multiple" else {"choice": fields["choice"][0]})
        result = client.post(f"/api/v1/questions/{question.id}/answers", json=body, headers=headers).json
        earned += result["badges"]
        if any(b["level"] == "bronze" for b in earned):
            break
    assert [b["level"] for b in earned][:1] == ["bronze"]
    passport = client.get("/api/v1/me/badges", headers=headers).json["modules"]
    mine = next(m for m in passport if m["module"] == MODULE)
    assert mine["level"] == "bronze" and mine["badges"][0]["id"] == earned[0]["id"]
    assert mine["next"].startswith("Next: practise")


def test_a_badge_keeps_its_recipient_when_it_moves_to_the_learners_account(app, silver):
    with app.app_context():
        from app.auth import accounts
        accounts.create_user("sam.home", "teapot river purple", "learner")
    bronze = awards(app, level="bronze")[0]
    share_badge(silver, bronze)
    before = silver.get(f"/badges/awards/{bronze.public_id}").json["recipient"]
    page = silver.get("/sign-in")
    silver.post("/sign-in", data={"username": "sam.home", "password": "teapot river purple",
                                  "csrf_token": csrf_token(page.text)})
    moved = awards(app, level="bronze")[0]
    assert moved.learner_id != bronze.learner_id, "the badge now belongs to the account"
    assert silver.get(f"/badges/awards/{bronze.public_id}").json["recipient"] == before
