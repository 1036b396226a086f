"""Read the parts of a task's scenario a tutor wrote (text, lists of items, money, dates), each problem on its line.

The pretend bank, the pretend file list and the pretend job pages all read
nested settings the same way, so they share this reader rather than each
repeating the checks.
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Mapping

from ..content_files import ID_PATTERN, FileReport, suggest
from .kind import Scenario

MONEY = re.compile(r"^([+-]?)\s*£?\s*(\d{1,3}(?:,\d{3})+|\d{1,7})(?:\.(\d{1,2}))?$")
MONTH_YEAR = re.compile(r"^(\d{1,2})\s*/\s*(\d{4})$")


def parse_money(text: str) -> int | None:
    """Return an amount of money in pence from how people write it ("£1,250.50", "-12.5", "40"), or None."""
    found = MONEY.match(text.strip().replace(" ", "")) if isinstance(text, str) else None
    if not found:
        return None
    sign, pounds, pence = found.groups()
    value = int(pounds.replace(",", "")) * 100 + int((pence or "0").ljust(2, "0"))
    return -value if sign == "-" else value


def money(pence: int) -> str:
    """Write an amount of money as people read it: "£1,250.50", or "-£12.40" for money going out."""
    return f"{'-' if pence < 0 else ''}£{abs(pence) // 100:,}.{abs(pence) % 100:02d}"


def parse_month_year(text: str) -> tuple[int, int] | None:
    """Return (year, month) from "MM/YYYY", or None when it is not a real month."""
    found = MONTH_YEAR.match(text.strip()) if isinstance(text, str) else None
    if not found or not 1 <= int(found.group(1)) <= 12 or not 1900 <= int(found.group(2)) <= 2100:
        return None
    return int(found.group(2)), int(found.group(1))


class Parts:
    """Read parts of a task file's settings; every problem is reported on its own line and makes `ok` false."""

    def __init__(self, scenario: Scenario, report: FileReport):
        self.scenario, self.report, self.ok = scenario, report, True

    def error(self, path: tuple, message: str) -> None:
        """Report a problem on the line of a part of the settings."""
        self.report.error(self.scenario.line(*path), message)
        self.ok = False

    def value(self, path: tuple) -> Any:
        """Return the value at a path of keys and list positions, or None."""
        value: Any = self.scenario.values
        for step in path:
            if isinstance(value, Mapping) and step in value:
                value = value[step]
            elif isinstance(value, list) and isinstance(step, int) and step < len(value):
                value = value[step]
            else:
                return None
        return value

    def text(self, path: tuple, needed: bool = True) -> str:
        """Return some text written on one line ("" when not given and not needed)."""
        value = self.value(path)
        if value is None and not needed:
            return ""
        if not isinstance(value, str) or not value.strip():
            self.error(path, f"'{path[-1]}' must be some text on the same line")
            return ""
        return value.strip()

    def ident(self, path: tuple) -> str:
        """Return an id: small letters, numbers and hyphens."""
        value = self.text(path)
        if value and not ID_PATTERN.match(value):
            self.error(path, f"'{path[-1]}' must be small letters, numbers and hyphens, not '{value}'")
            return ""
        return value

    def choice(self, path: tuple, choices: Iterable[str], needed: bool = True) -> str:
        """Return text that must be one of some choices."""
        choices = list(choices)
        value = self.text(path, needed)
        if value and value not in choices:
            self.error(path, f"'{path[-1]}' is one of {', '.join(choices)}, not '{value}'{suggest(value, choices)}")
            return ""
        return value

    def yes_no(self, path: tuple, needed: bool = False) -> bool:
        """Return True for 'yes', False for 'no' or not given."""
        value = self.choice(path, ("yes", "no"), needed)
        return value == "yes"

    def pence(self, path: tuple, needed: bool = True, signed: bool = False) -> int:
        """Return an amount of money in pence."""
        text = self.text(path, needed)
        if not text:
            return 0
        value = parse_money(text)
        if value is None or (value < 0 and not signed):
            example = "-12.40 for money out or +612.00 for money in" if signed else "12.50"
            self.error(path, f"'{path[-1]}' must be an amount of money, like {example}, not '{text}'")
            return 0
        return value

    def number(self, path: tuple, low: int, high: int) -> int:
        """Return a whole number from low to high."""
        text = self.text(path)
        if text and (not text.isdigit() or not low <= int(text) <= high):
            self.error(path, f"'{path[-1]}' must be a whole number from {low} to {high}, not '{text}'")
            return low
        return int(text) if text else low

    def texts(self, path: tuple, needed: bool = True) -> tuple[str, ...]:
        """Return a list of short texts, written in square brackets or one per line."""
        value = self.value(path)
        if value is None and not needed:
            return ()
        value = [value] if isinstance(value, str) else value
        if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
            self.error(path, f"'{path[-1]}' must list some words, like [first, second]")
            return ()
        return tuple(v.strip() for v in value)

    def mapping(self, path: tuple, keys: Mapping[str, bool], needed: bool = True) -> dict | None:
        """Return a group of settings written indented under a name, checking each setting's name."""
        value = self.value(path)
        if value is None and not needed:
            return None
        name = path[-1] if isinstance(path[-1], str) else f"item {path[-1] + 1}"
        if not isinstance(value, dict):
            self.error(path, f"'{name}' must be settings written on the lines under it, indented, like "
                             f"'{next(iter(keys))}: ...'")
            return None
        ok = True
        for key in value:
            if key not in keys:
                self.error(path + (key,), f"unknown setting '{key}' under '{name}'{suggest(str(key), keys)}")
                ok = False
        for key, key_needed in keys.items():
            if key_needed and key not in value:
                self.error(path, f"'{name}' has no '{key}'")
                ok = False
        return value if ok else None

    def items(self, path: tuple, keys: Mapping[str, bool], most: int, needed: bool = True) -> list[tuple[tuple, dict]]:
        """Return a list of items, each a group of settings, with the path of each; ids, when items have them,
        must differ."""
        value = self.value(path)
        if value is None and not needed:
            return []
        if not isinstance(value, list) or not value:
            self.error(path, f"'{path[-1]}' must list its items, each starting with '- {next(iter(keys))}: ...' "
                             "on its own line")
            return []
        if len(value) > most:
            self.error(path, f"'{path[-1]}' has at most {most} items, so the page stays small; this has {len(value)}")
            return []
        found, seen = [], set()
        for index in range(len(value)):
            here = path + (index,)
            item = self.mapping(here, keys)
            if item is None:
                continue
            if "id" in keys:
                item_id = self.ident(here + ("id",))
                if item_id in seen:
                    self.error(here + ("id",), f"the id '{item_id}' is used twice in '{path[-1]}'")
                    continue
                seen.add(item_id)
                item = {**item, "id": item_id}
            found.append((here, item))
        return found
