"""A learner does the pretend tasks of Using the internet and Talking to people online, on each database."""

from __future__ import annotations

import pytest

from tests.integration.practice_steps import task_fields
from tests.integration.practice_pages import records, send

TASKS = {
    "tell-the-council-you-have-moved": "using-the-internet",
    "find-the-real-service": "using-the-internet",
    "sort-the-messages": "talking-online",
    "send-an-email-to-a-group": "talking-online",
}
COUNCIL = "/modules/using-the-internet/practice/tell-the-council-you-have-moved"
CAREFUL = {"full-name": "Alex Morgan", "date-of-birth": "14 6 1982", "new-postcode": "GL4 7QT",
           "moved-on": "2 11 2026", "email": "alex.morgan@example.com", "paid-helper": "free"}


def address(task_id: str) -> str:
    return f"/modules/{TASKS[task_id]}/practice/{task_id}"


def test_each_new_topic_lists_two_tasks_that_say_they_are_pretend_and_ask_for_no_real_details(client):
    for module_id in set(TASKS.values()):
        listing = client.get(f"/modules/{module_id}/practice")
        assert listing.status_code == 200
        assert [t for t, m in TASKS.items() if m == module_id and address(t) in listing.text] == \
               [t for t, m in TASKS.items() if m == module_id]
    for task_id in TASKS:
        page = client.get(address(task_id))
        assert page.status_code == 200 and "This is pretend practice" in page.text
        assert 'type="password"' not in page.text and 'type="file"' not in page.text


@pytest.mark.parametrize("task_id", list(TASKS))
def test_each_new_task_done_right_passes_and_a_beginners_try_shows_the_lesson_that_helps(app, client, task_id):
    course = app.extensions["course_store"].course
    task = course.tasks[task_id]
    right = send(client, address(task_id), task_fields(task, right=True))
    assert right.status_code == 302 and "Well done" in client.get(right.location).text
    wrong = send(client, address(task_id), task_fields(task, right=False))
    outcome = client.get(wrong.location)
    assert "Not quite yet" in outcome.text
    lessons = [lesson_id for f in task.feedback.values() if f.misconception
               for lesson_id in course.remedies.get(f.misconception, ())]
    assert any(f"/lessons/{lesson_id}" in outcome.text for lesson_id in lessons), "no lesson offered"
    assert [r.correct for r in records(app)] == [True, False]


def test_the_council_form_says_what_is_wrong_next_to_each_box_keeps_the_answers_and_keeps_no_try(app, client):
    response = send(client, COUNCIL, {**CAREFUL, "new-postcode": "GL4", "date-of-birth": "31 2 1982"})
    assert response.status_code == 422 and "There is a problem" in response.text
    assert '<a href="#new-postcode">Enter a real postcode, like AB1 2CD</a>' in response.text
    assert 'id="date-of-birth-error"' in response.text
    assert 'aria-describedby="date-of-birth-hint date-of-birth-error"' in response.text
    assert 'value="Alex Morgan"' in response.text and records(app) == []


def test_someone_elses_name_in_the_council_form_is_named_and_never_kept(app, client):
    response = send(client, COUNCIL, {**CAREFUL, "full-name": "Pat Quinn"})
    outcome = client.get(response.location)
    assert "Your full name" in outcome.text and "Alex Morgan&#39;s details say: Alex Morgan." in outcome.text
    assert "/lessons/form-errors-are-normal" in outcome.text
    [record] = records(app)
    assert not record.correct and "Pat" not in str(record.steps) and "Pat" not in str(record.response)


@pytest.mark.parametrize("fields", [
    {**CAREFUL, "paid-helper": "<script>alert(1)</script>"},
    {**CAREFUL, "full-name": "x" * 50_000},
    {**CAREFUL, "email": "alex\x00@example.com"},
    {**CAREFUL, "full-name": "4111 1111 1111 1111"},
])
def test_forged_huge_nul_or_card_number_fields_get_a_plain_4xx_and_nothing_is_kept(app, client, fields):
    response = send(client, COUNCIL, fields)
    assert 400 <= response.status_code < 500 and "<script>alert" not in response.text
    assert "4111 1111" not in response.text and records(app) == []
