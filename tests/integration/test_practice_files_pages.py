"""A learner does the Creating documents module's pretend file list tasks through the pages, on each database."""

from __future__ import annotations

import pytest

from tests.integration.practice_pages import records, send

SAVE = "/modules/creating-documents/practice/save-and-find-a-letter"
LETTER = "/modules/creating-documents/practice/lay-out-a-letter"
RIGHT_SAVE = {"file-name": "Council bins letter March 2026", "folder": "letters", "search": "bins",
              "format-send-council": "pdf", "format-keep-editing": "word"}


def clear_layout_letter(app) -> str:
    letter = app.extensions["course_store"].course.tasks["lay-out-a-letter"].scenario.letter
    return "ABCD"[letter.layouts().index("clear")]


def test_the_file_list_pages_say_they_are_pretend_and_show_the_folders_and_layouts(client):
    assert SAVE in client.get("/modules/creating-documents/practice").text
    save = client.get(SAVE)
    assert save.status_code == 200 and "This is pretend practice" in save.text
    assert "Folder: Downloads" in save.text and "Document1.docx" in save.text
    letter = client.get(LETTER)
    assert letter.text.count("Layout A") == 2 and 'value="clear"' not in letter.text  # the answer stays hidden


def test_saving_with_a_helpful_name_in_letters_passes_and_keeps_no_typed_name(app, client):
    response = send(client, SAVE, RIGHT_SAVE)
    assert "Well done: no mistakes" in client.get(response.location).text
    [record] = records(app)
    assert record.correct and record.steps["save"]["folder"] == "letters" and "bins" not in str(record.steps)


def test_a_default_name_in_downloads_shows_both_mistakes_and_the_lessons_that_help(client):
    response = send(client, SAVE, {**RIGHT_SAVE, "file-name": "Document3", "folder": "downloads",
                                   "search": "Document"})
    outcome = client.get(response.location)
    assert "Saving the file" in outcome.text and "The best folder for it: Letters." in outcome.text
    assert "/lessons/file-names-that-help-you" in outcome.text and "/lessons/where-did-my-file-go" in outcome.text


def test_choosing_the_clear_layout_passes_and_the_enter_every_line_one_links_to_its_lesson(app, client):
    right = clear_layout_letter(app)
    assert "Well done" in client.get(send(client, LETTER, {"layout": right,
                                                           "format-print-copy": "pdf"}).location).text
    letter = app.extensions["course_store"].course.tasks["lay-out-a-letter"].scenario.letter
    wrong = "ABCD"[letter.layouts().index("enter-every-line")]
    outcome = client.get(send(client, LETTER, {"layout": wrong, "format-print-copy": "pdf"}).location)
    assert "The letter&#39;s layout" in outcome.text and "/lessons/let-your-words-flow" in outcome.text
    assert [r.correct for r in records(app)] == [True, False]


@pytest.mark.parametrize("page, fields", [
    (SAVE, {**RIGHT_SAVE, "file-name": "bins/../../etc/passwd"}),
    (SAVE, {**RIGHT_SAVE, "folder": "<script>alert(1)</script>"}),
    (SAVE, {**RIGHT_SAVE, "file-name": "x" * 5000}),
    (SAVE, {**RIGHT_SAVE, "search": ""}),
    (LETTER, {"layout": "clear", "format-print-copy": "pdf"}),
    (LETTER, {"format-print-copy": "pdf"}),
])
def test_forged_or_missing_file_list_fields_get_a_plain_422_and_nothing_is_kept(app, client, page, fields):
    response = send(client, page, fields)
    assert response.status_code == 422 and "There is a problem" in response.text
    assert "<script>alert" not in response.text and records(app) == []


def test_a_refused_save_keeps_what_was_typed_and_chosen(client):
    response = send(client, SAVE, {**RIGHT_SAVE, "file-name": "bins: March"})
    assert response.status_code == 422 and "cannot have : in it" in response.text
    assert 'value="bins: March"' in response.text and 'name="folder" value="letters" checked' in response.text


def test_a_card_number_as_a_file_name_is_refused_and_a_nul_byte_gets_a_4xx(app, client):
    response = send(client, SAVE, {**RIGHT_SAVE, "file-name": "4111111111111111"})
    assert response.status_code == 422 and "real card number" in response.text and "4111" not in response.text
    assert 400 <= send(client, SAVE, {**RIGHT_SAVE, "search": "bi\x00ns"}).status_code < 500
    assert records(app) == []


def test_a_file_list_task_that_does_not_exist_is_not_found(client):
    assert client.get("/modules/creating-documents/practice/no-such-task").status_code == 404
    assert client.get("/modules/online-banking/practice/lay-out-a-letter").status_code == 404
