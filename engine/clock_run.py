"""One learner's weeks under one policy: the course in sittings, a long gap, then the retention check.

The course: the topics in order, each under the policy until it says "done"
(or `STEP_CAP` steps), in sittings of the learner's few steps with days between
them. Every sitting starts with the reviews the policy offers across the course
(the engine's home page: `engine.reviews.reviews_due`). After the course, a long
gap of 30 to 90 days with a short sitting every 10 to 30 days: reviews, then
whatever each topic's next step is. At the end of the gap, each skill the policy
calls mastered is checked against what the learner really knows.

The level the learner sees for every skill is looked at when each sitting
starts, after every step on the skill, and at the end; a drop with no wrong
answer on the skill since the last look is a level that fell for no reason the
learner can see.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Sequence

from .clock_contenders import MASTERED_RANK, ClockContender
from .clock_learner import ClockLearner
from .contenders import after_help, oracle_policy
from .forgetting import Forgetting
from .learner_types import Traits
from .model import Course, Module
from .policies import Situation, Step
from .populations import DEFAULT_POPULATION, Population

STEP_CAP = 200  # steps per topic in the course before the run of that topic is cut off


def breakdown_key(purpose: str, in_gap: bool, second: bool) -> str:
    """Return where a question went: in the course or the gap, for what, and whether it followed a slip."""
    when = "gap" if in_gap else "course"
    if purpose == "review":
        return f"{when} review, {'second question' if second else 'first question'}"
    return f"{when} {purpose or 'question'}"


@dataclass
class SkillWeeks:
    """What happened to one skill of one learner over the weeks."""

    known_at_start: bool
    questions: int = 0
    reviews: int = 0
    called_at_end: bool = False  # the policy calls it mastered at the end of the gap
    known_at_end: bool = False
    ever_known: bool = False
    # Where its questions went, for the breakdown (`breakdown_key`): not a metric of the targets.
    spent: Counter = field(default_factory=Counter)


@dataclass
class Weeks:
    """One learner's run under one policy, course and gap."""

    policy: str
    learner: int
    kind: str
    skills: dict[str, SkillWeeks] = field(default_factory=dict)
    questions: int = 0
    reviews: int = 0
    lessons: int = 0
    helps: int = 0
    sittings: int = 0
    gap_sittings: int = 0
    capped_topics: int = 0
    course_days: float = 0.0
    gap_days: float = 0.0
    drops: int = 0  # the level shown for a skill went down
    drops_unexplained: int = 0  # ... with no wrong answer on the skill since the last look
    mastered_lost: int = 0  # "mastered" went down
    mastered_lost_unexplained: int = 0


