"""How well a learner knows each skill: Bayesian knowledge tracing with forgetting.

For each skill the model keeps one number, the chance the learner knows it,
and updates it after every answer and every lesson read, so deciding what
comes next never replays the answer history.

The update for one answer (Corbett and Anderson's knowledge tracing):

    right:  P(know | right) = P(know)(1 - slip) / (P(know)(1 - slip) + (1 - P(know)) guess)
    wrong:  P(know | wrong) = P(know) slip / (P(know) slip + (1 - P(know))(1 - guess))
    then:   P(know) = P(know | answer) + (1 - P(know | answer)) learn

`guess` follows the kind of question (1 in k for a single choice of k, almost
nothing for a typed answer). Between answers the estimate decays towards the
prior with a half-life, so a skill learned months ago is reviewed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Mapping

from .model import Course, Question

MASTERED = 0.95
SECURE = 0.7
# Reading alone never takes an estimate past this: only answers show a skill is secure.
LESSON_CEILING = 0.6


@dataclass(frozen=True)
class SkillParams:
    """The model's parameters for one skill."""

    prior: float = 0.2  # chance a new learner already knows the skill
    learn: float = 0.15  # chance of learning it from practising one question
    slip: float = 0.1  # chance of getting it wrong while knowing it
    lesson_learn: float = 0.35  # chance of learning it from reading its lesson
    half_life_days: float = 45.0  # after this long unused, the estimate is half-way back to the prior

    def as_dict(self) -> dict:
        """Return the parameters as plain data."""
        return {"prior": self.prior, "learn": self.learn, "slip": self.slip,
                "lesson_learn": self.lesson_learn, "half_life_days": self.half_life_days}


DEFAULT_PARAMS = SkillParams()


def guess_rate(question: Question) -> float:
    """Return the chance of answering right by guessing, from the kind of question."""
    choices = len(question.choices)
    if question.kind in ("single", "true-false"):
        return 1.0 / max(choices, 2)
    if question.kind == "multiple":
        # Any non-empty set of the options could be ticked.
        return 1.0 / max(2 ** choices - 1, 1)
    if question.kind == "ordering":
        return 1.0 / math.factorial(max(choices, 2))
    return 0.02  # typed: a lucky typed answer is rare


@dataclass(frozen=True)
class SkillState:
    """What the model believes about one learner and one skill."""

    p_known: float
    updated_at: datetime | None = None
    attempts: int = 0
    right: int = 0
    wrong_in_a_row: int = 0
    right_in_a_row: int = 0
    # Answers since the estimate last rose by a clear step: the wheel-spinning signal.
    attempts_without_progress: int = 0
    best: float = 0.0  # the highest estimate so far
    lesson_read: bool = False
    placement_asked: int = 0
    mastered_at: datetime | None = None

    def as_dict(self) -> dict:
        """Return the state as plain data, for storage."""
        data = self.__dict__.copy()
        for key in ("updated_at", "mastered_at"):
            data[key] = data[key].isoformat() if data[key] else None
        return data

    @classmethod
    def from_dict(cls, data: Mapping) -> "SkillState":
        """Rebuild a state from stored data."""
        values = dict(data)
        for key in ("updated_at", "mastered_at"):
            values[key] = datetime.fromisoformat(values[key]) if values.get(key) else None
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in values.items() if k in known})


def new_state(params: SkillParams = DEFAULT_PARAMS) -> SkillState:
    """Return the state of a skill nobody has shown anything about yet."""
    return SkillState(p_known=params.prior, best=params.prior)


def estimate(state: SkillState, params: SkillParams, now: datetime | None) -> float:
    """Return the chance the learner knows the skill now, allowing for forgetting."""
    if state.updated_at is None or now is None or params.half_life_days <= 0:
        return state.p_known
    days = max((now - state.updated_at).total_seconds() / 86400.0, 0.0)
    floor = min(params.prior, state.p_known)
    return floor + (state.p_known - floor) * 0.5 ** (days / params.half_life_days)


def after_answer(state: SkillState, params: SkillParams, guess: float, correct: bool, at: datetime,
                 hints_used: int = 0) -> SkillState:
    """Return the state after one answer."""
    p = estimate(state, params, at)
    if hints_used:
        # A right answer after hints says less: treat it as much easier to guess.
        guess = max(guess, 0.5)
    if correct:
        seen = p * (1 - params.slip) / (p * (1 - params.slip) + (1 - p) * guess)
    else:
        seen = p * params.slip / (p * params.slip + (1 - p) * (1 - guess))
    p_new = seen + (1 - seen) * params.learn
    progressed = p_new >= state.best + 0.05
    best = max(state.best, p_new)
    return replace(
        state,
        p_known=p_new,
        updated_at=at,
        attempts=state.attempts + 1,
        right=state.right + int(correct),
        wrong_in_a_row=0 if correct else state.wrong_in_a_row + 1,
        right_in_a_row=state.right_in_a_row + 1 if correct else 0,
        attempts_without_progress=0 if progressed else state.attempts_without_progress + 1,
        best=best,
        mastered_at=state.mastered_at or (at if p_new >= MASTERED else None),
    )


def after_lesson(state: SkillState, params: SkillParams, at: datetime) -> SkillState:
    """Return the state after reading a lesson that teaches the skill.

    A lesson gives a fresh start on the skill (the run of wrong answers is
    forgotten), but reading alone cannot show the skill is known.
    """
    p = estimate(state, params, at)
    p_new = max(p, min(p + (1 - p) * params.lesson_learn, LESSON_CEILING))
    return replace(state, p_known=p_new, updated_at=at, lesson_read=True, wrong_in_a_row=0,
                   attempts_without_progress=0, best=max(state.best, p_new))


LEVELS = ("not started", "learning", "secure", "mastered")

LEVEL_MEANINGS = {
    "not started": "You have not tried this skill yet.",
    "learning": "You are still learning this. Practice will help.",
    "secure": "You know most of this. A little more practice will make it stick.",
    "mastered": "You have shown you can do this. We will check back later so you keep it.",
}


def level(state: SkillState | None, params: SkillParams, now: datetime | None) -> str:
    """Return the level a learner sees for a skill; it can go down as well as up."""
    if state is None or (state.attempts == 0 and not state.lesson_read):
        return "not started"
    p = estimate(state, params, now)
    if p >= MASTERED:
        return "mastered"
    if p >= SECURE:
        return "secure"
    return "learning"


@dataclass(frozen=True)
class Parameters:
    """The model's parameters for every skill: defaults, with per-skill settings."""

    default: SkillParams = DEFAULT_PARAMS
    per_skill: Mapping[str, SkillParams] = field(default_factory=dict)

    def for_skill(self, skill_id: str) -> SkillParams:
        """Return the parameters for one skill."""
        return self.per_skill.get(skill_id, self.default)


def parameters_for(course: Course, default: SkillParams = DEFAULT_PARAMS) -> Parameters:
    """Return the model's parameters: the defaults, with each module's per-skill settings."""
    per_skill = {skill_id: replace(default, **values)
                 for module in course.modules for skill_id, values in module.parameters.items()}
    return Parameters(default, per_skill)
