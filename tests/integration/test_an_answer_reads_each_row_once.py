"""An answer, on a page or through the API, reads each row it needs once, and the summary stays exactly right."""

from __future__ import annotations

from sqlalchemy import select

from app import services
from app.content import current_course
from app.extensions import db
from app.models import Learner, LearnerModuleState, LearnerSummary
from app.tutor.summaries import worked_out
from engine.progress import LearnerState
from tests.conftest import csrf_token
from tests.integration.sql_seen import Statements

LESSON = "make-a-strong-password"
QUESTION = "pw-hardest-to-guess"


def _answer_on_the_page(app, client, times: int) -> Statements:
    lesson = client.get(f"/lessons/{LESSON}").text
    client.post(f"/lessons/{LESSON}/read", data={"csrf_token": csrf_token(lesson)})
    with app.app_context():
        choices = [c.key for c in current_course().questions[QUESTION].choices]
    for n in range(times):  # the learner's summary exists after the first
        page = client.get(f"/questions/{QUESTION}").text
        client.post(f"/questions/{QUESTION}", data={"csrf_token": csrf_token(page), "choice": choices[n % 2]})
    page = client.get(f"/questions/{QUESTION}").text
    statements = Statements(app)
    try:
        sent = client.post(f"/questions/{QUESTION}", data={"csrf_token": csrf_token(page), "choice": choices[0]})
    finally:
        statements.close()
    assert sent.status_code == 302
    return statements


def test_an_answer_reads_the_learners_state_once_and_their_awards_only_to_award_them(app):
    statements = _answer_on_the_page(app, app.test_client(), 2)
    assert len(statements.reading("learner_module_states")) == 1, "the summary uses the state just saved"
    assert len(statements.reading("awards")) <= 1, "no award changed, so the summary's levels stand"
    assert len(statements.changing("learner_summaries")) == 1
    assert len(statements.seen) <= 10, statements.seen


def test_the_summary_kept_at_each_answer_equals_the_one_worked_out_from_the_record(app):
    client = app.test_client()
    _answer_on_the_page(app, client, 5)
    with app.app_context():
        kept = {(s.learner_id, s.module_id): s for s in db.session.scalars(select(LearnerSummary))}
        learner_ids = sorted({learner_id for learner_id, _ in kept})
        assert learner_ids
        again = worked_out(learner_ids)
        assert kept.keys() == again.keys()
        for key, summary in kept.items():
            for name in ("started", "level", "mastered", "answers", "stuck_skills", "stuck", "mixups"):
                assert getattr(summary, name) == getattr(again[key], name), name


def test_a_state_changed_after_it_was_saved_is_read_again_at_the_commit(app):
    with app.test_request_context():
        learner = Learner()
        db.session.add(learner)
        db.session.flush()
        module = current_course().modules[0]
        services.choose_start(learner, module, lessons_first=True)  # the commit forgets what was saved
        row = db.session.scalar(select(LearnerModuleState).where(LearnerModuleState.learner_id == learner.id))
        services._save_state(learner, LearnerState(module.id).choosing(False), row)
        db.session.flush()
        assert services.saved_state(db.session, learner.id, module.id)[0] is row
        row.state = LearnerState(module.id).choosing(True).as_dict()  # stored another way since
        assert services.saved_state(db.session, learner.id, module.id) is None
        db.session.commit()
        assert services.saved_state(db.session, learner.id, module.id) is None


def test_an_answer_through_the_api_does_not_read_its_own_row_back(app):
    client = app.test_client()
    token = {"Authorization": f"Bearer {client.post('/api/v1/learners').json['token']}"}
    statements = Statements(app)
    try:
        sent = client.post(f"/api/v1/questions/{QUESTION}/answers", json={"choice": "a"}, headers=token)
    finally:
        statements.close()
    assert sent.status_code == 201, sent.json
    assert isinstance(sent.json["answer_id"], int) and sent.json["given"] and sent.json["helped"] is False
    # (A first answer's new summary counts the learner's answers: that reads when each was given, not the row.)
    reloads = [s for s in statements.reading("answers") if "answers.given" in s]
    assert not reloads, "the answer's number, what was given and help are kept from before the commit"
