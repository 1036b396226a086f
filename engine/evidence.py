"""What a learner has shown of a skill on their own, and whether it is enough to certify it.

The engine's estimate says how likely it is that a learner knows a skill. A
passport level is a promise to an employer, so it rests on more than an
estimate: on answers a person can point to. A skill counts as mastered only
when the estimate is high *and* the learner has got more than one question on
it right, unaided (no hint, nobody helping), including at least one question
that is hard to get right by luck, and the chance of getting all of those right
by luck alone (their guess chances multiplied) is at most 1 in 50.

A practice task passed unaided (`engine.tasks`: a pretend sign-up form, a
pretend inbox) counts as one hard question for each skill it shows: doing a
task of several steps right by luck is very unlikely (`TASK_GUESS`).

Skipping a lesson is a different matter: a quick placement answer may let a
learner skip teaching they do not need, but it certifies nothing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Iterable

EVIDENCE_QUESTIONS = 2  # different questions right, unaided, before a skill can count as mastered
# A question this hard to guess or harder is good evidence: typed with an answer nobody would
# type by chance, an ordering of several steps, a tick-all of several options.
HARD_TO_GUESS = 0.15
# The chance of passing a practice task of several steps without knowing its skills: a guess at every
# step of a pretend form or inbox, each with several choices, comes out right about 1 time in 50.
TASK_GUESS = 0.02
TASK_KIND = "task"  # the kind recorded in the evidence for a task passed
LUCK_BOUND = 1 / 50  # the chance that every right answer behind a skill was luck, at the most

KIND_WORDS = {
    "single": ("choice question", "choice questions"),
    "true-false": ("true-or-false question", "true-or-false questions"),
    "multiple": ("tick-all question", "tick-all questions"),
    "typed": ("typed answer", "typed answers"),
    "ordering": ("put-in-order question", "put-in-order questions"),
    TASK_KIND: ("practice task", "practice tasks"),
}


@dataclass(frozen=True)
class Shown:
    """One question a learner got right on their own: the evidence behind a skill."""

    question_id: str
    kind: str
    at: datetime
    guess: float  # the engine's chance of a right answer to it without knowing the skill

    @property
    def hard(self) -> bool:
        """Say whether the question is hard to get right by luck."""
        return self.guess <= HARD_TO_GUESS

    def as_list(self) -> list:
        """Return the entry as plain data, for storage."""
        return [self.question_id, self.kind, self.at.isoformat(), round(self.guess, 4)]

    @classmethod
    def from_list(cls, data) -> "Shown":
        """Rebuild an entry from stored data."""
        question_id, kind, at, guess = data
        return cls(question_id, kind, datetime.fromisoformat(at), float(guess))


def add(shown: tuple[Shown, ...], entry: Shown) -> tuple[Shown, ...]:
    """Return the evidence with one more right answer: each question once, at its latest date."""
    return tuple(s for s in shown if s.question_id != entry.question_id) + (entry,)


def luck(shown: Iterable[Shown]) -> float:
    """Return the chance that every right answer in the evidence was luck: their guess chances multiplied."""
    chance = 1.0
    for entry in shown:
        chance *= entry.guess
    return chance


def enough(shown: Iterable[Shown]) -> bool:
    """Say whether the evidence is enough to certify a skill (the estimate must be high as well)."""
    shown = tuple(shown)
    return (len({s.question_id for s in shown}) >= EVIDENCE_QUESTIONS and any(s.hard for s in shown)
            and luck(shown) <= LUCK_BOUND)


def adds(shown: Iterable[Shown], question_id: str, guess: float) -> bool:
    """Say whether a right answer to this question would add to the evidence: a new question, and one that
    cannot be guessed if none so far could not be."""
    shown = tuple(shown)
    return (question_id not in {s.question_id for s in shown}
            and (guess <= HARD_TO_GUESS or any(s.hard for s in shown)))


def missing(shown: Iterable[Shown]) -> str:
    """Say in plain English what evidence is still needed, or '' if there is enough."""
    shown = tuple(shown)
    count = len({s.question_id for s in shown})
    more = max(EVIDENCE_QUESTIONS - count, 0 if luck(shown) <= LUCK_BOUND else 1)
    needs = []
    if more:
        needs.append(f"{more} more question{'s' if more != 1 else ''} right on your own")
    if not any(s.hard for s in shown):
        needs.append("one that cannot be guessed, such as a typed answer, putting steps in order or a practice task")
    return ", including ".join(needs) if needs else ""


def describe(shown: Iterable[Shown]) -> str:
    """Say in one line what stood behind a skill: how many questions, of which kinds, on which dates."""
    shown = sorted(shown, key=lambda s: s.at)
    if not shown:
        return "No answers on record."
    kinds = Counter(s.kind for s in shown)
    parts = []
    for kind, n in kinds.most_common():
        one, many = KIND_WORDS.get(kind, ("question", "questions"))
        parts.append(f"{n} {one if n == 1 else many}")
    days = sorted({s.at.date() for s in shown})
    dates = ", ".join(f"{d.day} {d:%B %Y}" for d in days)
    total = len(shown)
    chance = luck(shown)
    odds = f"; the chance of getting them all right by guessing is about 1 in {_round_odds(1 / chance):,}" \
        if total > 1 and chance > 1e-9 else ""
    tasks = sum(1 for s in shown if s.kind == TASK_KIND)
    things = []
    if total - tasks:
        things.append(f"{total - tasks} different question{'s' if total - tasks != 1 else ''} answered right")
    if tasks:
        things.append(f"{tasks} practice task{'s' if tasks != 1 else ''} done right")
    return f"{' and '.join(things)} without help ({', '.join(parts)}), on {dates}{odds}."


def _round_odds(odds: float) -> int:
    """Round odds down to two significant figures, so a page never claims more than the evidence holds."""
    whole = int(round(odds, 6))  # 1 / (0.1 x 0.1) is 99.999... in floating point
    if whole < 100:
        return whole
    scale = 10 ** (len(str(whole)) - 2)
    return whole // scale * scale


def as_data(shown: Iterable[Shown]) -> list[dict]:
    """Return the evidence as plain data, for an award's record and its Open Badge."""
    return [{"question": s.question_id, "kind": s.kind, "answered_at": s.at.isoformat(), "unaided": True,
             "guess": round(s.guess, 4), "hard_to_guess": s.hard} for s in sorted(shown, key=lambda s: s.at)]
