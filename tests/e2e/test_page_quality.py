"""Every learner page: no axe-core violations, no sideways scrolling at 320 px, small to download."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, Response

# WCAG 2.2 AA, as axe-core tags its rules.
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}

NARROW = {"width": 320, "height": 640}

# HTML, CSS and any JavaScript a page needs, uncompressed; pictures are not counted.
MAX_PAGE_BYTES = 60_000

# The address of a stylesheet or script a page loads.
_STYLESHEET_OR_SCRIPT = re.compile(
    r'<link\b(?=[^>]*\brel="stylesheet")[^>]*\bhref="([^"]+)"|<script\b[^>]*\bsrc="([^"]+)"')


def test_every_learner_page_has_no_accessibility_violations_found_by_axe(page: Page, quiz):
    axe = Axe()
    failures = []
    for learner_page in quiz.learner_pages():
        learner_page.visit(page)
        results = axe.run(page, options=AXE_OPTIONS)
        assert results.response["passes"], f"axe checked nothing on {learner_page.name}"
        if results.violations_count:
            report = f"{learner_page.name} ({page.url}):\n{results.generate_report()}"
            print(report)
            failures.append(report)
    assert not failures, "\n\n".join(failures)


def test_no_learner_page_scrolls_sideways_on_a_320_pixel_wide_screen(new_context, quiz):
    page = new_context(viewport=NARROW).new_page()
    too_wide = []
    for learner_page in quiz.learner_pages():
        learner_page.visit(page)
        # clientWidth is the width left beside a vertical scroll bar, if the browser shows one.
        width, visible = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        if width > NARROW["width"] or width > visible:
            too_wide.append(f"{learner_page.name} ({page.url}): {width} px wide, {visible} px visible")
    assert not too_wide, "\n".join(too_wide)


def test_every_learner_page_needs_at_most_60_kb_of_html_css_and_javascript(new_context, quiz):
    page = new_context().new_page()
    # Send every request to the server: with no cache, each page's files are fetched and counted.
    page.route("**/*", lambda route: route.continue_())
    loaded: list[Response] = []

    def on_response(response: Response) -> None:
        if response.frame == page.main_frame and response.request.resource_type == "document":
            loaded.clear()  # a new page: count from here
        if not 300 <= response.status < 400:  # a redirect has no body: its target is counted
            loaded.append(response)

    page.on("response", on_response)
    sizes, too_big, files_besides = {}, [], set()
    for learner_page in quiz.learner_pages():
        learner_page.visit(page)
        page.wait_for_load_state("load")
        files = {}
        for response in loaded:
            if response.headers.get("content-type", "").startswith("image/"):
                continue
            files[response.url] = len(response.body())
            if response.request.resource_type != "document":
                files_besides.add((response.url, files[response.url]))
        kinds = {r.request.resource_type for r in loaded}
        assert {"document", "stylesheet"} <= kinds, (learner_page.name, kinds)
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
        response = page.request.get(path)
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
