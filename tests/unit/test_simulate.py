"""The simulated learners behind bench/adaptive.py: a generator that does what docs/engine.md says."""

from __future__ import annotations

import math
import random
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from engine import simulate as sim
from engine.answers import mark
from engine.baselines import BASELINES, DECLARED, TrackedState, fixed_quiz, measured_skills
from engine.loader import load_course
from engine.mastery import SkillParams, after_answer, after_lesson, estimate, guess_rate, new_state
from engine.populations import random_click
from engine.policies import Situation
from engine.progress import LearnerState

CONTENT = Path(__file__).resolve().parents[2] / "content"

MODULE = """\
---
id: basics
title: Basics
summary: Two skills to practise.
skills:
  alpha: The first skill
  beta: The second skill
---
Welcome.
"""

LESSON = """\
---
id: learn-alpha
title: Learn alpha
skills: [alpha, beta]
area: Being safe and legal online
level: bronze
minutes: 5
---

Some teaching.

::: question alpha-single
kind: single
skill: alpha

Which is right?

- [ ] One
  No.
  Misconception: mix-up
- [x] Two
  Yes.
- [ ] Three
  No.
- [ ] Four
  No.
:::

::: question alpha-typed
kind: typed
skill: alpha

Type the word.

- [x] word
  Right.
- [ ] draw
  Not quite.
- [ ] *
  The word is word.
:::

::: question alpha-order
kind: ordering
skill: alpha

Put these in order.

1. First
2. Second
3. Third
4. Fourth
5. Fifth
:::

::: question alpha-true
kind: true-false
skill: alpha

Two comes after one.

- [x] True
  Right.
- [ ] False
  It does.
  Misconception: mix-up
:::

::: question beta-multiple
kind: multiple
skill: beta

Tick the even numbers.

- [x] Two
  Even.
- [ ] Three
  Odd.
- [x] Four
  Even.
- [ ] Five
  Odd.
:::
"""

REMEDY = """\
---
id: clear-up-the-mix-up
title: Clearing up the mix-up
skills: [alpha]
area: Being safe and legal online
level: bronze
minutes: 3
fixes: [mix-up]
---

One is not two.
"""


@pytest.fixture
def course(write_content):
    course = load_course(write_content({
        "basics/module.md": MODULE,
        "basics/01-learn-alpha.md": LESSON,
        "basics/90-mix-up.md": REMEDY,
    }))
    assert not course.problems, [str(p) for p in course.problems]
    return course


def traits(kind="fast", **values) -> sim.Traits:
    base = replace(sim.learner_traits(7, 0, kind), half_life_days=1e9)
    return replace(base, **values)


def learner(course, kind="fast", seed=7, **values) -> sim.SimulatedLearner:
    return sim.SimulatedLearner(course, course.module("basics"), traits(kind, **values), seed)


def test_the_same_seed_gives_the_same_learners_and_the_same_runs(course):
    module = course.module("basics")
    population = [sim.learner_traits(3, i) for i in range(50)]
    assert population == [sim.learner_traits(3, i) for i in range(50)]
    assert population != [sim.learner_traits(4, i) for i in range(50)]
    for contender in sim.contenders():
        first = [sim.run_session(course, module, t, contender, 3) for t in population]
        again = [sim.run_session(course, module, t, contender, 3) for t in population]
        assert first == again, contender.name


def test_learner_types_are_drawn_in_their_stated_shares():
    assert math.isclose(sum(t.share for t in sim.LEARNER_TYPES), 1.0)
    kinds = [sim.learner_traits(1, i).kind for i in range(10_000)]
    for kind in sim.LEARNER_TYPES:
        assert abs(kinds.count(kind.name) / len(kinds) - kind.share) < 0.02, kind.name


def test_a_learner_who_knows_a_skill_answers_questions_that_cannot_be_guessed_right_1_minus_slip_of_the_time(course):
    person = learner(course, "already-knows", slip=0.1)
    person.known["alpha"] = True
    for question_id in ("alpha-typed", "alpha-order"):
        question = course.questions[question_id]
        assert random_click(question) <= 0.02
        right = sum(person.answer(question)[0] for _ in range(4000))
        assert abs(right / 4000 - 0.9) < 0.02, question_id


def test_a_guess_on_a_four_option_single_choice_question_is_right_about_a_quarter_of_the_time(course):
    person = learner(course, "slow", prior=0.0, learn=0.0, lesson_learn=0.0)
    question = course.questions["alpha-single"]
    assert (question.kind, len(question.choices), guess_rate(question)) == ("single", 4, 0.25)
    right = sum(person.answer(question)[0] for _ in range(8000))
    assert not person.known["alpha"]
    assert abs(right / 8000 - 0.25) < 0.015


