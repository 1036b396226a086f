"""Weeks later, reviews fall due in every topic, finished ones included, and the API offers them."""

from __future__ import annotations

from datetime import timedelta

from app import services
from app.models import utcnow
from tests.integration.test_api import right_answer, start
from tests.integration.test_api_evidence import take_steps


def test_reviews_fall_due_across_topics_and_a_right_review_answer_clears_one(app, client, monkeypatch):
    headers = start(client)
    course = app.extensions["course_store"].course
    for module_id in ("passwords", "applying-for-jobs"):
        _, seen = take_steps(client, headers, course, module_id, right_answer)
        assert seen[-1]["kind"] == "done", module_id
    assert client.get("/api/v1/me/reviews", headers=headers).json["reviews"] == [], "nothing due straight away"

    later = utcnow() + timedelta(days=60)
    monkeypatch.setattr(services, "utcnow", lambda: later)
    due = client.get("/api/v1/me/reviews", headers=headers).json["reviews"]
    assert 1 < len(due) <= 5
    assert {step["module"] for step in due} == {"passwords", "applying-for-jobs"}, "mixed across topics"
    assert all(step["purpose"] == "review" and step["question"]["id"] for step in due)
    skills = {s["id"]: s for s in client.get("/api/v1/me/skills", headers=headers).json["skills"]}
    assert all(skills[step["skill"]]["level"] == "mastered" for step in due), "due for review, still mastered"

    first = due[0]
    question = course.questions[first["question"]["id"]]
    response = client.post(f"/api/v1/questions/{question.id}/answers", json=right_answer(question), headers=headers)
    assert response.status_code == 201
    after = client.get("/api/v1/me/reviews", headers=headers).json["reviews"]
    assert first["skill"] not in {step["skill"] for step in after}, "a right review answer clears that review"


def test_reviews_need_a_token(client):
    assert client.get("/api/v1/me/reviews").status_code == 401


def test_the_home_page_offers_the_reviews_due_across_topics(app, client, monkeypatch):
    from tests.integration.test_learner_flow import course_of, right_fields, walk

    course = course_of(app)
    for module_id in ("passwords", "online-banking"):
        assert walk(client, course, module_id, right_fields)["finished"]
    assert 'id="reviews"' not in client.get("/").text, "nothing due straight away"
    later = utcnow() + timedelta(days=60)
    monkeypatch.setattr(services, "utcnow", lambda: later)
    page = client.get("/").text
    panel = page[page.index('id="reviews"'):page.index("Choose a topic")]
    assert "Keep your skills fresh" in panel and "Your levels stay as they are" in panel
    assert "Passwords and staying safe online" in panel and "Online banking" in panel
    assert panel.count("/questions/") == 5
