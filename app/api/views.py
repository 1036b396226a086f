"""API views: the same service functions as the learner pages, answering JSON."""

from __future__ import annotations

from functools import wraps

from flask import g, jsonify, request

from engine.answers import Answer, AnswerError, display_order, read_answer
from engine.mastery import due_for_review, estimate, level
from engine.policies import Step

from .. import ratelimits, services
from ..badges import awards
from ..content import current_course, current_parameters
from ..extensions import db
from ..models import Learner
from ..whats_next import course_next
from . import bp, tokens
from .openapi import openapi_document


class ApiError(Exception):
    """An error to answer as JSON, with a status and a plain message."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@bp.errorhandler(ApiError)
def api_error(error: ApiError):
    """Answer an API error as JSON."""
    return jsonify(error=error.message), error.status


def learner_required(view):
    """Find the learner from the request's bearer token, or answer 401."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise ApiError(401, "Send the learner's token as 'Authorization: Bearer <token>'.")
        found = tokens.find(token)
        learner = db.session.get(Learner, found.learner_id) if found else None
        if learner is None:
            raise ApiError(401, "That token is not valid.")
        g.learner, g.token = learner, found
        return view(*args, **kwargs)

    return wrapped


def _found(thing, what: str, thing_id: str):
    """Return a module, lesson or question that exists, or answer 404 naming what was asked for."""
    if thing is None:
        raise ApiError(404, f"There is no {what} '{thing_id}'.")
    return thing


def _module(module_id: str):
    return _found(current_course().module(module_id), "module", module_id)


def question_data(question) -> dict:
    """Return a question as a learner sees it: no right answers, no feedback."""
    return {
        "id": question.id,
        "kind": question.kind,
        "skill": question.skill,
        "module": question.module_id,
        "prompt_html": question.prompt_html,
        "options": [{"key": o.key, "text": o.text} for o in display_order(question)]
        if question.kind != "typed" else [],
        "hints": len(question.hints),
    }


def step_data(step: Step) -> dict:
    """Return a step with what the learner needs to take it."""
    course = current_course()
    data = {"kind": step.kind, "module": step.module_id or None, "reason": step.reason, "purpose": step.purpose,
            "skill": step.skill_id}
    if step.kind == "lesson":
        lesson = course.lessons[step.lesson_id]
        data["lesson"] = {"id": lesson.id, "title": lesson.title, "minutes": lesson.minutes,
                          "body_html": lesson.body_html}
    if step.kind == "question":
        data["question"] = question_data(course.questions[step.question_id])
    return data


@bp.get("/openapi.json")
def openapi():
    """Describe the API as an OpenAPI 3.1 document."""
    return jsonify(openapi_document())


@bp.post("/learners")
@ratelimits.starts(ratelimits.NEW_LEARNERS_PER_ADDRESS, "Too many learners were started from this address.")
def start_learner():
    """Start a guest learner and return their bearer token (shown only once)."""
    learner = Learner()
    db.session.add(learner)
    db.session.flush()
    token = tokens.issue(learner)
    db.session.commit()
    return jsonify(learner={"id": learner.id}, token=token), 201


def token_data(token) -> dict:
    """Return one of the learner's tokens as the API shows it: never the token itself."""
    return {"id": token.id, "created_at": token.created_at.isoformat() + "Z", "this": token.id == g.token.id}


@bp.get("/me/tokens")
@learner_required
def my_tokens():
    """List the learner's tokens in force (each app they started), marking the one this request used."""
    return jsonify(tokens=[token_data(token) for token in tokens.tokens_of(g.learner)])


@bp.delete("/me/token")
@learner_required
def end_this_token():
    """End the token this request used: the app's own 'sign out'."""
    tokens.end(g.learner, g.token.id)
    return jsonify(ended={"id": g.token.id})


@bp.delete("/me/tokens/<token_id>")  # any text, so another method at a token's address is a 405, as elsewhere
@learner_required
def end_token(token_id: str):
    """End one of the learner's tokens, such as an app on a lost phone."""
    number = int(token_id) if token_id.isascii() and token_id.isdigit() and len(token_id) <= 20 else 0
    if not tokens.end(g.learner, number):
        raise ApiError(404, f"You have no token {token_id[:40]!r}.")
    return jsonify(ended={"id": number})


@bp.get("/modules")
def modules():
    """List the modules and their skills."""
    return jsonify(modules=[
        {"id": m.id, "title": m.title, "summary": m.summary, "minutes": m.minutes,
         "skills": [{"id": s.id, "title": s.title} for s in m.skills]}
        for m in current_course().modules])


@bp.get("/modules/<module_id>/next")
@learner_required
def next_step(module_id: str):
    """Return the learner's next step in a module, with its reason."""
    module = _module(module_id)
    return jsonify(next=step_data(services.next_step(g.learner, module)))


@bp.get("/me/reviews")
@learner_required
def reviews():
    """Return the quick reviews due now across every topic, a few at a time, mixed across topics."""
    return jsonify(reviews=[step_data(step) for step in services.reviews_due(g.learner)])


