"""Refitting the mastery model: it recovers known parameters, and writes a file the loader reads."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest

from engine.fit import Event, QuestionFit, fit_questions, fit_skill, log_likelihood, parameters_markdown
from engine.loader import load_course
from engine.mastery import DEFAULT_PARAMS, SkillParams, hard_to_guess, parameters_for

START = datetime(2026, 11, 1, 9, 0)


def simulated(true: SkillParams, learners: int, answers: int, guess: float, seed: int) -> list[list[Event]]:
    """Answer sequences from learners who follow the model exactly (no forgetting within minutes)."""
    rng = random.Random(seed)
    sequences = []
    for n in range(learners):
        knows = rng.random() < true.prior
        at = START + timedelta(days=n)
        events = []
        for k in range(answers):
            right = rng.random() < ((1 - true.slip) if knows else guess)
            events.append(Event(at + timedelta(minutes=k), correct=right, guess=guess))
            knows = knows or rng.random() < true.learn
        sequences.append(events)
    return sequences


def test_fitting_recovers_the_parameters_that_made_the_answers():
    true = SkillParams(prior=0.4, learn=0.2, slip=0.1)
    sequences = simulated(true, learners=160, answers=6, guess=0.02, seed=3)
    result = fit_skill("skill", sequences, DEFAULT_PARAMS)
    assert result.answers == 960 and result.learners == 160
    assert result.params.prior == pytest.approx(0.4, abs=0.12)
    assert result.params.slip == pytest.approx(0.1, abs=0.06)
    assert result.params.learn == pytest.approx(0.2, abs=0.1)
    assert result.log_likelihood > result.baseline_log_likelihood
    assert result.log_likelihood == pytest.approx(log_likelihood(sequences, result.params))


def test_a_skill_with_too_few_answers_keeps_its_settings():
    current = SkillParams(prior=0.33)
    result = fit_skill("skill", simulated(current, learners=3, answers=4, guess=0.25, seed=1), current)
    assert result.params is current and result.log_likelihood is None


def test_the_fitted_file_loads_and_sets_each_skills_parameters(write_content, good_module):
    course = load_course(write_content(good_module))
    module = course.module("safety")
    fitted = [fit_skill("strong-passwords", simulated(SkillParams(prior=0.6), 80, 5, 0.02, 5), DEFAULT_PARAMS),
              fit_skill("spot-scams", [], DEFAULT_PARAMS)]
    good_module["safety/parameters.md"] = parameters_markdown(module, fitted, "2026-11-23")
    reloaded = load_course(write_content(good_module))
    assert reloaded.problems == ()
    params = parameters_for(reloaded)
    assert params.for_skill("strong-passwords").prior == fitted[0].params.prior != DEFAULT_PARAMS.prior
    assert params.for_skill("spot-scams") == DEFAULT_PARAMS


@pytest.mark.parametrize("skills, expected", [
    ("  strong-pasword: {prior: 0.3}", "skill 'strong-pasword' is not listed in safety/module.md (did you mean"),
    ("  strong-passwords: {prio: 0.3}", "unknown setting 'prio' for skill 'strong-passwords' (did you mean 'prior'?)"),
    ("  strong-passwords: {slip: 0.9}", "'slip' for skill 'strong-passwords' must be a number from 0 to 0.5"),
    ("  strong-passwords: {prior: lots}", "'prior' for skill 'strong-passwords' must be a number from 0 to 1"),
])
def test_bad_parameter_settings_are_reported_and_the_defaults_kept(write_content, good_module, skills, expected):
    good_module["safety/parameters.md"] = f"---\nmodule: safety\nskills:\n{skills}\n---\n"
    course = load_course(write_content(good_module))
    assert any(expected in p.message and p.line == 4 for p in course.errors), [str(p) for p in course.problems]
    assert course.module("safety").parameters == {}
    assert "three-words" in course.lessons


def test_each_question_gets_its_own_guess_when_learners_who_do_not_know_still_get_it_right():
    rng = random.Random(5)
    true = SkillParams(prior=0.3, learn=0.0, slip=0.1)
    sequences = []
    for n in range(200):
        knows = rng.random() < true.prior
        at = START + timedelta(days=n)
        events = []
        for k, (question, luck) in enumerate((("obvious", 0.7), ("hard", 0.02), ("choice", 0.25))):
            right = rng.random() < ((1 - true.slip) if knows else luck)
            events.append(Event(at + timedelta(minutes=k), correct=right, guess=0.1, question_id=question))
        sequences.append(events)
    measured = {q.question_id: q for q in fit_questions(sequences, true)}
    assert set(measured) == {"obvious", "hard", "choice"} and measured["obvious"].answers == 200
    assert measured["obvious"].guess >= 0.5, "everyone types the obvious answer"
    assert measured["hard"].guess <= 0.05
    assert 0.15 <= measured["choice"].guess <= 0.33


def test_a_question_with_too_few_answers_is_not_measured():
    events = [[Event(START, correct=True, guess=0.1, question_id="rare")] for _ in range(10)]
    assert fit_questions(events, DEFAULT_PARAMS) == []


def test_measured_questions_are_written_and_read_back_and_the_engine_uses_them(write_content):
    folder = write_content({
        "basics/module.md": "---\nid: basics\ntitle: Basics\nsummary: S.\nskills:\n  alpha: Alpha\n---\n",
        "basics/01-a.md": ("---\nid: a\ntitle: A\nskills: [alpha]\narea: Communicating\nlevel: bronze\nminutes: 5\n"
                           "---\n\nText.\n\n::: question a-1\nkind: typed\n\nType 1.\n\n- [x] 1\n:::\n"),
    })
    course = load_course(folder)
    module = course.module("basics")
    text = parameters_markdown(module, [fit_skill("alpha", [], DEFAULT_PARAMS)], "2026-12-06",
                               [QuestionFit("a-1", 120, 0.7, 0.05)])
    (folder / "basics" / "parameters.md").write_text(text, encoding="utf-8")
    reloaded = load_course(folder)
    assert reloaded.errors == ()
    params = parameters_for(reloaded)
    question = reloaded.questions["a-1"]
    assert params.guess_for(question) == 0.7 and params.slip_for(question) == 0.05
    assert not hard_to_guess(params.guess_for(question)), "a question everyone gets right is no evidence"
