"""Content preview: a tutor sees how a Markdown file will look, and its problems, before it goes live.

The lesson is checked by the real loader, in a throwaway copy of the content
folder: the chosen module's folder is copied and the tutor's file written into
it (replacing a lesson file of the same name), and every other module is linked
in read-only, so prerequisites and ids in other modules count as they do in
`flask content check`. Nothing is written to the real content folder, and
nothing is kept.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from flask import current_app, render_template, request, url_for
from flask_login import current_user
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

from engine.loader import GLOSSARY_FILE, IGNORED_FILES, MODULE_FILE, PARAMETERS_FILE, load_course
from engine.model import Course, Lesson, Module, Problem

from ..auth.roles import tutor_required
from ..content import current_course
from ..errors import MESSAGES
from . import bp

MAX_LESSON_BYTES = 60 * 1024
DEFAULT_NAME = "preview.md"
NOT_LESSONS = {MODULE_FILE, GLOSSARY_FILE, PARAMETERS_FILE} | IGNORED_FILES
TOO_BIG = ("A lesson file can be at most 60 KB. Put pictures in their own files, or split a long lesson into two. "
           "If you chose a file, empty the text box before you send it.")


class PreviewError(Exception):
    """What the tutor sent cannot be previewed; `field` names the box and the message says why."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Preview:
    """What the loader made of a tutor's file, in its module, as `flask content check` reports it."""

    path: str  # as the tutor would name it: "passwords/preview.md"
    replaces: bool  # whether a lesson file of that name is already on the site
    problems: tuple[Problem, ...]  # in the file itself
    elsewhere: tuple[Problem, ...]  # errors the file causes in other files (duplicate ids and so on)
    lesson: Lesson | None  # None when an error leaves the lesson out
    module: Module | None  # the module with the lesson in it, as the preview loaded it
    course: Course
    lines: tuple[str, ...] = ()  # the file's text, to quote the line a problem is on

    def quote(self, problem: Problem) -> str:
        """Return the line of the tutor's file a problem is on, when that helps find it, or ''."""
        if problem.path != self.path or not 1 <= problem.line <= len(self.lines):
            return ""
        line = self.lines[problem.line - 1].strip()
        return "" if line in ("", "---") else line

    @property
    def errors(self) -> int:
        """Return how many errors there are, here and elsewhere."""
        return sum(p.severity == "error" for p in self.problems + self.elsewhere)

    @property
    def warnings(self) -> int:
        """Return how many warnings there are."""
        return sum(p.severity == "warning" for p in self.problems)

    @property
    def position(self) -> int | None:
        """Return the lesson's place in its module's main path, or None for an extra-help lesson."""
        if self.lesson is None or self.module is None or self.lesson not in self.module.path_lessons:
            return None
        return self.module.path_lessons.index(self.lesson) + 1


# --- what was sent ------------------------------------------------------------------------


def lesson_file_name(raw: str | None, field: str) -> str:
    """Return a safe file name for the lesson, ending in .md; preview.md when none is given."""
    name = PurePosixPath((raw or "").strip().replace("\\", "/")).name
    if not name:
        return DEFAULT_NAME
    stem, suffix = (name[:-3], ".md") if name.lower().endswith(".md") else (name, "")
    if not suffix and "." in name.strip("."):
        raise PreviewError(field, f"A lesson's file name ends in .md, like 03-my-lesson.md. '{name}' does not")
    safe = secure_filename(stem)
    if not safe:
        return DEFAULT_NAME
    name = f"{safe}.md"
    if name.lower() in NOT_LESSONS:
        raise PreviewError(field, f"{name} is not a lesson file, so it cannot be previewed here. Give your "
                                  "lesson another name, like 03-my-lesson.md")
    return name


