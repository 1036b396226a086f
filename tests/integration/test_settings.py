"""Reading settings: chosen with a plain form, kept in this browser, drawn by classes on every page."""

from __future__ import annotations

import re

from tests.conftest import csrf_token

HTML_CLASSES = re.compile(r'<html lang="en-GB"(?: class="([^"]*)")?>')


def html_classes(page: str) -> set[str]:
    match = HTML_CLASSES.search(page)
    assert match, "the page has an <html> element"
    return set((match.group(1) or "").split())


def choose(client, **settings):
    page = client.get("/settings")
    return client.post("/settings", data={**settings, "csrf_token": csrf_token(page.text)})


def test_the_settings_page_is_linked_from_every_pages_footer(client):
    for path in ("/", "/passport", "/account", "/check", "/modules/passwords"):
        assert 'href="/settings">Text size and colours</a>' in client.get(path).text, path


def test_a_choice_is_remembered_and_applied_to_every_page_without_javascript(client):
    assert html_classes(client.get("/").text) == set()
    assert "reading.css" not in client.get("/").text, "standard pages load no extra file"
    saved = choose(client, text="larger", contrast="high", spacing="wide")
    assert saved.status_code == 303 and saved.location == "/settings?saved=1"
    assert client.get_cookie("reading").value == "larger.high.wide"
    for path in ("/", "/modules/passwords", "/passport", "/check"):
        page = client.get(path)
        assert html_classes(page.text) == {"text-larger", "contrast-high", "spacing-wide"}, path
        assert "/static/reading.css" in page.text and "Cookie" in page.headers.get("Vary", ""), path
    form = client.get("/settings").text
    assert 'value="larger" id="text-larger" checked' in form and 'value="high" id="contrast-high" checked' in form


def test_going_back_to_the_standard_page_forgets_the_cookie(client):
    choose(client, text="large")
    assert html_classes(client.get("/").text) == {"text-large"}
    choose(client, text="standard", contrast="standard", spacing="standard")
    assert client.get_cookie("reading") is None and html_classes(client.get("/").text) == set()


def test_a_forged_or_damaged_choice_gives_the_standard_page(client):
    choose(client, text="huge", contrast="<script>", spacing="x" * 5000)
    assert client.get_cookie("reading") is None
    client.set_cookie("reading", '"><script>alert(1)</script>.high.wide')
    page = client.get("/").text
    assert html_classes(page) == {"contrast-high", "spacing-wide"} and "<script>alert" not in page
    client.set_cookie("reading", "nonsense")
    assert html_classes(client.get("/").text) == set()


def test_settings_need_the_pages_form_token(client):
    assert client.post("/settings", data={"text": "large"}).status_code == 400
    assert client.get_cookie("reading") is None
