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
"""

from __future__ import annotations

import math
import random
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from time import perf_counter_ns
from typing import Callable, Iterable, Sequence

from .answers import Answer, mark
from .baselines import BASELINES, DECLARED, TrackedState, measured_skills, skill_questions
from . import mastery
from .mastery import Parameters, SkillParams, estimate, guess_rate, is_mastered
from .model import Course, Lesson, Module, Question
from .populations import DEFAULT_POPULATION, Population
from .policies import POLICIES, Situation, Step
from .progress import LearnerState

START = datetime(2026, 1, 5, 9, 0)
MINUTES_PER_QUESTION = 1.0
STEP_CAP = 200  # steps (lessons, questions, help) per learner and module before the run is cut off
SITTING_MINUTES = (20.0, 45.0)
GAP_DAYS = (1.0, 7.0)
ROUTE_WITHIN = 6  # the target: stuck learners reach the remedial lesson within this many questions
# A stuck learner answering wrong picks an option carrying a misconception: their own if the question has
# it, else (when True) any other one. False: only their own, else a wrong answer like anybody's.
STUCK_PICKS_ANY_TAG = True


# --- learner types --------------------------------------------------------------------


@dataclass(frozen=True)
class LearnerType:
    """A kind of learner: its share of the population and the ranges its parameters are drawn from."""

    name: str
    share: float
    prior: tuple[float, float]  # chance of knowing each skill before starting
    lesson_learn: tuple[float, float]  # chance of learning a skill from reading its lesson
    learn: tuple[float, float]  # chance of learning a skill from one question and its feedback
    slip: tuple[float, float]  # chance of a wrong answer while knowing the skill
    half_life_days: tuple[float, float]  # forgetting
    stuck: bool = False  # stuck on one skill until the remedial lesson for a misconception is read
    description: str = ""


LEARNER_TYPES: tuple[LearnerType, ...] = (
    LearnerType("already-knows", 0.20, (0.85, 1.00), (0.50, 0.90), (0.20, 0.40), (0.03, 0.10), (30, 120),
                description="has used these skills before: knows most skills at the start"),
    LearnerType("fast", 0.25, (0.05, 0.30), (0.50, 0.90), (0.25, 0.45), (0.03, 0.10), (30, 120),
                description="new to most skills, learns quickly from lessons and feedback"),
    LearnerType("slow", 0.25, (0.00, 0.15), (0.10, 0.30), (0.04, 0.12), (0.05, 0.12), (10, 45),
                description="new to most skills, learns slowly and forgets sooner"),
    LearnerType("stuck", 0.10, (0.05, 0.25), (0.30, 0.60), (0.10, 0.25), (0.03, 0.10), (20, 90), stuck=True,
                description="holds one misconception and cannot learn that skill until its remedial lesson"),
    LearnerType("careless", 0.20, (0.05, 0.30), (0.30, 0.70), (0.10, 0.30), (0.20, 0.35), (20, 90),
                description="learns normally but often slips: many wrong answers on skills they know"),
)

TYPES_BY_NAME = {t.name: t for t in LEARNER_TYPES}


def _mid(span: tuple[float, float]) -> float:
    return (span[0] + span[1]) / 2


def population_means() -> Parameters:
    """Return the generator's population means of each parameter, one set for everybody.

    Not a good knowledge-tracing model of the population: the learners who keep
    answering are the slow ones, so mean learning rates overstate learning.
    `population_parameters` fits a set instead.
    """
    def mean(attr: str) -> float:
        return sum(t.share * _mid(getattr(t, attr)) for t in LEARNER_TYPES)

    return Parameters(default=SkillParams(prior=round(mean("prior"), 3), learn=round(mean("learn"), 3),
                                          slip=round(mean("slip"), 3), lesson_learn=round(mean("lesson_learn"), 3),
                                          half_life_days=round(mean("half_life_days"), 1)))


@dataclass(frozen=True)
class Traits:
    """One simulated person: the same in every module and for every policy."""

    index: int
    kind: str
    prior: float
    lesson_learn: float
    learn: float
    slip: float
    half_life_days: float
    sitting_minutes: float


_GUESS: dict[str, tuple[Question, float]] = {}


def guess(question: Question) -> float:
    """Return engine.mastery.guess_rate(question), remembered by question id."""
    cached = _GUESS.get(question.id)
    if cached is None or cached[0] is not question:
        cached = (question, guess_rate(question))
        _GUESS[question.id] = cached
    return cached[1]


def draw_type(rng: random.Random) -> LearnerType:
    """Draw a learner type by its share."""
    x = rng.random()
    total = 0.0
    for kind in LEARNER_TYPES:
        total += kind.share
        if x < total:
            return kind
    return LEARNER_TYPES[-1]


def learner_traits(seed: int | str, index: int, kind: str | None = None) -> Traits:
    """Return learner number `index` of the population drawn with `seed` (or of a given type)."""
    rng = random.Random(f"{seed}:{index}:traits")
    chosen = draw_type(rng)
    if kind is not None:
        chosen = TYPES_BY_NAME[kind]
    u = rng.uniform
    return Traits(index=index, kind=chosen.name, prior=u(*chosen.prior), lesson_learn=u(*chosen.lesson_learn),
                  learn=u(*chosen.learn), slip=u(*chosen.slip), half_life_days=u(*chosen.half_life_days),
                  sitting_minutes=u(*SITTING_MINUTES))


def stuck_pairs(course: Course, module: Module) -> list[tuple[str, str]]:
    """Return the (misconception, skill) pairs a learner can be stuck on in a module.

    A pair is a misconception carried by a wrong option of a question on the skill,
    for which some lesson in the course is written to put it right.
    """
    pairs: dict[tuple[str, str], None] = {}
    skills = set(measured_skills(course, module))
    for lesson in module.lessons:
        for question in lesson.questions:
            if question.skill not in skills:
                continue
            for option in question.options:
                tag = option.misconception
                if tag and not option.correct and course.remedies.get(tag):
                    pairs[(tag, question.skill)] = None
    return list(pairs)


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


def wrong_answer(question: Question, rng: random.Random, holds: str | None = None,
                 any_tag: bool = True) -> Answer:
    """Return a wrong answer to a question, as the app would receive it.

    A learner holding a misconception (`holds`) picks a wrong option that carries
    a misconception when the question has one, their own first, else (with
    `any_tag`) another one (for a multiple choice, ticks it among random others);
    anybody else picks uniformly among the wrong answers: another option, a set
    of ticks that is not the right set, a listed wrong typed answer or something
    unlisted, a wrong order.
    """
    choices = question.choices
    if question.kind == "ordering":
        keys = [o.key for o in choices]
        right = tuple(keys)
        while tuple(keys) == right and len(keys) > 1:
            rng.shuffle(keys)
        return Answer(keys=tuple(keys))
    wrong = [o for o in choices if not o.correct]
    tagged = [o for o in wrong if o.misconception]
    favourite = None
    if holds is not None and tagged:
        favourite = next((o for o in tagged if o.misconception == holds), tagged[0] if any_tag else None)
    if question.kind in ("single", "true-false"):
        option = favourite or rng.choice(wrong)
        return Answer(keys=(option.key,))
    if question.kind == "multiple":
        right_set = frozenset(i for i, o in enumerate(choices) if o.correct)
        n = len(choices)
        while True:  # a uniformly random non-empty set of ticks that is not the right set
            bits = rng.getrandbits(n)
            ticked = frozenset(i for i in range(n) if bits >> i & 1)
            if ticked and ticked != right_set:
                break
        if favourite is not None:
            ticked = ticked | {choices.index(favourite)}
        return Answer(keys=tuple(o.key for i, o in enumerate(choices) if i in ticked))
    # typed: a wrong answer written in the question, or something unlisted (the catch-all's feedback)
    if favourite is not None:
        return Answer(typed=favourite.text)
    option = rng.choice(wrong + [None])
    return Answer(typed=option.text if option is not None else "something else entirely")


def wrong_answer_tags(question: Question, rng: random.Random, holds: str | None = None,
                      any_tag: bool = True) -> tuple[str, ...]:
    """Choose a wrong answer (see `wrong_answer`) and return the misconceptions marking finds in it."""
    return mark(question, wrong_answer(question, rng, holds, any_tag)).misconceptions


# --- population parameters, fitted ----------------------------------------------------------

FIT_LEARNERS = 250  # learners per module in the fitting sample
FIT_BOUNDS = {"prior": (0.01, 0.9), "learn": (0.01, 0.6), "slip": (0.01, 0.4), "lesson_learn": (0.01, 0.95)}
_FITTED: dict[tuple, Parameters] = {}

Event = tuple[float, float, bool]  # (days since the start, guess rate or -1 for a lesson, right)


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


def log_likelihood(sequences: Iterable[list[Event]], params: SkillParams) -> float:
    """Return the log-likelihood of the answers under knowledge tracing.

    The same equations as engine.mastery's estimate, after_lesson and
    after_answer, written out on plain floats because fitting replays them
    millions of times; a unit test checks the two agree.
    """
    prior, learn, slip, lesson_learn = params.prior, params.learn, params.slip, params.lesson_learn
    half_life = params.half_life_days
    ceiling = getattr(mastery, "LESSON_CEILING", 1.0)  # reading alone takes the estimate no higher
    total = 0.0
    for events in sequences:
        p = prior
        last = None
        for at, g, correct in events:
            if last is not None and half_life > 0 and at > last:
                floor = prior if prior < p else p
                p = floor + (p - floor) * 0.5 ** ((at - last) / half_life)
            last = at
            if g < 0:
                p = max(p, min(p + (1 - p) * lesson_learn, ceiling))
                continue
            right = p * (1 - slip) + (1 - p) * g
            if correct:
                total += math.log(right)
                seen = p * (1 - slip) / right
            else:
                total += math.log(1 - right)
                seen = p * slip / (1 - right)
            p = seen + (1 - seen) * learn
    return total


def fit_parameters(sequences: list[list[Event]], start: SkillParams | None = None, rounds: int = 3) -> SkillParams:
    """Fit prior, learn, slip and lesson_learn by maximum likelihood (coordinate-wise golden-section search)."""
    params = start or SkillParams()
    ratio = (math.sqrt(5) - 1) / 2
    for _ in range(rounds):
        for name, (lo, hi) in FIT_BOUNDS.items():
            def score(x: float) -> float:
                return log_likelihood(sequences, replace(params, **{name: x}))
            a, b = lo, hi
            c, d = b - ratio * (b - a), a + ratio * (b - a)
            fc, fd = score(c), score(d)
            while b - a > 0.004:
                if fc > fd:
                    b, d, fd = d, c, fc
                    c = b - ratio * (b - a)
                    fc = score(c)
                else:
                    a, c, fc = c, d, fd
                    d = a + ratio * (b - a)
                    fd = score(d)
            params = replace(params, **{name: round((a + b) / 2, 3)})
    return params


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


# --- the oracle ----------------------------------------------------------------------


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


# --- prediction quality -----------------------------------------------------------------


class Predictions:
    """Predicted chances of a right answer against what happened: AUC, log loss, calibration."""

    BINS = 10

    def __init__(self) -> None:
        self.by_value: Counter = Counter()  # (rounded prediction, outcome) -> count
        self.n = 0
        self.log_loss_sum = 0.0
        self.brier_sum = 0.0
        self.bin_n = [0] * self.BINS
        self.bin_pred = [0.0] * self.BINS
        self.bin_right = [0] * self.BINS

    def add(self, p: float, right: bool) -> None:
        """Record one prediction and its outcome."""
        self.by_value[(round(p, 4), right)] += 1
        self.n += 1
        q = min(max(p, 1e-6), 1 - 1e-6)
        self.log_loss_sum -= math.log(q if right else 1 - q)
        self.brier_sum += (p - right) ** 2
        b = min(int(p * self.BINS), self.BINS - 1)
        self.bin_n[b] += 1
        self.bin_pred[b] += p
        self.bin_right[b] += right

    def merge(self, other: "Predictions") -> None:
        """Add another set of predictions to this one."""
        self.by_value.update(other.by_value)
        self.n += other.n
        self.log_loss_sum += other.log_loss_sum
        self.brier_sum += other.brier_sum
        for b in range(self.BINS):
            self.bin_n[b] += other.bin_n[b]
            self.bin_pred[b] += other.bin_pred[b]
            self.bin_right[b] += other.bin_right[b]

    def auc(self) -> float:
        """Return the area under the ROC curve (ties, to 4 decimals, count half)."""
        values = sorted({v for v, _ in self.by_value})
        positives = sum(c for (v, r), c in self.by_value.items() if r)
        negatives = self.n - positives
        if not positives or not negatives:
            return float("nan")
        below = 0
        total = 0.0
        for v in values:
            pos, neg = self.by_value.get((v, True), 0), self.by_value.get((v, False), 0)
            total += pos * (below + neg / 2)
            below += neg
        return total / (positives * negatives)

    def summary(self) -> dict:
        """Return the figures as plain data."""
        bins = []
        ece = 0.0
        for b in range(self.BINS):
            n = self.bin_n[b]
            if not n:
                continue
            pred, seen = self.bin_pred[b] / n, self.bin_right[b] / n
            ece += n * abs(pred - seen)
            bins.append({"bin": f"{b / self.BINS:.1f}-{(b + 1) / self.BINS:.1f}", "n": n,
                         "predicted": round(pred, 4), "observed": round(seen, 4)})
        n = max(self.n, 1)
        return {"answers": self.n, "auc": round(self.auc(), 4), "log_loss": round(self.log_loss_sum / n, 4),
                "brier": round(self.brier_sum / n, 4), "calibration_error": round(ece / n, 4),
                "calibration": bins}


def auc(predictions: Sequence[float], outcomes: Sequence[bool]) -> float:
    """Return the rank-based AUC (Mann-Whitney) of predictions against outcomes, ties counted half."""
    pairs = sorted(zip(predictions, outcomes))
    positives = sum(1 for _, o in pairs if o)
    negatives = len(pairs) - positives
    if not positives or not negatives:
        return float("nan")
    rank_sum = 0.0
    i = 0
    while i < len(pairs):
        j = i
        while j < len(pairs) and pairs[j][0] == pairs[i][0]:
            j += 1
        mid_rank = (i + 1 + j) / 2  # ranks i+1 .. j share their average
        rank_sum += mid_rank * sum(1 for _, o in pairs[i:j] if o)
        i = j
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


def predicted_right(state: LearnerState, params: Parameters, question: Question, now: datetime) -> float:
    """Return a model's chance of a right answer: P(know)(1 - slip) + (1 - P(know)) guess."""
    skill_params = params.for_skill(question.skill)
    p = estimate(state.skill(question.skill, params), skill_params, now)
    return p * (1 - params.slip_for(question)) + (1 - p) * params.guess_for(question)


