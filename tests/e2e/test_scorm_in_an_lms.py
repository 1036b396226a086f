"""A VLE student works through a module in a SCORM 1.2 package, and the LMS's gradebook gets passed, 100.

The LMS is a stand-in: tests/e2e/lms/lms.html with the scorm-again runtime (from
npm, see tests/e2e/lms/package.json), served with the unzipped package from a
loopback server of its own, so it has another origin than the app. Both are on
127.0.0.1, on two ports: the same site, so the app's SameSite=Lax cookies work in
the frame, as EMBEDDED_COOKIES makes them work across sites over HTTPS.

The LMS keeps nothing between launches itself: the test reads cmi.suspend_data, where the
package keeps the student's key, and gives it to the next launch, as a real LMS would.
"""

from __future__ import annotations

import json
import re
import shutil
import threading
import zipfile
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from playwright.sync_api import Browser, Frame, Page, expect

from tests.conftest import make_app
from tests.integration.practice_steps import task_fields

LMS_DIR = Path(__file__).resolve().parent / "lms"
SCORM_AGAIN = LMS_DIR / "node_modules" / "scorm-again" / "dist" / "scorm12.js"
STUDENT = {"student": "s-2001", "name": "Taylor, Sam"}
# Something else a package might keep in cmi.suspend_data: the key must not push it out.
KEPT_BEFORE = "bookmark=lesson-3"
KEY_IN_SUSPEND_DATA = re.compile(r"\[skills-passport-key:[A-Za-z0-9_-]{43}\]")


class _QuietFiles(SimpleHTTPRequestHandler):
    def log_message(self, format, *args) -> None:
        pass


def _serve(server) -> threading.Thread:
    # Stopping waits for the server's next look at whether to stop: every 0.5 s by default.
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    return thread


@pytest.fixture(scope="module")
def lms_site(tmp_path_factory) -> Iterator[tuple[Path, str]]:
    """Serve the stand-in LMS and scorm-again from a loopback server of their own; yield its folder and origin."""
    if not SCORM_AGAIN.exists():
        pytest.fail("scorm-again is not installed: run `npm ci` in tests/e2e/lms (scripts/test does)")
    folder = tmp_path_factory.mktemp("lms")
    shutil.copy(LMS_DIR / "lms.html", folder / "lms.html")
    shutil.copy(SCORM_AGAIN, folder / "scorm12.js")
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietFiles, directory=str(folder)))
    thread = _serve(server)
    try:
        yield folder, f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@pytest.fixture(scope="module")
def scorm_site(tmp_path_factory, lms_site, serve_app) -> Iterator[tuple[object, str]]:
    """Serve the app on loopback with the LMS allowed to frame it; yield the app and its base URL."""
    _, lms_origin = lms_site
    folder = tmp_path_factory.mktemp("scorm-site")
    app = make_app(folder, f"sqlite:///{folder / 'scorm.db'}", FRAME_ANCESTORS=[lms_origin])
    with serve_app(app, "scorm-site") as url:
        app.config["PUBLIC_URL"] = url  # known only once the server has its port; read at each request
        yield app, url


@pytest.fixture(scope="module")
def lms_page(lms_site, scorm_site, quiz) -> str:
    """Export the module's package with the command, unzip it into the LMS, and return the LMS page's address."""
    folder, origin = lms_site
    app, _ = scorm_site
    target = folder / "module.zip"
    result = app.test_cli_runner().invoke(args=["export", "scorm", quiz.module.id, "-o", str(target)])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(target) as package:
        package.extractall(folder / "package")
    return f"{origin}/lms.html"


def open_in_lms(page: Page, lms_page: str, suspend_data: str = "") -> Frame:
    """Open the activity in the LMS as the student, polling every second; return the frame the module shows in."""
    page.goto(f"{lms_page}?" + urlencode({**STUDENT, "poll": 1, "suspend_data": suspend_data}))
    sco = page.frame_locator("#sco")
    # The SCO's first poll of the site's score.
    expect(sco.get_by_role("status")).to_contain_text(re.compile(r"^Skills mastered: \d+ of \d+\."))
    frame = sco.locator("#module").element_handle().content_frame()
    assert frame is not None
    return frame


def cmi(page: Page, element: str) -> str:
    """Return a value the LMS holds for the SCO, as its gradebook would read it."""
    return page.evaluate("element => window.API.LMSGetValue(element)", element)


