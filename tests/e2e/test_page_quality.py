"""Every learner page: no axe-core violations, no sideways scrolling at 320 px, small to download.

The three checks look at the same pages, reached the same way, so one walk visits each page once and
records what each check needs (its files, axe's findings, its width at 320 px); each test then judges
the record. Walking three times took three times as long and proved no more.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import APIRequestContext, Browser, Response

from tests.e2e.page_checks import PageLook, axe_problems, look, too_wide

# HTML, CSS and any JavaScript a page needs, uncompressed; pictures are not counted.
MAX_PAGE_BYTES = 60_000

# The address of a stylesheet or script a page loads.
_STYLESHEET_OR_SCRIPT = re.compile(
    r'<link\b(?=[^>]*\brel="stylesheet")[^>]*\bhref="([^"]+)"|<script\b[^>]*\bsrc="([^"]+)"')


@dataclass
class PageSeen(PageLook):
    """What the walk saw on one learner page, for each check to judge: axe, width, and its files."""

    files: dict[str, int]  # HTML, CSS and JavaScript loaded for the page, by address: bytes
    besides_html: set[tuple[str, int]]  # the CSS and JavaScript among them: address and bytes
    kinds: set[str]  # what kinds of file the page loaded, pictures too


@pytest.fixture(scope="module")
def walk(browser: Browser, browser_context_args: dict, quiz) -> tuple[list[PageSeen], APIRequestContext]:
    """Visit every learner page once as a new guest; return what was seen and the browser's request context.

    Each page is read at the usual screen size with no cache, so its files are fetched and counted;
    axe runs on it there; then the screen is narrowed to 320 px and its width measured.
    """
    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    # Send every request to the server: with no cache, each page's files are fetched and counted.
    page.route("**/*", lambda route: route.continue_())
    loaded: list[Response] = []

    def on_response(response: Response) -> None:
        if response.frame == page.main_frame and response.request.resource_type == "document":
            loaded.clear()  # a new page: count from here
        if not 300 <= response.status < 400:  # a redirect has no body: its target is counted
            loaded.append(response)

    page.on("response", on_response)
    axe = Axe()
    seen = []
    for learner_page in quiz.learner_pages():
        learner_page.visit(page)
        page.wait_for_load_state("load")
        files, besides_html = {}, set()
        for response in loaded:
            if response.headers.get("content-type", "").startswith("image/"):
                continue
            files[response.url] = len(response.body())
            if response.request.resource_type != "document":
                besides_html.add((response.url, files[response.url]))
        kinds = {response.request.resource_type for response in loaded}
        seen.append(PageSeen(**vars(look(page, learner_page.name, axe)),
                             files=files, besides_html=besides_html, kinds=kinds))
    yield seen, page.request
    context.close()


def test_every_learner_page_has_no_accessibility_violations_found_by_axe(walk):
    seen, _ = walk
    failures = axe_problems(seen)
    assert not failures, "\n\n".join(failures)


def test_no_learner_page_scrolls_sideways_on_a_320_pixel_wide_screen(walk):
    seen, _ = walk
    problems = too_wide(seen)
    assert not problems, "\n".join(problems)


def test_every_learner_page_needs_at_most_60_kb_of_html_css_and_javascript(walk, quiz):
    seen, request = walk
    sizes, too_big, files_besides = {}, [], set()
    for learner_page in seen:
        files = learner_page.files
        files_besides |= learner_page.besides_html
        assert {"document", "stylesheet"} <= learner_page.kinds, (learner_page.name, learner_page.kinds)
        total = sum(files.values())
        sizes[learner_page.name] = total
        if total > MAX_PAGE_BYTES:
            too_big.append(f"{learner_page.name}: {total} bytes: {files}")

    # Every other lesson and question is built from the same templates and needs the same
    # stylesheet (and script, if any): fetching its HTML is enough, and far quicker.
    assert len({url for url, _ in files_besides}) == len(files_besides), f"a file changed size: {files_besides}"
    besides = sum(size for _, size in files_besides)
    known = {urlsplit(url).path for url, _ in files_besides}
    paths = [f"/lessons/{lesson_id}" for lesson_id in quiz.course.lessons]
    paths += [f"/questions/{question_id}" for question_id in quiz.course.questions]
    for path in paths:
        response = request.get(path)
        assert response.ok, (path, response.status)
        needs = {urlsplit(css or js).path for css, js in _STYLESHEET_OR_SCRIPT.findall(response.text())}
        assert needs and needs <= known, f"{path} needs files the pages checked in the browser do not: {needs - known}"
        total = len(response.body()) + besides
        sizes[path] = total
        if total > MAX_PAGE_BYTES:
            too_big.append(f"{path}: {total} bytes: HTML {len(response.body())}, other files {besides}")
    biggest = max(sizes, key=sizes.get)
    print(f"largest page: {biggest}, {sizes[biggest]} bytes")
    assert not too_big, "\n".join(too_big)
