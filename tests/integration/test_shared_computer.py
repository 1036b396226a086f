"""Shared computers: finishing leaves nothing for the next person, and a shared computer keeps no cookie
past the browser's closing.

Like tests/integration/test_sessions_end.py, each test copies the browser's cookies first, as the
next person at a library computer (or anyone who got hold of them) could, and replays them after.
"""

from __future__ import annotations

from sqlalchemy import select

from app.auth import accounts
from app.extensions import db
from app.models import AnswerRecord, Group, Learner, Membership
from tests.conftest import csrf_token
from tests.integration.test_accounts import count, first_questions, learners, make_tutor, post, save_account, sign_in
from tests.integration.test_learner_flow import answer, right_fields
from tests.integration.test_sessions_end import copied, is_signed_in, replays

# The question "Is this a shared computer?", at the top of the home page or below other pages.
ASKED = 'id="shared-question-title"'


def finish(client):
    """Press "Finish on this computer" as a learner would: from the page, with its form token, and go on."""
    response = post(client, "/finish", "/finish")
    client.get(response.location)
    return response


def mark_shared_on_the_finished_page(client):
    """Press "Yes, it is shared" on the "You have finished" page, as the person leaving would."""
    page = client.get("/finished")
    marked = client.post("/shared-computer", data={"shared": "yes", "next": "/finished",
                                                    "csrf_token": csrf_token(page.text)})
    assert marked.status_code == 303 and marked.location == "/finished"
    assert "This computer is set as shared" in client.get("/finished").text


def set_cookies(response) -> dict[str, str]:
    """Return the Set-Cookie headers of a response, by cookie name."""
    return {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}


def make_group(app, name="Tuesday class") -> tuple[str, int]:
    tutor_id = make_tutor(app)
    with app.app_context():
        group = Group(name=name, join_code=accounts.new_group_code(), tutor_id=tutor_id)
        db.session.add(group)
        db.session.commit()
        return group.join_code, group.id


def test_every_learner_page_offers_finish_on_this_computer_once_someone_has_started(app, client):
    assert "Finish on this computer" not in client.get("/").text, "a newcomer has nothing to finish"
    question = first_questions(app, n=1)[0]
    answer(client, question, right_fields(question))
    for path in ("/", "/modules/passwords", "/passport", "/account", f"/questions/{question.id}"):
        page = client.get(path).text
        assert 'href="/finish">Finish on this computer</a>' in page, path


def test_a_guest_who_finishes_is_forgotten_and_copies_of_their_cookies_stop_working(app, client):
    question = first_questions(app, n=1)[0]
    answer(client, question, right_fields(question))
    cookies = copied(client)
    assert set(cookies) == {"session", "remember_token"} and is_signed_in(client)
    page = client.get("/finish").text
    assert "First, keep your progress" in page and "Get a resume code" in page and "/account/save?then=finish" in page
    finished = finish(client)
    assert finished.status_code == 303 and finished.location == "/finished"
    assert finished.headers["Clear-Site-Data"] == '"cookies", "storage"'
    deleted = set_cookies(finished)
    assert "Expires=Thu, 01 Jan 1970" in deleted["remember_token"] and "Expires=Thu, 01 Jan 1970" in deleted["session"]
    assert not is_signed_in(client)
    for browser in replays(app, cookies):
        assert not is_signed_in(browser), "a cookie copied before finishing must not reach the guest's progress"
    assert "You have finished" in client.get("/finished").text


def test_the_next_visitor_sees_nothing_of_the_previous_person_and_their_answers_go_elsewhere(app, client):
    code, group_id = make_group(app)
    assert post(client, "/groups/join", "/groups/join", code=code, name="Pat Jones").status_code == 302
    first, second = first_questions(app, n=2)
    answer(client, first, right_fields(first))
    before = learners(app)[-1]
    finish(client)
    for path in ("/", "/passport", "/account", "/modules/passwords"):
        page = client.get(path).text
        assert "Pat Jones" not in page and "Tuesday class" not in page, path
    assert "You are not in a group" in client.get("/account").text
    assert ASKED in client.get("/").text, "the next person is asked, unless the last one said it is shared"
    mark_shared_on_the_finished_page(client)
    assert ASKED not in client.get("/").text, "a computer marked shared on the way out is taken as shared"
    answer(client, second, right_fields(second))
    assert client.get_cookie("remember_token") is None, "so the next person gets no year-long cookie either"
    with app.app_context():
        theirs = db.session.scalars(select(AnswerRecord.question_id).where(AnswerRecord.learner_id == before.id))
        assert list(theirs) == [first.id], "the next person's answer must not land in the previous record"
        newcomer = db.session.scalar(select(Learner).order_by(Learner.id.desc()))
        assert newcomer.id != before.id and newcomer.display_name is None
    assert count(app, Membership, group_id=group_id) == 1, "only the previous person is in the tutor's group"


def test_a_guest_keeps_their_progress_with_a_resume_code_on_the_way_out_and_carries_on_later(app, client):
    question = first_questions(app, n=1)[0]
    answer(client, question, right_fields(question))
    page = client.get("/finish")
    shown = client.post("/account/resume-code", data={"then": "finish", "csrf_token": csrf_token(page.text)})
    assert shown.headers["Cache-Control"] == "no-store"
    resume_code = shown.text.split('<p class="resume-code">', 1)[1].split("<", 1)[0]
    assert 'action="/finish"' in shown.text, "the code page leads on to finishing"
    client.post("/finish", data={"csrf_token": csrf_token(shown.text)})
    assert not is_signed_in(client)
    assert post(client, "/resume", "/resume", code=resume_code).status_code == 302
    assert is_signed_in(client) and learners(app)[-1].id == learners(app)[0].id


