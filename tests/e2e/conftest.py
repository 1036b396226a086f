"""Browser tests: one live server for the session, a fresh browser context (a new guest) per test.

The browser is Debian's Chromium at /usr/bin/chromium: never run `playwright install`.
"""

from __future__ import annotations

import importlib.util
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import pytest
from playwright.sync_api import Page, expect
from werkzeug.serving import WSGIRequestHandler, make_server

from app.extensions import db
from engine.answers import display_order
from engine.loader import load_course
from engine.model import Course, Option, Question

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

# The module and lesson the journeys walk through.
MODULE_ID = "passwords"
MODULE_TITLE = "Passwords and staying safe online"
FIRST_LESSON_ID = "make-a-strong-password"


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
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietRequestHandler)
    thread = threading.Thread(target=server.serve_forever, name="e2e-live-server", daemon=True)
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
def base_url(live_server) -> str:
    """Point every browser context at the live server, so pages can use paths like "/".

    This replaces pytest-playwright's own `base_url` fixture (read from
    --base-url), which is a method on a plugin class and so raises pytest's
    PytestRemovedIn10Warning, an error under this project's settings.
    """
    return live_server


@pytest.fixture(scope="session")
def quiz() -> "Quiz":
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

    def __init__(self, course: Course) -> None:
        self.course = course
        self.module = course.module(MODULE_ID)
        self.first_lesson = course.lessons[FIRST_LESSON_ID]
        assert self.module.path_lessons[0] == self.first_lesson

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
        wrong.sort(key=lambda o: o.misconception is None)
        return [wrong[0]]

    def questions_of_each_kind(self) -> dict[str, Question]:
        """Return the first question of each kind in the course."""
        found: dict[str, Question] = {}
        for question in self.course.questions.values():
            found.setdefault(question.kind, question)
        assert set(found) == {"single", "multiple", "true-false", "typed", "ordering"}, found
        return found

    def question_heading(self, question: Question) -> str:
        """Return a question page's main heading, like "Question 2 of 5"."""
        questions = self.course.lessons[question.lesson_id].questions
        return f"Question {questions.index(question) + 1} of {len(questions)}"

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

    # Every kind of learner page --------------------------------------------

    def learner_pages(self, *, every_question: bool = False) -> list["LearnerPage"]:
        """List the learner pages: home, modules, lessons, questions, errors, feedback, hints, 404.

        Some pages need an answer first, given in the browser: visit them in
        the order listed, in one browser context.
        """
        course = self.course
        pages = [LearnerPage("home", _go("/", "Learn everyday digital skills"))]
        for module in course.modules:
            pages.append(LearnerPage(f"module {module.id}", _go(f"/modules/{module.id}", module.title)))
        for lesson in course.lessons.values():
            pages.append(LearnerPage(f"lesson {lesson.id}", _go(f"/lessons/{lesson.id}", lesson.title)))
        kinds = self.questions_of_each_kind()
        for question in course.questions.values() if every_question else kinds.values():
            pages.append(LearnerPage(f"{question.kind} question {question.id}",
                                     _go(_question_url(question), self.question_heading(question))))
        for kind, question in kinds.items():
            pages.append(LearnerPage(f"{kind} question {question.id}, sent with nothing chosen",
                                     self._validation_error(question)))
        single = kinds["single"]
        pages.append(LearnerPage(f"feedback, right ({single.id})", self._feedback(single, right=True)))
        misled = next(q for q in course.questions.values()
                      if any(o.misconception for o in q.choices if not o.correct))
        pages.append(LearnerPage(f"feedback, wrong, offering extra help ({misled.id})",
                                 self._feedback(misled, right=False)))
        multiple = kinds["multiple"]
        pages.append(LearnerPage(f"feedback, wrong ({multiple.id})", self._feedback(multiple, right=False)))
        hinted = max(course.questions.values(), key=lambda q: len(q.hints))
        assert hinted.hints
        pages.append(LearnerPage(f"question with every hint shown ({hinted.id})", self._hints(hinted)))
        pages.append(LearnerPage("page not found", _go("/modules/no-such-module", "Page not found", status=404)))
        return pages

    def _validation_error(self, question: Question) -> Callable[[Page], None]:
        def visit(page: Page) -> None:
            page.goto(_question_url(question))
            self.check_answer_button(page).click()
            expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
        return visit

    def _feedback(self, question: Question, right: bool) -> Callable[[Page], None]:
        def visit(page: Page) -> None:
            page.goto(_question_url(question))
            self.answer_with_mouse(page, question, right=right)
        return visit

    @staticmethod
    def _hints(question: Question) -> Callable[[Page], None]:
        def visit(page: Page) -> None:
            page.goto(_question_url(question))
            for n in range(1, len(question.hints) + 1):
                page.get_by_role("button", name="Show a hint" if n == 1 else "Show another hint").click()
                expect(page.get_by_text(f"Hint {n}", exact=True)).to_be_visible()
        return visit


@dataclass(frozen=True)
class LearnerPage:
    """A page to check, and how to reach it."""

    name: str
    visit: Callable[[Page], None]


def _question_url(question: Question) -> str:
    return f"/questions/{question.id}"


def _go(path: str, heading: str, status: int = 200) -> Callable[[Page], None]:
    def visit(page: Page) -> None:
        response = page.goto(path)
        assert response is not None and response.status == status, (path, response and response.status)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    return visit
