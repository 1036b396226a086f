"""The Digital Skills Passport: which levels a learner has earned in a module, and what is left.

A module's rules (`Module.passport`, from its module.md) list the skills each
level adds. A level is earned when the level below it is held and its skills
are mastered: a high estimate, and evidence an employer would accept behind
each skill (`engine.evidence`: more than one question right unaided, one of
them hard to guess). In a topic with practice tasks, silver and gold also need one
task done unaided with no mistakes (`TASK_LEVELS`). Gold also needs a gold review: a mixed
set of questions on the whole module, started at least a few days after silver
and passed without help, so gold shows the learner kept what they learned.

The rules only read the engine's state; the app keeps the awards. An award,
once made, is kept even if estimates later fall: the learner is nudged to
review instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Mapping

from . import evidence as evidence_rule
from .evidence import Shown
from .mastery import Parameters, due_for_review, estimate
from .model import LEVEL_MEANINGS, LEVELS, Module, Skill
from .progress import LearnerState

RETRY_AFTER_DAYS = 1  # a failed gold review can be taken again after this long
# In a topic with practice tasks, these levels also need one task passed unaided: an employer reading
# silver or gold is told the person did the task, not only recognised the right answer.
TASK_LEVELS = ("silver", "gold")


@dataclass(frozen=True)
class Held:
    """A level the learner was awarded in a module."""

    awarded_at: datetime
    revoked: bool = False


@dataclass(frozen=True)
class SkillShown:
    """One skill a level needs, and how the learner stands in it."""

    skill: Skill
    estimate: float
    mastered_at: datetime | None  # since when the skill counts as mastered (None: not now)
    shown: tuple[Shown, ...] = ()  # the questions answered right unaided
    review_due: bool = False  # mastered, and its quick review has fallen due (engine.schedule)

    @property
    def mastered(self) -> bool:
        """Say whether the skill counts as mastered now: shown with enough evidence, and no review failed since."""
        return counts_as_mastered(self.mastered_at, self.shown)

    @property
    def fading(self) -> bool:
        """Say whether a mastered skill has gone unused long enough to be worth a quick review."""
        return self.mastered and self.review_due


@dataclass(frozen=True)
class ReviewStanding:
    """Where the learner is with a module's gold review."""

    questions: int
    right_needed: int
    after_days: int
    opens_at: datetime | None  # None until silver is held
    under_way: bool
    answered: int
    right: int
    passed_at: datetime | None
    failed_at: datetime | None
    skills_ready: bool  # the gold skills are mastered, so the review is worth taking

    def can_start(self, now: datetime) -> bool:
        """Say whether the learner may start the review now."""
        if self.passed_at or self.under_way or not self.skills_ready or self.opens_at is None:
            return False
        return now >= self.next_chance

    @property
    def next_chance(self) -> datetime | None:
        """Return when the review can next be started."""
        if self.opens_at is None:
            return None
        if self.failed_at is not None:
            return max(self.opens_at, self.failed_at + timedelta(days=RETRY_AFTER_DAYS))
        return self.opens_at


@dataclass(frozen=True)
class LevelStanding:
    """How a learner stands against one level of a module's passport."""

    level: str
    skills: tuple[SkillShown, ...]  # the skills this level adds
    held: Held | None
    below: str | None  # the level this one builds on
    below_held: bool
    review: ReviewStanding | None  # gold only
    # Silver and gold in a topic with practice tasks need one passed unaided (TASK_LEVELS).
    task_needed: bool = False
    tasks_passed: tuple[tuple[str, str, datetime], ...] = ()  # (task id, title, when): tasks passed unaided

    @property
    def missing(self) -> tuple[SkillShown, ...]:
        """Return the skills not mastered yet."""
        return tuple(s for s in self.skills if not s.mastered)

    @property
    def task_missing(self) -> bool:
        """Say whether the level still needs a practice task passed unaided."""
        return self.task_needed and not self.tasks_passed

    @property
    def met(self) -> bool:
        """Say whether the rule is met now."""
        review_ok = self.review is None or self.review.passed_at is not None
        return self.below_held and not self.missing and review_ok and not self.task_missing

    @property
    def valid(self) -> bool:
        """Say whether the level is held and not revoked."""
        return self.held is not None and not self.held.revoked

    def rule(self) -> str:
        """Say the rule in plain English."""
        names = "; ".join(s.skill.title for s in self.skills)
        parts = []
        if self.below:
            parts.append(f"get {self.below}")
        if names:
            parts.append(f"master {'this skill' if len(self.skills) == 1 else 'these skills'}: {names}")
        if self.task_needed:
            parts.append("do a practice task on your own with no mistakes")
        text = "To get {}: {}.".format(self.level, ", then ".join(parts) if parts else "finish the topic")
        if self.review is not None:
            days = self.review.after_days
            when = f"at least {days} day{'s' if days != 1 else ''} after silver" if days else "after silver"
            text += (f" Then, {when}, pass a gold review: get {self.review.right_needed} of "
                     f"{self.review.questions} questions right on your own.")
        return text


def counts_as_mastered(mastered_at: datetime | None, shown) -> bool:
    """Say whether a skill counts towards a level: mastered, on enough evidence, and no review failed since."""
    return mastered_at is not None and evidence_rule.enough(shown)


def _task_needed(module: Module, level: str) -> bool:
    return bool(module.tasks) and level in TASK_LEVELS


def _skill(module: Module, skill_id: str) -> Skill:
    return next(s for s in module.skills if s.id == skill_id)


