"""What stands behind a level, shown to employers and tutors; and revoking a level withdraws those above it."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import PassportShare
from tests.integration.test_learner_flow import answer, course_of, right_fields
from tests.integration.test_passport_in_the_app import awards, post, share_badge, silver  # noqa: F401


def revoke(app, award, reason="Answers were given by someone else."):
    result = app.test_cli_runner().invoke(args=["badges", "revoke", award.public_id, "--reason", reason,
                                                "--by", "A. Tutor"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_every_skill_of_an_award_has_evidence_of_more_than_one_unaided_answer(app, silver):  # noqa: F811
    for award in awards(app):
        for skill in award.evidence["skills"]:
            answers = skill["answers"]
            assert len({a["question"] for a in answers}) >= 2, (award.level, skill["id"])
            assert any(a["hard_to_guess"] for a in answers) and all(a["unaided"] for a in answers)
            # A practice task done right is named apart from the questions (engine/evidence.py).
            tasks = sum(1 for a in answers if a["kind"] == "task")
            said = [f"{len(answers) - tasks} different question{'s' if len(answers) - tasks != 1 else ''} "
                    "answered right"] if len(answers) > tasks else []
            said += [f"{tasks} practice task{'s' if tasks != 1 else ''} done right"] if tasks else []
            assert skill["summary"].startswith(" and ".join(said) + " without help")


def test_the_check_page_and_open_badge_say_what_stood_behind_each_skill_and_what_the_level_means(app, silver):  # noqa: F811
    bronze = awards(app, level="bronze")[0]
    share_badge(silver, bronze)
    stranger = app.test_client()
    page = stranger.get(f"/check/badge/{bronze.public_id}").text
    assert "Bronze means this person showed every bronze skill in Passwords and staying safe online" in page
    for skill in bronze.evidence["skills"]:
        assert skill["title"] in page and skill["summary"] in page
    document = stranger.get(f"/badges/awards/{bronze.public_id}").json
    narratives = [e.get("narrative", "") for e in document["evidence"]]
    assert narratives[0].startswith("Bronze means this person showed every bronze skill in Passwords")
    assert {e["name"] for e in document["evidence"][1:]} == {s["title"] for s in bronze.evidence["skills"]}
    assert all("answered right without help" in n for n in narratives[1:])


def test_revoking_bronze_withdraws_silver_on_every_check(app, silver):  # noqa: F811
    bronze, silver_award = awards(app, level="bronze")[0], awards(app, level="silver")[0]
    share_badge(silver, bronze)
    share_badge(silver, silver_award)
    post(silver, "/passport", "/passport/share", share="yes")
    output = revoke(app, bronze)
    assert "Revoked silver" in output and "which needs bronze" in output
    after = awards(app, level="silver")[0]
    assert after.revoked and "bronze in this topic was revoked" in after.revoked_reason
    assert "Answers were given by someone else." in after.revoked_reason
    stranger = app.test_client()
    check = stranger.get(f"/check/badge/{silver_award.public_id}").text
    assert "Revoked." in check and "bronze in this topic was revoked" in check and "Valid." not in check
    document = stranger.get(f"/badges/awards/{silver_award.public_id}")
    assert document.status_code == 410 and document.json["revoked"] is True
    with app.app_context():
        code = db.session.scalar(select(PassportShare.code))
    link = stranger.get(f"/check/{code}").text
    assert "Valid: got on" not in link and link.count("Revoked on") == 2
    certificate = silver.get("/passport/certificate").text
    assert "<td>Silver</td>" not in certificate and "<td>Bronze</td>" not in certificate




def test_a_learner_answering_right_through_the_pages_holds_no_level_after_one_answer(app, client):
    course = course_of(app)
    location = client.get("/modules/applying-for-jobs/continue").location
    question = course.questions[location.rsplit("/", 1)[-1]]
    response = answer(client, question, right_fields(question))
    assert response.status_code in (200, 302)
    assert awards(app) == []
    assert "level--mastered" not in client.get("/modules/applying-for-jobs").text


def test_a_badge_id_never_starts_with_a_dash_so_a_command_can_take_it(monkeypatch):
    from app import models

    ids = iter(["-starts-with-a-dash-aaaaa", "fine-id-bbbbbbbbbbbbbb"])
    monkeypatch.setattr(models.secrets, "token_urlsafe", lambda n: next(ids))
    assert models.new_public_id() == "fine-id-bbbbbbbbbbbbbb"
