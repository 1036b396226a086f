"""Whether any passport level is within reach, which lets an answer skip reading the awards held."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from itertools import chain, combinations, product

from engine.passport import Held, any_within_reach
from engine.progress import LearnerState
from tests.unit.test_passport_rules import NOW, PARAMS, course, levels, mastered  # noqa: F401  (course: fixture)

SKILLS = ("passwords", "scams", "work")
LATER = NOW + timedelta(days=4)


def _subsets(items):
    return chain.from_iterable(combinations(items, n) for n in range(len(items) + 1))


def _helds():
    for kinds in product((None, "held", "revoked"), repeat=3):
        yield {level: Held(NOW, revoked=kind == "revoked")
               for level, kind in zip(("bronze", "silver", "gold"), kinds) if kind is not None}


def test_nothing_mastered_is_out_of_reach_and_bronze_skills_mastered_is_within_it(course):
    module = course.module("safety")
    assert not any_within_reach(module, LearnerState("safety"), PARAMS)
    assert any_within_reach(module, mastered(LearnerState("safety"), "passwords"), PARAMS)


def test_no_level_is_ever_due_when_none_is_within_reach_whatever_is_held(course):
    module = course.module("safety")
    checked = 0
    for skills, passed in product(_subsets(SKILLS), (False, True)):
        state = mastered(LearnerState("safety"), *skills)
        if passed:
            state = replace(state, review_passed=LATER)
        reach = any_within_reach(module, state, PARAMS)
        for held in _helds():
            due = levels(course, state, held, LATER)
            assert reach or due == [], (skills, passed, held, due)
            checked += bool(due)
    assert checked, "some combinations do earn a level, so the check above means something"
