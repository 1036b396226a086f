"""Task files for the pretend bank, file list and job pages load, and each mistake in them is reported as path:line."""

from __future__ import annotations

from engine.loader import load_course

BANK_TASK = """\
---
id: bank-practice
kind: bank
title: Practise at a pretend bank
skills: [spot-scams]
bank: Practice Bank
customer: Alex
sign in:
  customer number: PRACTICE-1
  memorable word: garden
  characters: [1, 3]
statement:
  balance: "100.00"
  lines:
    - id: shop
      date: 1 May
      what: Corner Shop
      amount: "-10.00"
      pending: yes
    - id: wages
      date: 2 May
      what: Pay
      amount: "+50.00"
mistakes:
  missed-pending:
    say: Pending money is on its way out.
    misconception: pet-name-password
---

This is pretend practice.
"""


def load(write_content, good_module, text: str):
    course = load_course(write_content({**good_module, "safety/tasks/practice.md": text}))
    return course, [str(p) for p in course.problems]


def reported(found: list[str], line: int, words: str) -> bool:
    return any(p.endswith(f"tasks/practice.md:{line}: {words}") for p in found)


def test_a_good_bank_task_loads_with_its_statement(write_content, good_module):
    course, found = load(write_content, good_module, BANK_TASK)
    assert found == []
    bank = course.tasks["bank-practice"].scenario
    assert bank.statement.pending == ("shop",) and bank.statement.left_to_spend == 9000
    assert bank.new_payee is None and bank.sign_in.characters == (1, 3)


def test_a_bank_amount_that_is_not_money_is_reported_on_its_line(write_content, good_module):
    _, found = load(write_content, good_module, BANK_TASK.replace('"-10.00"', "ten pounds"))
    assert reported(found, 18, "'amount' must be an amount of money, like -12.40 for money out or +612.00 for "
                               "money in, not 'ten pounds'"), found


def test_a_letter_of_the_memorable_word_it_does_not_have_is_reported(write_content, good_module):
    _, found = load(write_content, good_module, BANK_TASK.replace("[1, 3]", "[1, 9]"))
    assert reported(found, 11, "'characters' lists which letters of the memorable word to ask for, as numbers "
                               "from 1 to 6, like [2, 5], not '9'"), found


def test_a_misspelt_bank_setting_is_reported_with_a_suggestion(write_content, good_module):
    _, found = load(write_content, good_module, BANK_TASK.replace("  memorable word:", "  memorable wrd:"))
    assert reported(found, 10, "unknown setting 'memorable wrd' under 'sign in' (did you mean 'memorable word'?)")
    assert reported(found, 8, "'sign in' has no 'memorable word'"), found


def test_a_statement_with_no_pending_payment_is_reported(write_content, good_module):
    _, found = load(write_content, good_module, BANK_TASK.replace("      pending: yes\n", ""))
    assert reported(found, 14, "the statement needs at least one payment out marked 'pending: yes'"), found


def test_two_statement_lines_with_one_id_are_reported(write_content, good_module):
    _, found = load(write_content, good_module, BANK_TASK.replace("id: wages", "id: shop"))
    assert reported(found, 20, "the id 'shop' is used twice in 'lines'"), found


def test_a_bank_with_nothing_to_do_after_signing_in_is_reported(write_content, good_module):
    text = BANK_TASK[:BANK_TASK.index("statement:")] + BANK_TASK[BANK_TASK.index("mistakes:"):]
    course, found = load(write_content, good_module, text.replace("  missed-pending:\n    say: Pending money is "
                                                                  "on its way out.\n    misconception: "
                                                                  "pet-name-password\n", "  gave-pin: Never.\n"))
    assert reported(found, 6, "the bank has nothing to do after signing in: add 'statement', 'new payee', "
                              "'standing order' or 'direct debits'"), found
    assert "bank-practice" not in course.tasks


def test_a_standing_order_to_someone_not_in_its_payees_is_reported(write_content, good_module):
    text = BANK_TASK.replace("mistakes:", "standing order:\n  why: Pay Sam.\n  to: Sam\n  payees: [Priya]\n"
                                          "  amount: \"5\"\n  how often: monthly\n  day: \"31\"\nmistakes:")
    _, found = load(write_content, good_module, text)
    assert reported(found, 26, "'to' is one of Priya, not 'Sam'"), found
    assert reported(found, 30, "'day' must be a whole number from 1 to 28, not '31'"), found
