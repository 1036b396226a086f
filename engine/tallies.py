"""Sum many simulated sessions of one policy into the figures the benchmark reports."""

from __future__ import annotations

import math
from collections import Counter
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .simulate import Session

ROUTE_WITHIN = 6  # the target: stuck learners reach the remedial lesson within this many questions


def percentile(counts: Counter, fraction: float, missing: int = 0) -> float:
    """Return a percentile of counted values; `missing` values count as infinitely large."""
    total = sum(counts.values()) + missing
    if total == 0:
        return float("nan")
    rank = max(1, math.ceil(fraction * total))
    seen = 0
    for value in sorted(counts):
        seen += counts[value]
        if seen >= rank:
            return float(value)
    return float("inf")


class Tally:
    """Sums and distributions over many sessions of one policy."""

    def __init__(self) -> None:
        self.sessions = 0
        self.questions = 0
        self.minutes = 0.0
        self.lessons = 0
        self.helps = 0
        self.help_sessions = 0
        self.capped = 0
        self.session_questions: Counter = Counter()
        self.pairs = 0
        self.declared = 0
        self.false_declared = 0
        self.to_declare_q: Counter = Counter()
        self.to_declare_min: Counter = Counter()
        self.knower_pairs = 0
        self.knower_questions = 0
        self.while_known = 0
        self.learned_end = 0
        self.stuck = 0
        self.route_q: Counter = Counter()
        self.help_q: Counter = Counter()
        self.decision_ns = 0
        self.decisions = 0
        self.single_answer_calls = 0
        self.knower_declared = 0
        self.knower_to_declare = 0  # questions on a skill known at the start, until it was declared
        self.bronze_reached = 0
        self.bronze_answers: Counter = Counter()
        self.bronze_ratio: Counter = Counter()  # answers to bronze per bronze skill, to a tenth

    def add(self, session: Session) -> None:
        """Count one session."""
        self.sessions += 1
        self.questions += session.questions
        self.minutes += session.minutes
        self.lessons += session.lessons
        self.helps += session.helps
        self.help_sessions += session.helps > 0
        self.capped += session.capped
        self.session_questions[session.questions] += 1
        self.decision_ns += session.decision_ns
        self.decisions += session.decisions
        if session.bronze_after is not None:
            self.bronze_reached += 1
            self.bronze_answers[session.bronze_after] += 1
            self.bronze_ratio[round(session.bronze_after / max(session.bronze_skills, 1), 1)] += 1
        for record in session.skills.values():
            self.pairs += 1
            if record.declared_after is not None:
                self.declared += 1
                self.single_answer_calls += record.declared_after <= 1
                self.false_declared += not record.declared_truly_known
                self.to_declare_q[record.declared_after] += 1
                self.to_declare_min[round(record.declared_minutes)] += 1
            if record.known_at_start:
                self.knower_pairs += 1
                self.knower_questions += record.questions
                if record.declared_after is not None:
                    self.knower_declared += 1
                    self.knower_to_declare += record.declared_after
            self.while_known += record.questions_while_known
            self.learned_end += record.known_at_end
        if session.stuck_skill is not None:
            self.stuck += 1
            if session.route_questions is not None:
                self.route_q[session.route_questions] += 1
            if session.help_questions is not None:
                self.help_q[session.help_questions] += 1

    def merge(self, other: "Tally") -> None:
        """Add another tally to this one."""
        for key, value in other.__dict__.items():
            if isinstance(value, Counter):
                getattr(self, key).update(value)
            else:
                setattr(self, key, getattr(self, key) + value)

    def summary(self) -> dict:
        """Return the metrics as plain data."""
        def ratio(a, b):
            return a / b if b else float("nan")

        undeclared = self.pairs - self.declared
        stuck_never = self.stuck - sum(self.route_q.values())
        help_never = self.stuck - sum(self.help_q.values())
        within = sum(c for q, c in self.route_q.items() if q <= ROUTE_WITHIN)
        help_within = sum(c for q, c in self.help_q.items() if q <= ROUTE_WITHIN)
        return {
            "sessions": self.sessions,
            "questions_per_module": ratio(self.questions, self.sessions),
            "questions_per_module_p50": percentile(self.session_questions, 0.5),
            "questions_per_module_p90": percentile(self.session_questions, 0.9),
            "minutes_per_module": ratio(self.minutes, self.sessions),
            "lessons_per_module": ratio(self.lessons, self.sessions),
            "help_steps_per_module": ratio(self.helps, self.sessions),
            "sent_to_tutor_share": ratio(self.help_sessions, self.sessions),
            "capped_share": ratio(self.capped, self.sessions),
            "skill_pairs": self.pairs,
            "declared_share": ratio(self.declared, self.pairs),
            "questions_to_mastery_p50": percentile(self.to_declare_q, 0.5, undeclared),
            "questions_to_mastery_p90": percentile(self.to_declare_q, 0.9, undeclared),
            "minutes_to_mastery_p50": percentile(self.to_declare_min, 0.5, undeclared),
            "minutes_to_mastery_p90": percentile(self.to_declare_min, 0.9, undeclared),
            "false_mastery": ratio(self.false_declared, self.declared),
            "knower_pairs": self.knower_pairs,
            "knower_questions": ratio(self.knower_questions, self.knower_pairs),
            "questions_while_known": ratio(self.while_known, self.pairs),
            "learned_at_end": ratio(self.learned_end, self.pairs),
            "stuck_learners": self.stuck,
            "stuck_routed_within_6": ratio(within, self.stuck),
            "stuck_route_p50": percentile(self.route_q, 0.5, stuck_never),
            "stuck_route_p90": percentile(self.route_q, 0.9, stuck_never),
            "stuck_never_routed": ratio(stuck_never, self.stuck),
            "stuck_help_within_6": ratio(help_within, self.stuck),
            "stuck_help_p50": percentile(self.help_q, 0.5, help_never),
            "decision_us": ratio(self.decision_ns, self.decisions) / 1000 if self.decisions else float("nan"),
            "decisions": self.decisions,
            "questions_per_skill": ratio(self.questions, self.pairs),
            "single_answer_calls": ratio(self.single_answer_calls, self.declared),
            "knower_questions_to_mastery": ratio(self.knower_to_declare, self.knower_declared),
            "bronze_reached_share": ratio(self.bronze_reached, self.sessions),
            "answers_to_bronze_p50": percentile(self.bronze_answers, 0.5),
            "answers_to_bronze_min": min(self.bronze_answers) if self.bronze_answers else float("nan"),
            "answers_per_bronze_skill_min": min(self.bronze_ratio) if self.bronze_ratio else float("nan"),
        }
