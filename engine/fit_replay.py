"""Replay many learners' answers under many candidate settings at once, for `engine fit`.

The grid search in engine.fit asks, for every candidate setting of a skill, how likely the
answers learners gave are under the model. Replaying each learner once per candidate in Python
cost about 8 ms of CPU per answer. Here learners are packed into blocks of equal-length rows
(numpy arrays, about 40 bytes an event) and every candidate is a column, so one pass through
the events updates all learners under all candidates together. The arithmetic is the model's
own (engine.mastery: forgetting, lessons, hints, slips and guesses), element by element, so the
likelihoods match the one-at-a-time replay to rounding.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np

from .mastery import LESSON_CEILING, SkillParams

PAD, LESSON, ANSWER = 0, 1, 2
HINT_GUESS = 0.5  # a right answer after hints counts as at least this guessable (engine.mastery.after_answer)
ROWS = 128  # learners in one block: blocks hold learners of similar length, so little is padding
CLAMP = 1e-6


@dataclass(frozen=True)
class Block:
    """Learners' events for one skill, one row a learner, padded at the end to the longest row.

    `days` is the time since the learner's previous event (0 for the first); `guess` is already
    raised for answers given after hints; `slip` is NaN where the skill's own slip applies;
    `question` numbers each answer's question in `questions` (-1 for lessons and padding).
    """

    kind: np.ndarray  # int8 (rows, steps): PAD, LESSON or ANSWER
    days: np.ndarray  # float64
    correct: np.ndarray  # bool
    guess: np.ndarray  # float64
    hinted: np.ndarray  # bool: the answer came after hints
    slip: np.ndarray  # float64, NaN: the skill's slip
    question: np.ndarray  # int32
    questions: tuple[str, ...]

    @property
    def answers(self) -> int:
        """Return how many answers the block holds."""
        return int((self.kind == ANSWER).sum())

    @property
    def learners(self) -> int:
        """Return how many learners in the block answered at least once."""
        return int((self.kind == ANSWER).any(axis=1).sum())

    @property
    def nbytes(self) -> int:
        """Return the memory the block's arrays take."""
        return sum(a.nbytes for a in (self.kind, self.days, self.correct, self.guess, self.hinted, self.slip,
                                      self.question))


def blocks_of(sequences: Iterable[Sequence], rows: int = ROWS) -> list[Block]:
    """Pack learners' event lists (engine.fit.Event, in time order) into blocks of similar length."""
    ordered = sorted((events for events in sequences if events), key=len)
    return [_block(ordered[at:at + rows]) for at in range(0, len(ordered), rows)]


def _block(sequences: list[Sequence]) -> Block:
    steps = max(len(events) for events in sequences)
    shape = (len(sequences), steps)
    kind = np.zeros(shape, np.int8)
    days = np.zeros(shape)
    correct = np.zeros(shape, bool)
    guess = np.zeros(shape)
    hinted = np.zeros(shape, bool)
    slip = np.full(shape, np.nan)
    question = np.full(shape, -1, np.int32)
    numbers: dict[str, int] = {}
    for row, events in enumerate(sequences):
        previous = None
        for step, event in enumerate(events):
            if previous is not None:
                days[row, step] = max((event.at - previous).total_seconds() / 86400.0, 0.0)
            previous = event.at
            if event.lesson:
                kind[row, step] = LESSON
                continue
            kind[row, step] = ANSWER
            correct[row, step] = event.correct
            guess[row, step] = max(event.guess, HINT_GUESS) if event.hints_used else event.guess
            hinted[row, step] = bool(event.hints_used)
            if event.slip is not None:
                slip[row, step] = event.slip
            if event.question_id is not None:
                question[row, step] = numbers.setdefault(event.question_id, len(numbers))
    return Block(kind, days, correct, guess, hinted, slip, question, tuple(numbers))


