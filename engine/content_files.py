"""Open a tutor's content file: its name in the module folder, its settings, its problems.

Every file a tutor writes (module.md, a lesson, glossary.md, parameters.md)
starts with its settings between two '---' lines. This module reads them, one
kind of value at a time, and collects each problem with its line in a
`FileReport`, so the readers of each kind of file say the same thing the same way.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from .model import Problem
from .render import make_parser

_PARSER = make_parser()  # parsing keeps no state between files, so one parser serves all

MODULE_FILE = "module.md"
GLOSSARY_FILE = "glossary.md"
PARAMETERS_FILE = "parameters.md"
IGNORED_FILES = {"readme.md"}
MAX_FILE_BYTES = 1_000_000
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def suggest(word: str, choices) -> str:
    """Return ' (did you mean 'x'?)' for a near miss, or ''."""
    close = difflib.get_close_matches(word.lower(), [c.lower() for c in choices], n=1, cutoff=0.6)
    if not close:
        return ""
    original = {c.lower(): c for c in choices}[close[0]]
    return f" (did you mean '{original}'?)"


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


def text_setting(settings: Settings, key: str, report: FileReport, default: str | None = None) -> str | None:
    """Return a setting written as text on one line, or None (reported) when it is not."""
    value = settings.values.get(key, default)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        report.error(settings.line(key), f"'{key}' must be some text on the same line")
        return None
    return value.strip()


def id_setting(settings: Settings, key: str, report: FileReport) -> str | None:
    """Return a setting that must be an id (small letters, numbers and hyphens), or None (reported)."""
    value = text_setting(settings, key, report)
    if value is not None and not ID_PATTERN.match(value):
        report.error(settings.line(key), f"'{key}' must be small letters, numbers and hyphens, like "
                                         f"'{slug(value) or 'my-lesson'}', not '{value}'")
        return None
    return value


def slug(text: str) -> str:
    """Turn some words into an id: small letters and numbers joined by hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def id_list_setting(settings: Settings, key: str, report: FileReport) -> tuple[str, ...] | None:
    """Return a setting that lists ids in square brackets, or None (reported)."""
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


def number_setting(settings: Settings, key: str, report: FileReport, low: int, high: int) -> int | None:
    """Return a setting that must be a whole number from `low` to `high`, or None (reported or not given)."""
    value = settings.values.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip().isdigit() or not low <= int(value) <= high:
        report.error(settings.line(key), f"'{key}' must be a whole number from {low} to {high}, not '{value}'")
        return None
    return int(value)


def read_text(path: Path, report: FileReport) -> str | None:
    """Return a file's text with its line endings made plain, or None (reported) when it cannot be read."""
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


def open_file(path: Path, report: FileReport, allowed: dict):
    """Read a file and its settings; return (text, tokens, settings) or None."""
    text = read_text(path, report)
    if text is None:
        return None
    tokens = _PARSER.parse(text)
    settings = read_settings(tokens, report, allowed)
    if settings is None:
        return None
    return text, tokens, settings
