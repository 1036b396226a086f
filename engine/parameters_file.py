"""Read a module's parameters.md: the mastery model's settings for its skills and questions."""

from __future__ import annotations

import re
from pathlib import Path

from .content_files import MODULE_FILE, FileReport, Settings, open_file, suggest, text_setting
from .module_file import ModuleDraft

PARAMETERS_KEYS = {"module": True, "skills": True, "fitted": False, "questions": False}
# The mastery model's settings a tutor (or `flask engine fit`) may give a skill, with their ranges.
PARAMETER_RANGES = {
    "prior": (0.0, 1.0),
    "learn": (0.0, 1.0),
    "slip": (0.0, 0.5),
    "lesson_learn": (0.0, 1.0),
    "half_life_days": (1.0, 3650.0),
}
QUESTION_PARAMETER_RANGES = {"guess": (0.0, 0.9), "slip": (0.0, 0.5)}


def read_parameters(path: Path, report: FileReport, module: ModuleDraft) -> tuple[dict, dict]:
    """Read a module's settings for the mastery model: per skill, and per question as measured."""
    opened = open_file(path, report, PARAMETERS_KEYS)
    if opened is None:
        return {}, {}
    text, _tokens, settings = opened
    raw_lines = text.split("\n")
    named = text_setting(settings, "module", report)
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
