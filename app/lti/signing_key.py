"""The tool's signing key: configured, or made once in the instance folder, and its public half for VLEs."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from flask import current_app
from jwcrypto.jwk import JWK
from pylti1p3.registration import Registration

KEY_FILE = "lti_private_key.pem"


def private_key_pem() -> str:
    """Return the tool's private key, making and keeping one in the instance folder on first use."""
    configured = current_app.config.get("LTI_PRIVATE_KEY")
    if configured:
        return configured
    return load_or_make_key(Path(current_app.instance_path) / KEY_FILE)


def load_or_make_key(path: Path) -> str:
    """Return the PEM key kept at `path`, making it first if there is none; safe when processes race.

    Several workers may start at once with no key. Each writes a whole key to a file of its
    own, then links it into place: a link never overwrites, so the first one in wins and the
    others read the winner's key. Nobody ever reads a half-written file.
    """
    if path.exists():
        return path.read_text()
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = JWK.generate(kty="RSA", size=2048).export_to_pem(private_key=True, password=None)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".lti-key-")  # made with mode 0600
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(pem)
            out.flush()
            os.fsync(out.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process won the race: use its key
    finally:
        os.unlink(temporary)
    return path.read_text()


def public_key_pem() -> str:
    """Return the tool's public key."""
    key = JWK.from_pem(private_key_pem().encode())
    return key.export_to_pem().decode()


def jwks() -> dict:
    """Return the tool's public JSON Web Key Set, which platforms use to check what the tool signs."""
    return {"keys": [dict(Registration.get_jwk(public_key_pem()))]}
