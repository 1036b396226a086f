"""Through the API, a program acting as a learner meets the same evidence rules and help steps as the pages."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Award
from engine.passport import LEVELS
from tests.integration.test_api import right_answer, start


def wrong_answer(question) -> dict:
    if question.kind == "typed":
        return {"typed": "no idea at all"}
    if question.kind == "ordering":
        return {"order": [o.key for o in reversed(question.choices)]}
    wrong = next(o for o in question.choices if not o.correct)
    if question.kind == "multiple":
        return {"choices": [wrong.key]}
    return {"choice": wrong.key}


def take_steps(client, headers, course, module_id, answer, limit=200):
    """Follow the engine's steps in a module, answering with `answer`; return (answers given, steps seen)."""
    step = client.get(f"/api/v1/modules/{module_id}/next", headers=headers).json["next"]
    answers, seen = 0, []
    for _ in range(limit):
        seen.append(step)
        if step["kind"] == "done":
            break
        if step["kind"] == "lesson":
            step = client.post(f"/api/v1/lessons/{step['lesson']['id']}/read", headers=headers).json["next"]
        elif step["kind"] == "question":
            question = course.questions[step["question"]["id"]]
            response = client.post(f"/api/v1/questions/{question.id}/answers", json=answer(question), headers=headers)
            assert response.status_code == 201
            answers += 1
            step = response.json["next"]
        else:
            return answers, seen
    return answers, seen


def test_a_learner_answering_everything_right_holds_no_bronze_after_one_answer(app, client):
    headers = start(client)
    course = app.extensions["course_store"].course
    module = course.module("applying-for-jobs")
    step = client.get(f"/api/v1/modules/{module.id}/next", headers=headers).json["next"]
    question = course.questions[step["question"]["id"]]
    response = client.post(f"/api/v1/questions/{question.id}/answers", json=right_answer(question), headers=headers)
    assert response.status_code == 201
    with app.app_context():
        assert db.session.scalars(select(Award)).all() == []
    skills = client.get("/api/v1/me/skills", headers=headers).json["skills"]
    assert all(s["level"] != "mastered" for s in skills)


def test_bronze_needs_at_least_two_answers_a_skill_even_for_a_learner_who_gets_everything_right(app, client):
    headers = start(client)
    course = app.extensions["course_store"].course
    module = course.module("applying-for-jobs")
    bronze = module.passport.skills_for("bronze")
    answers, _ = take_steps(client, headers, course, module.id, right_answer)
    with app.app_context():
        levels = {a.level: a for a in db.session.scalars(select(Award))}
    assert "bronze" in levels, "a learner who gets everything right does earn bronze in the end"
    evidence = levels["bronze"].evidence["skills"]
    for skill in evidence:
        questions = {a["question"] for a in skill["answers"]}
        assert len(questions) >= 2 and any(a["hard_to_guess"] for a in skill["answers"]), skill["id"]
    assert answers >= 2 * len(bronze)
    assert set(levels) <= set(LEVELS)


def test_the_api_can_clear_a_help_step_as_the_page_button_does(app, client):
    headers = start(client)
    course = app.extensions["course_store"].course
    _, seen = take_steps(client, headers, course, "passwords", wrong_answer)
    help_step = seen[-1]
    assert help_step["kind"] == "help" and help_step["skill"]
    again = client.get("/api/v1/modules/passwords/next", headers=headers).json["next"]
    assert again == help_step, "without the acknowledgement the same help step comes back"
    response = client.post(f"/api/v1/modules/passwords/help/{help_step['skill']}", headers=headers)
    assert response.status_code == 200
    after = response.json["next"]
    assert not (after["kind"] == "help" and after["skill"] == help_step["skill"])
    assert client.get("/api/v1/modules/passwords/next", headers=headers).json["next"] == after


def test_clearing_a_help_step_needs_a_token_and_a_real_skill(app, client):
    assert client.post("/api/v1/modules/passwords/help/strong-passwords").status_code == 401
    headers = start(client)
    assert client.post("/api/v1/modules/passwords/help/no-such-skill", headers=headers).status_code == 404
    assert client.post("/api/v1/modules/no-such-module/help/strong-passwords", headers=headers).status_code == 404
    response = client.post("/api/v1/modules/passwords/help/bank-sign-in", headers=headers)
    assert response.status_code == 404, "a skill of another module is not this module's"
