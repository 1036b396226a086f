"""Tutors run groups: the dashboard, a learner's record, helping, the funding report, and who may see what."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta

import pytest
from flask import url_for
from sqlalchemy import select

from app.auth.accounts import create_user
from app.extensions import db
from app.models import AnswerRecord, Award, Group, HelpSession, Learner, LearnerModuleState, Membership, utcnow
from app.tutor import funding_report, summaries, words
from engine.progress import LearnerState
from engine.scoring import needs_help
from tests.conftest import csrf_token
from tests.integration.test_content_in_the_app import count_queries
from tests.integration.test_learner_flow import answer, course_of, right_fields, walk, wrong_fields

PASSWORD = "correct horse battery"
STUCK_MODULE = "applying-for-jobs"
FINISHED_MODULE = "creating-documents"


# --- helpers -----------------------------------------------------------------------------------


def make_user(app, username: str, role: str, name: str | None = None) -> int:
    with app.app_context():
        return create_user(username, PASSWORD, role, name).id


def sign_in(client, username: str) -> None:
    page = client.get("/sign-in")
    response = client.post("/sign-in", data={"username": username, "password": PASSWORD,
                                             "csrf_token": csrf_token(page.text)})
    assert response.status_code == 302, response.text[:300]


def tutor_client(app, username: str = "tina", role: str = "tutor", name: str = "Tina Tutor"):
    make_user(app, username, role, name)
    client = app.test_client()
    sign_in(client, username)
    return client


def make_group(client, name: str = "Tuesday class") -> tuple[int, str]:
    """Make a group through the page; return its id and join code."""
    page = client.get("/tutor/")
    response = client.post("/tutor/groups", data={"name": name, "csrf_token": csrf_token(page.text)})
    assert response.status_code == 302, response.text[:500]
    group_id = int(response.location.rsplit("/", 1)[1])
    code = re.search(r'class="code">([A-Z0-9]{6})<', client.get(response.location).text).group(1)
    return group_id, code


def join(app, code: str, name: str):
    """Return a new guest's client, joined to the group with this code."""
    client = app.test_client()
    page = client.get("/groups/join")
    response = client.post("/groups/join", data={"code": code, "name": name, "csrf_token": csrf_token(page.text)})
    assert response.status_code == 302, response.text[:500]
    return client


def learner_id(app, name: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Learner.id).where(Learner.display_name == name))


def post(client, url: str, data: dict | None = None, token_from: str = "/tutor/"):
    """Send a form as a browser would, with a CSRF token from a page the client can open."""
    page = client.get(token_from)
    return client.post(url, data={**(data or {}), "csrf_token": csrf_token(page.text)})


def get_stuck(client, course, module_id: str = STUCK_MODULE, max_steps: int = 60) -> str:
    """Answer wrong on the question pages, following Continue, until the engine sends the learner to a tutor."""
    for _ in range(max_steps):
        location = client.get(f"/modules/{module_id}/continue").location
        if location.startswith(f"/modules/{module_id}/help"):
            return location
        page = client.get(location)
        assert page.status_code == 200, location
        if location.startswith("/lessons/"):
            client.post(f"{location}/read", data={"csrf_token": csrf_token(page.text)})
        else:
            question = course.questions[location.rsplit("/", 1)[1]]
            response = client.post(location, data={**wrong_fields(question), "csrf_token": csrf_token(page.text)})
            assert response.status_code == 302
    raise AssertionError("the engine never sent the learner to a tutor")


def section(html: str, heading_id: str) -> str:
    """Return the HTML of the section a heading id starts, up to the next section."""
    start = html.index(f'id="{heading_id}"')
    end = html.find("<section", start)
    return html[start:end if end != -1 else len(html)]


