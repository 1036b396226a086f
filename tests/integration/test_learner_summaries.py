"""Each learner's summary per topic stays equal to the record it is worked out from, and big groups page."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import delete, select

from app.auth import accounts
from app.badges.awards import revoke
from app.extensions import db
from app.models import AnswerRecord, Award, Learner, LearnerSummary, Membership, utcnow
from app.services import offer_help
from app.tutor import dashboard
from app.tutor.summaries import SUMMARY_FIELDS, worked_out
from tests.conftest import csrf_token
from tests.integration.test_learner_flow import answer, course_of, right_fields, wrong_fields
from tests.integration.test_tutor_pages import join, learner_id, make_group, post, section, tutor_client

MODULE = "passwords"
OTHER = "using-the-internet"


def kept_summaries() -> dict[tuple[int, str], tuple]:
    """Return every summary in the table, as the values a tutor's pages read."""
    return {(s.learner_id, s.module_id): tuple(getattr(s, f) for f in SUMMARY_FIELDS)
            for s in db.session.scalars(select(LearnerSummary))}


def recomputed() -> dict[tuple[int, str], tuple]:
    """Return every summary as the answers, lesson reads, states and awards say it should be."""
    ids = list(db.session.scalars(select(Learner.id)))
    return {key: tuple(getattr(s, f) for f in SUMMARY_FIELDS) for key, s in worked_out(ids).items()}


def questions(course, module_id: str) -> list:
    """Return a topic's questions, lesson by lesson."""
    return [q for lesson in course.module(module_id).lessons for q in lesson.questions]


def test_the_summaries_equal_what_the_answers_say_after_a_mixed_series_of_steps(app):
    course = course_of(app)
    tutor = tutor_client(app)
    group_id, code = make_group(tutor)
    ann, bob, dan = join(app, code, "Ann Able"), join(app, code, "Bob Stuck"), join(app, code, "Dan Gone")
    lesson = next(lesson for lesson in course.lessons.values() if lesson.module_id == MODULE)
    page = ann.get(f"/lessons/{lesson.id}")
    ann.post(f"/lessons/{lesson.id}/read", data={"csrf_token": csrf_token(page.text)})
    for question in questions(course, MODULE):
        answer(ann, question, right_fields(question))
    for question in questions(course, OTHER)[:3]:
        answer(ann, question, wrong_fields(question))
    stuck_on = questions(course, MODULE)[0]
    for _ in range(4):
        answer(bob, stuck_on, wrong_fields(stuck_on))
    bob_id, ann_id, dan_id = (learner_id(app, name) for name in ("Bob Stuck", "Ann Able", "Dan Gone"))
    post(tutor, f"/tutor/groups/{group_id}/learners/{bob_id}/help", {"helping": "yes"})
    answer(bob, stuck_on, right_fields(stuck_on))
    post(tutor, f"/tutor/groups/{group_id}/learners/{bob_id}/help", {"helping": "no"})
    answer(dan, stuck_on, right_fields(stuck_on))
    with app.test_request_context():
        offer_help(db.session.get(Learner, bob_id), course.module(MODULE), stuck_on.skill)
        awards = db.session.scalars(select(Award).where(Award.learner_id == ann_id)).all()
        assert awards, "answering every question right earns a passport level"
        revoke(min(awards, key=lambda a: a.awarded_at), "copied answers", "test")
        # A guest's answers, some older than the account's, carried over when they sign in.
        guest = Learner(display_name="Guest")
        db.session.add(guest)
        db.session.flush()
        for minutes in (-90, -60, -59):
            db.session.add(AnswerRecord(learner_id=guest.id, question_id=stuck_on.id, module_id=MODULE,
                                        skill_id=stuck_on.skill, kind=stuck_on.kind, response={}, given="x",
                                        correct=True, answered_at=utcnow() + timedelta(minutes=minutes)))
        db.session.commit()
        accounts.carry_over(guest, db.session.get(Learner, ann_id))
        db.session.commit()
        accounts.delete_learner(db.session.get(Learner, dan_id))

        kept = kept_summaries()
        assert kept == recomputed()
        fields = dict(zip(SUMMARY_FIELDS, kept[(ann_id, MODULE)]))
        answered = db.session.scalars(select(AnswerRecord.id).where(AnswerRecord.learner_id == ann_id,
                                                                    AnswerRecord.module_id == MODULE)).all()
        assert fields["answers"] == len(answered) == len(questions(course, MODULE)) + 3
        assert fields["level"] is None and fields["bronze_at"] is None, "revoking bronze withdraws every level"
        assert fields["mastered"] > 0 and fields["started"]
        assert dict(zip(SUMMARY_FIELDS, kept[(ann_id, OTHER)]))["answers"] == 3
        bob_fields = dict(zip(SUMMARY_FIELDS, kept[(bob_id, MODULE)]))
        assert bob_fields["stuck_skills"] == 1 and bob_fields["stuck"][0][0] == stuck_on.skill
        assert bob_fields["answers"] == 5
        assert not [key for key in kept if key[0] in (dan_id, guest.id)]


def test_rebuilding_the_summaries_gives_back_what_was_kept_step_by_step(app, runner):
    course = course_of(app)
    tutor = tutor_client(app)
    _, code = make_group(tutor)
    ann = join(app, code, "Ann Able")
    for question in questions(course, MODULE)[:6]:
        answer(ann, question, right_fields(question))
    for question in questions(course, OTHER)[:4]:
        answer(ann, question, wrong_fields(question))
    with app.app_context():
        kept = kept_summaries()
        assert len(kept) == 2
        db.session.execute(delete(LearnerSummary))
        db.session.commit()
    result = runner.invoke(args=["tutor", "rebuild-summaries"])
    assert result.exit_code == 0, result.output
    assert "Summaries rebuilt for" in result.output
    with app.app_context():
        assert kept_summaries() == kept


