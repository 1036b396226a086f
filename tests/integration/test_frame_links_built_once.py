"""Every page's frame links (stylesheets, menu, footer) are built once, and right under any mount path."""

from __future__ import annotations

import re

from app import frame_links

HREFS = re.compile(r'(?:href|src)="([^"#]+)"')


def _frame(page: str) -> list[str]:
    """Return the addresses in the page's head, menu and footer (the lesson between them aside)."""
    head, _, rest = page.partition("<main")
    _, _, foot = rest.partition("</main>")
    return HREFS.findall(head) + HREFS.findall(foot)


def test_the_frame_links_are_built_once_not_at_every_page(app, monkeypatch):
    built = []
    real = frame_links.url_for
    monkeypatch.setattr(frame_links, "url_for", lambda *a, **k: built.append(a) or real(*a, **k))
    client = app.test_client()
    first = client.get("/lessons/make-a-strong-password")
    once = len(built)
    second = client.get("/lessons/make-a-strong-password")
    assert first.status_code == second.status_code == 200
    assert once == len(frame_links.PAGES) + len(frame_links.FILES)
    assert len(built) == once, "the second page reuses the first page's frame links"
    assert _frame(first.text) == _frame(second.text)
    assert "/static/style.css" in _frame(first.text) and "/" in _frame(first.text)


def test_an_app_served_under_a_path_links_its_frame_under_that_path(app):
    client = app.test_client()
    at_root = _frame(client.get("/lessons/make-a-strong-password").text)
    under = _frame(client.get("/lessons/make-a-strong-password",
                              environ_overrides={"SCRIPT_NAME": "/council"}).text)
    assert at_root and len(under) == len(at_root)
    assert under == ["/council" + href for href in at_root]
    again = _frame(client.get("/lessons/make-a-strong-password").text)
    assert again == at_root, "each path keeps its own links"