def test_forgetting_halves_the_chance_of_still_knowing_after_one_half_life(course):
    person = learner(course, half_life_days=20.0)
    for half_lives, expected in ((1, 0.5), (2, 0.25)):
        kept = 0
        for _ in range(6000):
            person.known["alpha"] = True
            person.checked["alpha"] = person.clock
            person.clock += half_lives * 20.0 * 1440
            kept += person.knows("alpha")
        assert abs(kept / 6000 - expected) < 0.02, half_lives


def test_a_stuck_learner_does_not_learn_the_skill_until_the_remedial_lesson_is_read(course):
    person = learner(course, "stuck", learn=1.0, lesson_learn=1.0)
    assert (person.stuck_tag, person.stuck_skill) == ("mix-up", "alpha")
    assert person.known["alpha"] is False
    person.read(course.lessons["learn-alpha"])
    for question_id in ("alpha-single", "alpha-typed", "alpha-order", "alpha-true") * 5:
        person.answer(course.questions[question_id])
    assert person.known["alpha"] is False
    assert person.known["beta"] is True  # only the stuck skill is blocked
    person.read(course.lessons["clear-up-the-mix-up"])
    assert person.known["alpha"] is True


def test_a_stuck_learner_who_answers_wrong_picks_the_option_with_their_misconception(course):
    person = learner(course, "stuck", learn=0.0, lesson_learn=0.0)
    wrong = [tags for correct, tags in (person.answer(course.questions["alpha-single"]) for _ in range(200))
             if not correct]
    assert wrong and all(tags == ("mix-up",) for tags in wrong)


def test_wrong_answers_are_marked_wrong_and_show_the_misconceptions_of_the_options_chosen(course):
    rng = random.Random(1)
    for question in course.questions.values():
        for holds in (None, "mix-up"):
            for _ in range(200):
                marking = mark(question, sim.wrong_answer(question, rng, holds))
                assert not marking.correct, question.id
    single = course.questions["alpha-single"]
    tags = [sim.wrong_answer_tags(single, rng) for _ in range(3000)]
    assert abs(tags.count(("mix-up",)) / 3000 - 1 / 3) < 0.03  # one wrong option in three carries it


def test_a_lesson_teaches_a_skill_with_the_learners_lesson_rate(course):
    taught = 0
    for seed in range(3000):
        person = learner(course, seed=seed, prior=0.0, lesson_learn=0.6)
        person.read(course.lessons["learn-alpha"])
        taught += person.known["alpha"]
    assert abs(taught / 3000 - 0.6) < 0.03


def test_the_oracle_asks_nothing_about_skills_the_learner_knows(course):
    module = course.module("basics")
    knows_all = traits("already-knows", prior=1.0)
    session = sim.run_session(course, module, knows_all, sim.contenders()[4], 1)
    assert session.policy == sim.ORACLE
    assert session.questions == 0 and session.lessons == 0
    assert all(record.declared_after == 0 for record in session.skills.values())


def test_three_in_a_row_declares_a_skill_mastered_after_three_right_answers(course):
    module = course.module("basics")
    state = TrackedState("basics")
    now = sim.START
    params = sim.population_means()
    for correct in (True, False, True, True):
        situation = Situation(course, module, state, now, params)
        assert not DECLARED["3-in-a-row"](situation, "alpha")
        state = state.after_answer(course.questions["alpha-single"], correct, now, params)
    assert not DECLARED["4-of-5"](Situation(course, module, state, now, params), "alpha")  # 3 of 4
    state = state.after_answer(course.questions["alpha-typed"], True, now, params)
    assert DECLARED["3-in-a-row"](Situation(course, module, state, now, params), "alpha")
    assert DECLARED["4-of-5"](Situation(course, module, state, now, params), "alpha")  # 4 of 5
    assert set(BASELINES) == {"fixed-sequence", "3-in-a-row", "4-of-5", "bkt-0.95-population"}


def test_the_fixed_sequence_reads_every_lesson_then_gives_the_same_quiz_to_everybody(course):
    module = course.module("basics")
    quiz = fixed_quiz(course, module)
    assert [q.id for q in quiz] == ["alpha-single", "beta-multiple", "alpha-typed", "alpha-order", "alpha-true"]
    state = TrackedState("basics")
    params = sim.population_means()
    steps = []
    for _ in range(20):
        step = BASELINES["fixed-sequence"](Situation(course, module, state, sim.START, params))
        steps.append(step.lesson_id if step.kind == "lesson" else step.question_id or step.kind)
        if step.kind == "done":
            break
        if step.kind == "lesson":
            state = state.after_lesson(course.lessons[step.lesson_id], sim.START, params)
        else:
            state = state.after_answer(course.questions[step.question_id], True, sim.START, params)
    assert steps == ["learn-alpha"] + [q.id for q in quiz] + ["done"]


