"""Read the questions in a lesson: each a '::: question ID' block with its settings, text and answers."""

from __future__ import annotations

import re
import textwrap

from .answers import normalise_typed
from .content_files import ID_PATTERN, MODULE_FILE, FileReport, suggest
from .model import QUESTION_KINDS, Option, Question, Source
from .module_file import ModuleDraft
from .render import render_markdown

SETTING_LINE = re.compile(r"^([A-Za-z][\w-]*)\s*:\s*(.*?)\s*$")
LIST_MARKER = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])(?:\s+|$)(.*)$")
CHECKBOX = re.compile(r"^\[( |x|X)\]\s*(.*)$")
MISCONCEPTION_LINE = re.compile(r"^\s*misconception\s*:\s*(.*?)\s*$", re.IGNORECASE)
HINT_PREFIX = re.compile(r"^hint\s*:\s*", re.IGNORECASE)
FENCE_LINE = re.compile(r"^\s*:::")
CLOSING_FENCE = re.compile(r"^\s*:::\s*$")
QUESTION_KEYS = {"kind": True, "skill": False, "guess": False}
GUESS_WORDS = re.compile(r"^1\s+in\s+(\d+)$", re.IGNORECASE)
GUESS_RANGE = (0.01, 0.9)


def read_questions(tokens, lines, rel, report: FileReport, lesson_id: str, module: ModuleDraft,
                   lesson_skills, image_url) -> tuple[list[Question], list[tuple[int, int]]]:
    """Read every question block in a lesson; return the questions and the lines each block spans."""
    questions, spans = [], []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.type != "container_question_open":
            i += 1
            continue
        depth, j = 1, i + 1
        while j < len(tokens) and depth:
            if tokens[j].type == "container_question_open":
                depth += 1
            elif tokens[j].type == "container_question_close":
                depth -= 1
            j += 1
        start, end = token.map
        line = start + 1
        closed = end < len(lines) and CLOSING_FENCE.match(lines[end])
        spans.append((start, min(end, len(lines) - 1)))
        if token.level != 0:
            report.error(line, "a question cannot be inside another block")
        elif not closed:
            report.error(line, "this question has no closing ':::' line")
        else:
            question = _read_question(token, tokens[i + 1:j - 1], lines, rel, report, lesson_id, module,
                                      lesson_skills, image_url)
            if question is not None:
                questions.append(question)
        i = j
    seen: dict[str, int] = {}
    for q in questions:
        if q.id in seen:
            report.error(q.source.line, f"question id '{q.id}' is used twice in this file (first on line {seen[q.id]})")
        seen.setdefault(q.id, q.source.line)
    return questions, spans


def check_stray_fences(lines: list[str], spans, report: FileReport) -> None:
    """Report ':::' lines outside every question block: a misspelt block name or a stray closing line."""
    inside = {i for start, end in spans for i in range(start, end + 1)}
    for i, line in enumerate(lines):
        if FENCE_LINE.match(line) and i not in inside:
            word = line.strip().lstrip(":").strip().split(" ")[0] if line.strip().lstrip(":").strip() else ""
            if word:
                report.error(i + 1, f"unknown block '{word}'{suggest(word, ['question'])}: "
                                    "a question starts with '::: question ID'")
            else:
                report.error(i + 1, "this ':::' line closes nothing: is a '::: question ID' line missing above it?")


def _piece(lines, start: int, end: int) -> str:
    return textwrap.dedent("\n".join(lines[start:end])).strip("\n")


