"""SCORM keys: a student id and the package's token are not enough to reach a VLE student's record.

Every student's browser loads the package, token and all, and student ids are easy to guess.
Only the key the site gave the student's first launch, which their own VLE keeps in
cmi.suspend_data, reaches their record. See "Trust model" in docs/vle.md.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from itsdangerous import URLSafeSerializer
from sqlalchemy import select

from app.extensions import db
from app.models import Learner, ScormLearner, ScormPackage
from app.scorm import keys, launch
from tests.integration.test_learner_flow import course_of, right_fields, walk
from tests.integration.test_scorm import (
    count,
    first_launch,
    launch_url,
    learners,
    new_token,
    open_module,
    progress,
    start,
)

VICTIM = "1001"


def link_of(app, student: str = VICTIM) -> ScormLearner:
    with app.app_context():
        link = db.session.scalar(select(ScormLearner).where(ScormLearner.lms_student_id == student))
        db.session.expunge_all()
        return link


def records(app) -> tuple[int, int, list[tuple]]:
    """Return everything a refused launch must leave as it was: learners, VLE links and their keys."""
    with app.app_context():
        links = [(link.lms_student_id, link.learner_id, link.key_hash, link.reopened_at)
                 for link in db.session.scalars(select(ScormLearner).order_by(ScormLearner.id))]
        return count(app, Learner), count(app, ScormLearner), links


def test_someone_with_the_package_and_a_student_id_cannot_become_that_student(app):
    """The security review's attack: the token from the zip, a known student id, another browser."""
    token = new_token(app)
    victim = app.test_client()
    first_launch(victim, token, VICTIM, "Taylor, Sam")
    walk(victim, course_of(app), "passwords", right_fields, max_steps=3)
    before = records(app)

    attacker = app.test_client()
    attempts = [attacker.get(launch_url(token, VICTIM, "Anyone")),
                open_module(attacker, token, VICTIM),
                open_module(attacker, token, VICTIM, keys.new_key())]
    for response in attempts:
        assert response.status_code in (400, 403), response.status_code
        assert "This topic could not be opened" in response.text
    refused = start(attacker, token, VICTIM, "Anyone")
    assert refused.status_code == 403 and "key" not in refused.json
    assert progress(attacker, token, VICTIM).status_code == 403, "not even the score"

    assert attacker.get("/account/data.json").status_code == 404, "the attacker is signed in as nobody"
    assert "Sam Taylor" not in attacker.get("/modules/passwords").text
    assert records(app) == before, "nothing was made or changed"
    assert victim.get("/account/data.json").json["account"]["display_name"] == "Sam Taylor"


def test_a_first_launch_gets_a_new_key_and_the_site_keeps_only_its_hash(app, client):
    token = new_token(app)
    answer = start(client, token)
    assert answer.status_code == 200 and answer.headers["Access-Control-Allow-Origin"] == "*"
    assert answer.headers["Cache-Control"] == "no-store"
    key = answer.json["key"]
    assert keys.KEY.fullmatch(key)
    assert "Set-Cookie" not in answer.headers, "asking for a key signs nobody in"
    link = link_of(app, "s-1001")
    assert link.key_hash == keys.hash_of(key) and key not in link.key_hash
    response = open_module(client, token, key=key)
    assert response.status_code == 303 and response.location == "/modules/passwords"
    assert client.get("/account/data.json").status_code == 200


def test_a_later_launch_with_the_right_key_reaches_the_same_learner_and_changes_nothing(app):
    token = new_token(app)
    key = first_launch(app.test_client(), token)
    before = records(app)
    later = app.test_client()
    assert start(later, token, name="Someone Else", key=key).json == {"key": key}, "the key is kept, not changed"
    assert open_module(later, token, key=key).status_code == 303
    assert progress(later, token, key=key).status_code == 200
    assert records(app) == before
    assert [learner.display_name for learner in learners(app)] == ["Sam Taylor"]


