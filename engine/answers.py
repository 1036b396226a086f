"""Read a learner's answer to a question and mark it, with feedback.

Form fields arrive as plain strings (from a web form or the API); `read_answer`
turns them into an `Answer` or raises `AnswerError` with a sentence a learner can
act on. `mark` never fails: every well-formed answer gets feedback.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from typing import Mapping, Sequence

from .model import Option, Question

MAX_TYPED_LENGTH = 200


class AnswerError(ValueError):
    """An answer that cannot be marked, with a message for the learner."""


@dataclass(frozen=True)
class Answer:
    """What a learner chose (option keys, in order for ordering) or typed."""

    keys: tuple[str, ...] = ()
    typed: str | None = None

    def as_record(self) -> dict:
        """Return the answer as plain data for the answer record."""
        return {"typed": self.typed} if self.typed is not None else {"keys": list(self.keys)}

    @classmethod
    def from_record(cls, data: Mapping) -> "Answer":
        """Rebuild an answer from the answer record."""
        if data.get("typed") is not None:
            return cls(typed=str(data["typed"]))
        return cls(keys=tuple(str(k) for k in data.get("keys", ())))

    def describe(self, question: Question) -> str:
        """Say the answer in words, as a tutor would read it."""
        if self.typed is not None:
            return self.typed
        texts = [o.text for k in self.keys if (o := question.option(k))]
        return " → ".join(texts) if question.kind == "ordering" else "; ".join(texts)


@dataclass(frozen=True)
class FeedbackLine:
    """One option as the learner sees it after answering."""

    option: Option
    chosen: bool
    feedback_html: str


@dataclass(frozen=True)
class Marking:
    """Whether an answer was right, why, and what wrong ideas it showed."""

    correct: bool
    answer: Answer
    lines: tuple[FeedbackLine, ...]
    right_answers: tuple[str, ...]  # every right answer (for ordering, the steps in order)
    misconceptions: tuple[str, ...]


def normalise_typed(text: str) -> str:
    """Fold case and spacing so typed answers compare kindly."""
    return " ".join(text.casefold().split()).strip(" .!")


def _squash(text: str) -> str:
    return "".join(normalise_typed(text).split())


def display_order(question: Question) -> tuple[Option, ...]:
    """Return the options in the order a learner sees them.

    Ordering questions are shuffled the same way every time (so a page reload
    does not move the steps) and never shown already in the right order.
    """
    options = question.choices
    if question.kind != "ordering":
        return options
    seed = int(hashlib.sha256(question.id.encode()).hexdigest()[:12], 16)
    shuffled = list(options)
    random.Random(seed).shuffle(shuffled)
    if shuffled == list(options):
        shuffled = shuffled[1:] + shuffled[:1]
    return tuple(shuffled)


def read_answer(question: Question, fields: Mapping[str, Sequence[str]]) -> Answer:
    """Turn submitted form fields into an answer, or raise AnswerError."""
    keys = {o.key for o in question.choices}
    if question.kind in ("single", "true-false"):
        chosen = list(fields.get("choice", ()))
        if not chosen:
            raise AnswerError("Choose an answer.")
        if len(chosen) > 1 or chosen[0] not in keys:
            raise AnswerError("Choose one of the answers shown.")
        return Answer(keys=(chosen[0],))
    if question.kind == "multiple":
        chosen = list(fields.get("choice", ()))
        if not chosen:
            raise AnswerError("Tick at least one answer.")
        if any(k not in keys for k in chosen) or len(set(chosen)) != len(chosen):
            raise AnswerError("Tick only the answers shown.")
        order = [o.key for o in question.choices]
        return Answer(keys=tuple(sorted(chosen, key=order.index)))
    if question.kind == "typed":
        typed = list(fields.get("typed", ()))
        text = typed[0].strip() if len(typed) == 1 else ""
        if not text:
            raise AnswerError("Type your answer in the box.")
        if len(text) > MAX_TYPED_LENGTH:
            raise AnswerError(f"Your answer is too long. Keep it under {MAX_TYPED_LENGTH} characters.")
        return Answer(typed=text)
    # ordering: one field per position, "step-1" to "step-n"
    steps = []
    for position in range(1, len(question.choices) + 1):
        value = list(fields.get(f"step-{position}", ()))
        if len(value) != 1 or not value[0]:
            raise AnswerError(f"Choose what comes at step {position}.")
        if value[0] not in keys:
            raise AnswerError("Choose only the steps shown.")
        steps.append(value[0])
    if len(set(steps)) != len(steps):
        raise AnswerError("Use each step once. Two positions have the same step.")
    return Answer(keys=tuple(steps))


def mark(question: Question, answer: Answer) -> Marking:
    """Mark an answer and gather the feedback to show."""
    right = question.correct_options
    if question.kind == "typed":
        return _mark_typed(question, answer)
    if question.kind == "ordering":
        correct = answer.keys == tuple(o.key for o in question.choices)
        lines = tuple(FeedbackLine(o, True, o.feedback_html) for o in question.choices)
        return Marking(correct, answer, lines, tuple(o.text for o in question.choices), ())
    chosen = set(answer.keys)
    correct = chosen == {o.key for o in right}
    if question.kind == "multiple":
        # Explain every option the learner got wrong either way, and the ones they ticked.
        shown = [o for o in question.choices if o.key in chosen or o.correct]
    else:
        shown = [o for o in question.choices if o.key in chosen]
    lines = tuple(FeedbackLine(o, o.key in chosen, o.feedback_html) for o in shown)
    misconceptions = tuple(o.misconception for o in question.choices
                           if o.key in chosen and not o.correct and o.misconception)
    return Marking(correct, answer, lines, tuple(o.text for o in right), misconceptions)


def _mark_typed(question: Question, answer: Answer) -> Marking:
    typed = answer.typed or ""
    match = None
    for option in question.choices:
        if normalise_typed(option.text) == normalise_typed(typed) or _squash(option.text) == _squash(typed):
            match = option
            break
    right = question.correct_options
    if match is None:
        match = next((o for o in question.options if o.catch_all), None)
    correct = bool(match and match.correct)
    lines: tuple[FeedbackLine, ...] = ()
    if match is not None and match.feedback_html:
        lines = (FeedbackLine(match, True, match.feedback_html),)
    elif right and right[0].feedback_html and not correct:
        lines = (FeedbackLine(right[0], False, right[0].feedback_html),)
    misconceptions = (match.misconception,) if match and not correct and match.misconception else ()
    # Any accepted typed answer is right; the first one written is the one to show.
    return Marking(correct, answer, lines, (right[0].text,) if right else (), misconceptions)