def _read_question(open_token, inner, lines, rel, report: FileReport, lesson_id, module: ModuleDraft,
                   lesson_skills, image_url) -> Question | None:
    line = open_token.map[0] + 1
    words = open_token.info.split()
    question_id = words[1] if len(words) > 1 else None
    if question_id is None:
        report.error(line, "the question needs an id after '::: question', like '::: question pin-by-text'")
        return None
    if not ID_PATTERN.match(question_id) or len(words) > 2:
        report.error(line, f"question id '{' '.join(words[1:])}' must be one word of small letters, numbers "
                           "and hyphens")
        return None
    errors_before = len([p for p in report.problems if p.severity == "error"])

    blocks = [t for t in inner if t.level == 1 and t.nesting in (0, 1) and t.map]
    if not blocks or blocks[0].type != "paragraph_open":
        report.error(line, "a question starts with its settings on the next line, like 'kind: single'")
        return None
    header_start, header_end = blocks[0].map
    if not SETTING_LINE.match(lines[header_start].strip()):
        report.error(header_start + 1, "a question starts with its settings on the next line, like 'kind: single'")
        return None
    settings: dict[str, str] = {}
    for n in range(header_start, header_end):
        match = SETTING_LINE.match(lines[n].strip())
        if not match:
            report.error(n + 1, "put a blank line between the question's settings and the question itself")
            return None
        key, value = match.group(1).lower(), match.group(2)
        if key not in QUESTION_KEYS:
            report.error(n + 1, f"unknown question setting '{key}'{suggest(key, QUESTION_KEYS)}")
            continue
        settings[key] = value
    kind = settings.get("kind")
    if kind is None:
        report.error(line, f"the question's 'kind' is missing: one of {', '.join(QUESTION_KINDS)}")
        return None
    if kind not in QUESTION_KINDS:
        report.error(header_start + 1, f"unknown kind '{kind}'{suggest(kind, QUESTION_KINDS)}: use one of "
                                       f"{', '.join(QUESTION_KINDS)}")
        return None
    skill = settings.get("skill")
    known_skills = {s.id for s in module.module.skills}
    if skill is None:
        if len(lesson_skills) == 1:
            skill = lesson_skills[0]
        else:
            report.error(line, "say which skill the question tests, like 'skill: strong-passwords' "
                               "(needed when the lesson teaches more than one skill)")
            return None
    elif skill not in known_skills:
        report.error(header_start + 1, f"skill '{skill}' is not listed in {module.folder.name}/{MODULE_FILE}"
                                       f"{suggest(skill, known_skills)}")
        return None

    guess = _guess(settings.get("guess"), header_start + 1, report) if "guess" in settings else None

    prompt_blocks, hint_blocks, option_list = [], [], None
    for block in blocks[1:]:
        if block.type in ("bullet_list_open", "ordered_list_open"):
            if option_list is not None:
                report.error(block.map[0] + 1, "a question has one list of answers; this is a second list")
                return None
            option_list = block
        elif block.type == "paragraph_open" and HINT_PREFIX.match(lines[block.map[0]].strip()):
            hint_blocks.append(block)
        elif option_list is not None:
            report.error(block.map[0] + 1, "only hints ('Hint: ...') can come after the answers")
            return None
        else:
            prompt_blocks.append(block)
    if not prompt_blocks:
        report.error(line, "the question has no text: write it after the settings and a blank line")
        return None
    if option_list is None:
        report.error(line, "the question has no answers: list them with '- [x]' for right and '- [ ]' for wrong")
        return None

    prompt = _piece(lines, prompt_blocks[0].map[0], prompt_blocks[-1].map[1])
    hints = []
    for block in hint_blocks:
        hint = HINT_PREFIX.sub("", _piece(lines, *block.map).strip(), count=1)
        hints.append(render_markdown(hint, image_url))

    items = [t for t in inner if t.type == "list_item_open" and t.level == option_list.level + 1]
    options = _read_options(items, lines, kind, option_list.type == "ordered_list_open", report, image_url)
    if options is None:
        return None
    _check_kind(kind, options, option_list.map[0] + 1, report)
    errors_after = len([p for p in report.problems if p.severity == "error"])
    if errors_after > errors_before:
        return None
    return Question(
        id=question_id,
        kind=kind,
        skill=skill,
        prompt_html=render_markdown(prompt, image_url),
        options=tuple(options),
        hints=tuple(hints),
        lesson_id=lesson_id,
        module_id=module.id,
        source=Source(rel, line),
        guess=guess,
    )


def _guess(raw: str, line: int, report: FileReport) -> float | None:
    """Read a question's 'guess:' setting: '1 in 3' or a number such as 0.3."""
    words = GUESS_WORDS.match(raw.strip())
    try:
        value = 1 / int(words.group(1)) if words else float(raw)
    except (ValueError, ZeroDivisionError):
        value = None
    low, high = GUESS_RANGE
    if value is None or not low <= value <= high:
        report.error(line, f"'guess' says how often someone who does not know the skill still gets the question "
                           f"right: write '1 in 3', or a number from {low:g} to {high:g}, not '{raw}'")
        return None
    return value


