"""A learner does the Passwords module's practice tasks through the pages, on each database."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AnswerRecord, LearnerModuleState
from tests.conftest import csrf_token
from tests.integration.practice_pages import records

ACCOUNT = "/modules/passwords/practice/make-a-pretend-account"
INBOX = "/modules/passwords/practice/sort-the-inbox"
STRONG = {"password": "kettle giraffe marble", "two_step": "on", "code": "481 207", "code_request": "keep"}


def course_of(app):
    return app.extensions["course_store"].course


def right_inbox(app) -> dict:
    fields = {}
    for message in course_of(app).tasks["sort-the-inbox"].scenario.messages:
        fields[f"{message.id}-verdict"] = "scam" if message.scam else "safe"
        if message.scam:
            fields[f"{message.id}-clue"] = message.clue
            fields[f"{message.id}-action"] = message.actions[0]
    return fields


def send(client, page: str, **fields):
    form = client.get(page)
    assert form.status_code == 200
    return client.post(page, data={**fields, "csrf_token": csrf_token(form.text)})


def test_every_practice_page_says_it_is_pretend_and_asks_for_nothing_real(client):
    for page in ("/modules/passwords/practice", ACCOUNT, INBOX):
        response = client.get(page)
        assert response.status_code == 200
        assert "This is pretend practice" in response.text
        assert "Never type your own" in response.text
        assert 'type="password"' not in response.text  # nothing a browser would offer to save


def test_a_strong_password_with_two_step_on_passes_and_keeps_the_steps_but_not_the_password(app, client):
    response = send(client, ACCOUNT, **STRONG)
    assert response.status_code == 302
    outcome = client.get(response.location)
    assert outcome.status_code == 200 and "Well done: no mistakes" in outcome.text
    [record] = records(app)
    assert (record.task_id, record.question_id, record.kind, record.correct) == (
        "make-a-pretend-account", "task:make-a-pretend-account", "task", True)
    assert record.steps["password"] == {"length": 21, "strength": 4} and record.steps["code_right"] is True
    with app.app_context():
        everything = " ".join(str(v) for r in db.session.execute(select(AnswerRecord.__table__)) for v in r)
        everything += " ".join(str(s) for s in db.session.scalars(select(LearnerModuleState.state)))
    assert "kettle" not in everything


def test_a_passed_task_is_evidence_for_each_of_its_skills(app, client):
    send(client, ACCOUNT, **STRONG)
    with app.app_context():
        state = db.session.scalar(select(LearnerModuleState.state))
    assert state["tasks_passed"].keys() == {"make-a-pretend-account"}
    for skill in ("strong-passwords", "two-step-verification"):
        assert [s[:2] for s in state["skills"][skill]["shown"]] == [["make-a-pretend-account", "task"]]


def test_a_weak_password_shows_why_and_the_lesson_that_helps(client):
    response = send(client, ACCOUNT, **{**STRONG, "password": "Biscuit2024"})
    outcome = client.get(response.location)
    assert "Not quite yet" in outcome.text
    assert "easy to find out" in outcome.text
    assert "/lessons/why-pet-names-are-weak" in outcome.text


def test_sorting_the_inbox_right_passes_and_a_missed_scam_names_the_message_and_its_clue(app, client):
    assert "Well done" in client.get(send(client, INBOX, **right_inbox(app)).location).text
    wrong = {**right_inbox(app), "parcel-fee-verdict": "safe"}
    outcome = client.get(send(client, INBOX, **wrong).location)
    assert "Message 1: the text from +44 7700 900461" in outcome.text
    assert "odd address" in outcome.text and "/lessons/scams-can-look-real" in outcome.text
    assert [r.correct for r in records(app)] == [True, False]


def test_a_card_number_typed_is_refused_not_kept_and_not_shown_back(app, client):
    response = send(client, ACCOUNT, **{**STRONG, "password": "4111 1111 1111 1111"})
    assert response.status_code == 422
    assert "looks like a real card number" in response.text and "4111" not in response.text
    assert records(app) == []


def test_a_sort_code_and_account_number_typed_are_refused_and_not_kept(app, client):
    response = send(client, ACCOUNT, **{**STRONG, "password": "sort 12-34-56", "code": "12345678"})
    assert response.status_code == 422 and "sort code and account number" in response.text
    assert "12345678" not in response.text and records(app) == []


@pytest.mark.parametrize("fields", [
    {"two_step": "definitely"},
    {"code_request": "<script>alert(1)</script>"},
    {"password": ""},
    {"password": "x" * 5000},
])
def test_forged_or_missing_fields_get_a_plain_422_and_nothing_is_kept(app, client, fields):
    response = send(client, ACCOUNT, **{**STRONG, **fields})
    assert response.status_code == 422 and "There is a problem" in response.text
    assert "<script>alert" not in response.text
    assert records(app) == []


def test_a_forged_inbox_choice_is_refused_and_the_choices_made_come_back(app, client):
    response = send(client, INBOX, **{**right_inbox(app), "bank-code-action": "wire-money"})
    assert response.status_code == 422 and "not on the page" in response.text
    assert 'id="parcel-fee-verdict-scam" name="parcel-fee-verdict" value="scam" checked' in response.text
    assert records(app) == []


def test_a_nul_byte_in_a_task_form_is_refused_with_a_4xx(app, client):
    response = send(client, ACCOUNT, **{**STRONG, "password": "kettle\x00giraffe"})
    assert 400 <= response.status_code < 500
    assert records(app) == []


def test_a_task_or_module_that_does_not_exist_is_not_found(client):
    assert client.get("/modules/passwords/practice/no-such-task").status_code == 404
    assert client.get("/modules/no-such-module/practice/sort-the-inbox").status_code == 404
    assert client.get("/modules/online-banking/practice/sort-the-inbox").status_code == 404
    assert client.get("/modules/no-such-module/practice").status_code == 404
    assert client.get(f"/modules/passwords/practice/{'x' * 5000}").status_code in (404, 414)


def test_someone_elses_try_is_not_found(app, client):
    location = send(client, ACCOUNT, **STRONG).location
    other = app.test_client()
    assert other.get(location).status_code == 404
    assert client.get(location.replace("make-a-pretend-account/tries", "sort-the-inbox/tries")).status_code == 404
    assert client.get(ACCOUNT + "/tries/99999999999999999999").status_code == 404


def test_a_task_done_with_help_is_kept_but_counts_for_nothing(app, client):
    send(client, ACCOUNT, **STRONG, helped="yes")
    [record] = records(app)
    assert record.helped and record.correct
    with app.app_context():
        state = db.session.scalar(select(LearnerModuleState.state))
    assert state["tasks_passed"] == {}


def test_the_answer_record_is_never_changed_by_another_try(app, client):
    send(client, ACCOUNT, **{**STRONG, "two_step": ""})
    send(client, ACCOUNT, **STRONG)
    assert [(r.correct, r.steps["two_step"]) for r in records(app)] == [(False, False), (True, True)]
    with app.app_context():
        assert db.session.scalar(select(func.count(AnswerRecord.id))) == 2


def test_a_guests_tries_move_to_their_account_when_they_sign_in_and_still_count(app, client):
    from tests.integration.test_accounts import save_account, sign_in

    assert save_account(client).status_code == 302
    laptop = app.test_client()
    send(laptop, INBOX, **right_inbox(app))  # a guest on another computer does the inbox task
    assert sign_in(laptop).status_code == 302
    [record] = records(app)
    with app.app_context():
        owner = db.session.scalar(select(LearnerModuleState.learner_id))
        state = db.session.scalar(select(LearnerModuleState.state))
    assert record.learner_id == owner and record.task_id == "sort-the-inbox" and record.steps == {
        m.id: {"verdict": "scam" if m.scam else "safe", **({"clue": m.clue, "action": m.actions[0]} if m.scam else {})}
        for m in course_of(app).tasks["sort-the-inbox"].scenario.messages}
    assert list(state["tasks_passed"]) == ["sort-the-inbox"]
    assert [s[0] for s in state["skills"]["spot-scams"]["shown"]] == ["sort-the-inbox"]


def test_a_learner_following_the_engine_through_passwords_does_a_task_and_silver_records_it(app, client):
    from app.models import Award
    from tests.integration.test_learner_flow import right_fields, walk

    counts = walk(client, course_of(app), "passwords", right_fields)
    assert counts["finished"] and counts["tasks"] >= 1
    with app.app_context():
        silver = db.session.scalar(select(Award).where(Award.level == "silver"))
    assert silver is not None and [t["id"] for t in silver.evidence["tasks"]]
    [task] = silver.evidence["tasks"][:1]
    page = client.get("/passport")
    client.post(f"/passport/badges/{silver.public_id}/share", data={"share": "yes", "csrf_token": csrf_token(page.text)})
    check = app.test_client().get(f"/check/badge/{silver.public_id}")
    assert check.status_code == 200 and "Practice tasks done on their own" in check.text
    assert task["title"] in check.text


def test_content_check_reports_a_task_mistake_as_path_line_and_strict_fails_on_a_task_warning(runner, tmp_path):
    from tests.unit.conftest import LESSON, MODULE, REMEDY
    from tests.unit.test_practice_task_files import INBOX_TASK

    folder = tmp_path / "own" / "safety"
    (folder / "tasks").mkdir(parents=True)
    (folder / "module.md").write_text(MODULE)
    (folder / "01-three-words.md").write_text(LESSON)
    (folder / "90-pet-names.md").write_text(REMEDY)
    task = folder / "tasks" / "sort-my-texts.md"
    task.write_text(INBOX_TASK.replace("clue: link", "clue: linky"))
    result = runner.invoke(args=["content", "check", str(folder.parent)])
    assert result.exit_code == 1
    assert "safety/tasks/sort-my-texts.md:13: a scam's 'clue' is one of sender, link, urgency, code" in result.output
    task.write_text(INBOX_TASK.replace("pet-name-password", "no-such-mixup"))
    assert runner.invoke(args=["content", "check", str(folder.parent)]).exit_code == 0
    strict = runner.invoke(args=["content", "check", "--strict", str(folder.parent)])
    assert strict.exit_code == 1 and "no lesson fixes the misconception 'no-such-mixup'" in strict.output


def test_content_export_lists_the_passwords_tasks_with_id_kind_and_skills(runner):
    import json

    result = runner.invoke(args=["content", "export"])
    passwords = next(m for m in json.loads(result.output)["modules"] if m["id"] == "passwords")
    assert {(t["id"], t["kind"], tuple(t["skills"])) for t in passwords["tasks"]} >= {
        ("make-a-pretend-account", "sign-up", ("strong-passwords", "two-step-verification")),
        ("sort-the-inbox", "inbox", ("spot-scams",))}


def test_the_answer_page_of_a_try_at_a_task_leads_to_how_the_try_went(app, client):
    location = send(client, ACCOUNT, **STRONG).location
    [record] = records(app)
    response = client.get(f"/answers/{record.id}")
    assert response.status_code == 302 and response.location == location
