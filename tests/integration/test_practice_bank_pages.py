"""A learner does the Online banking module's pretend bank tasks through the pages, on each database."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AnswerRecord, LearnerModuleState
from tests.integration.practice_pages import send

PAYEE = "/modules/online-banking/practice/pay-a-new-payee-safely"
REGULAR = "/modules/online-banking/practice/sort-out-regular-payments"
SAFE_PAYEE = {"customer-number": "PRACTICE-4417", "character-2": "i", "character-5": "t", "character-8": "u",
              "pin-request": "stop", "pending": ["shop", "bus"], "spend": "370.20", "payee-name": "Jordan Blake",
              "payee-amount": "80.00", "name-check": "check-another-way"}
SAFE_REGULAR = {"customer-number": "PRACTICE-4417", "character-1": "l", "character-4": "h", "character-9": "s",
                "order-to": "Priya Morgan", "order-amount": "25", "order-how-often": "monthly", "order-day": "5",
                "cancel-debit": "fit-and-well", "after-cancel": "tell-company"}


def records() -> list[AnswerRecord]:
    return list(db.session.scalars(select(AnswerRecord).order_by(AnswerRecord.id)))


def test_the_bank_pages_say_they_are_pretend_and_list_both_tasks(client):
    listing = client.get("/modules/online-banking/practice")
    assert PAYEE in listing.text and REGULAR in listing.text and "pretend bank" in listing.text
    for page in (PAYEE, REGULAR):
        response = client.get(page)
        assert response.status_code == 200 and "This is pretend practice" in response.text
        assert "Practice Bank (pretend)" in response.text and 'type="password"' not in response.text
        assert 'name="sort' not in response.text and 'name="account' not in response.text  # never typed


def test_paying_a_new_payee_safely_passes_and_keeps_the_choices_not_the_sign_in_details(app, client):
    response = send(client, PAYEE, SAFE_PAYEE)
    assert response.status_code == 302
    assert "Well done: no mistakes" in client.get(response.location).text
    with app.app_context():
        [record] = records()
        state = db.session.scalar(select(LearnerModuleState.state))
    assert (record.task_id, record.module_id, record.correct) == ("pay-a-new-payee-safely", "online-banking", True)
    assert record.steps["new-payee"]["name_check"] == "check-another-way"
    assert "PRACTICE" not in str(record.steps) and "4417" not in str(record.steps)
    assert set(state["tasks_passed"]) == {"pay-a-new-payee-safely"}


def test_paying_when_the_name_does_not_match_shows_why_and_the_lesson_that_helps(client):
    response = send(client, PAYEE, {**SAFE_PAYEE, "name-check": "pay-anyway", "spend": "412.60"})
    outcome = client.get(response.location)
    assert "Not quite yet" in outcome.text and "Paying Jordan Blake" in outcome.text
    assert "/lessons/when-the-name-does-not-match" in outcome.text
    assert "/lessons/pending-payments-explained" in outcome.text and "£370.20" in outcome.text


def test_cancelling_a_direct_debit_without_telling_the_gym_links_to_the_lesson(client):
    response = send(client, REGULAR, {**SAFE_REGULAR, "after-cancel": "nothing"})
    outcome = client.get(response.location)
    assert "The direct debits" in outcome.text and "/lessons/cancelling-is-not-ending" in outcome.text


@pytest.mark.parametrize("page, fields", [
    (PAYEE, {**SAFE_PAYEE, "name-check": "<script>alert(1)</script>"}),
    (PAYEE, {**SAFE_PAYEE, "pending": ["shop", "someone-elses-row"]}),
    (PAYEE, {**SAFE_PAYEE, "spend": "a lot"}),
    (PAYEE, {**SAFE_PAYEE, "payee-name": "x" * 5000}),
    (PAYEE, {**SAFE_PAYEE, "customer-number": ""}),
    (REGULAR, {**SAFE_REGULAR, "order-day": "99999999999999999999"}),
    (REGULAR, {**SAFE_REGULAR, "cancel-debit": "../../etc"}),
])
def test_forged_or_missing_bank_fields_get_a_plain_422_and_nothing_is_kept(app, client, page, fields):
    response = send(client, page, fields)
    assert response.status_code == 422 and "There is a problem" in response.text
    assert "<script>alert" not in response.text
    with app.app_context():
        assert records() == []


def test_a_refused_bank_form_keeps_the_choices_and_amounts_already_made(client):
    response = send(client, PAYEE, {**SAFE_PAYEE, "name-check": ""})
    assert response.status_code == 422 and "when the name does not match" in response.text
    assert 'name="pending" value="shop" checked' in response.text and 'value="370.20"' in response.text


def test_a_real_looking_card_number_in_the_payment_name_is_refused_and_not_shown_back(app, client):
    response = send(client, PAYEE, {**SAFE_PAYEE, "payee-name": "4111 1111 1111 1111"})
    assert response.status_code == 422 and "looks like a real card number" in response.text
    assert "4111" not in response.text
    with app.app_context():
        assert records() == []


def test_a_nul_byte_in_the_bank_form_is_refused_with_a_4xx(app, client):
    response = send(client, PAYEE, {**SAFE_PAYEE, "payee-name": "Jordan\x00Blake"})
    assert 400 <= response.status_code < 500
    with app.app_context():
        assert records() == []


def test_a_bank_task_in_another_module_or_that_does_not_exist_is_not_found(client):
    assert client.get("/modules/online-banking/practice/no-such-task").status_code == 404
    assert client.get("/modules/passwords/practice/pay-a-new-payee-safely").status_code == 404
