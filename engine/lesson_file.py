"""Read one lesson file: its settings, its text and its questions."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .content_files import (
    MODULE_FILE,
    FileReport,
    Settings,
    id_list_setting,
    id_setting,
    number_setting,
    open_file,
    suggest,
    text_setting,
)
from .markdown_body import ImageUrl, body_source, check_html, check_images
from .model import AREAS, LEVELS, GlossaryWord, Lesson, Source
from .module_file import ModuleDraft
from .question_blocks import check_stray_fences, read_questions
from .render import render_with_glossary

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


@dataclass
class LessonDraft:
    """A lesson as read from its file, before links to other files are checked."""

    lesson: Lesson
    settings: Settings
    order_key: str


def read_lesson(path: Path, rel: str, module: ModuleDraft, report: FileReport,
                image_url: ImageUrl, glossary: tuple[GlossaryWord, ...] = ()) -> LessonDraft | None:
    """Read one lesson file with its questions."""
    opened = open_file(path, report, LESSON_KEYS)
    if opened is None:
        return None
    text, tokens, settings = opened
    lesson_id = id_setting(settings, "id", report)
    title = text_setting(settings, "title", report)
    skills = id_list_setting(settings, "skills", report) if "skills" in settings.values else None
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
    minutes = number_setting(settings, "minutes", report, 1, 60)
    prerequisites = id_list_setting(settings, "prerequisites", report)
    fixes = id_list_setting(settings, "fixes", report)
    if lesson_id and prerequisites and lesson_id in prerequisites:
        report.error(settings.line("prerequisites"), "a lesson cannot be its own prerequisite")

    lines = text.split("\n")
    module_images = lambda src: image_url(module.id, src)  # noqa: E731
    questions, spans = read_questions(tokens, lines, rel, report, lesson_id or "", module,
                                      skills or (), module_images)
    check_stray_fences(lines, spans, report)
    images = check_images(tokens, module.folder, report)
    check_html(tokens, report)
    body = body_source(text, tokens, spans)
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
    value = text_setting(settings, key, report)
    if value is None:
        return None
    for choice in choices:
        if value.lower() == choice.lower():
            return choice
    listed = ", ".join(f"'{c}'" for c in choices)
    report.error(settings.line(key), f"'{key}' must be one of {listed}, not '{value}'{suggest(value, choices)}")
    return None
