"""The pretend file list marks a learner's steps: a helpful name in the right folder passes, each slip is named."""

from __future__ import annotations

import pytest

from engine.loader import load_course
from engine.tasks import KINDS, StepsError
from engine.tasks.files import helpful_name
from tests.conftest import CONTENT_DIR

COURSE = load_course(CONTENT_DIR)
SAVE = COURSE.tasks["save-and-find-a-letter"]
LETTER = COURSE.tasks["lay-out-a-letter"]
FILES = KINDS["files"]


def letter_for(layout: str) -> str:
    """Return the letter the page shows a layout under."""
    return "ABCD"[LETTER.scenario.letter.layouts().index(layout)]


def save_fields(**changes) -> dict:
    fields = {"file-name": ["Letter to council about bins March 2026.docx"], "folder": ["letters"],
              "search": ["bins"], "format-send-council": ["pdf"], "format-keep-editing": ["word"]}
    fields.update(changes)
    return {k: v for k, v in fields.items() if v is not None}


def save_outcome(**changes):
    return FILES.check(SAVE.scenario, FILES.read_steps(SAVE.scenario, save_fields(**changes)))


def letter_outcome(layout: str = "clear", pdf: str = "pdf"):
    fields = {"layout": [letter_for(layout)], "format-print-copy": [pdf]}
    return FILES.check(LETTER.scenario, FILES.read_steps(LETTER.scenario, fields))


def test_a_helpful_name_in_the_letters_folder_found_by_a_word_in_it_with_the_right_formats_passes():
    outcome = save_outcome()
    assert outcome.passed and outcome.found == ()


@pytest.mark.parametrize("name", ["Document1", "document (2)", "Untitled", "scan", "x", "My stuff", "letter"])
def test_a_default_or_vague_file_name_is_an_unhelpful_name_with_a_good_example(name):
    outcome = save_outcome(**{"file-name": [name], "search": [name[:2]]})
    assert outcome.mistakes[0] == "unhelpful-name"
    assert "Letter to council about bins March 2026" in outcome.found[0].detail


def test_a_name_saying_what_it_is_is_helpful_whatever_its_case_or_hyphens():
    assert helpful_name("COUNCIL-bin_letter", ("bin", "council")) and not helpful_name("Document12", ("bin",))


def test_saving_in_downloads_is_the_wrong_folder_and_names_the_right_one():
    outcome = save_outcome(folder=["downloads"])
    assert [(f.mistake, f.about, f.detail) for f in outcome.found] == [
        ("wrong-folder", "save", "The best folder for it: Letters.")]


def test_searching_for_a_word_not_in_the_name_would_not_find_it():
    assert save_outcome(search=["repair"]).mistakes == ("not-found",)
    assert save_outcome(search=["b"]).mistakes == ("not-found",)  # one letter finds everything


def test_sending_the_council_a_word_document_is_the_wrong_format_for_that_purpose():
    outcome = save_outcome(**{"format-send-council": ["word"]})
    assert [(f.mistake, f.about) for f in outcome.found] == [("wrong-format", "send-council")]
    assert FILES.part_name(SAVE.scenario, "send-council").startswith("Purpose 1: Email the finished letter")


def test_the_files_outcome_keeps_whether_the_name_helps_but_not_the_name_typed():
    kept = save_outcome().kept
    assert "bins" not in repr(kept) and kept["save"]["name_helpful"] is True and kept["save"]["folder"] == "letters"


def test_the_clear_layout_passes_and_each_other_layout_is_its_own_mistake():
    assert letter_outcome().passed
    assert letter_outcome("one-block").mistakes == ("no-paragraphs",)
    assert letter_outcome("all-bold").mistakes == ("too-much-bold",)
    assert letter_outcome("enter-every-line").mistakes == ("enter-every-line",)
    assert letter_outcome(pdf="word").mistakes == ("wrong-format",)


def test_each_layout_shows_the_same_words_and_only_the_clear_one_has_a_heading_and_paragraphs():
    letter = LETTER.scenario.letter
    words = " ".join(" ".join(letter.paragraphs).split())
    for layout in letter.layouts():
        blocks = letter.blocks(layout)
        shown = " ".join(line for b in blocks for line in b.lines)
        assert words in " ".join(shown.split())
    clear = letter.blocks("clear")
    assert clear[0].heading and clear[0].bold and not any(b.bold for b in clear[1:]) and len(clear) == 4
    assert all(len(line.split()) <= 5 for line in letter.blocks("enter-every-line")[1].lines)
    assert set(letter.layouts()) == set(FILES.layouts) and letter.layouts() == letter.layouts()


@pytest.mark.parametrize("changes, says", [
    ({"file-name": None}, "Type a name for the file"),
    ({"file-name": ["bins/council"]}, "cannot have / in it"),
    ({"file-name": ['what?"']}, 'cannot have " or \\? in it'),
    ({"file-name": ["b" * 90]}, "under 80 characters"),
    ({"file-name": ["b" * 900]}, "too long"),
    ({"file-name": ["bins\x00"]}, "cannot be typed"),
    ({"folder": ["../../etc"]}, "not on the page"),
    ({"folder": None}, "Choose the folder"),
    ({"search": None}, "search for to find"),
    ({"format-keep-editing": ["odt"]}, "not on the page"),
    ({"format-send-council": None}, "PDF or Word for purpose 1"),
])
def test_hostile_or_missing_file_list_fields_are_refused_with_a_plain_message(changes, says):
    with pytest.raises(StepsError, match=says):
        FILES.read_steps(SAVE.scenario, save_fields(**changes))


@pytest.mark.parametrize("layout", ["clear", "E", "", "A" * 600])
def test_a_layout_the_page_did_not_offer_is_refused(layout):
    with pytest.raises(StepsError):
        FILES.read_steps(LETTER.scenario, {"layout": [layout], "format-print-copy": ["pdf"]})


def test_empty_steps_are_marked_wrong_rather_than_failing():
    assert not FILES.check(SAVE.scenario, {}).passed and not FILES.check(LETTER.scenario, {}).passed
