"""The clock benchmark behind bench/clock.py: learners who forget over weeks, and what each policy keeps."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import pytest

from engine import simulate as sim
from engine.clock_contenders import MASTERED_RANK, clock_contenders, declared_shown, level_rank
from engine.clock_learner import learner_calendar
from engine.clock_run import run_weeks
from engine.clock_tally import simulate_weeks
from engine.forgetting import FORGETTING, Forgetting, Memory
from engine.learner_types import START, learner_traits
from engine.loader import load_course

CONTENT = Path(__file__).resolve().parents[2] / "content"


@pytest.fixture(scope="module")
def course():
    return load_course(CONTENT)


@pytest.fixture(scope="module")
def modules(course):
    return [course.modules[0]]


@pytest.fixture(scope="module")
def policies(course):
    return {c.name: c for c in clock_contenders(engine_params=sim.engine_parameters(course))}


def test_the_same_seed_gives_the_same_weeks_and_another_seed_other_weeks(course, modules, policies):
    engine = policies[sim.ENGINE]
    first = simulate_weeks(course, modules, engine, range(4), 3, FORGETTING["types"]).summary()
    again = simulate_weeks(course, modules, engine, range(4), 3, FORGETTING["types"]).summary()
    other = simulate_weeks(course, modules, engine, range(4), 4, FORGETTING["types"]).summary()
    assert first == again
    assert first != other


def test_every_policy_meets_the_same_learner_with_the_same_calendar(course, modules, policies):
    traits = learner_traits(5, 2)
    runs = [run_weeks(course, modules, traits, policies[name], 5, FORGETTING["never"])
            for name in ("3-in-a-row", sim.ENGINE)]
    assert [{s: r.known_at_start for s, r in w.skills.items()} for w in runs][0] == \
        {s: r.known_at_start for s, r in runs[1].skills.items()}
    assert all(w.gap_days == learner_calendar(5, 2).long_gap_days for w in runs)


def test_a_learner_who_never_forgets_has_no_retention_failure(course, modules, policies):
    for name in ("3-in-a-row", "4-of-5", sim.ENGINE):
        never = simulate_weeks(course, modules, policies[name], range(10), 1, FORGETTING["never"]).summary()
        faster = simulate_weeks(course, modules, policies[name], range(10), 1, FORGETTING["faster"]).summary()
        assert never["called_at_end"] > 0.3, name
        assert never["retention_failure"] == 0.0, name
        assert faster["retention_failure"] > 0.0, name


def test_learners_who_forget_faster_fail_retention_more(course, modules, policies):
    streak = policies["3-in-a-row"]
    faster = simulate_weeks(course, modules, streak, range(20), 1, FORGETTING["faster"]).summary()
    slower = simulate_weeks(course, modules, streak, range(20), 1, FORGETTING["slower"]).summary()
    assert faster["retention_failure"] > slower["retention_failure"] + 0.1


def test_a_level_that_drops_as_days_pass_counts_as_a_drop_without_a_failed_answer(course, modules, policies):
    def fades(situation, skill_id):
        started = situation.state.skills.get(skill_id) is not None
        return MASTERED_RANK if started and (situation.now - START).days < 20 else int(started)

    fading = replace(policies["3-in-a-row"], name="fades with time", shown=fades)
    tally = simulate_weeks(course, modules, fading, range(3), 1, FORGETTING["types"]).summary()
    assert tally["level_drops_unexplained"] > 0
    assert tally["mastered_lost_unexplained"] > 0


def test_a_level_that_drops_only_after_a_wrong_answer_is_never_counted_as_unexplained(course, modules, policies):
    engine = policies[sim.ENGINE]
    # "Mastered" while the engine says so, else "learning": it drops only when a review is failed.
    held = replace(engine, name="mastered or learning", shown=declared_shown(engine.declared))
    tally = simulate_weeks(course, modules, held, range(6), 1, FORGETTING["faster"]).summary()
    assert tally["mastered_lost"] > 0
    assert tally["level_drops_unexplained"] == 0


def test_only_the_engine_asks_reviews_and_it_asks_them_after_the_course(course, modules, policies):
    engine = run_weeks(course, modules, learner_traits(1, 0, kind="fast"), policies[sim.ENGINE], 1,
                       FORGETTING["faster"])
    streak = run_weeks(course, modules, learner_traits(1, 0, kind="fast"), policies["3-in-a-row"], 1,
                       FORGETTING["faster"])
    assert engine.gap_sittings > 0 and engine.reviews > 0
    assert streak.reviews == 0


def test_questions_on_skills_known_at_the_start_count_reviews_too(course, modules, policies):
    weeks = run_weeks(course, modules, learner_traits(1, 3, kind="already-knows"), policies[sim.ENGINE], 1,
                      FORGETTING["faster"])
    known = [r for r in weeks.skills.values() if r.known_at_start]
    assert known
    assert any(r.reviews for r in known)
    assert all(r.questions >= r.reviews for r in known)


def test_step_forgetting_keeps_a_skill_whole_until_its_half_life_then_loses_it():
    step = FORGETTING["step"]
    memory = Memory(known=True, half_life=10.0)
    rng = random.Random(1)
    assert step.still_known(memory, 9.9, rng)
    step.use(memory, 9.9)
    assert step.still_known(memory, 19.0, rng)
    assert not step.still_known(memory, 20.0, rng)
    assert not step.still_known(memory, 20.1, rng)


def test_spaced_use_makes_memory_last_longer_and_massed_use_does_not():
    spacing = FORGETTING["spacing"]
    memory = Memory(known=True, half_life=10.0)
    spacing.use(memory, 0.5)
    assert memory.strength == 1.0
    spacing.use(memory, 3.0)
    assert memory.strength == 2.0


def test_a_population_scaled_from_the_engine_halves_or_doubles_its_half_life():
    rng = random.Random(1)
    faster = [FORGETTING["faster"].half_life(100.0, rng) for _ in range(200)]
    slower = [FORGETTING["slower"].half_life(100.0, rng) for _ in range(200)]
    assert 4 * min(faster) >= max(faster) / 2 and sum(slower) / sum(faster) == pytest.approx(4, rel=0.1)
    assert Forgetting("own", "", scale=None).half_life(100.0, rng) != FORGETTING["as-engine"].half_life(100.0, rng)


def test_a_level_saying_a_review_is_due_still_ranks_as_mastered():
    assert level_rank("mastered") == MASTERED_RANK
    assert level_rank("due for a quick review") == MASTERED_RANK
    assert level_rank("secure") < MASTERED_RANK
