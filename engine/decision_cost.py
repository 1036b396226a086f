"""Time the engine's next-step decision for learners who have stored many answers."""

from __future__ import annotations

import random
from collections import Counter
from datetime import datetime, timedelta
from time import perf_counter_ns
from typing import Callable

from .contenders import after_help, engine_parameters
from .learner_types import START
from .mastery import Parameters
from .model import Course, Module
from .policies import POLICIES, Situation, Step
from .progress import LearnerState

def stored_answers_state(course: Course, module: Module, answers: int, seed: int = 0,
                         params: Parameters | None = None) -> tuple[LearnerState, datetime]:
    """Return a learner state that has taken in `answers` answers in a module, and the time after the last.

    Every lesson is read first, so no misconception is left pending, and the
    answers are right with a chance drawn between 0.3 and 0.9, so the engine
    has work to do (placement over, practice, review or help) rather than
    returning early.
    """
    params = params or Parameters()
    rng = random.Random(f"stored:{seed}")
    questions = [q for lesson in module.lessons for q in lesson.questions]
    rng.shuffle(questions)
    chance = rng.uniform(0.3, 0.9)
    state = LearnerState(module.id)
    now = START
    for lesson in module.lessons:
        state = state.after_lesson(lesson, now, params)
    for i in range(answers):
        question = questions[i % len(questions)]
        state = state.after_answer(question, rng.random() < chance, now, params)
        now += timedelta(minutes=rng.choice((1, 1, 1, 60, 1440)))
    if seed % 2:
        # After so many answers most skills look stuck; say a tutor has seen to them, as the app would.
        for skill_id in state.skills:
            state = after_help(state, skill_id)
    return state, now


def decision_cost(course: Course, module: Module, answers: int = 10_000, states: int = 10,
                  decisions: int = 200, policy: Callable[[Situation], Step] | None = None) -> dict:
    """Time the engine's next-step decision for learners with many stored answers each."""
    policy = policy or POLICIES["adaptive"]
    params = engine_parameters(course)
    timings: list[int] = []
    kinds: Counter = Counter()
    size = 0
    for n in range(states):
        state, now = stored_answers_state(course, module, answers, seed=n, params=params)
        size = max(size, len(repr(state.as_dict())))
        for i in range(decisions):
            later = now + timedelta(days=90 * i / decisions)  # from now to three months on: reviews fall due
            situation = Situation(course, module, state, later, params)
            t0 = perf_counter_ns()
            step = policy(situation)
            timings.append(perf_counter_ns() - t0)
            kinds[step.purpose or step.kind] += 1
    timings.sort()
    return {"stored_answers": answers, "states": states, "decisions": len(timings),
            "mean_us": sum(timings) / len(timings) / 1000,
            "p50_us": timings[len(timings) // 2] / 1000,
            "p99_us": timings[int(len(timings) * 0.99)] / 1000,
            "steps_chosen": dict(kinds),
            "state_json_bytes": size}