def test_auc_counts_ties_as_half_and_the_histogram_gives_the_same_figure():
    rng = random.Random(5)
    predictions = [round(rng.random(), 2) for _ in range(400)]
    outcomes = [rng.random() < p for p in predictions]
    pairs = [(p, n) for p, o in zip(predictions, outcomes) if o for n in
             [q for q, r in zip(predictions, outcomes) if not r]]
    brute = sum(1.0 if p > n else 0.5 if p == n else 0.0 for p, n in pairs) / len(pairs)
    assert math.isclose(sim.auc(predictions, outcomes), brute)
    histogram = sim.Predictions()
    for p, o in zip(predictions, outcomes):
        histogram.add(p, o)
    assert math.isclose(histogram.auc(), brute)
    assert math.isclose(sim.auc([0.5, 0.5], [True, False]), 0.5)


def test_the_fitting_likelihood_replays_the_engines_own_update_equations(course):
    params = SkillParams(prior=0.3, learn=0.2, slip=0.08, lesson_learn=0.4, half_life_days=30)
    events = [(0.0, -1.0, False), (0.01, 0.25, False), (2.5, 0.02, True), (9.0, 0.5, True), (9.1, -1.0, False),
              (40.0, 0.008, False)]
    state = new_state(params)
    expected = 0.0
    at = sim.START
    for day, g, correct in events:
        at = sim.START + timedelta(days=day)
        if g < 0:
            state = after_lesson(state, params, at)
            continue
        p = estimate(state, params, at)
        right = p * (1 - params.slip) + (1 - p) * g
        expected += math.log(right if correct else 1 - right)
        state = after_answer(state, params, g, correct, at)
    assert math.isclose(sim.log_likelihood([events], params), expected, rel_tol=1e-12)


def test_fitting_recovers_the_parameters_that_generated_the_answers():
    rng = random.Random(2)
    truth = SkillParams(prior=0.3, learn=0.2, slip=0.1, half_life_days=0)
    sequences = []
    for _ in range(1500):
        known = rng.random() < truth.prior
        events = []
        for _ in range(8):
            events.append((0.0, 0.25, rng.random() < (1 - truth.slip if known else 0.25)))
            if not known and rng.random() < truth.learn:
                known = True
        sequences.append(events)
    fitted = sim.fit_parameters(sequences, SkillParams(half_life_days=0), rounds=2)
    assert abs(fitted.slip - 0.1) < 0.04
    assert abs(fitted.learn - 0.2) < 0.08
    assert abs(fitted.prior - 0.3) < 0.06


def test_on_the_real_course_the_oracle_needs_fewer_questions_and_leaves_nothing_unlearned():
    course = load_course(CONTENT)
    module = max(course.modules, key=lambda m: len(measured_skills(course, m)))
    rows = {c.name: c for c in sim.contenders()}
    fast = [sim.learner_traits(11, i, "fast") for i in range(40)]
    mixed = [sim.learner_traits(11, i) for i in range(80)]

    def mean_questions(name, people):
        sessions = [sim.run_session(course, module, t, rows[name], 11) for t in people]
        return sum(s.questions for s in sessions) / len(sessions), sessions

    oracle_fast, _ = mean_questions(sim.ORACLE, fast)
    fixed_fast, _ = mean_questions("fixed-sequence", fast)
    assert oracle_fast < fixed_fast
    oracle_all, oracle_sessions = mean_questions(sim.ORACLE, mixed)
    streak_all, _ = mean_questions("3-in-a-row", mixed)
    assert oracle_all < streak_all
    unlearned = [r for s in oracle_sessions if not s.capped for r in s.skills.values() if not r.known_at_end]
    assert unlearned == []
    engine_all, engine_sessions = mean_questions(sim.ENGINE, mixed)
    assert not any(s.capped for s in engine_sessions)


def test_the_decision_cost_is_measured_on_learners_with_many_stored_answers(course):
    cost = sim.decision_cost(course, course.module("basics"), answers=500, states=2, decisions=20)
    assert cost["decisions"] == 40 and cost["mean_us"] > 0
    state, _ = sim.stored_answers_state(course, course.module("basics"), 500)
    assert state.answers == 500
    assert isinstance(state, LearnerState) and len(state.results) <= len(course.questions)


def test_a_stuck_learner_shows_another_misconception_only_when_told_to(course):
    question = course.questions["beta-multiple"]  # no misconception on its options
    single = course.questions["alpha-single"]
    rng = random.Random(3)
    assert sim.wrong_answer_tags(single, rng, "other-tag") == ("mix-up",)
    own_only = [sim.wrong_answer_tags(single, rng, "other-tag", any_tag=False) for _ in range(300)]
    assert own_only.count(("mix-up",)) < 150  # uniform over three wrong options: about a third
    assert sim.wrong_answer_tags(question, rng, "mix-up") == ()
