"""How well a learner knows each skill: Bayesian knowledge tracing with forgetting.

For each skill the model keeps one number, the chance the learner knows it,
and updates it after every answer and every lesson read, so deciding what
comes next never replays the answer history.

The update for one answer (Corbett and Anderson's knowledge tracing):

    right:  P(know | right) = P(know)(1 - slip) / (P(know)(1 - slip) + (1 - P(know)) guess)
    wrong:  P(know | wrong) = P(know) slip / (P(know) slip + (1 - P(know))(1 - guess))
    then:   P(know) = P(know | answer) + (1 - P(know | answer)) learn

`guess` is how often someone who does not know the skill still gets the
question right. Real people are not random clickers: they rule options out,
know half of a sequence, or type the obvious number. So no kind of question is
trusted as nearly unguessable: a choice of k is 1 in k, and a tick-all, an
ordering or a typed answer is taken as at least `LEAST_GUESS` whatever the
arithmetic of random clicking says. A tutor can say a question is easier to
guess (`guess:` in its settings), and `flask engine fit` measures each
question's guess and slip from the answers learners really gave.

Between answers the estimate decays towards the prior with a half-life. A high
estimate alone never makes a skill mastered: `engine.evidence` says what else
must be shown. What a learner has shown is kept apart from what they may have
forgotten: once a skill is mastered (`mastered_at`), days passing never take
it away; a review card (`engine.schedule`) says when a quick question is due,
and only a wrong answer takes the level away.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Mapping

from . import evidence, schedule
from .evidence import HARD_TO_GUESS, Shown
from .model import Course, Question

MASTERED = 0.95
SECURE = 0.7
# Reading alone never takes an estimate past this: only answers show a skill is secure.
LESSON_CEILING = 0.6


@dataclass(frozen=True)
class SkillParams:
    """The model's parameters for one skill."""

    prior: float = 0.2  # chance a new learner already knows the skill
    learn: float = 0.15  # chance of learning it from practising one question
    slip: float = 0.1  # chance of getting it wrong while knowing it
    lesson_learn: float = 0.35  # chance of learning it from reading its lesson
    half_life_days: float = 45.0  # after this long unused, the estimate is half-way back to the prior

    def as_dict(self) -> dict:
        """Return the parameters as plain data."""
        return {"prior": self.prior, "learn": self.learn, "slip": self.slip,
                "lesson_learn": self.lesson_learn, "half_life_days": self.half_life_days}


DEFAULT_PARAMS = SkillParams()


# The least chance of a right answer without knowing the skill, by kind: ruling options out,
# knowing half of a sequence or typing the obvious answer beat random clicking by far.
LEAST_GUESS = {"multiple": 0.15, "ordering": 0.15, "typed": 0.1}


def default_guess(question: Question) -> float:
    """Return the chance of a right answer without knowing the skill, from the kind of question alone."""
    choices = len(question.choices)
    if question.kind in ("single", "true-false"):
        return 1.0 / max(choices, 2)
    if question.kind == "multiple":
        chance = 1.0 / max(2 ** choices - 1, 1)  # any non-empty set of the options could be ticked
    elif question.kind == "ordering":
        chance = 1.0 / math.factorial(max(choices, 2))
    else:
        chance = 0.0
    return max(chance, LEAST_GUESS.get(question.kind, 0.0))


def guess_rate(question: Question) -> float:
    """Return the chance of a right answer without knowing the skill: the tutor's word, else the kind's."""
    return question.guess if question.guess is not None else default_guess(question)


def hard_to_guess(guess: float) -> bool:
    """Say whether a right answer to a question this guessable is good evidence on its own."""
    return guess <= HARD_TO_GUESS


