"""Open Badges 2.0 documents for the passport: build, check and bake them into images.

Everything here is a pure function of its arguments: no Flask, no database.
The builders follow the IMS Global "Open Badges v2.0" specification with hosted
verification: each Assertion, BadgeClass and issuer Profile is a JSON-LD document
served at its own `id` URL, and a verifier trusts only what it fetches from there.

Serving the documents (for the route author):

- Send them as `application/ld+json`, or `application/json` when the request's
  Accept header asks only for that.
- A revoked hosted Assertion answers with HTTP status `410 Gone`. Its body may be an
  Assertion with `"revoked": true` and a `revocationReason`; only `id` and `revoked`
  are required, so `assertion(..., revoked=True)` strips the document down to those
  (and the reason). A verifier treats either the 410 or `"revoked": true` as revoked.
- Hosted verification needs the Assertion and BadgeClass on the same origin as the
  issuer Profile's `id`, because the Profile declares no other `verification` scope.
"""

from __future__ import annotations

import hashlib
import json
import re
import string
import struct
import textwrap
import xml.etree.ElementTree as ElementTree
import zlib
from datetime import date, datetime, timezone
from html import escape
from pathlib import Path
from urllib.parse import urlsplit

from engine.model import LEVELS

CONTEXT = "https://w3id.org/openbadges/v2"
OPENBADGES_XMLNS = "http://openbadges.org"
ART = Path(__file__).resolve().parent / "art"

# Colours of the medals. Each `ink` and `text` colour is read against `face` and keeps a
# contrast of at least 4.5:1 (a test checks it); `rim` and `metal` are decoration only.
LEVEL_COLOURS = {
    "bronze": {"rim": "#7a3e10", "metal": "#c27c3e", "face": "#fffdf7", "ink": "#7a3e10", "text": "#1f1f1f"},
    "silver": {"rim": "#4a545e", "metal": "#aab4be", "face": "#fffdf7", "ink": "#4a545e", "text": "#1f1f1f"},
    "gold": {"rim": "#6b4f00", "metal": "#d9a920", "face": "#fffdf7", "ink": "#6b4f00", "text": "#1f1f1f"},
}

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_HASH = re.compile(r"^(sha256\$[0-9a-f]{64}|md5\$[0-9a-f]{32})$")
_ASSERTION_TYPES = ("Assertion",)
_BADGE_CLASS_TYPES = ("BadgeClass",)
_PROFILE_TYPES = ("Issuer", "Profile")
_HOSTED = ("hosted", "HostedBadge")
_SIGNED = ("signed", "SignedBadge")


# --- Building documents ------------------------------------------------------------------

def hashed_identity(identity: str, salt: str) -> str:
    """Return the salted SHA-256 IdentityHash of a recipient's identity, as `sha256$<hex>`."""
    # The spec hashes the identity exactly as given; the caller normalises it first
    # (an email address in lower case, say) so a displayer can hash the same string.
    return "sha256$" + hashlib.sha256((identity + salt).encode("utf-8")).hexdigest()


def issuer_profile(*, id: str, name: str, url: str, email: str | None, description: str,
                   image: str | None) -> dict:
    """Return the issuer's Profile document (the specification requires an email for an issuer)."""
    document = {"@context": CONTEXT, "type": "Issuer", "id": id, "name": name, "url": url}
    if email:
        document["email"] = email
    if description:
        document["description"] = description
    if image:
        document["image"] = image
    return document


def alignment(*, name: str, url: str, description: str | None = None, framework: str | None = None,
              code: str | None = None) -> dict:
    """Return an AlignmentObject that ties a badge to a standard or framework."""
    document = {"targetName": name, "targetUrl": url}
    if description:
        document["targetDescription"] = description
    if framework:
        document["targetFramework"] = framework
    if code:
        document["targetCode"] = code
    return document


def evidence(*, id: str | None = None, narrative: str | None = None, name: str | None = None,
             description: str | None = None) -> dict:
    """Return an Evidence object: a page that shows the work, or a narrative of it, or both."""
    document: dict = {"type": "Evidence"}
    for key, value in (("id", id), ("name", name), ("description", description), ("narrative", narrative)):
        if value:
            document[key] = value
    return document