def test_a_guest_who_saves_a_username_on_the_way_out_comes_back_to_finish(app, client):
    question = first_questions(app, n=1)[0]
    answer(client, question, right_fields(question))
    assert 'name="then" value="finish"' in client.get("/account/save?then=finish").text
    saved = post(client, "/account/save?then=finish", "/account/save", username="sam.taylor",
                 password="teapot river purple", confirm="teapot river purple", then="finish")
    assert saved.status_code == 302 and saved.location == "/finish?saved=1"
    assert "You are signed in as <strong>sam.taylor</strong>" in client.get(saved.location).text


def test_an_account_holder_who_finishes_is_signed_out_here_and_everywhere(app, client):
    save_account(client)
    phone = app.test_client()
    sign_in(phone)
    cookies = copied(client)
    assert "every other device" in client.get("/finish").text
    finish(client)
    assert not is_signed_in(client) and not is_signed_in(phone)
    for browser in replays(app, cookies):
        assert not is_signed_in(browser)
    assert sign_in(app.test_client()).status_code == 302, "the password still works"


def test_finishing_needs_the_pages_form_token(app, client):
    question = first_questions(app, n=1)[0]
    answer(client, question, right_fields(question))
    assert client.post("/finish").status_code == 400
    assert is_signed_in(client), "a forged form from another site cannot sign a learner out"


def test_another_site_loading_the_finished_page_marks_no_computer_as_shared(app, client):
    # An <img src="/finished"> on another site is a GET with this browser's cookies.
    shown = client.get("/finished", headers={"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Dest": "image"})
    assert shown.status_code == 200 and "Yes, it is shared" in shown.text
    assert ASKED in client.get("/").text, "the question is still asked: nothing was marked"
    question = first_questions(app, n=1)[0]
    answer(client, question, right_fields(question))
    assert client.get_cookie("remember_token") is not None, "so the learner's own device keeps its cookie"


def test_marking_the_computer_shared_from_the_finished_page_needs_the_pages_form_token(app, client):
    forged = client.post("/shared-computer", data={"shared": "yes", "next": "/finished"})
    assert forged.status_code == 400
    assert ASKED in client.get("/").text and "Yes, it is shared" in client.get("/finished").text
    mark_shared_on_the_finished_page(client)
    question = first_questions(app, n=1)[0]
    answer(client, question, right_fields(question))
    assert client.get_cookie("remember_token") is None, "marked with its token, the next person keeps no cookie"


def test_a_guest_on_a_shared_computer_gets_only_a_cookie_that_ends_when_the_browser_closes(app, client):
    home = client.get("/")
    assert ASKED in home.text
    said = client.post("/shared-computer", data={"shared": "yes", "next": "/modules/passwords",
                                                  "csrf_token": csrf_token(home.text)})
    assert said.status_code == 303 and said.location == "/modules/passwords"
    question = first_questions(app, n=1)[0]
    page = client.get(f"/questions/{question.id}")
    started = client.post(f"/questions/{question.id}", data={**right_fields(question),
                                                             "csrf_token": csrf_token(page.text)})
    made = set_cookies(started)
    assert "Max-Age=0" in made.get("remember_token", "Max-Age=0") and client.get_cookie("remember_token") is None
    assert "Expires" not in made["session"] and "Max-Age" not in made["session"], "a cookie for this visit only"
    assert is_signed_in(client)
    assert ASKED not in client.get("/").text, "asked once"
    assert "this browser forgets you when it closes" in client.get("/").text


def test_a_guest_on_their_own_device_keeps_a_year_long_cookie_and_is_not_asked_again(app, client):
    home = client.get("/")
    client.post("/shared-computer", data={"shared": "no", "csrf_token": csrf_token(home.text)})
    question = first_questions(app, n=1)[0]
    answer(client, question, right_fields(question))
    assert client.get_cookie("remember_token") is not None
    client.delete_cookie("session")  # the browser closed and opened again
    assert is_signed_in(client) and ASKED not in client.get("/").text


def test_saying_the_computer_is_shared_after_starting_drops_the_year_long_cookie(app, client):
    question = first_questions(app, n=1)[0]
    answer(client, question, right_fields(question))
    assert client.get_cookie("remember_token") is not None
    page = client.get("/")
    assert ASKED in page.text, "a guest is asked too"
    client.post("/shared-computer", data={"shared": "yes", "csrf_token": csrf_token(page.text)})
    assert client.get_cookie("remember_token") is None and is_signed_in(client)


def test_signing_in_on_a_shared_computer_makes_no_year_long_cookie(app, client):
    save_account(app.test_client())
    home = client.get("/")
    client.post("/shared-computer", data={"shared": "yes", "csrf_token": csrf_token(home.text)})
    assert sign_in(client).status_code == 302
    assert client.get_cookie("remember_token") is None and is_signed_in(client)


def test_the_shared_computer_answer_goes_back_only_to_a_page_on_this_site(app, client):
    token = csrf_token(client.get("/").text)
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example", "", "/x\r\nSet-Cookie: a=b",
                   "/" + "a" * 5000):
        said = client.post("/shared-computer", data={"shared": "yes", "next": target, "csrf_token": token})
        assert said.status_code == 303 and said.location == "/", target
