"""The clock run's breakdown of where questions go adds up to the questions it counts, and tells reviews apart."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine import simulate as sim
from engine.clock_contenders import clock_contenders
from engine.clock_run import breakdown_key
from engine.clock_tally import simulate_weeks
from engine.forgetting import FORGETTING
from engine.loader import load_course

CONTENT = Path(__file__).resolve().parents[2] / "content"


@pytest.fixture(scope="module")
def weeks():
    course = load_course(CONTENT)
    engine = clock_contenders(engine_params=sim.engine_parameters(course), names=(sim.ENGINE,))[0]
    return simulate_weeks(course, [course.modules[0]], engine, range(6), 1, FORGETTING["faster"]).summary()


def test_the_parts_add_up_to_the_questions_a_skill(weeks):
    parts = weeks["breakdown"]["all"]
    spent = sum(v for k, v in parts.items() if k.startswith(("course ", "gap ")))
    assert spent == pytest.approx(weeks["questions_per_skill"])


def test_every_review_is_counted_once_as_right_or_wrong_at_the_first_or_second_question(weeks):
    parts = weeks["breakdown"]["all"]
    asked = sum(v for k, v in parts.items() if " review, " in k)
    answered = sum(v for k, v in parts.items() if k.startswith("review "))
    assert asked == pytest.approx(answered) and asked > 0
    assert parts.get("review first wrong", 0) > 0, "learners who forget fast fail some reviews"


def test_a_question_after_a_slip_is_told_from_a_first_review_and_from_practice():
    assert breakdown_key("review", False, True) == "course review, second question"
    assert breakdown_key("review", True, False) == "gap review, first question"
    assert breakdown_key("practice", True, False) == "gap practice"
    assert breakdown_key("", False, False) == "course question"
