"""Sending a practice task's page as a learner would, and reading back the answer record it leaves."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import AnswerRecord
from tests.conftest import csrf_token


def send(client, page: str, fields: dict):
    """Open a task's page and send its form with these fields, as a browser would."""
    form = client.get(page)
    assert form.status_code == 200
    return client.post(page, data={**fields, "csrf_token": csrf_token(form.text)})


def records(app) -> list[AnswerRecord]:
    """Return every row of the answer record, oldest first."""
    with app.app_context():
        return list(db.session.scalars(select(AnswerRecord).order_by(AnswerRecord.id)))