def badge_class(*, id: str, name: str, description: str, image: str, criteria_url: str | None,
                criteria_narrative: str | None, issuer: str | dict, tags: list[str],
                alignments: list[dict]) -> dict:
    """Return a BadgeClass document; `issuer` is the Profile's URL or the Profile itself."""
    criteria = {}
    if criteria_url:
        criteria["id"] = criteria_url
    if criteria_narrative:
        criteria["narrative"] = criteria_narrative
    document = {
        "@context": CONTEXT,
        "type": "BadgeClass",
        "id": id,
        "name": name,
        "description": description,
        "image": image,
        "criteria": criteria,
        "issuer": _embedded(issuer),
    }
    if tags:
        document["tags"] = list(tags)
    if alignments:
        document["alignment"] = [dict(item) for item in alignments]
    return document


def assertion(*, id: str, badge: str | dict, recipient_type: str, recipient_identity: str, salt: str,
              issued_on: datetime, evidence: list[dict], image: str | None = None,
              narrative: str | None = None, revoked: bool = False, revocation_reason: str | None = None,
              expires: datetime | None = None) -> dict:
    """Return a hosted Assertion; a revoked one keeps only its id, `revoked` and the reason.

    The recipient's identity is always hashed with `salt`. Times are written in UTC with
    an offset (`2026-11-23T10:00:00+00:00`); a naive datetime is taken to be UTC.
    Serve a revoked Assertion with status 410 Gone (see the module's docstring).
    """
    if revoked:
        return revoked_assertion(id=id, reason=revocation_reason)
    document = {
        "@context": CONTEXT,
        "type": "Assertion",
        "id": id,
        "recipient": {
            "type": recipient_type,
            "hashed": True,
            "salt": salt,
            "identity": hashed_identity(recipient_identity, salt),
        },
        "badge": _embedded(badge),
        "verification": {"type": "hosted"},
        "issuedOn": iso_datetime(issued_on),
    }
    if image:
        document["image"] = image
    if evidence:
        document["evidence"] = [dict(item) for item in evidence]
    if narrative:
        document["narrative"] = narrative
    if expires is not None:
        document["expires"] = iso_datetime(expires)
    return document


def revoked_assertion(*, id: str, reason: str | None = None) -> dict:
    """Return the body to serve, with status 410 Gone, in place of a revoked Assertion."""
    document = {"@context": CONTEXT, "type": "Assertion", "id": id, "revoked": True}
    if reason:
        document["revocationReason"] = reason
    return document


def iso_datetime(moment: datetime | date) -> str:
    """Return a moment as an ISO 8601 UTC timestamp with an offset; naive means UTC, a date means midnight."""
    if not isinstance(moment, datetime):
        moment = datetime(moment.year, moment.month, moment.day)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def _embedded(document: str | dict) -> str | dict:
    """Return a linked document ready to embed: a URL as it is, a dict without its own @context."""
    if isinstance(document, dict):
        return {key: value for key, value in document.items() if key != "@context"}
    return document


# --- Checking documents ------------------------------------------------------------------

def problems(document: dict) -> list[str]:
    """Return what stops a Profile, BadgeClass or Assertion from meeting the specification."""
    found: list[str] = []
    if not isinstance(document, dict):
        return ["the document is not a JSON object"]
    context = document.get("@context")
    if context is None:
        found.append("@context is missing")
    elif not (context == CONTEXT or (isinstance(context, list) and CONTEXT in context)):
        found.append(f"@context must be {CONTEXT!r} (or a list that includes it)")
    kind = _kind(document)
    if kind == "Assertion":
        _check_assertion(document, "", found)
    elif kind == "BadgeClass":
        _check_badge_class(document, "", found)
    elif kind == "Profile":
        _check_issuer(document, "", found)
    else:
        found.append("type must be Assertion, BadgeClass, Issuer or Profile")
    return found


