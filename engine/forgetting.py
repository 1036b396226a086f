"""How simulated learners forget over weeks: the populations of the clock benchmark.

A benchmark whose learners forget exactly as the engine assumes can only agree
with the engine. So each population of `bench/clock.py` forgets its own way,
and each learner's skills each have their own half-life (the learner's, times a
factor drawn per skill):

- `types`: the learner types' own half-lives (10 to 120 days, engine.learner_types).
- `as-engine`: the engine's half-life for everybody (45 days by default).
- `faster`: half the engine's half-life.
- `slower`: twice the engine's half-life.
- `step`: nothing is lost for a while, then everything at once: a skill is
  known until the half-life has passed since it was last used, then gone.
- `spacing`: memory grows with use, as spaced-repetition systems assume: each
  use of a known skill a day or more after the last multiplies its half-life
  by 2.
- `never`: nobody forgets (a check of the harness).

Exponential forgetting is memoryless, so a skill can be checked at any moment;
the step and spacing curves need the time the skill was last used, which
`Memory` keeps.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from .mastery import SkillParams

SKILL_SPREAD = (0.7, 1.4)  # each skill's half-life: the learner's times a factor drawn from this range
SPACING_GROWTH = 2.0  # how much a spaced use lengthens memory, in the `spacing` population
SPACING_DAYS = 1.0  # a use counts as spaced when at least this long after the last one


def engine_half_life() -> float:
    """Return the half-life, in days, the engine's default parameters assume."""
    return float(getattr(SkillParams(), "half_life_days", 45.0) or 45.0)


@dataclass
class Memory:
    """One learner's hold on one skill: known or not, and how long it lasts."""

    known: bool
    half_life: float  # days; infinite for somebody who never forgets
    checked: float = 0.0  # days since the start when forgetting was last applied
    used: float = 0.0  # days since the start when the skill was last used (learned, answered, read about)
    strength: float = 1.0  # the spacing population's growth of the half-life


@dataclass(frozen=True)
class Forgetting:
    """A population's forgetting: whose half-life, scaled how, on which curve."""

    name: str
    description: str
    scale: float | None = 1.0  # times the engine's half-life; None: the learner type's own half-life
    curve: str = "exponential"  # "exponential", "step", "spacing" or "never"

    def half_life(self, type_half_life: float, rng: random.Random) -> float:
        """Return one skill's half-life for a learner, in days."""
        if self.curve == "never":
            return math.inf
        base = type_half_life if self.scale is None else engine_half_life() * self.scale
        return base * rng.uniform(*SKILL_SPREAD)

    def still_known(self, memory: Memory, day: float, rng: random.Random) -> bool:
        """Let forgetting act on a skill up to `day`, and say whether it is still known."""
        if memory.known and self.curve != "never":
            if self.curve == "step":
                memory.known = day - memory.used <= memory.half_life
            else:
                elapsed = day - memory.checked
                if elapsed > 0 and rng.random() >= 0.5 ** (elapsed / (memory.half_life * memory.strength)):
                    memory.known = False
        memory.checked = max(memory.checked, day)
        return memory.known

    def use(self, memory: Memory, day: float) -> None:
        """Record that a known skill was used on `day`: it lasts from there, and longer if spaced."""
        if not memory.known:
            return
        if self.curve == "spacing" and day - memory.used >= SPACING_DAYS:
            memory.strength *= SPACING_GROWTH
        memory.used = day


FORGETTING: dict[str, Forgetting] = {f.name: f for f in (
    Forgetting("types", "each learner type's own half-life (10 to 120 days)", scale=None),
    Forgetting("as-engine", "the engine's own half-life for everybody", scale=1.0),
    Forgetting("faster", "half the engine's half-life", scale=0.5),
    Forgetting("slower", "twice the engine's half-life", scale=2.0),
    Forgetting("step", "known until the engine's half-life has passed since last use, then gone at once",
               scale=1.0, curve="step"),
    Forgetting("spacing", "the learner type's half-life, doubled by each use a day or more after the last",
               scale=None, curve="spacing"),
    Forgetting("never", "nobody forgets (a check of the harness)", scale=None, curve="never"),
)}
DEFAULT_FORGETTING = ("types", "faster", "slower", "step", "spacing")
