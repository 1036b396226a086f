"""Each kind of practice task marks a learner's steps: right steps pass, each mistake is named, hostile steps are refused."""

from __future__ import annotations

import pytest

from engine.loader import load_course
from engine.tasks import KINDS, StepsError
from engine.tasks.real_details import luhn_valid, real_details
from tests.conftest import CONTENT_DIR

COURSE = load_course(CONTENT_DIR)
ACCOUNT = COURSE.tasks["make-a-pretend-account"]
INBOX = COURSE.tasks["sort-the-inbox"]
SIGN_UP, SORT = KINDS["sign-up"], KINDS["inbox"]


def account_steps(**changes) -> dict:
    fields = {"password": ["kettle giraffe marble"], "two_step": ["on"], "code": ["481 207"],
              "code_request": ["keep"]}
    fields.update(changes)
    return SIGN_UP.read_steps(ACCOUNT.scenario, {k: v for k, v in fields.items() if v is not None})


def mistakes_in_account(**changes) -> tuple[str, ...]:
    return SIGN_UP.check(ACCOUNT.scenario, account_steps(**changes)).mistakes


def test_three_random_words_with_two_step_turned_on_passes_the_sign_up_task():
    outcome = SIGN_UP.check(ACCOUNT.scenario, account_steps())
    assert outcome.passed and outcome.found == ()


@pytest.mark.parametrize("password, reason", [
    ("password1", "one of the passwords people use most"),
    ("zxcvbnm,./", "keys that sit next to each other"),
    ("Sunshine!", "it is short"),
])
def test_a_weak_password_is_named_weak_with_the_reason_it_is_weak(password, reason):
    outcome = SIGN_UP.check(ACCOUNT.scenario, account_steps(password=[password]))
    assert outcome.mistakes == ("weak-password",)
    assert reason in outcome.found[0].detail and "three random words" in outcome.found[0].detail.lower()


def test_a_password_with_the_pretend_persons_pet_is_a_personal_details_mistake():
    outcome = SIGN_UP.check(ACCOUNT.scenario, account_steps(password=["biscuit walks daily happily"]))
    assert outcome.mistakes == ("personal-details",)
    assert "Biscuit" in outcome.found[0].detail


def test_the_password_they_already_use_elsewhere_is_a_reused_password_mistake():
    assert mistakes_in_account(password=["Biscuit1978"]) == ("reused-password",)


def test_leaving_two_step_verification_off_is_a_mistake_even_with_a_strong_password():
    assert mistakes_in_account(two_step=None, code=None) == ("two-step-off",)


def test_typing_a_code_other_than_the_one_sent_is_a_mistake():
    assert mistakes_in_account(code=["481 208"]) == ("wrong-code",)


def test_giving_the_code_to_someone_who_asks_is_a_mistake():
    assert mistakes_in_account(code_request=["share"]) == ("shared-code",)


def test_the_sign_up_outcome_never_keeps_the_password_typed():
    outcome = SIGN_UP.check(ACCOUNT.scenario, account_steps(password=["kettle giraffe marble"]))
    assert "kettle" not in repr(outcome.kept)
    assert outcome.kept["password"] == {"length": 21, "strength": 4}


@pytest.mark.parametrize("fields, says", [
    ({"password": [""]}, "Type a password"),
    ({"password": ["a", "b"]}, "filled in twice"),
    ({"password": ["x" * 80]}, "under 72 characters"),
    ({"password": ["kettle\x00giraffe marble"]}, "cannot be typed"),
    ({"two_step": ["yes please"]}, "not on the page"),
    ({"code_request": ["tell them"]}, "not on the page"),
    ({"code_request": None}, "when someone asks for the code"),
])
def test_hostile_or_missing_sign_up_fields_are_refused_with_a_plain_message(fields, says):
    with pytest.raises(StepsError, match=says):
        account_steps(**fields)


def inbox_fields(**changes) -> dict:
    fields = {}
    for message in INBOX.scenario.messages:
        fields[f"{message.id}-verdict"] = ["scam" if message.scam else "safe"]
        if message.scam:
            fields[f"{message.id}-clue"] = [message.clue]
            fields[f"{message.id}-action"] = [message.actions[0]]
    fields.update(changes)
    return {k: v for k, v in fields.items() if v is not None}


def inbox_outcome(**changes):
    return SORT.check(INBOX.scenario, SORT.read_steps(INBOX.scenario, inbox_fields(**changes)))


def test_sorting_every_message_right_with_its_clue_and_action_passes_the_inbox_task():
    outcome = inbox_outcome()
    assert outcome.passed and outcome.found == ()


def test_a_scam_marked_safe_is_a_missed_scam_pointing_at_that_message_and_its_clue():
    outcome = inbox_outcome(**{"parcel-fee-verdict": ["safe"], "parcel-fee-clue": None, "parcel-fee-action": None})
    assert [(f.mistake, f.about) for f in outcome.found] == [("missed-scam", "parcel-fee")]
    assert "link" in outcome.found[0].detail


def test_a_safe_message_marked_scam_is_a_false_alarm():
    outcome = inbox_outcome(**{"library-reminder-verdict": ["scam"], "library-reminder-clue": ["link"],
                               "library-reminder-action": ["block"]})
    assert [(f.mistake, f.about) for f in outcome.found] == [("false-alarm", "library-reminder")]


def test_pointing_at_the_wrong_clue_is_a_wrong_clue_mistake():
    outcome = inbox_outcome(**{"tax-refund-clue": ["code"]})
    assert [(f.mistake, f.about) for f in outcome.found] == [("wrong-clue", "tax-refund")]


def test_forwarding_a_scam_email_to_the_text_number_is_a_wrong_action():
    outcome = inbox_outcome(**{"tax-refund-action": ["forward-7726"]})
    assert [(f.mistake, f.about) for f in outcome.found] == [("wrong-action", "tax-refund")]
    assert "report@phishing.gov.uk" in outcome.found[0].detail


def test_replying_to_a_scam_is_an_unsafe_action():
    assert inbox_outcome(**{"bank-code-action": ["reply"]}).mistakes == ("unsafe-action",)


@pytest.mark.parametrize("changes, says", [
    ({"parcel-fee-verdict": None}, "message 1 is safe or a scam"),
    ({"parcel-fee-verdict": ["maybe"]}, "not on the page"),
    ({"bank-code-clue": ["<script>"]}, "not on the page"),
    ({"bank-code-action": None}, "what you would do with message 3"),
    ({"tax-refund-verdict": ["scam", "safe"]}, "filled in twice"),
])
def test_hostile_or_missing_inbox_fields_are_refused_with_a_plain_message(changes, says):
    with pytest.raises(StepsError, match=says):
        SORT.read_steps(INBOX.scenario, inbox_fields(**changes))


def test_fields_for_messages_not_in_the_inbox_are_ignored():
    assert inbox_outcome(**{"made-up-verdict": ["scam"]}).passed


def test_a_luhn_valid_card_number_is_spotted_however_it_is_spaced():
    assert luhn_valid("4111111111111111") and not luhn_valid("4111111111111112")
    for typed in ("4111111111111111", "4111 1111 1111 1111", "4111-1111-1111-1111", "my card 4111111111111111 0427"):
        assert "card number" in real_details([typed])


def test_a_sort_code_with_an_account_number_is_spotted_but_a_pretend_code_is_not():
    assert "sort code" in real_details(["12-34-56", "12345678"])
    assert "sort code" in real_details(["sort code 123456 account 12345678"])
    assert real_details(["481 207"]) is None
    assert real_details(["4111 1111 1111 1112", "kettle giraffe marble"]) is None
