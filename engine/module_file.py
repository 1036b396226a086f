"""Read a module's module.md: its id, title, summary, skills and passport rules."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .content_files import (
    ID_PATTERN,
    FileReport,
    Settings,
    id_setting,
    number_setting,
    open_file,
    suggest,
    text_setting,
)
from .markdown_body import ImageUrl, body_source, check_html, check_images
from .model import LEVELS, Module, PassportRules, Skill, Source
from .render import render_markdown

MODULE_KEYS = {"id": True, "title": True, "summary": True, "order": False, "skills": True, "passport": False}
# The passport's settings in module.md, with the ranges of the gold review's numbers.
PASSPORT_KEYS = set(LEVELS) | {"review questions", "review right", "review after days"}
REVIEW_RANGES = {"review questions": (1, 30), "review right": (1, 30), "review after days": (0, 365)}


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


def read_module(path: Path, rel: str, report: FileReport, image_url: ImageUrl) -> ModuleDraft | None:
    """Read a module.md file."""
    opened = open_file(path, report, MODULE_KEYS)
    if opened is None:
        return None
    text, tokens, settings = opened
    module_id = id_setting(settings, "id", report)
    title = text_setting(settings, "title", report)
    summary = text_setting(settings, "summary", report)
    order = number_setting(settings, "order", report, 0, 9999)
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
    check_html(tokens, report)
    check_images(tokens, path.parent, report)
    if not report.ok or module_id is None:
        return None
    body = body_source(text, tokens, [])
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