class _Run:
    """The moving parts of one learner's weeks under one policy."""

    def __init__(self, course: Course, modules: Sequence[Module], learner: ClockLearner, contender: ClockContender,
                 weeks: Weeks):
        self.course, self.modules, self.learner, self.contender, self.weeks = course, modules, learner, contender, weeks
        self.params = contender.params
        self.states = {m.id: contender.state_class(m.id) for m in modules}
        self.module_of = {s: m for m in modules for s in learner.skills_of[m.id]}
        self.choosers = {m.id: contender.choose or oracle_policy(learner.in_module(m)) for m in modules}
        self.shown = {s: 0 for s in self.module_of}
        self.wrong_since = set()
        self.oracle_calls = {s for s in self.module_of if contender.declared is None and learner.knows(s)}
        self.steps_left = learner.calendar.steps_per_sitting
        self.in_gap = False

    def situation(self, module: Module) -> Situation:
        """Return what the policy sees in a topic now."""
        return Situation(self.course, module, self.states[module.id], self.learner.now, self.params)

    def look(self, skill_ids) -> None:
        """Compare the level shown for each skill with the last look."""
        if self.contender.shown is None:
            return
        for skill_id in skill_ids:
            rank = self.contender.shown(self.situation(self.module_of[skill_id]), skill_id)
            before = self.shown[skill_id]
            if rank < before:
                explained = skill_id in self.wrong_since
                self.weeks.drops += 1
                self.weeks.drops_unexplained += not explained
                if before == MASTERED_RANK:
                    self.weeks.mastered_lost += 1
                    self.weeks.mastered_lost_unexplained += not explained
            self.shown[skill_id] = rank
            self.wrong_since.discard(skill_id)

    def sitting(self, days: float) -> None:
        """Come back after some days: a new sitting, the levels looked at, the policy's reviews first."""
        self.learner.wait(days)
        self.steps_left = self.learner.calendar.steps_per_sitting
        self.weeks.sittings += 1
        self.weeks.gap_sittings += self.in_gap
        self.look(self.module_of)
        if self.contender.reviews is None:
            return
        while self.steps_left > 0:
            # One at a time, asking again after each answer, as the app's reviews page does: a wrong
            # answer's second question comes next.
            due = self.contender.reviews(self.course, self.states, self.params, self.learner.now)
            if not due:
                return
            self.take(due[0])

    def take(self, step: Step) -> bool:
        """Take one step; return False when it ends the topic (a help step with nothing to practise)."""
        learner, weeks = self.learner, self.weeks
        module = self.course.module(step.module_id)
        state, now = self.states[module.id], learner.now
        self.steps_left -= 1
        touched: tuple[str, ...] = ()
        if step.kind == "lesson":
            lesson = self.course.lessons[step.lesson_id]
            learner.read(lesson)
            state = state.after_lesson(lesson, now, self.params)
            weeks.lessons += 1
            touched = lesson.skills
        elif step.kind == "question":
            question = self.course.questions[step.question_id]
            before = state.skills.get(question.skill)
            second = before is not None and before.slipped_at is not None
            correct, tags, _ = learner.answer(question, placement=step.purpose == "placement")
            state = state.after_answer(question, correct, now, self.params, misconceptions=tags)
            review = step.purpose == "review" or self.in_gap
            weeks.questions += 1
            weeks.reviews += review
            record = weeks.skills.get(question.skill)
            if record is not None:
                record.questions += 1
                record.reviews += review
                record.spent[breakdown_key(step.purpose, self.in_gap, second)] += 1
                if step.purpose == "review":
                    record.spent[f"review {'second' if second else 'first'} {'right' if correct else 'wrong'}"] += 1
            if not correct:
                self.wrong_since.add(question.skill)
            touched = (question.skill,)
        elif step.kind == "help":
            weeks.helps += 1
            if step.skill_id is None:
                return False
            state = after_help(state, step.skill_id)
        else:
            raise ValueError(f"unknown step kind {step.kind!r}")
        self.states[module.id] = state
        measured = [s for s in touched if s in self.module_of]
        if self.contender.declared is None:
            self.oracle_calls |= {s for s in measured if learner.knows(s)}
        self.look(measured)
        return True

    def topic(self, module: Module, cap: int) -> str:
        """Work on one topic until it is done, the sitting ends ("sitting") or the cap is reached ("capped")."""
        choose = self.choosers[module.id]
        for _ in range(cap):
            if self.steps_left <= 0:
                return "sitting"
            step = choose(self.situation(module))
            if step.kind == "done" or not self.take(step):
                return "done"
        return "capped"

    def called(self, skill_id: str) -> bool:
        """Say whether the policy calls a skill mastered now."""
        if self.contender.declared is None:
            return skill_id in self.oracle_calls
        return self.contender.declared(self.situation(self.module_of[skill_id]), skill_id)


def run_weeks(course: Course, modules: Sequence[Module], traits: Traits, contender: ClockContender, seed: int,
              forgetting: Forgetting, population: Population = DEFAULT_POPULATION, cap: int = STEP_CAP) -> Weeks:
    """Run one learner through the course and the gap after it under one policy, and record what happened."""
    learner = ClockLearner(course, modules, traits, seed, forgetting, population)
    weeks = Weeks(contender.name, traits.index, traits.kind)
    weeks.skills = {s: SkillWeeks(known_at_start=k) for s, k in learner.known_at_start.items()}
    run = _Run(course, modules, learner, contender, weeks)
    run.sitting(0.0)
    for module in modules:
        used = 0
        while True:
            before = weeks.questions + weeks.lessons + weeks.helps
            outcome = run.topic(module, cap - used)
            used += weeks.questions + weeks.lessons + weeks.helps - before
            if outcome == "sitting" and used < cap:
                run.sitting(learner.next_gap())
                continue
            weeks.capped_topics += outcome != "done"
            break
    course_end = learner.day
    weeks.course_days = course_end
    run.in_gap = True
    calendar = learner.calendar
    end = course_end + calendar.long_gap_days
    while learner.day + calendar.comeback_days < end:
        run.sitting(calendar.comeback_days)
        for module in modules:
            if run.topic(module, run.steps_left) == "sitting":
                break
    learner.wait(end - learner.day)
    weeks.gap_days = calendar.long_gap_days
    run.look(run.module_of)
    for skill_id, record in weeks.skills.items():
        record.called_at_end = run.called(skill_id)
        record.known_at_end = learner.knows(skill_id)
        record.ever_known = skill_id in learner.ever_known
    return weeks
