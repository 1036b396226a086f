"""What a pretend bank holds: the sign-in details, a statement, a new payee, a standing order and direct debits.

A task file gives the sign-in details and any of the other parts; the page
shows only the parts the task has, so one kind serves "pay a new payee
safely" and "sort out regular payments" alike.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..content_files import FileReport
from .kind import Scenario
from .parts import Parts, money

MOST_ROWS = 12  # statement lines, so the page stays small on a phone
MOST_DEBITS = 8
HOW_OFTEN = ("weekly", "monthly")
LONGEST_WORD = 20  # a memorable word


@dataclass(frozen=True)
class SignIn:
    """The pretend customer number and memorable word from the pretend welcome letter."""

    customer_number: str
    memorable_word: str
    characters: tuple[int, ...]  # which characters of the memorable word the sign-in page asks for, from 1
    pin_request: str  # a pretend pop-up asking for the whole PIN ("" when the task has none)


@dataclass(frozen=True)
class Row:
    """One line of the pretend statement: money in is more than 0, money out less than 0."""

    id: str
    date: str
    what: str
    pence: int
    pending: bool

    @property
    def shown_amount(self) -> str:
        """Return the amount as the statement shows it."""
        return money(self.pence)


@dataclass(frozen=True)
class Statement:
    """The balance shown at the top, and the statement under it; pending payments are not yet taken off."""

    balance: int
    rows: tuple[Row, ...]

    @property
    def shown_balance(self) -> str:
        """Return the balance as the page shows it."""
        return money(self.balance)

    @property
    def pending(self) -> tuple[str, ...]:
        """Return the ids of the payments still pending."""
        return tuple(r.id for r in self.rows if r.pending)

    @property
    def left_to_spend(self) -> int:
        """Return what is really left to spend: the balance less money on its way out."""
        return self.balance + sum(r.pence for r in self.rows if r.pending and r.pence < 0)


@dataclass(frozen=True)
class NewPayee:
    """Someone new to pay, the message they sent their details in, and what the bank's name check says."""

    name: str  # the name the person gave
    message: str  # the message the details came in
    sort_code: str  # shown on the page, never typed
    account: str  # shown on the page, never typed
    amount: int
    name_check: str  # what the bank says when it checks the name against the account


@dataclass(frozen=True)
class StandingOrder:
    """A standing order to set up: who to, how much, how often and on which day."""

    why: str
    to: str
    payees: tuple[str, ...]  # the saved payees to choose from; `to` is one of them
    amount: int
    how_often: str
    day: int  # of the month, or of the week counted from Monday as 1


@dataclass(frozen=True)
class Debit:
    """One direct debit on the account."""

    id: str
    to: str
    amount: int
    note: str

    @property
    def shown_amount(self) -> str:
        """Return the amount as the page shows it."""
        return money(self.amount)


@dataclass(frozen=True)
class DirectDebits:
    """The direct debits on the account and which one to cancel."""

    why: str
    debits: tuple[Debit, ...]
    cancel: str


@dataclass(frozen=True)
class BankScenario:
    """The pretend bank and its customer, with whichever parts the task has."""

    bank: str
    customer: str
    sign_in: SignIn
    statement: Statement | None
    new_payee: NewPayee | None
    standing_order: StandingOrder | None
    direct_debits: DirectDebits | None


SETTINGS = {"bank": True, "customer": True, "sign in": True, "statement": False, "new payee": False,
            "standing order": False, "direct debits": False}
SIGN_IN_KEYS = {"customer number": True, "memorable word": True, "characters": True, "pin request": False}
STATEMENT_KEYS = {"balance": True, "lines": True}
ROW_KEYS = {"id": True, "date": True, "what": True, "amount": True, "pending": False}
PAYEE_KEYS = {"name": True, "message": True, "sort code": True, "account": True, "amount": True,
              "name check": True}
ORDER_KEYS = {"why": True, "to": True, "payees": True, "amount": True, "how often": True, "day": True}
DEBITS_KEYS = {"why": True, "debits": True, "cancel": True}
DEBIT_KEYS = {"id": True, "to": True, "amount": True, "note": False}


