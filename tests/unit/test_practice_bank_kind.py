"""The pretend bank marks a learner's steps: safe steps pass, each mistake is named, hostile steps are refused."""

from __future__ import annotations

import pytest

from engine.loader import load_course
from engine.tasks import KINDS, StepsError
from engine.tasks.parts import money, parse_month_year, parse_money
from tests.conftest import CONTENT_DIR

COURSE = load_course(CONTENT_DIR)
PAYEE = COURSE.tasks["pay-a-new-payee-safely"]
REGULAR = COURSE.tasks["sort-out-regular-payments"]
BANK = KINDS["bank"]


def payee_fields(**changes) -> dict:
    fields = {"customer-number": ["practice-4417"], "character-2": ["i"], "character-5": ["t"],
              "character-8": ["u"], "pin-request": ["stop"], "pending": ["shop", "bus"], "spend": ["370.20"],
              "payee-name": ["Jordan Blake"], "payee-amount": ["£80"], "name-check": ["check-another-way"]}
    fields.update(changes)
    return {k: v for k, v in fields.items() if v is not None}


def regular_fields(**changes) -> dict:
    fields = {"customer-number": ["PRACTICE-4417"], "character-1": ["l"], "character-4": ["h"],
              "character-9": ["s"], "order-to": ["Priya Morgan"], "order-amount": ["25.00"],
              "order-how-often": ["monthly"], "order-day": ["5"], "cancel-debit": ["fit-and-well"],
              "after-cancel": ["tell-company"]}
    fields.update(changes)
    return {k: v for k, v in fields.items() if v is not None}


def payee_outcome(**changes):
    return BANK.check(PAYEE.scenario, BANK.read_steps(PAYEE.scenario, payee_fields(**changes)))


def regular_outcome(**changes):
    return BANK.check(REGULAR.scenario, BANK.read_steps(REGULAR.scenario, regular_fields(**changes)))


def test_signing_in_reading_the_statement_and_stopping_at_the_name_check_passes():
    outcome = payee_outcome()
    assert outcome.passed and outcome.found == ()


def test_setting_up_the_standing_order_and_cancelling_the_old_gym_while_telling_it_passes():
    outcome = regular_outcome()
    assert outcome.passed and outcome.found == ()


@pytest.mark.parametrize("changes", [
    {"customer-number": ["PRACTICE-4418"]},
    {"character-5": ["h"]},
    {"character-2": ["lighthouse"]},
])
def test_sign_in_details_that_are_not_the_letters_asked_for_are_a_wrong_sign_in(changes):
    outcome = payee_outcome(**changes)
    assert [(f.mistake, f.about) for f in outcome.found] == [("wrong-sign-in", "sign-in")]


def test_typing_the_whole_pin_when_a_page_asks_for_it_is_the_gave_pin_mistake():
    assert payee_outcome(**{"pin-request": ["type-pin"]}).mistakes == ("gave-pin",)


def test_a_pending_payment_left_unticked_is_missed_and_named():
    outcome = payee_outcome(pending=["shop"])
    assert outcome.mistakes == ("missed-pending",)
    assert "bus pass" in outcome.found[0].detail


def test_counting_pending_money_as_spare_says_the_balance_is_before_pending_payments():
    outcome = payee_outcome(spend=["412.60"])
    assert outcome.mistakes == ("wrong-spend",)
    assert "before the pending payments" in outcome.found[0].detail and "£370.20" in outcome.found[0].detail


def test_another_wrong_amount_left_to_spend_gives_the_right_one_only():
    outcome = payee_outcome(spend=["100"])
    assert outcome.found[0].detail == "Left to spend: £370.20."


def test_paying_despite_a_name_that_does_not_match_is_the_mismatch_mistake():
    outcome = payee_outcome(**{"name-check": ["pay-anyway"]})
    assert [(f.mistake, f.about) for f in outcome.found] == [("paid-despite-mismatch", "new-payee")]
    assert BANK.part_name(PAYEE.scenario, "new-payee") == "Paying Jordan Blake"


def test_checking_by_replying_to_the_same_message_is_not_a_real_check():
    assert payee_outcome(**{"name-check": ["ask-in-message"]}).mistakes == ("checked-same-way",)


