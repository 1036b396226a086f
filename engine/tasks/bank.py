"""A pretend bank: sign in, read the balance and statement, pay someone new, set up and cancel regular payments.

The safe moves are the point: the sign-in page asks for some letters of a
memorable word, never a whole PIN; money still pending is not there to spend;
when the bank's name check says the name does not match, stop and check with
the person another way (not by replying to the message the details came in);
and cancelling a direct debit does not end the deal with the company.
Learners never type a sort code or account number: the pretend ones are shown.
"""

from __future__ import annotations

from typing import Any, Mapping

from ..content_files import FileReport
from .bank_scenario import HOW_OFTEN, BankScenario, read_bank
from .kind import Found, Outcome, Scenario, StepsError, TaskKind, choice_field, one_field
from .parts import money, parse_money

PIN_CHOICES = {
    "type-pin": "Type the PIN in to carry on",
    "stop": "Do not type it: close the page and call the bank on the number on the back of your card",
}
NAME_CHECK_CHOICES = {
    "pay-anyway": "Pay anyway: the sort code and account number are right, so the money will get there",
    "ask-in-message": "Reply to the message the details came in, to ask if they are right",
    "check-another-way": "Stop, and check with the person another way, such as calling a number you already have",
}
AFTER_CANCEL_CHOICES = {
    "nothing": "Nothing else: cancelling the direct debit ends the deal",
    "tell-company": "Tell the company too, so they end the deal and do not chase the money",
}
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
PART_NAMES = {"sign-in": "Signing in", "statement": "The balance and statement", "standing-order":
              "The standing order", "direct-debits": "The direct debits"}


class Bank(TaskKind):
    """Do everyday banking at a pretend bank, safely."""

    name = "bank"
    words = "pretend bank"
    settings = {"bank": True, "customer": True, "sign in": True, "statement": False, "new payee": False,
                "standing order": False, "direct debits": False}
    pin_choices, name_check_choices, after_cancel_choices = PIN_CHOICES, NAME_CHECK_CHOICES, AFTER_CANCEL_CHOICES
    weekdays = WEEKDAYS
    mistakes = {
        "wrong-sign-in": "Those are not the sign-in details in the pretend welcome letter.",
        "gave-pin": "A real bank never asks for your whole PIN on its website or app.",
        "missed-pending": "A pending payment was missed. Pending money is on its way out.",
        "wrong-spend": "That is not what is left to spend.",
        "wrong-payment": "The payment did not match what was asked for.",
        "paid-despite-mismatch": "The name did not match, and the money was sent anyway.",
        "checked-same-way": "Replying to the same message does not check anything: whoever sent it answers.",
        "wrong-standing-order": "The standing order was not set up as asked.",
        "wrong-direct-debit": "That is not the direct debit that needed cancelling.",
        "contract-still-open": "Cancelling a direct debit does not end the deal with the company.",
    }

    def read_scenario(self, scenario: Scenario, report: FileReport) -> BankScenario | None:
        """Return the pretend bank and the parts the task has."""
        return read_bank(scenario, report)

    def read_steps(self, scenario: BankScenario, fields: Mapping[str, list[str]]) -> dict:
        """Return what the learner did in each part of the pretend bank the task has."""
        sign_in = scenario.sign_in
        steps: dict[str, Any] = {"sign-in": {
            "customer_number": one_field(fields, "customer-number", "Type the customer number to sign in."),
            "characters": [one_field(fields, f"character-{n}", f"Type character {n} of the memorable word.")
                           for n in sign_in.characters],
        }}
        if sign_in.pin_request:
            steps["sign-in"]["pin"] = choice_field(fields, "pin-request", PIN_CHOICES,
                                                   "Say what you would do when the page asks for the PIN.")
        if scenario.statement:
            ids = [r.id for r in scenario.statement.rows]
            pending = fields.get("pending") or []
            if len(pending) > len(ids) or any(p not in ids for p in pending):
                raise StepsError("The form was sent with a choice that is not on the page. Please choose again.")
            steps["statement"] = {"pending": sorted(set(pending), key=ids.index),
                                  "spend": _amount(fields, "spend", "Type how much is left to spend.")}
        if scenario.new_payee:
            steps["new-payee"] = {
                "name": one_field(fields, "payee-name", "Type the name of the person you are paying."),
                "amount": _amount(fields, "payee-amount", "Type how much to pay."),
                "name_check": choice_field(fields, "name-check", NAME_CHECK_CHOICES,
                                           "Say what you would do when the name does not match."),
            }
        if scenario.standing_order:
            order = scenario.standing_order
            day = one_field(fields, "order-day", "Choose the day the payment goes out.")
            if not day.isdigit() or not 1 <= int(day) <= (7 if order.how_often == "weekly" else 28):
                raise StepsError("The form was sent with a choice that is not on the page. Please choose again.")
            steps["standing-order"] = {
                "to": choice_field(fields, "order-to", order.payees, "Choose who the standing order pays."),
                "amount": _amount(fields, "order-amount", "Type how much the standing order pays."),
                "how_often": choice_field(fields, "order-how-often", HOW_OFTEN, "Choose how often it pays."),
                "day": int(day),
            }
        if scenario.direct_debits:
            steps["direct-debits"] = {
                "cancel": choice_field(fields, "cancel-debit", [d.id for d in scenario.direct_debits.debits],
                                       "Choose the direct debit to cancel."),
                "after": choice_field(fields, "after-cancel", AFTER_CANCEL_CHOICES,
                                      "Say what else to do after cancelling."),
            }
        return steps

    def check(self, scenario: BankScenario, steps: Mapping[str, Any]) -> Outcome:
        """Return whether each part was done safely and right, with each mistake and the part it was in."""
        found: list[Found] = []
        found += _check_sign_in(scenario, steps.get("sign-in") or {})
        if scenario.statement:
            found += _check_statement(scenario, steps.get("statement") or {})
        if scenario.new_payee:
            found += _check_new_payee(scenario, steps.get("new-payee") or {})
        if scenario.standing_order:
            found += _check_standing_order(scenario, steps.get("standing-order") or {})
        if scenario.direct_debits:
            debits, step = scenario.direct_debits, steps.get("direct-debits") or {}
            if step.get("cancel") != debits.cancel:
                wanted = next(d.to for d in debits.debits if d.id == debits.cancel)
                found.append(Found("wrong-direct-debit", "direct-debits", f"The one to cancel was {wanted}."))
            if step.get("after") != "tell-company":
                found.append(Found("contract-still-open", "direct-debits"))
        return Outcome(not found, tuple(found), _kept(scenario, steps))

    def part_name(self, scenario: BankScenario, about: str) -> str:
        """Name the part of the pretend bank a mistake was in."""
        if about == "new-payee" and scenario.new_payee:
            return f"Paying {scenario.new_payee.name}"
        return PART_NAMES.get(about, "")


