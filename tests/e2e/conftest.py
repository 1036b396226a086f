"""Browser tests: one live server for the session, a fresh browser context (a new guest) per test.

The browser is Debian's Chromium at /usr/bin/chromium: never run `playwright install`.
"""

from __future__ import annotations

import importlib.util
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from playwright.sync_api import APIRequestContext, Page, expect
from werkzeug.serving import WSGIRequestHandler, make_server

from app.extensions import db
from engine.answers import display_order
from engine.loader import load_course
from engine.model import Course, Lesson, Option, Question
from tests.integration.practice_steps import task_fields

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def _shared_test_helpers():
    """Load tests/conftest.py for its `make_app` and CONTENT_DIR.

    Neither tests/ nor tests/e2e/ is a package, so pytest imports each
    conftest.py as a module named "conftest", and `from conftest import ...`
    would find whichever came last. Loading the file by path, under a name of
    its own, works whatever the import mode. (It only defines things, so
    running it a second time is harmless.)
    """
    path = Path(__file__).resolve().parent.parent / "conftest.py"
    spec = importlib.util.spec_from_file_location("skills_passport_shared_conftest", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_shared = _shared_test_helpers()
make_app = _shared.make_app
CONTENT_DIR: Path = _shared.CONTENT_DIR

# The module the mouse and keyboard journeys follow the engine through.
MODULE_ID = "passwords"
MODULE_TITLE = "Passwords and staying safe online"
# A module that is finished, answering everything right, for the page checks.
FINISHED_MODULE_ID = "creating-documents"
# A module a learner starts with its first lesson, for the page checks.
LESSONS_FIRST_MODULE_ID = "online-banking"
# A module a learner gets wrong again and again, until the engine offers a tutor's help.
STUCK_MODULE_ID = "applying-for-jobs"
# No journey may take more steps than this: a module not finished by then is a dead end.
MAX_STEPS = 150

KINDS = {"single", "multiple", "true-false", "typed", "ordering"}
_CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
_FORM = {"Content-Type": "application/x-www-form-urlencoded"}
# A question's heading says where the learner is: "Question 2 of 4" in its lesson, or "Quick check".
QUESTION_HEADING = re.compile(r"^(Question \d+ of \d+|Quick check)$")
# A typed answer no question accepts.
WRONG_TYPED = "I do not know"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Launch the system Chromium, with nothing that reaches the network."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


class _QuietRequestHandler(WSGIRequestHandler):
    """Log errors only, so a failing test's output is not buried under every request."""

    def log_request(self, code="-", size="-") -> None:
        if str(code).startswith("5"):
            super().log_request(code, size)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory) -> Iterator[str]:
    """Serve the app with the real course on loopback, and yield its base URL."""
    folder = tmp_path_factory.mktemp("live-server")
    app = make_app(folder, f"sqlite:///{folder / 'e2e.db'}", CONTENT_DIR=str(CONTENT_DIR))
    with serving(app, "e2e-live-server") as url:
        yield url