def standing(module: Module, state: LearnerState, params: Parameters, held: Mapping[str, Held],
             now: datetime) -> tuple[LevelStanding, ...]:
    """Return how the learner stands against each level of the module's passport."""
    rules = module.passport
    result: list[LevelStanding] = []
    for index, level in enumerate(LEVELS):
        shown = []
        for skill_id in rules.skills_for(level):
            skill_state = state.skill(skill_id, params)
            skill_params = params.for_skill(skill_id)
            shown.append(SkillShown(_skill(module, skill_id), estimate(skill_state, skill_params, now),
                                    skill_state.mastered_at, skill_state.shown,
                                    due_for_review(skill_state, skill_params, now)))
        below = LEVELS[index - 1] if index else None
        below_held = below is None or (below in held and not held[below].revoked)
        review = None
        if level == LEVELS[-1]:
            silver = held.get(below) if below else None
            opens = silver.awarded_at + timedelta(days=rules.review_after_days) if silver and not silver.revoked else None
            review = ReviewStanding(
                questions=rules.review_questions, right_needed=rules.review_right,
                after_days=rules.review_after_days, opens_at=opens, under_way=state.reviewing,
                answered=len(state.review_answers), right=sum(r for _, _, r in state.review_answers),
                passed_at=state.review_passed if opens and state.review_passed and state.review_passed >= opens else None,
                failed_at=state.review_failed,
                skills_ready=all(s.mastered for s in shown),
            )
        tasks_passed = tuple((task.id, task.title, state.tasks_passed[task.id]) for task in module.tasks
                             if task.id in state.tasks_passed)
        result.append(LevelStanding(level, tuple(shown), held.get(level), below, below_held, review,
                                    _task_needed(module, level), tasks_passed))
    return tuple(result)


def due_levels(module: Module, state: LearnerState, params: Parameters, held: Mapping[str, Held],
               now: datetime) -> list[str]:
    """Return the levels to award now, lowest first: met and never awarded before."""
    held = dict(held)
    due: list[str] = []
    for level in LEVELS:
        if level in held:
            continue
        level_standing = next(s for s in standing(module, state, params, held, now) if s.level == level)
        if not level_standing.met:
            break
        due.append(level)
        held[level] = Held(now)
    return due


def any_within_reach(module: Module, state: LearnerState, params: Parameters) -> bool:
    """Say whether any level's own rule (its skills, task and review) is met, whatever is held.

    When none is, `due_levels` is empty whatever the learner holds, so the awards need not be read.
    """
    rules = module.passport
    for level in LEVELS:
        if level == LEVELS[-1] and state.review_passed is None:
            continue
        if _task_needed(module, level) and not any(t.id in state.tasks_passed for t in module.tasks):
            continue
        skills = (state.skill(skill_id, params) for skill_id in rules.skills_for(level))
        if all(counts_as_mastered(s.mastered_at, s.shown) for s in skills):
            return True
    return False


def evidence(level_standing: LevelStanding, state: LearnerState) -> dict:
    """Return what the learner showed to earn a level, as plain data to keep with the award."""
    data: dict = {"skills": [{"id": s.skill.id, "title": s.skill.title, "estimate": round(s.estimate, 3),
                              "mastered_at": s.mastered_at.isoformat() if s.mastered_at else None,
                              "answers": evidence_rule.as_data(s.shown),
                              "summary": evidence_rule.describe(s.shown)}
                             for s in level_standing.skills]}
    if level_standing.task_needed:
        data["tasks"] = [{"id": task_id, "title": title, "passed_at": at.isoformat(), "unaided": True}
                         for task_id, title, at in level_standing.tasks_passed]
    review = level_standing.review
    if review is not None and review.passed_at is not None:
        data["review"] = {"passed_at": review.passed_at.isoformat(), "questions": len(state.review_answers),
                          "right": sum(r for _, _, r in state.review_answers)}
    return data


def levels_above(level: str) -> tuple[str, ...]:
    """Return the levels that build on this one: revoking it withdraws them too."""
    return LEVELS[LEVELS.index(level) + 1:] if level in LEVELS else ()


def level_meaning(level: str, topic: str) -> str:
    """Say in a few short sentences what a level in a topic means, for someone checking it."""
    text = f"{level.capitalize()} means this person showed every {level} skill in {topic} on their own."
    if level != LEVELS[0]:
        text += f" They already held {LEVELS[LEVELS.index(level) - 1]}."
    text += (" For each skill they got at least two different questions right without help. A pretend practice "
             "task done alone can count as one of them. At least one of them could not be guessed.")
    if level == LEVELS[-1]:
        text += " Some days later they passed a mixed review of the whole topic, with no help."
    return text + (f" {level.capitalize()} is the “{LEVEL_MEANINGS.get(level, level)}” level of the UK Essential "
                   "Digital Skills Framework.")


def next_move(standings: tuple[LevelStanding, ...], now: datetime) -> str:
    """Say in one line what the learner can do next towards their passport in this module."""
    for level_standing in standings:
        if level_standing.held is not None:
            continue
        if level_standing.missing:
            names = ", ".join(f"“{s.skill.title}”" for s in level_standing.missing[:2])
            more = " and more" if len(level_standing.missing) > 2 else ""
            return f"Next: practise {names}{more} to get {level_standing.level}."
        if level_standing.task_missing:
            return f"Next: do a practice task on your own, with no mistakes, to get {level_standing.level}."
        review = level_standing.review
        if review is not None and review.passed_at is None:
            if review.under_way:
                return (f"Next: finish your gold review ({review.answered} of {review.questions} "
                        "questions done).")
            chance = review.next_chance
            if chance is not None and now < chance:
                return f"Next: your gold review opens on {chance:%A} {chance.day} {chance:%B}. Come back then."
            return "Next: take your gold review."
        return f"Next: {level_standing.level} is on its way."
    fading = [s for ls in standings for s in ls.skills if s.fading]
    if fading:
        return f"All levels done. Keep them fresh: review “{fading[0].skill.title}”."
    return "All levels done. Well done."
