"""The course as immutable values: modules, lessons, skills and questions.

Everything here is built once by the loader and then only read, so web requests
and the adaptive engine can share one course object without locks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping

from .evidence import TASK_GUESS

AREAS = (
    "Communicating",
    "Handling information and content",
    "Transacting",
    "Problem solving",
    "Being safe and legal online",
)

LEVELS = ("bronze", "silver", "gold")

# What each passport level means in the Essential Digital Skills Framework.
LEVEL_MEANINGS = {
    "bronze": "Foundation",
    "silver": "Skills for life",
    "gold": "Skills for work",
}

QUESTION_KINDS = ("single", "multiple", "true-false", "typed", "ordering")


@dataclass(frozen=True)
class Source:
    """Where something was written: a file and a line, for error messages."""

    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class Problem:
    """Something wrong in a content file, said so a tutor can fix it."""

    path: str
    line: int
    message: str
    severity: str = "error"  # "error" leaves the file out; "warning" does not

    def __str__(self) -> str:
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{self.path}:{self.line}: {prefix}{self.message}"


@dataclass(frozen=True)
class Option:
    """One answer a learner can choose, type or put in order."""

    key: str  # stable within its question: "a", "b", ...
    text: str
    correct: bool
    feedback_html: str = ""
    misconception: str | None = None
    # Typed questions only: "[ ] *" gives feedback for any answer not listed.
    catch_all: bool = False


@dataclass(frozen=True)
class Question:
    """A quiz question that tests one skill."""

    id: str
    kind: str
    skill: str
    prompt_html: str
    options: tuple[Option, ...]
    hints: tuple[str, ...]  # HTML, revealed one at a time
    lesson_id: str
    module_id: str
    source: Source
    # The tutor's word on how often someone who does not know the skill gets it right anyway
    # (`guess:` in the question's settings); None: judged from the kind of question.
    guess: float | None = None

    def option(self, key: str) -> Option | None:
        """Return the option with this key, or None."""
        for option in self.options:
            if option.key == key:
                return option
        return None

    @property
    def correct_options(self) -> tuple[Option, ...]:
        """Return the options marked right, in the order written."""
        return tuple(o for o in self.options if o.correct)

    @property
    def choices(self) -> tuple[Option, ...]:
        """Return the options a learner chooses from (typed catch-alls aside)."""
        return tuple(o for o in self.options if not o.catch_all)


@dataclass(frozen=True)
class TaskFeedback:
    """What to tell a learner about one kind of mistake in a practice task, and the mix-up behind it."""

    mistake: str
    html: str
    misconception: str | None = None


@dataclass(frozen=True)
class Task:
    """A pretend practice task, such as a sign-up form or an inbox to sort, that shows skills by doing them.

    `scenario` is whatever its kind (`engine.tasks`) read from the task file: the kind alone looks inside it.
    """

    id: str
    kind: str
    title: str
    skills: tuple[str, ...]
    module_id: str
    intro_html: str
    scenario: object
    feedback: Mapping[str, TaskFeedback]  # mistake -> what the learner is told, as the tutor wrote it
    source: Source
    luck: float = TASK_GUESS  # the chance of passing by choosing at random, as its kind works it out


@dataclass(frozen=True)
class GlossaryWord:
    """A word a beginner may not know, with a plain explanation."""

    slug: str  # for the page address of its explanation: "password-manager"
    word: str
    forms: tuple[str, ...]  # the word and its other forms, as written
    html: str


@dataclass(frozen=True)
class Lesson:
    """A short piece of teaching, followed by its quiz."""

    id: str
    title: str
    module_id: str
    skills: tuple[str, ...]
    area: str
    level: str
    minutes: int
    prerequisites: tuple[str, ...]
    fixes: tuple[str, ...]
    body_html: str
    questions: tuple[Question, ...]
    source: Source
    images: tuple[str, ...] = ()  # paths relative to the module folder
    words: tuple[GlossaryWord, ...] = ()  # glossary words explained on this lesson's page, in order of use

    @property
    def is_remedial(self) -> bool:
        """Say whether this lesson exists to put a misconception right."""
        return bool(self.fixes)


@dataclass(frozen=True)
class Skill:
    """Something a learner can do, taught by lessons and tested by questions."""

    id: str
    title: str
    module_id: str


@dataclass(frozen=True)
class PassportRules:
    """What a learner must show in a module to earn each passport level.

    Each level needs the level below it, the skills listed for it mastered, and,
    for gold, a mixed review of the module passed on their own some days after silver.
    """

    skills: Mapping[str, tuple[str, ...]]  # level -> skills that level adds
    review_questions: int = 6
    review_right: int = 5
    review_after_days: int = 3

    def skills_for(self, level: str) -> tuple[str, ...]:
        """Return the skills a level adds to the one below it."""
        return tuple(self.skills.get(level, ()))


@dataclass(frozen=True)
class Module:
    """A topic, such as online banking: a folder of lessons."""

    id: str
    title: str
    summary: str
    order: int
    intro_html: str
    skills: tuple[Skill, ...]
    lessons: tuple[Lesson, ...]  # main path first, in prerequisite order, then remedial
    folder: str
    source: Source
    glossary: tuple[GlossaryWord, ...] = ()
    # Per-skill settings of the mastery model, from parameters.md: skill id -> {name: value}.
    parameters: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    # Per-question measurements from parameters.md: question id -> {"guess": ..., "slip": ...}.
    question_parameters: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    passport: PassportRules = field(default_factory=lambda: PassportRules({}))
    tasks: tuple[Task, ...] = ()  # pretend practice tasks, from the module's tasks/ folder

    def task(self, task_id: str) -> Task | None:
        """Return the module's task with this id, or None."""
        return next((task for task in self.tasks if task.id == task_id), None)

    @property
    def path_lessons(self) -> tuple[Lesson, ...]:
        """Return the lessons every learner works through, in order."""
        return tuple(lesson for lesson in self.lessons if not lesson.is_remedial)

    @property
    def extra_help(self) -> tuple[Lesson, ...]:
        """Return the lessons that put misconceptions right."""
        return tuple(lesson for lesson in self.lessons if lesson.is_remedial)

    @property
    def minutes(self) -> int:
        """Return the estimated time of the main path."""
        return sum(lesson.minutes for lesson in self.path_lessons)

    @property
    def question_count(self) -> int:
        """Return how many questions the module has."""
        return sum(len(lesson.questions) for lesson in self.lessons)


