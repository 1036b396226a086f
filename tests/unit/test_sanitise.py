"""Hostile Markdown never reaches a page: everything rendered goes through the allow-list."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from engine.loader import load_course
from engine.render import ALLOWED_TAGS, render_markdown
from tests.unit.conftest import lesson_with

HOSTILE = [
    "<script>alert('x')</script>",
    '<img src=x onerror="alert(1)">',
    "[click me](javascript:alert(1))",
    '<a href="javascript:alert(1)">click</a>',
    '<iframe src="https://evil.example"></iframe>',
    '<div onclick="steal()">text</div>',
    '<style>body { display: none }</style>',
    '<svg onload="alert(1)"><circle r="1"/></svg>',
    '<form action="https://evil.example"><input name="pin"></form>',
    '<object data="x.swf"></object>',
    '<p style="background:url(javascript:alert(1))">styled</p>',
    "![x](javascript:alert(1))",
    '<a href="data:text/html;base64,PHNjcmlwdD4=">data</a>',
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
]


class Elements(HTMLParser):
    """Collect every tag and attribute in a piece of HTML."""

    def __init__(self, html: str):
        super().__init__()
        self.found: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def assert_inert(html: str) -> None:
    """Fail if the HTML has a tag, attribute or address that could run or restyle anything."""
    for tag, attrs in Elements(html).found:
        assert tag in ALLOWED_TAGS, f"<{tag}> survived in {html!r}"
        for name, value in attrs.items():
            assert not name.startswith("on") and name != "style", f"{name}= survived in {html!r}"
            if name in ("href", "src"):
                scheme = urlsplit(value or "").scheme
                assert scheme in ("", "http", "https", "mailto", "tel"), f"{value!r} survived in {html!r}"


@pytest.mark.parametrize("markdown", HOSTILE)
def test_hostile_markdown_renders_without_anything_that_runs(markdown):
    assert_inert(render_markdown(markdown))


def test_links_are_kept_and_marked_noopener():
    html = render_markdown("Read the [NCSC advice](https://www.ncsc.gov.uk/collection/top-tips).")
    assert '<a href="https://www.ncsc.gov.uk/collection/top-tips" rel="noopener">NCSC advice</a>' in html


def test_mail_and_phone_links_are_allowed():
    html = render_markdown("[Email](mailto:report@phishing.gov.uk) or [call](tel:159)")
    assert 'href="mailto:report@phishing.gov.uk"' in html and 'href="tel:159"' in html


def test_top_level_headings_become_second_level_so_the_page_keeps_one_h1():
    html = render_markdown("# Section\n\n## Sub")
    assert "<h1" not in html and html.count("<h2>") == 2


def test_ordinary_formatting_survives():
    html = render_markdown("**bold** *it* `code`\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |")
    for tag in ("<strong>", "<em>", "<code>", "<ul>", "<li>", "<table>", "<td>"):
        assert tag in html


def test_hostile_html_in_prompts_feedback_and_hints_is_removed_too(write_content, good_module):
    question = (
        "::: question q1\nkind: single\n\nPick <img src=x onerror=alert(1)> one <script>x()</script>.\n\n"
        "- [x] A\n  Good <a href=\"javascript:alert(1)\">job</a>.\n- [ ] B\n  <iframe src=//e></iframe>No.\n\n"
        "Hint: <b onmouseover=\"x()\">look</b>\n:::\n"
    )
    good_module["safety/02-quiz.md"] = lesson_with(question)
    course = load_course(write_content(good_module))
    assert "q1" not in course.questions, "an <img> written as HTML is an error, so the file is left out"
    assert any("write pictures as ![description](file)" in p.message for p in course.errors)

    good_module["safety/02-quiz.md"] = lesson_with(question.replace("<img src=x onerror=alert(1)>", ""))
    course = load_course(write_content(good_module))
    q = course.questions["q1"]
    for html in [q.prompt_html, *q.hints, *(o.feedback_html for o in q.options)]:
        assert_inert(html)
    assert "look" in q.hints[0] and "job" in q.options[0].feedback_html
    assert any("not allowed in lessons" in p.message for p in course.warnings)


@pytest.mark.parametrize("text", ["Use GOV.UK to renew a passport.",
                                  "The text said to pay at parcel-redelivery-fee.info/pay today.",
                                  "Go to www.example.co.uk or http://scam.example/login now."])
def test_a_web_address_written_as_plain_text_stays_text_so_no_scam_address_becomes_a_link(text):
    html = render_markdown(text)
    assert "<a " not in html and "href" not in html