@dataclass(frozen=True)
class SkillState:
    """What the model believes about one learner and one skill."""

    p_known: float
    updated_at: datetime | None = None
    attempts: int = 0
    right: int = 0
    wrong_in_a_row: int = 0
    right_in_a_row: int = 0
    # Answers since the estimate last rose by a clear step: the wheel-spinning signal.
    attempts_without_progress: int = 0
    best: float = 0.0  # the highest estimate so far
    lesson_read: bool = False
    placement_asked: int = 0
    placement_wrong: int = 0  # wrong answers before the skill's lesson was read: placement it did not pass
    # When the skill came to count as mastered, evidence and all. Days passing never take it away
    # (the estimate falls, and a review falls due); a wrong answer does, until it is shown again.
    mastered_at: datetime | None = None
    shown: tuple[Shown, ...] = ()  # the questions answered right unaided: the evidence
    # When a quick review is due: made when the skill is first mastered, updated by every answer after.
    card: schedule.Card | None = None
    # When a mastered skill was last answered wrong, if it was: maybe a careless slip, so a second question
    # comes at once, and only a second wrong answer fails the review.
    slipped_at: datetime | None = None
    # Answers have put the skill at "secure": the level stays there until a wrong answer, even when a lesson
    # read or a right answer after weeks away stores the faded estimate below the line.
    shown_secure: bool = False

    def as_dict(self) -> dict:
        """Return the state as plain data, for storage."""
        data = self.__dict__.copy()
        for key in ("updated_at", "mastered_at", "slipped_at"):
            data[key] = data[key].isoformat() if data[key] else None
        data["shown"] = [s.as_list() for s in self.shown]
        data["card"] = self.card.as_list() if self.card else None
        return data

    @classmethod
    def from_dict(cls, data: Mapping) -> "SkillState":
        """Rebuild a state from stored data."""
        values = dict(data)
        for key in ("updated_at", "mastered_at", "slipped_at"):
            values[key] = datetime.fromisoformat(values[key]) if values.get(key) else None
        values["shown"] = tuple(Shown.from_list(s) for s in values.get("shown") or ())
        values["card"] = schedule.Card.from_list(values["card"]) if values.get("card") else None
        if "placement_wrong" not in values:
            # Stored before missed quick checks were kept: count one as the rule of the time did (more
            # quick checks than right answers), so a learner part-way through a topic goes on as before.
            values["placement_wrong"] = int(values.get("placement_asked", 0) > values.get("right", 0))
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in values.items() if k in known})


def new_state(params: SkillParams = DEFAULT_PARAMS) -> SkillState:
    """Return the state of a skill nobody has shown anything about yet."""
    return SkillState(p_known=params.prior, best=params.prior)


def estimate(state: SkillState, params: SkillParams, now: datetime | None) -> float:
    """Return the chance the learner knows the skill now, allowing for forgetting."""
    if state.updated_at is None or now is None or params.half_life_days <= 0:
        return state.p_known
    days = max((now - state.updated_at).total_seconds() / 86400.0, 0.0)
    floor = min(params.prior, state.p_known)
    return floor + (state.p_known - floor) * 0.5 ** (days / params.half_life_days)


