"""Content problems: tutors and admins see every mistake in the lesson files, as `content check` prints them.

A file with an error is left out of the site, and until now only the server's log said so. This page
lists the problems of the course the site is serving (reloaded when a file changes), each as
`file:line: message`. Files are named from the content folder's name down (content/passwords/01-x.md),
as the command prints them when run from the project folder, so the page never shows where on the server
the folder is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from flask import current_app, render_template

from engine.model import Problem

from ..auth.roles import tutor_required
from ..config import PROJECT_ROOT
from ..content import current_course
from . import bp

# Longer lines are cut when quoted: the quote only helps find the line.
QUOTE_MAX = 160


@dataclass(frozen=True)
class ContentProblems:
    """The problems in the content the site is serving, with files named as a tutor knows them."""

    errors: tuple[Problem, ...]
    warnings: tuple[Problem, ...]
    quotes: dict[Problem, str]  # the line each problem is on, when that helps find it

    @property
    def count(self) -> int:
        """Return how many problems there are, errors and warnings together."""
        return len(self.errors) + len(self.warnings)

    def quote(self, problem: Problem) -> str:
        """Return the line of the file a problem is on, or '' when it would not help."""
        return self.quotes.get(problem, "")


def loader_names(root: Path) -> list[str]:
    """Return the ways the loader may have written `root` at the start of a path, longest first."""
    names = {root.as_posix(), root.resolve().as_posix()}
    for name in list(names):
        if Path(name).is_absolute():
            try:
                names.add(Path(name).relative_to(Path.cwd()).as_posix())
            except (ValueError, OSError):
                pass
    return sorted((n for n in names if n not in ("", ".")), key=len, reverse=True)


def shown_root(root: Path) -> str:
    """Return the content folder's name as `content check` prints it from the project folder: content."""
    try:
        return root.resolve().relative_to(PROJECT_ROOT).as_posix()
    except ValueError:
        return root.resolve().name  # a centre's own folder elsewhere: its name only, never where it is


def _shown_path(path: str, names: list[str], root: str) -> str:
    for name in names:
        if path == name:
            return root
        if path.startswith(name + "/"):
            return f"{root}/{path[len(name) + 1:]}"
    # Not under the content folder as the loader names it: show the file's own name only.
    return Path(path).name or path


def _shown_message(message: str, names: list[str], root: str) -> str:
    # Messages may name a second file ("already used by ..."): name it the same way.
    if not names:
        return message
    pattern = "|".join(re.escape(name) for name in names)
    return re.sub(rf"(?<![\w./-])(?:{pattern})(?=/)", lambda _match: root, message)


def _quote(path: str, line: int) -> str:
    """Return line `line` of the file at `path` (as the loader named it), or ''."""
    try:
        with open(path, encoding="utf-8-sig", errors="replace") as file:
            for number, text in enumerate(file, start=1):
                if number == line:
                    text = text.strip()
                    if text in ("", "---"):
                        return ""
                    return text if len(text) <= QUOTE_MAX else text[:QUOTE_MAX - 1] + "…"
    except OSError:
        pass
    return ""


def content_problems(with_lines: bool = False) -> ContentProblems:
    """Return the problems in the course the site is serving, files named from the content folder down.

    With `with_lines`, also read the line each problem is on (only the page itself shows them).
    """
    course = current_course()
    directory = Path(current_app.config["CONTENT_DIR"])
    names, root = loader_names(directory), shown_root(directory)
    shown, quotes = [], {}
    for problem in course.problems:
        tidy = replace(problem, path=_shown_path(problem.path, names, root),
                       message=_shown_message(problem.message, names, root))
        shown.append(tidy)
        if with_lines and (quote := _quote(problem.path, problem.line)) and tidy not in quotes:
            quotes[tidy] = quote
    return ContentProblems(tuple(p for p in shown if p.severity == "error"),
                           tuple(p for p in shown if p.severity != "error"), quotes)


@bp.get("/content-problems")
@tutor_required
def problems():
    """List every problem in the lesson files the site is serving, as file:line: message."""
    return render_template("tutor/problems.html", problems=content_problems(with_lines=True),
                           folder=shown_root(Path(current_app.config["CONTENT_DIR"])))
