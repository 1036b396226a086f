"""Task files for the pretend bank, file list and job pages load, and each mistake in them is reported as path:line."""

from __future__ import annotations

from engine.loader import load_course

BANK_TASK = """\
---
id: bank-practice
kind: bank
title: Practise at a pretend bank
skills: [spot-scams]
bank: Practice Bank
customer: Alex
sign in:
  customer number: PRACTICE-1
  memorable word: garden
  characters: [1, 3]
statement:
  balance: "100.00"
  lines:
    - id: shop
      date: 1 May
      what: Corner Shop
      amount: "-10.00"
      pending: yes
    - id: wages
      date: 2 May
      what: Pay
      amount: "+50.00"
mistakes:
  missed-pending:
    say: Pending money is on its way out.
    misconception: pet-name-password
---

This is pretend practice.
"""


def load(write_content, good_module, text: str):
    course = load_course(write_content({**good_module, "safety/tasks/practice.md": text}))
    return course, [str(p) for p in course.problems]


def reported(found: list[str], line: int, words: str) -> bool:
    return any(p.endswith(f"tasks/practice.md:{line}: {words}") for p in found)


def test_a_good_bank_task_loads_with_its_statement(write_content, good_module):
    course, found = load(write_content, good_module, BANK_TASK)
    assert found == []
    bank = course.tasks["bank-practice"].scenario
    assert bank.statement.pending == ("shop",) and bank.statement.left_to_spend == 9000
    assert bank.new_payee is None and bank.sign_in.characters == (1, 3)


def test_a_bank_amount_that_is_not_money_is_reported_on_its_line(write_content, good_module):
    _, found = load(write_content, good_module, BANK_TASK.replace('"-10.00"', "ten pounds"))
    assert reported(found, 18, "'amount' must be an amount of money, like -12.40 for money out or +612.00 for "
                               "money in, not 'ten pounds'"), found


def test_a_letter_of_the_memorable_word_it_does_not_have_is_reported(write_content, good_module):
    _, found = load(write_content, good_module, BANK_TASK.replace("[1, 3]", "[1, 9]"))
    assert reported(found, 11, "'characters' lists which letters of the memorable word to ask for, as numbers "
                               "from 1 to 6, like [2, 5], not '9'"), found


def test_a_misspelt_bank_setting_is_reported_with_a_suggestion(write_content, good_module):
    _, found = load(write_content, good_module, BANK_TASK.replace("  memorable word:", "  memorable wrd:"))
    assert reported(found, 10, "unknown setting 'memorable wrd' under 'sign in' (did you mean 'memorable word'?)")
    assert reported(found, 8, "'sign in' has no 'memorable word'"), found


def test_a_statement_with_no_pending_payment_is_reported(write_content, good_module):
    _, found = load(write_content, good_module, BANK_TASK.replace("      pending: yes\n", ""))
    assert reported(found, 14, "the statement needs at least one payment out marked 'pending: yes'"), found


def test_two_statement_lines_with_one_id_are_reported(write_content, good_module):
    _, found = load(write_content, good_module, BANK_TASK.replace("id: wages", "id: shop"))
    assert reported(found, 20, "the id 'shop' is used twice in 'lines'"), found


def test_a_bank_with_nothing_to_do_after_signing_in_is_reported(write_content, good_module):
    text = BANK_TASK[:BANK_TASK.index("statement:")] + BANK_TASK[BANK_TASK.index("mistakes:"):]
    course, found = load(write_content, good_module, text.replace("  missed-pending:\n    say: Pending money is "
                                                                  "on its way out.\n    misconception: "
                                                                  "pet-name-password\n", "  gave-pin: Never.\n"))
    assert reported(found, 6, "the bank has nothing to do after signing in: add 'statement', 'new payee', "
                              "'standing order' or 'direct debits'"), found
    assert "bank-practice" not in course.tasks


def test_a_standing_order_to_someone_not_in_its_payees_is_reported(write_content, good_module):
    text = BANK_TASK.replace("mistakes:", "standing order:\n  why: Pay Sam.\n  to: Sam\n  payees: [Priya]\n"
                                          "  amount: \"5\"\n  how often: monthly\n  day: \"31\"\nmistakes:")
    _, found = load(write_content, good_module, text)
    assert reported(found, 26, "'to' is one of Priya, not 'Sam'"), found
    assert reported(found, 30, "'day' must be a whole number from 1 to 28, not '31'"), found


FILES_TASK = """\
---
id: files-practice
kind: files
title: Save a pretend file
skills: [strong-passwords]
save:
  document: A letter about bins.
  folders:
    - id: letters
      name: Letters
      files: [Old letter.docx]
    - id: photos
      name: Photos
  folder: letters
  name words: [bin, bins]
  good name: Bin letter May
formats:
  - id: send
    purpose: Send it so it cannot easily be changed.
    format: pdf
---

This is pretend practice.
"""


def test_a_good_file_list_task_loads_with_its_folders_and_purposes(write_content, good_module):
    course, found = load(write_content, good_module, FILES_TASK)
    assert found == []
    files = course.tasks["files-practice"].scenario
    assert [f.id for f in files.save.folders] == ["letters", "photos"] and files.save.folders[1].files == ()
    assert [(p.id, p.format) for p in files.formats] == [("send", "pdf")] and files.letter is None


