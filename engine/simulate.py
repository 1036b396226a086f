"""Simulated learners with a known hidden state, to benchmark the adaptive engine.

The generator is knowledge tracing run forwards. Each simulated learner has, for
every skill, a hidden true state: known or not. From that state it answers the
real course's questions, reads its lessons, learns and forgets, with parameters
drawn for the learner from one of five learner types. A policy only ever sees
what the app would see (the answers, right or wrong, and the misconceptions of
the options chosen); the simulator knows the truth, so it can say whether a
skill the policy declared mastered was really learned.

One learner, one skill:

    start:     known with chance `prior` (never, on the skill a stuck learner is stuck on)
    answer:    right with chance 1 - slip if known, else the population's luck on the
               question (engine.populations: random clicking, partial knowledge, ...)
    then:      unknown -> known with chance `learn` (the feedback teaches)
    lesson:    unknown -> known with chance `lesson_learn`, for each skill it teaches
    forgetting known -> unknown: still known after t days with chance 0.5 ** (t / half_life)
    stuck:     on one skill, tied to one misconception that a remedial lesson fixes, the
               learner cannot learn until they read that lesson; a wrong answer picks the
               option carrying a misconception when the question has one

Time: a question takes one minute, a lesson its `minutes`. Learners study in
sittings of 20 to 45 minutes with 1 to 7 days between them, so forgetting and
the engine's reviews have time to matter.

Everything is seeded: a learner is a pure function of (seed, index), and its
state in a module of (seed, index, module), so every policy meets the same
learners.

Here: the simulated learner, and runs of learners through a module. The rest
has its own module: learner_types, wrong_answers, population_fit, contenders
(with the oracle), predictions, tallies and decision_cost.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from time import perf_counter_ns
from typing import Iterable, Sequence

from .baselines import measured_skills
from .contenders import ENGINE, ORACLE, Contender, after_help, contenders, engine_parameters, oracle_policy
from .decision_cost import decision_cost, stored_answers_state
from .learner_types import (
    GAP_DAYS,
    LEARNER_TYPES,
    MINUTES_PER_QUESTION,
    SITTING_MINUTES,
    START,
    TYPES_BY_NAME,
    Traits,
    learner_traits,
    population_means,
    stuck_pairs,
)
from .mastery import Parameters
from .model import Course, Lesson, Module, Question
from .population_fit import Event, fit_parameters, guess, log_likelihood
from .populations import DEFAULT_POPULATION, Population
from .policies import Situation
from .predictions import Predictions, auc, predicted_right
from .progress import LearnerState
from .tallies import Tally
from .wrong_answers import wrong_answer, wrong_answer_tags

# The benchmark and its tests use the simulation through this module (as `sim.`), so all of it is named here.
__all__ = [
    "ENGINE", "GAP_DAYS", "LEARNER_TYPES", "MINUTES_PER_QUESTION", "ORACLE", "SITTING_MINUTES", "START", "STEP_CAP",
    "STUCK_PICKS_ANY_TAG", "Predictions", "SimulatedLearner", "Tally", "Traits", "auc", "contenders",
    "decision_cost", "engine_parameters", "fit_parameters", "learner_traits", "log_likelihood", "population_means",
    "population_parameters", "run_session", "simulate", "stored_answers_state", "stuck_pairs", "wrong_answer",
    "wrong_answer_tags",
]

STEP_CAP = 200  # steps (lessons, questions, help) per learner and module before the run is cut off
# A stuck learner answering wrong picks an option carrying a misconception: their own if the question has
# it, else (when True) any other one. False: only their own, else a wrong answer like anybody's.
# Kept beside SimulatedLearner, which reads it: the benchmark switches it by setting `simulate.STUCK_PICKS_ANY_TAG`.
STUCK_PICKS_ANY_TAG = True


# --- one learner in one module ------------------------------------------------------


class SimulatedLearner:
    """The hidden truth about one learner in one module, and how they answer and learn."""

    def __init__(self, course: Course, module: Module, traits: Traits, seed: int | str,
                 population: Population = DEFAULT_POPULATION):
        self.course = course
        self.module = module
        self.traits = traits
        self.population = population
        self.placement = False  # answering a quick question offered to skip a lesson
        self.skills = measured_skills(course, module)
        init = random.Random(f"{seed}:{traits.index}:{module.id}:start")
        self.rng = random.Random(f"{seed}:{traits.index}:{module.id}:run")
        self.time_rng = random.Random(f"{seed}:{traits.index}:{module.id}:time")
        self.stuck_tag: str | None = None
        self.stuck_skill: str | None = None
        if TYPES_BY_NAME[traits.kind].stuck:
            pairs = stuck_pairs(course, module)
            if pairs:
                self.stuck_tag, self.stuck_skill = init.choice(pairs)
        self.unblocked = self.stuck_tag is None
        self.known = {s: (s != self.stuck_skill and init.random() < traits.prior) for s in self.skills}
        self.known_at_start = dict(self.known)
        self.clock = 0.0  # minutes since the start, gaps between sittings included
        self.active = 0.0  # minutes spent on lessons and questions
        self.checked = {s: 0.0 for s in self.skills}
        self.sitting_end = traits.sitting_minutes
        self.gap = 0.0  # minutes until the next sitting, once the current one is over
        self.lessons_read: set[str] = set()

    # time and forgetting

    @property
    def now(self) -> datetime:
        """Return the simulated date and time."""
        return START + timedelta(minutes=self.clock)

    def spend(self, minutes: float) -> None:
        """Move the clock on by the time an activity takes; a sitting that is over ends with a gap."""
        self.clock += minutes
        self.active += minutes
        if self.clock >= self.sitting_end and not self.gap:
            self.gap = self.time_rng.uniform(*GAP_DAYS) * 1440.0

    @property
    def upcoming(self) -> datetime:
        """Return the time of the next step: some days later if the sitting is over."""
        return START + timedelta(minutes=self.clock + self.gap)

    def start_step(self) -> None:
        """Begin the next step, coming back for a new sitting if the last one is over."""
        if self.gap:
            self.clock += self.gap
            self.gap = 0.0
            self.sitting_end = self.clock + self.traits.sitting_minutes

    def knows(self, skill_id: str) -> bool:
        """Say whether the learner knows a skill now, letting forgetting act since the last look."""
        if skill_id not in self.known:
            return False
        if self.known[skill_id]:
            days = (self.clock - self.checked[skill_id]) / 1440.0
            if days > 0 and self.rng.random() >= 0.5 ** (days / self.traits.half_life_days):
                self.known[skill_id] = False
        self.checked[skill_id] = self.clock
        return self.known[skill_id]

    def blocked(self, skill_id: str) -> bool:
        """Say whether the learner cannot learn a skill yet (stuck, remedial lesson unread)."""
        return not self.unblocked and skill_id == self.stuck_skill

    def _learn(self, skill_id: str, chance: float) -> None:
        if skill_id in self.known and not self.knows(skill_id) and not self.blocked(skill_id):
            if self.rng.random() < chance:
                self.known[skill_id] = True

    # what the learner does

    def read(self, lesson: Lesson) -> None:
        """Read a lesson: it may put the misconception right, and may teach its skills."""
        if self.stuck_tag is not None and self.stuck_tag in lesson.fixes:
            self.unblocked = True
        for skill_id in lesson.skills:
            self._learn(skill_id, self.traits.lesson_learn)
        self.lessons_read.add(lesson.id)
        self.spend(float(lesson.minutes))

    def p_right(self, question: Question) -> float:
        """Return the true chance of answering right now (the generator's own prediction)."""
        return self.population.chance(question, self.knows(question.skill), self.traits.slip, self.placement)

    def answer(self, question: Question) -> tuple[bool, tuple[str, ...]]:
        """Answer a question: whether it was right, and the misconceptions of the options chosen."""
        chance = self.p_right(question)
        correct = self.rng.random() < chance
        stuck_here = self.blocked(question.skill)
        tags = () if correct else wrong_answer_tags(question, self.rng, self.stuck_tag if stuck_here else None,
                                                    STUCK_PICKS_ANY_TAG)
        self._learn(question.skill, self.traits.learn)
        self.spend(MINUTES_PER_QUESTION)
        return correct, tags


# --- the fitting sample, for the population's parameters -------------------------------

FIT_LEARNERS = 250  # learners per module in the fitting sample
_FITTED: dict[tuple, Parameters] = {}


def fitting_sample(course: Course, seed: int, learners: int = FIT_LEARNERS,
                   modules: Sequence[Module] | None = None) -> list[list[Event]]:
    """Return one event sequence per learner and skill: learners apart from the benchmark's own
    (seed "fit:<seed>") reading every path lesson and answering every one of its questions in order."""
    sequences: list[list[Event]] = []
    for module in modules or course.modules:
        for index in range(learners):
            traits = learner_traits(f"fit:{seed}", index)
            learner = SimulatedLearner(course, module, traits, f"fit:{seed}")
            events: dict[str, list[Event]] = {s: [] for s in learner.skills}
            for lesson in module.path_lessons:
                learner.start_step()
                learner.read(lesson)
                for skill_id in lesson.skills:
                    if skill_id in events:
                        events[skill_id].append((learner.clock / 1440.0, -1.0, False))
                for question in lesson.questions:
                    if question.skill not in events:
                        continue
                    learner.start_step()
                    at = learner.clock / 1440.0
                    correct, _ = learner.answer(question)
                    events[question.skill].append((at, guess(question), correct))
            sequences.extend(seq for seq in events.values() if seq)
    return sequences


def population_parameters(course: Course | None = None, seed: int = 1) -> Parameters:
    """Return one set of knowledge-tracing parameters for everybody, fitted to a separate sample of learners.

    Fitted by maximum likelihood to the answers of simulated learners (not the
    benchmark's own) who read every lesson and answer every question in order.
    The half-life stays at the engine's default. Without a course, the
    generator's population means.
    """
    if course is None:
        return population_means()
    key = (id(course), seed)
    if key not in _FITTED:
        fitted = fit_parameters(fitting_sample(course, seed))
        _FITTED[key] = Parameters(default=fitted)
    return _FITTED[key]


# --- the session loop ------------------------------------------------------------------


@dataclass
class SkillRecord:
    """What happened to one skill of one learner in one run."""

    known_at_start: bool
    questions: int = 0
    questions_while_known: int = 0
    declared_after: int | None = None  # questions on the skill when it was declared mastered
    declared_minutes: float | None = None  # active minutes since the module started
    declared_truly_known: bool | None = None
    known_at_end: bool = False


@dataclass
class Session:
    """One learner's run through one module under one policy."""

    policy: str
    module_id: str
    learner: int
    kind: str
    questions: int = 0
    lessons: int = 0
    minutes: float = 0.0
    helps: int = 0
    capped: bool = False
    skills: dict[str, SkillRecord] = field(default_factory=dict)
    stuck_skill: str | None = None
    stuck_tag: str | None = None
    route_questions: int | None = None  # questions on the stuck skill before the remedial lesson
    help_questions: int | None = None  # ... before the remedial lesson or a tutor, whichever came first
    decision_ns: int = 0
    decisions: int = 0
    bronze_skills: int = 0  # the module's bronze skills that are measured
    bronze_after: int | None = None  # questions in the module when the last bronze skill was declared


def run_session(course: Course, module: Module, traits: Traits, contender: Contender, seed: int,
                predictions: dict[str, Predictions] | None = None, cap: int = STEP_CAP,
                time_decisions: bool = False, population: Population = DEFAULT_POPULATION) -> Session:
    """Run one learner through one module under one policy, and record what happened."""
    learner = SimulatedLearner(course, module, traits, seed, population)
    choose = contender.choose or oracle_policy(learner)
    params = contender.params
    state = contender.state_class(module.id)
    shadow = LearnerState(module.id) if contender.shadow is not None and predictions is not None else None
    session = Session(contender.name, module.id, traits.index, traits.kind,
                      stuck_skill=learner.stuck_skill, stuck_tag=learner.stuck_tag)
    records = {s: SkillRecord(known_at_start=learner.known_at_start[s]) for s in learner.skills}
    session.skills = records
    measured = set(records)
    fixes = set(course.remedies.get(learner.stuck_tag, ())) if learner.stuck_tag else set()
    bronze = [s for s in module.passport.skills_for("bronze") if s in records]
    session.bronze_skills = len(bronze)

    def declare(skill_id: str, now: datetime) -> None:
        record = records.get(skill_id)
        if record is None or record.declared_after is not None:
            return
        if contender.declared is None:  # the oracle declares a skill when it is truly known
            if not learner.knows(skill_id):
                return
        elif not contender.declared(Situation(course, module, state, now, params), skill_id):
            return
        record.declared_after = record.questions
        record.declared_minutes = learner.active
        record.declared_truly_known = learner.knows(skill_id)
        if (bronze and session.bronze_after is None
                and all(records[s].declared_after is not None for s in bronze)):
            session.bronze_after = session.questions

    if contender.declared is None:
        for skill_id in records:
            declare(skill_id, learner.now)

    for _ in range(cap):
        now = learner.upcoming
        situation = Situation(course, module, state, now, params)
        if time_decisions:
            t0 = perf_counter_ns()
            step = choose(situation)
            session.decision_ns += perf_counter_ns() - t0
        else:
            step = choose(situation)
        session.decisions += 1
        if step.kind == "done":
            break
        learner.start_step()
        touched: Iterable[str] = ()
        if step.kind == "lesson":
            lesson = course.lessons[step.lesson_id]
            if lesson.id in fixes and session.route_questions is None:
                routed_at = records[learner.stuck_skill].questions
                session.route_questions = routed_at
                if session.help_questions is None:
                    session.help_questions = routed_at
            learner.read(lesson)
            state = state.after_lesson(lesson, now, params)
            if shadow is not None:
                shadow = shadow.after_lesson(lesson, now, contender.shadow)
            session.lessons += 1
            touched = lesson.skills
        elif step.kind == "question":
            question = course.questions[step.question_id]
            skill_id = question.skill
            known = learner.knows(skill_id)
            learner.placement = step.purpose == "placement"
            if predictions is not None:
                p_model = predicted_right(state, params, question, now)
                truth = learner.p_right(question)
            correct, tags = learner.answer(question)
            learner.placement = False
            if predictions is not None:
                predictions.setdefault(contender.name, Predictions()).add(p_model, correct)
                if shadow is not None:
                    p_shadow = predicted_right(shadow, contender.shadow, question, now)
                    predictions.setdefault("population BKT on the engine's answers", Predictions()).add(
                        p_shadow, correct)
                    predictions.setdefault("generator's true chance (ceiling)", Predictions()).add(truth, correct)
            state = state.after_answer(question, correct, now, params, misconceptions=tags)
            if shadow is not None:
                shadow = shadow.after_answer(question, correct, now, contender.shadow, misconceptions=tags)
            session.questions += 1
            if skill_id in measured:
                record = records[skill_id]
                record.questions += 1
                record.questions_while_known += known
            touched = (skill_id,)
        elif step.kind == "help":
            session.helps += 1
            if step.skill_id is None:
                break
            if step.skill_id == learner.stuck_skill and session.help_questions is None:
                session.help_questions = records[learner.stuck_skill].questions
            state = after_help(state, step.skill_id)
        else:
            raise ValueError(f"unknown step kind {step.kind!r}")
        for skill_id in (records if contender.declares_any_time else touched):
            declare(skill_id, now)
    else:
        session.capped = True
    for skill_id in records:
        records[skill_id].known_at_end = learner.knows(skill_id)
    session.minutes = learner.active
    return session


def simulate(course: Course, contender: Contender, module: Module, learners: Iterable[int], seed: int,
             time_decisions: bool = False, population: Population = DEFAULT_POPULATION
             ) -> tuple[dict[str, Tally], dict[str, Predictions]]:
    """Run learners through a module under one policy; return tallies (overall and by type) and predictions."""
    tallies: dict[str, Tally] = {}
    predictions: dict[str, Predictions] = {}
    for index in learners:
        traits = learner_traits(seed, index)
        session = run_session(course, module, traits, contender, seed,
                              predictions if contender.predicts else None, time_decisions=time_decisions,
                              population=population)
        for key in ("all", f"type:{traits.kind}", f"module:{module.id}"):
            tallies.setdefault(key, Tally()).add(session)
    return tallies, predictions