def _frozen(mapping: dict) -> Mapping:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True)
class Course:
    """Every module that loaded, with indexes to find things by id."""

    modules: tuple[Module, ...]
    problems: tuple[Problem, ...] = ()
    lessons: Mapping[str, Lesson] = field(default_factory=dict)
    questions: Mapping[str, Question] = field(default_factory=dict)
    skills: Mapping[str, Skill] = field(default_factory=dict)
    tasks: Mapping[str, Task] = field(default_factory=dict)
    # misconception tag -> ids of the lessons that fix it
    remedies: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def build(cls, modules: list[Module], problems: list[Problem]) -> "Course":
        """Make a course and its indexes from loaded modules."""
        ordered = tuple(sorted(modules, key=lambda m: (m.order, m.id)))
        lessons = {lesson.id: lesson for m in ordered for lesson in m.lessons}
        questions = {q.id: q for lesson in lessons.values() for q in lesson.questions}
        skills = {s.id: s for m in ordered for s in m.skills}
        tasks = {t.id: t for m in ordered for t in m.tasks}
        remedies: dict[str, list[str]] = {}
        for lesson in lessons.values():
            for tag in lesson.fixes:
                remedies.setdefault(tag, []).append(lesson.id)
        return cls(
            modules=ordered,
            problems=tuple(problems),
            lessons=_frozen(lessons),
            questions=_frozen(questions),
            skills=_frozen(skills),
            tasks=_frozen(tasks),
            remedies=_frozen({k: tuple(v) for k, v in remedies.items()}),
        )

    def module(self, module_id: str) -> Module | None:
        """Return the module with this id, or None."""
        for module in self.modules:
            if module.id == module_id:
                return module
        return None

    @property
    def errors(self) -> tuple[Problem, ...]:
        """Return the problems that left something out of the course."""
        return tuple(p for p in self.problems if p.severity == "error")

    @property
    def warnings(self) -> tuple[Problem, ...]:
        """Return the problems that did not."""
        return tuple(p for p in self.problems if p.severity == "warning")
