"""Sessions that can be ended: signing out, a new password or a deleted account ends them on every device.

Apps' API tokens are sessions too, and end with them (app/api/tokens.py).

A sign-in cookie (Flask's `session` and the year-long `remember_token`) holds the learner's
number and their session key (`Learner.get_id`). Giving the learner a new key makes every
cookie made before it useless, however it was copied.
"""

from __future__ import annotations

import hmac

from flask import Flask
from flask_login import login_user
from sqlalchemy import event

from ..api import tokens
from ..extensions import db, login_manager
from ..models import Learner, new_session_key

# Ids this big are no learner's, and PostgreSQL refuses to compare a bigint with them.
_LARGEST_ID = 2**63 - 1


def learner_for_cookie(cookie_id: str) -> Learner | None:
    """Return the learner a sign-in cookie names, or None if that session was ended."""
    number, _, key = cookie_id.partition(".")
    if not number.isdigit() or int(number) > _LARGEST_ID:
        return None
    learner = db.session.get(Learner, int(number))
    if learner is None:
        return None
    if learner.session_key is None:
        return learner if not key else None  # a cookie from before session keys, still in force
    return learner if hmac.compare_digest(key.encode(), learner.session_key.encode()) else None


def end_sessions(learner: Learner) -> None:
    """End every session and app token of this learner, on every device, this one too (the caller commits)."""
    learner.session_key = new_session_key()
    # An app signed in as the learner is one more device: signing out, finishing on a shared
    # computer or a new password must not leave it working.
    tokens.end_all(learner)


def end_other_sessions(learner: Learner) -> None:
    """End the learner's sessions on every other device, and keep this browser signed in."""
    end_sessions(learner)
    db.session.commit()
    login_user(learner, remember=not learner.is_staff)


@event.listens_for(Learner.password_hash, "set", active_history=True)
def _new_password_ends_sessions(learner: Learner, value, old_value, _initiator) -> None:
    # Whoever changes a password (the learner, or an admin resetting it) does so because someone
    # else may know the old one: their sessions must not outlive it. A first password (a guest
    # saving their account) replaces nothing, so the guest's own devices stay signed in.
    if isinstance(old_value, str) and value != old_value:
        end_sessions(learner)


def init_app(app: Flask) -> None:
    """Load the signed-in learner from their cookie, refusing cookies of ended sessions."""
    login_manager.user_loader(learner_for_cookie)
