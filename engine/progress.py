"""Where a learner is in a module: the small state the engine keeps, and how it changes.

`LearnerState` is what the engine keeps for one learner in one module, updated
after each answer and each lesson read, so deciding what comes next never
replays the answer history. `replay` rebuilds it from the record when two
records are joined. What the learner does next is `engine.policies`; how far
they have got, for pages and gradebooks, is `engine.scoring`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Mapping

from .evidence import TASK_KIND, Shown
from .mastery import Parameters, SkillState, after_answer, after_help, after_lesson, new_state
from .model import Lesson, Question, Task

RECENT = 5  # questions remembered, so none comes back too soon


def _when(at: datetime | None) -> str | None:
    return at.isoformat() if at else None


def _parse_when(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


@dataclass(frozen=True)
class LearnerState:
    """What the engine keeps about one learner in one module."""

    module_id: str
    skills: Mapping[str, SkillState] = field(default_factory=dict)
    lessons_read: frozenset[str] = frozenset()
    results: Mapping[str, bool] = field(default_factory=dict)  # latest answer to each question
    recent: tuple[str, ...] = ()  # the last questions asked, newest last
    pending: tuple[str, ...] = ()  # misconceptions shown, whose lesson is not read yet
    misconceptions: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # by skill
    help_offered: frozenset[str] = frozenset()  # stuck skills a tutor's help was offered for
    answers: int = 0
    # The learner chose to start with the lessons: no quick checks to skip one, until they ask.
    lessons_first: bool = False
    # The gold review: a mixed set of questions on the whole module, answered without help.
    review_started: datetime | None = None  # set while a review is under way
    review_size: tuple[int, int] = (0, 0)  # (questions, right answers needed to pass)
    review_answers: tuple[tuple[str, str, bool], ...] = ()  # (question, skill, right), latest review
    review_passed: datetime | None = None
    review_failed: datetime | None = None
    # Practice tasks (engine.tasks): when each was first passed unaided, and how many times each was tried.
    tasks_passed: Mapping[str, datetime] = field(default_factory=dict)
    task_tries: Mapping[str, int] = field(default_factory=dict)

    def skill(self, skill_id: str, params: Parameters) -> SkillState:
        """Return the state of one skill (a fresh one if nothing is known yet)."""
        return self.skills.get(skill_id) or new_state(params.for_skill(skill_id))

    @property
    def started(self) -> bool:
        """Say whether the learner has done anything in the module."""
        return bool(self.lessons_read or self.answers or self.task_tries)

    @property
    def reviewing(self) -> bool:
        """Say whether a gold review is under way."""
        return self.review_started is not None

    def start_review(self, at: datetime, questions: int, right: int) -> "LearnerState":
        """Return the state with a new gold review under way."""
        return replace(self, review_started=at, review_size=(questions, right), review_answers=())

    def _after_review_answer(self, question: Question, correct: bool, at: datetime) -> "LearnerState":
        if not self.reviewing or any(q == question.id for q, _, _ in self.review_answers):
            return self
        answers = self.review_answers + ((question.id, question.skill, correct),)
        questions, needed = self.review_size
        if len(answers) < questions:
            return replace(self, review_answers=answers)
        passed = sum(right for _, _, right in answers) >= needed
        return replace(self, review_answers=answers, review_started=None,
                       review_passed=at if passed else self.review_passed,
                       review_failed=None if passed else at)

    def after_answer(self, question: Question, correct: bool, at: datetime, params: Parameters,
                     hints_used: int = 0, misconceptions: tuple[str, ...] = (),
                     helped: bool = False, dont_know: bool = False) -> "LearnerState":
        """Return the state after the learner answers a question (`dont_know`: "I don't know yet").

        A right answer given with someone's help shows nothing about what the learner
        can do alone, so it leaves the estimate as it was and does not count in a gold
        review; a skill under spaced review takes it as a review answered with help.
        Only a right answer with no hint and no help is evidence for the passport.
        """
        skill_params = params.for_skill(question.skill)
        before = self.skill(question.skill, params)
        guess = params.guess_for(question)
        if helped and correct:
            after = after_help(before, at)
        else:
            shown = Shown(question.id, question.kind, at, guess) if not hints_used else None
            after = after_answer(before, skill_params, guess, correct, at, hints_used,
                                 slip=params.slip_for(question), shown=shown, dont_know=dont_know)
        if not before.lesson_read:
            after = replace(after, placement_asked=before.placement_asked + 1,
                            placement_wrong=before.placement_wrong + int(not correct))
        seen = self.misconceptions.get(question.skill, ())
        help_offered = self.help_offered
        if after.attempts_without_progress == 0 and not (helped and correct):
            help_offered = help_offered - {question.skill}
        state = replace(
            self,
            skills={**self.skills, question.skill: after},
            results={**self.results, question.id: correct},
            recent=(self.recent + (question.id,))[-RECENT:],
            pending=tuple(dict.fromkeys(self.pending + tuple(misconceptions))),
            misconceptions={**self.misconceptions,
                            question.skill: tuple(dict.fromkeys(seen + tuple(misconceptions)))},
            help_offered=help_offered,
            answers=self.answers + 1,
        )
        return state if helped else state._after_review_answer(question, correct, at)

    def after_task(self, task: Task, passed: bool, at: datetime, params: Parameters,
                   helped: bool = False, misconceptions: tuple[str, ...] = ()) -> "LearnerState":
        """Return the state after the learner did a practice task: an answer on each of its skills.

        Most tasks are hard to pass by luck (`task.luck`, from its kind), so passing one unaided is strong
        evidence for every skill it shows; passing it with help, like a helped answer, shows nothing.
        A mistake that shows a mix-up leads to the lesson that fixes it, as a wrong answer's does.
        """
        skills = dict(self.skills)
        if not (helped and passed):
            for skill_id in task.skills:
                shown = Shown(task.id, TASK_KIND, at, task.luck) if not helped else None
                skills[skill_id] = after_answer(self.skill(skill_id, params), params.for_skill(skill_id), task.luck,
                                                passed, at, shown=shown)
        passed_unaided = passed and not helped and task.id not in self.tasks_passed
        return replace(
            self,
            skills=skills,
            tasks_passed={**self.tasks_passed, task.id: at} if passed_unaided else self.tasks_passed,
            task_tries={**self.task_tries, task.id: self.task_tries.get(task.id, 0) + 1},
            pending=tuple(dict.fromkeys(self.pending + tuple(misconceptions))),
        )

    def after_lesson(self, lesson: Lesson, at: datetime, params: Parameters) -> "LearnerState":
        """Return the state after the learner reads a lesson."""
        skills = dict(self.skills)
        for skill_id in lesson.skills:
            skills[skill_id] = after_lesson(self.skill(skill_id, params), params.for_skill(skill_id), at)
        return replace(
            self,
            skills=skills,
            lessons_read=self.lessons_read | {lesson.id},
            pending=tuple(tag for tag in self.pending if tag not in lesson.fixes),
            help_offered=self.help_offered - set(lesson.skills),
        )

    def choosing(self, lessons_first: bool) -> "LearnerState":
        """Return the state after the learner chose to start with the lessons, or to show what they know."""
        return replace(self, lessons_first=lessons_first)

    def after_help(self, skill_id: str) -> "LearnerState":
        """Return the state after the learner was pointed to a tutor for a skill."""
        return replace(self, help_offered=self.help_offered | {skill_id})

    def as_dict(self) -> dict:
        """Return the state as plain data, for storage."""
        return {
            "module_id": self.module_id,
            "skills": {k: v.as_dict() for k, v in self.skills.items()},
            "lessons_read": sorted(self.lessons_read),
            "results": dict(self.results),
            "recent": list(self.recent),
            "pending": list(self.pending),
            "misconceptions": {k: list(v) for k, v in self.misconceptions.items()},
            "help_offered": sorted(self.help_offered),
            "answers": self.answers,
            "lessons_first": self.lessons_first,
            "review_started": _when(self.review_started),
            "review_size": list(self.review_size),
            "review_answers": [list(a) for a in self.review_answers],
            "review_passed": _when(self.review_passed),
            "review_failed": _when(self.review_failed),
            "tasks_passed": {k: _when(v) for k, v in self.tasks_passed.items()},
            "task_tries": dict(self.task_tries),
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> "LearnerState":
        """Rebuild a state from stored data."""
        return cls(
            module_id=data["module_id"],
            skills={k: SkillState.from_dict(v) for k, v in data.get("skills", {}).items()},
            lessons_read=frozenset(data.get("lessons_read", ())),
            results=dict(data.get("results", {})),
            recent=tuple(data.get("recent", ())),
            pending=tuple(data.get("pending", ())),
            misconceptions={k: tuple(v) for k, v in data.get("misconceptions", {}).items()},
            help_offered=frozenset(data.get("help_offered", ())),
            answers=int(data.get("answers", 0)),
            lessons_first=bool(data.get("lessons_first", False)),
            review_started=_parse_when(data.get("review_started")),
            review_size=tuple(data.get("review_size", (0, 0))),
            review_answers=tuple((q, s, bool(r)) for q, s, r in data.get("review_answers", ())),
            review_passed=_parse_when(data.get("review_passed")),
            review_failed=_parse_when(data.get("review_failed")),
            tasks_passed={k: _parse_when(v) for k, v in (data.get("tasks_passed") or {}).items()},
            task_tries={k: int(v) for k, v in (data.get("task_tries") or {}).items()},
        )


@dataclass(frozen=True)
class Event:
    """One thing a learner did, for rebuilding a state from the record: a lesson read or an answer."""

    at: datetime
    lesson: Lesson | None = None
    question: Question | None = None
    correct: bool = False
    hints_used: int = 0
    misconceptions: tuple[str, ...] = ()
    helped: bool = False
    task: Task | None = None  # a practice task done; `correct` says whether it was passed
    dont_know: bool = False  # the answer was "I don't know yet"


def replay(module_id: str, events: list[Event], params: Parameters) -> LearnerState:
    """Rebuild a learner's state in a module from their record, oldest first.

    Used only when two records are joined (a guest signing in to their account); choosing
    the next step never replays. A lesson counts in its own module, or where it fixes a
    mix-up the learner has shown, as it did when it was read.
    """
    state = LearnerState(module_id)
    for event in sorted(events, key=lambda e: e.at):
        if event.question is not None and event.question.module_id == module_id:
            state = state.after_answer(event.question, event.correct, event.at, params, event.hints_used,
                                       event.misconceptions, event.helped, event.dont_know)
        elif event.task is not None and event.task.module_id == module_id:
            state = state.after_task(event.task, event.correct, event.at, params, event.helped, event.misconceptions)
        elif event.lesson is not None and (event.lesson.module_id == module_id
                                           or set(state.pending) & set(event.lesson.fixes)):
            state = state.after_lesson(event.lesson, event.at, params)
    return state
