"""A learner's postcode district (the first half of a postcode, like L20), kept only if they give it.

Only the district is ever kept, never a full postcode, so a report by area names no street.
"""

from __future__ import annotations

import re

from sqlalchemy import delete, select

from ..auth.accounts import AccountError
from ..extensions import db
from ..models import Learner, utcnow
from ..employer.models import LearnerArea

# A UK outward code: one or two letters, a digit, then maybe a letter or digit (M1, L20, SW1A, EC1A).
DISTRICT = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")
# A full postcode: an outward code then a digit and two letters (L20 3AB).
FULL_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?\s*[0-9][A-Z]{2}$")


def clean_district(text: str) -> str:
    """Return a postcode district as typed, in capitals, or raise AccountError saying what to change."""
    typed = " ".join(text.upper().split())
    if FULL_POSTCODE.match(typed):
        raise AccountError("district", "Give only the first part of your postcode, like L20, not all of it")
    district = typed.replace(" ", "")
    if not DISTRICT.match(district):
        raise AccountError("district", "Enter the first part of a UK postcode, like L20 or M1")
    return district


def district_of(learner: Learner | None) -> str | None:
    """Return the postcode district a learner gave, or None."""
    if learner is None or learner.id is None:
        return None
    return db.session.scalar(select(LearnerArea.district).where(LearnerArea.learner_id == learner.id))


def set_district(learner: Learner, text: str) -> None:
    """Keep the learner's postcode district; an empty box forgets it."""
    if not text.strip():
        db.session.execute(delete(LearnerArea).where(LearnerArea.learner_id == learner.id))
        db.session.commit()
        return
    district = clean_district(text)
    row = db.session.scalar(select(LearnerArea).where(LearnerArea.learner_id == learner.id))
    if row is None:
        db.session.add(LearnerArea(learner_id=learner.id, district=district))
    else:
        row.district, row.given_at = district, utcnow()
    db.session.commit()
