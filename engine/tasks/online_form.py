"""A pretend online form, like a GOV.UK service: boxes to fill in and choices to make for a pretend person.

The form makes the checks a real service makes (every box filled in, a real
date, a postcode and an email address in the right shape) and says what is
wrong next to each box, without counting it as a try, as a real form would
send the page back. Once it is filled in, the task checks that each box has
the pretend person's details and each choice is the right one. What was typed
is never kept: only whether each box was right, and the choices made.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any, Mapping

from ..content_files import FileReport
from .application_form import FormErrors, _one
from .kind import BY_LUCK, Found, Outcome, Scenario, StepsError, TaskKind
from .parts import Parts

TYPES = ("text", "date", "postcode", "email", "choice")
MOST_FIELDS, MOST_CHOICES = 8, 6
# A UK postcode's shape: outward code (area, district), then inward code (sector, unit).
POSTCODE = re.compile(r"^([A-Z]{1,2}\d[A-Z\d]?)\s*(\d[A-Z]{2})$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
DATE = re.compile(r"^(\d{1,2})\s*[ /.-]\s*(\d{1,2})\s*[ /.-]\s*(\d{4})$")
PAGE_FIELDS = ("helped",)  # boxes every task page has, so no field may take their names
CHOSEN_WRONGLY = "The form was sent with a choice that is not on the page. Please choose again."


@dataclass(frozen=True)
class Choice:
    """One answer a learner can choose for a question on the form."""

    id: str
    text: str
    note: str  # a second line under it, such as a web address ("" for none)


@dataclass(frozen=True)
class Field:
    """A box or a question on the pretend form, with the pretend person's answer."""

    id: str
    label: str
    hint: str
    type: str  # one of TYPES
    choices: tuple[Choice, ...]  # a question's answers, in the order shown
    answer: str  # the right answer, as `normal` leaves it
    shown: str  # the right answer as the tutor wrote it, for feedback
    mistake: str  # the kind's mistake a wrong answer here is
    why: str  # what the feedback says about a wrong answer here


@dataclass(frozen=True)
class OnlineFormScenario:
    """The pretend service, the pretend person it is filled in for, and the form's boxes and questions."""

    service: str
    person: str
    fields: tuple[Field, ...]


def normal(kind: str, text: str) -> str | None:
    """Return what a box holds in one standard shape for comparing, or None when it is not the right shape."""
    text = " ".join(text.split())
    if kind == "date":
        found = DATE.match(text)
        if not found:
            return None
        day, month, year = (int(n) for n in found.groups())
        try:
            return datetime.date(year, month, day).isoformat()
        except ValueError:
            return None
    if kind == "postcode":
        found = POSTCODE.match(text.upper())
        return f"{found.group(1)} {found.group(2)}" if found else None
    if kind == "email":
        return text.casefold() if EMAIL.match(text) else None
    return text.casefold().strip(" .")


def shown_date(iso: str) -> str:
    """Write a date the way the form asks for it: 27 3 1985."""
    year, month, day = (int(n) for n in iso.split("-"))
    return f"{day} {month} {year}"


