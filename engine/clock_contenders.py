"""The policies the clock benchmark compares, each with its reviews and the level a learner sees.

Each is a `ClockContender`: how it chooses the next step in a topic (as in
`engine.contenders`), when it calls a skill mastered, the reviews it offers
across the course when a learner comes back (only the engine has any), and the
level it shows for a skill, as a rank: 0 not started, 1 learning, 2 secure,
3 mastered. The baselines show "mastered" while their rule holds, else
"learning"; the oracle calls a skill mastered the first time the learner truly
knows it and never takes it back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable, Mapping

from .contenders import ENGINE, ORACLE, Contender, contenders, engine_declared
from .mastery import Parameters, level
from .model import Course
from .policies import Situation, Step
from .progress import LearnerState
from .reviews import reviews_due

MASTERED_RANK = 3
LEVEL_RANKS = {"not started": 0, "learning": 1, "secure": 2, "mastered": MASTERED_RANK}
CLOCK_POLICIES = ("fixed-sequence", "3-in-a-row", "4-of-5", ORACLE, ENGINE)

Reviews = Callable[[Course, Mapping[str, LearnerState], Parameters, datetime], list[Step]]
Shown = Callable[[Situation, str], int]


def level_rank(name: str) -> int:
    """Return the rank of a level's name; a level saying a review is due still counts as mastered."""
    if name in LEVEL_RANKS:
        return LEVEL_RANKS[name]
    return MASTERED_RANK if "review" in name or "master" in name else 1


def engine_shown(situation: Situation, skill_id: str) -> int:
    """Return the rank of the level the app shows for a skill (`engine.mastery.level`)."""
    return level_rank(level(situation.state.skills.get(skill_id), situation.params.for_skill(skill_id),
                            situation.now))


def engine_reviews(course: Course, states: Mapping[str, LearnerState], params: Parameters,
                   now: datetime) -> list[Step]:
    """Return the reviews the home page offers: those due across every topic, a few at a time."""
    return reviews_due(course, states, params, now)


def declared_shown(declared: Callable[[Situation, str], bool]) -> Shown:
    """Return a level for a baseline: mastered while its rule holds, else learning once started."""
    def shown(situation: Situation, skill_id: str) -> int:
        if declared(situation, skill_id):
            return MASTERED_RANK
        skill = situation.state.skills.get(skill_id)
        return int(skill is not None and (skill.attempts > 0 or skill.lesson_read))
    return shown


@dataclass(frozen=True)
class ClockContender:
    """A policy in the clock run: its choice of steps, its mastery rule, its reviews and its levels."""

    name: str
    choose: Callable[[Situation], Step] | None  # None: the oracle, made for each learner and topic
    params: Parameters
    declared: Callable[[Situation, str], bool] | None  # None: the oracle, which knows
    state_class: type = LearnerState
    reviews: Reviews | None = None  # asked at the start of every sitting
    shown: Shown | None = None  # None: the oracle, whose calls stand

    @classmethod
    def from_contender(cls, contender: Contender, **changes) -> "ClockContender":
        """Return the clock version of a policy of the main benchmark."""
        values = dict(name=contender.name, choose=contender.choose, params=contender.params,
                      declared=contender.declared, state_class=contender.state_class)
        if contender.name == ENGINE:
            values.update(reviews=engine_reviews, shown=engine_shown)
        elif contender.declared is not None:
            values.update(shown=declared_shown(contender.declared))
        values.update(changes)
        return cls(**values)


def clock_contenders(population: Parameters | None = None, engine_params: Parameters | None = None,
                     names: tuple[str, ...] = CLOCK_POLICIES) -> list[ClockContender]:
    """Return the policies the clock run compares, in table order."""
    by_name = {c.name: c for c in contenders(population, engine_params)}
    return [ClockContender.from_contender(by_name[name]) for name in names]


__all__ = ["CLOCK_POLICIES", "ClockContender", "ENGINE", "LEVEL_RANKS", "MASTERED_RANK", "ORACLE",
           "clock_contenders", "declared_shown", "engine_declared", "engine_reviews", "engine_shown", "level_rank"]
