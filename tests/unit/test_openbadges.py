"""Open Badges 2.0 documents, their checks, baking into PNG and SVG, and the medal artwork."""

from __future__ import annotations

import hashlib
import json
import re
import struct
import xml.etree.ElementTree as ElementTree
import zlib
from datetime import datetime, timedelta, timezone

import pytest

from app.badges.openbadges import (
    CONTEXT, LEVEL_COLOURS, alignment, assertion, badge_art_png, badge_art_svg, badge_class, bake_png,
    bake_svg, evidence, hashed_identity, issuer_profile, problems, revoked_assertion, unbake_png, unbake_svg,
)

SITE = "https://passport.example.org"


def make_issuer(**changes) -> dict:
    fields = dict(id=f"{SITE}/badges/issuer", name="Riverside Adult Learning", url=SITE,
                  email="passport@example.org", description="Free digital skills courses for adults.",
                  image=f"{SITE}/static/logo.png")
    fields.update(changes)
    return issuer_profile(**fields)


def make_badge_class(**changes) -> dict:
    fields = dict(
        id=f"{SITE}/badges/passwords/gold", name="Passwords: Gold",
        description="Keeps accounts safe with strong passwords, and showed it in a review.",
        image=f"{SITE}/badges/passwords/gold.png", criteria_url=f"{SITE}/badges/passwords/gold/criteria",
        criteria_narrative="Master every skill in the module, then pass a mixed review without help.",
        issuer=f"{SITE}/badges/issuer", tags=["digital skills", "passwords"],
        alignments=[alignment(name="Being safe and legal online", url=f"{SITE}/framework#safe",
                              description="Keep devices and accounts safe.",
                              framework="Essential Digital Skills Framework")],
    )
    fields.update(changes)
    return badge_class(**fields)


def make_assertion(**changes) -> dict:
    fields = dict(
        id=f"{SITE}/badges/assertions/3f9c2a7e", badge=f"{SITE}/badges/passwords/gold",
        recipient_type="email", recipient_identity="zofia@example.org", salt="deadsea",
        issued_on=datetime(2026, 11, 23, 10, 0), image=f"{SITE}/badges/assertions/3f9c2a7e.png",
        evidence=[evidence(id=f"{SITE}/passport/3f9c2a7e", name="Passport page",
                           narrative="Answered 24 questions on passwords; passed the review 6 out of 6.")],
        narrative="Earned bronze, then silver, then gold.",
    )
    fields.update(changes)
    return assertion(**fields)


def test_the_hashed_identity_is_sha256_of_the_identity_then_the_salt():
    expected = "sha256$" + hashlib.sha256(b"zofia@example.orgdeadsea").hexdigest()
    assert hashed_identity("zofia@example.org", "deadsea") == expected
    assert hashed_identity("a", "b") == "sha256$fb8e20fc2e4c3f248c60c39bd652f3c1347298bb977b8b4d5903b85055620603"


def test_every_builder_makes_a_document_with_no_problems():
    assert problems(make_issuer()) == []
    assert problems(make_badge_class()) == []
    assert problems(make_assertion()) == []


def test_documents_may_embed_the_documents_they_link_to():
    badge = make_badge_class(issuer=make_issuer())
    document = make_assertion(badge=badge)
    assert problems(document) == []
    assert "@context" not in document["badge"] and "@context" not in document["badge"]["issuer"]
    assert document["badge"]["issuer"]["email"] == "passport@example.org"


def test_an_assertion_follows_the_hosted_form_of_the_specification():
    document = make_assertion(expires=datetime(2029, 1, 1, 12, tzinfo=timezone(timedelta(hours=1))))
    assert document["@context"] == CONTEXT
    assert document["type"] == "Assertion"
    assert document["verification"] == {"type": "hosted"}
    assert document["recipient"] == {"type": "email", "hashed": True, "salt": "deadsea",
                                     "identity": hashed_identity("zofia@example.org", "deadsea")}
    assert "zofia@example.org" not in json.dumps(document)
    assert document["issuedOn"] == "2026-11-23T10:00:00+00:00"
    assert document["expires"] == "2029-01-01T11:00:00+00:00"
    assert document["evidence"][0]["type"] == "Evidence"


