"""When a mastered skill is next due for a quick review: a spaced-repetition card per skill, scheduled by FSRS.

The estimate in `engine.mastery` says how likely a learner is to know a skill
and drives practice. Review is a different question: when should someone who
has shown a skill be asked about it again, so they keep it without being asked
too often? The FSRS scheduler (the `fsrs` package) answers it from a card per
skill, with a stability (how many days until recall falls to 90%) and a
difficulty, updated after every answer on the skill once it has been mastered.

Our answers map to FSRS's ratings plainly: a failed review is Again (two
wrong answers in a row, or "I don't know yet": the interval shortens, and the
skill stops counting as mastered until it is shown again), right with a hint,
someone's help or at the second try is Hard (a little longer), right on one's
own is Good (much longer), never further apart than `Settings.longest_days`. Easy is never an answer's rating (a quick question
cannot tell "easy" from "right"); it is how a card starts, at mastery, which
already rests on several right answers.

The card is a pure function of the answers in order: no wall clock, no random
fuzz, and `now` is always an argument, so replaying a learner's record gives
the same card as updating it answer by answer.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone

import fsrs

AGAIN, HARD, GOOD, EASY = fsrs.Rating.Again, fsrs.Rating.Hard, fsrs.Rating.Good, fsrs.Rating.Easy


@dataclass(frozen=True)
class Settings:
    """How review is spaced: the few choices FSRS leaves to us, measured in the clock run (docs/engine.md)."""

    retention: float = 0.9  # a review falls due when FSRS's chance of recall has fallen to this
    # The first check after mastery, in days; None: FSRS's own for an Easy first review (8 days). Mastery
    # already rests on several right answers: checking it after 8 days cost 1.5 questions a skill in the clock
    # run, and put the engine over 3-in-a-row's questions, for retention it had plenty of (docs/engine.md).
    first_days: float | None = 40
    # Ask about every mastered skill at least this often, however stable: FSRS assumes memory grows with each
    # right review, and for learners whose memory does not, longer gaps lost far more. A passport is a
    # promise about now.
    longest_days: int = 45
    # How much a review answered right at the first question, on one's own, stretches FSRS's next interval.
    good_stretch: float = 1.0


SETTINGS = Settings()
RETENTION = SETTINGS.retention
LONGEST_DAYS = SETTINGS.longest_days


def _scheduler(settings: Settings) -> fsrs.Scheduler:
    # No learning or relearning steps of minutes: the engine's own practice does that job, and a learner on a
    # library computer is not back in ten minutes. No fuzz: the same answers always give the same dates. No
    # cap here: `review` applies `longest_days` after any stretch.
    return fsrs.Scheduler(desired_retention=settings.retention, learning_steps=(), relearning_steps=(),
                          maximum_interval=36500, enable_fuzzing=False)


SCHEDULER = _scheduler(SETTINGS)


def use(settings: Settings) -> None:
    """Space reviews by other settings from now on (the clock run's trials; the app keeps `Settings()`)."""
    global SETTINGS, RETENTION, LONGEST_DAYS, SCHEDULER
    SETTINGS, RETENTION, LONGEST_DAYS, SCHEDULER = (settings, settings.retention, settings.longest_days,
                                                    _scheduler(settings))


@dataclass(frozen=True)
class Card:
    """One learner's review card for one skill: how stable their memory of it is, and when it is next due."""

    stability: float  # days until the chance of recall falls to RETENTION
    difficulty: float  # FSRS's 1 (easy) to 10 (hard)
    due: datetime
    last_review: datetime
    reviews: int = 1
    lapses: int = 0  # reviews answered wrong

    @property
    def interval_days(self) -> float:
        """Return the days from the last review to the next one."""
        return (self.due - self.last_review).total_seconds() / 86400.0

    def as_list(self) -> list:
        """Return the card as plain data, for storage."""
        return [self.stability, self.difficulty, self.due.isoformat(),
                self.last_review.isoformat(), self.reviews, self.lapses]

    @classmethod
    def from_list(cls, data) -> "Card":
        """Rebuild a card from stored data."""
        stability, difficulty, due, last_review, reviews, lapses = data
        return cls(float(stability), float(difficulty), datetime.fromisoformat(due),
                   datetime.fromisoformat(last_review), int(reviews), int(lapses))


def rating(correct: bool, hints_used: int = 0, helped: bool = False) -> fsrs.Rating:
    """Return the FSRS rating of an answer: wrong is Again, right with a hint or help is Hard, right is Good."""
    if not correct:
        return AGAIN
    return HARD if hints_used or helped else GOOD


def _utc(at: datetime) -> datetime:
    """Return a time as FSRS wants it: aware, in UTC (the app's times are UTC without a zone)."""
    return at.replace(tzinfo=timezone.utc) if at.tzinfo is None else at.astimezone(timezone.utc)


def _like(at: datetime, model: datetime) -> datetime:
    """Return an aware UTC time in the same form as `model`: without a zone if it has none."""
    return at.replace(tzinfo=None) if model.tzinfo is None else at


def _fsrs_card(card: Card | None, at: datetime) -> fsrs.Card:
    if card is None:
        return fsrs.Card(card_id=1, due=_utc(at))  # an id given, so making a card never reads the clock
    return fsrs.Card(card_id=1, state=fsrs.State.Review, step=None, stability=card.stability,
                     difficulty=card.difficulty, due=_utc(card.due), last_review=_utc(card.last_review))


def review(card: Card | None, grade: fsrs.Rating, at: datetime) -> Card:
    """Return the card after one answer on its skill at `at`; with no card yet, the card the answer starts."""
    after, _ = SCHEDULER.review_card(_fsrs_card(card, at), grade, review_datetime=_utc(at))
    days = (after.due - _utc(at)).total_seconds() / 86400.0
    if grade == GOOD:
        days *= SETTINGS.good_stretch
    due = _utc(at) + timedelta(days=min(days, SETTINGS.longest_days))
    return Card(after.stability, after.difficulty, _like(due, at), at,
                reviews=(card.reviews + 1) if card else 1,
                lapses=(card.lapses if card else 0) + int(grade == AGAIN))


def first(at: datetime) -> Card:
    """Return the card of a skill mastered at `at`: the answers that showed it are its first review, an easy one.

    Mastery rests on two or more questions right on one's own, one of them hard to guess, so it starts
    as FSRS's Easy rather than a flashcard's first Good, and its first check comes when
    `Settings.first_days` says (weeks, not FSRS's 8 days), keeping FSRS's stability: the later check finds
    recall lower, and FSRS grows the card more for a right answer then (docs/engine.md).
    """
    card = review(None, EASY, at)
    if SETTINGS.first_days is None:
        return card
    due = _utc(at) + timedelta(days=min(SETTINGS.first_days, SETTINGS.longest_days))
    return replace(card, due=_like(due, at))


def is_due(card: Card | None, now: datetime | None) -> bool:
    """Say whether a card's review is due at `now` (never without a card, or without a time)."""
    return card is not None and now is not None and _utc(now) >= _utc(card.due)


def recall(card: Card | None, now: datetime | None) -> float:
    """Return FSRS's chance that the learner recalls the skill at `now` (1 without a card or a time)."""
    if card is None or now is None:
        return 1.0
    memory = _fsrs_card(card, card.last_review)
    return SCHEDULER.get_card_retrievability(memory, current_datetime=max(_utc(now), memory.last_review))

