"""What a learner does next across the whole course: a quick review due, else the topic they were working on,
else the next topic not finished. The home page and the API both ask here."""

from __future__ import annotations

from engine.model import Module
from engine.policies import Step
from engine.progress import LearnerState

from . import services
from .content import current_course
from .models import Learner


def resume_module(learner: Learner | None) -> Module | None:
    """Return the topic the learner last worked on, if it has a step left to take."""
    latest = [r for r in (services.last_answer(learner), services.last_read(learner)) if r is not None]
    if not latest:
        return None
    newest = max(latest, key=lambda r: getattr(r, "answered_at", None) or getattr(r, "read_at"))
    module = current_course().module(newest.module_id)
    if module is None or services.next_step(learner, module).kind == "done":
        return None  # nothing left to carry on with there
    return module


def course_next(learner: Learner | None) -> Step:
    """Return the learner's next step in the whole course: reviews due come first, mixed across topics."""
    reviews = services.reviews_due(learner)
    if reviews:
        return reviews[0]
    resume = resume_module(learner)
    if resume is not None:
        return services.next_step(learner, resume)
    states = services.all_states(learner)
    for module in current_course().modules:
        step = services.next_step(learner, module, states.get(module.id) or LearnerState(module.id))
        if step.kind != "done":
            return step
    return Step("done", "", "You have worked through every topic, and nothing is due for a quick review. "
                            "Well done.", purpose="done")