@pytest.mark.parametrize("wrong_key", ["", keys.new_key(), "not a key", "a" * 42 + "!", "k" * 5000],
                         ids=["missing", "another-key", "not-a-key", "bad-character", "huge"])
def test_a_launch_with_a_missing_or_wrong_key_gets_a_plain_403_and_makes_or_changes_nothing(app, wrong_key):
    token = new_token(app)
    first_launch(app.test_client(), token)
    before = records(app)
    other = app.test_client()
    answer = start(other, token, name="Someone Else", key=wrong_key)
    assert answer.status_code == 403 and answer.headers["Access-Control-Allow-Origin"] == "*"
    with app.app_context():
        public_id = db.session.scalar(select(ScormPackage.public_id))
    assert "your VLE did not send the key" in answer.json["error"] and f"{public_id}/s-1001" in answer.json["error"]
    page = open_module(other, token, key=wrong_key)
    assert page.status_code == 403 and "Your progress is safe" in page.text and "<h1>" in page.text
    assert progress(other, token, key=wrong_key).status_code == 403
    assert other.get("/account/data.json").status_code == 404
    assert records(app) == before


def test_a_first_launch_replayed_after_the_student_has_a_key_gets_no_key(app):
    token = new_token(app)
    key = first_launch(app.test_client(), token)
    replayed = start(app.test_client(), token)  # the same request again: no key, as a first launch sends
    assert replayed.status_code == 403 and key not in replayed.text
    assert count(app, Learner) == 1


def test_a_key_in_the_address_does_not_count(app, client):
    token = new_token(app)
    key = first_launch(app.test_client(), token)
    response = client.get(launch_url(token) + f"&key={key}")
    assert response.status_code == 400 and "opens only from your course" in response.text
    by_address = client.get(f"/scorm/progress?token={token}&student=s-1001&key={key}")
    assert by_address.status_code == 403
    assert client.get("/account/data.json").status_code == 404


@pytest.mark.parametrize("student", ["x" * 256, "   ", "\t\n", "s-1001\x7f", "s-\u200b1001"])
def test_a_student_id_a_vle_would_never_send_is_refused_with_a_400_and_makes_nobody(app, client, student):
    token = new_token(app)
    answer = start(client, token, student=student)
    assert answer.status_code == 400 and "did not say who you are" in answer.json["error"]
    assert open_module(client, token, student=student).status_code == 400
    assert progress(client, token, student=student).status_code == 400
    assert count(app, Learner) == 0 and count(app, ScormLearner) == 0


def test_nul_bytes_in_a_student_id_or_a_key_are_refused_with_a_4xx_and_change_nothing(app, client):
    token = new_token(app)
    key = first_launch(app.test_client(), token)
    before = records(app)
    for student, sent_key in (("s-\x00-1001", ""), ("\x00", ""), ("s-1001\x00", key), ("s-1001", key + "\x00")):
        for response in (start(client, token, student=student, key=sent_key),
                         open_module(client, token, student=student, key=sent_key),
                         progress(client, token, student=student, key=sent_key)):
            assert response.status_code in (400, 403), (student, sent_key, response.status_code)
    assert client.get("/account/data.json").status_code == 404
    assert records(app) == before


def test_a_10_mb_student_id_is_refused_without_a_500_and_makes_nobody(app, client):
    token = new_token(app)
    huge = "1" * 10_000_000
    assert start(client, token, student=huge).status_code == 413
    assert open_module(client, token, student=huge).status_code == 413
    assert client.get(launch_url(token, student=huge)).status_code == 400
    assert count(app, Learner) == 0


def test_a_name_with_characters_nobody_can_see_is_cleaned_and_one_with_a_nul_is_no_500(app, client):
    token = new_token(app)
    first_launch(client, token, name="Tay\u200blor,\x07 Sam\x1b")
    [learner] = learners(app)
    assert learner.display_name == "Sam Taylor"
    assert start(app.test_client(), token, student="s-1002", name="Tay\x00lor, Sam").status_code in (200, 400)
    assert all("\x00" not in (learner.display_name or "") for learner in learners(app))


