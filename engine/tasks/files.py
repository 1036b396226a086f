"""A pretend file list: save a document with a helpful name in the right folder, find it again, pick PDF or Word,
and choose the clear layout for a short letter.

A task has any of three parts: `save` (with the folders and files already
there), `formats` (a purpose for each, PDF or Word) and `letter` (a heading and
paragraphs, shown in four layouts, one of them clear). The letter is a
choose-the-layout step, not an editor, so it works the same on any phone.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any, Mapping

from ..content_files import FileReport
from .kind import BY_LUCK, Found, Outcome, Scenario, StepsError, TaskKind, choice_field, one_field
from .parts import Parts

FORMATS = {"pdf": "PDF", "word": "Word document"}
LAYOUTS = {
    "clear": "A heading in bold, then short paragraphs with a gap between them",
    "one-block": "Everything in one block, with no heading and no gaps",
    "all-bold": "Everything in bold",
    "enter-every-line": "Enter pressed at the end of every line, so lines break in odd places",
}
LETTERS = "ABCD"  # what the page calls each layout, in the order shown
LAYOUT_MISTAKES = {"one-block": "no-paragraphs", "all-bold": "too-much-bold", "enter-every-line": "enter-every-line"}
# What a save box fills in for you, or a name that says nothing: "Document1", "Untitled (2)", "scan".
DEFAULT_NAME = re.compile(r"^(document|doc|untitled|new document|new|file|letter|scan|image|test|[a-z])"
                          r"\s*\(?\s*\d*\s*\)?$")
NOT_IN_NAMES = '\\/:*?"<>|'
EXTENSION = re.compile(r"\.(docx?|odt|pdf|rtf|txt)$", re.IGNORECASE)
LONGEST_NAME = 80
LINE_WORDS = 5  # words a line before Enter, in the "Enter at the end of every line" layout
MOST_FOLDERS, MOST_FILES, MOST_FORMATS, MOST_PARAGRAPHS = 6, 8, 4, 5


@dataclass(frozen=True)
class Folder:
    """A pretend folder and the files already in it."""

    id: str
    name: str
    files: tuple[str, ...]


@dataclass(frozen=True)
class Save:
    """A document to save: what it is, the folders to choose from, the right one, and words a good name has."""

    document: str
    folders: tuple[Folder, ...]
    folder: str
    name_words: tuple[str, ...]  # a helpful name has at least one of these
    good_name: str  # an example shown in feedback


@dataclass(frozen=True)
class Purpose:
    """Something to do with a document, and the format that suits it."""

    id: str
    purpose: str
    format: str  # a key of FORMATS


@dataclass(frozen=True)
class Block:
    """Part of a letter as one layout shows it: its lines, whether bold, whether the heading."""

    lines: tuple[str, ...]
    bold: bool
    heading: bool


@dataclass(frozen=True)
class Letter:
    """A short letter: its heading and paragraphs."""

    heading: str
    paragraphs: tuple[str, ...]

    def layouts(self) -> tuple[str, ...]:
        """Return the layout ids in the order this letter shows them: mixed, but the same every time."""
        return tuple(sorted(LAYOUTS, key=lambda k: hashlib.sha256((self.heading + k).encode()).hexdigest()))

    def blocks(self, layout: str) -> tuple[Block, ...]:
        """Return the letter as a layout shows it."""
        if layout == "one-block":
            return (Block((" ".join((self.heading,) + self.paragraphs),), False, False),)
        if layout == "enter-every-line":
            words = " ".join(self.paragraphs).split()
            lines = tuple(" ".join(words[i:i + LINE_WORDS]) for i in range(0, len(words), LINE_WORDS))
            return (Block((self.heading,), False, False), Block(lines, False, False))
        bold = layout == "all-bold"
        return (Block((self.heading,), True, True),) + tuple(Block((p,), bold, False) for p in self.paragraphs)


@dataclass(frozen=True)
class FilesScenario:
    """The parts of the pretend file list task the tutor gave."""

    save: Save | None
    formats: tuple[Purpose, ...]
    letter: Letter | None


class Files(TaskKind):
    """Save, name and find a document in a pretend file list; pick its format; choose a clear layout."""

    name = "files"
    words = "pretend file list"
    settings = {"save": False, "formats": False, "letter": False}
    formats, layouts = FORMATS, LAYOUTS
    mistakes = {
        "unhelpful-name": "That name would be hard to find later. Say what the file is.",
        "wrong-folder": "That folder is not where you would look for this file later.",
        "not-found": "Searching for that would not find the file you saved.",
        "wrong-format": "That format does not suit what you want to do.",
        "no-paragraphs": "One block of text with no heading is hard to read.",
        "too-much-bold": "When everything is bold, nothing stands out.",
        "enter-every-line": "You do not need to press Enter at the end of each line: the words flow on.",
    }

    def read_scenario(self, scenario: Scenario, report: FileReport) -> FilesScenario | None:
        """Return the parts of the task: what to save, the purposes to pick formats for, the letter."""
        parts = Parts(scenario, report)
        save = _read_save(parts)
        formats = tuple(Purpose(item["id"], parts.text(path + ("purpose",)), parts.choice(path + ("format",), FORMATS))
                        for path, item in parts.items(("formats",), {"id": True, "purpose": True, "format": True},
                                                      MOST_FORMATS, needed=False))
        letter = None
        if parts.mapping(("letter",), {"heading": True, "paragraphs": True}, needed=False) is not None:
            paragraphs = parts.texts(("letter", "paragraphs"))
            if len(paragraphs) > MOST_PARAGRAPHS:
                parts.error(("letter", "paragraphs"), f"a letter has at most {MOST_PARAGRAPHS} paragraphs here")
            letter = Letter(parts.text(("letter", "heading")), paragraphs)
        if parts.ok and not (save or formats or letter):
            report.error(scenario.start, "the task has nothing to do: add 'save', 'formats' or 'letter'")
            return None
        return FilesScenario(save, formats, letter) if parts.ok else None

    def read_steps(self, scenario: FilesScenario, fields: Mapping[str, list[str]]) -> dict:
        """Return the name, folder and search typed, the format chosen for each purpose and the layout chosen."""
        steps: dict[str, Any] = {}
        if scenario.save:
            name = EXTENSION.sub("", one_field(fields, "file-name", "Type a name for the file."))
            bad = sorted(set(NOT_IN_NAMES) & set(name))
            if bad:
                raise StepsError(f"A file name cannot have {' or '.join(bad)} in it. Use letters, numbers, spaces "
                                 "and hyphens.")
            if len(name) > LONGEST_NAME:
                raise StepsError(f"Keep the file name under {LONGEST_NAME} characters.")
            steps["save"] = {
                "name": name,
                "folder": choice_field(fields, "folder", [f.id for f in scenario.save.folders],
                                       "Choose the folder to save the file in."),
                "search": one_field(fields, "search", "Type what you would search for to find the file again."),
            }
        for number, purpose in enumerate(scenario.formats, 1):
            steps.setdefault("formats", {})[purpose.id] = choice_field(
                fields, f"format-{purpose.id}", FORMATS, f"Choose PDF or Word for purpose {number}.")
        if scenario.letter:
            # The page names layouts by letter, so the page's code does not give the answer away.
            shown = dict(zip(LETTERS, scenario.letter.layouts()))
            steps["layout"] = shown[choice_field(fields, "layout", shown, "Choose the layout you would use.")]
        return steps

    def check(self, scenario: FilesScenario, steps: Mapping[str, Any]) -> Outcome:
        """Return whether each part was done right, with each mistake and the part it was in."""
        found: list[Found] = []
        kept: dict[str, Any] = {}
        if scenario.save:
            save, step = scenario.save, steps.get("save") or {}
            name, search = step.get("name", ""), step.get("search", "").casefold()
            helpful = helpful_name(name, save.name_words)
            if not helpful:
                found.append(Found("unhelpful-name", "save", f"A name like “{save.good_name}” says what it is."))
            if step.get("folder") != save.folder:
                right = next(f.name for f in save.folders if f.id == save.folder)
                found.append(Found("wrong-folder", "save", f"The best folder for it: {right}."))
            finds = len(search) >= 2 and search in name.casefold()
            if not finds:
                found.append(Found("not-found", "save", "Search for a word that is in the file's name."))
            kept["save"] = {"name_helpful": helpful, "name_length": len(name), "folder": step.get("folder"),
                            "search_finds": finds}
        for purpose in scenario.formats:
            chosen = (steps.get("formats") or {}).get(purpose.id)
            if chosen != purpose.format:
                found.append(Found("wrong-format", purpose.id, f"Better: a {FORMATS[purpose.format]}."))
            kept.setdefault("formats", {})[purpose.id] = chosen
        if scenario.letter:
            layout = steps.get("layout")
            if layout != "clear":
                found.append(Found(LAYOUT_MISTAKES.get(layout, "no-paragraphs"), "letter"))
            kept["layout"] = layout
        return Outcome(not found, tuple(found), kept)

    def luck(self, scenario: FilesScenario) -> float:
        """Return the chance of a random pass: small with a name to type, else one format and one layout in so many."""
        if scenario.save:
            return BY_LUCK
        chance = (1 / len(self.formats)) ** len(scenario.formats)
        if scenario.letter:
            chance /= len(self.layouts)
        return max(chance, BY_LUCK)

    def part_name(self, scenario: FilesScenario, about: str) -> str:
        """Name the part of the task a mistake was in."""
        if about == "save":
            return "Saving the file"
        if about == "letter":
            return "The letter's layout"
        for number, purpose in enumerate(scenario.formats, 1):
            if purpose.id == about:
                return f"Purpose {number}: {purpose.purpose}"
        return ""


def helpful_name(name: str, words: tuple[str, ...]) -> bool:
    """Say whether a file name would help you find the file: not a default name, and saying what it is."""
    folded = " ".join(name.casefold().replace("_", " ").replace("-", " ").split())
    return bool(folded) and not DEFAULT_NAME.match(folded) and any(w.casefold() in folded for w in words)


def _read_save(parts: Parts) -> Save | None:
    here = ("save",)
    keys = {"document": True, "folders": True, "folder": True, "name words": True, "good name": True}
    if parts.mapping(here, keys, needed=False) is None:
        return None
    folders = tuple(Folder(item["id"], parts.text(path + ("name",)), parts.texts(path + ("files",), needed=False))
                    for path, item in parts.items(here + ("folders",), {"id": True, "name": True, "files": False},
                                                  MOST_FOLDERS))
    if any(len(f.files) > MOST_FILES for f in folders):
        parts.error(here + ("folders",), f"a folder here holds at most {MOST_FILES} files, so the page stays small")
    folder = parts.choice(here + ("folder",), [f.id for f in folders]) if folders else ""
    words = parts.texts(here + ("name words",))
    good_name = parts.text(here + ("good name",))
    if good_name and words and not helpful_name(good_name, words):
        parts.error(here + ("good name",), f"the 'good name' must have one of the 'name words' in it: "
                                           f"{', '.join(words)}")
    return Save(parts.text(here + ("document",)), folders, folder, words, good_name) if parts.ok else None
