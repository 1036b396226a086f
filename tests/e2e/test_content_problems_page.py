"""The content problems page in Chromium: a tutor finds a broken file from their home page; axe finds nothing."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from app.auth import accounts
from tests.conftest import CONTENT_DIR, make_app
from tests.e2e.page_checks import AXE_OPTIONS, NARROW
from tests.e2e.test_page_quality import MAX_PAGE_BYTES
from tests.integration.test_content_problems import KIND_PROBLEM, SETTING_PROBLEM
from tests.integration.test_content_problems import UNKNOWN_KIND as BROKEN_LESSON

PASSWORD = "teapot lantern orchard"


@pytest.fixture(scope="module")
def broken_site(tmp_path_factory, serve_app) -> Iterator[str]:
    """Serve a copy of the course with a broken lesson and a broken module, with a tutor and an admin."""
    folder = tmp_path_factory.mktemp("broken-site")
    content = folder / "content"
    shutil.copytree(CONTENT_DIR, content)
    (content / "passwords" / "08-lock-your-phone.md").write_text(BROKEN_LESSON, encoding="utf-8")
    module = content / "creating-documents" / "module.md"
    module.write_text(module.read_text(encoding="utf-8").replace("\norder: 3\n", "\nordr: 3\n"), encoding="utf-8")
    app = make_app(folder, f"sqlite:///{folder / 'broken.db'}", CONTENT_DIR=str(content))
    with app.app_context():
        accounts.create_user("broken.tutor", PASSWORD, "tutor", "Robin Tutor")
        accounts.create_user("broken.admin", PASSWORD, "admin", "Pat Admin")
    with serve_app(app, "broken-site") as url:
        yield url


def signed_in(new_context, base_url: str, username: str, password: str = PASSWORD, **options) -> Page:
    page = new_context(**options).new_page()
    page.goto(f"{base_url}/sign-in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/sign-in"))
    return page


def test_a_tutor_follows_the_link_from_their_home_page_to_each_broken_file(new_context, broken_site):
    page = signed_in(new_context, broken_site, "broken.tutor", viewport=NARROW)
    page.goto(f"{broken_site}/tutor/")
    page.get_by_role("link", name=re.compile(r"^Content problems: \d+ problems$")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Content problems")
    expect(page.get_by_role("heading", level=2, name="Errors: left out of the site")).to_be_visible()
    for problem in (KIND_PROBLEM, SETTING_PROBLEM):
        expect(page.get_by_text(problem, exact=True)).to_be_visible()
    width, visible = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width <= NARROW["width"] and width <= visible, f"{width} px wide, {visible} px visible"


def test_an_admin_reaches_the_page_from_the_admin_page(new_context, broken_site):
    page = signed_in(new_context, broken_site, "broken.admin")
    page.goto(f"{broken_site}/admin/")
    page.get_by_role("link", name=re.compile(r"^Content problems: ")).click()
    expect(page.get_by_text(KIND_PROBLEM, exact=True)).to_be_visible()


def test_the_content_problems_pages_have_no_accessibility_violations_found_by_axe(
        new_context, broken_site, live_server, preview_admin):
    axe = Axe()
    failures = []
    broken = signed_in(new_context, broken_site, "broken.admin")
    calm = signed_in(new_context, live_server, *preview_admin)
    visits = [(broken, broken_site, "content problems, with problems", "/tutor/content-problems"),
              (broken, broken_site, "tutor's home, with problems", "/tutor/"),
              (broken, broken_site, "admin page, with problems", "/admin/"),
              (calm, live_server, "content problems, none", "/tutor/content-problems"),
              (calm, live_server, "tutor's home, none", "/tutor/")]
    for page, site, name, path in visits:
        page.goto(site + path)
        if name == "content problems, none":
            expect(page.get_by_role("status")).to_contain_text("No problems.")
        results = axe.run(page, options=AXE_OPTIONS)
        assert results.response["passes"], f"axe checked nothing on {name}"
        if results.violations_count:
            failures.append(f"{name} ({page.url}):\n{results.generate_report()}")
    assert not failures, "\n\n".join(failures)


def test_the_content_problems_page_needs_at_most_60_kb(new_context, broken_site):
    page = signed_in(new_context, broken_site, "broken.tutor")
    page.route("**/*", lambda route: route.continue_())  # no cache: every file is fetched and counted
    sizes: dict[str, int] = {}
    page.on("response", lambda response: sizes.__setitem__(response.url, len(response.body()))
            if response.request.resource_type in ("document", "stylesheet", "script") else None)
    page.goto(f"{broken_site}/tutor/content-problems")
    page.wait_for_load_state("load")
    assert any(url.endswith("/tutor/content-problems") for url in sizes), sizes
    assert sum(sizes.values()) <= MAX_PAGE_BYTES, sizes
