"""A learner works through a module with the Flask test client, on each database."""

from __future__ import annotations

import random
import re

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AnswerRecord, Learner, LearnerModuleState
from engine.answers import display_order
from tests.conftest import csrf_token
from tests.integration.practice_steps import task_fields


def course_of(app):
    return app.extensions["course_store"].course


def right_fields(question) -> dict:
    """Return the form fields a learner who knows the answer would send."""
    if question.kind == "typed":
        return {"typed": question.correct_options[0].text}
    if question.kind == "ordering":
        return {f"step-{n}": o.key for n, o in enumerate(question.choices, start=1)}
    return {"choice": [o.key for o in question.correct_options]}


def wrong_fields(question) -> dict:
    if question.kind == "typed":
        return {"typed": "certainly not this"}
    if question.kind == "ordering":
        keys = [o.key for o in display_order(question)]
        return {f"step-{n}": key for n, key in enumerate(keys, start=1)}
    if question.kind == "multiple":
        return {"choice": [o.key for o in question.choices if not o.correct] or [question.choices[0].key]}
    return {"choice": [next(o.key for o in question.choices if not o.correct)]}


def answer(client, question, fields):
    page = client.get(f"/questions/{question.id}")
    assert page.status_code == 200
    return client.post(f"/questions/{question.id}", data={**fields, "csrf_token": csrf_token(page.text)})


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_the_home_page_lists_the_four_modules(client):
    page = client.get("/")
    assert page.status_code == 200
    for title in ("Passwords and staying safe online", "Online banking", "Creating documents",
                  "Applying for jobs online"):
        assert title in page.text
    assert "Carry on where you left off" not in page.text


def test_looking_around_creates_no_learner(app, client):
    for url in ("/", "/modules/passwords", "/modules/passwords/continue", "/lessons/make-a-strong-password",
                "/questions/pw-hardest-to-guess"):
        assert client.get(url).status_code in (200, 302)
    assert count(app, Learner) == 0


def walk(client, course, module_id: str, choose, max_steps: int = 300) -> dict:
    """Follow the engine's Continue through a module as a learner would; count what happened."""
    counts = {"questions": 0, "right": 0, "lessons": 0, "help": 0, "tasks": 0, "finished": False, "purposes": []}
    for _ in range(max_steps):
        location = client.get(f"/modules/{module_id}/continue").location
        if location.endswith("#finished"):
            counts["finished"] = True
            return counts
        page = client.get(location)
        assert page.status_code == 200, location
        if location.startswith("/lessons/"):
            counts["lessons"] += 1
            client.post(f"{location}/read", data={"csrf_token": csrf_token(page.text)})
        elif location.startswith("/questions/"):
            question = course.questions[location.rsplit("/", 1)[1]]
            response = client.post(location, data={**choose(question), "csrf_token": csrf_token(page.text)})
            assert response.status_code == 302, response.text[:500]
            feedback = client.get(response.location)
            counts["questions"] += 1
            counts["right"] += "Right!" in feedback.text
        elif location.startswith(f"/modules/{module_id}/practice/"):
            # A practice task: done right by a learner who answers right, with mistakes by anyone else.
            task = course.tasks[location.rsplit("/", 1)[1]]
            fields = task_fields(task, right=choose is right_fields)
            response = client.post(location, data={**fields, "csrf_token": csrf_token(page.text)})
            assert response.status_code == 302, response.text[:500]
            counts["tasks"] += 1
        else:
            assert location.startswith(f"/modules/{module_id}/help"), location
            counts["help"] += 1
            client.post(location, data={"csrf_token": csrf_token(page.text)})
    return counts


def test_a_learner_follows_the_engine_through_a_module_to_the_end(app, client):
    course = course_of(app)
    counts = walk(client, course, "passwords", right_fields)
    assert counts["finished"] and counts["questions"] == counts["right"]
    module_page = client.get("/modules/passwords")
    assert "You have finished this topic" in module_page.text
    assert "Carry on where you left off" not in client.get("/").text, "a finished topic is not offered again"
    skills = course.module("passwords").skills
    assert module_page.text.count('class="level level--mastered"') == len(skills)
    with app.app_context():
        states = db.session.scalars(select(LearnerModuleState)).all()
        assert [s.module_id for s in states] == ["passwords"]
        assert count(app, AnswerRecord) == counts["questions"] + counts["tasks"]


