"""The policies the benchmark compares: the baselines, the oracle and the engine, each with its mastery rule."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Callable

from . import mastery
from .baselines import BASELINES, DECLARED, TrackedState, skill_questions
from .learner_types import population_means
from .mastery import Parameters, is_mastered
from .model import Course
from .policies import POLICIES, Situation, Step
from .progress import LearnerState

if TYPE_CHECKING:
    from .simulate import SimulatedLearner


def oracle_policy(learner: SimulatedLearner) -> Callable[[Situation], Step]:
    """Return a policy that sees the hidden state: the floor for questions.

    For each skill the learner does not know, in the order the path teaches them:
    the remedial lesson if they are stuck on it, then the skill's lesson (each
    lesson once), then questions until they know it. Nothing for skills they
    know; done when they know every skill.
    """
    course, module = learner.course, learner.module
    first_lesson = {}
    for lesson in module.path_lessons:
        for skill_id in lesson.skills:
            first_lesson.setdefault(skill_id, lesson)
    order = sorted(learner.skills, key=lambda s: [l.id for l in module.path_lessons].index(first_lesson[s].id)
                   if s in first_lesson else len(module.path_lessons))

    def choose(situation: Situation) -> Step:
        state = situation.state
        for skill_id in order:
            if learner.knows(skill_id):
                continue
            if learner.blocked(skill_id):
                remedy = next(iter(course.remedies.get(learner.stuck_tag, ())), None)
                if remedy is not None and remedy not in state.lessons_read:
                    return Step("lesson", module.id, "oracle: the remedial lesson", lesson_id=remedy,
                                skill_id=skill_id, purpose="remedy")
            lesson = first_lesson.get(skill_id)
            if lesson is not None and lesson.id not in state.lessons_read:
                return Step("lesson", module.id, "oracle: the lesson", lesson_id=lesson.id, skill_id=skill_id,
                            purpose="learn")
            questions = skill_questions(course, skill_id)
            attempts = state.skill(skill_id, situation.params).attempts
            question = questions[attempts % len(questions)]
            return Step("question", module.id, "oracle: practice", question_id=question.id,
                        lesson_id=question.lesson_id, skill_id=skill_id, purpose="practice")
        return Step("done", module.id, "oracle: every skill known", purpose="done")

    return choose


ENGINE = "engine (adaptive)"
ORACLE = "oracle"


@dataclass(frozen=True)
class Contender:
    """A policy to compare: how it chooses, its model's parameters, and when it calls a skill mastered."""

    name: str
    choose: Callable[[Situation], Step] | None  # None: the oracle, made for each learner
    params: Parameters
    declared: Callable[[Situation, str], bool] | None  # None: the oracle, which knows
    state_class: type = LearnerState
    predicts: bool = False  # score this model's next-answer predictions
    shadow: Parameters | None = None  # also score a population-BKT model on the same answers
    # Check every skill after every step, not only the skills the step touched.
    declares_any_time: bool = False


def engine_declared(situation: Situation, skill_id: str) -> bool:
    """The engine calls a skill mastered when its estimate reaches MASTERED with the evidence behind it."""
    return is_mastered(situation.state.skills.get(skill_id), situation.params.for_skill(skill_id), situation.now)


def engine_parameters(course: Course) -> Parameters:
    """Return the parameters the app gives the engine: the defaults with the content's per-skill settings."""
    parameters_for = getattr(mastery, "parameters_for", None)
    return parameters_for(course) if parameters_for is not None else Parameters()


def contenders(population: Parameters | None = None, engine_params: Parameters | None = None) -> list[Contender]:
    """Return the policies compared, in table order: baselines, then the oracle and the engine.

    `population` is the one parameter set of the "bkt-0.95-population" baseline
    (see population_parameters); `engine_params` the engine's (the app's defaults).
    """
    population = population or population_means()
    engine_params = engine_params or Parameters()
    rows = [
        Contender("fixed-sequence", BASELINES["fixed-sequence"], population, DECLARED["fixed-sequence"],
                  TrackedState, declares_any_time=True),
        Contender("3-in-a-row", BASELINES["3-in-a-row"], population, DECLARED["3-in-a-row"], TrackedState),
        Contender("4-of-5", BASELINES["4-of-5"], population, DECLARED["4-of-5"], TrackedState),
        Contender("bkt-0.95-population", BASELINES["bkt-0.95-population"], population,
                  DECLARED["bkt-0.95-population"], TrackedState, predicts=True),
        Contender(ORACLE, None, population, None, declares_any_time=True),
        Contender(ENGINE, POLICIES["adaptive"], engine_params, engine_declared, predicts=True, shadow=population),
    ]
    return rows


def after_help(state: LearnerState, skill_id: str) -> LearnerState:
    """Return the state once a tutor's help has been offered for a skill, whichever state class it is."""
    if hasattr(state, "after_help"):
        return state.after_help(skill_id)
    return replace(state, help_offered=state.help_offered | {skill_id})
