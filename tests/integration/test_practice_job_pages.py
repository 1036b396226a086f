"""A learner does the Applying for jobs module's pretend job board and application form, on each database."""

from __future__ import annotations

import pytest

from tests.integration.practice_pages import records, send

BOARD = "/modules/applying-for-jobs/practice/spot-the-fake-job"
FORM = "/modules/applying-for-jobs/practice/fill-in-an-application-form"
STATEMENT = ("I would love to work in your kitchen. At the food bank I cook hot meals for 40 people twice a week, "
             "and I keep my work area clean and safe.")
CAREFUL = {"statement": STATEMENT, "job-1-title": "Volunteer cook", "job-1-employer": "Greenleaf Food Bank (pretend)",
           "job-1-from": "09/2024", "job-1-current": "yes", "job-2-title": "Shop assistant",
           "job-2-employer": "Corner Shop (pretend)", "job-2-from": "03/2021", "job-2-to": "08/2024",
           "right-to-work": "yes", "attach": "CV.pdf", "declare": "yes"}


def right_board(app) -> dict:
    fields = {}
    for advert in app.extensions["course_store"].course.tasks["spot-the-fake-job"].scenario.adverts:
        fields[f"{advert.id}-verdict"] = "fake" if advert.fake else "real"
        if advert.fake:
            fields[f"{advert.id}-signs"] = list(advert.signs)
    return fields


def test_the_job_pages_say_they_are_pretend_and_never_ask_for_the_learners_own_details(client):
    listing = client.get("/modules/applying-for-jobs/practice")
    assert BOARD in listing.text and FORM in listing.text
    for page in (BOARD, FORM):
        response = client.get(page)
        assert response.status_code == 200 and "This is pretend practice" in response.text
        assert 'type="password"' not in response.text and 'type="file"' not in response.text
    assert "Do not type your own details" in client.get(FORM).text


def test_spotting_both_fakes_with_every_sign_passes_and_a_missed_one_links_to_the_lesson(app, client):
    assert "Well done" in client.get(send(client, BOARD, right_board(app)).location).text
    wrong = {**right_board(app), "home-parcel-packer-verdict": "real"}
    wrong.pop("home-parcel-packer-signs")
    outcome = client.get(send(client, BOARD, wrong).location)
    assert "Advert 2: Pack parcels from home" in outcome.text and "/lessons/never-pay-to-get-a-job" in outcome.text
    assert [r.correct for r in records(app)] == [True, False]


def test_a_careful_application_passes_and_keeps_no_statement_text(app, client):
    response = send(client, FORM, CAREFUL)
    assert response.status_code == 302 and "Well done" in client.get(response.location).text
    [record] = records(app)
    assert record.correct and record.steps["attach"] == "CV.pdf" and "kitchen" not in str(record.steps)


def test_attaching_the_holiday_photo_and_copying_the_cv_are_shown_with_the_lesson(client):
    copied = "Reliable and friendly worker with three years of customer service experience. " + STATEMENT
    response = send(client, FORM, {**CAREFUL, "attach": "holiday-photo.jpg", "statement": copied[:400]})
    outcome = client.get(response.location)
    assert "Attach CV.pdf." in outcome.text and "Personal statement" in outcome.text
    assert "/lessons/cover-letter-is-not-a-copy" in outcome.text


def test_the_form_says_what_is_wrong_next_to_each_box_keeps_what_was_typed_and_keeps_no_try(app, client):
    response = send(client, FORM, {**CAREFUL, "job-2-to": "02/2021", "statement": "I like food.", "declare": ""})
    assert response.status_code == 422 and "There is a problem" in response.text
    assert '<a href="#job-2-to">The end date of job 2 must be after the date it started.</a>' in response.text
    assert 'id="job-2-to-error"' in response.text and 'aria-describedby="job-2-to-hint job-2-to-error"' in response.text
    assert 'id="statement-error"' in response.text and "at least 20 words. It is 3." in response.text
    assert '<a href="#declare">' in response.text
    assert ">I like food.</textarea>" in response.text and 'value="Volunteer cook"' in response.text
    assert records(app) == []


@pytest.mark.parametrize("page, fields", [
    (FORM, {**CAREFUL, "attach": "../../etc/passwd"}),
    (FORM, {**CAREFUL, "right-to-work": "<script>alert(1)</script>"}),
    (FORM, {**CAREFUL, "statement": "x" * 50_000}),
    (BOARD, {"kitchen-assistant-verdict": "fake", "kitchen-assistant-signs": "<script>alert(1)</script>"}),
])
def test_forged_or_huge_job_fields_get_a_plain_422_and_nothing_is_kept(app, client, page, fields):
    response = send(client, page, fields)
    assert response.status_code == 422 and "There is a problem" in response.text
    assert "<script>alert" not in response.text and records(app) == []


def test_a_bank_account_typed_in_the_statement_is_refused_and_not_shown_back(app, client):
    response = send(client, FORM, {**CAREFUL, "statement": STATEMENT + " Pay me at 12-34-56 12345678."})
    assert response.status_code == 422 and "sort code and account number" in response.text
    assert "12345678" not in response.text and records(app) == []


def test_a_nul_byte_in_the_application_gets_a_4xx_and_unknown_job_tasks_are_not_found(app, client):
    assert 400 <= send(client, FORM, {**CAREFUL, "job-1-title": "Cook\x00"}).status_code < 500
    assert records(app) == []
    assert client.get("/modules/applying-for-jobs/practice/no-such-task").status_code == 404
    assert client.get("/modules/creating-documents/practice/spot-the-fake-job").status_code == 404
