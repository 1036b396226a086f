"""The pretend job board and application form mark a learner's steps: careful steps pass, each slip is named,
and the form makes the checks a real one does."""

from __future__ import annotations

import pytest

from engine.loader import load_course
from engine.tasks import KINDS, StepsError
from engine.tasks.application_form import FormErrors
from tests.conftest import CONTENT_DIR

COURSE = load_course(CONTENT_DIR)
BOARD_TASK = COURSE.tasks["spot-the-fake-job"]
FORM_TASK = COURSE.tasks["fill-in-an-application-form"]
BOARD, FORM = KINDS["job-board"], KINDS["application-form"]
STATEMENT = ("I would love to work in your kitchen. At the food bank I cook hot meals for 40 people twice a week, "
             "and I keep my work area clean and safe.")


def board_fields(**changes) -> dict:
    fields = {}
    for advert in BOARD_TASK.scenario.adverts:
        fields[f"{advert.id}-verdict"] = ["fake" if advert.fake else "real"]
        if advert.fake:
            fields[f"{advert.id}-signs"] = list(advert.signs)
    fields.update(changes)
    return {k: v for k, v in fields.items() if v is not None}


def board_outcome(**changes):
    return BOARD.check(BOARD_TASK.scenario, BOARD.read_steps(BOARD_TASK.scenario, board_fields(**changes)))


def form_fields(**changes) -> dict:
    fields = {"statement": [STATEMENT], "job-1-title": ["Volunteer cook"],
              "job-1-employer": ["Greenleaf Food Bank (pretend)"], "job-1-from": ["09/2024"],
              "job-1-current": ["yes"], "job-2-title": ["shop assistant"], "job-2-employer": ["Corner Shop (pretend)"],
              "job-2-from": ["3/2021"], "job-2-to": ["08/2024"], "right-to-work": ["yes"], "attach": ["CV.pdf"],
              "declare": ["yes"]}
    fields.update(changes)
    return {k: v for k, v in fields.items() if v is not None}


def form_outcome(**changes):
    return FORM.check(FORM_TASK.scenario, FORM.read_steps(FORM_TASK.scenario, form_fields(**changes)))


def form_problems(**changes) -> dict:
    with pytest.raises(FormErrors) as raised:
        FORM.read_steps(FORM_TASK.scenario, form_fields(**changes))
    return raised.value.fields


def test_sorting_every_advert_right_with_every_warning_sign_passes_the_job_board():
    outcome = board_outcome()
    assert outcome.passed and outcome.found == ()


def test_a_fake_advert_taken_for_real_is_a_missed_fake_naming_the_advert():
    outcome = board_outcome(**{"home-parcel-packer-verdict": ["real"], "home-parcel-packer-signs": None})
    assert [(f.mistake, f.about) for f in outcome.found] == [("missed-fake", "home-parcel-packer")]
    assert "starter kit" in outcome.found[0].detail
    assert BOARD.part_name(BOARD_TASK.scenario, "home-parcel-packer") == "Advert 2: Pack parcels from home, Not given"


def test_a_real_advert_marked_fake_is_a_false_alarm():
    outcome = board_outcome(**{"kitchen-assistant-verdict": ["fake"], "kitchen-assistant-signs": ["no-company"]})
    assert outcome.mistakes == ("false-alarm",)


def test_a_warning_sign_left_unticked_and_one_not_in_the_advert_are_each_named():
    outcome = board_outcome(**{"warehouse-operative-signs": ["bank-details", "too-good-pay"]})
    assert [(f.mistake, f.detail) for f in outcome.found] == [
        ("missed-sign", "Also a warning sign: it gives a personal email address, not the company's own."),
        ("wrong-sign", "Not in this advert: the pay is far too good for the work.")]


@pytest.mark.parametrize("changes, says", [
    ({"kitchen-assistant-verdict": None}, "advert 1 is real or fake"),
    ({"kitchen-assistant-verdict": ["maybe"]}, "not on the page"),
    ({"warehouse-operative-signs": None}, "at least one warning sign in advert 3"),
    ({"warehouse-operative-signs": ["bank-details", "<script>"]}, "not on the page"),
    ({"warehouse-operative-signs": ["bank-details"] * 40}, "not on the page"),
    ({"warehouse-operative-verdict": ["fake", "real"]}, "filled in twice"),
])
def test_hostile_or_missing_job_board_fields_are_refused_with_a_plain_message(changes, says):
    with pytest.raises(StepsError, match=says):
        BOARD.read_steps(BOARD_TASK.scenario, board_fields(**changes))


