"""Refitting the mastery model: it recovers known parameters, and writes a file the loader reads."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest

from engine.fit import Event, fit_skill, log_likelihood, parameters_markdown
from engine.loader import load_course
from engine.mastery import DEFAULT_PARAMS, SkillParams, parameters_for

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
