"""One simulated person taking the whole course over weeks, for the clock benchmark (bench/clock.py).

Unlike `engine.simulate.SimulatedLearner`, which lives in one module at a time,
this learner keeps one memory of every skill of the course and one calendar:
sittings of a few steps, days between them, then a long gap after the course
with a few short sittings in it. Each known skill fades by its own half-life on
the curve of a forgetting population (`engine.forgetting`), whatever the engine
assumes. Answering, luck, slips, lessons and stuck learners work as in
`engine.simulate`.

Everything is seeded by (seed, learner): every policy meets the same person,
with the same skills known at the start, the same half-lives and the same
calendar (the k-th gap is as long whoever the policy is).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Sequence

from . import simulate
from .baselines import measured_skills
from .forgetting import Forgetting, Memory
from .learner_types import START, TYPES_BY_NAME, Traits, stuck_pairs
from .model import Course, Lesson, Module, Question
from .populations import DEFAULT_POPULATION, Population
from .wrong_answers import wrong_answer_tags

STEPS_PER_SITTING = (8, 20)  # steps (lessons, questions) in one sitting, drawn per learner
GAP_DAYS = (1.0, 7.0)  # a learner's usual days between sittings while taking the course
LONG_GAP_DAYS = (30.0, 90.0)  # days from the end of the course to the retention check
COMEBACK_DAYS = (10.0, 30.0)  # days between the short sittings in the long gap


@dataclass(frozen=True)
class Calendar:
    """When one learner studies."""

    steps_per_sitting: int
    gap_days: float  # usual days between sittings in the course; each gap is 0.5 to 1.5 times it
    long_gap_days: float
    comeback_days: float

    def as_dict(self) -> dict:
        """Return the calendar as plain data."""
        return dict(self.__dict__)


def learner_calendar(seed: int | str, index: int) -> Calendar:
    """Return when learner number `index` studies."""
    rng = random.Random(f"{seed}:{index}:calendar")
    return Calendar(steps_per_sitting=rng.randint(*STEPS_PER_SITTING), gap_days=rng.uniform(*GAP_DAYS),
                    long_gap_days=rng.uniform(*LONG_GAP_DAYS), comeback_days=rng.uniform(*COMEBACK_DAYS))


class ClockLearner:
    """The hidden truth about one learner over the whole course and the weeks after it."""

    def __init__(self, course: Course, modules: Sequence[Module], traits: Traits, seed: int | str,
                 forgetting: Forgetting, population: Population = DEFAULT_POPULATION):
        self.course = course
        self.traits = traits
        self.forgetting = forgetting
        self.population = population
        self.calendar = learner_calendar(seed, traits.index)
        init = random.Random(f"{seed}:{traits.index}:clock:start")
        self.rng = random.Random(f"{seed}:{traits.index}:clock:run")
        self.gap_rng = random.Random(f"{seed}:{traits.index}:clock:gaps")
        self.minutes = 0.0
        self.skills_of = {m.id: measured_skills(course, m) for m in modules}
        self.stuck: dict[str, tuple[str, str]] = {}  # module id -> (misconception, skill)
        if TYPES_BY_NAME[traits.kind].stuck:
            for module in modules:
                pairs = stuck_pairs(course, module)
                if pairs:
                    self.stuck[module.id] = init.choice(pairs)
        self.holds = {skill: tag for tag, skill in self.stuck.values()}  # stuck skill -> its misconception
        self.fixed: set[str] = set()
        self.memory: dict[str, Memory] = {}
        for skills in self.skills_of.values():
            for skill_id in skills:
                known = skill_id not in self.holds and init.random() < traits.prior
                self.memory[skill_id] = Memory(known, forgetting.half_life(traits.half_life_days, init))
        self.known_at_start = {s: m.known for s, m in self.memory.items()}
        self.ever_known = {s for s, known in self.known_at_start.items() if known}

    # the clock

    @property
    def day(self) -> float:
        """Return the days since the start."""
        return self.minutes / 1440.0

    @property
    def now(self) -> datetime:
        """Return the simulated date and time."""
        return START + timedelta(minutes=self.minutes)

    def wait(self, days: float) -> None:
        """Move the clock on by some days without studying."""
        self.minutes += days * 1440.0

    def next_gap(self) -> float:
        """Return the days until the next sitting of the course."""
        return self.gap_rng.uniform(0.5, 1.5) * self.calendar.gap_days

    # the hidden state

    def knows(self, skill_id: str) -> bool:
        """Say whether the learner knows a skill now, letting forgetting act since the last look."""
        memory = self.memory.get(skill_id)
        return memory is not None and self.forgetting.still_known(memory, self.day, self.rng)

    def blocked(self, skill_id: str) -> bool:
        """Say whether the learner cannot learn a skill yet (stuck, remedial lesson unread)."""
        return skill_id in self.holds and self.holds[skill_id] not in self.fixed

    def _learn(self, skill_id: str, chance: float) -> None:
        if skill_id not in self.memory:
            return
        if self.knows(skill_id):
            self.forgetting.use(self.memory[skill_id], self.day)
        elif not self.blocked(skill_id) and self.rng.random() < chance:
            memory = self.memory[skill_id]
            memory.known, memory.used, memory.checked = True, self.day, self.day
            self.ever_known.add(skill_id)

    # what the learner does

    def read(self, lesson: Lesson) -> None:
        """Read a lesson: it may put a misconception right, and may teach (or refresh) its skills."""
        self.fixed |= set(lesson.fixes) & set(self.holds.values())
        for skill_id in lesson.skills:
            self._learn(skill_id, self.traits.lesson_learn)
        self.minutes += float(lesson.minutes)

    def answer(self, question: Question, placement: bool = False) -> tuple[bool, tuple[str, ...], bool]:
        """Answer a question: whether it was right, the misconceptions shown, and whether the skill was known."""
        known = self.knows(question.skill)
        correct = self.rng.random() < self.population.chance(question, known, self.traits.slip, placement)
        holds = self.holds.get(question.skill) if self.blocked(question.skill) else None
        tags = () if correct else wrong_answer_tags(question, self.rng, holds, simulate.STUCK_PICKS_ANY_TAG)
        self._learn(question.skill, self.traits.learn)
        self.minutes += simulate.MINUTES_PER_QUESTION
        return correct, tags, known

    def in_module(self, module: Module) -> "ModuleView":
        """Return this learner as one module's oracle sees them."""
        return ModuleView(self, module)


class ModuleView:
    """A clock learner seen from one module: what `engine.contenders.oracle_policy` reads."""

    def __init__(self, learner: ClockLearner, module: Module):
        self.course = learner.course
        self.module = module
        self.skills = learner.skills_of[module.id]
        self.knows = learner.knows
        self.blocked = learner.blocked
        self.stuck_tag = learner.stuck.get(module.id, (None, None))[0]
