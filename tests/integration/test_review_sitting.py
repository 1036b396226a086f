"""The quick reviews page takes a learner through the reviews due in every topic, a few at a time, mixed across
topics, without JavaScript; the passport and the API offer the same, and a level waits for a review instead of
dropping."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest

from app import services
from app.badges import awards
from app.models import utcnow
from tests.conftest import csrf_token
from tests.integration.test_api import right_answer, start
from tests.integration.test_learner_flow import answer, course_of, right_fields, wrong_fields

TOPICS = ("online-banking", "creating-documents")


def show_every_skill(client, course, module_ids) -> None:
    """Answer every question of the topics right, on one's own: every skill with evidence enough is mastered."""
    for question in course.questions.values():
        if question.module_id in module_ids:
            assert answer(client, question, right_fields(question)).status_code == 302, question.id


@pytest.fixture
def weeks_later(app, client, monkeypatch):
    """Show every skill of two topics, then move the engine's clock on 60 days."""
    course = course_of(app)
    show_every_skill(client, course, TOPICS)
    assert "Nothing to check just now" in client.get("/reviews").text, "nothing is due straight away"
    later = utcnow() + timedelta(days=60)
    monkeypatch.setattr(services, "utcnow", lambda: later)
    monkeypatch.setattr(awards, "utcnow", lambda: later)  # the passport reads the clock itself
    return course


def take(client, course, location: str, choose) -> tuple[str, str, object]:
    """Answer the quick review at `location`; return (the question's id, the feedback page, the question)."""
    assert location.startswith("/questions/"), location
    page = client.get(location)
    assert page.status_code == 200
    assert "<h1>Quick review</h1>" in page.text and 'name="review"' in page.text
    question = course.questions[urlparse(location).path.rsplit("/", 1)[1]]
    posted = client.post(urlparse(location).path, data={**choose(question), "review": parse_qs(
        urlparse(location).query)["review"][0], "csrf_token": csrf_token(page.text)})
    assert posted.status_code == 302
    return question.id, client.get(posted.location).text, question


def test_with_nothing_due_the_review_page_says_so_kindly(client):
    page = client.get("/reviews")
    assert page.status_code == 200
    assert "A quick check to keep your skills fresh" in page.text and "Nothing to check just now" in page.text
    assert client.get("/reviews/next").location == "/reviews?done=0"


def test_nothing_is_due_straight_after_the_skills_are_shown(app, client):
    show_every_skill(client, course_of(app), TOPICS)
    assert ">Mastered<" in client.get(f"/modules/{TOPICS[0]}").text
    assert "Nothing to check just now" in client.get("/reviews").text
    assert "due for a quick review" not in client.get("/passport").text


def test_weeks_later_a_sitting_mixes_topics_and_ends_with_a_kind_word(client, weeks_later):
    course = weeks_later
    home = client.get("/").text
    assert 'href="/reviews"' in home, "the home panel links to the review page"
    listing = client.get("/reviews").text
    assert "Due for a quick review" in listing and "Start the quick check" in listing
    assert all(course.module(m).title in listing for m in TOPICS)

    location, modules = client.get("/reviews/next?done=0").location, []
    for n in range(1, 10):
        question_id, feedback, question = take(client, course, location, right_fields)
        modules.append(question.module_id)
        assert "Right!" in feedback and "Next quick check" in feedback
        location = client.get(f"/reviews/next?done={n}&after={question_id}").location
        if location.startswith("/reviews?"):
            break
    assert modules[0] != modules[1], "taking turns between topics"
    assert len(modules) == 5 and location == "/reviews?done=5", "a few at a time"
    done = client.get(location).text
    assert "That is enough for one go" in done or "That is all for now" in done


def level_row(client, course, skill_id: str) -> str:
    """Return the row of a skill on its topic's page."""
    topic = client.get(f"/modules/{course.skills[skill_id].module_id}").text
    row = topic[topic.index(course.skills[skill_id].title):]
    return row[:row.index("</li>")]


