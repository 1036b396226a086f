"""When the engine's next step is a practice task: where one helps most, and where the passport needs one.

Kept simple on purpose. A task is offered
- once a skill it shows has been taught and the learner is doing well with it
  (secure, not yet mastered): a task passed then is strong evidence, so it
  settles the skill with fewer questions than asking more; and
- at the end of a topic whose passport needs a task (silver and gold), if
  none is passed yet: one whose skills are all mastered, so it is all that is left.
A task the learner has passed unaided, or tried `MOST_TRIES` times, is not
offered again; the topic's list of tasks still lets them try it any time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..mastery import MASTERED, SECURE
from ..model import Task

if TYPE_CHECKING:
    from ..policies import Situation, Step

MOST_TRIES = 2  # tries after which the engine stops offering a task (the learner can still choose it)


def _open(situation: "Situation", task: Task) -> bool:
    """Say whether a task may be offered: not passed unaided yet, not tried too often, its skills taught."""
    state, params = situation.state, situation.params
    if task.id in state.tasks_passed or state.task_tries.get(task.id, 0) >= MOST_TRIES:
        return False
    return all(state.skill(s, params).lesson_read or situation.estimate(s) >= MASTERED for s in task.skills)


def task_to_show_a_skill(situation: "Situation") -> Task | None:
    """Return a task that would settle a skill the learner is doing well with but has not mastered, or None."""
    state = situation.state
    for task in situation.module.tasks:
        if not _open(situation, task):
            continue
        if any(not situation.mastered(s) and situation.estimate(s) >= SECURE and s not in state.help_offered
               for s in task.skills):
            return task
    return None


def task_for_the_passport(situation: "Situation") -> Task | None:
    """Return a task to do when the topic's passport needs one and none is passed yet, or None.

    Only a task whose skills are all mastered: then the task is all that stands between the
    learner and the level, and a learner still struggling is not sent to one.
    """
    module, state = situation.module, situation.state
    if any(task.id in state.tasks_passed for task in module.tasks):
        return None
    return next((task for task in module.tasks if _open(situation, task)
                 and all(situation.mastered(s) for s in task.skills)), None)


def task_step(situation: "Situation", task: Task, reason: str) -> "Step":
    """Return the step that offers a task."""
    from ..policies import Step

    return Step("task", situation.module.id, reason, skill_id=task.skills[0], task_id=task.id, purpose="task")