def _option_key(n: int) -> str:
    return chr(ord("a") + n) if n < 26 else f"o{n}"


def _read_options(items, lines, kind: str, numbered: bool, report: FileReport, image_url) -> list[Option] | None:
    options: list[Option] = []
    if kind == "ordering" and not numbered:
        report.error(items[0].map[0] + 1 if items else 1,
                     "write the steps of an ordering question as a numbered list (1. 2. 3.) in the right order")
        return None
    for n, item in enumerate(items):
        start, end = item.map
        first = LIST_MARKER.match(lines[start])
        text = first.group(1).strip() if first else lines[start].strip()
        rest = lines[start + 1:end]
        misconception = None
        kept = []
        for offset, raw in enumerate(rest):
            match = MISCONCEPTION_LINE.match(raw)
            if match:
                tag = match.group(1)
                if misconception is not None:
                    report.error(start + 2 + offset, "an answer can have only one 'Misconception:' line")
                elif not ID_PATTERN.match(tag):
                    report.error(start + 2 + offset, f"misconception '{tag}' must be small letters, numbers "
                                                     "and hyphens, like 'pet-name-password'")
                else:
                    misconception = tag
            else:
                kept.append(raw)
        feedback = textwrap.dedent("\n".join(kept)).strip()
        correct, catch_all = True, False
        if kind == "ordering":
            if CHECKBOX.match(text):
                report.error(start + 1, "the steps of an ordering question have no [x] or [ ]: "
                                        "write them in the right order instead")
                return None
            if misconception:
                report.error(start + 1, "ordering steps cannot carry a misconception")
        else:
            box = CHECKBOX.match(text)
            if not box:
                report.error(start + 1, "start each answer with [x] if it is right or [ ] if it is wrong")
                return None
            correct, text = box.group(1).lower() == "x", box.group(2).strip()
            if text == "*":
                if kind != "typed":
                    report.error(start + 1, "'*' (any other answer) is only for typed questions")
                elif correct:
                    report.error(start + 1, "'*' means any other answer, so it must be marked [ ], not [x]")
                catch_all = True
            if misconception and correct:
                report.error(start + 1, "a right answer cannot carry a misconception: put it on a wrong answer")
        if not text:
            report.error(start + 1, "this answer has no text")
            return None
        options.append(Option(
            key=_option_key(n),
            text=text,
            correct=correct,
            feedback_html=render_markdown(feedback, image_url) if feedback else "",
            misconception=misconception,
            catch_all=catch_all,
        ))
    return options


def _check_kind(kind: str, options: list[Option], line: int, report: FileReport) -> None:
    choices = [o for o in options if not o.catch_all]
    right = [o for o in choices if o.correct]
    seen: dict[str, Option] = {}
    for option in choices:
        key = normalise_typed(option.text)
        if key in seen:
            report.error(line, f"the answer '{option.text}' is listed twice")
        seen[key] = option
    if sum(o.catch_all for o in options) > 1:
        report.error(line, "only one '[ ] *' (any other answer) is allowed")
    if kind == "single":
        if len(choices) < 2:
            report.error(line, "a single-choice question needs at least two answers")
        elif len(right) != 1:
            report.error(line, f"a single-choice question needs exactly one right answer marked [x]; "
                               f"this one has {len(right)}. Use 'kind: multiple' for more than one")
    elif kind == "multiple":
        if len(choices) < 2:
            report.error(line, "a multiple-choice question needs at least two answers")
        elif not right:
            report.error(line, "the question has no right answer: mark at least one with [x]")
    elif kind == "true-false":
        texts = sorted(o.text.casefold() for o in choices)
        if texts != ["false", "true"]:
            report.error(line, "a true-false question has exactly two answers, 'True' and 'False'")
        elif len(right) != 1:
            report.error(line, "mark either True or False as right with [x], not both")
    elif kind == "typed":
        if not right:
            report.error(line, "the question has no right answer: mark each answer you accept with [x]")
    elif kind == "ordering":
        if len(options) < 2:
            report.error(line, "an ordering question needs at least two steps")
