"""A learner's first minutes in a topic: lessons first if they choose, and "I don't know yet" on a quick check."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from sqlalchemy import select

from app.extensions import db
from app.models import AnswerRecord, LearnerModuleState
from tests.conftest import csrf_token
from tests.integration.practice_steps import task_fields
from tests.integration.test_learner_flow import right_fields

MODULE = "passwords"


def course_of(app):
    return app.extensions["course_store"].course


def choose(client, choice: str, module_id: str = MODULE):
    page = client.get(f"/modules/{module_id}")
    return client.post(f"/modules/{module_id}/start", data={"choice": choice, "csrf_token": csrf_token(page.text)})


def next_address(client, module_id: str = MODULE) -> str:
    response = client.get(f"/modules/{module_id}/continue")
    assert response.status_code == 302
    return response.location


def stored_state(app) -> dict:
    with app.app_context():
        return db.session.scalar(select(LearnerModuleState.state).where(LearnerModuleState.module_id == MODULE))


def test_a_new_learner_sees_two_plain_choices_and_no_line_that_reads_like_a_third(client):
    page = client.get(f"/modules/{MODULE}").text
    assert ">Start with the first lesson</button>" in page
    assert ">I know some of this: let me show you</button>" in page
    assert 'class="reason"' not in page, "the engine's reason under Start read like a second choice"


def test_starting_with_the_first_lesson_goes_straight_to_it_and_no_quick_check_follows(app, client):
    course = course_of(app)
    module = course.module(MODULE)
    response = choose(client, "lessons")
    assert response.status_code == 302
    assert urlsplit(response.location).path == f"/lessons/{module.path_lessons[0].id}"
    assert stored_state(app)["lessons_first"] is True

    read: set[str] = set()
    for _ in range(40):  # through the first three lessons
        address = urlsplit(next_address(client))
        if address.path.startswith("/lessons/"):
            lesson_id = address.path.rsplit("/", 1)[1]
            if len(read) == 3:
                break
            page = client.get(address.path)
            assert client.post(f"{address.path}/read", data={"csrf_token": csrf_token(page.text)}).status_code == 302
            read.add(lesson_id)
            continue
        if address.path.startswith(f"/modules/{MODULE}/practice/"):
            # A pretend task on what was just taught is practice, not a quick check: do it and go on.
            task = course.tasks[address.path.rsplit("/", 1)[1]]
            taught = {skill for lesson in read for skill in course.lessons[lesson].skills}
            assert set(task.skills) <= taught, f"the task {task.id} came before its lessons"
            page = client.get(address.path)
            assert client.post(address.path, data={**task_fields(task), "csrf_token": csrf_token(page.text)}
                               ).status_code == 302
            continue
        assert address.path.startswith("/questions/"), address
        question = course.questions[address.path.rsplit("/", 1)[1]]
        taught = {lesson.id for lesson in course.lessons.values() if question.skill in lesson.skills}
        assert taught & read, f"a quick check on {question.skill} came before its lesson: {question.id}"
        page = client.get(address.path)
        assert "I don&#39;t know yet" not in page.text and "I don't know yet" not in page.text
        client.post(address.path, data={**right_fields(question), "csrf_token": csrf_token(page.text)})
    assert len(read) == 3, read


def test_a_learner_who_started_with_the_lessons_can_ask_to_show_what_they_know(app, client):
    module = course_of(app).module(MODULE)
    first = choose(client, "lessons").location
    page = client.get(first)
    client.post(f"{urlsplit(first).path}/read", data={"csrf_token": csrf_token(page.text)})
    page = client.get(f"/modules/{MODULE}").text
    assert f'Continue<span class="visually-hidden"> {module.title}</span>' in page
    assert ">I know some of this: let me show you</button>" in page
    assert re.search(r'<p class="next-up">Next: a question on “[^”]+”\.</p>', page), page
    response = choose(client, "show")
    assert urlsplit(response.location).path == f"/modules/{MODULE}/continue"
    assert stored_state(app)["lessons_first"] is False
    # Past the first lesson's practice, the next lesson is offered a quick check again.
    state = stored_state(app)
    assert state["lessons_first"] is False and len(state["lessons_read"]) == 1


def test_a_start_choice_that_is_not_one_of_the_two_is_refused(client):
    assert choose(client, "everything").status_code == 400
    assert client.post("/modules/no-such-module/start", data={"choice": "lessons"}).status_code in (400, 404)


def test_i_dont_know_yet_is_recorded_as_a_wrong_answer_with_no_mix_up_and_said_kindly(app, client):
    course = course_of(app)
    address = urlsplit(next_address(client)).path
    question = course.questions[address.rsplit("/", 1)[1]]
    page = client.get(address)
    assert "<h1>Quick check</h1>" in page.text
    assert 'name="action" value="dont_know">I don' in page.text
    # Whatever was chosen before pressing it is not looked at: a wrong option with a mix-up, here.
    mixed_up = next((o for o in question.choices if o.misconception), None)
    fields = {"choice": [mixed_up.key]} if mixed_up else {}
    response = client.post(address, data={**fields, "action": "dont_know", "csrf_token": csrf_token(page.text)})
    assert response.status_code == 302 and "/answers/" in response.location

    with app.app_context():
        record = db.session.scalars(select(AnswerRecord)).one()
        assert (record.question_id, record.correct, record.given) == (question.id, False, "I don't know yet")
        assert record.misconceptions == [] and record.response == {"dont_know": True}
    skill = stored_state(app)["skills"][question.skill]
    assert skill["wrong_in_a_row"] == 1 and not skill.get("shown"), skill
    assert stored_state(app)["pending"] == []

    feedback = client.get(response.location).text
    assert "<h1>That is fine</h1>" in feedback and "Not quite" not in feedback
    assert "The right answer" not in feedback and "feedback--wrong" not in feedback
    assert re.search(r'<a class="button" href="/lessons/[^"]+">Read “', feedback), "it moves on to the lesson"


def test_a_question_that_is_not_a_quick_check_says_where_the_learner_is_and_has_no_dont_know_button(app, client):
    course = course_of(app)
    module = course.module(MODULE)
    lesson = module.path_lessons[0]
    choose(client, "lessons")
    page = client.get(f"/lessons/{lesson.id}")
    client.post(f"/lessons/{lesson.id}/read", data={"csrf_token": csrf_token(page.text)})
    address = urlsplit(next_address(client)).path
    question = course.questions[address.rsplit("/", 1)[1]]
    own = course.lessons[question.lesson_id]
    page = client.get(address).text
    assert f"<h1>Question 1 of {len(own.questions)}</h1>" in page
    assert f"From “{own.title}” · 0 of {len(module.skills)} skills shown in this topic" in page
    assert 'value="dont_know"' not in page
    client.post(address, data={**right_fields(question), "csrf_token": csrf_token(client.get(address).text)})
    other = next(q for q in own.questions if q.id != question.id)
    assert f"<h1>Question 2 of {len(own.questions)}</h1>" in client.get(f"/questions/{other.id}").text


def test_show_a_hint_comes_back_to_the_new_hint_which_can_take_focus(app, client):
    question = max(course_of(app).questions.values(), key=lambda q: len(q.hints))
    page = client.get(f"/questions/{question.id}").text
    assert f'formaction="/questions/{question.id}#hint-1"' in page
    shown = client.post(f"/questions/{question.id}#hint-1",
                        data={"action": "hint", "hints": "0", "csrf_token": csrf_token(page)}).text
    assert '<div class="hint" id="hint-1" tabindex="-1">' in shown
    assert f'formaction="/questions/{question.id}#hint-2"' in shown


def test_the_api_takes_i_dont_know_yet_as_a_wrong_answer_with_nothing_to_explain(app, client):
    token = client.post("/api/v1/learners").json["token"]
    headers = {"Authorization": f"Bearer {token}"}
    question = next(q for q in course_of(app).questions.values() if q.kind == "single")
    wrong = next(o for o in question.choices if not o.correct)
    response = client.post(f"/api/v1/questions/{question.id}/answers", headers=headers,
                           json={"dont_know": True, "choice": wrong.key})
    assert response.status_code == 201, response.json
    body = response.json
    assert (body["correct"], body["given"], body["dont_know"]) == (False, "I don't know yet", True)
    assert body["misconceptions"] == [] and body["right_answers"] == [] and body["feedback"] == []
    assert client.post(f"/api/v1/questions/{question.id}/answers", headers=headers,
                       json={"dont_know": "yes"}).status_code == 422, "only true means it"
    assert "dont_know" in client.get("/api/v1/openapi.json").text


def test_a_lessons_words_come_after_it_each_with_a_way_back_to_where_it_is_used(app, client):
    lesson = max(course_of(app).lessons.values(), key=lambda lesson: len(lesson.words))
    page = client.get(f"/lessons/{lesson.id}").text
    assert page.index('<div class="prose">') < page.index("Words in this lesson")
    for word in lesson.words:
        assert f'<a href="#word-{word.slug}" id="used-{word.slug}"' in page
        assert f'<a href="#used-{word.slug}" class="back-link">' in page


def test_after_a_quick_check_the_module_page_says_plainly_what_comes_next(app, client):
    address = urlsplit(next_address(client)).path
    page = client.get(address)
    client.post(address, data={"action": "dont_know", "csrf_token": csrf_token(page.text)})
    lesson = course_of(app).lessons[urlsplit(next_address(client)).path.rsplit("/", 1)[1]]
    page = client.get(f"/modules/{MODULE}").text
    assert f'<p class="next-up">Next: the lesson “{lesson.title}”, about {lesson.minutes} minutes.</p>' in page
    assert ">Start with the first lesson</button>" not in page


def test_wrong_tick_all_feedback_is_kind_short_and_leads_with_what_next(app, client):
    question = next(q for q in course_of(app).questions.values()
                    if q.kind == "multiple" and len(q.correct_options) >= 2
                    and any(not o.correct for o in q.choices))
    right, wrong = question.correct_options[0], next(o for o in question.choices if not o.correct)
    page = client.get(f"/questions/{question.id}")
    response = client.post(f"/questions/{question.id}",
                           data={"choice": [right.key, wrong.key], "csrf_token": csrf_token(page.text)})
    feedback = client.get(response.location).text
    assert "It is wrong." not in feedback
    assert "You ticked this one, but it is not right." in feedback
    assert "This one is right too: you did not tick it." in feedback
    assert feedback.index("<h2>What next</h2>") < feedback.index("<h2>Why</h2>")
    # What the learner got right is tucked away, so the page leads with what to fix.
    why = feedback[feedback.index("<h2>Why</h2>"):]
    assert why.index("<summary>The ones you got right</summary>") < why.index("You ticked this one. It is right.")
