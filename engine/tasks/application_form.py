"""A pretend job application form: personal statement, employment history, right to work, and the right file.

The form makes the checks a real one does (boxes that must be filled in, dates
as month and year with the end after the start, a length limit) and says
what is wrong next to each box, without counting it as a try: a real form
would not send either. Once it is filled in, the task checks what a careful
applicant gets right: a statement about this job, not the CV copied out;
dates that match the CV; the true answer on right to work; and the CV
attached, not a holiday photo.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping

from ..content_files import FileReport
from .kind import MAX_FIELD, Found, Outcome, Scenario, StepsError, TaskKind
from .parts import Parts, parse_month_year

MOST_JOBS, MOST_FILES = 3, 6
NOW = "now"  # a job in the CV the pretend person still does


class FormErrors(StepsError):
    """A form a real site would send back: each box's problem, said next to it."""

    def __init__(self, fields: Mapping[str, str]):
        self.fields = dict(fields)
        count = len(self.fields)
        super().__init__(f"There {'is 1 problem' if count == 1 else f'are {count} problems'} with the form: "
                         + " ".join(self.fields.values()))


@dataclass(frozen=True)
class PastJob:
    """A job in the pretend CV."""

    title: str
    employer: str
    start: tuple[int, int]  # (year, month)
    end: tuple[int, int] | None  # None while the person still works there


@dataclass(frozen=True)
class FormScenario:
    """The job applied for, the pretend person and their CV, and the files they could attach."""

    job: str
    applicant: str
    profile: str  # the CV's opening lines, shown: a statement should not copy them out
    jobs: tuple[PastJob, ...]
    right_to_work: str  # "yes" or "no", the pretend person's true answer
    files: tuple[str, ...]
    right_file: str
    topic_words: tuple[str, ...]  # a statement about this job uses at least one
    fewest_words: int
    most_characters: int


