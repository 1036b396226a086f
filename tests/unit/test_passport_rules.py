"""The passport's rules: bronze, silver and gold from the engine's estimates, and the gold review."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from engine.evidence import Shown
from engine.loader import load_course
from engine.mastery import Parameters, SkillParams, SkillState
from engine.passport import Held, due_levels, evidence, level_meaning, levels_above, next_move, standing
from engine.policies import Situation, adaptive
from engine.progress import LearnerState

NOW = datetime(2026, 11, 23, 10, 0)
PARAMS = Parameters(SkillParams(prior=0.2, learn=0.15, slip=0.1, lesson_learn=0.35, half_life_days=45))

PASSPORT = """\
passport:
  bronze: [passwords]
  silver: [scams]
  gold: [work]
  review questions: 3
  review right: 2
  review after days: 3
"""


def module_md(passport: str = PASSPORT) -> str:
    return ("---\nid: safety\ntitle: Staying safe\nsummary: Keep safe.\nskills:\n  passwords: Make a strong password\n"
            f"  scams: Spot a scam\n  work: Stay safe at work\n{passport}---\n")


def lesson(lesson_id: str, skill: str, level: str, ids: list[str]) -> str:
    questions = "".join(f"::: question {q}\nkind: typed\n\nSay yes.\n\n- [x] yes\n:::\n\n" for q in ids)
    return (f"---\nid: {lesson_id}\ntitle: Lesson {lesson_id}\nskills: [{skill}]\n"
            f"area: Being safe and legal online\nlevel: {level}\nminutes: 5\n---\n\nText.\n\n{questions}")


def files(passport: str = PASSPORT) -> dict:
    return {
        "safety/module.md": module_md(passport),
        "safety/01-passwords.md": lesson("pw", "passwords", "bronze", ["pw-1", "pw-2", "pw-3"]),
        "safety/02-scams.md": lesson("scams", "scams", "silver", ["sc-1", "sc-2", "sc-3"]),
        "safety/03-work.md": lesson("work", "work", "gold", ["wk-1", "wk-2", "wk-3"]),
    }


@pytest.fixture
def course(write_content):
    built = load_course(write_content(files()))
    assert built.errors == ()
    return built


def mastered(state: LearnerState, *skills: str, at: datetime = NOW) -> LearnerState:
    """Return the state with skills known for certain, as after a run of right answers on different questions."""
    shown = lambda s: (Shown(f"{s}-typed", "typed", at, 0.1), Shown(f"{s}-order", "ordering", at, 0.15))  # noqa: E731
    known = {s: SkillState(p_known=0.99, updated_at=at, attempts=4, right=4, mastered_at=at, shown=shown(s))
             for s in skills}
    return replace(state, skills={**state.skills, **known})


def levels(course, state, held=None, now=NOW):
    return due_levels(course.module("safety"), state, PARAMS, held or {}, now)


# --- rules from the content ------------------------------------------------------------


def test_the_rules_are_read_from_the_module_file(course):
    rules = course.module("safety").passport
    assert rules.skills_for("bronze") == ("passwords",) and rules.skills_for("gold") == ("work",)
    assert (rules.review_questions, rules.review_right, rules.review_after_days) == (3, 2, 3)


def test_without_rules_each_skill_counts_at_the_lowest_level_that_teaches_it(write_content):
    built = load_course(write_content(files(passport="")))
    rules = built.module("safety").passport
    assert [rules.skills_for(level) for level in ("bronze", "silver", "gold")] == [("passwords",), ("scams",), ("work",)]


@pytest.mark.parametrize("passport, message", [
    ("passport:\n  bronze: [pasword]\n", "names the skill 'pasword', which is not in this module's skills"),
    ("passport:\n  bronze: [passwords]\n  silver: [passwords]\n", "is under both passport 'bronze' and 'silver'"),
    ("passport:\n  silvr: [scams]\n", "unknown passport setting 'silvr'"),
    ("passport:\n  review questions: 3\n  review right: 4\n", "'review right' (4) cannot be more than"),
    ("passport:\n  review after days: soon\n", "must be a whole number from 0 to 365"),
])
def test_a_wrong_passport_setting_is_reported_with_its_line(write_content, passport, message):
    built = load_course(write_content(files(passport)))
    problem = next(p for p in built.errors if message in p.message)
    assert problem.path.endswith("safety/module.md") and problem.line == 9


def test_a_skill_under_no_level_gets_a_warning(write_content):
    built = load_course(write_content(files("passport:\n  bronze: [passwords]\n  silver: [scams]\n")))
    assert any("'work' is under no passport level" in p.message for p in built.warnings)


# --- awards --------------------------------------------------------------------------


def test_bronze_is_due_only_once_its_skills_are_mastered(course):
    state = LearnerState("safety")
    assert levels(course, state) == []
    assert levels(course, mastered(state, "passwords")) == ["bronze"]


def test_silver_needs_bronze_but_both_can_come_at_once(course):
    state = mastered(LearnerState("safety"), "scams")
    assert levels(course, state) == []
    assert levels(course, mastered(state, "passwords")) == ["bronze", "silver"]


def test_a_level_already_awarded_is_not_awarded_again(course):
    state = mastered(LearnerState("safety"), "passwords", "scams")
    assert levels(course, state, {"bronze": Held(NOW)}) == ["silver"]


def test_a_skill_stays_shown_as_days_pass_and_the_learner_is_nudged_to_review(course):
    state = mastered(LearnerState("safety"), "passwords")
    later = NOW + timedelta(days=120)
    bronze = standing(course.module("safety"), state, PARAMS, {"bronze": Held(NOW)}, later)[0]
    assert not bronze.missing and bronze.held == Held(NOW) and bronze.valid
    assert bronze.skills[0].fading


def test_gold_needs_the_review_even_with_every_skill_mastered(course):
    state = mastered(LearnerState("safety"), "passwords", "scams", "work")
    held = {"bronze": Held(NOW), "silver": Held(NOW)}
    assert levels(course, state, held) == []
    gold = standing(course.module("safety"), state, PARAMS, held, NOW)[2]
    assert gold.review.opens_at == NOW + timedelta(days=3)
    assert not gold.review.can_start(NOW + timedelta(days=2, hours=23))
    assert gold.review.can_start(NOW + timedelta(days=3))


def test_a_revoked_silver_blocks_gold(course):
    state = mastered(LearnerState("safety"), "passwords", "scams", "work")
    held = {"bronze": Held(NOW), "silver": Held(NOW, revoked=True)}
    gold = standing(course.module("safety"), state, PARAMS, held, NOW + timedelta(days=5))[2]
    assert not gold.below_held and gold.review.opens_at is None and not gold.met


def review(course, state, answers, at):
    for qid, right in answers:
        state = state.after_answer(course.questions[qid], right, at, PARAMS)
    return state


def test_passing_the_gold_review_days_after_silver_earns_gold(course):
    held = {"bronze": Held(NOW), "silver": Held(NOW)}
    later = NOW + timedelta(days=4)
    state = mastered(LearnerState("safety"), "passwords", "scams", "work", at=later).start_review(later, 3, 2)
    state = review(course, state, [("pw-1", True), ("sc-1", False), ("wk-1", True)], later)
    assert not state.reviewing and state.review_passed == later
    assert levels(course, state, held, later) == ["gold"]
    gold = standing(course.module("safety"), state, PARAMS, held, later)[2]
    assert evidence(gold, state)["review"] == {"passed_at": later.isoformat(), "questions": 3, "right": 2}


def test_a_failed_gold_review_can_be_taken_again_the_next_day(course):
    held = {"bronze": Held(NOW), "silver": Held(NOW)}
    later = NOW + timedelta(days=4)
    state = mastered(LearnerState("safety"), "passwords", "scams", "work", at=later).start_review(later, 3, 2)
    state = review(course, state, [("pw-1", False), ("sc-1", False), ("wk-1", True)], later)
    assert state.review_failed == later and state.review_passed is None
    state = mastered(state, "passwords", "scams", "work", at=later)
    gold = standing(course.module("safety"), state, PARAMS, held, later)[2]
    assert not gold.review.can_start(later + timedelta(hours=23))
    assert gold.review.can_start(later + timedelta(days=1))
    assert "opens on" in next_move(standing(course.module("safety"), state, PARAMS, held, later), later)


def test_answers_given_with_help_do_not_count_in_the_review(course):
    state = LearnerState("safety").start_review(NOW, 3, 2)
    state = state.after_answer(course.questions["pw-1"], True, NOW, PARAMS, helped=True)
    assert state.review_answers == () and state.reviewing


def test_the_same_question_twice_counts_once_in_the_review(course):
    state = review(course, LearnerState("safety").start_review(NOW, 3, 2), [("pw-1", True), ("pw-1", True)], NOW)
    assert len(state.review_answers) == 1


# --- helped answers ----------------------------------------------------------------


def test_a_right_answer_given_with_help_does_not_raise_the_estimate(course):
    state = LearnerState("safety")
    helped = state.after_answer(course.questions["pw-1"], True, NOW, PARAMS, helped=True)
    alone = state.after_answer(course.questions["pw-1"], True, NOW, PARAMS)
    assert helped.skill("passwords", PARAMS).p_known == pytest.approx(0.2)
    assert alone.skill("passwords", PARAMS).p_known > 0.5
    assert helped.results == {"pw-1": True} and helped.answers == 1


def test_a_wrong_answer_given_with_help_still_counts_as_wrong(course):
    start = mastered(LearnerState("safety"), "passwords")
    helped = start.after_answer(course.questions["pw-1"], False, NOW, PARAMS, helped=True)
    assert helped.skill("passwords", PARAMS).p_known < 0.99


def test_only_answers_on_your_own_can_earn_bronze(course):
    state = LearnerState("safety")
    for qid in ["pw-1", "pw-2", "pw-3"] * 3:
        state = state.after_answer(course.questions[qid], True, NOW, PARAMS, helped=True)
    assert levels(course, state) == []
    for qid in ["pw-1", "pw-2", "pw-3"]:
        state = state.after_answer(course.questions[qid], True, NOW, PARAMS)
    assert levels(course, state) == ["bronze"]


# --- the review in the engine ------------------------------------------------------


def test_the_engine_asks_a_mixed_review_one_skill_at_a_time(course):
    state = mastered(LearnerState("safety"), "passwords", "scams", "work").start_review(NOW, 3, 2)
    skills = []
    for _ in range(3):
        step = adaptive(Situation(course, course.module("safety"), state, NOW, PARAMS))
        assert step.purpose == "gold review" and step.kind == "question"
        skills.append(course.questions[step.question_id].skill)
        state = state.after_answer(course.questions[step.question_id], True, NOW, PARAMS)
    assert sorted(skills) == ["passwords", "scams", "work"]
    assert adaptive(Situation(course, course.module("safety"), state, NOW, PARAMS)).purpose != "gold review"


def test_a_review_under_way_comes_before_a_lesson_that_fixes_a_mix_up(course):
    state = replace(LearnerState("safety"), pending=("pet-name",)).start_review(NOW, 3, 2)
    step = adaptive(Situation(course, course.module("safety"), state, NOW, PARAMS))
    assert step.purpose == "gold review" and "question 1 of 3" in step.reason


def test_the_review_is_kept_when_the_state_is_stored(course):
    state = review(course, LearnerState("safety").start_review(NOW, 3, 2), [("pw-1", True)], NOW)
    assert LearnerState.from_dict(state.as_dict()) == state


def test_the_rules_read_as_plain_english(course):
    bronze, silver, gold = standing(course.module("safety"), LearnerState("safety"), PARAMS, {}, NOW)
    assert bronze.rule() == "To get bronze: master this skill: Make a strong password."
    assert silver.rule() == "To get silver: get bronze, then master this skill: Spot a scam."
    assert gold.rule().endswith("Then, at least 3 days after silver, pass a gold review: get 2 of 3 questions "
                                "right on your own.")
    assert next_move((bronze, silver, gold), NOW) == "Next: practise “Make a strong password” to get bronze."


def test_revoking_a_level_withdraws_every_level_above_it_and_none_below():
    assert levels_above("bronze") == ("silver", "gold")
    assert levels_above("silver") == ("gold",)
    assert levels_above("gold") == ()
    assert levels_above("platinum") == ()


def test_a_level_whose_level_below_is_revoked_is_never_due(course):
    state = mastered(LearnerState("safety"), "passwords", "scams")
    held = {"bronze": Held(NOW, revoked=True)}
    assert levels(course, state, held) == []


def test_what_a_level_means_is_said_in_short_plain_sentences():
    bronze = level_meaning("bronze", "Online banking")
    assert bronze.startswith("Bronze means this person showed every bronze skill in Online banking on their own.")
    assert "“Foundation” level" in bronze and "held" not in bronze
    gold = level_meaning("gold", "Online banking")
    assert "They already held silver." in gold and "mixed review" in gold and "“Skills for work”" in gold
    assert "practice task done alone can count" in bronze, "a task is evidence, and the meaning says so"
    assert max(len(sentence.split()) for sentence in gold.split(". ")) <= 20, "short sentences for every reader"