class OnlineForm(TaskKind):
    """Fill in a pretend online form for a pretend person: the right details in each box, the right choices."""

    name = "online-form"
    words = "pretend online form"
    settings = {"service": True, "person": True, "fields": True}
    mistakes = {
        "wrong-details": "A box does not have the pretend person's details. Copy them carefully from the task.",
        "wrong-choice": "That is not the best choice here.",
        "missed-clue": "That is not what gives it away. Look again at the clues.",
        "shares-too-much": "That choice shares more than it needs to, or with more people than it should.",
    }

    def read_scenario(self, scenario: Scenario, report: FileReport) -> OnlineFormScenario | None:
        """Return the pretend service, person and the form's fields, checking each answer fits its box."""
        parts = Parts(scenario, report)
        keys = {"id": True, "label": True, "type": True, "hint": False, "choices": False, "answer": True,
                "mistake": False, "why": False}
        fields = []
        for path, item in parts.items(("fields",), keys, MOST_FIELDS):
            if item["id"] in PAGE_FIELDS:
                parts.error(path + ("id",), f"the id '{item['id']}' is used by the page itself: choose another")
            kind = parts.choice(path + ("type",), TYPES)
            choices = ()
            if kind == "choice":
                choices = tuple(Choice(c["id"], parts.text(p + ("text",)), parts.text(p + ("note",), needed=False))
                                for p, c in parts.items(path + ("choices",), {"id": True, "text": True,
                                                                              "note": False}, MOST_CHOICES))
                if parts.ok and len(choices) < 2:
                    parts.error(path + ("choices",), "a question needs at least two 'choices'")
            elif "choices" in item:
                parts.error(path + ("choices",), "only a field of type 'choice' has 'choices'")
            answer = parts.text(path + ("answer",))
            if kind == "choice" and answer and choices and answer not in [c.id for c in choices]:
                parts.error(path + ("answer",), f"the 'answer' of a question is the id of one of its choices: "
                                                f"{', '.join(c.id for c in choices)}, not '{answer}'")
            elif kind in TYPES and kind != "choice" and answer and normal(kind, answer) is None:
                example = {"date": "27 3 1985", "postcode": "AB1 2CD", "email": "sam@example.com"}.get(kind, "")
                parts.error(path + ("answer",), f"the 'answer' must be a real {kind}, like {example}, not "
                                                f"'{answer}'")
            default = "wrong-choice" if kind == "choice" else "wrong-details"
            mistake = parts.choice(path + ("mistake",), self.mistakes, needed=False) or default
            fields.append(Field(item["id"], parts.text(path + ("label",)), parts.text(path + ("hint",), needed=False),
                                kind, choices, (normal(kind, answer) or "") if kind != "choice" else answer,
                                answer, mistake, parts.text(path + ("why",), needed=False)))
        found = OnlineFormScenario(parts.text(("service",)), parts.text(("person",)), tuple(fields))
        return found if parts.ok else None

    def read_steps(self, scenario: OnlineFormScenario, fields: Mapping[str, list[str]]) -> dict:
        """Return what each box holds, in a standard shape; FormErrors says what is wrong next to each box."""
        problems: dict[str, str] = {}
        steps: dict[str, Any] = {}
        for field in scenario.fields:
            try:
                value = _one(fields, field.id)
            except StepsError as exc:
                problems[field.id] = str(exc)
                continue
            if field.type == "choice":
                if value and value not in [c.id for c in field.choices]:
                    raise StepsError(CHOSEN_WRONGLY)
                if not value:
                    problems[field.id] = f"Choose an answer: {field.label}"
            elif not value:
                problems[field.id] = f"Enter {field.label[0].lower() + field.label[1:]}"
            elif normal(field.type, value) is None:
                problems[field.id] = {
                    "date": f"{field.label} must be a real date, like 27 3 1985",
                    "postcode": "Enter a real postcode, like AB1 2CD",
                    "email": "Enter an email address in the right shape, like name@example.com",
                }.get(field.type, f"Check {field.label.lower()}")
            steps[field.id] = value if field.type == "choice" else normal(field.type, value)
        if problems:
            raise FormErrors(problems)
        return steps

    def check(self, scenario: OnlineFormScenario, steps: Mapping[str, Any]) -> Outcome:
        """Return whether every box has the pretend person's details and every choice is right."""
        found: list[Found] = []
        kept: dict[str, Any] = {}
        for field in scenario.fields:
            value = steps.get(field.id)
            right = value == field.answer
            if not right:
                found.append(Found(field.mistake, field.id, field.why or self._right_answer(scenario, field)))
            # A choice is one of the page's own; typed words might be the learner's real details, so never kept.
            kept[field.id] = value if field.type == "choice" else right
        return Outcome(not found, tuple(found), kept)

    def luck(self, scenario: OnlineFormScenario) -> float:
        """Return the chance of a random pass: small with a box to type, else one choice in so many per question."""
        if any(field.type != "choice" for field in scenario.fields):
            return BY_LUCK
        chance = 1.0
        for field in scenario.fields:
            chance /= len(field.choices)
        return max(chance, BY_LUCK)

    def part_name(self, scenario: OnlineFormScenario, about: str) -> str:
        """Name the box or question a mistake was in, by its label."""
        return next((field.label for field in scenario.fields if field.id == about), "")

    @staticmethod
    def _right_answer(scenario: OnlineFormScenario, field: Field) -> str:
        if field.type == "choice":
            return "Better: " + next(c.text for c in field.choices if c.id == field.answer) + "."
        answer = shown_date(field.answer) if field.type == "date" else field.shown
        return f"{scenario.person}'s details say: {answer}."