def _kind(document: dict) -> str | None:
    """Return which of the three core classes a document's `type` names, or None."""
    types = document.get("type")
    types = types if isinstance(types, list) else [types]
    for name, accepted in (("Assertion", _ASSERTION_TYPES), ("BadgeClass", _BADGE_CLASS_TYPES),
                           ("Profile", _PROFILE_TYPES)):
        if any(value in accepted for value in types):
            return name
    return None


def _where(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _check_assertion(document: dict, path: str, found: list[str]) -> None:
    if document.get("revoked") is True:
        # A revoked Assertion needs only `id` and `revoked`.
        _require_url(document, "id", path, found)
        _optional_text(document, "revocationReason", path, found)
        return
    _require_url(document, "id", path, found)
    if "revoked" in document and not isinstance(document["revoked"], bool):
        found.append(f"{_where(path, 'revoked')} must be true or false")
    _check_recipient(document.get("recipient"), _where(path, "recipient"), found)
    _check_verification(document, path, found)
    _require_datetime(document, "issuedOn", path, found)
    if "expires" in document:
        _require_datetime(document, "expires", path, found)
    badge = document.get("badge")
    if badge is None:
        found.append(f"{_where(path, 'badge')} is missing")
    elif isinstance(badge, dict):
        if _kind(badge) != "BadgeClass":
            found.append(f"{_where(path, 'badge')}.type must be BadgeClass")
        _check_badge_class(badge, _where(path, "badge"), found)
    elif not _is_url(badge):
        found.append(f"{_where(path, 'badge')} must be an http(s) URL or a BadgeClass")
    if "image" in document:
        _check_image(document["image"], _where(path, "image"), found)
    for index, item in _many(document, "evidence"):
        at = f"{_where(path, 'evidence')}[{index}]"
        if isinstance(item, str):
            if not _is_iri(item):
                found.append(f"{at} must be an http(s) URL or an urn:uuid")
        elif isinstance(item, dict):
            if "id" not in item and "narrative" not in item:
                found.append(f"{at} needs an id (a page showing the work) or a narrative")
            if "id" in item and not _is_iri(item["id"]):
                found.append(f"{at}.id must be an http(s) URL or an urn:uuid")
            for key in ("narrative", "name", "description", "genre", "audience"):
                _optional_text(item, key, at, found)
        else:
            found.append(f"{at} must be a URL or an Evidence object")
    _optional_text(document, "narrative", path, found)
    _optional_text(document, "revocationReason", path, found)


def _check_recipient(recipient, path: str, found: list[str]) -> None:
    if recipient is None:
        found.append(f"{path} is missing")
        return
    if not isinstance(recipient, dict):
        found.append(f"{path} must be an IdentityObject")
        return
    _require_text(recipient, "type", path, found)
    _require_text(recipient, "identity", path, found)
    hashed = recipient.get("hashed")
    if not isinstance(hashed, bool):
        found.append(f"{path}.hashed must be true or false")
    elif hashed and isinstance(recipient.get("identity"), str) and not _HASH.match(recipient["identity"]):
        found.append(f"{path}.identity must be 'sha256$' and 64 lower-case hex digits (or 'md5$' and 32)")
    _optional_text(recipient, "salt", path, found)


def _check_verification(document: dict, path: str, found: list[str]) -> None:
    verification = document.get("verification", document.get("verify"))
    at = _where(path, "verification")
    if verification is None:
        found.append(f"{at} is missing")
        return
    if not isinstance(verification, dict):
        found.append(f"{at} must be a VerificationObject")
        return
    kinds = verification.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    if any(kind in _HOSTED for kind in kinds):
        return  # the Assertion's own id, already checked to be an http(s) URL, is where it is hosted
    if not any(kind in _SIGNED for kind in kinds):
        found.append(f"{at}.type must be hosted (HostedBadge) or signed (SignedBadge)")


def _check_badge_class(document: dict, path: str, found: list[str]) -> None:
    _require_url(document, "id", path, found)
    _require_text(document, "name", path, found)
    _require_text(document, "description", path, found)
    if "image" not in document:
        found.append(f"{_where(path, 'image')} is missing")
    else:
        _check_image(document["image"], _where(path, "image"), found)
    criteria = document.get("criteria")
    at = _where(path, "criteria")
    if criteria is None:
        found.append(f"{at} is missing")
    elif isinstance(criteria, dict):
        if not criteria.get("id") and not criteria.get("narrative"):
            found.append(f"{at} needs an id (a page describing them) or a narrative")
        if "id" in criteria and not _is_url(criteria["id"]):
            found.append(f"{at}.id must be an absolute http(s) URL")
        _optional_text(criteria, "narrative", at, found)
    elif not _is_url(criteria):
        found.append(f"{at} must be an http(s) URL or a Criteria object")
    issuer = document.get("issuer")
    at = _where(path, "issuer")
    if issuer is None:
        found.append(f"{at} is missing")
    elif isinstance(issuer, dict):
        if _kind(issuer) != "Profile":
            found.append(f"{at}.type must be Issuer or Profile")
        _check_issuer(issuer, at, found)
    elif not _is_url(issuer):
        found.append(f"{at} must be an http(s) URL or a Profile")
    for index, item in _many(document, "alignment"):
        at = f"{_where(path, 'alignment')}[{index}]"
        if not isinstance(item, dict):
            found.append(f"{at} must be an AlignmentObject")
            continue
        _require_text(item, "targetName", at, found)
        _require_url(item, "targetUrl", at, found)
        for key in ("targetDescription", "targetFramework", "targetCode"):
            _optional_text(item, key, at, found)
    for index, tag in _many(document, "tags"):
        if not isinstance(tag, str) or not tag.strip():
            found.append(f"{_where(path, 'tags')}[{index}] must be a word or phrase")


def _check_issuer(document: dict, path: str, found: list[str]) -> None:
    # A Profile that stands for a recipient needs only id and type, but every Profile
    # here issues badges, and an issuer also needs a name, a url and an email.
    _require_url(document, "id", path, found)
    _require_text(document, "name", path, found)
    _require_url(document, "url", path, found)
    email = document.get("email")
    if email is None:
        found.append(f"{_where(path, 'email')} is missing (an issuer needs a contact email)")
    elif not isinstance(email, str) or not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
        found.append(f"{_where(path, 'email')} must be an email address")
    for key in ("description", "telephone"):
        _optional_text(document, key, path, found)
    if "image" in document:
        _check_image(document["image"], _where(path, "image"), found)


def _check_image(image, path: str, found: list[str]) -> None:
    if isinstance(image, dict):
        if "id" not in image:
            found.append(f"{path}.id is missing")
            return
        image = image["id"]
    if not (_is_url(image) or (isinstance(image, str) and re.match(r"data:image/(png|svg\+xml)[;,]", image))):
        found.append(f"{path} must be an http(s) URL or a PNG or SVG data URI")


def _require_url(document: dict, key: str, path: str, found: list[str]) -> None:
    if key not in document:
        found.append(f"{_where(path, key)} is missing")
    elif not _is_url(document[key]):
        found.append(f"{_where(path, key)} must be an absolute http(s) URL")


def _require_text(document: dict, key: str, path: str, found: list[str]) -> None:
    value = document.get(key)
    if value is None:
        found.append(f"{_where(path, key)} is missing")
    elif not isinstance(value, str) or not value.strip():
        found.append(f"{_where(path, key)} must be some text")


def _optional_text(document: dict, key: str, path: str, found: list[str]) -> None:
    if key in document and not isinstance(document[key], str):
        found.append(f"{_where(path, key)} must be text")


def _require_datetime(document: dict, key: str, path: str, found: list[str]) -> None:
    value = document.get(key)
    at = _where(path, key)
    if value is None:
        found.append(f"{at} is missing")
        return
    parsed = None
    if isinstance(value, str) and "T" in value:
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            parsed = None
    if parsed is None:
        found.append(f"{at} must be an ISO 8601 date and time, like 2016-12-31T23:59:59+00:00")
    elif parsed.tzinfo is None:
        found.append(f"{at} must end with a time zone, like +00:00 or Z")


def _many(document: dict, key: str) -> list[tuple[int, object]]:
    """Return the values of a property that allows one value or a list of them."""
    if key not in document:
        return []
    value = document[key]
    return list(enumerate(value if isinstance(value, list) else [value]))


def _is_url(value) -> bool:
    if not isinstance(value, str) or any(c.isspace() for c in value):
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _is_iri(value) -> bool:
    """Say whether a value is an http(s) URL or an urn:uuid, the ids evidence may have."""
    return _is_url(value) or (isinstance(value, str)
                              and re.fullmatch(r"urn:uuid:[0-9a-fA-F-]{36}", value) is not None)


# --- Baking PNG ----------------------------------------------------------------------------

def bake_png(png: bytes, assertion: dict | str) -> bytes:
    """Return the PNG with the assertion in an uncompressed `iTXt` chunk named `openbadges`.

    `assertion` is the Assertion document or a text (its JSON, or a signed badge).
    Any Open Badges chunk already in the image is replaced, since there must be one.
    """
    text = assertion if isinstance(assertion, str) else json.dumps(assertion, ensure_ascii=False,
                                                                   separators=(",", ":"))
    # keyword, NUL, compression flag 0, method 0, empty language tag and translated keyword
    data = b"openbadges\x00\x00\x00\x00\x00" + text.encode("utf-8")
    out = [_PNG_SIGNATURE]
    for kind, body, raw in _png_chunks(png):
        if kind in (b"iTXt", b"tEXt") and body.split(b"\x00", 1)[0] == b"openbadges":
            continue
        if kind == b"IEND":
            out.append(_png_chunk(b"iTXt", data))
        out.append(raw)
    return b"".join(out)


def unbake_png(png: bytes) -> str | None:
    """Return the text baked into a PNG (an Assertion's JSON or a signed badge), or None.

    A legacy badge with a `tEXt` chunk gives back the URL of its hosted assertion.
    """
    for kind, body, _raw in _png_chunks(png):
        keyword, _, rest = body.partition(b"\x00")
        if keyword != b"openbadges":
            continue
        if kind == b"iTXt":
            # compression flag and method, then the language tag and translated keyword
            compressed = rest[:1] == b"\x01"
            _language, _, rest = rest[2:].partition(b"\x00")
            _translated, _, text = rest.partition(b"\x00")
            try:
                return (zlib.decompress(text) if compressed else text).decode("utf-8")
            except (zlib.error, UnicodeDecodeError) as error:
                raise ValueError(f"the PNG's openbadges chunk cannot be read: {error}") from None
        if kind == b"tEXt":
            return rest.decode("latin-1")
    return None


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _png_chunks(png: bytes) -> list[tuple[bytes, bytes, bytes]]:
    """Return a PNG's chunks as (type, data, raw bytes), up to and including IEND."""
    if not isinstance(png, (bytes, bytearray)) or not png.startswith(_PNG_SIGNATURE):
        raise ValueError("this is not a PNG image")
    chunks = []
    at = len(_PNG_SIGNATURE)
    while True:
        if at + 8 > len(png):
            raise ValueError("the PNG image is cut short: it has no IEND chunk")
        (length,) = struct.unpack(">I", png[at:at + 4])
        kind = bytes(png[at + 4:at + 8])
        end = at + 12 + length
        if end > len(png):
            raise ValueError(f"the PNG image is cut short inside its {kind!r} chunk")
        chunks.append((kind, bytes(png[at + 8:at + 8 + length]), bytes(png[at:end])))
        at = end
        if kind == b"IEND":
            return chunks


# --- Baking SVG ----------------------------------------------------------------------------

_PROLOG = re.compile(r"""\A\ufeff?(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE(?:[^\[>]|\[.*?\])*>)*""",
                     re.DOTALL)
_SVG_START = re.compile(r"""<svg(?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*(/?)>""")
_BAKED = re.compile(r"""<openbadges:assertion\b(?:"[^"]*"|'[^']*'|[^"'>])*?"""
                    r"""(?:/>|>(?:<!\[CDATA\[.*?\]\]>|[^<]+|<(?!/openbadges:assertion\b))*"""
                    r"""</openbadges:assertion\s*>)""", re.DOTALL)


def bake_svg(svg: str, assertion: dict, verify_url: str) -> str:
    """Return the SVG with the Assertion in an `<openbadges:assertion>` element after its root tag.

    Any Open Badges element already in the image is replaced, since there must be one.
    """
    start = _PROLOG.match(svg).end()
    root = _SVG_START.match(svg, start)
    if root is None:
        raise ValueError("this is not an SVG image: it does not start with an <svg> element")
    tag = root.group(0)
    self_closing = bool(root.group(1))
    if "xmlns:openbadges=" not in tag:
        tag = tag[:4] + f' xmlns:openbadges="{OPENBADGES_XMLNS}"' + tag[4:]
    if self_closing:
        tag = tag[:-2].rstrip() + ">"
    text = json.dumps(assertion, ensure_ascii=False, indent=2)
    # A CDATA section ends at the first "]]>", so one in the JSON is split across two sections.
    cdata = "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"
    element = f'<openbadges:assertion verify="{escape(verify_url, quote=True)}">{cdata}</openbadges:assertion>'
    rest = _BAKED.sub("", svg[root.end():])
    return svg[:start] + tag + "\n" + element + ("</svg>" if self_closing else "") + rest


def unbake_svg(svg: str) -> dict | None:
    """Return the Assertion baked into an SVG, or None (also for a signed badge, which has no body)."""
    try:
        root = ElementTree.fromstring(svg)
    except ElementTree.ParseError as error:
        raise ValueError(f"this is not well-formed SVG: {error}") from None
    for element in root.iter(f"{{{OPENBADGES_XMLNS}}}assertion"):
        text = (element.text or "").strip()
        return json.loads(text) if text else None
    return None


# --- Badge artwork -------------------------------------------------------------------------

def badge_art_svg(level: str, module_title: str) -> str:
    """Return the round medal for a level as SVG, with the module's title written on it.

    With an empty title the level's name fills the middle, as on the PNG medals.
    """
    colours = _colours(level)
    name = level.capitalize()
    title = " ".join(module_title.split())
    if title:
        lines = _title_lines(title)
        size = 20 if max(len(line) for line in lines) <= 12 else 17
        first_y = 134 - (len(lines) - 1) * size * 0.6
        body = "\n".join(
            f'<tspan x="128" y="{first_y + index * size * 1.2:.1f}">{escape(line)}</tspan>'
            for index, line in enumerate(lines)
        )
        words = (f'<text x="128" y="80" text-anchor="middle" font-size="19" font-weight="700" '
                 f'letter-spacing="2" fill="{colours["ink"]}">{name.upper()}</text>\n'
                 f'<text text-anchor="middle" font-size="{size}" font-weight="700" '
                 f'fill="{colours["text"]}">{body}</text>')
        label = f"{name} badge: {title}. Skills Passport"
    else:
        words = (f'<text x="128" y="140" text-anchor="middle" font-size="40" font-weight="700" '
                 f'fill="{colours["ink"]}">{name}</text>')
        label = f"{name} badge. Skills Passport"
    template = string.Template((ART / "medal.svg").read_text(encoding="utf-8"))
    return template.substitute(colours, label=escape(label), words=words)


def badge_art_png(level: str) -> bytes:
    """Return the 256 by 256 PNG medal for a level (the same for every module)."""
    _colours(level)
    return (ART / f"{level}.png").read_bytes()


def _colours(level: str) -> dict[str, str]:
    if level not in LEVELS:
        raise ValueError(f"unknown badge level {level!r}: use one of {', '.join(LEVELS)}")
    return LEVEL_COLOURS[level]


def _title_lines(title: str, width: int = 14, most: int = 3) -> list[str]:
    """Return a module's title wrapped to fit the medal's face, shortened with … if need be."""
    lines = textwrap.wrap(title, width=width, break_long_words=True) or [""]
    if len(lines) > most:
        lines = lines[:most]
        lines[-1] = lines[-1][:width - 1].rstrip() + "…"
    return lines