@bp.get("/me/next")
@learner_required
def course_next_step():
    """Return the learner's next step in the whole course: a review due anywhere first, then where they were."""
    return jsonify(next=step_data(course_next(g.learner)))


@bp.post("/lessons/<lesson_id>/read")
@learner_required
def read_lesson(lesson_id: str):
    """Record that the learner read a lesson; return the next step."""
    lesson = _found(current_course().lessons.get(lesson_id), "lesson", lesson_id)
    services.mark_read(g.learner, lesson)
    module = current_course().module(lesson.module_id)
    return jsonify(next=step_data(services.next_step(g.learner, module)))


@bp.post("/modules/<module_id>/help/<skill_id>")
@learner_required
def acknowledge_help(module_id: str, skill_id: str):
    """Record that the learner saw a 'talk to a tutor' step for a skill, as the page's button does; return the next step."""
    module = _module(module_id)
    skill = _found(next((s for s in module.skills if s.id == skill_id), None), "skill", skill_id)
    services.offer_help(g.learner, module, skill.id)
    return jsonify(next=step_data(services.next_step(g.learner, module)))


def _answer_fields(question, body: dict) -> dict:
    """Turn a JSON answer into the form fields the engine reads."""
    if question.kind in ("single", "true-false"):
        return {"choice": [str(body["choice"])]} if "choice" in body else {}
    if question.kind == "multiple":
        choices = body.get("choices", [])
        return {"choice": [str(c) for c in choices]} if isinstance(choices, list) else {}
    if question.kind == "typed":
        return {"typed": [str(body["typed"])]} if "typed" in body else {}
    order = body.get("order", [])
    if not isinstance(order, list):
        return {}
    return {f"step-{n}": [str(key)] for n, key in enumerate(order, start=1)}


@bp.post("/questions/<question_id>/answers")
@learner_required
def answer(question_id: str):
    """Mark an answer, record it, and return the feedback and the next step."""
    question = _found(current_course().questions.get(question_id), "question", question_id)
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(400, "Send the answer as a JSON object, for example {\"choice\": \"a\"}.")
    dont_know = body.get("dont_know") is True  # "I don't know yet": a wrong answer, nothing to read
    try:
        given = Answer() if dont_know else read_answer(question, _answer_fields(question, body))
    except AnswerError as exc:
        raise ApiError(422, str(exc)) from None
    hints = body.get("hints_used", 0)
    recorded = services.record_answer(g.learner, question, given, hints if isinstance(hints, int) else 0,
                                      helped=body.get("helped") is True, dont_know=dont_know)
    marking = recorded.marking
    course = current_course()
    module = course.module(question.module_id)
    remedies = [course.lessons[i] for tag in marking.misconceptions for i in course.remedies.get(tag, ())]
    return jsonify(
        answer_id=recorded.answer_id,
        correct=marking.correct,
        given=recorded.given,
        dont_know=dont_know,
        # Not knowing yet is not a mistake to explain: the lesson teaches it, as on the page.
        right_answers=[] if dont_know else list(marking.right_answers),
        feedback=[] if dont_know else [
            {"option": line.option.text if not line.option.catch_all else None, "chosen": line.chosen,
             "right": line.option.correct, "html": line.feedback_html} for line in marking.lines],
        misconceptions=list(marking.misconceptions),
        remedies=[{"id": lesson.id, "title": lesson.title} for lesson in remedies],
        helped=recorded.helped,
        badges=[badge_data(award) for award in recorded.awards],
        next=step_data(services.next_step(g.learner, module, recorded.state)),
    ), 201


def badge_data(award) -> dict:
    """Return an award as the API shows it."""
    return {"id": award.public_id, "module": award.module_id, "level": award.level,
            "awarded_at": award.awarded_at.isoformat() + "Z", "shared": award.shared,
            "revoked": award.revoked, "revoked_reason": award.revoked_reason,
            "skills": [s["id"] for s in award.evidence.get("skills", [])]}


@bp.get("/me/badges")
@learner_required
def badges():
    """Return the learner's passport: each module's awards and the next move towards the next level."""
    return jsonify(modules=[{
        "module": row.module.id,
        "level": row.best.level if row.best else None,
        "next": row.next_move,
        "badges": [badge_data(award) for award in row.awards.values()],
    } for row in awards.passport_of(g.learner)])


@bp.get("/me/skills")
@learner_required
def skills():
    """Return the learner's level and estimate in every skill."""
    now = services.utcnow()
    out = []
    for module in current_course().modules:
        state = services.load_state(g.learner, module)
        for skill in module.skills:
            params = current_parameters().for_skill(skill.id)
            skill_state = state.skills.get(skill.id)
            out.append({
                "id": skill.id, "title": skill.title, "module": module.id,
                "level": level(skill_state, params, now),
                "estimate": round(estimate(skill_state, params, now), 4) if skill_state else params.prior,
                "review_due": due_for_review(skill_state, params, now),
                "answers": skill_state.attempts if skill_state else 0,
            })
    return jsonify(skills=out)