# --- contenders and the session loop ------------------------------------------------------


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


def _after_help(state: LearnerState, skill_id: str) -> LearnerState:
    if hasattr(state, "after_help"):
        return state.after_help(skill_id)
    return replace(state, help_offered=state.help_offered | {skill_id})


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
            state = _after_help(state, step.skill_id)
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


# --- summarising many sessions ----------------------------------------------------------------


def percentile(counts: Counter, fraction: float, missing: int = 0) -> float:
    """Return a percentile of counted values; `missing` values count as infinitely large."""
    total = sum(counts.values()) + missing
    if total == 0:
        return float("nan")
    rank = max(1, math.ceil(fraction * total))
    seen = 0
    for value in sorted(counts):
        seen += counts[value]
        if seen >= rank:
            return float(value)
    return float("inf")


class Tally:
    """Sums and distributions over many sessions of one policy."""

    def __init__(self) -> None:
        self.sessions = 0
        self.questions = 0
        self.minutes = 0.0
        self.lessons = 0
        self.helps = 0
        self.help_sessions = 0
        self.capped = 0
        self.session_questions: Counter = Counter()
        self.pairs = 0
        self.declared = 0
        self.false_declared = 0
        self.to_declare_q: Counter = Counter()
        self.to_declare_min: Counter = Counter()
        self.knower_pairs = 0
        self.knower_questions = 0
        self.while_known = 0
        self.learned_end = 0
        self.stuck = 0
        self.route_q: Counter = Counter()
        self.help_q: Counter = Counter()
        self.decision_ns = 0
        self.decisions = 0
        self.single_answer_calls = 0
        self.knower_declared = 0
        self.knower_to_declare = 0  # questions on a skill known at the start, until it was declared
        self.bronze_reached = 0
        self.bronze_answers: Counter = Counter()
        self.bronze_ratio: Counter = Counter()  # answers to bronze per bronze skill, to a tenth

    def add(self, session: Session) -> None:
        """Count one session."""
        self.sessions += 1
        self.questions += session.questions
        self.minutes += session.minutes
        self.lessons += session.lessons
        self.helps += session.helps
        self.help_sessions += session.helps > 0
        self.capped += session.capped
        self.session_questions[session.questions] += 1
        self.decision_ns += session.decision_ns
        self.decisions += session.decisions
        if session.bronze_after is not None:
            self.bronze_reached += 1
            self.bronze_answers[session.bronze_after] += 1
            self.bronze_ratio[round(session.bronze_after / max(session.bronze_skills, 1), 1)] += 1
        for record in session.skills.values():
            self.pairs += 1
            if record.declared_after is not None:
                self.declared += 1
                self.single_answer_calls += record.declared_after <= 1
                self.false_declared += not record.declared_truly_known
                self.to_declare_q[record.declared_after] += 1
                self.to_declare_min[round(record.declared_minutes)] += 1
            if record.known_at_start:
                self.knower_pairs += 1
                self.knower_questions += record.questions
                if record.declared_after is not None:
                    self.knower_declared += 1
                    self.knower_to_declare += record.declared_after
            self.while_known += record.questions_while_known
            self.learned_end += record.known_at_end
        if session.stuck_skill is not None:
            self.stuck += 1
            if session.route_questions is not None:
                self.route_q[session.route_questions] += 1
            if session.help_questions is not None:
                self.help_q[session.help_questions] += 1

    def merge(self, other: "Tally") -> None:
        """Add another tally to this one."""
        for key, value in other.__dict__.items():
            if isinstance(value, Counter):
                getattr(self, key).update(value)
            else:
                setattr(self, key, getattr(self, key) + value)

    def summary(self) -> dict:
        """Return the metrics as plain data."""
        def ratio(a, b):
            return a / b if b else float("nan")

        undeclared = self.pairs - self.declared
        stuck_never = self.stuck - sum(self.route_q.values())
        help_never = self.stuck - sum(self.help_q.values())
        within = sum(c for q, c in self.route_q.items() if q <= ROUTE_WITHIN)
        help_within = sum(c for q, c in self.help_q.items() if q <= ROUTE_WITHIN)
        return {
            "sessions": self.sessions,
            "questions_per_module": ratio(self.questions, self.sessions),
            "questions_per_module_p50": percentile(self.session_questions, 0.5),
            "questions_per_module_p90": percentile(self.session_questions, 0.9),
            "minutes_per_module": ratio(self.minutes, self.sessions),
            "lessons_per_module": ratio(self.lessons, self.sessions),
            "help_steps_per_module": ratio(self.helps, self.sessions),
            "sent_to_tutor_share": ratio(self.help_sessions, self.sessions),
            "capped_share": ratio(self.capped, self.sessions),
            "skill_pairs": self.pairs,
            "declared_share": ratio(self.declared, self.pairs),
            "questions_to_mastery_p50": percentile(self.to_declare_q, 0.5, undeclared),
            "questions_to_mastery_p90": percentile(self.to_declare_q, 0.9, undeclared),
            "minutes_to_mastery_p50": percentile(self.to_declare_min, 0.5, undeclared),
            "minutes_to_mastery_p90": percentile(self.to_declare_min, 0.9, undeclared),
            "false_mastery": ratio(self.false_declared, self.declared),
            "knower_pairs": self.knower_pairs,
            "knower_questions": ratio(self.knower_questions, self.knower_pairs),
            "questions_while_known": ratio(self.while_known, self.pairs),
            "learned_at_end": ratio(self.learned_end, self.pairs),
            "stuck_learners": self.stuck,
            "stuck_routed_within_6": ratio(within, self.stuck),
            "stuck_route_p50": percentile(self.route_q, 0.5, stuck_never),
            "stuck_route_p90": percentile(self.route_q, 0.9, stuck_never),
            "stuck_never_routed": ratio(stuck_never, self.stuck),
            "stuck_help_within_6": ratio(help_within, self.stuck),
            "stuck_help_p50": percentile(self.help_q, 0.5, help_never),
            "decision_us": ratio(self.decision_ns, self.decisions) / 1000 if self.decisions else float("nan"),
            "decisions": self.decisions,
            "questions_per_skill": ratio(self.questions, self.pairs),
            "single_answer_calls": ratio(self.single_answer_calls, self.declared),
            "knower_questions_to_mastery": ratio(self.knower_to_declare, self.knower_declared),
            "bronze_reached_share": ratio(self.bronze_reached, self.sessions),
            "answers_to_bronze_p50": percentile(self.bronze_answers, 0.5),
            "answers_to_bronze_min": min(self.bronze_answers) if self.bronze_answers else float("nan"),
            "answers_per_bronze_skill_min": min(self.bronze_ratio) if self.bronze_ratio else float("nan"),
        }


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
            state = _after_help(state, skill_id)
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
