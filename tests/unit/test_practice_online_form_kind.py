"""The pretend online form marks a learner's steps: it makes a real service's checks, passes the pretend person's
details, names each wrong box or choice, never keeps what was typed, and reports mistakes in its task file."""

from __future__ import annotations

import pytest

from engine.loader import load_course
from engine.tasks import KINDS, StepsError
from engine.tasks.application_form import FormErrors
from tests.conftest import CONTENT_DIR

COURSE = load_course(CONTENT_DIR)
COUNCIL = COURSE.tasks["tell-the-council-you-have-moved"]
SEARCH = COURSE.tasks["find-the-real-service"]
FORM = KINDS["online-form"]
RIGHT = {"full-name": ["Alex Morgan"], "date-of-birth": ["14/06/1982"], "new-postcode": ["gl47qt"],
         "moved-on": ["2 11 2026"], "email": ["Alex.Morgan@example.com"], "paid-helper": ["free"]}


def council(**changes):
    fields = {k: v for k, v in {**RIGHT, **changes}.items() if v is not None}
    return FORM.check(COUNCIL.scenario, FORM.read_steps(COUNCIL.scenario, fields))


def problems(**changes) -> dict:
    with pytest.raises(FormErrors) as raised:
        council(**changes)
    return raised.value.fields


def test_the_pretend_persons_details_in_any_usual_shape_pass_the_council_form():
    outcome = council()
    assert outcome.passed and outcome.found == ()


def test_an_empty_box_a_date_that_is_not_real_and_a_bad_postcode_are_each_said_next_to_their_box():
    found = problems(**{"full-name": [""], "date-of-birth": ["31 2 1982"], "new-postcode": ["GL4"],
                        "email": ["alex at example"], "paid-helper": None})
    assert found == {"full-name": "Enter your full name",
                     "date-of-birth": "Your date of birth must be a real date, like 27 3 1985",
                     "new-postcode": "Enter a real postcode, like AB1 2CD",
                     "email": "Enter an email address in the right shape, like name@example.com",
                     "paid-helper": "Choose an answer: " + COUNCIL.scenario.fields[-1].label}


def test_typing_other_details_than_the_pretend_persons_is_a_wrong_details_mistake_naming_the_right_ones():
    outcome = council(**{"full-name": ["Pat Smith"], "date-of-birth": ["14 6 1983"]})
    assert not outcome.passed and outcome.mistakes == ("wrong-details",)
    assert [f.about for f in outcome.found] == ["full-name", "date-of-birth"]
    assert outcome.found[0].detail == "Alex Morgan's details say: Alex Morgan."
    assert outcome.found[1].detail == "Alex Morgan's details say: 14 6 1982."
    assert FORM.part_name(COUNCIL.scenario, "date-of-birth") == "Your date of birth"


def test_paying_a_copycat_site_is_a_wrong_choice_tied_to_the_free_service_lesson():
    outcome = council(**{"paid-helper": ["pay"]})
    assert outcome.mistakes == ("wrong-choice",)
    assert "free on its own website" in outcome.found[0].detail
    assert COUNCIL.feedback["wrong-choice"].misconception == "pay-for-free-service"


def test_what_was_typed_is_never_kept_only_whether_it_was_right():
    outcome = council(**{"full-name": ["Pat Smith"]})
    assert outcome.kept == {"full-name": False, "date-of-birth": True, "new-postcode": True, "moved-on": True,
                            "email": True, "paid-helper": "free"}
    assert "Pat" not in repr(outcome.kept)


def test_a_choice_that_is_not_on_the_page_or_a_box_sent_twice_is_refused():
    with pytest.raises(StepsError, match="not on the page"):
        council(**{"paid-helper": ["maybe"]})
    assert "filled in twice" in problems(**{"full-name": ["Alex Morgan", "Alex Morgan"]})["full-name"]
    assert "cannot be typed" in problems(**{"full-name": ["Alex\x00"]})["full-name"]


def test_opening_the_sponsored_result_and_trusting_the_word_official_are_two_different_mistakes():
    fields = {"passport": ["fast-renewals"], "prescription": ["nhs"], "clue": ["official"]}
    outcome = FORM.check(SEARCH.scenario, FORM.read_steps(SEARCH.scenario, fields))
    assert outcome.mistakes == ("wrong-choice", "missed-clue")
    assert SEARCH.feedback["missed-clue"].misconception == "looks-official-means-official"
    right = {"passport": ["gov-uk"], "prescription": ["nhs"], "clue": ["sponsored-address"]}
    assert FORM.check(SEARCH.scenario, FORM.read_steps(SEARCH.scenario, right)).passed


FORM_TASK = """\
---
id: form-practice
kind: online-form
title: Fill in a pretend form
skills: [spot-scams]
service: A pretend service
person: Sam
fields:
  - id: born
    label: Date of birth
    type: date
    answer: 27 3 1985
  - id: pay
    label: Do you pay?
    type: choice
    choices:
      - id: "no"
        text: No
      - id: "yes"
        text: Yes
    answer: "no"
---

This is pretend practice.
"""


def load(write_content, good_module, text: str):
    course = load_course(write_content({**good_module, "safety/tasks/practice.md": text}))
    return course, [str(p) for p in course.problems]


def reported(found: list[str], line: int, words: str) -> bool:
    return any(p.endswith(f"tasks/practice.md:{line}: {words}") for p in found)


def test_a_good_online_form_task_loads(write_content, good_module):
    course, found = load(write_content, good_module, FORM_TASK)
    assert found == []
    born, pay = course.tasks["form-practice"].scenario.fields
    assert born.answer == "1985-03-27" and pay.mistake == "wrong-choice"
    assert [c.id for c in pay.choices] == ["no", "yes"]


def test_an_answer_that_does_not_fit_its_box_is_reported_on_its_line(write_content, good_module):
    _, found = load(write_content, good_module, FORM_TASK.replace("answer: 27 3 1985", "answer: 30 2 1985"))
    assert reported(found, 12, "the 'answer' must be a real date, like 27 3 1985, not '30 2 1985'"), found


def test_a_question_whose_answer_is_not_one_of_its_choices_is_reported(write_content, good_module):
    _, found = load(write_content, good_module, FORM_TASK.replace('answer: "no"', "answer: nope"))
    assert reported(found, 21, "the 'answer' of a question is the id of one of its choices: no, yes, not 'nope'")


def test_a_mistake_the_kind_does_not_have_is_reported_with_a_suggestion(write_content, good_module):
    text = FORM_TASK.replace("    answer: 27 3 1985\n", "    answer: 27 3 1985\n    mistake: wrong-detail\n")
    _, found = load(write_content, good_module, text)
    assert reported(found, 13, "'mistake' is one of wrong-details, wrong-choice, missed-clue, shares-too-much, "
                               "not 'wrong-detail' (did you mean 'wrong-details'?)"), found


def test_a_field_named_like_a_box_every_task_page_has_is_reported(write_content, good_module):
    _, found = load(write_content, good_module, FORM_TASK.replace("- id: born", "- id: helped"))
    assert reported(found, 9, "the id 'helped' is used by the page itself: choose another"), found
