"""Read a folder of Markdown modules into a `Course`, reporting every problem.

The loader is strict and helpful: each problem names the file and line and
says how to put it right. A file with an error is left out and the rest of the
course still loads, so one tutor's typo never takes the site down.
"""

from __future__ import annotations

import difflib
import re
import textwrap
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

import yaml

from .answers import normalise_typed
from .model import (
    AREAS,
    LEVELS,
    QUESTION_KINDS,
    Course,
    GlossaryWord,
    Lesson,
    Module,
    Option,
    PassportRules,
    Problem,
    Question,
    Skill,
    Source,
)
from .render import make_parser, render_markdown, render_with_glossary

_PARSER = make_parser()  # parsing keeps no state between files, so one parser serves all

MODULE_FILE = "module.md"
GLOSSARY_FILE = "glossary.md"
PARAMETERS_FILE = "parameters.md"
# The mastery model's settings a tutor (or `flask engine fit`) may give a skill, with their ranges.
PARAMETER_RANGES = {
    "prior": (0.0, 1.0),
    "learn": (0.0, 1.0),
    "slip": (0.0, 0.5),
    "lesson_learn": (0.0, 1.0),
    "half_life_days": (1.0, 3650.0),
}
IGNORED_FILES = {"readme.md"}
MAX_FILE_BYTES = 1_000_000
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"}

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SETTING_LINE = re.compile(r"^([A-Za-z][\w-]*)\s*:\s*(.*?)\s*$")
LIST_MARKER = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])(?:\s+|$)(.*)$")
CHECKBOX = re.compile(r"^\[( |x|X)\]\s*(.*)$")
MISCONCEPTION_LINE = re.compile(r"^\s*misconception\s*:\s*(.*?)\s*$", re.IGNORECASE)
HINT_PREFIX = re.compile(r"^hint\s*:\s*", re.IGNORECASE)
FENCE_LINE = re.compile(r"^\s*:::")
CLOSING_FENCE = re.compile(r"^\s*:::\s*$")
UNSAFE_HTML = re.compile(r"<\s*(script|iframe|style|object|embed|form)\b|\son\w+\s*=", re.IGNORECASE)

MODULE_KEYS = {"id": True, "title": True, "summary": True, "order": False, "skills": True, "passport": False}
# The passport's settings in module.md, with the ranges of the gold review's numbers.
PASSPORT_KEYS = set(LEVELS) | {"review questions", "review right", "review after days"}
REVIEW_RANGES = {"review questions": (1, 30), "review right": (1, 30), "review after days": (0, 365)}
LESSON_KEYS = {
    "id": True,
    "title": True,
    "skills": True,
    "area": True,
    "level": True,
    "prerequisites": False,
    "minutes": True,
    "fixes": False,
}
QUESTION_KEYS = {"kind": True, "skill": False, "guess": False}
GUESS_WORDS = re.compile(r"^1\s+in\s+(\d+)$", re.IGNORECASE)
GUESS_RANGE = (0.01, 0.9)
GLOSSARY_KEYS = {"module": True}
PARAMETERS_KEYS = {"module": True, "skills": True, "fitted": False, "questions": False}
QUESTION_PARAMETER_RANGES = {"guess": (0.0, 0.9), "slip": (0.0, 0.5)}
ALSO_LINE = re.compile(r"^also\s*:\s*(.*)$", re.IGNORECASE)

ImageUrl = Callable[[str, str], str]


def default_image_url(module_id: str, path: str) -> str:
    """Return the web address of a module's picture."""
    return f"/media/{module_id}/{path}"


def suggest(word: str, choices) -> str:
    """Return ' (did you mean 'x'?)' for a near miss, or ''."""
    close = difflib.get_close_matches(word.lower(), [c.lower() for c in choices], n=1, cutoff=0.6)
    if not close:
        return ""
    original = {c.lower(): c for c in choices}[close[0]]
    return f" (did you mean '{original}'?)"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


# --- front matter -----------------------------------------------------------------


@dataclass
class Settings:
    """A file's settings with the line each was written on."""

    values: dict
    lines: dict
    start: int  # line of the opening '---'

    def line(self, key: str) -> int:
        """Return the line of a setting, or of the opening '---' when it is missing."""
        return self.lines.get(key, self.start)


def _plain(node):
    """Turn a YAML node into str / list / dict, every scalar kept as text."""
    if isinstance(node, yaml.ScalarNode):
        return node.value
    if isinstance(node, yaml.SequenceNode):
        return [_plain(item) for item in node.value]
    if isinstance(node, yaml.MappingNode):
        return {_plain(k): _plain(v) for k, v in node.value}
    return None


class FileReport:
    """Collects the problems found in one file."""

    def __init__(self, path: str):
        self.path = path
        self.problems: list[Problem] = []

    def error(self, line: int, message: str) -> None:
        """Record a problem that keeps the file out of the course."""
        self.problems.append(Problem(self.path, line, message))

    def warn(self, line: int, message: str) -> None:
        """Record a problem that does not."""
        self.problems.append(Problem(self.path, line, message, "warning"))

    @property
    def ok(self) -> bool:
        """Say whether the file has no errors."""
        return not any(p.severity == "error" for p in self.problems)