def test_a_package_made_before_keys_is_refused_as_out_of_date_and_reaches_nobody(app, client):
    """Its SCO cannot keep or send a key, so none of its launches can prove who they are."""
    with app.app_context():
        package = ScormPackage(module_id="passwords", created_by="a test")
        db.session.add(package)
        db.session.flush()
        learner = Learner(role="learner", display_name="Sam Taylor")
        db.session.add(learner)
        db.session.flush()
        db.session.add(ScormLearner(package_id=package.id, lms_student_id=VICTIM, learner_id=learner.id))
        db.session.commit()
        old_token = URLSafeSerializer(app.config["SECRET_KEY"], salt="scorm-package").dumps(
            {"package": package.public_id, "module": "passwords"})
    before = records(app)
    for student in (VICTIM, "s-new"):
        page = client.get(launch_url(old_token, student))
        assert page.status_code == 400 and "out of date" in page.text and "download the topic again" in page.text
        old_poll = client.get(f"/scorm/progress?token={old_token}&student={student}")
        assert old_poll.status_code == 400 and "out of date" in old_poll.json["error"]
        assert start(client, old_token, student).status_code == 400
        assert open_module(client, old_token, student).status_code == 400
    assert client.get("/account/data.json").status_code == 404
    assert records(app) == before


def reference_of(app, student: str = "s-1001") -> str:
    with app.app_context():
        return f"{db.session.scalar(select(ScormPackage.public_id))}/{student}"


def test_an_admin_reopens_a_record_whose_key_the_vle_lost_and_the_next_launch_takes_it(app, runner):
    token = new_token(app)
    old_key = first_launch(app.test_client(), token)
    [learner] = learners(app)
    assert start(app.test_client(), token).status_code == 403, "the VLE lost the key"

    result = runner.invoke(args=["scorm", "reopen", reference_of(app)])
    assert result.exit_code == 0 and "next launch within 24 hours" in result.output
    again = app.test_client()
    new_key = start(again, token).json["key"]
    assert new_key != old_key
    assert open_module(again, token, key=new_key).status_code == 303
    assert again.get("/account/data.json").json["account"]["number"] == learner.id, "the same learner"
    assert start(app.test_client(), token).status_code == 403, "reopened for one launch only"
    assert start(app.test_client(), token, key=old_key).status_code == 403, "the lost key no longer works"
    assert count(app, Learner) == 1


def test_a_reopened_record_closes_again_after_a_day_and_an_unknown_reference_is_refused(app, runner):
    token = new_token(app)
    first_launch(app.test_client(), token)
    assert runner.invoke(args=["scorm", "reopen", reference_of(app)]).exit_code == 0
    with app.app_context():
        link = db.session.scalar(select(ScormLearner))
        link.reopened_at -= timedelta(days=1, minutes=1)
        db.session.commit()
    assert start(app.test_client(), token).status_code == 403
    unknown = runner.invoke(args=["scorm", "reopen", reference_of(app, "s-9999")])
    assert unknown.exit_code == 1 and "no student of a package has the reference" in unknown.output
    assert runner.invoke(args=["scorm", "reopen", "no-slash"]).exit_code == 1


def test_two_first_launches_at_once_make_one_learner_and_the_second_gets_no_key(app, monkeypatch):
    token = new_token(app)
    key = first_launch(app.test_client(), token)
    before = records(app)
    # The second launch looked before the first one saved its learner, so it saw nobody.
    monkeypatch.setattr(launch, "_link", lambda found: None)
    racing = start(app.test_client(), token)
    assert racing.status_code == 409 and "opened twice at the same moment" in racing.json["error"]
    assert key not in racing.text and "key" not in racing.json
    assert records(app) == before
