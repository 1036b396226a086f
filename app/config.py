"""Settings, each read from the environment with a safe default for development.

Every key is listed in the README's configuration table; keep the two in step.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def database_url(raw: str | None, instance_path: str) -> str:
    """Return the SQLAlchemy URL for DATABASE_URL, defaulting to SQLite in the instance folder."""
    if not raw:
        return f"sqlite:///{Path(instance_path) / 'skills-passport.db'}"
    # Hosting services often hand out postgres:// URLs; psycopg 3 is the driver we ship.
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix):]
    return raw


def secret_key(instance_path: str) -> str:
    """Return SECRET_KEY, or one made once and kept in the instance folder.

    A key that changed at every start would sign every guest out and lose
    their place, so a development key is written down and reused.
    """
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def from_environment(instance_path: str, overrides: dict | None = None) -> dict:
    """Return the configuration read from environment variables.

    Keys in `overrides` are not read at all, so tests that set their own
    SECRET_KEY leave nothing behind in the instance folder.
    """
    overrides = overrides or {}
    secure = _flag("SECURE_COOKIES", False)
    return {
        "SECRET_KEY": overrides.get("SECRET_KEY") or secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url(os.environ.get("DATABASE_URL"), instance_path),
        "CONTENT_DIR": os.environ.get("CONTENT_DIR", str(PROJECT_ROOT / "content")),
        "CONTENT_RELOAD_SECONDS": float(os.environ.get("CONTENT_RELOAD_SECONDS", "2")),
        "SESSION_COOKIE_SECURE": secure,
        "REMEMBER_COOKIE_SECURE": secure,
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "INFO"),
        "NEXT_STEP_POLICY": os.environ.get("NEXT_STEP_POLICY", "adaptive"),
        # Badges name their issuer and live at fixed addresses: give the site's public address
        # (https://passport.example.org) so they stay valid behind a proxy; blank: the request's own.
        "PUBLIC_URL": os.environ.get("PUBLIC_URL", "").rstrip("/"),
        "ISSUER_NAME": os.environ.get("ISSUER_NAME", "Skills Passport"),
        "ISSUER_EMAIL": os.environ.get("ISSUER_EMAIL", ""),
        # Where wrong tries (passwords, codes) are counted. "database://": in the site's own
        # database, shared by every worker and app server; or Redis: redis://localhost:6379.
        # Never "memory://" in service: each worker would count apart, and let through more.
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "database://"),
        # The background worker's queue (grades to VLEs): blank for a SQLite file in the instance
        # folder (one machine); redis://host:6379/0 for several app servers; "immediate" runs each
        # task inside the request (tests only). REDIS_URL is used when this is blank.
        "TASK_QUEUE": os.environ.get("TASK_QUEUE", ""),
        "REDIS_URL": os.environ.get("REDIS_URL", ""),
        # How many proxies (such as nginx) sit in front of the app, so the learner's own
        # address is used for limits and the public address for links. 0: none.
        "PROXIES": int(os.environ.get("PROXIES", "0")),
        # Sites allowed to show this one in a frame: the VLEs that embed modules (SCORM, LTI),
        # as origins separated by spaces, like "https://moodle.college.ac.uk". Blank: none.
        "FRAME_ANCESTORS": os.environ.get("FRAME_ANCESTORS", "").split(),
        # The key this site signs LTI messages with (PEM). Blank: one is made once and kept in the database.
        "LTI_PRIVATE_KEY": os.environ.get("LTI_PRIVATE_KEY", ""),
        # A VLE shows the site in a frame from its own site, where browsers send cookies only if
        # they are SameSite=None and Secure: turn on (1) when a VLE embeds modules, over HTTPS.
        "EMBEDDED_COOKIES": _flag("EMBEDDED_COOKIES", False),
    }


# Settings that are not read from the environment.
FIXED = {
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    # werkzeug's scrypt at full cost; not read from the environment, and only tests may lower it.
    "PASSWORD_HASH_METHOD": "scrypt",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "RATELIMIT_HEADERS_ENABLED": True,
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    # A guest's progress lives behind this cookie: keep it for a year.
    "REMEMBER_COOKIE_DURATION": 365 * 24 * 3600,
    # Learners may read a lesson for an hour before answering; a form must not expire under them.
    "WTF_CSRF_TIME_LIMIT": None,
    # Forms are small; anything bigger is a mistake or an attack, refused with a 413 page. The largest
    # honest body is a lesson preview: a 60 KB file and 60 KB of pasted text, whose accented letters a
    # browser may send as three bytes each, so the preview can say itself what is too big.
    "MAX_CONTENT_LENGTH": 256 * 1024,
}


def embedded_cookies(settings) -> dict:
    """Return the cookie settings EMBEDDED_COOKIES calls for: sent in a VLE's frame, so only over HTTPS.

    They override FIXED's SameSite=Lax, so create_app applies them last.
    """
    if not settings.get("EMBEDDED_COOKIES"):
        return {}
    return {"SESSION_COOKIE_SAMESITE": "None", "REMEMBER_COOKIE_SAMESITE": "None",
            "SESSION_COOKIE_SECURE": True, "REMEMBER_COOKIE_SECURE": True}