def tutor_routes(app):
    """Yield every tutor page's rule, with the methods it answers (this file's views only)."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("tutor.") and app.view_functions[rule.endpoint].__module__ == "app.tutor.views":
            yield rule, sorted(rule.methods - {"HEAD", "OPTIONS"})


def addresses(app, group_id: int, member_id: int) -> list[tuple[str, str, set]]:
    """Return (method, url, arguments) for every tutor page, filled in with this group and learner.

    The list is made before any request is sent: a request made while this context
    is open would share its `g`, and so its signed-in user, with the next one.
    """
    values = {"group_id": group_id, "learner_id": member_id}
    with app.test_request_context():
        return [(method, url_for(rule.endpoint, **{k: v for k, v in values.items() if k in rule.arguments}),
                 rule.arguments)
                for rule, methods in tutor_routes(app) for method in methods]


@pytest.fixture
def course(app):
    return course_of(app)


@pytest.fixture
def tutor(app):
    return tutor_client(app)


# --- who may see what ------------------------------------------------------------------------------


def test_every_tutor_page_is_marked_for_tutors(app):
    rules = list(tutor_routes(app))
    assert len(rules) >= 9
    for rule, _ in rules:
        assert getattr(app.view_functions[rule.endpoint], "required_role", None) == "tutor", rule.rule


def test_anonymous_visitors_are_sent_to_sign_in_from_every_tutor_page(app, tutor):
    group_id, code = make_group(tutor)
    join(app, code, "Sam")
    stranger = app.test_client()
    for method, url, _ in addresses(app, group_id, learner_id(app, "Sam")):
        if method == "GET":
            response = stranger.get(url)
        else:
            response = post(stranger, url, token_from="/sign-in")
        assert response.status_code == 302, (method, url, response.status_code)
        assert response.location.startswith("/sign-in"), (method, url, response.location)


def test_a_learner_is_refused_every_tutor_page_and_a_guest_is_asked_to_sign_in(app, tutor):
    group_id, code = make_group(tutor)
    guest = join(app, code, "Sam")
    make_user(app, "lena", "learner", "Lena")
    learner = app.test_client()
    sign_in(learner, "lena")
    member = learner_id(app, "Sam")
    for method, url, _ in addresses(app, group_id, member):
        response = learner.get(url) if method == "GET" else post(learner, url, token_from="/account")
        assert response.status_code == 403, (method, url, response.status_code)
        response = guest.get(url) if method == "GET" else post(guest, url, token_from="/account")
        assert response.status_code == 302 and response.location.startswith("/sign-in"), (method, url)
    assert "tutors or admins" in learner.get("/tutor/").text


def test_another_tutor_gets_not_found_on_every_address_of_a_group_that_is_not_theirs(app, tutor):
    group_id, code = make_group(tutor)
    join(app, code, "Sam")
    member = learner_id(app, "Sam")
    other = tutor_client(app, "otto", name="Otto Other")
    tried = set()
    for method, url, arguments in addresses(app, group_id, member):
        if "group_id" not in arguments:
            continue
        response = other.get(url) if method == "GET" else post(other, url, {"name": "Mine now", "helping": "yes"})
        assert response.status_code == 404, (method, url, response.status_code)
        tried.add((method, url))
    assert len(tried) >= 8
    with app.app_context():
        group = db.session.get(Group, group_id)
        assert group.name == "Tuesday class"
        assert db.session.scalar(select(Membership.id).where(Membership.group_id == group_id)) is not None
        assert db.session.scalar(select(HelpSession.id)) is None


def test_a_learner_in_another_group_is_not_found_in_this_one(app, tutor):
    first, _ = make_group(tutor, "Mornings")
    _, other_code = make_group(tutor, "Evenings")
    join(app, other_code, "Eve")
    eve = learner_id(app, "Eve")
    assert tutor.get(f"/tutor/groups/{first}/learners/{eve}").status_code == 404
    assert post(tutor, f"/tutor/groups/{first}/learners/{eve}/help", {"helping": "yes"}).status_code == 404
    assert post(tutor, f"/tutor/groups/{first}/learners/{eve}/remove").status_code == 404
    assert tutor.get("/tutor/groups/999").status_code == 404


def test_a_tutor_sees_only_their_own_groups_and_an_admin_sees_every_group(app, tutor):
    mine, _ = make_group(tutor, "Tina's Tuesday class")
    other = tutor_client(app, "otto", name="Otto Other")
    theirs, _ = make_group(other, "Otto's job club")
    assert "Otto&#39;s job club" not in tutor.get("/tutor/").text
    assert "Tina&#39;s Tuesday class" in tutor.get("/tutor/").text
    admin = tutor_client(app, "ada", role="admin", name="Ada Admin")
    page = admin.get("/tutor/").text
    assert "Tina&#39;s Tuesday class" in page and "Otto&#39;s job club" in page and "Otto Other" in page
    for group_id in (mine, theirs):
        assert admin.get(f"/tutor/groups/{group_id}").status_code == 200
        assert admin.get(f"/tutor/groups/{group_id}/export.csv").status_code == 200


# --- groups ----------------------------------------------------------------------------------------


def test_a_tutor_makes_a_group_with_a_new_join_code(app, tutor):
    page = tutor.get("/tutor/")
    assert "You have no groups yet" in page.text
    made = tutor.post("/tutor/groups", data={"name": "  Tuesday   class ", "csrf_token": csrf_token(page.text)})
    group_id = int(made.location.rsplit("/", 1)[1])
    page = tutor.get(made.location).text
    assert "You made the group “Tuesday class”" in page and "Nobody has joined yet" in page
    code = re.search(r'class="code">([A-Z0-9]{6})<', page).group(1)
    assert f"Give your learners its code, {code}" in page
    assert "/groups/join" in page
    with app.app_context():
        group = db.session.get(Group, group_id)
        assert group.name == "Tuesday class" and group.join_code == code and len(code) == 6
        assert group.tutor_id == db.session.scalar(select(Learner.id).where(Learner.username == "tina"))
    assert "Tuesday class" in tutor.get("/tutor/").text


@pytest.mark.parametrize("name, message", [("", "Enter a name for the group"),
                                           ("   ", "Enter a name for the group"),
                                           ("x" * 101, "100 characters or fewer")])
def test_a_group_needs_a_name_of_at_most_100_characters(app, tutor, name, message):
    response = post(tutor, "/tutor/groups", {"name": name})
    assert response.status_code == 422
    assert "There is a problem" in response.text and message in response.text
    assert 'href="#name"' in response.text
    with app.app_context():
        assert db.session.scalar(select(Group.id)) is None


def test_a_group_name_of_exactly_100_characters_is_fine(app, tutor):
    assert post(tutor, "/tutor/groups", {"name": "y" * 100}).status_code == 302


def test_renaming_a_group_keeps_its_code_and_its_learners(app, tutor):
    group_id, code = make_group(tutor)
    join(app, code, "Sam")
    page = tutor.get(f"/tutor/groups/{group_id}/rename")
    assert page.status_code == 200 and 'value="Tuesday class"' in page.text
    bad = tutor.post(f"/tutor/groups/{group_id}/rename", data={"name": "", "csrf_token": csrf_token(page.text)})
    assert bad.status_code == 422 and "Enter a name for the group" in bad.text
    response = tutor.post(f"/tutor/groups/{group_id}/rename",
                          data={"name": "Thursday class", "csrf_token": csrf_token(page.text)})
    assert response.location == f"/tutor/groups/{group_id}"
    with app.app_context():
        group = db.session.get(Group, group_id)
        assert group.name == "Thursday class" and group.join_code == code
    dashboard_page = tutor.get(f"/tutor/groups/{group_id}").text
    assert "Thursday class" in dashboard_page and "Sam" in dashboard_page


def test_the_joining_instructions_show_the_code_large_with_the_address_and_a_qr_code(app, tutor):
    group_id, code = make_group(tutor)
    page = tutor.get(f"/tutor/groups/{group_id}/code").text
    assert f'<span class="join-code">{code}</span>' in page
    assert "go to <strong class=\"join-url\">http://localhost/groups/join</strong>" in page
    assert "Join the group" in page and "<svg" in page
    assert f"QR code for http://localhost/groups/join?code={code}" in page


def test_the_joining_address_uses_the_public_url_when_it_is_set(app, tutor):
    group_id, _ = make_group(tutor)
    app.config["PUBLIC_URL"] = "https://passport.example.org"
    assert "https://passport.example.org/groups/join" in tutor.get(f"/tutor/groups/{group_id}/code").text


def test_a_tutor_takes_a_learner_out_of_a_group_and_the_learner_keeps_their_progress(app, tutor, course):
    group_id, code = make_group(tutor)
    sam = join(app, code, "Sam")
    question = next(q for q in course.questions.values() if q.module_id == "passwords")
    answer(sam, question, right_fields(question))
    member = learner_id(app, "Sam")
    confirm = tutor.get(f"/tutor/groups/{group_id}/learners/{member}/remove")
    assert confirm.status_code == 200 and "nothing is deleted" in confirm.text
    response = tutor.post(f"/tutor/groups/{group_id}/learners/{member}/remove",
                          data={"csrf_token": csrf_token(confirm.text)})
    assert response.location == f"/tutor/groups/{group_id}"
    assert "Sam is no longer in this group" in tutor.get(response.location).text
    assert tutor.get(f"/tutor/groups/{group_id}/learners/{member}").status_code == 404
    with app.app_context():
        assert db.session.scalar(select(Membership.id)) is None
        assert db.session.scalar(select(AnswerRecord.id).where(AnswerRecord.learner_id == member)) is not None


# --- the dashboard -----------------------------------------------------------------------------------


def test_the_dashboard_shows_a_stuck_learner_first_with_the_mix_up_behind_it(app, tutor, course):
    group_id, code = make_group(tutor)
    sam = join(app, code, "Sam Stuck")
    help_page = get_stuck(sam, course)
    skill_id = help_page.split("skill=")[1]
    with app.app_context():
        member = learner_id(app, "Sam Stuck")
        row = db.session.scalar(select(LearnerModuleState).where(LearnerModuleState.learner_id == member,
                                                                 LearnerModuleState.module_id == STUCK_MODULE))
        state = LearnerState.from_dict(row.state)
    from app.content import current_parameters
    with app.app_context():
        stuck = dict(needs_help(course.module(STUCK_MODULE), state, current_parameters(), utcnow()))
    assert skill_id in stuck
    assert stuck[skill_id], "a learner answering wrong shows at least one common mix-up"
    page = tutor.get(f"/tutor/groups/{group_id}").text
    assert page.index(">Needs help</h2>") < page.index(">Everyone's progress</h2>") \
        < page.index(">What the group finds hardest</h2>")
    needing = section(page, "needs-help-title")
    assert "Sam Stuck" in needing and course.skills[skill_id].title in needing
    for tag in stuck[skill_id]:
        assert course.lessons[course.remedies[tag][0]].title.replace("'", "&#39;") in needing
    assert f"/tutor/groups/{group_id}/learners/{member}" in needing
    learner_page = tutor.get(f"/tutor/groups/{group_id}/learners/{member}").text
    assert course.skills[skill_id].title in section(learner_page, "needs-help-title")


def test_the_dashboard_shows_each_learners_levels_skills_and_when_they_were_last_active(app, tutor, course):
    group_id, code = make_group(tutor)
    ann = join(app, code, "Ann Able")
    counts = walk(ann, course, FINISHED_MODULE, right_fields)
    assert counts["finished"]
    join(app, code, "Bob Beginner")
    with app.app_context():
        bob = db.session.get(Learner, learner_id(app, "Bob Beginner"))
        bob.last_active_at = utcnow() - timedelta(days=3)
        db.session.commit()
    page = tutor.get(f"/tutor/groups/{group_id}").text
    progress = section(page, "progress-title")
    skills = len(course.module(FINISHED_MODULE).skills)
    ann_row = progress[progress.index("Ann Able"):progress.index("Bob Beginner")]
    bob_row = progress[progress.index("Bob Beginner"):]
    assert "today" in ann_row and "3 days ago" in bob_row
    assert re.search(r'medal--(silver|gold)">(Silver|Gold)<', ann_row)
    assert f"{skills} of {skills} skills" in ann_row
    assert "Not started" in bob_row and "medal" not in bob_row
    assert "Nobody is stuck right now" in page


def test_the_dashboard_shows_the_questions_the_group_gets_wrong_most_and_the_mix_ups_behind_them(app, tutor, course):
    group_id, code = make_group(tutor)
    question = next(q for q in course.questions.values() if q.kind == "single"
                    and any(o.misconception for o in q.options if not o.correct))
    wrong = next(o for o in question.options if not o.correct and o.misconception)
    easy = next(q for q in course.questions.values() if q.kind == "single" and q.id != question.id)
    for name, right in (("Ann", False), ("Bob", False), ("Cat", True), ("Dan", False)):
        client = join(app, code, name)
        answer(client, question, right_fields(question) if right else {"choice": [wrong.key]})
        answer(client, easy, right_fields(easy))
    page = tutor.get(f"/tutor/groups/{group_id}").text
    hardest = section(page, "hardest-title")
    assert words.short_text(question.prompt_html).replace("'", "&#39;")[:40] in hardest
    assert "75%" in hardest and "3 of 4 answers, from 4 learners" in hardest
    assert f"“{wrong.text}”".replace("'", "&#39;") in hardest and "(3 times)" in hardest
    assert words.short_text(easy.prompt_html)[:40].replace("'", "&#39;") not in hardest
    mixups = hardest[hardest.index("Mix-ups shown most"):]
    title = course.lessons[course.remedies[wrong.misconception][0]].title
    assert re.search(re.escape(title.replace("'", "&#39;")) + r"</a></td>\s*<td>3</td>", mixups)


def test_the_dashboard_costs_the_same_few_queries_however_big_the_group(app, tutor, course):
    group_id, code = make_group(tutor)
    questions = [q for q in course.questions.values() if q.kind == "single"][:12]

    def add_learners(names):
        for n, name in enumerate(names):
            client = join(app, code, name)
            for question in questions[n % 4::4]:
                answer(client, question, wrong_fields(question) if n % 2 else right_fields(question))

    add_learners(["Ann", "Bob"])
    small = {path: count_queries(app, path, tutor) for path in
             (f"/tutor/groups/{group_id}", f"/tutor/groups/{group_id}/export.csv", "/tutor/")}
    add_learners(["Cat", "Dan", "Eve", "Fay", "Gus", "Hal"])
    large = {path: count_queries(app, path, tutor) for path in small}
    assert small == large, (small, large)
    # The signed-in user and the group, then: how many learners, a page of them, their summaries, help sessions,
    # who is stuck and how many are, two for the hardest questions and one for the mix-ups.
    assert large[f"/tutor/groups/{group_id}"] <= 11
    assert large[f"/tutor/groups/{group_id}/export.csv"] <= 7
    assert count_queries(app, f"/tutor/groups/{group_id}/learners/{learner_id(app, 'Hal')}", tutor) <= 8


# --- one learner ----------------------------------------------------------------------------------------


def test_the_learner_page_shows_skill_levels_badges_with_dates_and_answers_newest_first(app, tutor, course):
    group_id, code = make_group(tutor)
    ann = join(app, code, "Ann Able")
    walk(ann, course, FINISHED_MODULE, right_fields)
    member = learner_id(app, "Ann Able")
    page = tutor.get(f"/tutor/groups/{group_id}/learners/{member}").text
    module = course.module(FINISHED_MODULE)
    skills = section(page, "skills-title")
    for skill in module.skills:
        assert skill.title in skills
    assert skills.count("level--mastered") == len(module.skills)
    badges = section(page, "badges-title")
    today = utcnow()
    assert f"Bronze</span> in {module.title}, {today.day} {today:%B %Y}" in badges
    with app.app_context():
        records = db.session.scalars(select(AnswerRecord).where(AnswerRecord.learner_id == member)
                                     .order_by(AnswerRecord.id.desc())).all()
    answers = section(page, "answers-title")
    assert f"All {len(records)} answers, newest first" in answers
    asked = [r for r in records if r.task_id is None]  # practice tasks the engine offered are listed too
    newest, oldest = (words.short_text(course.questions[r.question_id].prompt_html)[:30].replace("'", "&#39;")
                      for r in (asked[0], asked[-1]))
    assert answers.index(newest) <= answers.index(oldest)
    assert answers.count('class="result result--right"') == len(records)


def test_the_learner_page_lists_only_the_latest_200_answers(app, tutor, course):
    group_id, code = make_group(tutor)
    join(app, code, "Keen Kim")
    member = learner_id(app, "Keen Kim")
    question = next(iter(course.questions.values()))
    start = datetime(2026, 1, 5, 9, 0)
    with app.app_context():
        for n in range(205):
            db.session.add(AnswerRecord(learner_id=member, question_id=question.id, module_id=question.module_id,
                                        skill_id=question.skill, kind=question.kind, response={},
                                        given=f"answer number {n}", correct=n % 2 == 0,
                                        answered_at=start + timedelta(minutes=n)))
        db.session.commit()
    page = tutor.get(f"/tutor/groups/{group_id}/learners/{member}").text
    answers = section(page, "answers-title")
    assert "The latest 200 of 205 answers" in answers
    assert answers.count("<tr>") == 201  # a header row and 200 answers
    assert "answer number 204" in answers and "answer number 4<" not in answers
    assert answers.index("answer number 204") < answers.index("answer number 5<")


def test_helping_a_learner_marks_their_answers_helped_until_the_tutor_stops(app, tutor, course):
    group_id, code = make_group(tutor)
    sam = join(app, code, "Sam")
    member = learner_id(app, "Sam")
    page_url = f"/tutor/groups/{group_id}/learners/{member}"
    first, second, third = [q for q in course.questions.values() if q.module_id == "passwords"][:3]
    page = tutor.get(page_url)
    assert "Start helping" in page.text and "do not count towards the passport" in page.text
    response = tutor.post(f"{page_url}/help", data={"helping": "yes", "csrf_token": csrf_token(page.text)})
    assert response.location == f"{page_url}#helping"
    helping = tutor.get(page_url).text
    assert "You are helping Sam" in helping and "Stop helping" in helping
    assert "being helped" in tutor.get(f"/tutor/groups/{group_id}").text
    answer(sam, first, right_fields(first))
    answer(sam, second, wrong_fields(second))
    tutor.post(f"{page_url}/help", data={"helping": "no", "csrf_token": csrf_token(helping)})
    answer(sam, third, right_fields(third))
    with app.app_context():
        helped = [r.helped for r in db.session.scalars(select(AnswerRecord).order_by(AnswerRecord.id))]
        assert helped == [True, True, False]
        [session] = db.session.scalars(select(HelpSession)).all()
        assert session.tutor_id == db.session.scalar(select(Learner.id).where(Learner.username == "tina"))
        assert session.learner_id == member and session.ended_at is not None
        state = LearnerState.from_dict(db.session.scalar(select(LearnerModuleState.state)))
        assert state.skills[first.skill].right == 0 or first.skill == third.skill, \
            "a helped right answer does not raise the estimate"
    after = tutor.get(page_url).text
    assert "Start helping" in after
    answers = section(after, "answers-title")
    assert answers.count("<td>Helped</td>") == 2 and answers.count("<td>No</td>") == 1


def test_starting_to_help_twice_opens_one_session_and_a_forgotten_one_lapses(app, tutor):
    group_id, code = make_group(tutor)
    join(app, code, "Sam")
    member = learner_id(app, "Sam")
    url = f"/tutor/groups/{group_id}/learners/{member}/help"
    post(tutor, url, {"helping": "yes"})
    post(tutor, url, {"helping": "yes"})
    with app.app_context():
        [session] = db.session.scalars(select(HelpSession)).all()
        session.started_at = utcnow() - timedelta(hours=5)  # forgotten since this morning
        db.session.commit()
    assert "Start helping" in tutor.get(f"/tutor/groups/{group_id}/learners/{member}").text
    post(tutor, url, {"helping": "yes"})
    with app.app_context():
        sessions = db.session.scalars(select(HelpSession).order_by(HelpSession.id)).all()
        assert len(sessions) == 2 and sessions[0].ended_at is not None and sessions[1].ended_at is None


# --- the funding report ----------------------------------------------------------------------------


def read_report(response) -> list[dict]:
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    return list(csv.DictReader(io.StringIO(response.text)))


def test_the_report_has_a_row_per_learner_and_module_with_levels_dates_answers_and_minutes(app, tutor, course):
    group_id, code = make_group(tutor)
    ann = join(app, code, "Ann Able")
    walk(ann, course, FINISHED_MODULE, right_fields)
    join(app, code, "Bob Beginner")
    response = tutor.get(f"/tutor/groups/{group_id}/export.csv")
    assert re.fullmatch(r'attachment; filename="tuesday-class-progress-\d{4}-\d{2}-\d{2}\.csv"',
                        response.headers["Content-Disposition"])
    rows = read_report(response)
    assert list(rows[0]) == list(funding_report.REPORT_COLUMNS)
    assert len(rows) == 2 * len(course.modules)
    assert {r["learner"] for r in rows} == {"Ann Able", "Bob Beginner"}
    assert {r["group"] for r in rows} == {"Tuesday class"} and {r["username"] for r in rows} == {""}
    module = course.module(FINISHED_MODULE)
    [done] = [r for r in rows if r["learner"] == "Ann Able" and r["module"] == module.title]
    today = words.uk_time(utcnow()).date().isoformat()
    assert done["skills mastered"] == done["skills in module"] == str(len(module.skills))
    assert done["passport level"] in ("silver", "gold") and done["bronze date"] == done["silver date"] == today
    with app.app_context():
        member = learner_id(app, "Ann Able")
        answered = db.session.scalars(select(AnswerRecord.id).where(AnswerRecord.learner_id == member)).all()
    assert done["answers"] == str(len(answered))
    assert done["minutes spent"] == "2", "steps seconds apart count as the first step's 2 minutes"
    assert done["last active"] == today
    untouched = [r for r in rows if r["learner"] == "Bob Beginner"]
    assert all(r["passport level"] == "none" and r["answers"] == "0" and r["minutes spent"] == "0"
               and r["bronze date"] == "" for r in untouched)


def test_minutes_spent_counts_each_gap_but_a_break_of_over_half_an_hour_as_two_minutes():
    start = datetime(2026, 3, 2, 10, 0)
    assert summaries.minutes_spent([]) == 0
    assert summaries.minutes_spent([start]) == 2
    steps = [start, start + timedelta(minutes=5), start + timedelta(minutes=35),  # 5, then 30: both count
             start + timedelta(hours=3),  # a break: 2 minutes
             start + timedelta(hours=3, minutes=4)]
    assert summaries.minutes_spent(list(reversed(steps))) == 2 + 5 + 30 + 2 + 4


def test_the_report_counts_time_from_answers_and_lessons_in_each_module(app, tutor, course):
    group_id, code = make_group(tutor)
    join(app, code, "Sam")
    member = learner_id(app, "Sam")
    question = next(q for q in course.questions.values() if q.module_id == "passwords")
    lesson = next(lesson for lesson in course.lessons.values() if lesson.module_id == "passwords")
    start = datetime(2026, 3, 2, 10, 0)
    from app.models import LessonRead
    with app.app_context():
        db.session.add(LessonRead(learner_id=member, lesson_id=lesson.id, module_id="passwords", read_at=start))
        for minutes in (6, 10, 120):
            db.session.add(AnswerRecord(learner_id=member, question_id=question.id, module_id="passwords",
                                        skill_id=question.skill, kind=question.kind, response={}, given="x",
                                        correct=False, answered_at=start + timedelta(minutes=minutes)))
        db.session.commit()
    rows = read_report(tutor.get(f"/tutor/groups/{group_id}/export.csv"))
    [passwords] = [r for r in rows if r["module"] == course.module("passwords").title]
    assert passwords["minutes spent"] == str(2 + 6 + 4 + 2) and passwords["answers"] == "3"


def test_the_report_keeps_spreadsheets_from_running_names_as_formulas(app, tutor):
    group_id, _ = make_group(tutor, "=HYPERLINK(\"http://evil\")")
    names = ["=1+1", "+44 7700", "-2", "@SUM(A1)", "\tTab", "\rReturn", "Plain Pat"]
    with app.app_context():
        for name in names:
            learner = Learner(display_name=name)
            db.session.add(learner)
            db.session.flush()
            db.session.add(Membership(group_id=group_id, learner_id=learner.id))
        db.session.commit()
    rows = read_report(tutor.get(f"/tutor/groups/{group_id}/export.csv"))
    learners = {r["learner"] for r in rows}
    assert learners == {"'" + name for name in names[:-1]} | {"Plain Pat"}
    assert {r["group"] for r in rows} == {"'=HYPERLINK(\"http://evil\")"}
    for row in rows:
        for value in row.values():
            assert not value.startswith(funding_report.FORMULA_STARTS), row


def test_revoked_levels_are_left_out_of_the_report(app, tutor, course):
    group_id, code = make_group(tutor)
    ann = join(app, code, "Ann Able")
    walk(ann, course, FINISHED_MODULE, right_fields)
    with app.app_context():
        for award in db.session.scalars(select(Award)):
            award.revoked_at = utcnow()
        db.session.commit()
    rows = read_report(tutor.get(f"/tutor/groups/{group_id}/export.csv"))
    [done] = [r for r in rows if r["module"] == course.module(FINISHED_MODULE).title]
    assert done["passport level"] == "none" and done["bronze date"] == ""
    page = tutor.get(f"/tutor/groups/{group_id}/learners/{learner_id(app, 'Ann Able')}").text
    assert "revoked on" in section(page, "badges-title")
