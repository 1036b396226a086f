"""On the quick reviews page, "I don't know yet" fails that review at once, kindly: no second question on the
skill, practice comes back, and the other skills keep their levels; a wrong answer is still only a slip,
and the page says so."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from tests.conftest import csrf_token
from tests.integration.test_learner_flow import wrong_fields
from tests.integration.test_review_sitting import level_row, take, weeks_later  # noqa: F401 (fixture)


def say_dont_know(client, course, location: str):
    """Press "I don't know yet" on the quick review at `location`; return (the feedback page, the question)."""
    page = client.get(location)
    assert page.status_code == 200 and 'name="action" value="dont_know"' in page.text, "the page offers it"
    question = course.questions[urlparse(location).path.rsplit("/", 1)[1]]
    posted = client.post(urlparse(location).path, data={
        "action": "dont_know", "review": parse_qs(urlparse(location).query)["review"][0],
        "csrf_token": csrf_token(page.text)})
    assert posted.status_code == 302
    return client.get(posted.location).text, question


def test_i_dont_know_yet_in_a_review_drops_that_level_at_once_with_a_kind_word_and_no_second_question(
        client, weeks_later):
    course = weeks_later
    first = client.get("/reviews/next?done=0").location
    feedback, question = say_dont_know(client, course, first)
    assert "That is fine" in feedback and "Thank you for saying so" in feedback
    assert "no longer shows as mastered" in feedback and "Next quick check" in feedback
    assert f"/modules/{question.module_id}/continue" in feedback, "practice on that skill is offered"
    assert ">Mastered<" not in level_row(client, course, question.skill), "the review is failed at once"
    following = client.get(f"/reviews/next?done=1&after={question.id}").location
    assert following.startswith("/questions/")
    assert course.questions[urlparse(following).path.rsplit("/", 1)[1]].skill != question.skill, \
        "no second question on a skill the learner said they do not know yet"
    topic = client.get(f"/modules/{question.module_id}").text
    assert ">Mastered<" in topic, "the other skills keep their levels"


def test_a_wrong_review_answer_is_still_only_a_slip_with_a_second_question(client, weeks_later):
    course = weeks_later
    first = client.get("/reviews/next?done=0").location
    question_id, feedback, question = take(client, course, first, wrong_fields)
    assert "Thank you for saying so" not in feedback
    assert "Anyone can slip" in feedback and "one more question" in feedback, "the page says what comes next"
    assert "we will bring back a little practice" not in feedback, "no practice is promised after one slip"
    assert f"/modules/{question.module_id}/continue" not in feedback
    assert ">Mastered<" in level_row(client, course, question.skill)
    again = client.get(f"/reviews/next?done=1&after={question_id}").location
    assert course.questions[urlparse(again).path.rsplit("/", 1)[1]].skill == question.skill
    _, second, _ = take(client, course, again, wrong_fields)
    assert "Anyone can slip" not in second and "we will bring back a little practice" in second, \
        "a second wrong answer fails the review, and the page says practice comes back"
    assert f"/modules/{question.module_id}/continue" in second
    assert ">Mastered<" not in level_row(client, course, question.skill)