def test_a_learner_who_knows_it_all_finishes_in_far_fewer_questions_than_one_who_guesses(app, client):
    course = course_of(app)
    rng = random.Random(7)

    def guess(question):
        options = [o.key for o in question.choices]
        if question.kind == "typed":
            return {"typed": rng.choice(["no idea", "password", "123"])}
        if question.kind == "ordering":
            rng.shuffle(options)
            return {f"step-{n}": key for n, key in enumerate(options, start=1)}
        return {"choice": [rng.choice(options)]}

    knows = walk(client, course, "online-banking", right_fields)
    guesses = walk(app.test_client(), course, "online-banking", guess, max_steps=150)
    skills = course.module("online-banking").skills
    assert knows["finished"]
    assert knows["lessons"] == 0, "a learner who shows they know every skill skips every lesson"
    assert knows["questions"] <= 2 * len(skills)
    # A guesser gets the lessons, the extra help and a tutor's help, never an endless stream of questions.
    assert guesses["questions"] >= 2 * knows["questions"]
    assert guesses["lessons"] >= len(course.module("online-banking").path_lessons)
    assert guesses["help"] >= 1
    # Each lesson or extra-help lesson on a skill buys at most three more wrong answers before help.
    assert guesses["questions"] <= 10 * len(skills)
    assert "You have finished this topic" in client.get("/modules/online-banking").text


def test_a_wrong_answer_explains_why_and_offers_the_lesson_that_fixes_the_mix_up(app, client):
    course = course_of(app)
    question = next(q for q in course.questions.values()
                    if q.kind == "single" and any(o.misconception for o in q.options))
    option = next(o for o in question.options if o.misconception)
    remedy = course.lessons[course.remedies[option.misconception][0]]

    response = answer(client, question, {"choice": option.key})
    feedback = client.get(response.location)
    assert "Not quite" in feedback.text
    assert f"You answered: <strong>{option.text}</strong>" in feedback.text.replace("&#39;", "'")
    assert question.correct_options[0].text in feedback.text.replace("&#39;", "'")
    assert f'href="/lessons/{remedy.id}"' in feedback.text
    with app.app_context():
        record = db.session.scalars(select(AnswerRecord)).one()
        assert record.correct is False
        assert record.misconceptions == [option.misconception]
        assert record.response == {"keys": [option.key]}


@pytest.mark.parametrize("kind", ["single", "multiple", "true-false", "typed", "ordering"])
def test_every_kind_of_question_can_be_answered_right_and_wrong(app, client, kind):
    question = next(q for q in course_of(app).questions.values() if q.kind == kind)
    right = client.get(answer(client, question, right_fields(question)).location)
    wrong = client.get(answer(client, question, wrong_fields(question)).location)
    assert "Right!" in right.text
    assert "Not quite" in wrong.text and re.search(r"The right (answer|answers|order) (is|are)", wrong.text)
    with app.app_context():
        assert [r.correct for r in db.session.scalars(select(AnswerRecord).order_by(AnswerRecord.id))] == [True, False]


def test_an_empty_answer_is_asked_again_and_nothing_is_recorded(app, client):
    response = answer(client, course_of(app).questions["pw-hardest-to-guess"], {})
    assert response.status_code == 422
    assert "<title>Error: " in response.text and "Choose an answer." in response.text
    assert count(app, AnswerRecord) == 0


def test_a_forged_option_is_refused_and_nothing_is_recorded(app, client):
    response = answer(client, course_of(app).questions["pw-hardest-to-guess"], {"choice": "zz"})
    assert response.status_code == 422 and "Choose one of the answers shown." in response.text
    assert count(app, AnswerRecord) == 0


def test_a_form_without_its_csrf_token_is_refused_with_a_plain_message(app, client):
    response = client.post("/questions/pw-hardest-to-guess", data={"choice": "a"})
    assert response.status_code == 400
    assert "reload the page and try again" in response.text
    response = client.post("/lessons/make-a-strong-password/read")
    assert response.status_code == 400
    assert count(app, AnswerRecord) == 0 and count(app, Learner) == 0