def add_learners(app, group_id: int, count: int) -> list[int]:
    """Put `count` learners in the group, each last active a minute before the one before."""
    with app.app_context():
        now = utcnow()
        learners = [Learner(display_name=f"Learner {n:04d}", last_active_at=now - timedelta(minutes=n))
                    for n in range(count)]
        db.session.add_all(learners)
        db.session.flush()
        db.session.add_all(Membership(group_id=group_id, learner_id=learner.id) for learner in learners)
        db.session.commit()
        return [learner.id for learner in learners]


def names_on(page: str) -> list[str]:
    return re.findall(r">(Learner \d{4})</a>", section(page, "progress-title"))


def test_a_big_group_pages_fifty_learners_at_a_time_by_name_or_last_active_with_plain_links(app):
    tutor = tutor_client(app)
    group_id, _ = make_group(tutor)
    add_learners(app, group_id, 120)
    first = tutor.get(f"/tutor/groups/{group_id}").text
    assert names_on(first) == [f"Learner {n:04d}" for n in range(50)]
    assert "Learners 1 to 50 of 120" in first
    assert f'href="/tutor/groups/{group_id}?page=2&amp;sort=name"' in first
    third = tutor.get(f"/tutor/groups/{group_id}?page=3").text
    assert names_on(third) == [f"Learner {n:04d}" for n in range(100, 120)]
    active = tutor.get(f"/tutor/groups/{group_id}?sort=active&page=2").text
    assert names_on(active) == [f"Learner {n:04d}" for n in range(50, 100)]
    for odd in ("page=0", "page=-4", "page=abc", "page=99999999999999999999999", "sort=password"):
        response = tutor.get(f"/tutor/groups/{group_id}?{odd}")
        assert response.status_code == 200, odd
    assert tutor.get(f"/tutor/groups/{group_id}?sort=%00").status_code == 400
    assert names_on(tutor.get(f"/tutor/groups/{group_id}?page=999").text) == names_on(third)


def test_a_group_too_big_for_the_dashboard_shows_what_it_finds_hardest_on_its_own_page(app):
    course = course_of(app)
    tutor = tutor_client(app)
    group_id, code = make_group(tutor)
    question = questions(course, MODULE)[0]
    for name in ("Ann", "Bob"):
        answer(join(app, code, name), question, wrong_fields(question))
    small = tutor.get(f"/tutor/groups/{group_id}").text
    assert "75%" not in small and "100% wrong" in section(small, "hardest-title")
    add_learners(app, group_id, dashboard.HARDEST_ON_DASHBOARD)
    big = tutor.get(f"/tutor/groups/{group_id}").text
    assert "% wrong" not in big
    assert f'href="/tutor/groups/{group_id}/hardest"' in section(big, "hardest-title")
    page = tutor.get(f"/tutor/groups/{group_id}/hardest")
    assert page.status_code == 200 and "100% wrong" in page.text and "2 of 2 answers, from 2 learners" in page.text


def test_a_tutor_cannot_page_into_or_download_another_tutors_group(app):
    tina = tutor_client(app)
    group_id, _ = make_group(tina)
    add_learners(app, group_id, 60)
    other = tutor_client(app, "otto", name="Otto Other")
    for path in ("", "?page=2", "?page=2&sort=active", "/hardest", "/export.csv"):
        assert other.get(f"/tutor/groups/{group_id}{path}").status_code == 404, path
    own_id, _ = make_group(other, "Otto's class")
    page = other.get(f"/tutor/groups/{own_id}?page=2").text
    assert "Nobody has joined yet" in page and "Learner 0000" not in page


def test_needs_help_lists_the_first_stuck_learners_and_says_how_many_there_are(app, monkeypatch):
    monkeypatch.setattr(dashboard, "STUCK_SHOWN", 2)
    course = course_of(app)
    tutor = tutor_client(app)
    group_id, code = make_group(tutor)
    question = questions(course, MODULE)[0]
    for name in ("Ann", "Bob", "Cat"):
        client = join(app, code, name)
        for _ in range(3):
            answer(client, question, wrong_fields(question))
    needing = section(tutor.get(f"/tutor/groups/{group_id}").text, "needs-help-title")
    assert "3 learners need help; the first 2 by name are listed here" in needing
    assert ">Ann</a>" in needing and ">Bob</a>" in needing and ">Cat</a>" not in needing


def test_a_summary_does_not_go_stale_as_days_pass_because_mastery_and_stuck_do_not_depend_on_the_date(app, monkeypatch):
    course = course_of(app)
    tutor = tutor_client(app)
    _, code = make_group(tutor)
    ann = join(app, code, "Ann Able")
    for question in questions(course, MODULE):
        answer(ann, question, right_fields(question))
    stuck_on = questions(course, OTHER)[0]
    for _ in range(3):
        answer(ann, stuck_on, wrong_fields(stuck_on))
    with app.app_context():
        today = recomputed()
        assert any(values[SUMMARY_FIELDS.index("mastered")] for values in today.values())
        later = utcnow() + timedelta(days=400)
        monkeypatch.setattr("app.tutor.summaries.utcnow", lambda: later)
        assert recomputed() == today, "a summary kept at the last step must still be true a year on"
