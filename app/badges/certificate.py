"""The printable passport: a one-page A4 PDF certificate, and the QR code that checks it.

Pure functions of their arguments: no Flask, no database. The learner's name may be
in any script, so the text is set in DejaVu Sans (shipped in `art/fonts`, subset into
each PDF) with text shaping on, which joins Arabic and Urdu letters and sets them right
to left. DejaVu Sans has no Chinese, Japanese or Korean characters: give
`certificate_pdf` a `fallback_fonts` path to a font that has them (Debian's
`fonts-droid-fallback` package installs one) or those characters print as empty boxes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, datetime, timezone
from pathlib import Path

import segno
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from engine.model import LEVEL_MEANINGS

from .openbadges import LEVEL_COLOURS

FONTS = Path(__file__).resolve().parent / "art" / "fonts"
QR_SIZE_MM = 30  # prints at about 3 cm, which a phone camera reads from arm's length

_INK = (11, 12, 12)
_MUTED = (72, 73, 73)
_BRAND = (11, 61, 107)
_LINK = (26, 79, 139)
_RULE = (177, 180, 182)
_PAGE_WIDTH, _PAGE_HEIGHT, _MARGIN = 210, 297, 18
_FOOTER_HEIGHT = 52  # the box at the foot of the page that tells how to check the passport
_SCALES = (1.0, 0.92, 0.85, 0.78, 0.72, 0.66, 0.6)  # type sizes to try, largest first


def certificate_pdf(*, learner_name: str, site_name: str, issuer_name: str, modules: list[dict],
                    verify_url: str | None, issued_on: date, fallback_fonts: Sequence[str | Path] = ()) -> bytes:
    """Return the learner's passport as a one-page A4 PDF.

    Each module is a dict with `title`, `level` ("bronze", "silver", "gold" or None),
    `awarded_on` (a date or None) and `skills` (a list of skill titles).
    """
    for module in modules:
        if module.get("level") not in (None, *LEVEL_COLOURS):
            raise ValueError(f"unknown badge level {module.get('level')!r} for {module.get('title')!r}")
    # A long list of modules is set smaller until it fits on one page.
    for scale in _SCALES:
        pdf = _draw(scale, learner_name, site_name, issuer_name, modules, verify_url, issued_on,
                    fallback_fonts)
        try:
            if pdf.pages_count == 1 or scale == _SCALES[-1]:
                return bytes(pdf.output())
        finally:
            _close_fonts(pdf)
    raise AssertionError("unreachable")


def qr_svg(url: str) -> str:
    """Return an inline SVG QR code for a link, about 3 cm square, with a title for screen readers."""
    code = segno.make(url, error="m")
    out = io.BytesIO()
    # One unit per module in the viewBox; the width and height in mm set the printed size.
    code.save(out, kind="svg", xmldecl=False, nl=False, scale=1, border=4, omitsize=True, dark="#0b0c0c",
              light="#ffffff", svgclass="qr-code", title=f"QR code for {url}")
    svg = out.getvalue().decode("utf-8")
    return svg.replace("<svg ", f'<svg role="img" width="{QR_SIZE_MM}mm" height="{QR_SIZE_MM}mm" ', 1)


def long_date(day: date) -> str:
    """Return a date the way it is said in the UK, like 23 November 2026."""
    return f"{day.day} {day:%B %Y}"


def _draw(scale: float, learner_name: str, site_name: str, issuer_name: str, modules: list[dict],
          verify_url: str | None, issued_on: date, fallback_fonts: Sequence[str | Path]) -> FPDF:
    """Return the certificate laid out with its type set at `scale` times the normal size."""
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_margins(_MARGIN, _MARGIN, _MARGIN)
    pdf.set_auto_page_break(True, margin=_MARGIN + _FOOTER_HEIGHT + 4)
    pdf.add_font("DejaVu", "", FONTS / "DejaVuSans.ttf")
    pdf.add_font("DejaVu", "B", FONTS / "DejaVuSans-Bold.ttf")
    extra = []
    for index, path in enumerate(fallback_fonts):
        pdf.add_font(f"Fallback{index}", "", Path(path))
        extra.append(f"Fallback{index}")
    if extra:
        pdf.set_fallback_fonts(extra, exact_match=False)
    pdf.set_text_shaping(True)
    pdf.set_title(f"Digital Skills Passport: {learner_name}")
    pdf.set_author(issuer_name)
    pdf.set_subject(f"Badges earned on {site_name}." + (f" Check them at {verify_url}" if verify_url else ""))
    pdf.set_creator(site_name)
    pdf.set_lang("en-GB")
    # Fixing the date makes the same passport give the same bytes.
    pdf.set_creation_date(datetime(issued_on.year, issued_on.month, issued_on.day, tzinfo=timezone.utc))
    pdf.add_page()
    width = _PAGE_WIDTH - 2 * _MARGIN

    pdf.set_fill_color(*_BRAND)
    pdf.rect(0, 0, _PAGE_WIDTH, 7, style="F")

    pdf.set_y(_MARGIN)
    _font(pdf, "", 11 * scale, _MUTED)
    pdf.multi_cell(width, 6 * scale, site_name, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    _font(pdf, "B", 26 * scale, _BRAND)
    pdf.multi_cell(width, 13 * scale, "Digital Skills Passport", new_x=XPos.LMARGIN, new_y=YPos.NEXT,
                   align="L")
    pdf.ln(4 * scale)

    _font(pdf, "", 12 * scale, _INK)
    pdf.multi_cell(width, 7 * scale, "This passport shows that", new_x=XPos.LMARGIN, new_y=YPos.NEXT,
                   align="L")
    size = 22 * scale
    _font(pdf, "B", size, _INK)
    while size > 12 and pdf.get_string_width(learner_name) > width:
        size -= 1
        pdf.set_font_size(size)
    pdf.multi_cell(width, size * 0.5, learner_name, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    _font(pdf, "", 12 * scale, _INK)
    earned = [module for module in modules if module.get("level")]
    if earned:
        pdf.multi_cell(width, 7 * scale, "has taken these modules in essential digital skills and earned "
                       "the badges shown.", new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    else:
        pdf.multi_cell(width, 7 * scale, "has started learning essential digital skills, and has not "
                       "earned a badge yet.", new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    pdf.ln(5 * scale)

    _modules_table(pdf, scale, width, modules)

    pdf.ln(5 * scale)
    _font(pdf, "", 11 * scale, _INK)
    pdf.multi_cell(width, 6 * scale, f"Issued by {issuer_name} on {long_date(issued_on)}.",
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    _font(pdf, "", 9.5 * scale, _MUTED)
    pdf.multi_cell(width, 5 * scale, "The levels follow the Essential Digital Skills Framework.",
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")

    _footer(pdf, width, issuer_name, verify_url)
    return pdf


def _modules_table(pdf: FPDF, scale: float, width: float, modules: list[dict]) -> None:
    """Draw one row per module: its title and skills, its badge, and the date it was earned."""
    columns = (width - 78, 38, 40)
    line = 5.2 * scale
    pad = 2.2 * scale
    _font(pdf, "B", 10.5 * scale, _INK)
    x = pdf.l_margin
    for heading, column in zip(("Module and skills", "Badge", "Date earned"), columns):
        pdf.set_xy(x, pdf.get_y())
        pdf.cell(column, line + pad, heading)
        x += column
    pdf.ln(line + pad)
    pdf.set_draw_color(*_INK)
    pdf.set_line_width(0.4)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + width, pdf.get_y())
    if not modules:
        pdf.ln(pad)
        _font(pdf, "", 10.5 * scale, _MUTED)
        pdf.multi_cell(width, line, "No modules yet.", new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
        return
    text_width = columns[0] - 3
    for module in modules:
        title = str(module.get("title") or "")
        skills = ", ".join(str(skill) for skill in module.get("skills") or ())
        level = module.get("level")
        awarded_on = module.get("awarded_on")
        _font(pdf, "B", 10.5 * scale, _INK)
        height = pdf.multi_cell(text_width, line, title, align="L", dry_run=True, output="HEIGHT")
        if skills:
            _font(pdf, "", 9 * scale, _MUTED)
            height += pdf.multi_cell(text_width, line * 0.9, f"Skills: {skills}", align="L", dry_run=True,
                                     output="HEIGHT")
        if pdf.will_page_break(height + 2 * pad):
            pdf.add_page()
        top = pdf.get_y() + pad
        pdf.set_xy(pdf.l_margin, top)
        _font(pdf, "B", 10.5 * scale, _INK)
        pdf.multi_cell(text_width, line, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
        if skills:
            _font(pdf, "", 9 * scale, _MUTED)
            pdf.multi_cell(text_width, line * 0.9, f"Skills: {skills}", new_x=XPos.LMARGIN, new_y=YPos.NEXT,
                           align="L")
        x = pdf.l_margin + columns[0]
        if level:
            colours = LEVEL_COLOURS[level]
            pdf.set_fill_color(*_rgb(colours["metal"]))
            pdf.set_draw_color(*_rgb(colours["rim"]))
            pdf.set_line_width(0.5)
            radius = 2.1 * scale
            pdf.ellipse(x + 0.3, top + line / 2 - radius, 2 * radius, 2 * radius, style="FD")
            _font(pdf, "B", 10.5 * scale, _INK)
            pdf.set_xy(x + 2 * radius + 2, top)
            pdf.cell(columns[1] - 2 * radius - 2, line, level.capitalize())
            _font(pdf, "", 9 * scale, _MUTED)
            pdf.set_xy(x + 2 * radius + 2, top + line)
            pdf.cell(columns[1] - 2 * radius - 2, line * 0.9, LEVEL_MEANINGS[level])
        else:
            _font(pdf, "", 10.5 * scale, _MUTED)
            pdf.set_xy(x, top)
            pdf.cell(columns[1], line, "Not yet")
        _font(pdf, "", 10.5 * scale, _INK if awarded_on else _MUTED)
        pdf.set_xy(x + columns[1], top)
        pdf.cell(columns[2], line, long_date(awarded_on) if awarded_on and level else "")
        bottom = max(top + height, top + (line * 1.9 if level else line)) + pad
        pdf.set_draw_color(*_RULE)
        pdf.set_line_width(0.2)
        pdf.line(pdf.l_margin, bottom, pdf.l_margin + width, bottom)
        pdf.set_xy(pdf.l_margin, bottom)


def _footer(pdf: FPDF, width: float, issuer_name: str, verify_url: str | None) -> None:
    """Draw the box at the foot of the page: the QR code, the link and how to check the passport."""
    top = _PAGE_HEIGHT - _MARGIN - _FOOTER_HEIGHT
    pdf.set_auto_page_break(False)  # the box sits inside the bottom margin kept free for it
    pdf.set_draw_color(*_BRAND)
    pdf.set_line_width(0.6)
    pdf.rect(pdf.l_margin, top, width, _FOOTER_HEIGHT)
    if verify_url is None:
        # The learner has not shared their passport, so there is nothing public to check yet.
        pdf.set_xy(pdf.l_margin + 6, top + 6)
        _font(pdf, "B", 12, _BRAND)
        pdf.multi_cell(width - 12, 6.5, "No check link yet", new_x=XPos.LEFT, new_y=YPos.NEXT, align="L")
        _font(pdf, "", 9.5, _INK)
        pdf.multi_cell(width - 12, 4.6, "The learner has not shared this passport. To add a link and a QR code "
                       "that an employer can check, they can choose “Make a link to my passport” on the site and "
                       "download the certificate again.", new_x=XPos.LEFT, new_y=YPos.NEXT, align="L")
        return
    code = segno.make(verify_url, error="m")
    png = io.BytesIO()
    code.save(png, kind="png", scale=8, border=4)
    png.seek(0)
    inset = (_FOOTER_HEIGHT - QR_SIZE_MM) / 2
    pdf.image(png, x=pdf.l_margin + inset, y=top + inset, w=QR_SIZE_MM, h=QR_SIZE_MM, link=verify_url,
              alt_text="QR code that opens the page to check this passport")
    left = pdf.l_margin + QR_SIZE_MM + 2 * inset
    text_width = pdf.l_margin + width - left - inset
    pdf.set_xy(left, top + inset - 1)
    _font(pdf, "B", 12, _BRAND)
    pdf.multi_cell(text_width, 6.5, "Check this passport", new_x=XPos.LEFT, new_y=YPos.NEXT, align="L")
    _font(pdf, "", 9.5, _INK)
    pdf.multi_cell(text_width, 4.6, "Scan the QR code with a phone camera, or type this address "
                   "into a web browser:", new_x=XPos.LEFT, new_y=YPos.NEXT, align="L")
    _font(pdf, "", 9.5, _LINK)
    pdf.set_text_shaping(False)  # a URL is read left to right, character by character
    pdf.multi_cell(text_width, 4.6, verify_url, link=verify_url, new_x=XPos.LEFT, new_y=YPos.NEXT,
                   align="L", wrapmode="CHAR")
    pdf.set_text_shaping(True)
    _font(pdf, "", 9.5, _INK)
    pdf.multi_cell(text_width, 4.6, f"The page shows the badges that {issuer_name} has on record "
                   "today. If a badge has been withdrawn, the page says so, and that badge no longer "
                   "counts.", new_x=XPos.LEFT, new_y=YPos.NEXT, align="L")


def _close_fonts(pdf: FPDF) -> None:
    """Close the font files fpdf2 leaves open (fontTools reads them lazily)."""
    for font in pdf.fonts.values():
        ttfont = getattr(font, "ttfont", None)
        if ttfont is not None:
            ttfont.close()


def _font(pdf: FPDF, style: str, size: float, colour: tuple[int, int, int]) -> None:
    pdf.set_font("DejaVu", style, size)
    pdf.set_text_color(*colour)


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    value = hex_colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)
