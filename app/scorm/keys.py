"""A VLE student's key: a random secret only their own VLE keeps, in the package's cmi.suspend_data.

The site keeps only a hash of each key. The key is 256 random bits, so a plain SHA-256
is enough: there is nothing to guess, as there would be with a password.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

# secrets.token_urlsafe(32): 43 characters of A-Z, a-z, 0-9, "-" and "_". sco.js looks for this shape.
KEY = re.compile(r"[A-Za-z0-9_-]{43}")


def new_key() -> str:
    """Return a new random key for a student."""
    return secrets.token_urlsafe(32)


def hash_of(key: str) -> str:
    """Return the hash of a key, as the site keeps it."""
    return hashlib.sha256(key.encode("ascii")).hexdigest()


def well_formed(key: str | None) -> str | None:
    """Return the key a launch sent if it has a key's shape, or None."""
    return key if key and KEY.fullmatch(key) else None


def matches(key: str | None, kept_hash: str | None) -> bool:
    """Say whether a key a launch sent is the one whose hash the site keeps."""
    key = well_formed(key)
    if key is None or kept_hash is None:
        return False
    return hmac.compare_digest(hash_of(key), kept_hash)