def work_through(frame: Frame, quiz) -> int:
    """Follow the engine through the module inside the frames, answering right; return the answers given."""
    module = quiz.module
    with frame.expect_navigation():
        frame.get_by_role("button", name="I know some of this: let me show you", exact=True).click()
    answers = 0
    for _ in range(quiz.max_steps):
        url = frame.url
        if urlsplit(url).fragment == "finished":
            return answers
        if question := quiz.question_at(url):
            quiz.answer_with_mouse(frame, question)
            answers += 1
            what_next = frame.get_by_role("heading", level=2, name="What next").locator("xpath=..")
            with frame.expect_navigation():
                what_next.get_by_role("link").click()
        elif quiz.lesson_at(url):
            with frame.expect_navigation():
                frame.get_by_role("button", name="I have read this", exact=True).click()
        elif urlsplit(url).path == f"/modules/{module.id}/help":
            with frame.expect_navigation():
                frame.get_by_role("button", name="Carry on with other skills", exact=True).click()
        elif urlsplit(url).path.startswith(f"/modules/{module.id}/practice/"):
            # A practice task the engine offers: every step right, then on with the module.
            task = quiz.course.tasks[urlsplit(url).path.rsplit("/", 1)[1]]
            for name, values in task_fields(task).items():
                for value in values if isinstance(values, list) else [values]:
                    box = frame.locator(f"[name={json.dumps(name)}]").first
                    if box.evaluate("el => el.type === 'radio' || el.type === 'checkbox'"):
                        frame.locator(f"[name={json.dumps(name)}][value={json.dumps(value)}]").check()
                    elif box.evaluate("el => el.tagName === 'SELECT'"):
                        box.select_option(value)
                    else:
                        box.fill(value)
            with frame.expect_navigation():
                frame.get_by_role("button", name="Check what I did", exact=True).click()
            with frame.expect_navigation():
                frame.get_by_role("link", name=f"Carry on with {module.title}", exact=True).click()
        else:
            raise AssertionError(f"the engine led to an unexpected page: {url}")
    raise AssertionError(f"{module.id} was not finished within {quiz.max_steps} steps")


def test_a_vle_student_finishes_the_module_and_the_lms_records_passed_with_100(page: Page, browser: Browser,
                                                                               lms_page: str, quiz):
    module = quiz.module
    frame = open_in_lms(page, lms_page, suspend_data=KEPT_BEFORE)
    expect(frame.get_by_role("heading", level=1)).to_have_text(module.title)
    assert cmi(page, "cmi.core.lesson_status") == "incomplete", "the SCO marks a first launch as started"
    # The site gave the first launch a key, and the SCO kept it in the learner's own suspend_data, at once.
    suspend_data = cmi(page, "cmi.suspend_data")
    key = KEY_IN_SUSPEND_DATA.fullmatch(suspend_data.removesuffix(KEPT_BEFORE))
    assert key and suspend_data.endswith(KEPT_BEFORE), suspend_data
    assert "key" not in frame.url and key.group(0)[21:-1] not in frame.url, "the key is never in an address"
    page.wait_for_function("window.API.cmi.core.score.raw === '0'")

    answers = work_through(frame, quiz)
    assert answers >= len(module.skills)
    expect(frame.locator("#finished").get_by_role("heading", level=2)).to_have_text("You have finished this topic")

    page.wait_for_function("window.API.cmi.core.lesson_status === 'passed'", timeout=10_000)
    assert page.evaluate("window.API.cmi.core.lesson_status") == "passed"
    assert (cmi(page, "cmi.core.score.raw"), cmi(page, "cmi.core.score.min"), cmi(page, "cmi.core.score.max")) \
        == ("100", "0", "100")
    total = len(module.skills)
    expect(page.frame_locator("#sco").get_by_role("status")).to_have_text(
        f"Skills mastered: {total} of {total}. Your course gets this as your score.")

    # Leaving the activity finishes the SCO: the LMS is told, with the time spent.
    page.evaluate("document.getElementById('sco').src = 'about:blank'")
    page.wait_for_function("window.scoFinished === true")
    set_by_sco = page.evaluate("window.scoSet")
    assert set_by_sco["cmi.core.exit"] == "suspend", "even once passed, so the LMS keeps the key for next time"
    assert re.fullmatch(r"\d{4}:\d{2}:\d{2}", set_by_sco["cmi.core.session_time"])

    # Another day, another computer: the LMS gives the SCO the suspend_data it kept, and the key in it
    # reaches the same learner, with the module finished.
    context = browser.new_context()
    try:
        again = context.new_page()
        frame = open_in_lms(again, lms_page, suspend_data=suspend_data)
        expect(frame.locator("#finished").get_by_role("heading", level=2)).to_have_text("You have finished this topic")
        again.wait_for_function("window.API.cmi.core.lesson_status === 'passed'", timeout=10_000)
        assert cmi(again, "cmi.core.score.raw") == "100"
        assert cmi(again, "cmi.suspend_data") == suspend_data, "the same key: nothing to change"
        # For browsers that block cookies in frames: the same launch, posted to a tab of its own.
        with again.expect_popup() as opened:
            again.frame_locator("#sco").get_by_role("button", name="Open the topic in its own tab").click()
        tab = opened.value
        expect(tab.locator("#finished").get_by_role("heading", level=2)).to_have_text("You have finished this topic")
    finally:
        context.close()

    # An LMS that lost suspend_data (or anyone else with the package and the student's id) reaches nobody.
    context = browser.new_context()
    try:
        lost = context.new_page()
        lost.goto(f"{lms_page}?" + urlencode({**STUDENT, "poll": 1}))
        sco = lost.frame_locator("#sco")
        expect(sco.get_by_role("status")).to_contain_text("your VLE did not send the key it was given then")
        expect(sco.locator("#module")).to_be_hidden()
        assert cmi(lost, "cmi.suspend_data") == "", "the SCO writes no key it was not given"
        assert context.cookies() == [], "the site signed nobody in"
    finally:
        context.close()
