"""The JSON API: another program acts as a learner, through the same engine as the pages."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from app.extensions import db
from app.models import AnswerRecord, ApiToken


def start(client) -> dict:
    response = client.post("/api/v1/learners")
    assert response.status_code == 201
    return {"Authorization": f"Bearer {response.json['token']}"}


def right_answer(question) -> dict:
    if question.kind == "typed":
        return {"typed": question.correct_options[0].text}
    if question.kind == "ordering":
        return {"order": [o.key for o in question.choices]}
    if question.kind == "multiple":
        return {"choices": [o.key for o in question.correct_options]}
    return {"choice": question.correct_options[0].key}


def test_a_program_starts_a_guest_and_gets_a_token_that_is_stored_only_as_a_hash(app, client):
    response = client.post("/api/v1/learners")
    token = response.json["token"]
    assert len(token) >= 40
    with app.app_context():
        stored = db.session.scalars(select(ApiToken)).one()
        assert stored.token_hash != token and len(stored.token_hash) == 64


def test_the_next_step_comes_with_its_reason_and_no_right_answers(app, client):
    headers = start(client)
    step = client.get("/api/v1/modules/passwords/next", headers=headers).json["next"]
    assert step["kind"] == "question" and step["purpose"] == "placement"
    assert "skip the lesson" in step["reason"]
    question = step["question"]
    assert set(question) == {"id", "kind", "skill", "module", "prompt_html", "options", "hints"}
    assert all(set(option) == {"key", "text"} for option in question["options"])


def test_an_answer_is_marked_recorded_and_answered_with_feedback_and_the_next_step(app, client):
    headers = start(client)
    course = app.extensions["course_store"].course
    step = client.get("/api/v1/modules/passwords/next", headers=headers).json["next"]
    question = course.questions[step["question"]["id"]]
    response = client.post(f"/api/v1/questions/{question.id}/answers", json=right_answer(question),
                           headers=headers)
    assert response.status_code == 201
    body = response.json
    assert body["correct"] is True and body["next"]["kind"] in ("question", "lesson", "done")
    assert body["right_answers"]
    skills = client.get("/api/v1/me/skills", headers=headers).json["skills"]
    mine = next(s for s in skills if s["id"] == question.skill)
    assert mine["answers"] == 1 and mine["estimate"] > 0.2 and mine["level"] != "not started"
    assert len(skills) == len(course.skills)


def test_a_wrong_answer_with_a_mix_up_points_to_the_lesson_that_fixes_it(app, client):
    headers = start(client)
    course = app.extensions["course_store"].course
    question = next(q for q in course.questions.values()
                    if q.kind == "single" and q.module_id == "passwords" and any(o.misconception for o in q.options))
    option = next(o for o in question.options if o.misconception)
    body = client.post(f"/api/v1/questions/{question.id}/answers", json={"choice": option.key},
                       headers=headers).json
    assert body["correct"] is False and body["misconceptions"] == [option.misconception]
    remedy = course.remedies[option.misconception][0]
    assert {"id": remedy, "title": course.lessons[remedy].title} in body["remedies"]
    assert body["next"]["kind"] == "lesson" and body["next"]["purpose"] == "remedy"
    assert body["next"]["lesson"]["id"] == remedy


def test_a_program_can_drive_a_learner_through_a_whole_module(app, client):
    headers = start(client)
    course = app.extensions["course_store"].course
    step = client.get("/api/v1/modules/creating-documents/next", headers=headers).json["next"]
    for _ in range(100):
        if step["kind"] == "done":
            break
        if step["kind"] == "lesson":
            step = client.post(f"/api/v1/lessons/{step['lesson']['id']}/read", headers=headers).json["next"]
        else:
            question = course.questions[step["question"]["id"]]
            step = client.post(f"/api/v1/questions/{question.id}/answers", json=right_answer(question),
                               headers=headers).json["next"]
    assert step["kind"] == "done"
    levels = {s["level"] for s in client.get("/api/v1/me/skills", headers=headers).json["skills"]
              if s["module"] == "creating-documents"}
    assert levels == {"mastered"}


def test_requests_without_a_valid_token_are_refused(client):
    assert client.get("/api/v1/modules/passwords/next").status_code == 401
    response = client.get("/api/v1/me/skills", headers={"Authorization": "Bearer not-a-token"})
    assert response.status_code == 401 and response.json == {"error": "That token is not valid."}


def test_bad_answers_are_refused_with_a_plain_error_and_nothing_is_recorded(app, client):
    headers = start(client)
    cases = [
        ("/api/v1/questions/pw-hardest-to-guess/answers", {"choice": "zz"}, 422, "Choose one of the answers shown."),
        ("/api/v1/questions/pw-hardest-to-guess/answers", {}, 422, "Choose an answer."),
        ("/api/v1/questions/nope/answers", {"choice": "a"}, 404, "There is no question 'nope'."),
    ]
    for url, body, status, message in cases:
        response = client.post(url, json=body, headers=headers)
        assert (response.status_code, response.json["error"]) == (status, message)
    response = client.post("/api/v1/questions/pw-hardest-to-guess/answers", data="not json", headers=headers)
    assert response.status_code == 400 and "JSON object" in response.json["error"]
    assert client.get("/api/v1/modules/nope/next", headers=headers).status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AnswerRecord)) == 0


def test_the_openapi_document_describes_every_api_route(app, client):
    document = client.get("/api/v1/openapi.json").json
    assert document["openapi"].startswith("3.1")
    described = {(path, method.upper()) for path, item in document["paths"].items() for method in item}
    routed = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))  # <int:id> is {id}
            routed |= {(path, m) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert described == routed
    for path, item in document["paths"].items():
        for operation in item.values():
            for response in operation["responses"].values():
                schema = response.get("content", {}).get("application/json", {}).get("schema", {})
                ref = schema.get("$ref", "")
                assert not ref or ref.split("/")[-1] in document["components"]["schemas"]
