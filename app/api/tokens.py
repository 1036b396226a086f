"""App tokens: the bearer tokens programs use to act as a learner, made, found and ended.

An app (a phone app, a college's own system) starts a learner with `POST /api/v1/learners` and
keeps the token it is given; only its hash is stored. A token is a session like a sign-in
cookie, so whatever ends a learner's sessions ends their tokens too: signing out (on every
device), finishing on a shared computer, a new password, deleting the account. No token is
ever made for a browser, so none is left behind on a library computer's browser; an app can
end its own token (`DELETE /api/v1/me/token`), and a learner can end any of theirs.
"""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import delete, select

from ..extensions import db
from ..models import ApiToken, Learner

# Ids this big are no token's, and PostgreSQL refuses to compare a bigint with them.
_LARGEST_ID = 2**63 - 1


def _hash(token: str) -> str:
    # A token is long and random, so a fast hash is enough: nobody can try them all.
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def issue(learner: Learner) -> str:
    """Give the learner a new token and return it, once (the caller commits)."""
    token = secrets.token_urlsafe(32)
    db.session.add(ApiToken(learner_id=learner.id, token_hash=_hash(token)))
    return token


def find(token: str) -> ApiToken | None:
    """Return the stored token this one is, or None if it was never made or has ended."""
    return db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _hash(token)))


def tokens_of(learner: Learner) -> list[ApiToken]:
    """Return the learner's tokens in force, oldest first."""
    return list(db.session.scalars(select(ApiToken).where(ApiToken.learner_id == learner.id)
                                   .order_by(ApiToken.id)))


def end(learner: Learner, token_id: int) -> bool:
    """End one of the learner's tokens; say whether there was one of theirs with that number."""
    if not 0 < token_id <= _LARGEST_ID:
        return False
    ended = db.session.execute(delete(ApiToken).where(ApiToken.id == token_id, ApiToken.learner_id == learner.id))
    db.session.commit()
    return ended.rowcount > 0


def end_all(learner: Learner) -> None:
    """End every token of the learner (the caller commits)."""
    if learner.id is None:
        return  # a learner not yet saved has no tokens
    # No flush first: this runs while a new password is being set, before the learner is saved.
    with db.session.no_autoflush:
        db.session.execute(delete(ApiToken).where(ApiToken.learner_id == learner.id)
                           .execution_options(synchronize_session=False))
