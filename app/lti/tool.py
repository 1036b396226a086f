"""This site as an LTI 1.3 tool: the registered platforms, its cookies, launch storage and launch check.

PyLTI1p3 (the `pylti1p3next` distribution) does the protocol. This module gives it
what it asks for: a tool configuration read from the `lti_platforms` table (with the
key pair of signing_key.py), and a launch data store in the database, so the session
cookie stays small and a launch's state outlives a cross-site redirect.
"""

from __future__ import annotations

import json
import re
import typing as t
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import jwt
from flask import current_app
from pylti1p3.contrib.flask import FlaskCookieService, FlaskMessageLaunch, FlaskRequest
from pylti1p3.contrib.flask.service_connector import FlaskServiceConnector
from pylti1p3.deployment import Deployment
from pylti1p3.exception import LtiMessageValidationException
from pylti1p3.launch_data_storage.base import LaunchDataStorage
from pylti1p3.registration import Registration
from pylti1p3.tool_config.abstract import ToolConfAbstract
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from ..models import utcnow
from .models import LtiLogin, LtiPlatform, LtiStoredValue, LtiUsedNonce
from .signing_key import private_key_pem, public_key_pem

# --- the registered platforms ------------------------------------------------------------


def origin(url: str) -> str:
    """Return the origin of an address: scheme, host and port."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def platform_origins() -> list[str]:
    """Return the origins of the registered VLEs, which may show the site in a frame (cached briefly)."""
    cache = current_app.extensions.setdefault("lti_origins", {"at": datetime.min, "origins": []})
    now = utcnow()
    if now - cache["at"] > timedelta(seconds=30):
        # The issuer is usually the VLE's own address; its login page may be on another host.
        try:
            urls = [u for row in db.session.execute(select(LtiPlatform.issuer, LtiPlatform.auth_login_url))
                    for u in row]
        except SQLAlchemyError:  # no tables yet (before `flask db upgrade`): no VLE may frame the site
            db.session.rollback()
            urls = []
        cache["origins"] = sorted({origin(url) for url in urls if url.startswith(("https://", "http://"))})
        cache["at"] = now
    return cache["origins"]


def forget_platform_origins() -> None:
    """Drop the cached list of VLE origins after a platform is added or changed."""
    current_app.extensions.pop("lti_origins", None)


def find_platform(issuer: str, client_id: str | None = None) -> LtiPlatform | None:
    """Return the platform registered with this issuer (and client id, if given)."""
    query = select(LtiPlatform).where(LtiPlatform.issuer == issuer)
    if client_id:
        query = query.where(LtiPlatform.client_id == client_id)
    return db.session.scalars(query.order_by(LtiPlatform.id)).first()


class ToolConf(ToolConfAbstract):
    """The tool configuration PyLTI1p3 reads: platforms from the database, one key pair for all."""

    def __init__(self) -> None:
        super().__init__()
        self._private = private_key_pem()
        self._public = public_key_pem()

    def _registration(self, platform: LtiPlatform) -> Registration:
        registration = Registration()
        (registration.set_issuer(platform.issuer).set_client_id(platform.client_id)
         .set_auth_login_url(platform.auth_login_url).set_auth_token_url(platform.auth_token_url)
         .set_key_set_url(platform.key_set_url).set_tool_private_key(self._private)
         .set_tool_public_key(self._public))
        if platform.auth_audience:
            registration.set_auth_audience(platform.auth_audience)
        return registration

    def check_iss_has_one_client(self, iss: str) -> bool:
        """Say whether an issuer has exactly one registration here."""
        return len(db.session.scalars(select(LtiPlatform.id).where(LtiPlatform.issuer == iss)).all()) == 1

    def check_iss_has_many_clients(self, iss: str) -> bool:
        """Say whether an issuer has several registrations here (told apart by client id)."""
        return len(db.session.scalars(select(LtiPlatform.id).where(LtiPlatform.issuer == iss)).all()) > 1

    def find_registration_by_issuer(self, iss: str, *args, **kwargs) -> Registration | None:
        """Return the registration of an issuer, or None."""
        platform = find_platform(iss)
        return self._registration(platform) if platform else None

    def find_registration_by_params(self, iss: str, client_id: str, *args, **kwargs) -> Registration | None:
        """Return the registration of an issuer and client id, or None."""
        platform = find_platform(iss, client_id)
        return self._registration(platform) if platform else None

    def find_deployment(self, iss: str, deployment_id: str) -> Deployment | None:
        """Return a deployment the issuer registered, or None."""
        return self._deployment(find_platform(iss), deployment_id)

    def find_deployment_by_params(self, iss: str, deployment_id: str, client_id: str, *args,
                                  **kwargs) -> Deployment | None:
        """Return a deployment of an issuer and client id, or None."""
        return self._deployment(find_platform(iss, client_id), deployment_id)

    @staticmethod
    def _deployment(platform: LtiPlatform | None, deployment_id: str) -> Deployment | None:
        if platform is None or deployment_id not in (platform.deployment_ids or []):
            return None
        return Deployment().set_deployment_id(deployment_id)


# --- launch storage -----------------------------------------------------------------------


BROWSER_COOKIE = "session-id"  # PyLTI1p3 sends it as `lti1p3-session-id`
_COOKIE_VALUE = re.compile(r"[A-Za-z0-9_.-]{1,100}")


class ToolCookies(FlaskCookieService):
    """PyLTI1p3's cookies: odd values read as missing, and flags that let them into a VLE's frame."""

    def get_cookie(self, name: str) -> str | None:
        """Return one of the tool's cookies, or None if it is missing or not a value the tool sets."""
        value = super().get_cookie(name)
        return value if isinstance(value, str) and _COOKIE_VALUE.fullmatch(value) else None

    def update_response(self, response) -> None:
        """Set the cookies so they reach the tool inside a frame exactly when the sign-in session does.

        SameSite=None (and Secure) only when EMBEDDED_COOKIES gives the session cookie the same,
        and never Partitioned: if the session cannot live in the VLE's frame, the launch must
        not pass there either, but offer a new window, rather than open a module signed out.
        Otherwise no SameSite at all, which browsers still send with the VLE's top-level post
        that follows the login in a new window.
        """
        secure = bool(self._request.is_secure() or current_app.config.get("SESSION_COOKIE_SECURE"))
        embedded = secure and current_app.config.get("SESSION_COOKIE_SAMESITE") == "None"
        for key, data in self._cookie_data_to_set.items():
            response.set_cookie(key, str(data["value"]), max_age=data["exp"], path="/", httponly=True,
                                secure=secure, samesite="None" if embedded else None)