def _amount(fields: Mapping[str, list[str]], name: str, missing: str) -> int:
    """Return an amount of money typed, in pence; StepsError when it is not one."""
    pence = parse_money(one_field(fields, name, missing))
    if pence is None or pence < 0 or pence > 10_000_000:
        raise StepsError("Type an amount of money in pounds and pence, like 25.00.")
    return pence


def _check_sign_in(scenario: BankScenario, step: Mapping) -> list[Found]:
    sign_in, found = scenario.sign_in, []
    wanted = [sign_in.memorable_word[n - 1].casefold() for n in sign_in.characters]
    typed = [c.casefold() for c in step.get("characters", [])]
    if step.get("customer_number", "").replace(" ", "").casefold() != sign_in.customer_number.replace(
            " ", "").casefold() or typed != wanted:
        found.append(Found("wrong-sign-in", "sign-in", "Look again at the pretend welcome letter: the page asks "
                                                       "for some letters of the memorable word, not all of it."))
    if sign_in.pin_request and step.get("pin") != "stop":
        found.append(Found("gave-pin", "sign-in"))
    return found


def _check_statement(scenario: BankScenario, step: Mapping) -> list[Found]:
    statement, found = scenario.statement, []
    if list(step.get("pending", [])) != list(statement.pending):
        names = ", ".join(r.what for r in statement.rows if r.pending)
        found.append(Found("missed-pending", "statement", f"Pending: {names}."))
    spend = step.get("spend")
    if spend != statement.left_to_spend:
        detail = (f"{money(statement.balance)} is the balance before the pending payments come off. "
                  if spend == statement.balance else "")
        found.append(Found("wrong-spend", "statement",
                           f"{detail}Left to spend: {money(statement.left_to_spend)}."))
    return found


def _check_new_payee(scenario: BankScenario, step: Mapping) -> list[Found]:
    payee, found = scenario.new_payee, []
    wrong = []
    if " ".join(step.get("name", "").split()).casefold() != payee.name.casefold():
        wrong.append(f"the name is {payee.name}")
    if step.get("amount") != payee.amount:
        wrong.append(f"the amount is {money(payee.amount)}")
    if wrong:
        found.append(Found("wrong-payment", "new-payee", "Look again at the message: " + " and ".join(wrong) + "."))
    choice = step.get("name_check")
    if choice == "pay-anyway":
        found.append(Found("paid-despite-mismatch", "new-payee"))
    elif choice != "check-another-way":
        found.append(Found("checked-same-way", "new-payee"))
    return found


def _check_standing_order(scenario: BankScenario, step: Mapping) -> list[Found]:
    order = scenario.standing_order
    wrong = []
    if step.get("to") != order.to:
        wrong.append(f"it pays {order.to}")
    if step.get("amount") != order.amount:
        wrong.append(f"it pays {money(order.amount)}")
    if step.get("how_often") != order.how_often or step.get("day") != order.day:
        wrong.append(f"it goes out {when(order.how_often, order.day)}")
    if not wrong:
        return []
    return [Found("wrong-standing-order", "standing-order", "Look again at what was asked: " + "; ".join(wrong) + ".")]


def when(how_often: str, day: int) -> str:
    """Say when a regular payment goes out: "every month on day 3", "every week on Friday"."""
    if how_often == "weekly":
        return f"every week on {WEEKDAYS[day - 1]}"
    return f"every month on day {day}"


def _kept(scenario: BankScenario, steps: Mapping[str, Any]) -> dict:
    """Return the steps as they may be kept: choices and amounts, never what was typed to sign in."""
    kept: dict[str, Any] = {"sign_in_right": not _check_sign_in(scenario, {**(steps.get("sign-in") or {}),
                                                                            "pin": "stop"})}
    if "pin" in (steps.get("sign-in") or {}):
        kept["pin"] = steps["sign-in"]["pin"]
    for part in ("statement", "standing-order", "direct-debits"):
        if part in steps:
            kept[part] = dict(steps[part])
    if "new-payee" in steps:
        step = steps["new-payee"]
        kept["new-payee"] = {"name_right": " ".join(step.get("name", "").split()).casefold()
                             == scenario.new_payee.name.casefold(),
                             "amount": step.get("amount"), "name_check": step.get("name_check")}
    return kept
