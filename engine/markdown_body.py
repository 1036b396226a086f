"""Check the Markdown under a file's settings: its pictures and its HTML.

The body is what learners read, so its pictures must be the module's own files
with a description, and HTML that could run code is reported (and removed when
the page is shown).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Callable

from .content_files import FileReport

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"}
UNSAFE_HTML = re.compile(r"<\s*(script|iframe|style|object|embed|form)\b|\son\w+\s*=", re.IGNORECASE)
ImageUrl = Callable[[str, str], str]  # (module id, picture's path in its folder) -> its web address


def body_source(text: str, tokens, question_spans: list[tuple[int, int]]) -> str:
    """Return the file's text without its settings and question blocks."""
    lines = text.split("\n")
    skip = set()
    if tokens and tokens[0].type == "front_matter":
        skip.update(range(tokens[0].map[0], tokens[0].map[1]))
    for start, end in question_spans:
        skip.update(range(start, end + 1))
    return "\n".join("" if i in skip else line for i, line in enumerate(lines))


def check_images(tokens, folder: Path, report: FileReport) -> list[str]:
    """Check every picture has a description and is a file in the module's folder; return those found."""
    found = []
    for token in tokens:
        if token.type != "inline" or not token.children:
            continue
        line = token.map[0] + 1 if token.map else 1
        for child in token.children:
            if child.type != "image":
                continue
            src = str(child.attrGet("src") or "")
            alt = child.content.strip()
            if not alt:
                report.error(line, f"the picture '{src}' has no description: write one in the square "
                                   "brackets, like ![A padlock on a laptop screen](" + src + ")")
            elif alt.lower() in {Path(src).name.lower(), Path(src).stem.lower(), "image", "picture", "photo"}:
                report.warn(line, f"the description '{alt}' does not say what the picture shows")
            if re.match(r"^[a-z][a-z0-9+.-]*:", src, re.IGNORECASE) or src.startswith("//"):
                report.error(line, f"the picture '{src}' comes from another website: put the file in the "
                                   "module's folder instead, so pages load fast and work offline")
                continue
            target = (folder / src).resolve()
            if src.startswith("/") or folder.resolve() not in target.parents:
                report.error(line, f"the picture '{src}' must be inside the module's folder")
                continue
            if target.suffix.lower() not in IMAGE_SUFFIXES:
                report.error(line, f"the picture '{src}' must be a PNG, JPEG, GIF, SVG or WebP file")
            elif not target.is_file():
                report.error(line, f"the picture file '{src}' does not exist")
            else:
                found.append(target.relative_to(folder.resolve()).as_posix())
    return found


def check_html(tokens, report: FileReport) -> None:
    """Report HTML that is removed from the page, and pictures written as HTML."""
    def visit(token, line):
        if token.type in ("html_block", "html_inline"):
            if UNSAFE_HTML.search(token.content):
                report.warn(line, "this HTML is not allowed in lessons and is removed from the page")
            if re.search(r"<\s*img\b", token.content, re.IGNORECASE):
                report.error(line, "write pictures as ![description](file), not as HTML, so they always have "
                                   "a description")

    for token in tokens:
        line = token.map[0] + 1 if token.map else 1
        visit(token, line)
        for child in token.children or ():
            visit(child, line)
