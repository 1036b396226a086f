"""Sum many learners' weeks under one policy into the figures the clock benchmark reports."""

from __future__ import annotations

from collections import Counter
from typing import Iterable, Sequence

from .clock_contenders import ClockContender
from .clock_run import Weeks, run_weeks
from .forgetting import Forgetting
from .learner_types import learner_traits
from .model import Course, Module
from .populations import DEFAULT_POPULATION, Population


class WeeksTally:
    """Sums over many learners' weeks under one policy, in one forgetting population."""

    def __init__(self) -> None:
        self.learners = 0
        self.pairs = 0  # learner and skill
        self.questions = 0
        self.reviews = 0
        self.lessons = 0
        self.helps = 0
        self.sittings = 0
        self.gap_sittings = 0
        self.capped_topics = 0
        self.course_days = 0.0
        self.called = 0  # called mastered at the end of the gap
        self.called_forgotten = 0  # ... known at some point, not any more
        self.called_never_known = 0  # ... never known at all: false mastery still standing
        self.known_end = 0
        self.called_known = 0  # called mastered at the end and truly known then: what the passport can stand on
        self.knower_pairs = 0
        self.knower_questions = 0
        self.drops = 0
        self.drops_unexplained = 0
        self.mastered_lost = 0
        self.mastered_lost_unexplained = 0
        self.spent_knower = Counter()  # where the questions on skills known at the start went
        self.spent_other = Counter()  # ... and on the others

    def add(self, weeks: Weeks) -> None:
        """Count one learner's weeks."""
        self.learners += 1
        for key in ("questions", "reviews", "lessons", "helps", "sittings", "gap_sittings", "capped_topics",
                    "course_days", "drops", "drops_unexplained", "mastered_lost", "mastered_lost_unexplained"):
            setattr(self, key, getattr(self, key) + getattr(weeks, key))
        for record in weeks.skills.values():
            self.pairs += 1
            self.known_end += record.known_at_end
            if record.called_at_end:
                self.called += 1
                self.called_known += record.known_at_end
                if not record.known_at_end:
                    self.called_forgotten += record.ever_known
                    self.called_never_known += not record.ever_known
            if record.known_at_start:
                self.knower_pairs += 1
                self.knower_questions += record.questions
                self.spent_knower.update(record.spent)
            else:
                self.spent_other.update(record.spent)

    def merge(self, other: "WeeksTally") -> None:
        """Add another tally to this one."""
        for key, value in other.__dict__.items():
            setattr(self, key, getattr(self, key) + value)

    def summary(self) -> dict:
        """Return the metrics as plain data."""
        def ratio(a, b):
            return a / b if b else float("nan")

        return {
            "learners": self.learners,
            "skill_pairs": self.pairs,
            "retention_failure": ratio(self.called_forgotten, self.called),
            "called_not_known": ratio(self.called_forgotten + self.called_never_known, self.called),
            "called_never_known": ratio(self.called_never_known, self.called),
            "called_at_end": ratio(self.called, self.pairs),
            "known_at_end": ratio(self.known_end, self.pairs),
            "called_and_known": ratio(self.called_known, self.pairs),
            "questions_per_skill": ratio(self.questions, self.pairs),
            "questions_per_learner": ratio(self.questions, self.learners),
            "reviews_per_skill": ratio(self.reviews, self.pairs),
            "reviews_per_learner": ratio(self.reviews, self.learners),
            "lessons_per_learner": ratio(self.lessons, self.learners),
            "help_steps_per_learner": ratio(self.helps, self.learners),
            "sittings_per_learner": ratio(self.sittings, self.learners),
            "gap_sittings_per_learner": ratio(self.gap_sittings, self.learners),
            "course_days": ratio(self.course_days, self.learners),
            "capped_topics": self.capped_topics,
            "knower_pairs": self.knower_pairs,
            "knower_questions": ratio(self.knower_questions, self.knower_pairs),
            "level_drops": self.drops,
            "level_drops_per_learner": ratio(self.drops, self.learners),
            "level_drops_unexplained": self.drops_unexplained,
            "mastered_lost": self.mastered_lost,
            "mastered_lost_unexplained": self.mastered_lost_unexplained,
            # Questions a learner-skill, by where they went (engine.clock_run.breakdown_key).
            "breakdown": {
                "all": {k: ratio(v, self.pairs)
                        for k, v in sorted((self.spent_knower + self.spent_other).items())},
                "known at start": {k: ratio(v, self.knower_pairs) for k, v in sorted(self.spent_knower.items())},
                "others": {k: ratio(v, self.pairs - self.knower_pairs) for k, v in sorted(self.spent_other.items())},
            },
        }


def simulate_weeks(course: Course, modules: Sequence[Module], contender: ClockContender, learners: Iterable[int],
                   seed: int, forgetting: Forgetting, population: Population = DEFAULT_POPULATION) -> WeeksTally:
    """Run learners through the course and the gap under one policy; return their tally."""
    tally = WeeksTally()
    for index in learners:
        tally.add(run_weeks(course, modules, learner_traits(seed, index), contender, seed, forgetting, population))
    return tally
