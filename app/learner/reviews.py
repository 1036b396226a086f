"""The quick reviews page: a short sitting of questions on skills due to be kept fresh, mixed across topics.

A sitting is carried in the address (`?review=N`, the quick checks done so far), so it works without
JavaScript and without anything stored: each question comes from the reviews due at that moment.
"""

from __future__ import annotations

from flask import redirect, render_template, request, url_for

from engine.reviews import REVIEWS_AT_ONCE

from .. import services
from ..content import current_course
from . import bp

SITTING = REVIEWS_AT_ONCE  # quick checks in one sitting: a few, not a test


def sitting_done(raw: str | None) -> int | None:
    """Read how many quick checks of a sitting are done from a form or address; None outside a sitting."""
    if raw is None:
        return None
    try:
        done = int(raw)
    except ValueError:  # a forged or mangled address starts the sitting afresh, never an error
        return 0
    return max(0, min(done, SITTING))


def review_step(learner, question_id: str):
    """Return the review due now that asks this question, or None."""
    return next((step for step in services.reviews_due(learner) if step.question_id == question_id), None)


@bp.get("/reviews")
def reviews():
    """Show the quick reviews due across every topic, or say kindly that nothing is due or the sitting is done."""
    course = current_course()
    due = services.reviews_due(services.current_learner())
    return render_template("learner/reviews.html", due=due, done=sitting_done(request.args.get("done")) or 0,
                           sitting=SITTING, course_skills=course.skills,
                           module_titles={m.id: m.title for m in course.modules})


@bp.get("/reviews/next")
def next_review():
    """Take the learner to the next quick review, from another topic than the last one where there is a choice."""
    done = sitting_done(request.args.get("done")) or 0
    due = services.reviews_due(services.current_learner())
    last = current_course().questions.get(request.args.get("after") or "")
    # A wrong answer on a skill still due may have been a slip: its second question comes at once,
    # even after the sitting's last quick check, so the level is settled before the learner goes.
    again = next((s for s in due if last is not None and s.skill_id == last.skill), None)
    if again is not None:
        return redirect(url_for("learner.question", question_id=again.question_id, review=min(done, SITTING - 1)))
    if not due or done >= SITTING:
        return redirect(url_for("learner.reviews", done=done))
    step = next((s for s in due if last is None or s.module_id != last.module_id), due[0])
    return redirect(url_for("learner.question", question_id=step.question_id, review=done))
