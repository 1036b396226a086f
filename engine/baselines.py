"""Simple policies to compare the adaptive engine with, registered by name in `BASELINES`.

Each is a function of a `Situation`, like the engine's policies, and each has a
rule for when it calls a skill mastered, in `DECLARED`:

- "fixed-sequence": every lesson on the path, then the same 10-question quiz for
  everybody. A skill counts as mastered when at least 80% of its quiz questions
  are right.
- "3-in-a-row": each lesson, then its skills' questions in turn until three in a
  row are right on each (Kolibri's default exercise mastery).
- "4-of-5": the same, until 4 of the last 5 answers on the skill are right.
- "bkt-0.95-population": the same, until knowledge tracing (engine.mastery, with
  one set of population parameters, passed in as `situation.params`) puts the
  skill at 0.95.

None of them tests before a lesson, routes to remedial lessons or reviews. The
three practice rules give up on a skill after `GIVE_UP_AFTER` questions, as a
teacher would move a learner on; without that, a stuck learner would practise
until the run is cut off.

The fixed quiz and "4-of-5" need each skill's recent answers, which
`LearnerState` does not keep, so they run on `TrackedState`, which adds them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Callable, Mapping

from .mastery import Parameters, estimate
from .model import Course, Module, Question
from .policies import Situation, Step
from .progress import LearnerState

GIVE_UP_AFTER = 20  # questions on one skill before a practice rule moves on without mastery
QUIZ_LENGTH = 10
QUIZ_PASS = 0.8
KEEP_ANSWERS = 10  # answers remembered for each skill
BKT_MASTERED = 0.95

_CACHE: dict[int, tuple[Course, dict]] = {}


def _index(course: Course) -> dict:
    cached = _CACHE.get(id(course))
    if cached is None or cached[0] is not course:
        by_skill: dict[str, list[Question]] = {}
        for question in course.questions.values():
            by_skill.setdefault(question.skill, []).append(question)
        cached = (course, {"by_skill": {k: tuple(v) for k, v in by_skill.items()}, "measured": {}, "quiz": {},
                           "path": {}})
        _CACHE[id(course)] = cached
    return cached[1]


def skill_questions(course: Course, skill_id: str) -> tuple[Question, ...]:
    """Return every question on a skill, in the order the course lists them."""
    return _index(course)["by_skill"].get(skill_id, ())


def measured_skills(course: Course, module: Module) -> tuple[str, ...]:
    """Return the module's skills that some question tests: the ones mastery can be measured on."""
    measured = _index(course)["measured"]
    if module.id not in measured:
        measured[module.id] = tuple(s.id for s in module.skills if skill_questions(course, s.id))
    return measured[module.id]


def path_lessons(course: Course, module: Module) -> tuple:
    """Return the module's path lessons (remembered: the property builds a new tuple each time)."""
    paths = _index(course)["path"]
    if module.id not in paths:
        paths[module.id] = module.path_lessons
    return paths[module.id]


def fixed_quiz(course: Course, module: Module) -> tuple[Question, ...]:
    """Return the module's fixed quiz: up to 10 questions, taking each measured skill in turn."""
    quizzes = _index(course)["quiz"]
    if module.id not in quizzes:
        pools = [list(skill_questions(course, s)) for s in measured_skills(course, module)]
        quiz: list[Question] = []
        while len(quiz) < QUIZ_LENGTH and any(pools):
            for pool in pools:
                if pool and len(quiz) < QUIZ_LENGTH:
                    quiz.append(pool.pop(0))
        quizzes[module.id] = tuple(quiz)
    return quizzes[module.id]


@dataclass(frozen=True)
class TrackedState(LearnerState):
    """A learner state that also remembers each skill's last few answers, right or wrong."""

    by_skill: Mapping[str, tuple[bool, ...]] = field(default_factory=dict)

    def after_answer(self, question: Question, correct: bool, at: datetime, params: Parameters,
                     hints_used: int = 0, misconceptions: tuple[str, ...] = ()) -> "TrackedState":
        """Return the state after an answer, with the answer remembered for its skill."""
        state = super().after_answer(question, correct, at, params, hints_used, misconceptions)
        kept = (self.by_skill.get(question.skill, ()) + (correct,))[-KEEP_ANSWERS:]
        return replace(state, by_skill={**self.by_skill, question.skill: kept})


def _history(state: LearnerState, skill_id: str) -> tuple[bool, ...]:
    if not isinstance(state, TrackedState):
        raise TypeError("this baseline needs a TrackedState, which remembers each skill's answers")
    return state.by_skill.get(skill_id, ())


