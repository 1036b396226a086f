"""Scores back to the VLE's gradebook (LTI Assignment and Grade Services), through a kept queue.

When a learner's mastery of a launched module changes, a score is kept in the same
transaction as the answer, and the background worker (`flask worker`) is asked to send it,
so a VLE that is down or slow never holds a learner up. If the VLE fails, the worker tries
again with growing waits (Huey's retries); its sweep every few minutes, or
`flask lti send-scores`, sends anything still waiting, such as scores queued while the
worker's queue was out of reach.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from huey import crontab
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.grade import Grade
from pylti1p3.lineitem import LineItem
from sqlalchemy import select

from engine.model import Module
from engine.progress import LearnerState
from engine.scoring import module_score

from ..content import current_parameters
from ..extensions import db
from ..models import Learner, utcnow
from ..worker import background
from .models import LtiGradeLink, LtiPlatform, LtiScore
from .tool import ServiceConnector, ToolConf

MAX_TRIES = 12
FIRST_WAIT = timedelta(minutes=1)  # then 2, 4, 8 ... minutes, at most a day


class ScoreNotSent(Exception):
    """A VLE did not take a score: raised in the worker so that Huey tries again later."""


@background(retries=MAX_TRIES, retry_delay=int(FIRST_WAIT.total_seconds()), retry_backoff=2)
def send_learner_scores(learner_id: int) -> None:
    """Send a learner's waiting scores now, whenever they were due; raise if any failed, to be tried again."""
    sent, failed = send_due(learner_id=learner_id, due_only=False)
    if failed:
        raise ScoreNotSent(f"{failed} score(s) for learner {learner_id} not sent; trying again later")


@background(periodic=crontab(minute="*/5"))
def sweep_scores() -> None:
    """Send every score that is due, and clear expired LTI values: what `flask lti send-scores` does."""
    from .tool import DatabaseStorage

    send_due()
    DatabaseStorage.clear_expired()


def queue_score(learner: Learner, module: Module, state: LearnerState, now: datetime) -> list[LtiScore]:
    """Queue the learner's score in a module for every gradebook it goes to, if it changed (the caller commits)."""
    links = db.session.scalars(select(LtiGradeLink).where(LtiGradeLink.learner_id == learner.id,
                                                          LtiGradeLink.module_id == module.id)).all()
    if not links:
        return []
    score = module_score(module, state, current_parameters(), now)
    queued = []
    for link in links:
        if link.last_score is not None and abs(link.last_score - score.fraction) < 1e-9:
            continue
        link.last_score = score.fraction
        row = LtiScore(grade_link_id=link.id, score=score.fraction,
                       activity_progress="Completed" if score.complete else "InProgress",
                       grading_progress="FullyGraded" if score.complete else "Pending", next_try_at=now)
        db.session.add(row)
        queued.append(row)
    return queued


def send_due(now: datetime | None = None, limit: int = 200, learner_id: int | None = None,
             due_only: bool = True) -> tuple[int, int]:
    """Send queued scores that are due, oldest first; return (sent, failed). Only the newest per gradebook is sent.

    `due_only=False` sends waiting scores whatever their next try time: the worker's own retries keep time then.
    """
    now = now or utcnow()
    query = (select(LtiScore).where(LtiScore.sent_at.is_(None), LtiScore.tries < MAX_TRIES)
             .order_by(LtiScore.grade_link_id, LtiScore.id.desc()))
    if due_only:
        query = query.where(LtiScore.next_try_at <= now)
    if learner_id is not None:
        query = query.join(LtiGradeLink).where(LtiGradeLink.learner_id == learner_id)
    sent = failed = 0
    seen: set[int] = set()
    conf = None
    for row in db.session.scalars(query.limit(limit)).all():
        if row.grade_link_id in seen:
            row.sent_at = now  # a newer score for the same gradebook replaces this one
            row.last_error = "replaced by a newer score"
            continue
        seen.add(row.grade_link_id)
        link = db.session.get(LtiGradeLink, row.grade_link_id)
        platform = db.session.get(LtiPlatform, link.platform_id)
        conf = conf or ToolConf()
        try:
            _send(conf, platform, link, row, now)
        except Exception as exc:  # any failure: keep it queued and try again later
            row.tries += 1
            row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            row.next_try_at = now + min(FIRST_WAIT * 2 ** (row.tries - 1), timedelta(days=1))
            failed += 1
            current_app.logger.warning("lti: score for learner %s in %s not sent (try %s): %s",
                                       link.learner_id, link.module_id, row.tries, row.last_error)
        else:
            row.sent_at = now
            row.tries += 1
            sent += 1
    db.session.commit()
    return sent, failed


def _send(conf: ToolConf, platform: LtiPlatform, link: LtiGradeLink, row: LtiScore, now: datetime) -> None:
    registration = conf.find_registration_by_params(platform.issuer, platform.client_id)
    service = AssignmentsGradesService(ServiceConnector(registration), link.endpoint)
    grade = (Grade().set_score_given(round(row.score, 4)).set_score_maximum(1)
             .set_activity_progress(row.activity_progress).set_grading_progress(row.grading_progress)
             .set_timestamp(now.strftime("%Y-%m-%dT%H:%M:%S+00:00")).set_user_id(link.sub))
    service.put_grade(grade, LineItem({"id": link.lineitem}))