def test_a_payment_with_the_wrong_name_or_amount_says_what_was_asked_for():
    outcome = payee_outcome(**{"payee-name": ["Jordan Blakely"], "payee-amount": ["8.00"]})
    assert outcome.mistakes == ("wrong-payment",)
    assert "the name is Jordan Blake and the amount is £80.00" in outcome.found[0].detail


@pytest.mark.parametrize("changes, says", [
    ({"order-to": ["Jordan Blake"]}, "it pays Priya Morgan"),
    ({"order-amount": ["52.00"]}, "it pays £25.00"),
    ({"order-how-often": ["weekly"]}, "every month on day 5"),
    ({"order-day": ["15"]}, "every month on day 5"),
])
def test_a_standing_order_not_set_up_as_asked_names_each_wrong_part(changes, says):
    outcome = regular_outcome(**changes)
    assert outcome.mistakes == ("wrong-standing-order",) and says in outcome.found[0].detail


def test_cancelling_the_council_tax_instead_of_the_old_gym_is_the_wrong_direct_debit():
    outcome = regular_outcome(**{"cancel-debit": ["council-tax"]})
    assert outcome.mistakes == ("wrong-direct-debit",) and "Fit and Well Gym" in outcome.found[0].detail


def test_thinking_cancelling_the_direct_debit_ends_the_deal_is_a_mistake():
    assert regular_outcome(**{"after-cancel": ["nothing"]}).mistakes == ("contract-still-open",)


def test_the_bank_outcome_keeps_choices_and_amounts_but_never_the_sign_in_details_typed():
    outcome = payee_outcome()
    assert "4417" not in repr(outcome.kept) and "'i'" not in repr(outcome.kept)
    assert outcome.kept["sign_in_right"] is True and outcome.kept["statement"]["spend"] == 37020
    assert outcome.kept["new-payee"] == {"name_right": True, "amount": 8000, "name_check": "check-another-way"}


@pytest.mark.parametrize("changes, says", [
    ({"customer-number": None}, "Type the customer number"),
    ({"character-8": None}, "character 8 of the memorable word"),
    ({"pin-request": ["maybe"]}, "not on the page"),
    ({"pending": ["shop", "made-up-row"]}, "not on the page"),
    ({"pending": ["shop"] * 50}, "not on the page"),
    ({"spend": ["lots"]}, "like 25.00"),
    ({"spend": ["-5"]}, "like 25.00"),
    ({"spend": ["9" * 400]}, "like 25.00"),
    ({"payee-amount": ["1e9"]}, "like 25.00"),
    ({"payee-name": ["x" * 600]}, "too long"),
    ({"payee-name": ["Jordan\x00Blake"]}, "cannot be typed"),
    ({"name-check": None}, "when the name does not match"),
    ({"name-check": ["pay-anyway", "check-another-way"]}, "filled in twice"),
])
def test_hostile_or_missing_bank_fields_are_refused_with_a_plain_message(changes, says):
    with pytest.raises(StepsError, match=says):
        BANK.read_steps(PAYEE.scenario, payee_fields(**changes))


@pytest.mark.parametrize("changes", [{"order-day": ["0"]}, {"order-day": ["31"]}, {"order-day": ["x"]},
                                     {"order-to": ["Someone Else"]}, {"cancel-debit": ["gym"]}])
def test_a_forged_regular_payments_choice_is_refused(changes):
    with pytest.raises(StepsError, match="not on the page|Choose"):
        BANK.read_steps(REGULAR.scenario, regular_fields(**changes))


def test_steps_missing_a_part_are_marked_wrong_rather_than_failing():
    assert not BANK.check(REGULAR.scenario, {}).passed


def test_money_is_read_as_people_write_it_and_written_back_plainly():
    assert [parse_money(t) for t in ("£1,250.50", "12.5", "40", "-12.40", "+612.00", "£ 3")] == [
        125050, 1250, 4000, -1240, 61200, 300]
    assert [parse_money(t) for t in ("", "12.345", "1,2", "ten", "£", "1e9")] == [None] * 6
    assert (money(125050), money(-1240), money(5)) == ("£1,250.50", "-£12.40", "£0.05")
    assert parse_month_year("03/2021") == (2021, 3) and parse_month_year("13/2021") is None
