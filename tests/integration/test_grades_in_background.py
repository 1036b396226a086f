"""Grades go to the VLE from the background worker: a slow or failing VLE never slows a learner's answer."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.lti.models import LtiScore
from tests.conftest import csrf_token, make_app
from tests.integration.test_learner_flow import course_of, right_fields
from tests.integration.test_lti import MODULE, launch, learner_launch, tool, vle  # noqa: F401 (fixtures)

VLE_DELAY = 3.0  # seconds the gradebook takes to answer: far longer than any answer may take


@pytest.fixture
def app(tmp_path, database_url):
    """Return an app whose background work waits in a real queue (a SQLite file) for a worker."""
    app = make_app(tmp_path, database_url, TASK_QUEUE=f"sqlite:///{tmp_path / 'tasks.db'}")
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def huey_of(app):
    return app.extensions["worker"].huey


def scores(app) -> tuple[int, int]:
    """Return how many scores are kept for VLEs, and how many of them are still waiting."""
    with app.app_context():
        kept = db.session.scalar(select(func.count()).select_from(LtiScore))
        waiting = db.session.scalar(select(func.count()).select_from(LtiScore).where(LtiScore.sent_at.is_(None)))
        return kept, waiting


def slow_gradebook(vle, seconds: float) -> None:
    """Make the VLE's gradebook take `seconds` to take each score."""
    take = vle.app.view_functions["scores"]

    def slowly(*args, **kwargs):
        time.sleep(seconds)
        return take(*args, **kwargs)
    vle.app.view_functions["scores"] = slowly


def answer_until_a_score_is_queued(app, client, most: int = 40) -> list[float]:
    """Answer the module's questions right, as a learner would, until one changes the score; return each time."""
    course = course_of(app)
    before, _ = scores(app)
    times = []
    for _ in range(most):
        location = client.get(f"/modules/{MODULE}/continue").location
        assert not location.endswith("#finished"), "the module ended before any answer changed the score"
        page = client.get(location)
        if location.startswith("/lessons/"):
            client.post(f"{location}/read", data={"csrf_token": csrf_token(page.text)})
            continue
        question = course.questions[location.rsplit("/", 1)[1]]
        started = time.perf_counter()
        response = client.post(location, data={**right_fields(question), "csrf_token": csrf_token(page.text)})
        times.append(time.perf_counter() - started)
        assert response.status_code == 302
        if scores(app)[0] > before:
            return times
    raise AssertionError(f"{most} right answers changed no score")


def test_a_slow_vle_never_slows_an_answer_and_a_running_worker_delivers_the_grade(tool, client, vle):  # noqa: F811
    slow_gradebook(vle, VLE_DELAY)
    started = time.perf_counter()
    assert launch(client, vle, learner_launch()).status_code == 302
    launch_seconds = time.perf_counter() - started
    times = answer_until_a_score_is_queued(tool, client)
    assert max(times) < VLE_DELAY / 2 and launch_seconds < VLE_DELAY, (times, launch_seconds)
    assert vle.scores == [] and scores(tool)[1] >= 2, "the grades waited for the worker"

    consumer = huey_of(tool).create_consumer(workers=2, worker_type="thread", periodic=False,
                                             initial_delay=0.05, max_delay=0.2)
    consumer._set_signal_handlers = lambda: None  # pytest keeps its own Ctrl-C
    consumer.start()
    try:
        deadline = time.monotonic() + 10 * VLE_DELAY
        while scores(tool)[1] and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        consumer.stop(graceful=True)
    assert scores(tool)[1] == 0, "the worker did not send every grade"
    with tool.app_context():
        newest = db.session.scalars(select(LtiScore).order_by(LtiScore.id.desc())).first()
    assert vle.scores and vle.scores[-1]["scoreGiven"] == pytest.approx(round(newest.score, 4))


def test_the_worker_retries_a_grade_the_vle_refuses_with_growing_waits(tool, client, vle):  # noqa: F811
    vle.fail_scores = 2
    assert launch(client, vle, learner_launch()).status_code == 302
    huey = huey_of(tool)
    task = huey.dequeue()
    assert task is not None and huey.dequeue() is None, "one grade task was queued by the launch"
    waits = []
    for _ in range(3):
        # What the worker does when a task falls due: time is moved on to then, as if it had waited.
        now = datetime.now(timezone.utc).replace(tzinfo=None)
        huey.execute(task, timestamp=max(task.eta or now, now))
        retries = huey.read_schedule(now + timedelta(days=2))
        if not retries:
            break
        (task,) = retries
        waits.append((task.eta - now).total_seconds())  # Huey counts the wait from the failure
    assert len(waits) == 2, "the VLE failed twice, so the grade was tried again twice"
    assert 55 <= waits[0] <= 65 and 115 <= waits[1] <= 125, waits
    assert len(vle.scores) == 1 and vle.scores[0]["scoreGiven"] == 0
    assert scores(tool)[1] == 0
