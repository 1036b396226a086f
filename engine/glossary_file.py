"""Read a module's glossary.md: the words its lessons explain where they are first used."""

from __future__ import annotations

import re
from pathlib import Path

from .content_files import FileReport, open_file, slug, text_setting
from .model import GlossaryWord
from .module_file import ModuleDraft
from .render import render_markdown

GLOSSARY_KEYS = {"module": True}
ALSO_LINE = re.compile(r"^also\s*:\s*(.*)$", re.IGNORECASE)


def read_glossary(path: Path, report: FileReport, module: ModuleDraft) -> tuple[GlossaryWord, ...]:
    """Read a module's glossary: each word a `##` heading, an optional 'Also:' line, an explanation."""
    opened = open_file(path, report, GLOSSARY_KEYS)
    if opened is None:
        return ()
    text, tokens, settings = opened
    named = text_setting(settings, "module", report)
    if named is not None and named != module.id:
        report.error(settings.line("module"), f"this glossary says it is for module '{named}', but it is in the "
                                              f"folder of module '{module.id}'")
    lines = text.split("\n")
    headings = [t for t in tokens if t.type == "heading_open" and t.level == 0]
    body_start = tokens[0].map[1]
    first_heading = headings[0].map[0] if headings else len(lines)
    stray = next((i for i in range(body_start, first_heading) if lines[i].strip()), None)
    if stray is not None:
        report.error(stray + 1, "write each word as a '## word' heading, with its explanation under it")
    words: list[GlossaryWord] = []
    seen: dict[str, int] = {}
    for n, heading in enumerate(headings):
        line = heading.map[0] + 1
        if heading.tag != "h2":
            report.error(line, "write each word as a '## word' heading (two #)")
            continue
        word = lines[heading.map[0]].lstrip("#").strip()
        end = headings[n + 1].map[0] if n + 1 < len(headings) else len(lines)
        rest = lines[heading.map[1]:end]
        forms = [word]
        first = next((i for i, raw in enumerate(rest) if raw.strip()), None)
        if first is not None and ALSO_LINE.match(rest[first].strip()):
            forms += [f.strip() for f in ALSO_LINE.match(rest[first].strip()).group(1).split(",") if f.strip()]
            rest = rest[:first] + rest[first + 1:]
        explanation = "\n".join(rest).strip()
        if not word:
            report.error(line, "this heading has no word")
            continue
        if not explanation:
            report.error(line, f"'{word}' has no explanation: write one or two plain sentences under it")
            continue
        for form in forms:
            key = " ".join(form.casefold().split())
            if key in seen:
                report.error(line, f"'{form}' is already in the glossary (line {seen[key]})")
            seen.setdefault(key, line)
        words.append(GlossaryWord(slug(word), word, tuple(dict.fromkeys(forms)), render_markdown(explanation)))
    return tuple(words) if report.ok else ()
