"""Wrong answers as the app would receive them, for simulated learners who answer wrong."""

from __future__ import annotations

import random

from .answers import Answer, mark
from .model import Question

def wrong_answer(question: Question, rng: random.Random, holds: str | None = None,
                 any_tag: bool = True) -> Answer:
    """Return a wrong answer to a question, as the app would receive it.

    A learner holding a misconception (`holds`) picks a wrong option that carries
    a misconception when the question has one, their own first, else (with
    `any_tag`) another one (for a multiple choice, ticks it among random others);
    anybody else picks uniformly among the wrong answers: another option, a set
    of ticks that is not the right set, a listed wrong typed answer or something
    unlisted, a wrong order.
    """
    choices = question.choices
    if question.kind == "ordering":
        keys = [o.key for o in choices]
        right = tuple(keys)
        while tuple(keys) == right and len(keys) > 1:
            rng.shuffle(keys)
        return Answer(keys=tuple(keys))
    wrong = [o for o in choices if not o.correct]
    tagged = [o for o in wrong if o.misconception]
    favourite = None
    if holds is not None and tagged:
        favourite = next((o for o in tagged if o.misconception == holds), tagged[0] if any_tag else None)
    if question.kind in ("single", "true-false"):
        option = favourite or rng.choice(wrong)
        return Answer(keys=(option.key,))
    if question.kind == "multiple":
        right_set = frozenset(i for i, o in enumerate(choices) if o.correct)
        n = len(choices)
        while True:  # a uniformly random non-empty set of ticks that is not the right set
            bits = rng.getrandbits(n)
            ticked = frozenset(i for i in range(n) if bits >> i & 1)
            if ticked and ticked != right_set:
                break
        if favourite is not None:
            ticked = ticked | {choices.index(favourite)}
        return Answer(keys=tuple(o.key for i, o in enumerate(choices) if i in ticked))
    # typed: a wrong answer written in the question, or something unlisted (the catch-all's feedback)
    if favourite is not None:
        return Answer(typed=favourite.text)
    option = rng.choice(wrong + [None])
    return Answer(typed=option.text if option is not None else "something else entirely")


def wrong_answer_tags(question: Question, rng: random.Random, holds: str | None = None,
                      any_tag: bool = True) -> tuple[str, ...]:
    """Choose a wrong answer (see `wrong_answer`) and return the misconceptions marking finds in it."""
    return mark(question, wrong_answer(question, rng, holds, any_tag)).misconceptions
