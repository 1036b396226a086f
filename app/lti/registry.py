"""Registering VLEs: by hand (CLI or admin page) or by LTI Dynamic Registration from one link."""

from __future__ import annotations

import requests
from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from pylti1p3.dynamic_registration import DynamicRegistration
from sqlalchemy import select

from ..urls import public_url
from ..extensions import db
from .models import LtiPlatform
from .tool import _with_timeout, forget_platform_origins, origin, platform_origins

FORM_FIELDS = ("name", "issuer", "client_id", "auth_login_url", "auth_token_url", "key_set_url",
               "deployment_ids", "auth_audience")
REGISTRATION_LINK_DAYS = 1
TOOL_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-tool-configuration"
PLATFORM_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-platform-configuration"
AGS_SCOPES = ["https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
              "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
              "https://purl.imsglobal.org/spec/lti-ags/scope/score"]


class PlatformError(Exception):
    """A platform's settings cannot be used; the message says which and why."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def _text(field: str, value: object, limit: int) -> str:
    """Return a setting as trimmed text; refuse one that is not text, too long, or holds a NUL byte."""
    if not isinstance(value, str):
        raise PlatformError(field, f"The {field.replace('_', ' ')} must be text")
    value = value.strip()
    if len(value) > limit or "\x00" in value:
        raise PlatformError(field, f"The {field.replace('_', ' ')} must be at most {limit} characters, "
                                   "with no hidden characters")
    return value


def _url(field: str, value: object, limit: int = 500) -> str:
    value = _text(field, value, limit)
    if not value.startswith(("https://", "http://")) or " " in value:
        raise PlatformError(field, f"The {field.replace('_', ' ')} must be a web address starting https://")
    return value


def add_platform(*, name: str, issuer: str, client_id: str, auth_login_url: str, auth_token_url: str,
                 key_set_url: str, deployment_ids, auth_audience: str = "") -> LtiPlatform:
    """Register a VLE (or add deployments to one registered already) and return it."""
    if isinstance(deployment_ids, str):
        deployment_ids = [d for d in deployment_ids.replace(",", " ").split() if d]
    client_id = _text("client_id", client_id, 255)
    if not client_id:
        raise PlatformError("client_id", "Enter the client ID the VLE gave Skills Passport")
    deployment_ids = [_text("deployment_ids", str(d), 255) for d in deployment_ids or []][:100]
    if not deployment_ids:
        raise PlatformError("deployment_ids", "Enter at least one deployment ID from the VLE")
    issuer = _url("issuer", issuer, 255)
    values = dict(name=(_text("name", name, 1000) or origin(issuer))[:100],
                  auth_login_url=_url("auth_login_url", auth_login_url),
                  auth_token_url=_url("auth_token_url", auth_token_url), key_set_url=_url("key_set_url", key_set_url),
                  auth_audience=_text("auth_audience", auth_audience or "", 500) or None)
    platform = db.session.scalar(select(LtiPlatform).where(LtiPlatform.issuer == issuer,
                                                           LtiPlatform.client_id == client_id))
    if platform is None:
        platform = LtiPlatform(issuer=issuer, client_id=client_id, deployment_ids=[], **values)
        db.session.add(platform)
    else:
        for key, value in values.items():
            setattr(platform, key, value)
    platform.deployment_ids = sorted(set(platform.deployment_ids or []) | {str(d) for d in deployment_ids})
    db.session.commit()
    forget_platform_origins()
    return platform


def all_platforms() -> list[LtiPlatform]:
    """Return the registered VLEs."""
    return list(db.session.scalars(select(LtiPlatform).order_by(LtiPlatform.name)))


def frame_ancestors() -> list[str]:
    """Return the origins allowed to frame the site: those configured, and the registered VLEs."""
    return sorted(set(current_app.config.get("FRAME_ANCESTORS") or []) | set(platform_origins())) or ["'none'"]


def tool_settings() -> dict:
    """Return what a VLE administrator types in to add the tool by hand."""
    return {"Tool URL (target link URI)": public_url("lti.launch"),
            "Initiate login URL": public_url("lti.login"),
            "Redirection URI": public_url("lti.launch"),
            "Public keyset URL (JWKS)": public_url("lti.keys"),
            "Deep linking URL": public_url("lti.launch")}


# --- Dynamic Registration -----------------------------------------------------------------------


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="lti-dynamic-registration")


def registration_url() -> str:
    """Return a link an admin pastes into a VLE to register the tool; it works for a day."""
    return public_url("lti.register", token=_serializer().dumps("register"))


def check_registration_token(token: str) -> bool:
    """Say whether a registration link's token is ours and not expired."""
    try:
        return _serializer().loads(token, max_age=REGISTRATION_LINK_DAYS * 86400) == "register"
    except BadSignature:
        return False