def test_a_right_folder_that_is_not_listed_is_reported_on_its_line(write_content, good_module):
    _, found = load(write_content, good_module, FILES_TASK.replace("folder: letters", "folder: letter"))
    assert reported(found, 14, "'folder' is one of letters, photos, not 'letter' (did you mean 'letters'?)"), found


def test_a_format_other_than_pdf_or_word_is_reported_on_its_line(write_content, good_module):
    _, found = load(write_content, good_module, FILES_TASK.replace("format: pdf", "format: odt"))
    assert reported(found, 20, "'format' is one of pdf, word, not 'odt'"), found


def test_a_good_name_without_any_name_word_is_reported(write_content, good_module):
    _, found = load(write_content, good_module, FILES_TASK.replace("good name: Bin letter May", "good name: Letter"))
    assert reported(found, 16, "the 'good name' must have one of the 'name words' in it: bin, bins"), found


def test_a_file_list_task_with_nothing_to_do_is_reported(write_content, good_module):
    text = FILES_TASK[:FILES_TASK.index("save:")] + FILES_TASK[FILES_TASK.index("---\n\nThis"):]
    course, found = load(write_content, good_module, text)
    assert reported(found, 1, "the task has nothing to do: add 'save', 'formats' or 'letter'"), found
    assert "files-practice" not in course.tasks


def test_a_letter_with_paragraphs_not_in_a_list_is_reported(write_content, good_module):
    text = FILES_TASK.replace("formats:", "letter:\n  heading: Hello\n  paragraphs:\n    one: two\nformats:")
    _, found = load(write_content, good_module, text)
    assert reported(found, 19, "'paragraphs' must list some words, like [first, second]"), found


BOARD_TASK = """\
---
id: board-practice
kind: job-board
title: Spot a fake job
skills: [spot-scams]
adverts:
  - id: packer
    title: Packer
    employer: Not given
    pay: £900 a week
    place: Home
    text: Pay £49 to start.
    contact: packer@freemail.example
    fake: yes
    signs: [pay-to-apply, too-good-pay]
    why: You never pay to get a job.
---

This is pretend practice.
"""

FORM_TASK = """\
---
id: form-practice
kind: application-form
title: Fill in a form
skills: [spot-scams]
job: cook
applicant: Jo
cv:
  profile: A good cook.
  jobs:
    - title: Cook
      employer: Café
      from: 03/2021
      to: now
right to work: "yes"
files: [CV.pdf, photo.jpg]
right file: CV.pdf
statement:
  topic words: [cook]
  fewest words: "5"
  most characters: "300"
---

This is pretend practice.
"""


def test_good_job_board_and_application_form_tasks_load(write_content, good_module):
    course = load_course(write_content({**good_module, "safety/tasks/board.md": BOARD_TASK,
                                        "safety/tasks/form.md": FORM_TASK}))
    assert list(course.problems) == []
    assert course.tasks["board-practice"].scenario.adverts[0].signs == ("pay-to-apply", "too-good-pay")
    form = course.tasks["form-practice"].scenario
    assert form.jobs[0].start == (2021, 3) and form.jobs[0].end is None and form.most_characters == 300


def test_a_warning_sign_the_job_board_does_not_know_is_reported_with_a_suggestion(write_content, good_module):
    _, found = load(write_content, good_module, BOARD_TASK.replace("too-good-pay]", "too-good-pays]"))
    assert reported(found, 15, "'too-good-pays' is not a warning sign: use pay-to-apply, bank-details, "
                               "too-good-pay, no-company, personal-email (did you mean 'too-good-pay'?)"), found


def test_a_job_board_with_no_fake_advert_is_reported(write_content, good_module):
    text = BOARD_TASK.replace("fake: yes", "fake: no").replace("    signs: [pay-to-apply, too-good-pay]\n", "")
    _, found = load(write_content, good_module, text)
    assert reported(found, 6, "the job board has no fake advert: mark at least one 'fake: yes'"), found


def test_a_cv_job_that_ends_before_it_starts_or_has_no_real_date_is_reported(write_content, good_module):
    _, found = load(write_content, good_module, FORM_TASK.replace("to: now", "to: 01/2020"))
    assert reported(found, 14, "the job ends before it starts: 'to' must be after 'from'"), found
    _, found = load(write_content, good_module, FORM_TASK.replace("from: 03/2021", "from: March 2021"))
    assert reported(found, 13, "'from' must be a month and year, like 03/2021, not 'March 2021'"), found


def test_a_right_file_not_in_the_files_and_a_statement_limit_too_big_are_reported(write_content, good_module):
    text = FORM_TASK.replace("right file: CV.pdf", "right file: cv.pdf").replace('"300"', '"5000"')
    _, found = load(write_content, good_module, text)
    assert reported(found, 17, "'right file' is one of CV.pdf, photo.jpg, not 'cv.pdf' (did you mean 'CV.pdf'?)")
    assert reported(found, 21, "'most characters' must be a whole number from 100 to 500, not '5000'"), found