def test_a_careful_application_with_the_cv_attached_passes():
    outcome = form_outcome()
    assert outcome.passed and outcome.found == ()


def test_a_statement_that_copies_the_cv_profile_is_the_copied_cv_mistake():
    profile = FORM_TASK.scenario.profile
    statement = f"{profile.upper()}  I like cooking and I would work hard in your kitchen."
    assert form_outcome(statement=[statement]).mistakes == ("copied-cv",)


def test_a_statement_that_says_nothing_about_the_job_is_off_topic():
    outcome = form_outcome(statement=["I am a hard worker and I am always on time. I get on well with people "
                                      "and I am happy to learn new things every day, whatever they are."])
    assert outcome.mistakes == ("statement-off-topic",) and "kitchen assistant" in outcome.found[0].detail


def test_dates_or_titles_that_do_not_match_the_cv_are_named_with_what_the_cv_says():
    outcome = form_outcome(**{"job-2-from": ["03/2020"]})
    assert [(f.mistake, f.detail) for f in outcome.found] == [
        ("history-not-matching", "Job 2 in the CV: Shop assistant, Corner Shop (pretend), 03/2021 to 08/2024.")]
    assert form_outcome(**{"job-1-title": ["Cook"]}).mistakes == ("history-not-matching",)


def test_the_wrong_right_to_work_answer_and_the_holiday_photo_are_each_mistakes():
    outcome = form_outcome(**{"right-to-work": ["no"], "attach": ["holiday-photo.jpg"]})
    assert outcome.mistakes == ("wrong-right-to-work", "wrong-file") and outcome.found[1].detail == "Attach CV.pdf."


def test_the_form_outcome_keeps_counts_and_choices_but_not_the_statement_typed():
    kept = form_outcome().kept
    assert "kitchen" not in repr(kept) and kept["attach"] == "CV.pdf"
    assert kept["statement"]["words"] == len(STATEMENT.split()) == 31


def test_empty_boxes_are_each_named_next_to_the_box_as_a_real_form_does():
    problems = form_problems(statement=None, **{"job-2-employer": [""], "right-to-work": None, "attach": None,
                                                "declare": None})
    assert problems == {"statement": "Write your personal statement.",
                        "job-2-employer": "Enter the employer for job 2.",
                        "right-to-work": "Say whether you have the right to work in the UK.",
                        "attach": "Choose a file to attach.",
                        "declare": "Tick to confirm the information you have given is true."}


def test_dates_must_be_months_in_order_and_a_current_job_has_no_end_date():
    assert form_problems(**{"job-2-to": ["02/2021"]}) == {
        "job-2-to": "The end date of job 2 must be after the date it started."}
    assert form_problems(**{"job-2-from": ["13/2021"]}) == {
        "job-2-from": "Enter the dates of job 2 as month and year, like 03/2021."}
    assert form_problems(**{"job-2-to": None}) == {
        "job-2-to": "Enter the date job 2 ended, or tick that you still work there."}
    assert form_problems(**{"job-1-to": ["10/2024"]}) == {
        "job-1-to": "Leave the end date of job 1 empty if you still work there."}


def test_the_statement_must_be_long_enough_and_within_its_limit():
    assert "at least 20 words. It is 3." in form_problems(statement=["I like food."])["statement"]
    assert "400 characters or fewer. It is 450." in form_problems(statement=["kitchen " * 56 + "ok"])["statement"]


@pytest.mark.parametrize("changes, says", [
    ({"attach": ["passwords.txt"]}, "not on the page"),
    ({"right-to-work": ["maybe"]}, "not on the page"),
    ({"declare": ["of course"]}, "not on the page"),
    ({"job-1-current": ["<script>"]}, "not on the page"),
])
def test_forged_application_choices_are_refused(changes, says):
    with pytest.raises(StepsError, match=says):
        FORM.read_steps(FORM_TASK.scenario, form_fields(**changes))


@pytest.mark.parametrize("changes, says", [
    ({"statement": ["x" * 5000]}, "far too long"),
    ({"statement": ["cook\x00"]}, "cannot be typed"),
    ({"job-1-title": ["a", "b"]}, "filled in twice"),
])
def test_hostile_application_boxes_are_named_next_to_the_box(changes, says):
    problems = form_problems(**changes)
    assert len(problems) == 1 and says in next(iter(problems.values()))
