"""Read one practice task file: its settings, its kind's scenario, the feedback for each mistake, its text.

A task file sits in a module's `tasks/` folder. Its settings say its id, kind,
title and skills, then the scenario its kind reads (messages, a pretend
person...) and, under `mistakes:`, what to tell a learner about each kind of
mistake, with the misconception behind it, as a question's wrong answers do.
The text under the settings is what the learner reads before starting.
"""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType

import yaml

from ..content_files import (
    MODULE_FILE,
    ID_PATTERN,
    FileReport,
    id_list_setting,
    id_setting,
    open_file,
    suggest,
    text_setting,
)
from ..markdown_body import ImageUrl, body_source, check_html, check_images
from ..model import Source, Task, TaskFeedback
from ..module_file import ModuleDraft
from ..render import render_markdown
from . import KINDS
from .kind import Scenario

TASKS_FOLDER = "tasks"
TASK_KEYS = {"id": True, "kind": True, "title": True, "skills": True, "mistakes": False}


def task_paths(module_folder: Path) -> list[Path]:
    """Return a module's task files, in name order."""
    folder = module_folder / TASKS_FOLDER
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.md") if not p.name.startswith((".", "_"))
                  and p.name.lower() != "readme.md")


def read_task(path: Path, rel: str, module: ModuleDraft, report: FileReport, image_url: ImageUrl) -> Task | None:
    """Read one task file, reporting every problem with its line."""
    allowed = dict(TASK_KEYS)
    for kind in KINDS.values():
        allowed.update({key: False for key in kind.settings})
    opened = open_file(path, report, allowed)
    if opened is None:
        return None
    text, tokens, settings = opened
    task_id = id_setting(settings, "id", report)
    title = text_setting(settings, "title", report)
    kind_name = text_setting(settings, "kind", report)
    kind = KINDS.get(kind_name) if kind_name else None
    if kind_name and kind is None:
        report.error(settings.line("kind"), f"unknown kind of task '{kind_name}'{suggest(kind_name, KINDS)}: use "
                                            f"one of {', '.join(KINDS)}")
    skills = id_list_setting(settings, "skills", report) if "skills" in settings.values else None
    known_skills = {s.id for s in module.module.skills}
    if skills is not None:
        if not skills:
            report.error(settings.line("skills"), "'skills' must name at least one skill of the module")
        for skill in skills:
            if skill not in known_skills:
                report.error(settings.line("skills"), f"skill '{skill}' is not listed in {module.folder.name}/"
                                                      f"{MODULE_FILE}{suggest(skill, known_skills)}")
    lines = _lines(tokens[0], settings.start + 1)
    scenario = None
    feedback: dict[str, TaskFeedback] = {}
    if kind is not None:
        for key in settings.values:
            if key not in TASK_KEYS and key not in kind.settings:
                report.error(settings.line(key), f"'{key}' is not a setting of the kind '{kind.name}'"
                                                 f"{suggest(key, kind.settings)}")
        for key, needed in kind.settings.items():
            if needed and key not in settings.values:
                report.error(settings.start, f"the setting '{key}' is missing: the kind '{kind.name}' needs it")
        if all(key in settings.values for key, needed in kind.settings.items() if needed):
            scenario = kind.read_scenario(Scenario(MappingProxyType(settings.values), lines, settings.start),
                                          report)
        feedback = _read_mistakes(settings.values.get("mistakes"), lines, kind, report,
                                  lambda src: image_url(module.id, src))
    check_html(tokens, report)
    check_images(tokens, module.folder, report)
    body = body_source(text, tokens, [])
    if not body.strip():
        report.error(settings.start, "the task has no text: under the settings, say in a sentence or two what the "
                                     "learner will do, and that it is pretend")
    if not report.ok:
        return None
    return Task(
        id=task_id,
        kind=kind.name,
        title=title,
        skills=skills,
        module_id=module.id,
        intro_html=render_markdown(body, lambda src: image_url(module.id, src)),
        scenario=scenario,
        feedback=MappingProxyType(feedback),
        source=Source(rel, 1),
        luck=kind.luck(scenario),
    )


def _read_mistakes(value, lines, kind, report: FileReport, image_url) -> dict[str, TaskFeedback]:
    """Read what to tell the learner about each mistake: the tutor's words, or the kind's own."""
    feedback = {name: TaskFeedback(name, render_markdown(words, image_url)) for name, words in kind.mistakes.items()}
    if value is None:
        return feedback
    line = lines.get(("mistakes",), 1)
    example = ("'mistakes:' then, indented, each mistake's name and what to tell the learner, or 'say:' and "
               "'misconception:' lines under it")
    if not isinstance(value, dict):
        report.error(line, f"'mistakes' must be {example}")
        return feedback
    for name, item in value.items():
        here = lines.get(("mistakes", name), line)
        if name not in kind.mistakes:
            report.error(here, f"the kind '{kind.name}' has no mistake called '{name}'{suggest(str(name), kind.mistakes)}:"
                               f" it can find {', '.join(kind.mistakes)}")
            continue
        if isinstance(item, str):
            item = {"say": item}
        if not isinstance(item, dict) or set(item) - {"say", "misconception"}:
            extra = sorted(set(item) - {"say", "misconception"}) if isinstance(item, dict) else []
            report.error(lines.get(("mistakes", name, extra[0]), here) if extra else here,
                         f"under the mistake '{name}', write 'say:' and, if a lesson fixes it, 'misconception:'"
                         + (f", not '{extra[0]}'" if extra else ""))
            continue
        say = item.get("say")
        tag = item.get("misconception")
        if not isinstance(say, str) or not say.strip():
            report.error(lines.get(("mistakes", name, "say"), here), f"the mistake '{name}' needs 'say:' with what "
                                                                     "to tell the learner")
            continue
        if tag is not None and (not isinstance(tag, str) or not ID_PATTERN.match(tag.strip())):
            report.error(lines.get(("mistakes", name, "misconception"), here),
                         f"misconception '{tag}' must be small letters, numbers and hyphens, like 'pet-name-password'")
            continue
        feedback[name] = TaskFeedback(name, render_markdown(say.strip(), image_url), tag.strip() if tag else None)
    return feedback


def _lines(token, first_line: int) -> dict[tuple, int]:
    """Return the line of every part of the settings, by its path of keys and list positions."""
    found: dict[tuple, int] = {}
    try:
        node = yaml.compose(token.content, Loader=yaml.BaseLoader)
    except yaml.YAMLError:
        return found  # reported already when the settings were read

    def walk(node, path):
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                here = path + (key.value if isinstance(key, yaml.ScalarNode) else str(key),)
                found[here] = first_line + key.start_mark.line
                walk(value, here)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                found[path + (index,)] = first_line + item.start_mark.line
                walk(item, path + (index,))

    walk(node, ())
    return found
