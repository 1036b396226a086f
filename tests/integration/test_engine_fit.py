"""`flask engine fit` refits each skill from the stored answers and the app uses the result."""

from __future__ import annotations

import random
import shutil
from datetime import datetime, timedelta

from app.extensions import db
from app.models import AnswerRecord, Learner, LessonRead
from tests.conftest import CONTENT_DIR, make_app


def test_engine_fit_writes_parameters_the_app_then_uses(tmp_path, database_url):
    content = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, content)
    app = make_app(tmp_path, database_url, CONTENT_DIR=str(content))
    course = app.extensions["course_store"].course
    skill = "strong-passwords"
    questions = [q for q in course.questions.values() if q.skill == skill and q.kind == "typed"][:3]
    assert len(questions) >= 2
    rng = random.Random(11)
    start = datetime(2026, 11, 1, 9, 0)
    with app.app_context():
        for n in range(40):
            learner = Learner()
            db.session.add(learner)
            db.session.flush()
            knows = rng.random() < 0.7  # most of these learners already know the skill
            at = start + timedelta(hours=n)
            db.session.add(LessonRead(learner_id=learner.id, lesson_id="make-a-strong-password",
                                      module_id="passwords", read_at=at))
            for k, question in enumerate(questions):
                right = rng.random() < (0.92 if knows else 0.05)
                db.session.add(AnswerRecord(learner_id=learner.id, question_id=question.id, module_id="passwords",
                                            skill_id=skill, kind=question.kind, response={"typed": "x"},
                                            given="x", correct=right, answered_at=at + timedelta(minutes=k + 1)))
        db.session.commit()

    result = app.test_cli_runner().invoke(args=["engine", "fit"])
    assert result.exit_code == 0, result.output
    answers = 40 * len(questions)
    assert f"passwords/{skill}: prior " in result.output
    assert f"from {answers} answers by 40 learners" in result.output
    assert "passwords/spot-scams: 0 answers from 0 learners, too few to fit; settings kept" in result.output
    written = (content / "passwords" / "parameters.md").read_text()
    assert f"| strong-passwords | {answers} | 40 | yes |" in written

    check = app.test_cli_runner().invoke(args=["content", "check", "--strict", str(content)])
    assert check.exit_code == 0, check.output
    fresh = make_app(tmp_path, database_url, CONTENT_DIR=str(content))
    with fresh.app_context():
        from app.content import current_parameters

        prior = current_parameters().for_skill(skill).prior
    assert prior >= 0.4, "most learners knew the skill before its lesson, so the fitted prior is high"
    for engine in (app, fresh):
        with engine.app_context():
            db.session.remove()
            db.engine.dispose()
