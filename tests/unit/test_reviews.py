"""Reviews due across the whole course: finished topics come back, a few at a time, mixed across topics."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from engine import schedule
from engine.evidence import Shown
from engine.loader import load_course
from engine.mastery import Parameters, SkillParams, SkillState, level
from engine.progress import LearnerState
from engine.reviews import reviews_due

NOW = datetime(2026, 12, 6, 10, 0)
PARAMS = Parameters(SkillParams(prior=0.2, learn=0.15, slip=0.1, lesson_learn=0.35, half_life_days=45))
# Long enough after mastery for the first quick check to be due, whatever the schedule's settings.
WEEKS_LATER = timedelta(days=schedule.SETTINGS.first_days + 10)


def module(module_id: str, skills: list[str]) -> dict:
    listed = "".join(f"  {s}: Skill {s}\n" for s in skills)
    files = {f"{module_id}/module.md": f"---\nid: {module_id}\ntitle: Topic {module_id}\nsummary: S.\nskills:\n{listed}---\n"}
    for n, skill in enumerate(skills, start=1):
        questions = "".join(f"::: question {skill}-{k}\nkind: typed\n\nSay yes.\n\n- [x] yes\n:::\n\n" for k in (1, 2))
        files[f"{module_id}/0{n}-{skill}.md"] = (f"---\nid: {skill}-lesson\ntitle: Lesson {skill}\nskills: [{skill}]\n"
                                                 f"area: Communicating\nlevel: bronze\nminutes: 5\n---\n\nText.\n\n"
                                                 f"{questions}")
    return files


@pytest.fixture
def course(write_content):
    built = load_course(write_content({**module("banking", ["pay", "balance"]), **module("jobs", ["cv", "scams"])}))
    assert built.errors == ()
    return built


def mastered_state(module_id: str, skills: dict[str, float], at: datetime = NOW) -> LearnerState:
    """Return a state with skills mastered at `at`, each at the given estimate then."""
    made = {s: SkillState(p_known=p, updated_at=at, attempts=2, right=2, mastered_at=at,
                          shown=(Shown(f"{s}-1", "typed", at, 0.1), Shown(f"{s}-2", "typed", at, 0.1)))
            for s, p in skills.items()}
    return LearnerState(module_id, skills=made, answers=2 * len(skills))


def test_nothing_is_due_just_after_a_skill_is_mastered(course):
    states = {"banking": mastered_state("banking", {"pay": 0.97, "balance": 0.97})}
    assert reviews_due(course, states, PARAMS, NOW + timedelta(days=1)) == []


def test_weeks_later_finished_topics_bring_their_skills_back_mixed_across_topics_most_faded_first(course):
    states = {"banking": mastered_state("banking", {"pay": 0.96, "balance": 0.99}),
              "jobs": mastered_state("jobs", {"cv": 0.97, "scams": 0.98}, at=NOW + timedelta(days=5))}
    later = NOW + WEEKS_LATER
    steps = reviews_due(course, states, PARAMS, later)
    assert [s.skill_id for s in steps] == ["pay", "cv", "balance", "scams"]
    assert [s.module_id for s in steps] == ["banking", "jobs", "banking", "jobs"], "taking turns between topics"
    assert all(s.kind == "question" and s.purpose == "review" and s.question_id.startswith(s.skill_id) for s in steps)
    assert all(level(states[s.module_id].skills[s.skill_id], PARAMS.for_skill(s.skill_id), later) == "mastered"
               for s in steps), "a review falling due does not take the level away"


def test_only_a_few_reviews_are_offered_at_a_time(course):
    states = {"banking": mastered_state("banking", {"pay": 0.96, "balance": 0.99}),
              "jobs": mastered_state("jobs", {"cv": 0.97, "scams": 0.98})}
    assert len(reviews_due(course, states, PARAMS, NOW + WEEKS_LATER, limit=3)) == 3


def test_a_skill_waiting_for_a_tutor_or_a_gold_review_under_way_is_left_alone(course):
    banking = replace(mastered_state("banking", {"pay": 0.96, "balance": 0.99}), help_offered=frozenset({"pay"}))
    jobs = mastered_state("jobs", {"cv": 0.97}).start_review(NOW, 3, 2)
    steps = reviews_due(course, {"banking": banking, "jobs": jobs}, PARAMS, NOW + WEEKS_LATER)
    assert [s.skill_id for s in steps] == ["balance"]


def test_a_skill_not_mastered_is_practice_not_review(course):
    state = LearnerState("banking", skills={"pay": SkillState(p_known=0.5, updated_at=NOW, attempts=3, right=1)})
    assert reviews_due(course, {"banking": state}, PARAMS, NOW + WEEKS_LATER) == []
