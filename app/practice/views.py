"""Practice task pages: a module's tasks, a task's pretend form, and how a try went.

Every page says it is pretend. A form sent with what looks like a real card or
bank account number is refused, and nothing of it is kept or shown back.
"""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for

from engine.tasks import KINDS, StepsError
from engine.tasks.real_details import real_details

from .. import services
from ..badges import awards
from ..content import current_course
from . import bp
from .records import record_try, try_of

# Fields the page itself sends, not steps of the task.
PAGE_FIELDS = ("csrf_token", "helped")


def _module_and_task(module_id: str, task_id: str):
    module = current_course().module(module_id)
    task = module.task(task_id) if module is not None else None
    if task is None:
        abort(404)
    return module, task


@bp.get("/modules/<module_id>/practice")
def tasks(module_id: str):
    """List a module's practice tasks, with the ones the learner has passed."""
    module = current_course().module(module_id)
    if module is None:
        abort(404)
    state = services.load_state(services.current_learner(), module)
    return render_template("practice/tasks.html", module=module, passed=state.tasks_passed,
                           tries=state.task_tries, kinds=KINDS)


@bp.route("/modules/<module_id>/practice/<task_id>", methods=["GET", "POST"])
def task(module_id: str, task_id: str):
    """Show a task's pretend form; on POST, check the learner's steps and keep the try."""
    module, task = _module_and_task(module_id, task_id)
    kind = KINDS[task.kind]
    error = warning = None
    so_far: dict = {}
    problems: dict = {}  # a pretend form's own checks, each said next to its box
    if request.method == "POST":
        fields = {name: values for name, values in request.form.to_dict(flat=False).items()
                  if name not in PAGE_FIELDS}
        warning = real_details(value for values in fields.values() for value in values)
        if warning is None:
            try:
                steps = kind.read_steps(task.scenario, fields)
            except StepsError as exc:
                error = str(exc)
                problems = getattr(exc, "fields", {})
                # Choices come back so nothing is chosen twice; what was typed does not (it may be a password).
                so_far = {name: values for name, values in fields.items() if name != "password"}
            else:
                learner = services.current_learner(create=True)
                tried = record_try(learner, task, kind.check(task.scenario, steps),
                                   helped=request.form.get("helped") == "yes")
                return redirect(url_for("practice.outcome", module_id=module.id, task_id=task.id,
                                        try_id=tried.record.id))
    status = 422 if error or warning else 200
    return render_template("practice/task.html", module=module, task=task, kind=kind, error=error,
                           warning=warning, so_far=so_far, problems=problems), status


@bp.get("/modules/<module_id>/practice/<task_id>/tries/<int:try_id>")
def outcome(module_id: str, task_id: str, try_id: int):
    """Show how a try at a task went: each mistake, why, and the lesson that helps."""
    module, task = _module_and_task(module_id, task_id)
    learner = services.current_learner()
    record = try_of(learner, task, try_id)
    if record is None:
        abort(404)
    course = current_course()
    found = []
    for mistake, about, detail in (record.response or {}).get("mistakes", []):
        feedback = task.feedback.get(mistake)
        remedies = [course.lessons[i] for i in course.remedies.get(feedback.misconception, ())
                    if i in course.lessons] if feedback and feedback.misconception else []
        found.append({"mistake": mistake, "about": KINDS[task.kind].part_name(task.scenario, about), "detail": detail,
                      "html": feedback.html if feedback else "", "remedies": remedies})
    step = services.next_step(learner, module)
    return render_template("practice/outcome.html", module=module, task=task, record=record, found=found,
                           step=step, new_awards=awards.earned_by(record))