def test_a_huge_form_is_refused_before_it_is_read(app, client):
    page = client.get("/questions/pw-hardest-to-guess")
    response = client.post("/questions/pw-hardest-to-guess",
                           data={"csrf_token": csrf_token(page.text),
                                 "typed": "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)})
    assert response.status_code == 413
    assert "too big" in response.text
    assert count(app, AnswerRecord) == 0


def test_hints_are_revealed_one_at_a_time_and_counted_with_the_answer(app, client):
    question = next(q for q in course_of(app).questions.values() if len(q.hints) >= 2)
    page = client.get(f"/questions/{question.id}")
    assert "Hint 1" not in page.text and "Show a hint" in page.text
    first = right_fields(question)
    page = client.post(f"/questions/{question.id}",
                       data={**first, "action": "hint", "hints": "0", "csrf_token": csrf_token(page.text)})
    assert page.status_code == 200
    assert "Hint 1" in page.text and "Hint 2" not in page.text and "Show another hint" in page.text
    assert 'name="hints" value="1"' in page.text
    assert count(app, AnswerRecord) == 0, "asking for a hint is not an answer"
    if question.kind in ("single", "true-false", "multiple"):
        # What the learner had chosen comes back with the hint.
        key = first["choice"][0]
        assert re.search(rf'value="{key}" id="[^"]+" checked', page.text)
    assert 'name="hints" value="0"' in client.get(f"/questions/{question.id}?hints=nonsense").text
    client.post(f"/questions/{question.id}", data={**first, "hints": "99", "csrf_token": csrf_token(page.text)})
    with app.app_context():
        assert db.session.scalars(select(AnswerRecord)).one().hints_used == len(question.hints)


def test_a_wrong_multiple_select_answer_lists_every_right_answer(app, client):
    question = next(q for q in course_of(app).questions.values()
                    if q.kind == "multiple" and len(q.correct_options) > 1)
    feedback = client.get(answer(client, question, wrong_fields(question)).location)
    assert "The right answers are:" in feedback.text
    listed = re.search(r'<ul class="right-answers">(.*?)</ul>', feedback.text, re.S).group(1)
    assert listed.count("<li>") == len(question.correct_options)


def test_progress_is_kept_when_the_browser_is_closed_and_opened_again(app, client):
    course = course_of(app)
    first = client.get("/modules/passwords/continue").location
    question = course.questions[first.rsplit("/", 1)[1]]
    answer(client, question, wrong_fields(question))
    # Closing the browser drops the session cookie; the year-long remember cookie stays.
    client.delete_cookie("session")
    assert client.get_cookie("remember_token") is not None
    home = client.get("/")
    assert "Carry on where you left off" in home.text and "Passwords and staying safe online" in home.text
    after = client.get("/modules/passwords/continue").location
    assert after != first, "the engine remembers the answer and moves on"
    assert count(app, Learner) == 1
    with app.app_context():
        state = db.session.scalars(select(LearnerModuleState)).one()
        assert state.state["results"] == {question.id: False}


def test_a_learner_cannot_see_another_learners_answer(app):
    first, second = app.test_client(), app.test_client()
    question = course_of(app).questions["pw-hardest-to-guess"]
    mine = answer(first, question, right_fields(question)).location
    assert first.get(mine).status_code == 200
    assert second.get(mine).status_code == 404
    answer(second, question, right_fields(question))
    assert second.get(mine).status_code == 404


def test_unknown_modules_lessons_and_questions_are_not_found(client):
    for url in ("/modules/nope", "/lessons/nope", "/questions/nope", "/answers/999", "/media/passwords/x.png"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Page not found" in response.text


def test_lesson_pictures_are_served_and_nothing_else_from_the_content_folder(app, client):
    lesson = next(lesson for lesson in course_of(app).lessons.values() if lesson.images)
    with client.get(f"/media/{lesson.module_id}/{lesson.images[0]}") as picture:
        assert picture.status_code == 200 and picture.mimetype.startswith("image/")
        assert picture.data.lstrip().startswith(b"<svg") or picture.data[:4] == b"\x89PNG"
    assert client.get(f"/media/{lesson.module_id}/module.md").status_code == 404
    assert client.get(f"/media/{lesson.module_id}/../passwords/module.md").status_code == 404


def test_every_page_says_not_to_be_framed_or_sniffed(client):
    response = client.get("/")
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_answer_record_is_never_changed_only_added_to(app, client):
    question = course_of(app).questions["pw-hardest-to-guess"]
    answer(client, question, right_fields(question))
    with app.app_context():
        record = db.session.scalars(select(AnswerRecord)).one()
        record.correct = False
        with pytest.raises(ValueError, match="append-only"):
            db.session.commit()
        db.session.rollback()
        assert db.session.scalars(select(AnswerRecord)).one().correct is True
