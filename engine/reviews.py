"""Reviews due across the whole course: a few quick questions, mixed across topics.

A topic the learner has finished still brings its skills back when they are due:
a mastered skill whose review card (`engine.schedule`) has fallen due gets a
quick question, whichever topic the learner is working on. The most faded (the
lowest chance of recall) come first, taking turns between topics, so a sitting
of reviews is a mix.
"""

from __future__ import annotations

from datetime import datetime
from typing import Mapping

from .mastery import Parameters, due_for_review, recall
from .model import Course
from .policies import Situation, Step, best_question
from .progress import LearnerState

REVIEWS_AT_ONCE = 5  # reviews offered at a time: a short sitting, not a test


def reviews_due(course: Course, states: Mapping[str, LearnerState], params: Parameters, now: datetime,
                limit: int = REVIEWS_AT_ONCE) -> list[Step]:
    """Return the review questions due now in every topic, most faded first, taking turns between topics."""
    by_module: list[list[tuple[float, Step]]] = []
    for module in course.modules:
        state = states.get(module.id)
        if state is None or state.reviewing:
            continue  # a gold review under way is not interrupted
        situation = Situation(course, module, state, now, params)
        due = []
        for skill in module.skills:
            skill_state = state.skills.get(skill.id)
            skill_params = params.for_skill(skill.id)
            if skill.id in state.help_offered or not due_for_review(skill_state, skill_params, now):
                continue
            question = best_question(situation, skill.id)
            if question is None:
                continue
            reason = (f"That one did not go right. Here is one more question on “{skill.title}”: everybody "
                      "slips now and then." if skill_state.slipped_at is not None else
                      f"You learned “{skill.title}” a while ago. Here is a quick question to keep it fresh.")
            due.append((recall(skill_state, now),
                        Step("question", module.id, reason, lesson_id=question.lesson_id, question_id=question.id,
                             skill_id=skill.id, purpose="review")))
        if due:
            by_module.append(sorted(due, key=lambda item: item[0]))
    by_module.sort(key=lambda due: due[0][0])
    steps: list[Step] = []
    while by_module and len(steps) < limit:
        for due in list(by_module):
            if len(steps) == limit:
                break
            steps.append(due.pop(0)[1])
            if not due:
                by_module.remove(due)
    return steps