def test_a_revoked_assertion_keeps_only_its_id_and_the_reason():
    document = make_assertion(revoked=True, revocation_reason="Awarded in error.")
    assert document == {"@context": CONTEXT, "type": "Assertion", "id": f"{SITE}/badges/assertions/3f9c2a7e",
                        "revoked": True, "revocationReason": "Awarded in error."}
    assert problems(document) == []
    assert problems(revoked_assertion(id="not a url")) == ["id must be an absolute http(s) URL"]


@pytest.mark.parametrize("change, problem", [
    (lambda d: d.pop("@context"), "@context is missing"),
    (lambda d: d.update({"@context": "https://w3id.org/openbadges/v1"}), "@context must be"),
    (lambda d: d.update(type="Award"), "type must be Assertion, BadgeClass, Issuer or Profile"),
    (lambda d: d.pop("id"), "id is missing"),
    (lambda d: d.update(id="/badges/assertions/1"), "id must be an absolute http(s) URL"),
    (lambda d: d.update(id="ftp://example.org/1"), "id must be an absolute http(s) URL"),
    (lambda d: d.pop("recipient"), "recipient is missing"),
    (lambda d: d["recipient"].update(identity="sha256$abc"), "recipient.identity must be 'sha256$'"),
    (lambda d: d["recipient"].update(identity="SHA256$" + "a" * 64), "recipient.identity must be 'sha256$'"),
    (lambda d: d["recipient"].pop("hashed"), "recipient.hashed must be true or false"),
    (lambda d: d["recipient"].pop("type"), "recipient.type is missing"),
    (lambda d: d.pop("badge"), "badge is missing"),
    (lambda d: d.update(badge="passwords-gold"), "badge must be an http(s) URL or a BadgeClass"),
    (lambda d: d.pop("verification"), "verification is missing"),
    (lambda d: d.update(verification={"type": "emailed"}), "verification.type must be hosted"),
    (lambda d: d.pop("issuedOn"), "issuedOn is missing"),
    (lambda d: d.update(issuedOn="2026-11-23"), "issuedOn must be an ISO 8601 date and time"),
    (lambda d: d.update(issuedOn="23/11/2026 10:00"), "issuedOn must be an ISO 8601 date and time"),
    (lambda d: d.update(issuedOn="2026-11-23T10:00:00"), "issuedOn must end with a time zone"),
    (lambda d: d.update(issuedOn=1795428000), "issuedOn must be an ISO 8601 date and time"),
    (lambda d: d.update(expires="soon"), "expires must be an ISO 8601 date and time"),
    (lambda d: d.update(evidence=[{"name": "Some work"}]), "evidence[0] needs an id"),
    (lambda d: d.update(evidence=["work.html"]), "evidence[0] must be an http(s) URL or an urn:uuid"),
    (lambda d: d.update(image="badge.gif"), "image must be an http(s) URL or a PNG or SVG data URI"),
    (lambda d: d.update(revoked="no"), "revoked must be true or false"),
])
def test_problems_finds_what_an_assertion_lacks_or_gets_wrong(change, problem):
    document = make_assertion()
    change(document)
    found = problems(document)
    assert any(text.startswith(problem) for text in found), found


@pytest.mark.parametrize("change, problem", [
    (lambda d: d.pop("name"), "name is missing"),
    (lambda d: d.update(name="  "), "name must be some text"),
    (lambda d: d.pop("description"), "description is missing"),
    (lambda d: d.pop("image"), "image is missing"),
    (lambda d: d.pop("criteria"), "criteria is missing"),
    (lambda d: d.update(criteria={}), "criteria needs an id"),
    (lambda d: d.pop("issuer"), "issuer is missing"),
    (lambda d: d.update(alignment=[{"targetName": "Safety"}]), "alignment[0].targetUrl is missing"),
    (lambda d: d.update(alignment=[{"targetUrl": "https://example.org/x"}]), "alignment[0].targetName is missing"),
    (lambda d: d.update(tags=["ok", 3]), "tags[1] must be a word or phrase"),
])
def test_problems_finds_what_a_badge_class_lacks_or_gets_wrong(change, problem):
    document = make_badge_class()
    change(document)
    found = problems(document)
    assert any(text.startswith(problem) for text in found), found