def read_settings(tokens, report: FileReport, allowed: dict) -> Settings | None:
    """Parse a file's front matter, checking each setting's name."""
    if not tokens or tokens[0].type != "front_matter":
        report.error(1, "the file must start with its settings between two '---' lines")
        return None
    token = tokens[0]
    first_line = token.map[0] + 2  # the line after the opening '---', counted from 1
    try:
        node = yaml.compose(token.content, Loader=yaml.BaseLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = first_line + (mark.line if mark else 0)
        reason = getattr(exc, "problem", None) or "it could not be read"
        report.error(line, f"the settings could not be read: {reason}. Check for a missing space after a colon, "
                           "or put a value that has a colon in it inside quotes")
        return None
    if node is None:
        node = yaml.MappingNode("tag:yaml.org,2002:map", [])
    if not isinstance(node, yaml.MappingNode):
        report.error(first_line, "the settings must be lines of the form 'name: value'")
        return None
    values, lines = {}, {}
    for key_node, value_node in node.value:
        line = first_line + key_node.start_mark.line
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
        if key in values:
            report.error(line, f"the setting '{key}' is given twice")
            continue
        if key not in allowed:
            report.error(line, f"unknown setting '{key}'{suggest(key, allowed)}")
            continue
        values[key] = _plain(value_node)
        lines[key] = line
    settings = Settings(values, lines, token.map[0] + 1)
    for key, needed in allowed.items():
        if needed and key not in values:
            report.error(settings.start, f"the setting '{key}' is missing")
    return settings


def _text(settings: Settings, key: str, report: FileReport, default: str | None = None) -> str | None:
    value = settings.values.get(key, default)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        report.error(settings.line(key), f"'{key}' must be some text on the same line")
        return None
    return value.strip()


def _id(settings: Settings, key: str, report: FileReport) -> str | None:
    value = _text(settings, key, report)
    if value is not None and not ID_PATTERN.match(value):
        report.error(settings.line(key), f"'{key}' must be small letters, numbers and hyphens, like "
                                         f"'{_slug(value) or 'my-lesson'}', not '{value}'")
        return None
    return value


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _id_list(settings: Settings, key: str, report: FileReport) -> tuple[str, ...] | None:
    value = settings.values.get(key, [])
    if isinstance(value, str):
        value = [value] if value.strip() else []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        report.error(settings.line(key), f"'{key}' must be a list of ids in square brackets, like [first-lesson]")
        return None
    bad = [v for v in value if not ID_PATTERN.match(v)]
    if bad:
        report.error(settings.line(key), f"'{key}' has '{bad[0]}', which is not an id: use small letters, "
                                         "numbers and hyphens")
        return None
    if len(set(value)) != len(value):
        report.error(settings.line(key), f"'{key}' lists the same id twice")
        return None
    return tuple(value)


def _number(settings: Settings, key: str, report: FileReport, low: int, high: int) -> int | None:
    value = settings.values.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip().isdigit() or not low <= int(value) <= high:
        report.error(settings.line(key), f"'{key}' must be a whole number from {low} to {high}, not '{value}'")
        return None
    return int(value)


# --- module.md --------------------------------------------------------------------


@dataclass
class ModuleDraft:
    """A module read from its module.md, before its lessons are attached."""

    module: Module
    skills_line: int
    passport: PassportRules | None = None  # as written; None: worked out from the lessons' levels
    passport_line: int = 1

    @property
    def id(self) -> str:
        """Return the module's id."""
        return self.module.id

    @property
    def folder(self) -> Path:
        """Return the module's folder."""
        return Path(self.module.folder)


def _open(path: Path, report: FileReport, allowed: dict):
    """Read a file and its settings; return (text, tokens, settings) or None."""
    text = _read_text(path, report)
    if text is None:
        return None
    tokens = _PARSER.parse(text)
    settings = read_settings(tokens, report, allowed)
    if settings is None:
        return None
    return text, tokens, settings


def read_module(path: Path, rel: str, report: FileReport, image_url: ImageUrl) -> ModuleDraft | None:
    """Read a module.md file."""
    opened = _open(path, report, MODULE_KEYS)
    if opened is None:
        return None
    text, tokens, settings = opened
    module_id = _id(settings, "id", report)
    title = _text(settings, "title", report)
    summary = _text(settings, "summary", report)
    order = _number(settings, "order", report, 0, 9999)
    skills_value = settings.values.get("skills")
    skills: list[Skill] = []
    if skills_value is not None:
        if not isinstance(skills_value, dict) or not skills_value:
            report.error(settings.line("skills"), "'skills' must list each skill on its own line, indented, "
                                                  "as 'skill-id: Name learners see'")
        else:
            for skill_id, skill_title in skills_value.items():
                if not isinstance(skill_id, str) or not ID_PATTERN.match(skill_id):
                    report.error(settings.line("skills"), f"skill id '{skill_id}' must be small letters, "
                                                          "numbers and hyphens")
                elif not isinstance(skill_title, str) or not skill_title.strip():
                    report.error(settings.line("skills"), f"skill '{skill_id}' needs a name after the colon")
                else:
                    skills.append(Skill(skill_id, skill_title.strip(), module_id or ""))
    passport = _read_passport(settings, [s.id for s in skills], report) if "passport" in settings.values else None
    _check_html(tokens, report)
    _check_images(tokens, path.parent, report)
    if not report.ok or module_id is None:
        return None
    body = _body_source(text, tokens, [])
    module = Module(
        id=module_id,
        title=title or module_id,
        summary=summary or "",
        order=order if order is not None else 1000,
        intro_html=render_markdown(body, lambda src: image_url(module_id, src)),
        skills=tuple(skills),
        lessons=(),
        folder=str(path.parent),
        source=Source(rel, 1),
    )
    return ModuleDraft(module, settings.line("skills"), passport, settings.line("passport"))


def _read_passport(settings: Settings, skill_ids: list[str], report: FileReport) -> PassportRules | None:
    """Read the passport's rules: the skills each level adds, and the gold review's numbers."""
    line = settings.line("passport")
    value = settings.values["passport"]
    example = "'passport:' then indented lines like 'bronze: [skill-id, other-skill]' and 'review questions: 6'"
    if not isinstance(value, dict):
        report.error(line, f"'passport' must be {example}")
        return None
    levels: dict[str, tuple[str, ...]] = {}
    numbers: dict[str, int] = {}
    placed: dict[str, str] = {}
    ok = True
    for key, item in value.items():
        if key not in PASSPORT_KEYS:
            report.error(line, f"unknown passport setting '{key}'{suggest(str(key), sorted(PASSPORT_KEYS))}")
            ok = False
        elif key in REVIEW_RANGES:
            low, high = REVIEW_RANGES[key]
            if not isinstance(item, str) or not item.strip().isdigit() or not low <= int(item) <= high:
                report.error(line, f"passport '{key}' must be a whole number from {low} to {high}, not '{item}'")
                ok = False
            else:
                numbers[key] = int(item)
        else:
            ids = [item] if isinstance(item, str) and item.strip() else item
            if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
                report.error(line, f"passport '{key}' must be a list of skill ids in square brackets, like "
                                   "[make-a-password]")
                ok = False
                continue
            for skill_id in ids:
                if skill_id not in skill_ids:
                    report.error(line, f"passport '{key}' names the skill '{skill_id}', which is not in this "
                                       f"module's skills{suggest(skill_id, skill_ids)}")
                    ok = False
                elif skill_id in placed:
                    report.error(line, f"the skill '{skill_id}' is under both passport '{placed[skill_id]}' and "
                                       f"'{key}': put each skill under one level")
                    ok = False
                else:
                    placed[skill_id] = key
            levels[key] = tuple(ids)
    questions = numbers.get("review questions", PassportRules({}).review_questions)
    right = numbers.get("review right", min(questions, PassportRules({}).review_right))
    if right > questions:
        report.error(line, f"passport 'review right' ({right}) cannot be more than 'review questions' ({questions})")
        ok = False
    if not ok:
        return None
    for skill_id in skill_ids:
        if skill_id not in placed:
            report.warn(line, f"the skill '{skill_id}' is under no passport level, so no badge needs it")
    return PassportRules({level: levels.get(level, ()) for level in LEVELS}, questions, right,
                         numbers.get("review after days", PassportRules({}).review_after_days))


def _passport_from_levels(module: Module, lessons: list[Lesson]) -> PassportRules:
    """Work out the passport's rules when module.md gives none: each skill counts at the
    lowest level of the main lessons that teach it."""
    rank = {level: i for i, level in enumerate(LEVELS)}
    lowest: dict[str, int] = {}
    for lesson in lessons:
        if lesson.is_remedial or lesson.level not in rank:
            continue
        for skill_id in lesson.skills:
            lowest[skill_id] = min(lowest.get(skill_id, len(LEVELS)), rank[lesson.level])
    levels = {level: tuple(s.id for s in module.skills if lowest.get(s.id) == i) for i, level in enumerate(LEVELS)}
    return PassportRules(levels)


def _read_text(path: Path, report: FileReport) -> str | None:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            report.error(1, f"the file is too big ({size // 1000} KB); keep a lesson under "
                            f"{MAX_FILE_BYTES // 1000} KB and put pictures in separate files")
            return None
        return path.read_text(encoding="utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError as exc:
        report.error(1, f"the file is not saved as UTF-8 text (a byte at position {exc.start} could not be read); "
                        "save it again as UTF-8 in your editor")
    except OSError as exc:
        report.error(1, f"the file could not be read: {exc.strerror}")
    return None


def _body_source(text: str, tokens, question_spans: list[tuple[int, int]]) -> str:
    """Return the file's text without its settings and question blocks."""
    lines = text.split("\n")
    skip = set()
    if tokens and tokens[0].type == "front_matter":
        skip.update(range(tokens[0].map[0], tokens[0].map[1]))
    for start, end in question_spans:
        skip.update(range(start, end + 1))
    return "\n".join("" if i in skip else line for i, line in enumerate(lines))


# --- glossary.md ------------------------------------------------------------------


def read_glossary(path: Path, report: FileReport, module: ModuleDraft) -> tuple[GlossaryWord, ...]:
    """Read a module's glossary: each word a `##` heading, an optional 'Also:' line, an explanation."""
    opened = _open(path, report, GLOSSARY_KEYS)
    if opened is None:
        return ()
    text, tokens, settings = opened
    named = _text(settings, "module", report)
    if named is not None and named != module.id:
        report.error(settings.line("module"), f"this glossary says it is for module '{named}', but it is in the "
                                              f"folder of module '{module.id}'")
    lines = text.split("\n")
    headings = [t for t in tokens if t.type == "heading_open" and t.level == 0]
    body_start = tokens[0].map[1]
    first_heading = headings[0].map[0] if headings else len(lines)
    stray = next((i for i in range(body_start, first_heading) if lines[i].strip()), None)
    if stray is not None:
        report.error(stray + 1, "write each word as a '## word' heading, with its explanation under it")
    words: list[GlossaryWord] = []
    seen: dict[str, int] = {}
    for n, heading in enumerate(headings):
        line = heading.map[0] + 1
        if heading.tag != "h2":
            report.error(line, "write each word as a '## word' heading (two #)")
            continue
        word = lines[heading.map[0]].lstrip("#").strip()
        end = headings[n + 1].map[0] if n + 1 < len(headings) else len(lines)
        rest = lines[heading.map[1]:end]
        forms = [word]
        first = next((i for i, raw in enumerate(rest) if raw.strip()), None)
        if first is not None and ALSO_LINE.match(rest[first].strip()):
            forms += [f.strip() for f in ALSO_LINE.match(rest[first].strip()).group(1).split(",") if f.strip()]
            rest = rest[:first] + rest[first + 1:]
        explanation = "\n".join(rest).strip()
        if not word:
            report.error(line, "this heading has no word")
            continue
        if not explanation:
            report.error(line, f"'{word}' has no explanation: write one or two plain sentences under it")
            continue
        for form in forms:
            key = " ".join(form.casefold().split())
            if key in seen:
                report.error(line, f"'{form}' is already in the glossary (line {seen[key]})")
            seen.setdefault(key, line)
        words.append(GlossaryWord(_slug(word), word, tuple(dict.fromkeys(forms)), render_markdown(explanation)))
    return tuple(words) if report.ok else ()


# --- parameters.md ----------------------------------------------------------------


def read_parameters(path: Path, report: FileReport, module: ModuleDraft) -> tuple[dict, dict]:
    """Read a module's settings for the mastery model: per skill, and per question as measured."""
    opened = _open(path, report, PARAMETERS_KEYS)
    if opened is None:
        return {}, {}
    text, _tokens, settings = opened
    raw_lines = text.split("\n")
    named = _text(settings, "module", report)
    if named is not None and named != module.id:
        report.error(settings.line("module"), f"these settings say they are for module '{named}', but they are "
                                              f"in the folder of module '{module.id}'")
    line = settings.line("skills")
    skills = settings.values.get("skills")
    if not isinstance(skills, dict):
        report.error(line, "'skills' must list each skill, indented, with its settings, like "
                           "'strong-passwords: {prior: 0.3, slip: 0.1}'")
        return {}, {}
    known = {s.id for s in module.module.skills}
    found: dict[str, dict[str, float]] = {}
    for skill_id, values in skills.items():
        # Point at the skill's own line: the settings parser keeps lines only for top-level keys.
        line = next((n + 1 for n, raw in enumerate(raw_lines[settings.line("skills"):], settings.line("skills"))
                     if re.match(rf"\s+{re.escape(str(skill_id))}\s*:", raw)), settings.line("skills"))
        if skill_id not in known:
            report.error(line, f"skill '{skill_id}' is not listed in {module.folder.name}/{MODULE_FILE}"
                               f"{suggest(skill_id, known)}")
            continue
        if not isinstance(values, dict):
            report.error(line, f"skill '{skill_id}' needs its settings in braces, like {{prior: 0.3}}")
            continue
        found[skill_id] = {}
        for name, raw in values.items():
            if name not in PARAMETER_RANGES:
                report.error(line, f"unknown setting '{name}' for skill '{skill_id}'{suggest(name, PARAMETER_RANGES)}")
                continue
            low, high = PARAMETER_RANGES[name]
            try:
                value = float(raw)
            except (TypeError, ValueError):
                value = None
            if value is None or not low <= value <= high:
                report.error(line, f"'{name}' for skill '{skill_id}' must be a number from {low:g} to {high:g}, "
                                   f"not '{raw}'")
                continue
            found[skill_id][name] = value
    questions = _question_parameters(settings, report)
    return (found, questions) if report.ok else ({}, {})


def _question_parameters(settings: Settings, report: FileReport) -> dict:
    """Read the measured guess and slip of each question, if the file has them."""
    raw = settings.values.get("questions")
    if raw is None:
        return {}
    line = settings.line("questions")
    if not isinstance(raw, dict):
        report.error(line, "'questions' must list each question, indented, like 'pin-by-text: {guess: 0.3}'")
        return {}
    found: dict[str, dict[str, float]] = {}
    for question_id, values in raw.items():
        if not isinstance(values, dict):
            report.error(line, f"question '{question_id}' needs its settings in braces, like {{guess: 0.3}}")
            continue
        for name, value in values.items():
            low, high = QUESTION_PARAMETER_RANGES.get(name, (None, None))
            try:
                number = float(value)
            except (TypeError, ValueError):
                number = None
            if low is None or number is None or not low <= number <= high:
                report.error(line, f"question '{question_id}': '{name}: {value}' must be guess (0 to 0.9) or "
                                   "slip (0 to 0.5)")
                continue
            found.setdefault(str(question_id), {})[name] = number
    return found


# --- lessons ----------------------------------------------------------------------


@dataclass
class LessonDraft:
    """A lesson as read from its file, before links to other files are checked."""

    lesson: Lesson
    settings: Settings
    order_key: str


def read_lesson(path: Path, rel: str, module: ModuleDraft, report: FileReport,
                image_url: ImageUrl, glossary: tuple[GlossaryWord, ...] = ()) -> LessonDraft | None:
    """Read one lesson file with its questions."""
    opened = _open(path, report, LESSON_KEYS)
    if opened is None:
        return None
    text, tokens, settings = opened
    lesson_id = _id(settings, "id", report)
    title = _text(settings, "title", report)
    skills = _id_list(settings, "skills", report) if "skills" in settings.values else None
    known_skills = {s.id for s in module.module.skills}
    if skills is not None:
        if not skills:
            report.error(settings.line("skills"), "'skills' must name at least one skill of the module")
        for skill in skills:
            if skill not in known_skills:
                report.error(settings.line("skills"),
                             f"skill '{skill}' is not listed in {module.folder.name}/{MODULE_FILE}"
                             f"{suggest(skill, known_skills)}")
    area = _choice(settings, "area", AREAS, report)
    level = _choice(settings, "level", LEVELS, report)
    minutes = _number(settings, "minutes", report, 1, 60)
    prerequisites = _id_list(settings, "prerequisites", report)
    fixes = _id_list(settings, "fixes", report)
    if lesson_id and prerequisites and lesson_id in prerequisites:
        report.error(settings.line("prerequisites"), "a lesson cannot be its own prerequisite")

    lines = text.split("\n")
    module_images = lambda src: image_url(module.id, src)  # noqa: E731
    questions, spans = _read_questions(tokens, lines, rel, report, lesson_id or "", module,
                                       skills or (), module_images)
    _check_stray_fences(lines, spans, report)
    images = _check_images(tokens, module.folder, report)
    _check_html(tokens, report)
    body = _body_source(text, tokens, spans)
    if not body.strip() and not fixes:
        report.warn(settings.start, "the lesson has no text to read, only settings and questions")
    if not report.ok:
        return None
    body_html, words = render_with_glossary(body, module_images, glossary)
    lesson = Lesson(
        id=lesson_id,
        title=title,
        module_id=module.id,
        skills=skills,
        area=area,
        level=level,
        minutes=minutes,
        prerequisites=prerequisites,
        fixes=fixes,
        body_html=body_html,
        questions=tuple(questions),
        source=Source(rel, 1),
        images=tuple(images),
        words=words,
    )
    return LessonDraft(lesson, settings, path.name)


def _choice(settings: Settings, key: str, choices, report: FileReport) -> str | None:
    value = _text(settings, key, report)
    if value is None:
        return None
    for choice in choices:
        if value.lower() == choice.lower():
            return choice
    listed = ", ".join(f"'{c}'" for c in choices)
    report.error(settings.line(key), f"'{key}' must be one of {listed}, not '{value}'{suggest(value, choices)}")
    return None


def _check_stray_fences(lines: list[str], spans, report: FileReport) -> None:
    inside = {i for start, end in spans for i in range(start, end + 1)}
    for i, line in enumerate(lines):
        if FENCE_LINE.match(line) and i not in inside:
            word = line.strip().lstrip(":").strip().split(" ")[0] if line.strip().lstrip(":").strip() else ""
            if word:
                report.error(i + 1, f"unknown block '{word}'{suggest(word, ['question'])}: "
                                    "a question starts with '::: question ID'")
            else:
                report.error(i + 1, "this ':::' line closes nothing: is a '::: question ID' line missing above it?")


def _check_images(tokens, folder: Path, report: FileReport) -> list[str]:
    found = []
    for token in tokens:
        if token.type != "inline" or not token.children:
            continue
        line = token.map[0] + 1 if token.map else 1
        for child in token.children:
            if child.type != "image":
                continue
            src = str(child.attrGet("src") or "")
            alt = child.content.strip()
            if not alt:
                report.error(line, f"the picture '{src}' has no description: write one in the square "
                                   "brackets, like ![A padlock on a laptop screen](" + src + ")")
            elif alt.lower() in {Path(src).name.lower(), Path(src).stem.lower(), "image", "picture", "photo"}:
                report.warn(line, f"the description '{alt}' does not say what the picture shows")
            if re.match(r"^[a-z][a-z0-9+.-]*:", src, re.IGNORECASE) or src.startswith("//"):
                report.error(line, f"the picture '{src}' comes from another website: put the file in the "
                                   "module's folder instead, so pages load fast and work offline")
                continue
            target = (folder / src).resolve()
            if src.startswith("/") or folder.resolve() not in target.parents:
                report.error(line, f"the picture '{src}' must be inside the module's folder")
                continue
            if target.suffix.lower() not in IMAGE_SUFFIXES:
                report.error(line, f"the picture '{src}' must be a PNG, JPEG, GIF, SVG or WebP file")
            elif not target.is_file():
                report.error(line, f"the picture file '{src}' does not exist")
            else:
                found.append(target.relative_to(folder.resolve()).as_posix())
    return found


def _check_html(tokens, report: FileReport) -> None:
    def visit(token, line):
        if token.type in ("html_block", "html_inline"):
            if UNSAFE_HTML.search(token.content):
                report.warn(line, "this HTML is not allowed in lessons and is removed from the page")
            if re.search(r"<\s*img\b", token.content, re.IGNORECASE):
                report.error(line, "write pictures as ![description](file), not as HTML, so they always have "
                                   "a description")

    for token in tokens:
        line = token.map[0] + 1 if token.map else 1
        visit(token, line)
        for child in token.children or ():
            visit(child, line)


# --- questions --------------------------------------------------------------------


def _read_questions(tokens, lines, rel, report: FileReport, lesson_id: str, module: ModuleDraft,
                    lesson_skills, image_url) -> tuple[list[Question], list[tuple[int, int]]]:
    questions, spans = [], []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.type != "container_question_open":
            i += 1
            continue
        depth, j = 1, i + 1
        while j < len(tokens) and depth:
            if tokens[j].type == "container_question_open":
                depth += 1
            elif tokens[j].type == "container_question_close":
                depth -= 1
            j += 1
        start, end = token.map
        line = start + 1
        closed = end < len(lines) and CLOSING_FENCE.match(lines[end])
        spans.append((start, min(end, len(lines) - 1)))
        if token.level != 0:
            report.error(line, "a question cannot be inside another block")
        elif not closed:
            report.error(line, "this question has no closing ':::' line")
        else:
            question = _read_question(token, tokens[i + 1:j - 1], lines, rel, report, lesson_id, module,
                                      lesson_skills, image_url)
            if question is not None:
                questions.append(question)
        i = j
    seen: dict[str, int] = {}
    for q in questions:
        if q.id in seen:
            report.error(q.source.line, f"question id '{q.id}' is used twice in this file (first on line {seen[q.id]})")
        seen.setdefault(q.id, q.source.line)
    return questions, spans


def _piece(lines, start: int, end: int) -> str:
    return textwrap.dedent("\n".join(lines[start:end])).strip("\n")


def _read_question(open_token, inner, lines, rel, report: FileReport, lesson_id, module: ModuleDraft,
                   lesson_skills, image_url) -> Question | None:
    line = open_token.map[0] + 1
    words = open_token.info.split()
    question_id = words[1] if len(words) > 1 else None
    if question_id is None:
        report.error(line, "the question needs an id after '::: question', like '::: question pin-by-text'")
        return None
    if not ID_PATTERN.match(question_id) or len(words) > 2:
        report.error(line, f"question id '{' '.join(words[1:])}' must be one word of small letters, numbers "
                           "and hyphens")
        return None
    errors_before = len([p for p in report.problems if p.severity == "error"])

    blocks = [t for t in inner if t.level == 1 and t.nesting in (0, 1) and t.map]
    if not blocks or blocks[0].type != "paragraph_open":
        report.error(line, "a question starts with its settings on the next line, like 'kind: single'")
        return None
    header_start, header_end = blocks[0].map
    if not SETTING_LINE.match(lines[header_start].strip()):
        report.error(header_start + 1, "a question starts with its settings on the next line, like 'kind: single'")
        return None
    settings: dict[str, str] = {}
    for n in range(header_start, header_end):
        match = SETTING_LINE.match(lines[n].strip())
        if not match:
            report.error(n + 1, "put a blank line between the question's settings and the question itself")
            return None
        key, value = match.group(1).lower(), match.group(2)
        if key not in QUESTION_KEYS:
            report.error(n + 1, f"unknown question setting '{key}'{suggest(key, QUESTION_KEYS)}")
            continue
        settings[key] = value
    kind = settings.get("kind")
    if kind is None:
        report.error(line, f"the question's 'kind' is missing: one of {', '.join(QUESTION_KINDS)}")
        return None
    if kind not in QUESTION_KINDS:
        report.error(header_start + 1, f"unknown kind '{kind}'{suggest(kind, QUESTION_KINDS)}: use one of "
                                       f"{', '.join(QUESTION_KINDS)}")
        return None
    skill = settings.get("skill")
    known_skills = {s.id for s in module.module.skills}
    if skill is None:
        if len(lesson_skills) == 1:
            skill = lesson_skills[0]
        else:
            report.error(line, "say which skill the question tests, like 'skill: strong-passwords' "
                               "(needed when the lesson teaches more than one skill)")
            return None
    elif skill not in known_skills:
        report.error(header_start + 1, f"skill '{skill}' is not listed in {module.folder.name}/{MODULE_FILE}"
                                       f"{suggest(skill, known_skills)}")
        return None

    guess = _guess(settings.get("guess"), header_start + 1, report) if "guess" in settings else None

    prompt_blocks, hint_blocks, option_list = [], [], None
    for block in blocks[1:]:
        if block.type in ("bullet_list_open", "ordered_list_open"):
            if option_list is not None:
                report.error(block.map[0] + 1, "a question has one list of answers; this is a second list")
                return None
            option_list = block
        elif block.type == "paragraph_open" and HINT_PREFIX.match(lines[block.map[0]].strip()):
            hint_blocks.append(block)
        elif option_list is not None:
            report.error(block.map[0] + 1, "only hints ('Hint: ...') can come after the answers")
            return None
        else:
            prompt_blocks.append(block)
    if not prompt_blocks:
        report.error(line, "the question has no text: write it after the settings and a blank line")
        return None
    if option_list is None:
        report.error(line, "the question has no answers: list them with '- [x]' for right and '- [ ]' for wrong")
        return None

    prompt = _piece(lines, prompt_blocks[0].map[0], prompt_blocks[-1].map[1])
    hints = []
    for block in hint_blocks:
        hint = HINT_PREFIX.sub("", _piece(lines, *block.map).strip(), count=1)
        hints.append(render_markdown(hint, image_url))

    items = [t for t in inner if t.type == "list_item_open" and t.level == option_list.level + 1]
    options = _read_options(items, lines, kind, option_list.type == "ordered_list_open", report, image_url)
    if options is None:
        return None
    _check_kind(kind, options, option_list.map[0] + 1, report)
    errors_after = len([p for p in report.problems if p.severity == "error"])
    if errors_after > errors_before:
        return None
    return Question(
        id=question_id,
        kind=kind,
        skill=skill,
        prompt_html=render_markdown(prompt, image_url),
        options=tuple(options),
        hints=tuple(hints),
        lesson_id=lesson_id,
        module_id=module.id,
        source=Source(rel, line),
        guess=guess,
    )


def _guess(raw: str, line: int, report: FileReport) -> float | None:
    """Read a question's 'guess:' setting: '1 in 3' or a number such as 0.3."""
    words = GUESS_WORDS.match(raw.strip())
    try:
        value = 1 / int(words.group(1)) if words else float(raw)
    except (ValueError, ZeroDivisionError):
        value = None
    low, high = GUESS_RANGE
    if value is None or not low <= value <= high:
        report.error(line, f"'guess' says how often someone who does not know the skill still gets the question "
                           f"right: write '1 in 3', or a number from {low:g} to {high:g}, not '{raw}'")
        return None
    return value


def _option_key(n: int) -> str:
    return chr(ord("a") + n) if n < 26 else f"o{n}"


def _read_options(items, lines, kind: str, numbered: bool, report: FileReport, image_url) -> list[Option] | None:
    options: list[Option] = []
    if kind == "ordering" and not numbered:
        report.error(items[0].map[0] + 1 if items else 1,
                     "write the steps of an ordering question as a numbered list (1. 2. 3.) in the right order")
        return None
    for n, item in enumerate(items):
        start, end = item.map
        first = LIST_MARKER.match(lines[start])
        text = first.group(1).strip() if first else lines[start].strip()
        rest = lines[start + 1:end]
        misconception = None
        kept = []
        for offset, raw in enumerate(rest):
            match = MISCONCEPTION_LINE.match(raw)
            if match:
                tag = match.group(1)
                if misconception is not None:
                    report.error(start + 2 + offset, "an answer can have only one 'Misconception:' line")
                elif not ID_PATTERN.match(tag):
                    report.error(start + 2 + offset, f"misconception '{tag}' must be small letters, numbers "
                                                     "and hyphens, like 'pet-name-password'")
                else:
                    misconception = tag
            else:
                kept.append(raw)
        feedback = textwrap.dedent("\n".join(kept)).strip()
        correct, catch_all = True, False
        if kind == "ordering":
            if CHECKBOX.match(text):
                report.error(start + 1, "the steps of an ordering question have no [x] or [ ]: "
                                        "write them in the right order instead")
                return None
            if misconception:
                report.error(start + 1, "ordering steps cannot carry a misconception")
        else:
            box = CHECKBOX.match(text)
            if not box:
                report.error(start + 1, "start each answer with [x] if it is right or [ ] if it is wrong")
                return None
            correct, text = box.group(1).lower() == "x", box.group(2).strip()
            if text == "*":
                if kind != "typed":
                    report.error(start + 1, "'*' (any other answer) is only for typed questions")
                elif correct:
                    report.error(start + 1, "'*' means any other answer, so it must be marked [ ], not [x]")
                catch_all = True
            if misconception and correct:
                report.error(start + 1, "a right answer cannot carry a misconception: put it on a wrong answer")
        if not text:
            report.error(start + 1, "this answer has no text")
            return None
        options.append(Option(
            key=_option_key(n),
            text=text,
            correct=correct,
            feedback_html=render_markdown(feedback, image_url) if feedback else "",
            misconception=misconception,
            catch_all=catch_all,
        ))
    return options


def _check_kind(kind: str, options: list[Option], line: int, report: FileReport) -> None:
    choices = [o for o in options if not o.catch_all]
    right = [o for o in choices if o.correct]
    seen: dict[str, Option] = {}
    for option in choices:
        key = normalise_typed(option.text)
        if key in seen:
            report.error(line, f"the answer '{option.text}' is listed twice")
        seen[key] = option
    if sum(o.catch_all for o in options) > 1:
        report.error(line, "only one '[ ] *' (any other answer) is allowed")
    if kind == "single":
        if len(choices) < 2:
            report.error(line, "a single-choice question needs at least two answers")
        elif len(right) != 1:
            report.error(line, f"a single-choice question needs exactly one right answer marked [x]; "
                               f"this one has {len(right)}. Use 'kind: multiple' for more than one")
    elif kind == "multiple":
        if len(choices) < 2:
            report.error(line, "a multiple-choice question needs at least two answers")
        elif not right:
            report.error(line, "the question has no right answer: mark at least one with [x]")
    elif kind == "true-false":
        texts = sorted(o.text.casefold() for o in choices)
        if texts != ["false", "true"]:
            report.error(line, "a true-false question has exactly two answers, 'True' and 'False'")
        elif len(right) != 1:
            report.error(line, "mark either True or False as right with [x], not both")
    elif kind == "typed":
        if not right:
            report.error(line, "the question has no right answer: mark each answer you accept with [x]")
    elif kind == "ordering":
        if len(options) < 2:
            report.error(line, "an ordering question needs at least two steps")


# --- the whole course -------------------------------------------------------------


def load_course(content_dir: str | Path, image_url: ImageUrl = default_image_url) -> Course:
    """Load every module under `content_dir`; problems are kept on the course."""
    root = Path(content_dir)
    problems: list[Problem] = []
    if not root.is_dir():
        return Course.build([], [Problem(str(root), 1, "the content folder does not exist")])

    def rel(path: Path) -> str:
        # Name files as the tutor would type them: relative to where they are working.
        if path.is_absolute():
            try:
                return path.relative_to(Path.cwd()).as_posix()
            except ValueError:
                pass
        return path.as_posix()

    module_drafts: list[ModuleDraft] = []
    lesson_drafts: dict[str, list[LessonDraft]] = {}
    module_ids: dict[str, str] = {}
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
        markdown_files = sorted(p for p in folder.glob("*.md")
                                if p.name.lower() not in IGNORED_FILES and not p.name.startswith((".", "_"))
                                and p.name not in (MODULE_FILE, GLOSSARY_FILE, PARAMETERS_FILE))
        module_path = folder / MODULE_FILE
        if not module_path.is_file():
            if markdown_files:
                problems.append(Problem(rel(folder), 1, f"this folder has lessons but no {MODULE_FILE}, "
                                                        "so it is not shown"))
            continue
        report = FileReport(rel(module_path))
        draft = read_module(module_path, report.path, report, image_url)
        problems.extend(report.problems)
        if draft is not None and draft.id in module_ids:
            problems.append(Problem(report.path, 1, f"module id '{draft.id}' is already used by "
                                                    f"{module_ids[draft.id]}"))
            draft = None
        glossary: tuple[GlossaryWord, ...] = ()
        if draft is not None and (folder / GLOSSARY_FILE).is_file():
            glossary_report = FileReport(rel(folder / GLOSSARY_FILE))
            glossary = read_glossary(folder / GLOSSARY_FILE, glossary_report, draft)
            problems.extend(glossary_report.problems)
            draft = replace(draft, module=replace(draft.module, glossary=glossary))
        if draft is not None and (folder / PARAMETERS_FILE).is_file():
            parameters_report = FileReport(rel(folder / PARAMETERS_FILE))
            parameters, question_parameters = read_parameters(folder / PARAMETERS_FILE, parameters_report, draft)
            problems.extend(parameters_report.problems)
            draft = replace(draft, module=replace(draft.module, parameters=parameters,
                                                                 question_parameters=question_parameters))
        lessons_here: list[LessonDraft] = []
        for path in markdown_files:
            lesson_report = FileReport(rel(path))
            if draft is None:
                # Still read the lessons so the tutor sees all their problems at once.
                placeholder = ModuleDraft(Module("broken", "", "", 0, "", (), (), str(folder),
                                                 Source(report.path, 1)), 1)
                read_lesson(path, lesson_report.path, placeholder, FileReport(lesson_report.path), image_url)
                continue
            lesson = read_lesson(path, lesson_report.path, draft, lesson_report, image_url, glossary)
            problems.extend(lesson_report.problems)
            if lesson is not None:
                lessons_here.append(lesson)
        if draft is not None:
            module_ids[draft.id] = report.path
            module_drafts.append(draft)
            lesson_drafts[draft.id] = lessons_here

    _check_unique_ids(lesson_drafts, problems)
    all_lessons = {d.lesson.id: d for drafts in lesson_drafts.values() for d in drafts}
    prerequisites = _check_prerequisites(all_lessons, problems)

    modules = []
    for draft in module_drafts:
        drafts = [d for d in lesson_drafts[draft.id] if d.lesson.id in all_lessons
                  and all_lessons[d.lesson.id] is d]
        lessons = [_with_prerequisites(d.lesson, prerequisites[d.lesson.id]) for d in drafts]
        lessons = _in_order(lessons, [d.order_key for d in drafts])
        passport = draft.passport or _passport_from_levels(draft.module, lessons)
        modules.append(replace(draft.module, lessons=tuple(lessons), passport=passport))
        _check_skills_used(draft, lessons, problems)
    course = Course.build(modules, [])
    _check_remedies(course, problems)
    problems.sort(key=lambda p: (p.path, p.line))
    return Course.build(list(course.modules), problems)


def _check_unique_ids(lesson_drafts: dict[str, list[LessonDraft]], problems: list[Problem]) -> None:
    """Keep the first of two lessons (or questions) with one id; report the second."""
    lesson_seen: dict[str, LessonDraft] = {}
    question_seen: dict[str, Source] = {}
    for module_id, drafts in lesson_drafts.items():
        kept = []
        for draft in drafts:
            lesson = draft.lesson
            if lesson.id in lesson_seen:
                first = lesson_seen[lesson.id].lesson.source
                problems.append(Problem(lesson.source.path, draft.settings.line("id"),
                                        f"lesson id '{lesson.id}' is already used by {first.path}"))
                continue
            clash = next((q for q in lesson.questions if q.id in question_seen), None)
            if clash is not None:
                problems.append(Problem(clash.source.path, clash.source.line,
                                        f"question id '{clash.id}' is already used at {question_seen[clash.id]}"))
                continue
            lesson_seen[lesson.id] = draft
            question_seen.update({q.id: q.source for q in lesson.questions})
            kept.append(draft)
        drafts[:] = kept


def _check_prerequisites(lessons: dict[str, LessonDraft], problems: list[Problem]) -> dict[str, tuple[str, ...]]:
    """Return each lesson's prerequisites that exist, with cycles broken and reported."""
    graph: dict[str, list[str]] = {}
    for lesson_id, draft in lessons.items():
        kept = []
        for prerequisite in draft.lesson.prerequisites:
            if prerequisite in lessons:
                kept.append(prerequisite)
            else:
                problems.append(Problem(draft.lesson.source.path, draft.settings.line("prerequisites"),
                                        f"prerequisite '{prerequisite}' is not a lesson"
                                        f"{suggest(prerequisite, lessons)}"))
        graph[lesson_id] = kept
    state: dict[str, int] = {}  # 1 = being visited, 2 = done
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in list(graph[node]):
            if state.get(nxt) == 1:
                cycle = stack[stack.index(nxt):] + [nxt]
                draft = lessons[node]
                problems.append(Problem(draft.lesson.source.path, draft.settings.line("prerequisites"),
                                        "these lessons are each other's prerequisites, so none could come first: "
                                        + " -> ".join(cycle)))
                graph[node].remove(nxt)
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return {k: tuple(v) for k, v in graph.items()}


def _with_prerequisites(lesson: Lesson, prerequisites: tuple[str, ...]) -> Lesson:
    if prerequisites == lesson.prerequisites:
        return lesson
    return replace(lesson, prerequisites=prerequisites)


def _in_order(lessons: list[Lesson], names: list[str]) -> list[Lesson]:
    """Order lessons so prerequisites come first, otherwise by file name; remedial lessons last."""
    rank = {lesson.id: (lesson.is_remedial, name) for lesson, name in zip(lessons, names)}
    remaining = {lesson.id: lesson for lesson in lessons}
    ordered: list[Lesson] = []
    while remaining:
        ready = [l for l in remaining.values()
                 if not any(p in remaining for p in l.prerequisites)]
        nxt = min(ready or remaining.values(), key=lambda l: rank[l.id])
        ordered.append(nxt)
        del remaining[nxt.id]
    return ordered


def _check_skills_used(draft: ModuleDraft, lessons: list[Lesson], problems: list[Problem]) -> None:
    taught = {s for lesson in lessons for s in lesson.skills}
    tested = {q.skill for lesson in lessons for q in lesson.questions}
    source = draft.module.source
    for skill in draft.module.skills:
        if skill.id not in taught:
            problems.append(Problem(source.path, draft.skills_line,
                                    f"no lesson teaches the skill '{skill.id}'", "warning"))
        elif skill.id not in tested:
            problems.append(Problem(source.path, draft.skills_line,
                                    f"no question tests the skill '{skill.id}'", "warning"))


def _check_remedies(course: Course, problems: list[Problem]) -> None:
    for question in course.questions.values():
        for option in question.options:
            tag = option.misconception
            if tag and tag not in course.remedies:
                problems.append(Problem(question.source.path, question.source.line,
                                        f"no lesson fixes the misconception '{tag}' yet: add 'fixes: [{tag}]' "
                                        "to the lesson that puts it right", "warning"))


def summary(course: Course) -> str:
    """Say in one line what a course holds."""
    return (f"{_plural(len(course.modules), 'module')}, {_plural(len(course.lessons), 'lesson')}, "
            f"{_plural(len(course.questions), 'question')}, {_plural(len(course.skills), 'skill')}")
