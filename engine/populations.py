"""Populations of simulated learners that do, and do not, behave as the engine assumes.

A benchmark whose learners answer exactly as the engine's model says will always
agree with the engine. So the simulator's learners take their luck (the chance
of a right answer to a question on a skill they do not know) and their slips
from a population, and the benchmark reports each population on its own:

- `random-clickers`: luck is the arithmetic of clicking at random (1 in k for a
  choice of k, 1 in 2^k - 1 for a tick-all, 1 in k! for an ordering, 1 in 50
  for a typed answer). The first engine assumed exactly this.
- `partial-knowledge`: people rule options out, know half of a sequence, type
  the obvious number: 1 in k - 1 for a choice, at least 1 in 8 for a tick-all or
  an ordering, at least 1 in 20 for a typed answer.
- `lucky`: more luck than the engine assumes on every kind: 1 in 4 on tick-all and
  ordering, 3 in 20 on typed answers.
- `careless`: everyone slips 1 time in 5, twice what the engine assumes.
- `rushing-placement`: partial knowledge, and the quick questions offered to skip
  a lesson are clicked through: 3 in 10 slips, luck as partial knowledge.

A tutor's `guess:` on a question is taken as true for every population: a
question the tutor says is easy to guess is at least that easy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

from .model import Question


def random_click(question: Question) -> float:
    """Return the chance that clicking at random gets a question right."""
    choices = len(question.choices)
    if question.kind in ("single", "true-false"):
        return 1.0 / max(choices, 2)
    if question.kind == "multiple":
        return 1.0 / max(2 ** choices - 1, 1)
    if question.kind == "ordering":
        return 1.0 / math.factorial(max(choices, 2))
    return 0.02


def _ruling_out(question: Question, least_multiple: float, least_typed: float, two_way: float) -> float:
    choices = len(question.choices)
    if question.kind in ("single", "true-false"):
        return 1.0 / (choices - 1) if choices >= 3 else two_way
    if question.kind in ("multiple", "ordering"):
        return max(random_click(question), least_multiple)
    return max(random_click(question), least_typed)


def partial_knowledge(question: Question) -> float:
    """Return the chance of a right answer for someone who rules options out or half-knows a sequence."""
    return _ruling_out(question, 1 / 8, 1 / 20, 0.6)


def lucky(question: Question) -> float:
    """Return a chance of a right answer well above what the engine assumes for every kind."""
    return _ruling_out(question, 1 / 4, 3 / 20, 0.65)


@dataclass(frozen=True)
class Population:
    """How a population's learners answer beyond what their learner type says."""

    name: str
    description: str
    luck: Callable[[Question], float]  # chance of a right answer without knowing the skill
    slip: float | None = None  # every learner's slip, whatever their type's
    placement_slip: float | None = None  # slip on the quick questions offered to skip a lesson
    placement_luck: Callable[[Question], float] | None = None

    def chance(self, question: Question, knows: bool, slip: float, placement: bool = False) -> float:
        """Return the chance of a right answer to a question, knowing the skill or not."""
        if placement and self.placement_slip is not None:
            slip = self.placement_slip
        elif self.slip is not None:
            slip = self.slip
        if knows:
            return 1.0 - slip
        luck = self.placement_luck if placement and self.placement_luck is not None else self.luck
        return max(luck(question), question.guess or 0.0)


POPULATIONS: dict[str, Population] = {p.name: p for p in (
    Population("random-clickers", "luck is random clicking: the first engine's own assumption", random_click),
    Population("partial-knowledge", "rule options out, half-know sequences: 1 in 8 on tick-all and ordering, "
               "1 in 20 on typed", partial_knowledge),
    Population("lucky", "more luck than the engine assumes: 1 in 4 on tick-all and ordering, 3 in 20 on typed",
               lucky),
    Population("careless", "every learner slips 1 time in 5", random_click, slip=0.2),
    Population("rushing-placement", "partial knowledge, and the quick skip-a-lesson questions clicked through "
               "(3 in 10 slips)", partial_knowledge, placement_slip=0.3, placement_luck=partial_knowledge),
)}
DEFAULT_POPULATION = POPULATIONS["random-clickers"]