@contextmanager
def serving(app, name: str = "e2e-app") -> Iterator[str]:
    """Serve an app on a free loopback port while the block runs; yield its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietRequestHandler)
    # Stopping waits for the server's next look at whether to stop: every 0.5 s by default.
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, name=name, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture(scope="session")
def serve_app():
    """Return `serving`, for a test module that needs an app of its own on loopback (test modules
    cannot import this conftest)."""
    return serving


@pytest.fixture(scope="session")
def base_url(live_server) -> str:
    """Point every browser context at the live server, so pages can use paths like "/".

    This replaces pytest-playwright's own `base_url` fixture (read from
    --base-url), which is a method on a plugin class and so raises pytest's
    PytestRemovedIn10Warning, an error under this project's settings.
    """
    return live_server


@pytest.fixture(scope="session")
def quiz() -> Quiz:
    """Return the course, read the way the server reads it, with what a learner would do."""
    course = load_course(CONTENT_DIR)
    assert not course.errors, course.errors
    return Quiz(course)


class Quiz:
    """The real course, and how a learner answers its questions and reaches its pages.

    Test modules get this through the `quiz` fixture (a conftest cannot be
    imported reliably), so every test answers questions the same way.
    """

    module_title = MODULE_TITLE
    max_steps = MAX_STEPS

    def __init__(self, course: Course) -> None:
        self.course = course
        self.module = course.module(MODULE_ID)
        assert self.module is not None and self.module.title == MODULE_TITLE
        # The first lesson with a "Words in this lesson" box.
        self.glossary_lesson = next(lesson for lesson in self.module.path_lessons if lesson.words)

    # Where the learner is ------------------------------------------------------

    def question_at(self, url: str) -> Question | None:
        """Return the question a page address shows, or None."""
        path = urlsplit(url).path
        if path.startswith("/questions/"):
            return self.course.questions[path.rsplit("/", 1)[1]]
        return None

    def lesson_at(self, url: str) -> Lesson | None:
        """Return the lesson a page address shows, or None."""
        path = urlsplit(url).path
        if path.startswith("/lessons/"):
            return self.course.lessons[path.rsplit("/", 1)[1]]
        return None

    # What to pick -----------------------------------------------------------

    @staticmethod
    def right_options(question: Question) -> list[Option]:
        """Return the options to pick for a right answer, in the order they are picked.

        Ordering: every step, in the right order. Typed: the first accepted
        answer. Otherwise: every right option, in the order shown.
        """
        if question.kind == "ordering":
            return list(question.choices)
        if question.kind == "typed":
            return [question.correct_options[0]]
        return [o for o in display_order(question) if o.correct]

    @staticmethod
    def wrong_options(question: Question) -> list[Option]:
        """Return the options for a wrong answer, preferring one that shows a misconception."""
        if question.kind == "ordering":
            steps = list(question.choices)
            return steps[1:] + steps[:1]
        wrong = [o for o in question.choices if not o.correct]
        if not wrong and question.kind == "typed":
            return [Option(key="", text=WRONG_TYPED, correct=False)]
        wrong.sort(key=lambda o: o.misconception is None)
        return [wrong[0]]

    def questions_of_each_kind(self, module_id: str | None = None) -> dict[str, Question]:
        """Return the first question of each kind in a module (or in the course)."""
        found: dict[str, Question] = {}
        for question in self.course.questions.values():
            if module_id is None or question.module_id == module_id:
                found.setdefault(question.kind, question)
        assert set(found) == KINDS, found
        return found

    def misled(self, module_id: str = MODULE_ID) -> tuple[Question, Option, Lesson]:
        """Return a one-answer question with a wrong answer that shows a common mix-up,
        that wrong answer, and the extra-help lesson that clears the mix-up up."""
        for question in self.course.questions.values():
            if question.module_id != module_id or question.kind != "single":
                continue
            [wrong] = self.wrong_options(question)
            if wrong.misconception:
                remedy = self.course.lessons[self.course.remedies[wrong.misconception][0]]
                return question, wrong, remedy
        raise AssertionError(f"no question in {module_id} has a wrong answer with a misconception")

    def hinted(self) -> Question:
        """Return a question with the most hints."""
        question = max(self.course.questions.values(), key=lambda q: len(q.hints))
        assert len(question.hints) >= 2, question.hints
        return question

    # Answering with the mouse ----------------------------------------------

    @staticmethod
    def check_answer_button(page: Page):
        return page.get_by_role("button", name="Check my answer", exact=True)

    @staticmethod
    def fill_in_with_mouse(page: Page, question: Question, options: list[Option]) -> None:
        """Answer as a mouse (or touch) user would: click, type and choose, without sending."""
        if question.kind in ("single", "true-false", "multiple"):
            for option in options:
                page.get_by_label(option.text, exact=True).check()
        elif question.kind == "typed":
            page.get_by_role("textbox", name="Type your answer").fill(options[0].text)
        else:
            for position, option in enumerate(options, start=1):
                page.get_by_label(f"Step {position}", exact=True).select_option(label=option.text)

    def answer_with_mouse(self, page: Page, question: Question, right: bool = True) -> None:
        """Answer the question on the page, press "Check my answer" and wait for the feedback."""
        self.fill_in_with_mouse(page, question, self.right_options(question) if right
                                else self.wrong_options(question))
        self.check_answer_button(page).click()
        expect(page.get_by_role("heading", level=2, name="Right!" if right else "Not quite")).to_be_visible()

    # Following the engine without a browser -----------------------------------

    @staticmethod
    def form_fields(question: Question, options: list[Option]) -> dict:
        """Return the form fields a browser sends for these options."""
        if question.kind == "typed":
            return {"typed": options[0].text}
        if question.kind == "ordering":
            return {f"step-{n}": o.key for n, o in enumerate(options, start=1)}
        return {"choice": [o.key for o in options]}

    def walk_with_requests(self, request: APIRequestContext, module_id: str, *, right: bool,
                           stop_at: str | None = None) -> str:
        """Follow the engine through a module with plain requests, in the browser context's session.

        This sets a learner up quickly for a page check: it answers every
        question right (or wrong), reads every lesson and takes every offer of
        help. It returns the address of the engine's next step: the module
        page's #finished, or the first step whose path starts with `stop_at`.
        """
        for _ in range(MAX_STEPS):
            response = request.get(f"/modules/{module_id}/continue", max_redirects=0)
            assert response.status == 302, (module_id, response.status)
            location = response.headers["location"]
            address = urlsplit(location)
            if address.fragment == "finished" or (stop_at and address.path.startswith(stop_at)):
                return location
            page = request.get(location)
            assert page.ok, (location, page.status)
            fields = {"csrf_token": _CSRF_FIELD.search(page.text()).group(1)}
            if question := self.question_at(location):
                options = self.right_options(question) if right else self.wrong_options(question)
                fields.update(self.form_fields(question, options))
                target = location
            elif self.lesson_at(location):
                target = f"{address.path}/read"
            elif address.path.startswith(f"/modules/{module_id}/practice/"):
                # A practice task the engine offers: done right, or with a beginner's mistakes.
                fields.update(task_fields(self.course.tasks[address.path.rsplit("/", 1)[1]], right=right))
                target = location
            else:
                assert address.path == f"/modules/{module_id}/help", location
                target = location
            sent = request.post(target, data=urlencode(fields, doseq=True), headers=_FORM, max_redirects=0)
            assert sent.status == 302, (target, sent.status, sent.text()[:300])
        raise AssertionError(f"the engine did not finish {module_id} within {MAX_STEPS} steps"
                             + (f" or reach {stop_at}" if stop_at else ""))

    # Every kind of learner page --------------------------------------------

    def learner_pages(self) -> list[LearnerPage]:
        """List the learner pages: home, modules, lessons, questions, errors, feedback, hints, help, 404.

        Some pages need a learner's answers first: visit them in the order
        listed, in one browser context.
        """
        course = self.course
        pages = [LearnerPage("home, new learner", _go("/", "Learn everyday digital skills"))]
        for module in course.modules:
            pages.append(LearnerPage(f"module {module.id}, not started", self._module(module.id, "Start")))
        lesson, word = self.glossary_lesson, self.glossary_lesson.words[-1]
        pages.append(LearnerPage(f"lesson {lesson.id}, with its words, one explained",
                                 _go(f"/lessons/{lesson.id}#word-{word.slug}", lesson.title)))
        pages.append(LearnerPage(f"the first question the engine asks in {MODULE_ID}, with its reason",
                                 self._first_step(MODULE_ID)))
        pages.append(LearnerPage("feedback after “I don't know yet” on that quick check", self._dont_know))
        pages.append(LearnerPage(f"module {LESSONS_FIRST_MODULE_ID}, started with the lessons, one read",
                                 self._lessons_first(LESSONS_FIRST_MODULE_ID)))
        kinds = self.questions_of_each_kind()
        for question in kinds.values():
            pages.append(LearnerPage(f"{question.kind} question {question.id}",
                                     _go(_question_url(question), QUESTION_HEADING)))
        for kind, question in kinds.items():
            pages.append(LearnerPage(f"{kind} question {question.id}, sent with nothing chosen",
                                     self._validation_error(question)))
        hinted = self.hinted()
        pages.append(LearnerPage(f"question with every hint shown ({hinted.id})", self._hints(hinted)))
        single = kinds["single"]
        pages.append(LearnerPage(f"feedback, right ({single.id})", self._feedback(single, right=True)))
        misled, _, remedy = self.misled()
        pages.append(LearnerPage(f"feedback, wrong, with a common mix-up ({misled.id})",
                                 self._feedback(misled, right=False, remedy=remedy)))
        multiple = kinds["multiple"]
        pages.append(LearnerPage(f"feedback, wrong ({multiple.id})", self._feedback(multiple, right=False)))
        ordering = kinds["ordering"]
        pages.append(LearnerPage(f"feedback, wrong order ({ordering.id})", self._feedback(ordering, right=False)))
        pages.append(LearnerPage(f"module {single.module_id}, in progress", self._module(single.module_id, "Continue")))
        pages.append(LearnerPage("home, carrying on", self._home_carrying_on))
        pages.append(LearnerPage(f"help with a skill in {STUCK_MODULE_ID}", self._help(STUCK_MODULE_ID)))
        pages.append(LearnerPage(f"module {STUCK_MODULE_ID}, worked through",
                                 self._walked(STUCK_MODULE_ID, False, "You have worked through this topic")))
        pages.append(LearnerPage(f"module {FINISHED_MODULE_ID}, finished",
                                 self._walked(FINISHED_MODULE_ID, True, "You have finished this topic")))
        pages.extend(self.passport_pages())
        pages.extend(self.account_pages())
        pages.extend(self.shared_computer_pages())  # last but one: finishing forgets this learner
        pages.append(LearnerPage("page not found", _go("/modules/no-such-module", "Page not found", status=404)))
        return pages

    def account_pages(self) -> list[LearnerPage]:
        """List the account pages: keeping progress, signing in, resume codes, groups and data."""
        return [
            LearnerPage("account, a guest", _go("/account", "Save your progress")),
            LearnerPage("save an account, with a problem", _submit("/account/save", "Save my progress",
                                                                    "Save your progress with a username")),
            LearnerPage("sign in, wrong", _submit("/sign-in", "Sign in", "Sign in")),
            LearnerPage("resume code, wrong", _submit("/resume", "Carry on", "Carry on with a resume code")),
            LearnerPage("join a group, with a problem", _submit("/groups/join", "Join the group", "Join a group")),
            LearnerPage("a new resume code", _new_resume_code),
            LearnerPage("delete your account", _go("/account/delete", "Delete your account and progress")),
        ]

    @staticmethod
    def shared_computer_pages() -> list[LearnerPage]:
        """List the reading settings and the finishing pages; the last one finishes on this computer."""
        return [
            LearnerPage("text size and colours", _go("/settings", "Text size and colours")),
            LearnerPage("finish on this computer, a guest", _go("/finish", "Finish on this computer")),
            LearnerPage("finished, the next person starts fresh",
                        _submit_to("/finish", "Finish on this computer", "You have finished")),
        ]

    def passport_pages(self) -> list[LearnerPage]:
        """List the passport's pages, for a learner who has finished FINISHED_MODULE_ID (bronze and silver)."""
        module = self.course.module(FINISHED_MODULE_ID)
        return [
            LearnerPage("passport, not shared", _passport_unshared),
            LearnerPage("passport, shared, with a shared badge", _passport_shared(module.title)),
            LearnerPage("passport check page, valid", _follow_share_link),
            LearnerPage("badge check page, valid", _badge_check(module.title)),
            LearnerPage("certificate to print", _go("/passport/certificate", "Digital Skills Passport")),
            LearnerPage("check a code, not found", _go("/check?code=NOPE+NOPE", "Check a Digital Skills Passport",
                                                       status=404)),
            LearnerPage("what silver takes", _go(f"/badges/topics/{module.id}/silver/criteria",
                                                 f"Silver in {module.title}")),
        ]

    @staticmethod
    def _first_step(module_id: str) -> Callable[[Page], None]:
        def visit(page: Page) -> None:
            page.goto(f"/modules/{module_id}/continue")
            expect(page).to_have_url(re.compile(r"/questions/"))
            expect(page.get_by_role("heading", level=1)).to_have_text("Quick check")
            expect(page.locator("main p.reason")).to_be_visible()
            expect(page.get_by_role("button", name="I don't know yet", exact=True)).to_be_visible()
        return visit

    @staticmethod
    def _dont_know(page: Page) -> None:
        """Press "I don't know yet" on the quick check the page shows (visit after `_first_step`)."""
        page.get_by_role("button", name="I don't know yet", exact=True).click()
        expect(page.get_by_role("heading", level=1, name="That is fine")).to_be_visible()

    @staticmethod
    def _lessons_first(module_id: str) -> Callable[[Page], None]:
        def visit(page: Page) -> None:
            page.goto(f"/modules/{module_id}")
            page.get_by_role("button", name="Start with the first lesson", exact=True).click()
            expect(page).to_have_url(re.compile(r"/lessons/"))
            with page.expect_navigation():
                page.get_by_role("button", name="I have read this", exact=True).click()
            page.goto(f"/modules/{module_id}")
            expect(page.get_by_role("button", name="I know some of this: let me show you")).to_be_visible()
        return visit

    def _validation_error(self, question: Question) -> Callable[[Page], None]:
        def visit(page: Page) -> None:
            page.goto(_question_url(question))
            self.check_answer_button(page).click()
            expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
        return visit

    def _feedback(self, question: Question, right: bool, remedy: Lesson | None = None) -> Callable[[Page], None]:
        def visit(page: Page) -> None:
            page.goto(_question_url(question))
            self.answer_with_mouse(page, question, right=right)
            expect(page.get_by_role("heading", level=2, name="What next")).to_be_visible()
            if remedy is not None:
                expect(page.get_by_role("heading", level=2, name="A common mix-up")).to_be_visible()
                expect(page.get_by_role("link", name=remedy.title, exact=True)).to_be_visible()
        return visit

    @staticmethod
    def _hints(question: Question) -> Callable[[Page], None]:
        def visit(page: Page) -> None:
            page.goto(_question_url(question))
            for n in range(1, len(question.hints) + 1):
                page.get_by_role("button", name="Show a hint" if n == 1 else "Show another hint").click()
                expect(page.get_by_text(f"Hint {n}", exact=True)).to_be_visible()
            expect(page.get_by_role("button", name=re.compile("hint"))).to_have_count(0)
        return visit

    def _module(self, module_id: str, button: str) -> Callable[[Page], None]:
        module = self.course.module(module_id)

        def visit(page: Page) -> None:
            page.goto(f"/modules/{module_id}")
            if button == "Start":  # not started: two plain choices
                expect(page.get_by_role("button", name="Start with the first lesson", exact=True)).to_be_visible()
            else:
                expect(page.get_by_role("link", name=f"{button} {module.title}", exact=True)).to_be_visible()
            _open_levels(page)
        return visit

    @staticmethod
    def _home_carrying_on(page: Page) -> None:
        page.goto("/")
        expect(page.get_by_role("heading", name="Carry on where you left off")).to_be_visible()

    def _help(self, module_id: str) -> Callable[[Page], None]:
        def visit(page: Page) -> None:
            help_page = f"/modules/{module_id}/help"
            location = self.walk_with_requests(page.request, module_id, right=False, stop_at=help_page)
            assert urlsplit(location).path == help_page, f"the engine never offered help: {location}"
            page.goto(location)
            expect(page.get_by_role("heading", level=1)).to_contain_text("Help with")
            expect(page.locator("main p.lead")).to_contain_text("A tutor can help")
            expect(page.get_by_role("button", name="Carry on with other skills")).to_be_visible()
        return visit

    def _walked(self, module_id: str, right: bool, panel: str) -> Callable[[Page], None]:
        def visit(page: Page) -> None:
            self.walk_with_requests(page.request, module_id, right=right)
            page.goto(f"/modules/{module_id}")
            expect(page.get_by_role("heading", level=2, name=panel, exact=True)).to_be_visible()
            _open_levels(page)
        return visit