# --- when each baseline calls a skill mastered ---------------------------------------------


Declared = Callable[[Situation, str], bool]


def n_in_a_row(n: int) -> Declared:
    """Return the rule: the last n answers on the skill were all right."""
    def declared(situation: Situation, skill_id: str) -> bool:
        skill = situation.state.skills.get(skill_id)
        return skill is not None and skill.right_in_a_row >= n
    return declared


def m_of_n(m: int, n: int) -> Declared:
    """Return the rule: at least m of the last n answers on the skill were right."""
    def declared(situation: Situation, skill_id: str) -> bool:
        return sum(_history(situation.state, skill_id)[-n:]) >= m
    return declared


def bkt_declared(situation: Situation, skill_id: str) -> bool:
    """The rule: the knowledge-tracing estimate, with the situation's parameters, is at least 0.95."""
    skill = situation.state.skills.get(skill_id)
    return (skill is not None
            and estimate(skill, situation.params.for_skill(skill_id), situation.now) >= BKT_MASTERED)


def quiz_declared(situation: Situation, skill_id: str) -> bool:
    """The rule: the fixed quiz is over and at least 80% of the skill's quiz questions were right."""
    if situation.state.answers < len(fixed_quiz(situation.course, situation.module)):
        return False
    answers = _history(situation.state, skill_id)
    return bool(answers) and sum(answers) >= QUIZ_PASS * len(answers)


# --- the policies ------------------------------------------------------------------------------


def _next_question(situation: Situation, skill_id: str) -> Question | None:
    """Return the skill's questions in turn, in course order, round and round."""
    questions = skill_questions(situation.course, skill_id)
    if not questions:
        return None
    attempts = situation.state.skill(skill_id, situation.params).attempts
    return questions[attempts % len(questions)]


def fixed_sequence(situation: Situation) -> Step:
    """Every lesson on the path, in order, then the same 10-question quiz for everybody."""
    module, state = situation.module, situation.state
    for lesson in path_lessons(situation.course, module):
        if lesson.id not in state.lessons_read:
            return Step("lesson", module.id, "This is the next lesson in the topic.", lesson_id=lesson.id,
                        purpose="learn")
    quiz = fixed_quiz(situation.course, module)
    if state.answers < len(quiz):
        question = quiz[state.answers]
        return Step("question", module.id, "The end-of-topic quiz.", question_id=question.id,
                    lesson_id=question.lesson_id, skill_id=question.skill, purpose="practice")
    return Step("done", module.id, "You have finished the topic and its quiz.", purpose="done")


def lesson_then_practice(name: str, mastered: Declared) -> Callable[[Situation], Step]:
    """Return a policy: each lesson in turn, then its skills' questions until `mastered` (or give up)."""
    def choose(situation: Situation) -> Step:
        module, state, params = situation.module, situation.state, situation.params
        measured = measured_skills(situation.course, module)
        for lesson in path_lessons(situation.course, module):
            if lesson.id not in state.lessons_read:
                return Step("lesson", module.id, "This is the next lesson in the topic.", lesson_id=lesson.id,
                            purpose="learn")
            for skill_id in lesson.skills:
                if skill_id not in measured or mastered(situation, skill_id):
                    continue
                if state.skill(skill_id, params).attempts >= GIVE_UP_AFTER:
                    continue
                question = _next_question(situation, skill_id)
                if question is not None:
                    return Step("question", module.id, f"Practice until {name}.", question_id=question.id,
                                lesson_id=question.lesson_id, skill_id=skill_id, purpose="practice")
        return Step("done", module.id, "You have practised every skill in the topic.", purpose="done")

    choose.__name__ = name.replace("-", "_")
    choose.__doc__ = f"Each lesson in turn, then its skills' questions until {name} (giving up after "\
                     f"{GIVE_UP_AFTER} questions on a skill)."
    return choose


Policy = Callable[[Situation], Step]

BASELINES: dict[str, Policy] = {
    "fixed-sequence": fixed_sequence,
    "3-in-a-row": lesson_then_practice("3-in-a-row", n_in_a_row(3)),
    "4-of-5": lesson_then_practice("4-of-5", m_of_n(4, 5)),
    "bkt-0.95-population": lesson_then_practice("bkt-0.95-population", bkt_declared),
}

DECLARED: dict[str, Declared] = {
    "fixed-sequence": quiz_declared,
    "3-in-a-row": n_in_a_row(3),
    "4-of-5": m_of_n(4, 5),
    "bkt-0.95-population": bkt_declared,
}