class ToolRegistration(DynamicRegistration):
    """PyLTI1p3's Dynamic Registration, filled in with this site's addresses and saving the platform."""

    client_name = "Skills Passport"
    description = "Adaptive lessons in essential digital skills, with a Digital Skills Passport."

    def __init__(self, openid_configuration: str, registration_token: str | None):
        self._configuration_url = openid_configuration
        self._token = registration_token
        self.platform: LtiPlatform | None = None

    def get_request_session(self):
        """Return an HTTP session that gives up on a VLE that does not answer."""
        session = super().get_request_session()
        session.request = _with_timeout(session.request, 15.0)
        return session

    def get_openid_configuration_endpoint(self) -> str:
        """Return the VLE's OpenID configuration address, as it gave it."""
        return self._configuration_url

    def get_registration_token(self) -> str | None:
        """Return the VLE's registration token, as it gave it."""
        return self._token

    def get_initiate_login_uri(self) -> str:
        """Return the tool's login address."""
        return public_url("lti.login")

    def get_jwks_uri(self) -> str:
        """Return the tool's key set address."""
        return public_url("lti.keys")

    def get_redirect_uris(self) -> list[str]:
        """Return where the VLE may send launches."""
        return [public_url("lti.launch")]

    def get_domain(self) -> str:
        """Return the tool's host name."""
        return origin(public_url("lti.launch")).split("://", 1)[1]

    def get_target_link_uri(self) -> str:
        """Return the tool's launch address."""
        return public_url("lti.launch")

    def get_scopes(self) -> list[str]:
        """Ask for the grade services."""
        return AGS_SCOPES

    def get_claims(self) -> list[str]:
        """Ask for who the person is, so tutors see names."""
        return ["iss", "sub", "name", "given_name", "family_name"]

    def get_messages(self) -> list[dict]:
        """Offer deep linking, so a teacher picks a module from a list."""
        return [{"type": "LtiDeepLinkingRequest", "target_link_uri": public_url("lti.launch"),
                 "label": "Skills Passport module"}]

    def get_logo_uri(self) -> str:
        """Return the tool's logo."""
        return public_url("badges.art", level="gold")

    def complete_registration(self, openid_configuration: dict, openid_registration: dict) -> LtiPlatform:
        """Save the VLE that registered, from its configuration and our registration there."""
        tool = openid_registration[TOOL_CONFIGURATION]
        deployment = tool.get("deployment_id")
        self.platform = add_platform(
            name=openid_configuration.get(PLATFORM_CONFIGURATION, {}).get("product_family_code")
            or origin(openid_configuration["issuer"]),
            issuer=openid_configuration["issuer"], client_id=str(openid_registration["client_id"]),
            auth_login_url=openid_configuration["authorization_endpoint"],
            auth_token_url=openid_configuration["token_endpoint"],
            key_set_url=openid_configuration["jwks_uri"],
            deployment_ids=[deployment] if deployment else ["1"],
            auth_audience=openid_configuration.get("authorization_server") or "")
        return self.platform


def dynamic_register(openid_configuration: str, registration_token: str | None) -> LtiPlatform:
    """Register with the VLE that sent the administrator here, and save it."""
    openid_configuration = _url("openid_configuration", openid_configuration)
    if registration_token is not None:
        registration_token = _text("registration_token", registration_token, 4096)
    registration = ToolRegistration(openid_configuration, registration_token)
    try:
        registration.register()
    except (requests.RequestException, TypeError, AttributeError) as exc:  # unreachable, or answers nonsense
        raise PlatformError("openid_configuration", f"The VLE did not answer as expected: {exc}") from exc
    return registration.platform