class ApplicationForm(TaskKind):
    """Fill in a pretend job application form with a statement, employment history and the right file."""

    name = "application-form"
    words = "pretend job application form"
    settings = {"job": True, "applicant": True, "cv": True, "right to work": True, "files": True,
                "right file": True, "statement": True}
    mistakes = {
        "copied-cv": "The statement copies the CV. Use it to add something new about why you want this job.",
        "statement-off-topic": "The statement does not say anything about this job.",
        "history-not-matching": "The employment history does not match the CV.",
        "wrong-right-to-work": "That is not the true answer about the right to work in the UK.",
        "wrong-file": "That is not the file to send with a job application.",
    }

    def read_scenario(self, scenario: Scenario, report: FileReport) -> FormScenario | None:
        """Return the job, the pretend person's CV, the files to choose from and the statement's limits."""
        parts = Parts(scenario, report)
        cv = parts.mapping(("cv",), {"profile": True, "jobs": True})
        jobs = []
        keys = {"title": True, "employer": True, "from": True, "to": True}
        for path, _ in (parts.items(("cv", "jobs"), keys, MOST_JOBS) if cv else []):
            start, end = _month(parts, path + ("from",)), _month(parts, path + ("to",), NOW)
            if isinstance(start, tuple) and isinstance(end, tuple) and end < start:
                parts.error(path + ("to",), "the job ends before it starts: 'to' must be after 'from'")
            jobs.append(PastJob(parts.text(path + ("title",)), parts.text(path + ("employer",)), start or (0, 0),
                                end if end != NOW else None))
        files = parts.texts(("files",))
        right_file = parts.choice(("right file",), files) if files else ""
        limits = parts.mapping(("statement",), {"topic words": True, "fewest words": True, "most characters": True})
        topic_words, fewest, most = (), 0, MAX_FIELD
        if limits:
            topic_words = parts.texts(("statement", "topic words"))
            fewest = parts.number(("statement", "fewest words"), 1, 80)
            most = parts.number(("statement", "most characters"), 100, MAX_FIELD)
        found = FormScenario(parts.text(("job",)), parts.text(("applicant",)),
                             parts.text(("cv", "profile")) if cv else "", tuple(jobs),
                             parts.choice(("right to work",), ("yes", "no")), files, right_file, topic_words,
                             fewest, most)
        return found if parts.ok else None

    def read_steps(self, scenario: FormScenario, fields: Mapping[str, list[str]]) -> dict:
        """Return what was filled in; FormErrors, saying what is wrong next to each box, as a real form would."""
        problems: dict[str, str] = {}

        def box(name: str, missing: str) -> str:
            try:
                value = _one(fields, name)
            except StepsError as exc:
                problems[name] = str(exc)
                return ""
            if not value and missing:
                problems[name] = missing
            return value

        statement = box("statement", "Write your personal statement.")
        if statement and len(statement) > scenario.most_characters:
            problems["statement"] = (f"Your personal statement must be {scenario.most_characters} characters or "
                                     f"fewer. It is {len(statement)}.")
        elif statement and len(statement.split()) < scenario.fewest_words:
            problems["statement"] = (f"Your personal statement must be at least {scenario.fewest_words} words. "
                                     f"It is {len(statement.split())}.")
        history = []
        for number, _ in enumerate(scenario.jobs, 1):
            row = {"title": box(f"job-{number}-title", f"Enter the job title for job {number}."),
                   "employer": box(f"job-{number}-employer", f"Enter the employer for job {number}.")}
            start = _date_box(box(f"job-{number}-from", f"Enter the date job {number} started."),
                              f"job-{number}-from", number, problems)
            current = box(f"job-{number}-current", "")
            if current not in ("", "yes"):
                raise StepsError("The form was sent with a choice that is not on the page. Please choose again.")
            end_text = box(f"job-{number}-to", "" if current else f"Enter the date job {number} ended, or tick "
                                                                   "that you still work there.")
            end = _date_box(end_text, f"job-{number}-to", number, problems)
            if current and end_text:
                problems[f"job-{number}-to"] = (f"Leave the end date of job {number} empty if you still work "
                                                "there.")
            elif start and end and end < start:
                problems[f"job-{number}-to"] = f"The end date of job {number} must be after the date it started."
            row.update(start=start, end=None if current else end)
            history.append(row)
        steps = {"statement": statement, "history": history}
        for name, choices, missing in (("right-to-work", ("yes", "no"), "Say whether you have the right to work "
                                                                          "in the UK."),
                                       ("attach", scenario.files, "Choose a file to attach.")):
            value = box(name, missing)
            if value and value not in choices:
                raise StepsError("The form was sent with a choice that is not on the page. Please choose again.")
            steps[name] = value
        if box("declare", "Tick to confirm the information you have given is true.") not in ("", "yes"):
            raise StepsError("The form was sent with a choice that is not on the page. Please choose again.")
        if problems:
            raise FormErrors(problems)
        return steps

    def check(self, scenario: FormScenario, steps: Mapping[str, Any]) -> Outcome:
        """Return whether the application was filled in carefully, with each mistake."""
        found: list[Found] = []
        statement = _plain(steps.get("statement", ""))
        copied = _plain(scenario.profile) in statement
        on_topic = any(re.search(rf"\b{re.escape(w.casefold())}", statement) for w in scenario.topic_words)
        if copied:
            found.append(Found("copied-cv", "statement"))
        elif not on_topic:
            found.append(Found("statement-off-topic", "statement",
                               f"Say why you want to be a {scenario.job} and what you would bring to it."))
        history = steps.get("history") or []
        for number, job in enumerate(scenario.jobs, 1):
            row = history[number - 1] if number <= len(history) else {}
            if (_plain(row.get("title", "")) != _plain(job.title) or _plain(row.get("employer", "")) !=
                    _plain(job.employer) or row.get("start") != job.start or row.get("end") != job.end):
                found.append(Found("history-not-matching", "history",
                                   f"Job {number} in the CV: {job.title}, {job.employer}, {_shown(job.start)} to "
                                   f"{_shown(job.end) if job.end else 'now'}."))
        if steps.get("right-to-work") != scenario.right_to_work:
            found.append(Found("wrong-right-to-work", "right-to-work"))
        if steps.get("attach") != scenario.right_file:
            found.append(Found("wrong-file", "attach", f"Attach {scenario.right_file}."))
        kept = {"statement": {"words": len(statement.split()), "copied_cv": copied, "about_the_job": on_topic},
                "history_matches": not any(f.mistake == "history-not-matching" for f in found),
                "right_to_work": steps.get("right-to-work"), "attach": steps.get("attach")}
        return Outcome(not found, tuple(found), kept)

    def part_name(self, scenario: FormScenario, about: str) -> str:
        """Name the part of the form a mistake was in."""
        return {"statement": "Personal statement", "history": "Employment history",
                "right-to-work": "Right to work", "attach": "Attach your CV"}.get(about, "")


def _one(fields: Mapping[str, list[str]], name: str) -> str:
    """Return one box's value, keeping line breaks typed in a statement."""
    values = fields.get(name) or []
    if len(values) > 1:
        raise StepsError("The form was sent with a box filled in twice. Please fill it in again.")
    value = values[0] if values else ""
    if not isinstance(value, str) or len(value) > MAX_FIELD * 4:
        raise StepsError(f"That is far too long: keep it under {MAX_FIELD} characters.")
    if "\x00" in value:
        raise StepsError("The form had a character in it that cannot be typed. Please fill it in again.")
    return value.strip()


def _date_box(text: str, name: str, number: int, problems: dict) -> tuple[int, int] | None:
    """Read a month and year typed in a box; note a problem when it is not one."""
    if not text:
        return None
    found = parse_month_year(text)
    if found is None:
        problems[name] = f"Enter the dates of job {number} as month and year, like 03/2021."
    return found


def _month(parts: Parts, path: tuple, other: str = "") -> tuple[int, int] | str | None:
    text = parts.text(path)
    if text and other and text == other:
        return other
    found = parse_month_year(text) if text else None
    if text and found is None:
        parts.error(path, f"'{path[-1]}' must be a month and year, like 03/2021{' or ' + other if other else ''}, "
                          f"not '{text}'")
    return found


def _plain(text: str) -> str:
    """Return text folded for comparing: small letters, single spaces, no full stops at the ends."""
    return " ".join(text.casefold().split()).strip(" .")


def _shown(month: tuple[int, int]) -> str:
    return f"{month[1]:02d}/{month[0]}"