@dataclass(frozen=True)
class LearnerPage:
    """A page to check, and how to reach it."""

    name: str
    visit: Callable[[Page], None]


def _open_levels(page: Page) -> None:
    """Open a module page's "What the levels mean", so its contents are checked too."""
    page.get_by_text("What the levels mean", exact=True).click()
    expect(page.get_by_text("Mastered", exact=True).last).to_be_visible()


def _submit(path: str, button: str, heading: str) -> Callable[[Page], None]:
    """Open a form and send it empty, to see its error summary."""
    def visit(page: Page) -> None:
        page.goto(path)
        page.get_by_role("button", name=button, exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    return visit


def _submit_to(path: str, button: str, heading: str) -> Callable[[Page], None]:
    """Open a page and press its button, to see the page it leads to."""
    def visit(page: Page) -> None:
        page.goto(path)
        page.get_by_role("button", name=button, exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    return visit


def _new_resume_code(page: Page) -> None:
    page.goto("/account")
    page.get_by_role("button", name=re.compile("resume code")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your resume code")


def _passport_unshared(page: Page) -> None:
    page.goto("/passport")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your Digital Skills Passport")
    page.get_by_text("What bronze, silver and gold mean", exact=True).click()
    expect(page.get_by_role("button", name="Make a link to my passport")).to_be_visible()


def _passport_shared(module_title: str) -> Callable[[Page], None]:
    def visit(page: Page) -> None:
        page.goto("/passport")
        page.get_by_label("Name to show on your certificate and shared pages").fill("Sam T.")
        page.get_by_role("button", name="Save name").click()
        page.get_by_role("button", name="Make a link to my passport").click()
        expect(page.get_by_role("button", name="Stop sharing my passport")).to_be_visible()
        page.get_by_role("button", name=f"Share this badge for {module_title}, bronze").click()
        expect(page.get_by_role("button", name=f"Stop sharing this badge for {module_title}, bronze")).to_be_visible()
    return visit


def _follow_share_link(page: Page) -> None:
    page.goto("/passport")
    page.locator(".share-link a").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Digital Skills Passport")
    expect(page.locator(".verdict")).to_contain_text("Valid.")


def _badge_check(module_title: str) -> Callable[[Page], None]:
    def visit(page: Page) -> None:
        page.goto("/passport")
        page.get_by_role("link", name=f"check page for {module_title}, bronze").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Bronze in {module_title}")
        expect(page.locator(".verdict")).to_contain_text("Valid.")
    return visit


def _question_url(question: Question) -> str:
    return f"/questions/{question.id}"


def _go(path: str, heading: str | re.Pattern, status: int = 200) -> Callable[[Page], None]:
    def visit(page: Page) -> None:
        response = page.goto(path)
        assert response is not None and response.status == status, (path, response and response.status)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    return visit


PREVIEW_PASSWORD = "kettle meadow violin"


@pytest.fixture(scope="session")
def preview_admin(live_server, tmp_path_factory) -> tuple[str, str]:
    """Add an admin and a tutor to the live server's database; return the admin's username and password."""
    from app.auth import accounts

    database = next(tmp_path_factory.getbasetemp().glob("live-server*/e2e.db"))
    app = make_app(database.parent, f"sqlite:///{database}")
    with app.app_context():
        accounts.create_user("preview.admin", PREVIEW_PASSWORD, "admin", "Pat Admin")
        accounts.create_user("preview.tutor", PREVIEW_PASSWORD, "tutor", "Robin Tutor")
        db.session.remove()
        db.engine.dispose()
    return "preview.admin", PREVIEW_PASSWORD


TUTOR_PASSWORD = "teapot lantern orchard"


@pytest.fixture(scope="session")
def journey_tutor(live_server, tmp_path_factory) -> tuple[str, str]:
    """Make a tutor on the live server's database with the `users create-tutor` command; return the sign-in."""
    database = next(tmp_path_factory.getbasetemp().glob("live-server*/e2e.db"))
    app = make_app(database.parent, f"sqlite:///{database}")
    result = app.test_cli_runner().invoke(args=["users", "create-tutor", "journey.tutor", "--name", "Jo Tutor",
                                                "--password", TUTOR_PASSWORD])
    assert result.exit_code == 0, result.output
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return "journey.tutor", TUTOR_PASSWORD
