"""How far a learner has got: a lesson's progress, a module's score, and who needs a tutor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .mastery import Parameters, SkillState, is_mastered
from .model import Lesson, Module
from .progress import LearnerState

STUCK_ANSWERS = 6  # answers on one skill without progress before it counts as stuck
STUCK_WRONG_IN_A_ROW = 3


@dataclass(frozen=True)
class LessonProgress:
    """How far a learner has got with one lesson."""

    lesson: Lesson
    read: bool
    answered: int
    right: int

    @property
    def total(self) -> int:
        """Return the number of questions in the lesson."""
        return len(self.lesson.questions)

    @property
    def finished(self) -> bool:
        """Say whether the lesson has been read and every question answered."""
        return self.read and self.answered == self.total

    @property
    def status(self) -> str:
        """Describe the lesson's state in a word or two."""
        if self.finished:
            return "Done"
        if self.read:
            return "Quiz started" if self.answered else "Read"
        return "Not started"


def lesson_progress(lesson: Lesson, state: LearnerState) -> LessonProgress:
    """Return how far the learner has got with a lesson."""
    mine = [state.results[q.id] for q in lesson.questions if q.id in state.results]
    return LessonProgress(lesson, lesson.id in state.lessons_read, len(mine), sum(mine))


def next_question(lesson: Lesson, state: LearnerState) -> str | None:
    """Return the id of the lesson's first unanswered question, or None."""
    for question in lesson.questions:
        if question.id not in state.results:
            return question.id
    return None


@dataclass(frozen=True)
class Score:
    """How much of a module a learner has shown: the score a VLE's gradebook gets."""

    mastered: int
    total: int

    @property
    def fraction(self) -> float:
        """Return the share of the module's skills mastered, from 0 to 1."""
        return self.mastered / self.total if self.total else 0.0

    @property
    def complete(self) -> bool:
        """Say whether every skill of the module is mastered."""
        return self.total > 0 and self.mastered == self.total


def module_score(module: Module, state: LearnerState, params: Parameters, now: datetime) -> Score:
    """Return how many of a module's skills the learner has mastered now, evidence and all."""
    mastered = sum(1 for skill in module.skills
                   if is_mastered(state.skills.get(skill.id), params.for_skill(skill.id), now))
    return Score(mastered, len(module.skills))


def is_stuck(skill: SkillState) -> bool:
    """Say whether a learner is wheel-spinning on a skill: many answers without progress, or wrong again and again."""
    return skill.attempts_without_progress >= STUCK_ANSWERS or skill.wrong_in_a_row >= STUCK_WRONG_IN_A_ROW


def needs_help(module: Module, state: LearnerState, params: Parameters, now: datetime) -> list[tuple[str, tuple[str, ...]]]:
    """Return the skills a learner is stuck on and has not mastered, with the mix-ups their answers showed.

    This is the engine's wheel-spinning signal, for a tutor: the skills it sent to a
    tutor, and those it would.
    """
    found = []
    for skill in module.skills:
        skill_state = state.skills.get(skill.id)
        if skill_state is None or is_mastered(skill_state, params.for_skill(skill.id), now):
            continue
        if skill.id in state.help_offered or is_stuck(skill_state):
            found.append((skill.id, tuple(state.misconceptions.get(skill.id, ()))))
    return found
