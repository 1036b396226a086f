"""Fit one set of knowledge-tracing parameters to many learners' answers, by maximum likelihood.

The benchmark's "bkt-0.95-population" baseline uses one such set for
everybody; `engine.simulate.population_parameters` fits it to a sample of
simulated learners.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Iterable

from . import mastery
from .mastery import SkillParams, guess_rate
from .model import Question

FIT_BOUNDS = {"prior": (0.01, 0.9), "learn": (0.01, 0.6), "slip": (0.01, 0.4), "lesson_learn": (0.01, 0.95)}
Event = tuple[float, float, bool]  # (days since the start, guess rate or -1 for a lesson, right)

_GUESS: dict[str, tuple[Question, float]] = {}


def guess(question: Question) -> float:
    """Return engine.mastery.guess_rate(question), remembered by question id."""
    cached = _GUESS.get(question.id)
    if cached is None or cached[0] is not question:
        cached = (question, guess_rate(question))
        _GUESS[question.id] = cached
    return cached[1]


def log_likelihood(sequences: Iterable[list[Event]], params: SkillParams) -> float:
    """Return the log-likelihood of the answers under knowledge tracing.

    The same equations as engine.mastery's estimate, after_lesson and
    after_answer, written out on plain floats because fitting replays them
    millions of times; a unit test checks the two agree.
    """
    prior, learn, slip, lesson_learn = params.prior, params.learn, params.slip, params.lesson_learn
    half_life = params.half_life_days
    ceiling = getattr(mastery, "LESSON_CEILING", 1.0)  # reading alone takes the estimate no higher
    total = 0.0
    for events in sequences:
        p = prior
        last = None
        for at, g, correct in events:
            if last is not None and half_life > 0 and at > last:
                floor = prior if prior < p else p
                p = floor + (p - floor) * 0.5 ** ((at - last) / half_life)
            last = at
            if g < 0:
                p = max(p, min(p + (1 - p) * lesson_learn, ceiling))
                continue
            right = p * (1 - slip) + (1 - p) * g
            if correct:
                total += math.log(right)
                seen = p * (1 - slip) / right
            else:
                total += math.log(1 - right)
                seen = p * slip / (1 - right)
            p = seen + (1 - seen) * learn
    return total


def fit_parameters(sequences: list[list[Event]], start: SkillParams | None = None, rounds: int = 3) -> SkillParams:
    """Fit prior, learn, slip and lesson_learn by maximum likelihood (coordinate-wise golden-section search)."""
    params = start or SkillParams()
    ratio = (math.sqrt(5) - 1) / 2
    for _ in range(rounds):
        for name, (lo, hi) in FIT_BOUNDS.items():
            def score(x: float) -> float:
                return log_likelihood(sequences, replace(params, **{name: x}))
            a, b = lo, hi
            c, d = b - ratio * (b - a), a + ratio * (b - a)
            fc, fd = score(c), score(d)
            while b - a > 0.004:
                if fc > fd:
                    b, d, fd = d, c, fc
                    c = b - ratio * (b - a)
                    fc = score(c)
                else:
                    a, c, fc = c, d, fd
                    d = a + ratio * (b - a)
                    fd = score(d)
            params = replace(params, **{name: round((a + b) / 2, 3)})
    return params