@dataclass(frozen=True)
class QuestionTrial:
    """A guess and a slip to try for one question in each column, everything else staying as it is.

    Columns may try different questions: every question of a skill is tried in one replay.
    """

    question_ids: tuple[str, ...]  # (candidates,)
    guesses: np.ndarray  # (candidates,)
    slips: np.ndarray  # (candidates,)


def log_likelihoods(blocks: Iterable[Block], candidates: Sequence[SkillParams],
                    trial: QuestionTrial | None = None) -> np.ndarray:
    """Return, for each candidate setting, the log-likelihood of every answer in the blocks.

    With a `trial`, the candidates' own slips still apply to other questions, and answers to each
    column's trial question use that column's trial guess and slip instead.
    """
    prior = np.array([c.prior for c in candidates])
    learn = np.array([c.learn for c in candidates])
    skill_slip = np.array([c.slip for c in candidates])
    lesson_learn = np.array([c.lesson_learn for c in candidates])
    half_lives = {c.half_life_days for c in candidates}
    if len(half_lives) != 1:
        raise ValueError("every candidate must share one half-life: it is not fitted")
    half_life = half_lives.pop()
    total = np.zeros(len(candidates))
    for block in blocks:
        total += _replay(block, prior, learn, skill_slip, lesson_learn, half_life, trial)
    return total


def _replay(block: Block, prior, learn, skill_slip, lesson_learn, half_life: float, trial) -> np.ndarray:
    """Replay one block under every candidate (columns); return each candidate's log-likelihood.

    Padding and steps without an event have no time passing (days 0), so they leave a row as it was.
    """
    rows, steps = block.kind.shape
    p = np.empty((rows, len(prior)))
    p[:] = prior
    total = np.zeros(len(prior))
    keep = 1 - learn
    decays = 0.5 ** (block.days / half_life) if half_life > 0 else np.ones(block.days.shape)
    if trial is not None:
        numbers = {question_id: n for n, question_id in enumerate(block.questions)}
        tried = np.array([numbers.get(question_id, -2) for question_id in trial.question_ids])  # -2: not here
        trial_guesses = np.maximum(trial.guesses, HINT_GUESS)  # the hint rule holds for the trial's guesses too
    own_slips = not np.isnan(block.slip).all()
    with np.errstate(divide="ignore", invalid="ignore"):
        for step in range(steps):
            kind = block.kind[:, step]
            answered = kind == ANSWER
            lesson = kind == LESSON
            if not answered.any() and not lesson.any():
                continue
            now = p
            if (decays[:, step] < 1).any():
                # Forgetting: half-way back to the prior (never below what was known) every half-life.
                floor = np.minimum(prior, p)
                now = floor + (p - floor) * decays[:, step, None]
            after = now
            if lesson.any():
                read = np.maximum(now, np.minimum(now + (1 - now) * lesson_learn, LESSON_CEILING))
                after = np.where(lesson[:, None], read, now)
            if answered.any():
                guess = block.guess[:, step, None]
                slip = skill_slip
                if own_slips:
                    own = block.slip[:, step, None]
                    slip = np.where(np.isnan(own), skill_slip, own)
                if trial is not None:
                    asked = block.question[:, step, None] == tried
                    hinted = block.hinted[:, step, None]
                    guess = np.where(asked, np.where(hinted, trial_guesses, trial.guesses), guess)
                    slip = np.where(asked, trial.slips, slip)
                not_known = 1 - now
                right_known = now * (1 - slip)
                p_right = not_known * guess
                p_right += right_known
                correct = block.correct[:, step, None]
                chance = np.where(correct, p_right, 1 - p_right)
                np.clip(chance, CLAMP, 1 - CLAMP, out=chance)
                np.log(chance, out=chance)
                total += chance[answered].sum(axis=0)
                wrong_known = now * slip
                seen = np.where(correct, right_known / p_right, wrong_known / (wrong_known + not_known * (1 - guess)))
                seen *= keep
                seen += learn
                after = np.where(answered[:, None], seen, after)
            p = after
    return total
