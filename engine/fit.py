"""Refit the mastery model's parameters for each skill from the answer record.

For every skill, a grid search finds the prior, learning rate and slip that
make the answers learners actually gave most likely under the model (the same
update functions the engine uses), with lessons read counted as teaching.
Skills with too few answers keep their current settings. Every point of the
grid is tried in one vectorised pass over the answers (engine.fit_replay), so
the result is the grid's own, found about a hundred times faster.

Then, with the skill's settings fixed, each question with enough answers gets
its own guess and slip: how often learners who did not know the skill still
got it right, and how often those who knew it still got it wrong. So a typed
question whose answer everyone types first is found out from real data, and
the engine stops trusting it as evidence.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, replace
from datetime import datetime

import numpy as np

from .fit_replay import Block, QuestionTrial, blocks_of, log_likelihoods
from .mastery import SkillParams, after_answer, after_lesson, estimate, new_state
from .model import Module

QUESTION_GUESSES = (0.02, 0.05, 0.1, 0.15, 0.2, 0.25, 0.33, 0.5, 0.7)
QUESTION_SLIPS = (0.02, 0.05, 0.1, 0.15, 0.25, 0.4)
MIN_QUESTION_ANSWERS = 30
PRIORS = (0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.75, 0.9)
LEARN_RATES = (0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.45)
SLIPS = (0.02, 0.05, 0.1, 0.15, 0.25)
MIN_ANSWERS = 30
MIN_LEARNERS = 5


@dataclass(frozen=True)
class Event:
    """One thing a learner did with a skill: read a lesson, or answered (with the question's guess rate)."""

    at: datetime
    lesson: bool = False
    correct: bool = False
    guess: float = 0.0
    hints_used: int = 0
    question_id: str | None = None
    slip: float | None = None  # the question's own slip, if measured; else the skill's


@dataclass(frozen=True)
class Fitted:
    """The result of fitting one skill."""

    skill_id: str
    params: SkillParams
    answers: int
    learners: int
    log_likelihood: float | None  # None when there were too few answers to fit
    baseline_log_likelihood: float | None  # the same answers under the settings before fitting


def log_likelihood(sequences: list[list[Event]], params: SkillParams) -> float:
    """Return how likely the answers are under the model with these parameters (natural log), one event at a time.

    The fit uses engine.fit_replay, which does the same sums for many parameters at once; this is the plain
    reading of the model it is checked against.
    """
    total = 0.0
    for events in sequences:
        state = new_state(params)
        for event in events:
            if event.lesson:
                state = after_lesson(state, params, event.at)
                continue
            p = estimate(state, params, event.at)
            guess = max(event.guess, 0.5) if event.hints_used else event.guess
            slip = params.slip if event.slip is None else event.slip
            p_right = p * (1 - slip) + (1 - p) * guess
            p_right = min(max(p_right, 1e-6), 1 - 1e-6)
            total += math.log(p_right if event.correct else 1 - p_right)
            state = after_answer(state, params, event.guess, event.correct, event.at, event.hints_used, slip=slip)
    return total


def as_blocks(sequences) -> list[Block]:
    """Return learners' event lists packed into blocks; blocks are returned as they are."""
    sequences = list(sequences)
    if sequences and isinstance(sequences[0], Block):
        return sequences
    return blocks_of(sequences)


def fit_skill(skill_id: str, sequences, current: SkillParams) -> Fitted:
    """Return the best prior, learn and slip for one skill's answers (event lists, or blocks of them)."""
    blocks = as_blocks(sequences)
    answers = sum(block.answers for block in blocks)
    learners = sum(block.learners for block in blocks)
    if answers < MIN_ANSWERS or learners < MIN_LEARNERS:
        return Fitted(skill_id, current, answers, learners, None, None)
    grid = [replace(current, prior=prior, learn=learn, slip=slip)
            for prior, learn, slip in itertools.product(PRIORS, LEARN_RATES, SLIPS)]
    totals = log_likelihoods(blocks, grid + [current])
    best = int(totals[:-1].argmax())  # the first of equals, as a loop keeping only a better one would
    return Fitted(skill_id, grid[best], answers, learners, float(totals[best]), float(totals[-1]))


@dataclass(frozen=True)
class QuestionFit:
    """What one question's answers say about it: its own guess and slip."""

    question_id: str
    answers: int
    guess: float
    slip: float


def fit_questions(sequences, params: SkillParams) -> list[QuestionFit]:
    """Return each question's guess and slip that make its learners' answers most likely, the skill's settings fixed.

    Only questions with MIN_QUESTION_ANSWERS answers are fitted, and only the learners who
    answered a question are replayed for it: changing one question changes nothing for others.
    """
    blocks = as_blocks(sequences)
    counts: dict[str, int] = {}
    for block in blocks:
        asked = np.bincount(block.question[block.question >= 0], minlength=len(block.questions))
        for question_id, n in zip(block.questions, asked):
            counts[question_id] = counts.get(question_id, 0) + int(n)
    combos = list(itertools.product(QUESTION_GUESSES, QUESTION_SLIPS))
    measured = sorted(q for q, n in counts.items() if n >= MIN_QUESTION_ANSWERS)
    if not measured:
        return []
    # Every question's every guess and slip is a column of one replay: learners who never met a
    # question add the same to each of its columns, so they change nothing in its choice.
    trial = QuestionTrial(tuple(q for q in measured for _ in combos),
                          np.array([g for _ in measured for g, _ in combos]),
                          np.array([s for _ in measured for _, s in combos]))
    totals = log_likelihoods(blocks, [params] * len(trial.question_ids), trial).reshape(len(measured), len(combos))
    return [QuestionFit(q, counts[q], *combos[int(row.argmax())]) for q, row in zip(measured, totals)]


def parameters_markdown(module: Module, fitted: list[Fitted], when: str,
                        questions: list[QuestionFit] = ()) -> str:
    """Write a module's parameters.md: the settings as data, and what they mean in words."""
    lines = ["---", f"module: {module.id}", f"fitted: {when}", "skills:"]
    for result in fitted:
        p = result.params
        lines.append(f"  {result.skill_id}: {{prior: {p.prior:g}, learn: {p.learn:g}, slip: {p.slip:g}, "
                     f"lesson_learn: {p.lesson_learn:g}, half_life_days: {p.half_life_days:g}}}")
    if questions:
        lines.append("questions:")
        lines += [f"  {q.question_id}: {{guess: {q.guess:g}, slip: {q.slip:g}}}" for q in questions]
    lines += ["---", "", f"# How the site judges each skill in {module.title}", "",
              "`flask --app wsgi engine fit` wrote this file from the answers learners gave. You can read it, "
              "and change a number if you know better; the site uses it straight away.", "",
              "- **prior**: the share of new learners who already know the skill.",
              "- **learn**: the chance a learner picks the skill up from one question and its feedback.",
              "- **slip**: the chance a learner who knows the skill still gets a question wrong.",
              "- **lesson_learn**: the chance of learning it from reading its lesson.",
              "- **half_life_days**: how long until a learner is half-way to forgetting it.",
              "- **questions**: for each question with enough answers, its own **guess** (how often learners "
              "who did not know the skill still got it right) and **slip** (how often those who knew it got it "
              "wrong). A question easy to guess counts for less, and is no longer taken as hard-to-guess evidence.",
              "",
              "| skill | answers | learners | fitted? |", "|---|---|---|---|"]
    for result in fitted:
        status = "yes" if result.log_likelihood is not None else (
            f"no: needs {MIN_ANSWERS} answers from {MIN_LEARNERS} learners")
        lines.append(f"| {result.skill_id} | {result.answers} | {result.learners} | {status} |")
    return "\n".join(lines) + "\n"
