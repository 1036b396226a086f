"""The people the benchmark simulates: five learner types, each person's traits, and when they study.

Each simulated person is drawn once from a seeded `random.Random`, so the same
person (same type, same parameters) meets every policy. Their hidden state and
how they answer are `engine.simulate.SimulatedLearner`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime

from .baselines import measured_skills
from .mastery import Parameters, SkillParams
from .model import Course, Module

START = datetime(2026, 1, 5, 9, 0)
MINUTES_PER_QUESTION = 1.0
SITTING_MINUTES = (20.0, 45.0)
GAP_DAYS = (1.0, 7.0)


@dataclass(frozen=True)
class LearnerType:
    """A kind of learner: its share of the population and the ranges its parameters are drawn from."""

    name: str
    share: float
    prior: tuple[float, float]  # chance of knowing each skill before starting
    lesson_learn: tuple[float, float]  # chance of learning a skill from reading its lesson
    learn: tuple[float, float]  # chance of learning a skill from one question and its feedback
    slip: tuple[float, float]  # chance of a wrong answer while knowing the skill
    half_life_days: tuple[float, float]  # forgetting
    stuck: bool = False  # stuck on one skill until the remedial lesson for a misconception is read
    description: str = ""


LEARNER_TYPES: tuple[LearnerType, ...] = (
    LearnerType("already-knows", 0.20, (0.85, 1.00), (0.50, 0.90), (0.20, 0.40), (0.03, 0.10), (30, 120),
                description="has used these skills before: knows most skills at the start"),
    LearnerType("fast", 0.25, (0.05, 0.30), (0.50, 0.90), (0.25, 0.45), (0.03, 0.10), (30, 120),
                description="new to most skills, learns quickly from lessons and feedback"),
    LearnerType("slow", 0.25, (0.00, 0.15), (0.10, 0.30), (0.04, 0.12), (0.05, 0.12), (10, 45),
                description="new to most skills, learns slowly and forgets sooner"),
    LearnerType("stuck", 0.10, (0.05, 0.25), (0.30, 0.60), (0.10, 0.25), (0.03, 0.10), (20, 90), stuck=True,
                description="holds one misconception and cannot learn that skill until its remedial lesson"),
    LearnerType("careless", 0.20, (0.05, 0.30), (0.30, 0.70), (0.10, 0.30), (0.20, 0.35), (20, 90),
                description="learns normally but often slips: many wrong answers on skills they know"),
)

TYPES_BY_NAME = {t.name: t for t in LEARNER_TYPES}


def _mid(span: tuple[float, float]) -> float:
    return (span[0] + span[1]) / 2


def population_means() -> Parameters:
    """Return the generator's population means of each parameter, one set for everybody.

    Not a good knowledge-tracing model of the population: the learners who keep
    answering are the slow ones, so mean learning rates overstate learning.
    `population_parameters` fits a set instead.
    """
    def mean(attr: str) -> float:
        return sum(t.share * _mid(getattr(t, attr)) for t in LEARNER_TYPES)

    return Parameters(default=SkillParams(prior=round(mean("prior"), 3), learn=round(mean("learn"), 3),
                                          slip=round(mean("slip"), 3), lesson_learn=round(mean("lesson_learn"), 3),
                                          half_life_days=round(mean("half_life_days"), 1)))


@dataclass(frozen=True)
class Traits:
    """One simulated person: the same in every module and for every policy."""

    index: int
    kind: str
    prior: float
    lesson_learn: float
    learn: float
    slip: float
    half_life_days: float
    sitting_minutes: float


def draw_type(rng: random.Random) -> LearnerType:
    """Draw a learner type by its share."""
    x = rng.random()
    total = 0.0
    for kind in LEARNER_TYPES:
        total += kind.share
        if x < total:
            return kind
    return LEARNER_TYPES[-1]


def learner_traits(seed: int | str, index: int, kind: str | None = None) -> Traits:
    """Return learner number `index` of the population drawn with `seed` (or of a given type)."""
    rng = random.Random(f"{seed}:{index}:traits")
    chosen = draw_type(rng)
    if kind is not None:
        chosen = TYPES_BY_NAME[kind]
    u = rng.uniform
    return Traits(index=index, kind=chosen.name, prior=u(*chosen.prior), lesson_learn=u(*chosen.lesson_learn),
                  learn=u(*chosen.learn), slip=u(*chosen.slip), half_life_days=u(*chosen.half_life_days),
                  sitting_minutes=u(*SITTING_MINUTES))


def stuck_pairs(course: Course, module: Module) -> list[tuple[str, str]]:
    """Return the (misconception, skill) pairs a learner can be stuck on in a module.

    A pair is a misconception carried by a wrong option of a question on the skill,
    for which some lesson in the course is written to put it right.
    """
    pairs: dict[tuple[str, str], None] = {}
    skills = set(measured_skills(course, module))
    for lesson in module.lessons:
        for question in lesson.questions:
            if question.skill not in skills:
                continue
            for option in question.options:
                tag = option.misconception
                if tag and not option.correct and course.remedies.get(tag):
                    pairs[(tag, question.skill)] = None
    return list(pairs)