def test_a_right_review_clears_it_and_two_wrong_bring_practice_back_the_level_dropping_only_then(
        client, weeks_later):
    course = weeks_later
    first = client.get("/reviews/next?done=0").location
    question_id, feedback, question = take(client, course, first, right_fields)
    second = client.get(f"/reviews/next?done=1&after={question_id}").location
    assert urlparse(second).path != urlparse(first).path, "a right review clears that review"

    slip_id, feedback, slipped = take(client, course, second, wrong_fields)
    assert "Not quite" in feedback and "Next quick check" in feedback
    assert ">Mastered<" in level_row(client, course, slipped.skill), "one wrong answer may be a slip"
    again = client.get(f"/reviews/next?done=2&after={slip_id}").location
    assert urlparse(again).path != urlparse(second).path and parse_qs(urlparse(again).query)["review"] == ["2"]
    _, feedback, missed = take(client, course, again, wrong_fields)
    assert missed.skill == slipped.skill, "a second question on the same skill comes at once"
    assert f"/modules/{missed.module_id}/continue" in feedback, "practice on that skill is offered"
    topic = client.get(f"/modules/{missed.module_id}").text
    row = topic[topic.index(course.skills[missed.skill].title):]
    assert not row[:row.index("</li>")].count(">Mastered<"), "a failed review drops the level"
    others = [s for s in course.module(missed.module_id).skills if s.id != missed.skill]
    assert ">Mastered<" in topic and "due for a quick review" in topic, "the others keep theirs, due for review"
    assert any(s.title in topic for s in others)


def test_the_passport_lists_the_reviews_due_per_topic_and_keeps_the_levels(client, weeks_later):
    page = client.get("/passport").text
    for module_id in TOPICS:
        section = page[page.index(f'id="topic-{module_id}"'):]
        section = section[:section.index("</section>")]
        assert "due for a quick review" in section and 'href="/reviews"' in section, module_id
        assert "No level yet" not in section, "levels stay as they are"


@pytest.mark.parametrize("address", [
    "/reviews?done=abc", "/reviews?done=-4", "/reviews?done=" + "9" * 5000, "/reviews/next?done=%00",
    "/reviews/next?done=99999999999999999999&after=%00", "/reviews/next?after=" + "x" * 3000,
])
def test_forged_sitting_addresses_get_a_page_or_a_clear_refusal_never_an_error(client, address):
    assert client.get(address).status_code in (200, 302, 400)  # the site refuses a NUL in any address


def test_a_forged_sitting_number_on_a_question_is_harmless(app, client):
    question = next(iter(course_of(app).questions.values()))
    page = client.get(f"/questions/{question.id}?review=-1e9")
    assert page.status_code == 200 and 'name="review" value="0"' in page.text
    posted = client.post(f"/questions/{question.id}", data={**right_fields(question), "review": "x" * 5000,
                                                            "csrf_token": csrf_token(page.text)})
    assert posted.status_code == 302 and posted.location.endswith("?review=1")


def test_the_api_offers_the_course_wide_next_step_a_review_first(app, client, monkeypatch):
    headers = start(client)
    course = course_of(app)
    first = client.get("/api/v1/me/next", headers=headers).json["next"]
    assert first["module"] == course.modules[0].id and first["purpose"] in ("learn", "placement"), \
        "a new learner starts at the start"
    for question in course.questions.values():
        if question.module_id in TOPICS:
            response = client.post(f"/api/v1/questions/{question.id}/answers", json=right_answer(question),
                                   headers=headers)
            assert response.status_code == 201
    now = client.get("/api/v1/me/next", headers=headers).json["next"]
    assert now["purpose"] != "review", "shown skills wait until a review is due"

    later = utcnow() + timedelta(days=60)
    monkeypatch.setattr(services, "utcnow", lambda: later)
    step = client.get("/api/v1/me/next", headers=headers).json["next"]
    assert step["purpose"] == "review" and step["module"] in TOPICS and step["question"]["id"]
    skills = {s["id"]: s for s in client.get("/api/v1/me/skills", headers=headers).json["skills"]}
    assert skills[step["skill"]]["level"] == "mastered" and skills[step["skill"]]["review_due"] is True
    assert client.get("/api/v1/me/next").status_code == 401


def test_a_slip_on_the_last_check_of_a_sitting_still_gets_its_second_question_at_once(client, weeks_later):
    course = weeks_later
    location = client.get("/reviews/next?done=0").location
    for n in range(1, 5):
        question_id, _, _ = take(client, course, location, right_fields)
        location = client.get(f"/reviews/next?done={n}&after={question_id}").location
    slip_id, _, slipped = take(client, course, location, wrong_fields)
    again = client.get(f"/reviews/next?done=5&after={slip_id}").location
    assert again.startswith("/questions/") and parse_qs(urlparse(again).query)["review"] == ["4"]
    _, feedback, second = take(client, course, again, right_fields)
    assert second.skill == slipped.skill and second.id != slipped.id
    assert ">Mastered<" in level_row(client, course, slipped.skill), "right at the second try keeps the level"
    assert client.get(f"/reviews/next?done=5&after={second.id}").location == "/reviews?done=5"
