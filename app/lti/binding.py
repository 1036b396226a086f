"""Tie each launch to the login that asked for it: the same browser, the same VLE, the same nonce, once.

The 1EdTech security framework asks a tool to accept an id_token only in the browser
that started its login, for the platform it started with. The `state` and the `nonce`
travel through the VLE and sit in the launch form, so anyone holding that form knows
them; what they cannot have is the random cookie the login left in the right browser.
So each login is kept as one row (state, nonce, issuer, client, deployment, and a hash
of that cookie), and a launch must match every part of it, once.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import timedelta

import jwt
from flask import request
from sqlalchemy import delete, update

from ..extensions import db
from ..models import utcnow
from .models import LtiLogin, LtiUsedNonce

LOGIN_MINUTES = 10
MAX_VALUE = 4096  # a login parameter longer than this (Canvas's message hint is about 1 KB) is refused
MAX_TOKEN = 32 * 1024
# What a VLE sends to start a login, kept so the same login can start again in a new window.
LOGIN_PARAMS = ("iss", "login_hint", "target_link_uri", "lti_message_hint", "client_id", "lti_deployment_id")
DEPLOYMENT_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/deployment_id"
_STATE = re.compile(r"[A-Za-z0-9_.-]{1,100}")


class BadLogin(Exception):
    """A login request with a value no VLE sends (a NUL byte, a huge value, not text)."""


class Refused(Exception):
    """A launch that does not match its login. `reason` says how; `login` is the login its state names."""

    def __init__(self, reason: str, login: LtiLogin | None = None):
        super().__init__(reason)
        self.reason = reason
        self.login = login


def _clean(value: object, limit: int = MAX_VALUE) -> str:
    if not isinstance(value, str) or "\x00" in value or len(value) > limit:
        raise BadLogin(f"unusable value of {len(str(value))} characters")
    return value


def login_params() -> dict[str, str]:
    """Return the login request's parameters; refuse any with NUL bytes or of absurd length."""
    params = {}
    for name in LOGIN_PARAMS:
        values = request.values.getlist(name)
        if len(values) > 1:
            raise BadLogin(f"{name} given {len(values)} times")
        if values and values[0]:
            params[name] = _clean(values[0])
    return params


def _browser_hash(browser: str) -> str:
    return hashlib.sha256(browser.encode()).hexdigest()


def remember(*, state: str, nonce: str, issuer: str, client_id: str, deployment_id: str | None,
             restart: dict, browser: str) -> LtiLogin:
    """Keep a login begun in this browser, for the launch that ends it."""
    login = LtiLogin(state=state, browser=_browser_hash(browser), nonce=nonce, issuer=issuer, client_id=client_id,
                     deployment_id=deployment_id, restart=restart,
                     expires_at=utcnow() + timedelta(minutes=LOGIN_MINUTES))
    db.session.add(login)
    db.session.commit()
    return login


def forget_expired() -> int:
    """Delete expired logins and used nonces; return how many went."""
    now = utcnow()
    gone = 0
    for model in (LtiLogin, LtiUsedNonce):
        gone += db.session.execute(delete(model).where(model.expires_at < now)).rowcount or 0
    db.session.commit()
    return gone


def _claims(id_token: str) -> dict:
    """Return the id_token's claims unchecked: only to compare with the login (the library checks the signature)."""
    try:
        claims = jwt.decode(id_token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return {}
    return claims if isinstance(claims, dict) else {}


def _matches(login: LtiLogin, id_token: object) -> bool:
    """Say whether a token names the login's nonce, issuer, client and deployment."""
    if not isinstance(id_token, str) or len(id_token) > MAX_TOKEN or "\x00" in id_token:
        return False
    claims = _claims(id_token)
    audience = claims.get("aud")
    audiences = [audience] if isinstance(audience, str) else audience if isinstance(audience, list) else []
    return (claims.get("nonce") == login.nonce and claims.get("iss") == login.issuer
            and login.client_id in audiences
            and (len(audiences) == 1 or claims.get("azp") == login.client_id)
            and (login.deployment_id is None or claims.get(DEPLOYMENT_CLAIM) == login.deployment_id))


def check(state: object, id_token: object, browser: str | None) -> LtiLogin:
    """Return the login a launch ends, if it was begun in this browser for this token's VLE and nonce."""
    if not isinstance(state, str) or not _STATE.fullmatch(state):
        raise Refused("no login")
    login = db.session.get(LtiLogin, state)
    if login is None or login.expires_at < utcnow():
        raise Refused("no login")
    if login.used_at is not None:
        raise Refused("used", login)
    if not _matches(login, id_token):
        raise Refused("does not match", login)
    # Only a launch that truly ends this login learns that its cookies were lost, and how to start again.
    if browser is None:
        raise Refused("no cookies", login)
    if not hmac.compare_digest(_browser_hash(browser), login.browser):
        raise Refused("other browser", login)
    return login


def use(login: LtiLogin) -> None:
    """Mark a login used, in the launch's transaction; refuse it if another request used it first."""
    result = db.session.execute(update(LtiLogin).where(LtiLogin.state == login.state, LtiLogin.used_at.is_(None))
                                .values(used_at=utcnow()).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise Refused("used", login)
