"""What every kind of practice task is: a small strategy that reads a scenario, reads steps and checks them.

A kind (a pretend sign-up form, a pretend inbox, ...) is a class registered by
name in `engine.tasks.KINDS`. It is pure: the loader hands it the scenario a
tutor wrote, the app hands it what the learner sent, and it says what went
wrong. It never sees a database or a web request.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from ..content_files import FileReport
from ..evidence import TASK_GUESS

MAX_FIELD = 500  # characters in one thing a learner types into a pretend form
# The chance of passing a task of several typed or chosen steps by clicking at random: very small.
BY_LUCK = TASK_GUESS


class StepsError(ValueError):
    """What a learner sent cannot be read as steps of the task: the message says what to do, plainly."""


@dataclass(frozen=True)
class Found:
    """One mistake found in a learner's steps."""

    mistake: str  # one of the kind's `mistakes`
    about: str = ""  # which part of the scenario, such as a message's id ("" for the whole task)
    detail: str = ""  # what exactly, in plain words, such as why this password is weak


@dataclass(frozen=True)
class Outcome:
    """What a learner's steps came to: passed or not, the mistakes, and the steps as they may be kept."""

    passed: bool
    found: tuple[Found, ...]
    kept: Mapping[str, Any] = field(default_factory=dict)  # plain data, never anything secret they typed

    @property
    def mistakes(self) -> tuple[str, ...]:
        """Return each kind of mistake made, once, in the order found."""
        return tuple(dict.fromkeys(f.mistake for f in self.found))


@dataclass(frozen=True)
class Scenario:
    """A task file's settings as plain data, with the line each part was written on, for the kind to read."""

    values: Mapping[str, Any]
    lines: Mapping[tuple, int]  # (key, index, key, ...) -> line
    start: int

    def line(self, *path) -> int:
        """Return the line of a part of the settings, or of the nearest part around it that has one."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.start


class TaskKind:
    """A kind of practice task. Subclasses set the class attributes and the three methods."""

    name = ""
    words = ""  # what learners and tutors call it: "pretend sign-up form"
    settings: Mapping[str, bool] = {}  # the task file settings this kind reads -> needed
    mistakes: Mapping[str, str] = {}  # each mistake this kind can find -> what learners are told unless the tutor says

    def read_scenario(self, scenario: Scenario, report: FileReport) -> Any | None:
        """Return the kind's scenario from a task file's settings, or None (each problem reported with its line)."""
        raise NotImplementedError

    def read_steps(self, scenario: Any, fields: Mapping[str, list[str]]) -> Mapping[str, Any]:
        """Return what the learner did, from a form's fields; raise StepsError when it cannot be read."""
        raise NotImplementedError

    def check(self, scenario: Any, steps: Mapping[str, Any]) -> Outcome:
        """Return whether the steps do the task, and each mistake in them."""
        raise NotImplementedError

    def part_name(self, scenario: Any, about: str) -> str:
        """Name the part of the scenario a mistake was in, as the learner saw it ("" for the whole task)."""
        return ""

    def luck(self, scenario: Any) -> float:
        """Return the chance of passing this task by choosing at random: the evidence weighs a pass by it.

        A kind whose tasks can be only a few choices (no typing) says how few, so a pass that
        luck could give is not taken for a skill shown.
        """
        return BY_LUCK


def one_field(fields: Mapping[str, list[str]], name: str, missing: str | None = None) -> str:
    """Return the one value of a form field, stripped; '' when absent, or StepsError(missing) when given."""
    values = fields.get(name) or []
    if len(values) > 1:
        raise StepsError("The form was sent with a box filled in twice. Please fill it in again.")
    value = values[0] if values else ""
    if not isinstance(value, str) or len(value) > MAX_FIELD:
        raise StepsError(f"That is too long: keep each box under {MAX_FIELD} characters.")
    if "\x00" in value:
        raise StepsError("The form had a character in it that cannot be typed. Please fill it in again.")
    value = value.strip()
    if not value and missing:
        raise StepsError(missing)
    return value


def choice_field(fields: Mapping[str, list[str]], name: str, choices, missing: str) -> str:
    """Return a field that must be one of some choices; StepsError when absent or not one of them."""
    value = one_field(fields, name, missing)
    if value not in choices:
        raise StepsError("The form was sent with a choice that is not on the page. Please choose again.")
    return value