def after_answer(state: SkillState, params: SkillParams, guess: float, correct: bool, at: datetime,
                 hints_used: int = 0, slip: float | None = None, shown: Shown | None = None,
                 dont_know: bool = False) -> SkillState:
    """Return the state after one answer; `shown` is the evidence it adds, if it was right and unaided.

    `dont_know` is the learner saying "I don't know yet": a wrong answer, but never a slip.
    """
    p = estimate(state, params, at)
    slip = params.slip if slip is None else slip
    if hints_used:
        # A right answer after hints says less: treat it as much easier to guess.
        guess = max(guess, 0.5)
    if correct:
        seen = p * (1 - slip) / (p * (1 - slip) + (1 - p) * guess)
    else:
        seen = p * slip / (p * slip + (1 - p) * (1 - guess))
    p_new = seen + (1 - seen) * params.learn
    # A right answer on one's own is always progress, never a step towards "stuck", even when
    # the estimate was high already; so is a right review answer, hint or not.
    reviewing = review_card(state) is not None
    progressed = p_new >= state.best + 0.05 or (correct and (shown is not None or reviewing))
    best = max(state.best, p_new)
    kept = evidence.add(state.shown, shown) if shown is not None and correct else state.shown
    # A first wrong answer on a mastered skill may be a slip: it is not a review yet, just a reason to ask again.
    # "I don't know yet" is not a slip: the learner has told us, so the review is failed at once rather than
    # asking a second question they expect to get wrong (and might guess).
    slip = not correct and not dont_know and is_mastered(state, params, at) and state.slipped_at is None
    mastered_at = state.mastered_at if slip else _mastered_at(state, p_new, kept, correct, at)
    # Only a wrong answer may take "secure" away: a right one after weeks away starts from the faded estimate,
    # and a guessable question right may leave it below the line, with nothing the learner could see go wrong.
    shown_secure = p_new >= SECURE or (correct and shows_secure(state))
    grade = schedule.rating(correct, hints_used)
    if correct and state.slipped_at is not None:
        grade = schedule.HARD  # right at the second try: recalled, but not easily
    return replace(
        state,
        p_known=p_new,
        updated_at=at,
        attempts=state.attempts + 1,
        right=state.right + int(correct),
        wrong_in_a_row=0 if correct else state.wrong_in_a_row + 1,
        right_in_a_row=state.right_in_a_row + 1 if correct else 0,
        attempts_without_progress=0 if progressed else state.attempts_without_progress + 1,
        best=best,
        shown=kept,
        mastered_at=mastered_at,
        card=state.card if slip else _card_after(state, mastered_at, grade, at),
        slipped_at=at if slip else None,
        shown_secure=shown_secure,
    )


def _mastered_at(state: SkillState, p_new: float, kept: tuple[Shown, ...], correct: bool, at: datetime):
    """Return when the skill counts as mastered from, after an answer: a wrong one is a failed review."""
    if not correct:
        return None
    if state.mastered_at is not None and evidence.enough(state.shown):
        return state.mastered_at
    return at if p_new >= MASTERED and evidence.enough(kept) else None


def review_card(state: SkillState) -> schedule.Card | None:
    """Return a skill's review card; a skill mastered before cards were kept gets one dated from its mastery."""
    if state.card is None and state.mastered_at is not None:
        return schedule.first(state.mastered_at)
    return state.card


def _card_after(state: SkillState, mastered_at: datetime | None, grade, at: datetime) -> schedule.Card | None:
    """Return the review card after an answer: every answer once the skill has a card, the first at mastery."""
    card = review_card(state)
    if card is not None:
        return schedule.review(card, grade, at)
    return schedule.first(at) if mastered_at is not None else None


def after_help(state: SkillState, at: datetime) -> SkillState:
    """Return the state after a right answer given with someone's help: the estimate and evidence stay as
    they were, but a skill under review takes it as a review answered with help."""
    card = review_card(state)
    if card is None:
        return state
    return replace(state, card=schedule.review(card, schedule.rating(True, helped=True), at))


def after_lesson(state: SkillState, params: SkillParams, at: datetime) -> SkillState:
    """Return the state after reading a lesson that teaches the skill.

    A lesson gives a fresh start on the skill (the run of wrong answers is
    forgotten), but reading alone cannot show the skill is known. It stores the
    faded estimate, which may be below "secure" after weeks away: the level the
    learner sees stays where their answers put it.
    """
    p = estimate(state, params, at)
    p_new = max(p, min(p + (1 - p) * params.lesson_learn, LESSON_CEILING))
    return replace(state, p_known=p_new, updated_at=at, lesson_read=True, wrong_in_a_row=0,
                   attempts_without_progress=0, best=max(state.best, p_new), shown_secure=shows_secure(state))


LEVELS = ("not started", "learning", "secure", "mastered")

