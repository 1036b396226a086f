"""Spot what looks like a real card or bank account number typed into a pretend task, so it is never kept.

The pages tell learners never to type real details; some will anyway, out of
habit. A payment card number is 13 to 19 digits that pass the Luhn check (the
last digit checks the others, so a typing slip or a made-up number rarely
passes); a UK bank account is a six-digit sort code with an eight-digit
account number.
"""

from __future__ import annotations

import re
from typing import Iterable

CARD_LENGTHS = range(13, 20)
# Digits, perhaps split by single spaces or hyphens, as cards and sort codes are written.
DIGIT_RUN = re.compile(r"\d(?:[ -]?\d)*")
SORT_CODE = re.compile(r"(?<![\d-])\d{2}[ -]?\d{2}[ -]?\d{2}(?![\d-])")
ACCOUNT_NUMBER = re.compile(r"(?<!\d)\d{8}(?!\d)")

CARD_WARNING = ("That looks like a real card number. This is only pretend practice: never type your real card "
                "details here. We have not kept what you typed.")
ACCOUNT_WARNING = ("That looks like a real sort code and account number. This is only pretend practice: never type "
                   "your real bank details here. We have not kept what you typed.")


def luhn_valid(digits: str) -> bool:
    """Say whether a string of digits passes the Luhn check that card numbers carry."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        n = int(char)
        if position % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def _card_in(text: str) -> bool:
    for run in DIGIT_RUN.finditer(text):
        digits = re.sub(r"\D", "", run.group())
        if len(digits) in CARD_LENGTHS and digits.strip("0") and luhn_valid(digits):
            return True
        # A card number typed straight before its expiry date or security code makes a longer run.
        if len(digits) > CARD_LENGTHS[-1] and any(luhn_valid(digits[:n]) for n in CARD_LENGTHS):
            return True
    return False


def real_details(values: Iterable[str]) -> str | None:
    """Return a warning if what a learner typed looks like real card or bank details, else None."""
    values = [v for v in values if isinstance(v, str)]
    if any(_card_in(v) for v in values):
        return CARD_WARNING
    text = "\n".join(values)
    if SORT_CODE.search(text) and ACCOUNT_NUMBER.search(text):
        return ACCOUNT_WARNING
    if re.search(r"(?<!\d)\d{14}(?!\d)", text):  # a sort code and account number typed with no gap
        return ACCOUNT_WARNING
    return None