def read_bank(scenario: Scenario, report: FileReport) -> BankScenario | None:
    """Return the pretend bank a task file describes, or None (each problem reported on its line)."""
    parts = Parts(scenario, report)
    bank, customer = parts.text(("bank",)), parts.text(("customer",))
    sign_in = _sign_in(parts)
    statement = _statement(parts)
    payee = _new_payee(parts)
    order = _standing_order(parts)
    debits = _direct_debits(parts)
    if parts.ok and not any((statement, payee, order, debits)):
        parts.error(("bank",), "the bank has nothing to do after signing in: add 'statement', 'new payee', "
                               "'standing order' or 'direct debits'")
    if not parts.ok or sign_in is None:
        return None
    return BankScenario(bank, customer, sign_in, statement, payee, order, debits)


def _sign_in(parts: Parts) -> SignIn | None:
    here = ("sign in",)
    if parts.mapping(here, SIGN_IN_KEYS) is None:
        return None
    word = parts.text(here + ("memorable word",))
    if len(word) > LONGEST_WORD or " " in word:
        parts.error(here + ("memorable word",), f"the memorable word must be one word under {LONGEST_WORD} letters")
    characters = []
    for text in parts.texts(here + ("characters",)):
        if not text.isdigit() or not 1 <= int(text) <= len(word):
            parts.error(here + ("characters",), f"'characters' lists which letters of the memorable word to "
                                                f"ask for, as numbers from 1 to {len(word) or 1}, like [2, 5], "
                                                f"not '{text}'")
            return None
        characters.append(int(text))
    if len(set(characters)) != len(characters) or len(characters) > 4:
        parts.error(here + ("characters",), "'characters' asks for up to 4 different letters, like [2, 5, 7]")
        return None
    return SignIn(parts.text(here + ("customer number",)), word, tuple(characters),
                  parts.text(here + ("pin request",), needed=False))


def _statement(parts: Parts) -> Statement | None:
    here = ("statement",)
    if parts.mapping(here, STATEMENT_KEYS, needed=False) is None:
        return None
    balance = parts.pence(here + ("balance",), signed=True)
    rows = [Row(item["id"], parts.text(path + ("date",)), parts.text(path + ("what",)),
                parts.pence(path + ("amount",), signed=True), parts.yes_no(path + ("pending",)))
            for path, item in parts.items(here + ("lines",), ROW_KEYS, MOST_ROWS)]
    if parts.ok and not any(r.pending and r.pence < 0 for r in rows):
        parts.error(here + ("lines",), "the statement needs at least one payment out marked 'pending: yes'")
    return Statement(balance, tuple(rows)) if parts.ok else None


def _new_payee(parts: Parts) -> NewPayee | None:
    here = ("new payee",)
    if parts.mapping(here, PAYEE_KEYS, needed=False) is None:
        return None
    text = lambda key: parts.text(here + (key,))  # noqa: E731
    payee = NewPayee(text("name"), text("message"), text("sort code"), text("account"),
                     parts.pence(here + ("amount",)), text("name check"))
    return payee if parts.ok else None


def _standing_order(parts: Parts) -> StandingOrder | None:
    here = ("standing order",)
    if parts.mapping(here, ORDER_KEYS, needed=False) is None:
        return None
    payees = parts.texts(here + ("payees",))
    to = parts.choice(here + ("to",), payees) if payees else ""
    how_often = parts.choice(here + ("how often",), HOW_OFTEN)
    day = parts.number(here + ("day",), 1, 7 if how_often == "weekly" else 28)
    order = StandingOrder(parts.text(here + ("why",)), to, payees, parts.pence(here + ("amount",)), how_often, day)
    return order if parts.ok else None


def _direct_debits(parts: Parts) -> DirectDebits | None:
    here = ("direct debits",)
    if parts.mapping(here, DEBITS_KEYS, needed=False) is None:
        return None
    debits = tuple(Debit(item["id"], parts.text(path + ("to",)), parts.pence(path + ("amount",)),
                         parts.text(path + ("note",), needed=False))
                   for path, item in parts.items(here + ("debits",), DEBIT_KEYS, MOST_DEBITS))
    cancel = parts.choice(here + ("cancel",), [d.id for d in debits]) if debits else ""
    found = DirectDebits(parts.text(here + ("why",)), debits, cancel)
    return found if parts.ok else None