def browser_id() -> str | None:
    """Return this browser's LTI cookie (a random id the login sets), or None if it did not send one."""
    return ToolCookies(FlaskRequest()).get_cookie(BROWSER_COOKIE)


class DatabaseStorage(LaunchDataStorage):
    """Keep PyLTI1p3's state, nonces and launch data in the database, not in the session cookie.

    Every key is kept under the browser's own random id (the `lti1p3-session-id` cookie),
    so a nonce or a launch is found only from the browser that started the login.
    """

    _lifetime = 24 * 3600
    _session_cookie_name = BROWSER_COOKIE

    def can_set_keys_expiration(self) -> bool:
        """Say that keys can expire."""
        return True

    def set_session_id(self, session_id: str) -> None:
        """Keep the browser's id, if it is one the tool could have set."""
        self._session_id = session_id if _COOKIE_VALUE.fullmatch(session_id or "") else None

    def get_value(self, key: str) -> t.Any:
        """Return a stored value, or None if it is missing or expired."""
        row = db.session.get(LtiStoredValue, self._prepare_key(key)[:255])
        if row is None or row.expires_at < utcnow():
            return None
        return row.value

    def set_value(self, key: str, value: t.Any, exp: int | None = None) -> None:
        """Store a value until it expires."""
        expires = utcnow() + timedelta(seconds=exp or self._lifetime)
        row = {"key": self._prepare_key(key)[:255], "value": json.loads(json.dumps(value)), "expires_at": expires}
        # One statement that inserts or replaces: the same launch posted twice at once (a double
        # click) stores the same keys from two requests, and neither may fail.
        insert = {"postgresql": postgresql_insert, "sqlite": sqlite_insert}[db.session.get_bind().dialect.name]
        statement = insert(LtiStoredValue).values(**row)
        db.session.execute(statement.on_conflict_do_update(
            index_elements=[LtiStoredValue.key],
            set_={"value": statement.excluded.value, "expires_at": statement.excluded.expires_at}))
        db.session.commit()

    def check_value(self, key: str) -> bool:
        """Say whether a value is stored and not expired."""
        return self.get_value(key) is not None

    @staticmethod
    def clear_expired() -> int:
        """Delete expired values, used nonces and logins; return how many went."""
        now = utcnow()
        gone = 0
        for model in (LtiStoredValue, LtiUsedNonce, LtiLogin):
            gone += db.session.execute(delete(model).where(model.expires_at < now)).rowcount or 0
        db.session.commit()
        return gone


CLOCK_LEEWAY = 60  # seconds a VLE's clock may be ahead of or behind ours


class ToolLaunch(FlaskMessageLaunch):
    """PyLTI1p3's launch check, with the token's expiry and issue time required (it asks for neither)."""

    def validate_jwt_signature(self) -> "ToolLaunch":
        """Check the id_token's signature, its `exp` and its `iat`, allowing a little clock difference."""
        public_key, algorithm = self.get_public_key()
        try:
            jwt.decode(self._get_id_token(), public_key, algorithms=[algorithm], leeway=CLOCK_LEEWAY,
                       options={"verify_aud": False, "require": ["exp", "iat", "iss", "aud", "nonce"]})
        except jwt.InvalidTokenError as exc:
            raise LtiMessageValidationException(f"Can't decode id_token: {exc}") from exc
        return self


class ServiceConnector(FlaskServiceConnector):
    """Talks to a VLE's services (grades), with a short time-out so a slow VLE cannot hold a learner up."""

    def __init__(self, registration: Registration):
        super().__init__(registration)
        self._requests_session.request = _with_timeout(self._requests_session.request)


def _with_timeout(request, seconds: float = 5.0):
    """Wrap a requests call so it gives up after `seconds`."""
    def call(method, url, **kwargs):
        kwargs.setdefault("timeout", seconds)
        return request(method, url, **kwargs)
    return call
