"""The printable passport certificate and the QR code that links to the check page."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from datetime import date

import pytest

from app.badges.certificate import certificate_pdf, long_date, qr_svg

VERIFY_URL = "https://passport.example.org/passport/3f9c2a7e1b2c4d5e8f90/check"
MODULES = [
    {"title": "Passwords", "level": "gold", "awarded_on": date(2026, 11, 2),
     "skills": ["Make a strong password", "Spot a scam", "Use a password manager"]},
    {"title": "Online banking", "level": "silver", "awarded_on": date(2026, 10, 12),
     "skills": ["Check a balance", "Pay a bill"]},
    {"title": "Applying for jobs", "level": "bronze", "awarded_on": date(2026, 9, 30), "skills": ["Upload a CV"]},
    {"title": "Creating documents", "level": None, "awarded_on": None, "skills": []},
]


def make_pdf(learner_name: str = "Zofia Wiśniewska", modules: list[dict] = MODULES) -> bytes:
    return certificate_pdf(learner_name=learner_name, site_name="Skills Passport",
                           issuer_name="Riverside Adult Learning", modules=modules,
                           verify_url=VERIFY_URL, issued_on=date(2026, 11, 23))


def pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))


def test_the_certificate_is_one_small_pdf_page():
    pdf = make_pdf()
    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")
    assert pages(pdf) == 1
    assert len(pdf) < 150_000
    assert b"/MediaBox [0 0 595.28 841.89]" in pdf  # A4


def test_the_certificate_carries_the_verification_link():
    pdf = make_pdf()
    assert f"/URI ({VERIFY_URL})".encode() in pdf
    assert b"/Subtype /Image" in pdf  # the QR code


def test_the_same_passport_gives_the_same_pdf():
    assert make_pdf() == make_pdf()


@pytest.mark.parametrize("name", [
    "Zażółć Gęślą-Jaźń",
    "محمد علی خان",
    "Αλέξανδρος Παπαδόπουλος",
    "Олександра Шевченко",
    "王小明",
    "O'Brien & <Smith> \\ (Jr) 😀",
    "A" * 300,
])
def test_a_name_in_any_script_makes_a_certificate(name):
    pdf = make_pdf(learner_name=name)
    assert pdf.startswith(b"%PDF-") and pages(pdf) == 1


def test_a_learner_with_no_modules_still_gets_a_certificate():
    assert pages(make_pdf(modules=[])) == 1


def test_a_long_list_of_modules_is_set_smaller_to_stay_on_one_page():
    many = [dict(module, title=f"{module['title']} {n}") for n in range(3) for module in MODULES]
    pdf = make_pdf(modules=many)
    assert pages(pdf) == 1
    assert len(pdf) < 150_000


def test_dates_are_written_the_uk_way():
    assert long_date(date(2026, 11, 3)) == "3 November 2026"


def test_the_qr_code_svg_is_valid_xml_with_a_title_and_prints_at_about_3_cm():
    svg = qr_svg(VERIFY_URL + "?a=1&b=<2>")
    root = ElementTree.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.tag == f"{ns}svg"
    assert root.get("role") == "img"
    assert root.find(f"{ns}title").text == f"QR code for {VERIFY_URL}?a=1&b=<2>"
    width = float(root.get("width").removesuffix("mm"))
    assert root.get("width") == root.get("height") and 28 <= width <= 32


def test_a_module_with_an_unknown_level_is_refused():
    with pytest.raises(ValueError, match="platinum"):
        make_pdf(modules=[{"title": "Passwords", "level": "platinum", "awarded_on": None, "skills": []}])