LEVEL_MEANINGS = {
    "not started": "You have not tried this skill yet.",
    "learning": "You are still learning this. Practice will help.",
    "secure": "You know most of this. A little more practice will make it stick.",
    "mastered": "You have shown you can do this on your own, on more than one question. We will check back "
                "later with a quick question so you keep it. If you get one wrong, we ask one more: your level stays "
                "unless you get that one wrong too.",
}


def is_mastered(state: SkillState | None, params: SkillParams, now: datetime | None) -> bool:
    """Say whether a skill counts as mastered: shown with enough evidence while the estimate was high, and no
    answer wrong since. Days passing do not undo it: they make a review due (`due_for_review`)."""
    return state is not None and state.mastered_at is not None and evidence.enough(state.shown)


def due_for_review(state: SkillState | None, params: SkillParams, now: datetime | None) -> bool:
    """Say whether a mastered skill's quick review is due at `now`: its card says so, or it was just slipped on."""
    return is_mastered(state, params, now) and (state.slipped_at is not None
                                                or schedule.is_due(review_card(state), now))


def recall(state: SkillState | None, now: datetime | None) -> float:
    """Return the review card's chance that a mastered skill is recalled at `now`: the most faded come first,
    and a skill just answered wrong before any (0), so its second question comes at once."""
    if state is not None and state.slipped_at is not None:
        return 0.0
    return schedule.recall(review_card(state), now) if state is not None else 1.0


def shows_secure(state: SkillState) -> bool:
    """Say whether the level shown for a skill not mastered is "secure": answers put it there and no wrong one
    took it away (a state stored before `shown_secure` was kept reads it from its estimate)."""
    return state.shown_secure or state.p_known >= SECURE


def level(state: SkillState | None, params: SkillParams, now: datetime | None) -> str:
    """Return the level a learner sees for a skill: it moves with what they do, never with days passing.

    "Mastered" stays until a review is failed. Below it, the level is read from the estimate as the
    learner's last answer or lesson left it: forgetting brings practice and review back (the decayed
    estimate drives them), but a level the learner sees does not slide down while they are away.
    """
    if state is None or (state.attempts == 0 and not state.lesson_read):
        return "not started"
    if is_mastered(state, params, now):
        return "mastered"
    # A high estimate without the evidence behind it is "secure", not "mastered".
    return "secure" if shows_secure(state) else "learning"


@dataclass(frozen=True)
class Parameters:
    """The model's parameters: defaults, with per-skill settings and per-question measurements."""

    default: SkillParams = DEFAULT_PARAMS
    per_skill: Mapping[str, SkillParams] = field(default_factory=dict)
    # Question id -> {"guess": ..., "slip": ...}, measured by `flask engine fit` from real answers.
    per_question: Mapping[str, Mapping[str, float]] = field(default_factory=dict)

    def for_skill(self, skill_id: str) -> SkillParams:
        """Return the parameters for one skill."""
        return self.per_skill.get(skill_id, self.default)

    def guess_for(self, question: Question) -> float:
        """Return a question's guess chance: measured if it has been, else the tutor's or the kind's."""
        measured = self.per_question.get(question.id, {}).get("guess")
        return measured if measured is not None else guess_rate(question)

    def slip_for(self, question: Question) -> float:
        """Return a question's slip chance: measured if it has been, else its skill's."""
        measured = self.per_question.get(question.id, {}).get("slip")
        return measured if measured is not None else self.for_skill(question.skill).slip


def parameters_for(course: Course, default: SkillParams = DEFAULT_PARAMS) -> Parameters:
    """Return the model's parameters: the defaults, with each module's per-skill and per-question settings."""
    per_skill = {skill_id: replace(default, **values)
                 for module in course.modules for skill_id, values in module.parameters.items()}
    per_question = {question_id: dict(values)
                    for module in course.modules for question_id, values in module.question_parameters.items()}
    return Parameters(default, per_skill, per_question)
