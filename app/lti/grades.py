"""Scores back to the VLE's gradebook (LTI Assignment and Grade Services), through a kept queue.

When a learner's mastery of a launched module changes, a score is queued in the same
transaction as the answer, then sent. A VLE that is down or slow does not lose it:
`flask lti send-scores` (run every few minutes from cron) retries with growing waits.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
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
from .models import LtiGradeLink, LtiPlatform, LtiScore
from .tool import ServiceConnector, ToolConf

MAX_TRIES = 12
FIRST_WAIT = timedelta(minutes=1)  # then 2, 4, 8 ... minutes, at most a day


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


def send_due(now: datetime | None = None, limit: int = 200, learner_id: int | None = None) -> tuple[int, int]:
    """Send queued scores that are due, oldest first; return (sent, failed). Only the newest per gradebook is sent."""
    now = now or utcnow()
    query = (select(LtiScore).where(LtiScore.sent_at.is_(None), LtiScore.next_try_at <= now,
                                    LtiScore.tries < MAX_TRIES)
             .order_by(LtiScore.grade_link_id, LtiScore.id.desc()))
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
