"""A pretend job board: say which adverts are real and which are fake, and tick each warning sign in a fake one.

The warning signs are the ones job scams share: asking you to pay to apply (for
training, a uniform or a check), asking for bank details before any interview,
pay far too good for the work, no company details you could check, and a
personal email address instead of the company's own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from ..content_files import FileReport, suggest
from .kind import Found, Outcome, Scenario, StepsError, TaskKind, choice_field
from .parts import Parts

SIGNS = {
    "pay-to-apply": "It asks you to pay to apply, for training, a uniform or a check",
    "bank-details": "It asks for your bank details before any interview",
    "too-good-pay": "The pay is far too good for the work",
    "no-company": "There are no company details you could check",
    "personal-email": "It gives a personal email address, not the company's own",
}
VERDICTS = ("real", "fake")
MOST_ADVERTS = 6
ADVERT_KEYS = {"id": True, "title": True, "employer": True, "pay": True, "place": True, "text": True,
               "contact": True, "fake": True, "signs": False, "why": True}


@dataclass(frozen=True)
class Advert:
    """One pretend job advert."""

    id: str
    title: str
    employer: str
    pay: str
    place: str
    text: str
    contact: str
    fake: bool
    signs: tuple[str, ...]  # a fake advert's warning signs, from SIGNS
    why: str  # what the feedback says about this advert


@dataclass(frozen=True)
class JobBoardScenario:
    """The pretend job board: its adverts, in the order shown."""

    adverts: tuple[Advert, ...]


class JobBoard(TaskKind):
    """Sort the adverts on a pretend job board into real and fake, ticking each warning sign in a fake one."""

    name = "job-board"
    words = "pretend job board"
    settings = {"adverts": True}
    signs = SIGNS
    mistakes = {
        "missed-fake": "A fake advert was taken for a real one. Fake jobs can look very real.",
        "false-alarm": "A real advert was marked fake. Look again at what makes it look right.",
        "missed-sign": "A warning sign in this fake advert was not ticked.",
        "wrong-sign": "That warning sign is not in this advert.",
    }

    def read_scenario(self, scenario: Scenario, report: FileReport) -> JobBoardScenario | None:
        """Return the job board's adverts, checking each."""
        parts = Parts(scenario, report)
        adverts = []
        for path, item in parts.items(("adverts",), ADVERT_KEYS, MOST_ADVERTS):
            text = {key: parts.text(path + (key,)) for key in ADVERT_KEYS if key not in ("id", "fake", "signs")}
            fake = parts.choice(path + ("fake",), ("yes", "no")) == "yes"
            signs = parts.texts(path + ("signs",), needed=fake)
            for sign in signs:
                if sign not in SIGNS:
                    parts.error(path + ("signs",), f"'{sign}' is not a warning sign: use {', '.join(SIGNS)}"
                                                   f"{suggest(sign, SIGNS)}")
            if signs and not fake:
                parts.error(path + ("signs",), "a real advert has no 'signs'")
            adverts.append(Advert(item["id"], text["title"], text["employer"], text["pay"], text["place"],
                                  text["text"], text["contact"], fake, signs, text["why"]))
        if parts.ok and not any(a.fake for a in adverts):
            parts.error(("adverts",), "the job board has no fake advert: mark at least one 'fake: yes'")
        return JobBoardScenario(tuple(adverts)) if parts.ok else None

    def read_steps(self, scenario: JobBoardScenario, fields: Mapping[str, list[str]]) -> dict:
        """Return, for each advert, real or fake and, for a fake one, the warning signs ticked."""
        steps = {}
        for number, advert in enumerate(scenario.adverts, 1):
            verdict = choice_field(fields, f"{advert.id}-verdict", VERDICTS,
                                   f"Say whether advert {number} is real or fake.")
            step: dict[str, Any] = {"verdict": verdict}
            if verdict == "fake":
                ticked = fields.get(f"{advert.id}-signs") or []
                if len(ticked) > len(SIGNS) or any(sign not in SIGNS for sign in ticked):
                    raise StepsError("The form was sent with a choice that is not on the page. Please choose again.")
                if not ticked:
                    raise StepsError(f"Tick at least one warning sign in advert {number}.")
                step["signs"] = [sign for sign in SIGNS if sign in ticked]
            steps[advert.id] = step
        return steps

    def check(self, scenario: JobBoardScenario, steps: Mapping[str, Any]) -> Outcome:
        """Return whether every advert was sorted right, with each mistake and the advert it was in."""
        found: list[Found] = []
        for advert in scenario.adverts:
            step = steps.get(advert.id) or {}
            verdict = step.get("verdict")
            if advert.fake and verdict != "fake":
                found.append(Found("missed-fake", advert.id, advert.why))
            elif not advert.fake and verdict == "fake":
                found.append(Found("false-alarm", advert.id, advert.why))
            elif advert.fake:
                ticked = set(step.get("signs") or ())
                missed = [SIGNS[s] for s in advert.signs if s not in ticked]
                wrong = [SIGNS[s] for s in SIGNS if s in ticked and s not in advert.signs]
                if missed:
                    found.append(Found("missed-sign", advert.id, "Also a warning sign: " + "; ".join(
                        s[0].lower() + s[1:] for s in missed) + "."))
                if wrong:
                    found.append(Found("wrong-sign", advert.id, "Not in this advert: " + "; ".join(
                        s[0].lower() + s[1:] for s in wrong) + "."))
        kept = {advert.id: dict(steps.get(advert.id) or {}) for advert in scenario.adverts}
        return Outcome(not found, tuple(found), kept)

    def part_name(self, scenario: JobBoardScenario, about: str) -> str:
        """Name an advert as the learner saw it: "Advert 2: Kitchen assistant at ..."."""
        for number, advert in enumerate(scenario.adverts, 1):
            if advert.id == about:
                return f"Advert {number}: {advert.title}, {advert.employer}"
        return ""
