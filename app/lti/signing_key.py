"""The tool's signing key: configured, or made once and kept in the database, and its public half for VLEs.

Every app server must sign with the same key: a VLE checks a grade or a deep link against
the keys the site publishes, whichever server sent it. So a key made here is kept in the
database all servers share, never in one server's instance folder.
"""

from __future__ import annotations

import functools
from pathlib import Path

from flask import current_app
from jwcrypto.jwk import JWK
from pylti1p3.registration import Registration
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from .models import LtiSigningKey

KEY_NAME = "tool"
KEY_FILE = "lti_private_key.pem"  # where a server kept the key it made, before keys lived in the database


def private_key_pem() -> str:
    """Return the tool's private key: LTI_PRIVATE_KEY if set, else the one in the database, made on first use."""
    configured = current_app.config.get("LTI_PRIVATE_KEY")
    if configured:
        return configured
    # The stored key never changes, so each process reads it once.
    known = current_app.extensions.get("lti_signing_key")
    if known is None:
        known = current_app.extensions["lti_signing_key"] = shared_key(Path(current_app.instance_path) / KEY_FILE)
    return known


def shared_key(old_file: Path) -> str:
    """Return the key kept in the database, storing one first if there is none; safe when servers race.

    The key stored is the one an older version left in `old_file`, so VLEs that know it keep
    trusting the site, or else a new one. Several servers may store at once: the first one in
    wins and the others read its key. Each step uses a connection of its own, so the caller's
    unfinished work is neither committed nor rolled back with it.
    """
    found = _stored()
    if found is not None:
        return found
    moving = old_file.is_file()
    pem = old_file.read_text() if moving else _new_key()
    try:
        with db.engine.begin() as connection:
            connection.execute(insert(LtiSigningKey).values(name=KEY_NAME, private_pem=pem))
    except IntegrityError:
        pass  # another server stored its key first: use that one
    found = _stored()
    if moving and found == pem:
        old_file.unlink(missing_ok=True)  # moved: the database's copy is the one to keep safe now
    elif moving:
        current_app.logger.warning("lti: the key in %s is not used: another server's key was stored first; "
                                   "delete the file", old_file)
    return found


def _stored() -> str | None:
    with db.engine.connect() as connection:
        return connection.scalar(select(LtiSigningKey.private_pem).where(LtiSigningKey.name == KEY_NAME))


def _new_key() -> str:
    return JWK.generate(kty="RSA", size=2048).export_to_pem(private_key=True, password=None).decode()


def public_key_pem() -> str:
    """Return the tool's public key."""
    return _public_half(private_key_pem())


@functools.lru_cache(maxsize=4)
def _public_half(private_pem: str) -> str:
    # Parsing an RSA key costs a tenth of a second or more, and every VLE launch needs the public half:
    # worked out once per key, it costs a class of 30 launching at once nothing.
    return JWK.from_pem(private_pem.encode()).export_to_pem().decode()


def jwks() -> dict:
    """Return the tool's public JSON Web Key Set, which platforms use to check what the tool signs."""
    return {"keys": [dict(Registration.get_jwk(public_key_pem()))]}