@pytest.mark.parametrize("change, problem", [
    (lambda d: d.pop("name"), "name is missing"),
    (lambda d: d.pop("url"), "url is missing"),
    (lambda d: d.update(url="example.org"), "url must be an absolute http(s) URL"),
    (lambda d: d.pop("email"), "email is missing"),
    (lambda d: d.update(email="not an address"), "email must be an email address"),
])
def test_problems_finds_what_an_issuer_lacks_or_gets_wrong(change, problem):
    document = make_issuer()
    change(document)
    found = problems(document)
    assert any(text.startswith(problem) for text in found), found


def test_an_issuer_without_an_email_is_a_problem_as_the_specification_requires_one():
    assert problems(make_issuer(email=None)) == ["email is missing (an issuer needs a contact email)"]


def test_problems_name_the_place_of_a_problem_inside_an_embedded_document():
    document = make_assertion(badge=make_badge_class(issuer=make_issuer(email=None)))
    assert problems(document) == ["badge.issuer.email is missing (an issuer needs a contact email)"]


def test_problems_of_something_that_is_not_an_object_is_said_plainly():
    assert problems([]) == ["the document is not a JSON object"]


def png_chunks(png: bytes) -> list[tuple[bytes, bytes, int]]:
    """Return (type, data, stored CRC) for each chunk, read independently of the module under test."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, at = [], 8
    while at < len(png):
        length, kind = struct.unpack(">I4s", png[at:at + 8])
        data = png[at + 8:at + 8 + length]
        (crc,) = struct.unpack(">I", png[at + 8 + length:at + 12 + length])
        chunks.append((kind, data, crc))
        at += 12 + length
    return chunks


@pytest.mark.parametrize("level", ["bronze", "silver", "gold"])
def test_a_baked_png_gives_back_the_assertion(level):
    document = make_assertion(narrative="Zofia Wiśniewska — 王小明 — محمد")
    baked = bake_png(badge_art_png(level), document)
    assert json.loads(unbake_png(baked)) == document
    chunks = png_chunks(baked)
    assert [kind for kind, _, _ in chunks][-2:] == [b"iTXt", b"IEND"]
    for kind, data, crc in chunks:
        assert zlib.crc32(kind + data) == crc, kind
    data = chunks[-2][1]
    assert data.startswith(b"openbadges\x00\x00\x00\x00\x00")  # not compressed, no language tag


def test_baking_a_png_again_replaces_the_assertion():
    first = bake_png(badge_art_png("gold"), make_assertion())
    second = bake_png(first, make_assertion(revoked=True))
    assert json.loads(unbake_png(second))["revoked"] is True
    found = [data for kind, data, _ in png_chunks(second) if kind == b"iTXt" and data.startswith(b"openbadges\x00")]
    assert len(found) == 1


def test_a_png_can_carry_a_signed_badge_as_text():
    assert unbake_png(bake_png(badge_art_png("silver"), "header.payload.signature")) == "header.payload.signature"


def test_an_unbaked_png_gives_back_nothing():
    assert unbake_png(badge_art_png("bronze")) is None


@pytest.mark.parametrize("data", [b"", b"GIF89a....", b"<svg/>", badge_art_png("gold")[:100]])
def test_baking_something_that_is_not_a_whole_png_is_refused(data):
    with pytest.raises(ValueError):
        bake_png(data, make_assertion())
    with pytest.raises(ValueError):
        unbake_png(data)


def test_a_baked_svg_gives_back_the_assertion_even_with_cdata_ends_and_markup_in_it():
    document = make_assertion(narrative="Tricky text: ]]> and <b>&amp;</b> & \"quotes\" ]]]]> done")
    verify = f"{SITE}/badges/assertions/3f9c2a7e?a=1&b=2"
    baked = bake_svg(badge_art_svg("silver", "Using email"), document, verify)
    assert unbake_svg(baked) == document
    root = ElementTree.fromstring(baked)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    element = root[0]
    assert element.tag == "{http://openbadges.org}assertion"
    assert element.get("verify") == verify
    assert 'xmlns:openbadges="http://openbadges.org"' in baked.split(">", 1)[0]


def test_baking_an_svg_again_replaces_the_assertion():
    first = bake_svg(badge_art_svg("gold", "Passwords"), make_assertion(), f"{SITE}/a/1")
    second = bake_svg(first, make_assertion(revoked=True), f"{SITE}/a/1")
    assert second.count("<openbadges:assertion") == 1
    assert second.count("xmlns:openbadges=") == 1
    assert unbake_svg(second)["revoked"] is True


def test_an_svg_with_a_prolog_and_a_self_closing_root_can_be_baked():
    svg = '<?xml version="1.0"?>\n<!-- <svg> in a comment -->\n<svg xmlns="http://www.w3.org/2000/svg" a=">"/>'
    baked = bake_svg(svg, make_assertion(), f"{SITE}/a/1")
    assert baked.startswith('<?xml version="1.0"?>\n<!-- <svg> in a comment -->\n<svg ')
    assert unbake_svg(baked) == make_assertion()


def test_an_unbaked_svg_gives_back_nothing_and_a_broken_one_is_refused():
    assert unbake_svg(badge_art_svg("bronze", "Online banking")) is None
    with pytest.raises(ValueError):
        unbake_svg("<svg><g></svg>")
    with pytest.raises(ValueError):
        bake_svg("<html></html>", make_assertion(), f"{SITE}/a/1")


def test_the_medal_svg_is_valid_xml_with_a_title_and_the_module_title_escaped():
    svg = badge_art_svg("gold", "Safe & sound <online>")
    root = ElementTree.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.get("role") == "img"
    assert root.find(f"{ns}title").text == "Gold badge: Safe & sound <online>. Skills Passport"
    words = " ".join("".join(text.itertext()) for text in root.iter(f"{ns}text"))
    assert "GOLD" in words and "Safe & sound" in words and "Skills Passport" in words


def test_a_long_module_title_is_shortened_on_the_medal_but_not_in_its_title():
    title = "Using a computer, a tablet and a phone for everyday tasks at home and at work"
    root = ElementTree.fromstring(badge_art_svg("bronze", title))
    ns = "{http://www.w3.org/2000/svg}"
    assert title in root.find(f"{ns}title").text
    lines = [span.text for span in root.iter(f"{ns}tspan")]
    assert len(lines) == 3 and lines[-1].endswith("…")


def test_an_unknown_level_is_refused():
    with pytest.raises(ValueError):
        badge_art_svg("platinum", "Passwords")
    with pytest.raises(ValueError):
        badge_art_png("../fonts/LICENSE")


def contrast(foreground: str, background: str) -> float:
    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@pytest.mark.parametrize("level", ["bronze", "silver", "gold"])
def test_the_writing_on_each_medal_has_a_contrast_of_at_least_4_5_to_1(level):
    colours = LEVEL_COLOURS[level]
    assert contrast(colours["ink"], colours["face"]) >= 4.5
    assert contrast(colours["text"], colours["face"]) >= 4.5
    svg = badge_art_svg(level, "Passwords")
    fills = set(re.findall(r'<text[^>]*fill="(#[0-9a-f]{6})"', svg))
    assert fills <= {colours["ink"], colours["text"]}


@pytest.mark.parametrize("level", ["bronze", "silver", "gold"])
def test_each_level_has_a_small_square_png_medal(level):
    png = badge_art_png(level)
    assert len(png) < 30_000
    kind, data, _ = png_chunks(png)[0]
    assert kind == b"IHDR" and struct.unpack(">II", data[:8]) == (256, 256)
