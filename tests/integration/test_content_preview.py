"""Content preview: a tutor checks a lesson's Markdown and sees it as learners will, and nothing is saved."""

from __future__ import annotations

import hashlib
import html
import io
import re
from pathlib import Path

import pytest

from app.auth import accounts
from tests.conftest import CONTENT_DIR, csrf_token

PASSWORD = "teapot river purple"

PICTURE = "![A computer screen with a large closed padlock in the middle](images/padlock.svg)"
GOOD_LESSON = """\
---
id: preview-test-lesson
title: Keep your phone locked
skills: [strong-passwords]
area: Being safe and legal online
level: bronze
minutes: 3
---

Lock your phone with a PIN, so a stranger cannot open your **social media**.

![A computer screen with a large closed padlock in the middle](images/padlock.svg)

::: question preview-test-question
kind: single

Which lock keeps a phone safest?

- [x] A six-digit PIN
  Right. A long PIN is hard to guess.
- [ ] No lock at all
  Anyone who picks the phone up can open it.

Hint: Think about a stranger who finds your phone.
:::
"""


@pytest.fixture
def database_url(tmp_path):
    """Use SQLite alone: a preview reads and keeps nothing in the database, and each one parses the whole
    course, so a second run on PostgreSQL only doubled the time (sign-in is tested on both elsewhere)."""
    return f"sqlite:///{tmp_path / 'test.db'}"


def sign_in_as(app, client, role: str, username: str | None = None):
    """Make an account with this role and sign the client in to it."""
    username = username or f"{role}.one"
    with app.app_context():
        accounts.create_user(username, PASSWORD, role, f"{role.title()} One")
    page = client.get("/sign-in")
    response = client.post("/sign-in", data={"username": username, "password": PASSWORD,
                                             "csrf_token": csrf_token(page.text)})
    assert response.status_code == 302


@pytest.fixture
def tutor(app, client):
    """Return a client signed in as a tutor."""
    sign_in_as(app, client, "tutor")
    return client


def send(client, module: str = "passwords", text: str = "", name: str = "", file=None):
    """Send the preview form as a browser does (multipart, because of the file box)."""
    page = client.get("/tutor/preview")
    data = {"csrf_token": csrf_token(page.text), "module": module, "text": text, "name": name}
    if file is not None:
        data["file"] = file
    return client.post("/tutor/preview", data=data, content_type="multipart/form-data")


def problems(response) -> list[str]:
    """Return the problems on the page, as `flask content check` prints them."""
    return [html.unescape(p) for p in re.findall(r'<li class="problem[^"]*"><code>(.*?)</code>', response.text)]


def error_message(response) -> str:
    found = re.search(r'class="error-message"[^>]*><span class="visually-hidden">Error:</span> (.*?)</p>',
                      response.text)
    assert found, "the page shows no error message"
    return html.unescape(found.group(1))


