"""The vectorised fit gives the grid's own answer: the same likelihoods as replaying one setting at a time."""

from __future__ import annotations

import itertools
import math
import random
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from engine.fit import (LEARN_RATES, PRIORS, QUESTION_GUESSES, QUESTION_SLIPS, SLIPS, Event, fit_questions,
                        fit_skill, log_likelihood)
from engine.fit_replay import blocks_of, log_likelihoods
from engine.mastery import DEFAULT_PARAMS, SkillParams

START = datetime(2026, 11, 1, 9, 0)


def mixed_sequences(learners: int, seed: int) -> list[list[Event]]:
    """Return learners who read lessons, come back after days away, take hints, and meet measured questions."""
    rng = random.Random(seed)
    sequences = []
    for n in range(learners):
        at = START + timedelta(hours=n)
        events = []
        for _ in range(rng.randint(1, 25)):
            at += timedelta(minutes=rng.randint(1, 90)) if rng.random() < 0.8 else timedelta(days=rng.randint(1, 120))
            if rng.random() < 0.15:
                events.append(Event(at, lesson=True))
                continue
            question = rng.choice(["q-a", "q-b", "q-c", "q-d"])
            events.append(Event(at, correct=rng.random() < 0.6, guess=rng.choice([0.02, 0.1, 0.25, 0.5]),
                                hints_used=rng.choice([0, 0, 0, 1, 2]), question_id=question,
                                slip=0.3 if question == "q-d" else None))
        sequences.append(events)
    return sequences


def test_every_candidates_likelihood_matches_replaying_it_alone():
    sequences = mixed_sequences(300, seed=4)
    candidates = [SkillParams(prior=p, learn=l, slip=s, half_life_days=30)
                  for p, l, s in [(0.05, 0.02, 0.02), (0.3, 0.15, 0.1), (0.9, 0.45, 0.25), (0.5, 0.0, 0.05)]]
    together = log_likelihoods(blocks_of(sequences, rows=37), candidates)
    for candidate, total in zip(candidates, together):
        assert total == pytest.approx(log_likelihood(sequences, candidate), rel=1e-9, abs=1e-9)


def test_the_fitted_skill_is_the_best_point_of_the_grid_replayed_one_at_a_time():
    sequences = mixed_sequences(20, seed=8)
    result = fit_skill("skill", sequences, DEFAULT_PARAMS)
    best = max((replace(DEFAULT_PARAMS, prior=p, learn=l, slip=s)
                for p, l, s in itertools.product(PRIORS, LEARN_RATES, SLIPS)),
               key=lambda c: log_likelihood(sequences, c))
    assert result.params == best
    assert result.baseline_log_likelihood == pytest.approx(log_likelihood(sequences, DEFAULT_PARAMS), rel=1e-9)


def test_each_questions_fit_is_the_one_replaying_each_guess_and_slip_alone_would_find():
    sequences = mixed_sequences(50, seed=2)
    params = SkillParams(prior=0.3, learn=0.1, slip=0.1)
    fitted = {q.question_id: q for q in fit_questions(sequences, params)}
    assert set(fitted) == {"q-a", "q-b", "q-c", "q-d"}
    for measured in (fitted["q-a"], fitted["q-d"]):  # q-d has a slip of its own already
        def trial(guess, slip):
            return log_likelihood([[replace(e, guess=guess, slip=slip) if e.question_id == measured.question_id else e
                                    for e in events] for events in sequences], params)
        best = max(itertools.product(QUESTION_GUESSES, QUESTION_SLIPS), key=lambda gs: trial(*gs))
        assert (measured.guess, measured.slip) == best, measured.question_id


def test_the_fit_recovers_known_settings_from_many_learners_within_one_grid_step():
    # Stated tolerance: within one step of the grid around the true value (prior 0.1, learn 0.05, slip 0.05).
    true = SkillParams(prior=0.3, learn=0.15, slip=0.1, half_life_days=0)
    rng = random.Random(21)
    sequences = []
    for n in range(3000):
        knows = rng.random() < true.prior
        events = []
        for k in range(8):
            guess = rng.choice([0.1, 0.25])
            events.append(Event(START + timedelta(days=n, minutes=k), correct=rng.random() < (
                1 - true.slip if knows else guess), guess=guess))
            knows = knows or rng.random() < true.learn
        sequences.append(events)
    result = fit_skill("skill", sequences, replace(DEFAULT_PARAMS, half_life_days=0))
    assert result.params.prior == pytest.approx(true.prior, abs=0.1)
    assert result.params.learn == pytest.approx(true.learn, abs=0.05)
    assert result.params.slip == pytest.approx(true.slip, abs=0.05)
    assert math.isfinite(result.log_likelihood) and result.answers == 24_000
