"""A pretend sign-up form: make a strong password, then turn on two-step verification with a pretend code.

The password's strength is estimated here, on the server, with zxcvbn (it
guesses how many tries an attacker would need, knowing common passwords,
words, dates and keyboard patterns). The password itself is never kept: only
how long it was and how strong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping

from zxcvbn import zxcvbn

from ..content_files import FileReport
from .kind import Found, Outcome, Scenario, StepsError, TaskKind, choice_field, one_field

LONGEST_PASSWORD = 72  # zxcvbn's limit; longer than any password a learner needs
CODE_PATTERN = re.compile(r"^\d{4,8}$")
GOOD_SCORE = 3  # zxcvbn's 0-4: 3 is "safely unguessable", 4 "very unguessable"


@dataclass(frozen=True)
class SignUpScenario:
    """The pretend site and person: what the password must not contain, and the pretend code."""

    site: str
    person: str
    personal: tuple[str, ...]  # the pretend person's pet, birthday, town...: not for a password
    old_password: str  # what they use on another site already
    code: str  # the pretend code sent to the pretend phone, digits only
    code_request: str  # a pretend message asking for the code ("" when the task has none)
    strength: int  # the zxcvbn score a password needs


class SignUp(TaskKind):
    """Make an account on a pretend site with a strong password, and turn on two-step verification."""

    name = "sign-up"
    words = "pretend sign-up form"
    settings = {"site": True, "person": True, "personal details": True, "old password": False,
                "code": True, "code request": False, "strength needed": False}
    mistakes = {
        "weak-password": "That password would be easy to guess. Three random words make a strong one.",
        "personal-details": "The password uses details about the person that others could find out.",
        "reused-password": "That is the password they already use on another site. Use a different one here.",
        "two-step-off": "Two-step verification was left off. Turn it on: it is a second lock.",
        "wrong-code": "The code typed is not the one sent to the phone. Type the code exactly as sent.",
        "shared-code": "Never share a code sent to your phone, whoever asks for it.",
    }

    def read_scenario(self, scenario: Scenario, report: FileReport) -> SignUpScenario | None:
        """Return the pretend site, person and code, checking each."""
        values = scenario.values
        ok = True

        def text(key: str) -> str:
            nonlocal ok
            value = values.get(key, "")
            if not isinstance(value, str) or (key in self.settings and self.settings[key] and not value.strip()):
                report.error(scenario.line(key), f"'{key}' must be some text on the same line")
                ok = False
                return ""
            return value.strip()

        site, person, old_password, code_request = text("site"), text("person"), text("old password"), \
            text("code request")
        personal = values.get("personal details", [])
        if isinstance(personal, str):
            personal = [personal]
        if not isinstance(personal, list) or not personal or not all(isinstance(p, str) and p.strip()
                                                                      for p in personal):
            report.error(scenario.line("personal details"), "'personal details' must list the pretend person's "
                                                            "details in square brackets, like [Biscuit, 1978, Leeds]")
            ok = False
            personal = []
        code = re.sub(r"\s", "", text("code"))
        if code and not CODE_PATTERN.match(code):
            report.error(scenario.line("code"), f"'code' must be 4 to 8 digits, like 481 207, not '{values['code']}'")
            ok = False
        strength = values.get("strength needed", str(GOOD_SCORE))
        if not isinstance(strength, str) or strength.strip() not in ("1", "2", "3", "4"):
            report.error(scenario.line("strength needed"), "'strength needed' must be a whole number from 1 to 4 "
                                                           f"(3 is strong), not '{strength}'")
            ok = False
        if not ok:
            return None
        return SignUpScenario(site, person, tuple(p.strip() for p in personal), old_password, code, code_request,
                              int(strength))

    def read_steps(self, scenario: SignUpScenario, fields: Mapping[str, list[str]]) -> dict:
        """Return the password, whether two-step verification was turned on, the code typed and the answer to
        the request for the code."""
        password = one_field(fields, "password", "Type a password for the pretend account.")
        if len(password) > LONGEST_PASSWORD:
            raise StepsError(f"Keep the password under {LONGEST_PASSWORD} characters. Three or four words are plenty.")
        two_step = one_field(fields, "two_step")
        if two_step not in ("", "on"):
            raise StepsError("The form was sent with a choice that is not on the page. Please choose again.")
        steps = {"password": password, "two_step": two_step == "on", "code": re.sub(r"\s", "", one_field(fields, "code"))}
        if scenario.code_request:
            steps["code_request"] = choice_field(fields, "code_request", ("share", "keep"),
                                                 "Say what you would do when someone asks for the code.")
        return steps

    def check(self, scenario: SignUpScenario, steps: Mapping[str, Any]) -> Outcome:
        """Return whether the account was made safely, with each mistake and why."""
        password = steps["password"]
        found: list[Found] = []
        used = [p for p in scenario.personal + (scenario.person,) + tuple(scenario.person.split())
                if len(p) >= 3 and p.casefold() in password.casefold()]
        if scenario.old_password and password == scenario.old_password:
            found.append(Found("reused-password"))
        elif used:
            found.append(Found("personal-details", detail=f"It has “{used[0]}” in it."))
        result = zxcvbn(password, user_inputs=list(scenario.personal) + scenario.person.split() + [scenario.site])
        if result["score"] < scenario.strength and not found:
            found.append(Found("weak-password", detail=why_weak(password, result)))
        if not steps["two_step"]:
            found.append(Found("two-step-off"))
        elif steps["code"] != scenario.code:
            found.append(Found("wrong-code"))
        if scenario.code_request and steps.get("code_request") != "keep":
            found.append(Found("shared-code"))
        kept = {"password": {"length": len(password), "strength": result["score"]},
                "two_step": bool(steps["two_step"]), "code_right": steps["code"] == scenario.code}
        if scenario.code_request:
            kept["code_request"] = steps.get("code_request")
        return Outcome(not found, tuple(found), kept)


REASONS = {
    "passwords": "it is one of the passwords people use most, so it is among the first tried",
    "user_inputs": "it uses details about the person that others could find out",
    "date": "it has a date in it, which is easy to find out or guess",
    "year": "it has a year in it, which is easy to guess",
    "spatial": "it follows keys that sit next to each other on the keyboard",
    "repeat": "it repeats the same letters or numbers",
    "sequence": "it has letters or numbers in order, like abc or 123",
    "words": "it is a common word or name with little added",
}


def why_weak(password: str, result: Mapping) -> str:
    """Say in plain words why a password is weak, from zxcvbn's reading of it."""
    reasons = []
    for match in result.get("sequence", ()):
        pattern = match.get("pattern")
        key = (match.get("dictionary_name") if pattern == "dictionary" and match.get("dictionary_name")
               in ("passwords", "user_inputs") else "words" if pattern == "dictionary"
               else "year" if pattern == "regex" and match.get("regex_name") == "recent_year" else pattern)
        if key in REASONS and REASONS[key] not in reasons:
            reasons.append(REASONS[key])
    if len(password) < 12:
        reasons.append("it is short: aim for 12 characters or more")
    said = "; ".join(reasons[:3]) if reasons else "it would not take long to guess"
    return f"This one is weak because {said}. Try three random words, as the National Cyber Security Centre advises."