def fingerprint(folder: Path) -> dict[str, str]:
    """Return every file under a folder with a hash of its bytes."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_empty_preview_page_offers_the_modules_a_text_box_and_a_file_box(tutor):
    page = tutor.get("/tutor/preview")
    assert page.status_code == 200
    assert '<h1>Preview a lesson</h1>' in page.text
    assert '<option value="passwords">Passwords and staying safe online</option>' in page.text
    assert 'enctype="multipart/form-data"' in page.text and 'type="file"' in page.text
    assert "up to 60 KB" in page.text


def test_a_good_lesson_renders_with_its_title_question_answers_picture_and_glossary_words(tutor):
    response = send(tutor, text=GOOD_LESSON)
    assert response.status_code == 200
    assert "No problems found" in response.text and problems(response) == []
    assert '<code class="file-name">passwords/preview.md</code>' in response.text
    assert '<h2 class="preview-title">Keep your phone locked</h2>' in response.text
    assert "Which lock keeps a phone safest?" in response.text
    assert "A six-digit PIN" in response.text and "A long PIN is hard to guess." in response.text
    assert "Think about a stranger who finds your phone." in response.text
    # The glossary's word is explained, and the picture comes from the module's own folder.
    assert '<dt id="word-social-media">social media</dt>' in response.text
    src = re.search(r'<img src="([^"]+)"', response.text).group(1)
    assert src == "/media/passwords/images/padlock.svg"
    with tutor.get(src) as picture:
        assert picture.status_code == 200


def test_a_broken_lesson_shows_each_problem_as_path_line_message(tutor):
    broken = GOOD_LESSON.replace("minutes: 3", "minutes: 3\nskils: [strong-passwords]") \
                        .replace("- [x] A six-digit PIN", "- [ ] A six-digit PIN")
    response = send(tutor, text=broken, name="07-Lock Your Phone.md")
    assert response.status_code == 200
    found = problems(response)
    assert "passwords/07-Lock_Your_Phone.md:8: unknown setting 'skils' (did you mean 'skills'?)" in found
    assert any(re.fullmatch(r"passwords/07-Lock_Your_Phone\.md:\d+: a single-choice question needs exactly one "
                            r"right answer .*", p) for p in found), found
    assert "Line 8 is: <code>skils: [strong-passwords]</code>" in response.text, "the line is quoted, to find it"
    assert "Problems to fix" in response.text and "preview-title" not in response.text


def test_warnings_are_shown_but_the_lesson_still_renders(tutor):
    lesson = GOOD_LESSON.replace("  Anyone who picks the phone up can open it.",
                                 "  Anyone who picks the phone up can open it.\n  Misconception: no-lock-needed")
    response = send(tutor, text=lesson)
    assert any(p.startswith("passwords/preview.md:") and ": warning: no lesson fixes the misconception "
               "'no-lock-needed'" in p for p in problems(response)), problems(response)
    assert '<h2 class="preview-title">Keep your phone locked</h2>' in response.text
    assert "Mix-up: no-lock-needed" in response.text


def test_a_missing_picture_is_a_problem(tutor):
    response = send(tutor, text=GOOD_LESSON.replace("images/padlock.svg", "images/not-there.png"))
    assert any(p.startswith("passwords/preview.md:") and "the picture file 'images/not-there.png' does not exist"
               in p for p in problems(response)), problems(response)


def test_an_edit_to_an_existing_lesson_replaces_it_in_the_preview_without_touching_the_content_folder(tutor):
    before = fingerprint(CONTENT_DIR)
    original = (CONTENT_DIR / "passwords" / "01-strong-passwords.md").read_text(encoding="utf-8")
    edited = original.replace("title: Make a strong password", "title: Make a really strong password")
    response = send(tutor, text=edited, name="01-strong-passwords")
    assert response.status_code == 200
    # Its ids are its own, not a clash with the file it replaces.
    assert problems(response) == []
    assert "A lesson file with this name is already on the site" in response.text
    assert '<h2 class="preview-title">Make a really strong password</h2>' in response.text
    assert "Lesson 1 of" in response.text
    assert fingerprint(CONTENT_DIR) == before


def test_an_uploaded_file_is_checked_under_its_own_name(tutor):
    original = (CONTENT_DIR / "passwords" / "02-one-password-per-account.md").read_bytes()
    response = send(tutor, file=(io.BytesIO(original), "02-one-password-per-account.md"))
    assert response.status_code == 200 and problems(response) == []
    assert '<code class="file-name">passwords/02-one-password-per-account.md</code>' in response.text
    # The text comes back in the box, so the tutor can change it and check again.
    assert "id: one-password-per-account" in response.text


def test_a_copy_of_a_lesson_under_a_new_name_shows_the_clash_in_either_file(tutor):
    original = (CONTENT_DIR / "passwords" / "01-strong-passwords.md").read_text(encoding="utf-8")
    later = problems(send(tutor, text=original, name="99-copy.md"))
    assert any(p.startswith("passwords/99-copy.md:2: lesson id 'make-a-strong-password' is already used by ")
               and p.endswith("passwords/01-strong-passwords.md") for p in later), later
    earlier = send(tutor, text=original, name="00-copy.md")
    assert "Problems this lesson causes in other files" in earlier.text
    assert any(p.startswith("passwords/01-strong-passwords.md:2: lesson id 'make-a-strong-password' is already "
                            "used by ") for p in problems(earlier)), problems(earlier)


def test_a_prerequisite_in_another_module_counts(app, tutor):
    skill = app.extensions["course_store"].course.module("online-banking").skills[0].id
    lesson = GOOD_LESSON.replace("skills: [strong-passwords]", f"skills: [{skill}]") \
                        .replace("minutes: 3", "minutes: 3\nprerequisites: [make-a-strong-password]") \
                        .replace(PICTURE, "")
    response = send(tutor, module="online-banking", text=lesson)
    assert problems(response) == []
    assert "It helps to do Make a strong password first." in response.text
    assert "It helps to do Make a strong password first." in response.text


@pytest.mark.parametrize(("fields", "field", "says"), [
    ({"text": "  \n  "}, "text", "Paste the lesson's Markdown into the box, or choose a .md file"),
    ({"text": GOOD_LESSON, "module": "knitting"}, "module", "Choose the module the lesson belongs to"),
    ({"file": (b"\xff\xfe\x00\x00binary", "lesson.md")}, "file", "not plain text saved as UTF-8"),
    ({"file": (b"%PDF-1.7", "lesson.pdf")}, "file", "Choose a Markdown file, whose name ends in .md"),
    ({"file": (b"", "empty.md")}, "file", "The file is empty"),
    ({"file": (b"x" * (61 * 1024), "big.md")}, "file", "A lesson file can be at most 60 KB"),
    ({"text": GOOD_LESSON, "name": "notes.txt"}, "name", "A lesson's file name ends in .md"),
    ({"text": GOOD_LESSON, "name": "module.md"}, "name", "module.md is not a lesson file"),
])
def test_bad_input_is_refused_with_a_clear_message_by_its_box(tutor, fields, field, says):
    if "file" in fields:  # a fresh file for each run: the test runs once per database
        data, name = fields["file"]
        fields = {**fields, "file": (io.BytesIO(data), name)}
    response = send(tutor, **fields)
    assert response.status_code == 422
    assert says in error_message(response)
    assert f'id="{field}-error"' in response.text
    assert "preview-title" not in response.text


def test_too_much_to_send_gets_the_preview_page_with_the_limit(tutor):
    response = send(tutor, file=(io.BytesIO(b"x" * (300 * 1024)), "huge.md"))
    assert response.status_code == 413
    assert "A lesson file can be at most 60 KB" in error_message(response)
    assert '<h1>Preview a lesson</h1>' in response.text


def test_a_file_a_little_over_the_lesson_limit_gets_the_preview_s_own_message(tutor):
    response = send(tutor, text="é" * (60 * 1024), file=(io.BytesIO(b"x" * (100 * 1024)), "long.md"))
    assert response.status_code == 422
    assert "The file is too big" in error_message(response)


def test_a_learner_may_not_preview_and_a_stranger_is_asked_to_sign_in(app, client):
    response = client.get("/tutor/preview")
    assert response.status_code == 302 and "/sign-in" in response.location
    sign_in_as(app, client, "learner")
    assert client.get("/tutor/preview").status_code == 403
    page = client.get("/sign-in")
    refused = client.post("/tutor/preview", data={"csrf_token": csrf_token(page.text), "module": "passwords",
                                                  "text": GOOD_LESSON}, content_type="multipart/form-data")
    assert refused.status_code == 403


def test_an_admin_may_preview(app, client):
    sign_in_as(app, client, "admin")
    assert send(client, text=GOOD_LESSON).status_code == 200