def read_upload(upload: FileStorage) -> tuple[str, str]:
    """Return the name and text of an uploaded lesson file, or raise PreviewError saying what is wrong."""
    if not upload.filename.lower().endswith(".md"):
        raise PreviewError("file", f"Choose a Markdown file, whose name ends in .md. '{upload.filename}' is "
                                   "not one")
    data = upload.read(MAX_LESSON_BYTES + 1)
    if len(data) > MAX_LESSON_BYTES:
        raise PreviewError("file", f"The file is too big. {TOO_BIG}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = None
    if text is None or "\x00" in text:
        raise PreviewError("file", "The file is not plain text saved as UTF-8. Open it in a text editor "
                                   "(not a word processor), save it as UTF-8 text, and try again")
    if not text.strip():
        raise PreviewError("file", "The file is empty. Choose the lesson's .md file, or paste its Markdown "
                                   "into the box")
    return lesson_file_name(upload.filename, "file"), text


def read_text(text: str | None, name: str | None) -> tuple[str, str]:
    """Return the name and text of a lesson pasted into the box, or raise PreviewError."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise PreviewError("text", "Paste the lesson's Markdown into the box, or choose a .md file")
    if len(text.encode("utf-8")) > MAX_LESSON_BYTES:
        raise PreviewError("text", f"The lesson is too big. {TOO_BIG}")
    return lesson_file_name(name, "name"), text


def chosen_module(course: Course, module_id: str | None) -> Module:
    """Return the module the lesson is for, or raise PreviewError."""
    module = course.module(module_id or "")
    if module is None:
        raise PreviewError("module", "Choose the module the lesson belongs to from the list")
    return module


# --- checking it ------------------------------------------------------------------------------


def _names_for(root: Path) -> list[str]:
    """Return the ways the loader may have written `root` at the start of a path, longest first."""
    names = {root.as_posix()}
    if root.is_absolute():
        try:
            names.add(root.relative_to(Path.cwd()).as_posix())
        except (ValueError, OSError):
            pass
    return sorted(names, key=len, reverse=True)


def _short(path: str, names: list[str]) -> str:
    """Name a file from the content folder down, as a tutor knows it: passwords/01-lesson.md."""
    for name in names:
        if path.startswith(name + "/"):
            return path[len(name) + 1:]
    return path


def _relative(problem: Problem, names: list[str]) -> Problem:
    """Return the problem with its file, and any file its message names, named from the content folder down."""
    message = problem.message
    for name in names:
        message = message.replace(name + "/", "")
    return replace(problem, path=_short(problem.path, names), message=message)


def _key(problem: Problem) -> tuple:
    return problem.path, problem.line, problem.message, problem.severity


def _mirror(content_dir: Path, module: Module, into: Path) -> Path:
    """Copy the module's folder into `into`, link every other folder in, and return the copy."""
    own = Path(module.folder)
    copy = into / own.name
    shutil.copytree(own, copy)
    for entry in content_dir.iterdir():
        if entry.is_dir() and entry.name != own.name:
            # Read-only use: the loader only reads, and removing the temporary folder removes the link, not
            # what it points to.
            os.symlink(entry.resolve(), into / entry.name, target_is_directory=True)
    return copy


def preview_lesson(content_dir: Path, course: Course, module: Module, name: str, text: str,
                   image_url) -> Preview:
    """Check a lesson file in its module, as `flask content check` would, without touching the content folder."""
    known = {_key(p) for p in (_relative(p, _names_for(content_dir)) for p in course.problems)}
    with tempfile.TemporaryDirectory(prefix="skills-passport-preview-") as temporary:
        root = Path(temporary)
        folder = _mirror(content_dir, module, root)
        existing = {p.name.lower(): p.name for p in folder.glob("*.md")}
        name = existing.get(name.lower(), name)  # 01-Lesson.md replaces 01-lesson.md, as the tutor meant
        replaces = name in existing.values()
        (folder / name).write_text(text, encoding="utf-8")
        checked = load_course(root, image_url)
        names = _names_for(root)
        path = f"{folder.name}/{name}"
        problems = [_relative(p, names) for p in checked.problems]
        mine = tuple(p for p in problems if p.path == path)
        elsewhere = tuple(p for p in problems if p.path != path and p.severity == "error" and _key(p) not in known)
        loaded = checked.module(module.id)
        lesson = next((lesson for lesson in (loaded.lessons if loaded else ())
                       if _short(lesson.source.path, names) == path), None)
    return Preview(path, replaces, mine, elsewhere, lesson, loaded, checked,
                   tuple(text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")))


# --- the page ---------------------------------------------------------------------------------


def _image_url(module_id: str, path: str) -> str:
    # The preview's pictures are the module's own, by the same names, so the site's picture address serves them.
    return url_for("learner.media", module_id=module_id, filename=path)


def _page(status: int = 200, **context):
    course = current_course()
    context.setdefault("form", {})
    return render_template("tutor/preview.html", modules=course.modules, max_kb=MAX_LESSON_BYTES // 1024,
                           **context), status


@bp.route("/preview", methods=["GET", "POST"])
@tutor_required
def preview():
    """Check a lesson's Markdown and show it as learners will see it, without saving anything."""
    if request.method == "GET":
        return _page(form={"module": request.args.get("module", "")})
    form = {"module": request.form.get("module", ""), "name": request.form.get("name", ""),
            "text": request.form.get("text", "")}
    course = current_course()
    upload = request.files.get("file")
    try:
        module = chosen_module(course, form["module"])
        if upload is not None and upload.filename:
            name, text = read_upload(upload)
        else:
            name, text = read_text(form["text"], form["name"])
    except PreviewError as exc:
        return _page(422, error=exc, form=form)
    result = preview_lesson(Path(current_app.config["CONTENT_DIR"]), course, module, name, text, _image_url)
    checked_as = result.path.rsplit("/", 1)[-1]
    form.update(text=text, name="" if checked_as == DEFAULT_NAME else checked_as)
    return _page(result=result, module=module, form=form)


@bp.errorhandler(413)
def too_big(error):
    """Say a lesson sent to the preview was too big; elsewhere in the tutor pages, show the usual page."""
    if request.endpoint == "tutor.preview" and current_user.is_authenticated and current_user.is_tutor:
        return _page(413, error=PreviewError("text", f"That was too big to send. {TOO_BIG}"),
                     form={"module": request.args.get("module", "")})
    title, message = MESSAGES[413]
    return render_template("error.html", title=title, message=message, status=413), 413
