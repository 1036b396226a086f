"""`flask engine fit` reads answers in chunks and gives what a fit of everything in memory gives; stopping it is safe."""

from __future__ import annotations

import random
import shutil
from datetime import datetime, timedelta

import pytest

from app.extensions import db
from app.fitting import course_blocks
from app.models import AnswerRecord, Learner, LessonRead
from engine.fit import Event, fit_questions, fit_skill
from tests.conftest import CONTENT_DIR, make_app

SKILL = "strong-passwords"
LESSON = "make-a-strong-password"


def fill(app, learners: int, seed: int = 3) -> list[list[Event]]:
    """Store learners' lesson reads and answers for one skill; return the same as event lists, in time order."""
    course = app.extensions["course_store"].course
    from app.content import current_parameters

    questions = [q for q in course.questions.values() if q.skill == SKILL][:4]
    rng = random.Random(seed)
    start = datetime(2026, 11, 1, 9, 0)
    sequences = []
    with app.app_context():
        guesses = {q.id: current_parameters().guess_for(q) for q in questions}
        for n in range(learners):
            learner = Learner()
            db.session.add(learner)
            db.session.flush()
            knows = rng.random() < 0.4
            at = start + timedelta(hours=n)
            events = []
            if rng.random() < 0.5:
                db.session.add(LessonRead(learner_id=learner.id, lesson_id=LESSON, module_id="passwords", read_at=at))
                events.append(Event(at, lesson=True))
            for k in range(rng.randint(1, 8)):
                question = rng.choice(questions)
                when = at + timedelta(minutes=k + 1, days=rng.choice([0, 0, 0, 20]) * k)
                right = rng.random() < (0.9 if knows else 0.2)
                hints = rng.choice([0, 0, 1])
                db.session.add(AnswerRecord(learner_id=learner.id, question_id=question.id, module_id="passwords",
                                            skill_id=SKILL, kind=question.kind, response={}, given="x",
                                            correct=right, hints_used=hints, answered_at=when))
                events.append(Event(when, correct=right, guess=guesses[question.id], hints_used=hints,
                                    question_id=question.id))
                knows = knows or rng.random() < 0.2
            sequences.append(sorted(events, key=lambda e: (e.at, not e.lesson)))
        db.session.commit()
    return sequences


@pytest.fixture
def content(tmp_path):
    folder = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, folder)
    return folder


@pytest.fixture
def fit_app(tmp_path, database_url):
    """Return an app on the course folder itself, for a test that writes nothing there.

    Its parse of the course is shared with every other test; a copy would be parsed again.
    """
    yield from _app_on(tmp_path, database_url, CONTENT_DIR)


@pytest.fixture
def fit_app_on_a_copy(tmp_path, database_url, content):
    """Return an app on a copy of the course, for a test whose fit writes parameter files into it."""
    yield from _app_on(tmp_path, database_url, content)


def _app_on(tmp_path, database_url, content):
    app = make_app(tmp_path, database_url, CONTENT_DIR=str(content))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_a_table_many_chunks_long_fits_exactly_as_everything_in_memory(fit_app):
    in_memory = fill(fit_app, learners=90)
    with fit_app.app_context():
        from app.content import current_course, current_parameters

        params = current_parameters()
        blocks = course_blocks(current_course(), params, batch=7, group=5)[SKILL]
        streamed = fit_skill(SKILL, blocks, params.for_skill(SKILL))
        questions = fit_questions(blocks, streamed.params)
    assert len(blocks) >= 18, "the learners were read in many small groups"
    whole = fit_skill(SKILL, in_memory, params.for_skill(SKILL))
    assert (streamed.params, streamed.answers, streamed.learners) == (whole.params, whole.answers, whole.learners)
    assert streamed.log_likelihood == pytest.approx(whole.log_likelihood, rel=1e-9)
    assert questions == fit_questions(in_memory, whole.params) and questions


def test_a_fit_stopped_at_its_last_skill_leaves_every_file_as_it_was_and_running_it_again_writes_them(
        fit_app_on_a_copy, content, monkeypatch):
    fill(fit_app_on_a_copy, learners=40)
    target = content / "passwords" / "parameters.md"
    before = target.read_bytes() if target.exists() else None
    import engine.fit

    real, calls = engine.fit.fit_skill, []
    course = fit_app_on_a_copy.extensions["course_store"].course
    skills = sum(len(module.skills) for module in course.modules)

    def stopped_on_the_last_skill(*args):
        calls.append(args[0])
        if len(calls) == skills:
            raise KeyboardInterrupt
        return real(*args)
    monkeypatch.setattr(engine.fit, "fit_skill", stopped_on_the_last_skill)
    stopped = fit_app_on_a_copy.test_cli_runner().invoke(args=["engine", "fit"])
    assert isinstance(stopped.exception, KeyboardInterrupt) or stopped.exit_code != 0
    assert (target.read_bytes() if target.exists() else None) == before
    assert not [p for p in content.rglob(".parameters.md.*")], "no half-written file is left behind"

    monkeypatch.setattr(engine.fit, "fit_skill", real)
    again = fit_app_on_a_copy.test_cli_runner().invoke(args=["engine", "fit"])
    assert again.exit_code == 0, again.output
    assert "Fitting skills" in again.output and f"passwords/{SKILL}: prior " in again.output
    assert f"| {SKILL} |" in target.read_text() and target.stat().st_mode & 0o044 == 0o044


def test_each_skill_is_fitted_on_its_first_learners_and_reading_stops_after_the_sample(fit_app):
    in_memory = fill(fit_app, learners=60)
    read = []
    with fit_app.app_context():
        from app.content import current_course, current_parameters

        params = current_parameters()
        blocks = course_blocks(current_course(), params, most_learners=12, most_read=30, batch=5, group=4,
                               progress=read.append)
    answered = [events for events in in_memory if any(not e.lesson for e in events)]
    assert sum(block.learners for block in blocks[SKILL]) == 12
    first = fit_skill(SKILL, answered[:12], params.for_skill(SKILL))
    assert fit_skill(SKILL, blocks[SKILL], params.for_skill(SKILL)).log_likelihood == pytest.approx(
        first.log_likelihood, rel=1e-9), "the sample is the first learners, by number"
    assert len(read) == sum(1 for events in answered[:30] for e in events if not e.lesson), "30 learners read"
