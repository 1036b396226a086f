"""Passwords kept as scrypt hashes at werkzeug's full cost; only the tests may ask for a cheaper one."""

from __future__ import annotations

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

FULL_COST = "scrypt"  # werkzeug's default: scrypt with n=2**15, r=8, p=1
_decoys: dict[str, str] = {}


def hash_password(password: str) -> str:
    """Return the hash to keep for a password, at the site's cost (PASSWORD_HASH_METHOD)."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def matches(password_hash: str | None, password: str) -> bool:
    """Say whether a password matches a kept hash; with no hash, take as long as a check would and say no.

    Checking an unknown username against a decoy hash of the same cost means a wrong username
    takes as long as a wrong password, so the time taken does not tell which one was wrong.
    """
    if password_hash is None:
        method = current_app.config["PASSWORD_HASH_METHOD"]
        decoy = _decoys.get(method) or _decoys.setdefault(method, generate_password_hash("not a password", method))
        check_password_hash(decoy, password)
        return False
    return check_password_hash(password_hash, password)


def check_cost(config) -> None:
    """Refuse to start a site that would keep passwords at less than the full cost (only tests may)."""
    if config["PASSWORD_HASH_METHOD"] != FULL_COST and not config.get("TESTING"):
        raise RuntimeError("PASSWORD_HASH_METHOD may be lowered only in tests: passwords must be hashed at full cost")
