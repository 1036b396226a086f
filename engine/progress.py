"""Where a learner is in a module, and what they do next.

`LearnerState` is the small state the engine keeps for one learner in one
module, updated after each answer and each lesson. Policies that choose the
next step are plain functions registered by name in `POLICIES`, so the app can
use one and the benchmark can compare them all on the same learners.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Callable, Mapping

from . import evidence
from .evidence import Shown
from .mastery import (
    MASTERED,
    SECURE,
    Parameters,
    SkillState,
    after_answer,
    after_lesson,
    estimate,
    hard_to_guess,
    is_mastered,
    new_state,
)
from .model import Course, Lesson, Module, Question

RECENT = 5  # questions remembered, so none comes back too soon
NOT_AGAIN_WITHIN = 3  # a question is not asked again within this many steps
PLACEMENT_QUESTIONS = 2  # questions a learner may use to show they already know a skill
PLACEMENT_FAILS = 2  # after this many wrong placement answers in a module, stop offering placement
STUCK_ANSWERS = 6  # answers on one skill without progress before it counts as stuck
STUCK_WRONG_IN_A_ROW = 3
REVIEW_BELOW = 0.85  # a mastered skill whose estimate has decayed below this is reviewed
DIAGNOSTIC_BONUS = 0.6  # bits: what seeing which mix-up a struggling learner has is worth, next to information
EVIDENCE_BONUS = 1.0  # bits: a question that fills a gap in the evidence beats any other for a learner doing well


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
    # The gold review: a mixed set of questions on the whole module, answered without help.
    review_started: datetime | None = None  # set while a review is under way
    review_size: tuple[int, int] = (0, 0)  # (questions, right answers needed to pass)
    review_answers: tuple[tuple[str, str, bool], ...] = ()  # (question, skill, right), latest review
    review_passed: datetime | None = None
    review_failed: datetime | None = None

    def skill(self, skill_id: str, params: Parameters) -> SkillState:
        """Return the state of one skill (a fresh one if nothing is known yet)."""
        return self.skills.get(skill_id) or new_state(params.for_skill(skill_id))

    @property
    def started(self) -> bool:
        """Say whether the learner has done anything in the module."""
        return bool(self.lessons_read or self.answers)

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
                     helped: bool = False) -> "LearnerState":
        """Return the state after the learner answers a question.

        A right answer given with someone's help shows nothing about what the learner
        can do alone, so it leaves the estimate as it was and does not count in a review.
        Only a right answer with no hint and no help is evidence for the passport.
        """
        skill_params = params.for_skill(question.skill)
        before = self.skill(question.skill, params)
        guess = params.guess_for(question)
        if helped and correct:
            after = before
        else:
            shown = Shown(question.id, question.kind, at, hard_to_guess(guess)) if not hints_used else None
            after = after_answer(before, skill_params, guess, correct, at, hints_used,
                                 slip=params.slip_for(question), shown=shown)
        if not before.lesson_read:
            after = replace(after, placement_asked=before.placement_asked + 1)
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
            "review_started": _when(self.review_started),
            "review_size": list(self.review_size),
            "review_answers": [list(a) for a in self.review_answers],
            "review_passed": _when(self.review_passed),
            "review_failed": _when(self.review_failed),
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
            review_started=_parse_when(data.get("review_started")),
            review_size=tuple(data.get("review_size", (0, 0))),
            review_answers=tuple((q, s, bool(r)) for q, s, r in data.get("review_answers", ())),
            review_passed=_parse_when(data.get("review_passed")),
            review_failed=_parse_when(data.get("review_failed")),
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
                                       event.misconceptions, event.helped)
        elif event.lesson is not None and (event.lesson.module_id == module_id
                                           or set(state.pending) & set(event.lesson.fixes)):
            state = state.after_lesson(event.lesson, event.at, params)
    return state


@dataclass(frozen=True)
class Step:
    """What the learner does next, and why, in words they understand."""

    kind: str  # "lesson", "question", "help" or "done"
    module_id: str
    reason: str
    lesson_id: str | None = None
    question_id: str | None = None
    skill_id: str | None = None
    purpose: str = ""  # "learn", "placement", "practice", "review", "remedy", "stuck", "done"


@dataclass(frozen=True)
class Situation:
    """Everything a policy may look at to choose the next step."""

    course: Course
    module: Module
    state: LearnerState
    now: datetime
    params: Parameters = field(default_factory=Parameters)

    def estimate(self, skill_id: str) -> float:
        """Return the current chance the learner knows a skill."""
        return estimate(self.state.skill(skill_id, self.params), self.params.for_skill(skill_id), self.now)

    def mastered(self, skill_id: str) -> bool:
        """Say whether a skill counts as mastered: a high estimate, and evidence behind it."""
        return is_mastered(self.state.skills.get(skill_id), self.params.for_skill(skill_id), self.now)


@dataclass(frozen=True)
class LessonProgress:
    """How far a learner has got with one lesson."""

    lesson: Lesson
    read: bool
    answered: int
    right: int

    @property
    def total(self) -> int:
        """Return the number of questions in the lesson."""
        return len(self.lesson.questions)

    @property
    def finished(self) -> bool:
        """Say whether the lesson has been read and every question answered."""
        return self.read and self.answered == self.total

    @property
    def status(self) -> str:
        """Describe the lesson's state in a word or two."""
        if self.finished:
            return "Done"
        if self.read:
            return "Quiz started" if self.answered else "Read"
        return "Not started"


def lesson_progress(lesson: Lesson, state: LearnerState) -> LessonProgress:
    """Return how far the learner has got with a lesson."""
    mine = [state.results[q.id] for q in lesson.questions if q.id in state.results]
    return LessonProgress(lesson, lesson.id in state.lessons_read, len(mine), sum(mine))


def next_question(lesson: Lesson, state: LearnerState) -> str | None:
    """Return the id of the lesson's first unanswered question, or None."""
    for question in lesson.questions:
        if question.id not in state.results:
            return question.id
    return None


# --- policies ---------------------------------------------------------------------


def in_order(situation: Situation) -> Step:
    """Work through every lesson and every question in the order written."""
    module, state = situation.module, situation.state
    for lesson in module.path_lessons:
        if lesson.id not in state.lessons_read:
            reason = ("This is the next lesson in the topic." if state.started
                      else "This is the first lesson in the topic.")
            return Step("lesson", module.id, reason, lesson_id=lesson.id, purpose="learn")
        question_id = next_question(lesson, state)
        if question_id is not None:
            return Step("question", module.id, f"You have read “{lesson.title}”. Now try its questions.",
                        lesson_id=lesson.id, question_id=question_id, purpose="practice")
    return Step("done", module.id, "You have finished every lesson in this topic.", purpose="done")


def _entropy(p: float) -> float:
    if p <= 0 or p >= 1:
        return 0.0
    return -(p * math.log2(p) + (1 - p) * math.log2(1 - p))


def information(p: float, guess: float, slip: float) -> float:
    """Return how much one answer is expected to tell about whether the learner knows the skill."""
    p_right = p * (1 - slip) + (1 - p) * guess
    if p_right <= 0 or p_right >= 1:
        return 0.0
    after_right = p * (1 - slip) / p_right
    after_wrong = p * slip / (1 - p_right)
    return _entropy(p) - (p_right * _entropy(after_right) + (1 - p_right) * _entropy(after_wrong))


def best_question(situation: Situation, skill_id: str, exclude: frozenset[str] = frozenset()) -> Question | None:
    """Return the question that tells the most about a skill, not one asked just now (nor one excluded)."""
    state = situation.state
    questions = [q for q in situation.course.questions.values() if q.skill == skill_id and q.id not in exclude]
    if not questions:
        return None
    too_soon = set(state.recent[-NOT_AGAIN_WITHIN:])
    fresh = [q for q in questions if q.id not in too_soon]
    if not fresh:
        last = state.recent[-1] if state.recent else None
        fresh = [q for q in questions if q.id != last] or questions
    p = situation.estimate(skill_id)
    params = situation.params
    # After a wrong answer, prefer questions whose wrong answers name a mix-up, so the next
    # wrong answer can show which one the learner has, and lead to the lesson that fixes it.
    skill_state = state.skill(skill_id, params)
    struggling = skill_state.lesson_read and skill_state.wrong_in_a_row > 0
    # Once the learner is doing well, ask what the evidence still lacks: a question not yet
    # answered right, and one that cannot be guessed if none has been.
    shown_ids = {s.question_id for s in skill_state.shown}
    needs_hard = not any(s.hard for s in skill_state.shown)

    def value(question: Question) -> tuple:
        unseen = question.id not in state.results
        diagnostic = struggling and any(o.misconception for o in question.options)
        guess = params.guess_for(question)
        fills = question.id not in shown_ids and (hard_to_guess(guess) or not needs_hard)
        last_index = state.recent.index(question.id) if question.id in state.recent else -1
        score = (information(p, guess, params.slip_for(question)) + (0.05 if unseen else 0.0)
                 + (DIAGNOSTIC_BONUS if diagnostic else 0.0) + (EVIDENCE_BONUS if fills and p >= SECURE else 0.0))
        return (score, -last_index, question.id)

    return max(fresh, key=value)


def _skill_title(situation: Situation, skill_id: str) -> str:
    skill = situation.course.skills.get(skill_id)
    return skill.title if skill else skill_id


def _ask(situation: Situation, question: Question, reason: str, purpose: str) -> Step:
    """Return a step that asks a question about its skill."""
    return Step("question", situation.module.id, reason, question_id=question.id, lesson_id=question.lesson_id,
                skill_id=question.skill, purpose=purpose)


def _remedy_for(situation: Situation, tags) -> Lesson | None:
    course, state = situation.course, situation.state
    for tag in reversed(tuple(tags)):
        lessons = [course.lessons[i] for i in course.remedies.get(tag, ()) if i in course.lessons]
        lessons.sort(key=lambda lesson: lesson.module_id != situation.module.id)
        for lesson in lessons:
            if lesson.id not in state.lessons_read:
                return lesson
    return None


def review_question(situation: Situation) -> Step | None:
    """Return the next question of a gold review under way: the skill asked least so far, in a
    question not yet asked in this review."""
    state = situation.state
    if not state.reviewing:
        return None
    asked = frozenset(q for q, _, _ in state.review_answers)
    counts = {s.id: 0 for s in situation.module.skills}
    for _, skill_id, _ in state.review_answers:
        if skill_id in counts:
            counts[skill_id] += 1
    for skill_id in sorted(counts, key=lambda s: counts[s]):  # sorted() keeps module order on ties
        question = best_question(situation, skill_id, exclude=asked)
        if question is not None:
            number, total = len(state.review_answers) + 1, state.review_size[0]
            return _ask(situation, question, f"Gold review, question {number} of {total}: "
                                             f"“{_skill_title(situation, skill_id)}”. Answer it on your own.",
                        "gold review")
    return None


@dataclass(frozen=True)
class Score:
    """How much of a module a learner has shown: the score a VLE's gradebook gets."""

    mastered: int
    total: int

    @property
    def fraction(self) -> float:
        """Return the share of the module's skills mastered, from 0 to 1."""
        return self.mastered / self.total if self.total else 0.0

    @property
    def complete(self) -> bool:
        """Say whether every skill of the module is mastered."""
        return self.total > 0 and self.mastered == self.total


def module_score(module: Module, state: LearnerState, params: Parameters, now: datetime) -> Score:
    """Return how many of a module's skills the learner has mastered now, evidence and all."""
    mastered = sum(1 for skill in module.skills
                   if is_mastered(state.skills.get(skill.id), params.for_skill(skill.id), now))
    return Score(mastered, len(module.skills))


def is_stuck(skill: SkillState) -> bool:
    """Say whether a learner is wheel-spinning on a skill: many answers without progress, or wrong again and again."""
    return skill.attempts_without_progress >= STUCK_ANSWERS or skill.wrong_in_a_row >= STUCK_WRONG_IN_A_ROW


def needs_help(module: Module, state: LearnerState, params: Parameters, now: datetime) -> list[tuple[str, tuple[str, ...]]]:
    """Return the skills a learner is stuck on and has not mastered, with the mix-ups their answers showed.

    This is the engine's wheel-spinning signal, for a tutor: the skills it sent to a
    tutor, and those it would.
    """
    found = []
    for skill in module.skills:
        skill_state = state.skills.get(skill.id)
        if skill_state is None or is_mastered(skill_state, params.for_skill(skill.id), now):
            continue
        if skill.id in state.help_offered or is_stuck(skill_state):
            found.append((skill.id, tuple(state.misconceptions.get(skill.id, ()))))
    return found


def adaptive(situation: Situation) -> Step:
    """Choose the next step from what the learner has shown: the project's engine."""
    module, state = situation.module, situation.state
    skill_ids = [s.id for s in module.skills]
    known = {s: situation.estimate(s) for s in skill_ids}
    mastered = {s: situation.mastered(s) for s in skill_ids}

    # 0. A gold review under way comes first: a test is not interrupted by lessons.
    review = review_question(situation)
    if review is not None:
        return review

    # 1. A wrong answer showed a common mix-up: offer the short lesson that fixes it.
    remedy = _remedy_for(situation, state.pending)
    if remedy is not None:
        return Step("lesson", module.id,
                    f"Your last answer is a common mix-up. This short lesson, “{remedy.title}”, clears it up.",
                    lesson_id=remedy.id, purpose="remedy")

    # 2. Stuck on a skill: a lesson that may help, or a tutor, not more of the same questions.
    for skill_id in skill_ids:
        skill = state.skill(skill_id, situation.params)
        if not is_stuck(skill) or mastered[skill_id] or skill_id in state.help_offered:
            continue
        title = _skill_title(situation, skill_id)
        remedy = _remedy_for(situation, state.misconceptions.get(skill_id, ()))
        if remedy is None:
            remedy = next((lesson for lesson in situation.course.lessons.values()
                           if lesson.is_remedial and skill_id in lesson.skills
                           and lesson.id not in state.lessons_read), None)
        if remedy is not None:
            return Step("lesson", module.id,
                        f"You have found “{title}” tricky, so here is a short lesson that explains it another way.",
                        lesson_id=remedy.id, skill_id=skill_id, purpose="remedy")
        return Step("help", module.id,
                    f"You have had a few goes at “{title}” and it has not clicked yet. That is normal. "
                    "A tutor can help you with it, or you can read the lesson again.",
                    skill_id=skill_id, purpose="stuck")

    # 3. Something mastered a while ago has faded: a quick review question.
    for skill_id in skill_ids:
        skill = state.skill(skill_id, situation.params)
        # A skill a tutor has been asked to help with is not reviewed again and again meanwhile.
        if (skill.mastered_at is not None and known[skill_id] < REVIEW_BELOW
                and skill_id not in state.help_offered and not is_stuck(skill)):
            question = best_question(situation, skill_id)
            if question is not None:
                return _ask(situation, question, f"You learned “{_skill_title(situation, skill_id)}” a while ago. "
                                                 "Here is a quick question to keep it fresh.", "review")

    # 4. Practise what is shaky among the skills already taught, before anything new; and a skill
    #    whose lesson was skipped still needs its evidence.
    candidates = [s for s in skill_ids if not mastered[s] and s not in state.help_offered
                  and (state.skill(s, situation.params).lesson_read or known[s] >= MASTERED)]
    best: tuple[float, str, Question] | None = None
    for skill_id in candidates:
        question = best_question(situation, skill_id)
        if question is None:
            continue
        p = known[skill_id]
        gain = information(p, situation.params.guess_for(question), situation.params.slip_for(question))
        if best is None or gain > best[0]:
            best = (gain, skill_id, question)
    if best is not None:
        _, skill_id, question = best
        title = _skill_title(situation, skill_id)
        skill = state.skill(skill_id, situation.params)
        if skill.wrong_in_a_row:
            reason = f"Let's try “{title}” again with a different question."
        elif p >= MASTERED:
            reason = f"You know “{title}”. One more question on your own to show it for your passport."
        elif skill.attempts == 0:
            reason = f"You have read about “{title}”. This question checks it has sunk in."
        else:
            reason = f"You are getting there with “{title}”. One more question to make it stick."
        return _ask(situation, question, reason, "practice")
    # 5. The next lesson, unless its skills are known; before it, a chance to show they are.
    skill_states = [state.skill(s, situation.params) for s in skill_ids]
    placement_fails = sum(1 for st in skill_states if st.placement_asked > st.right and not st.lesson_read)
    for lesson in module.path_lessons:
        if lesson.id in state.lessons_read:
            continue
        skills = [s for s in lesson.skills if s in known]
        if skills and all(known[s] >= MASTERED for s in skills):
            continue  # shown already: skip the lesson
        for skill_id in skills:
            skill = state.skill(skill_id, situation.params)
            placement_open = (skill.placement_asked < PLACEMENT_QUESTIONS and skill.wrong_in_a_row == 0
                              and not skill.lesson_read and placement_fails < PLACEMENT_FAILS)
            if known[skill_id] < MASTERED and placement_open:
                question = best_question(situation, skill_id)
                if question is not None:
                    return _ask(situation, question, f"If you already know about “{_skill_title(situation, skill_id)}”, "
                                                     "show it with a quick question and skip the lesson.", "placement")
        weak = next((s for s in skills if known[s] < MASTERED), skills[0] if skills else None)
        reason = (f"This lesson will help with “{_skill_title(situation, weak)}”." if weak
                  else "This is the next lesson in the topic.")
        return Step("lesson", module.id, reason, lesson_id=lesson.id, skill_id=weak, purpose="learn")

    # 6. Skills no lesson of the module teaches, or whose lesson was skipped, still need showing.
    for skill_id in skill_ids:
        if not mastered[skill_id] and skill_id not in state.help_offered:
            question = best_question(situation, skill_id)
            if question is not None:
                return _ask(situation, question,
                            f"One more question on “{_skill_title(situation, skill_id)}” to finish the topic.",
                            "practice")
    if all(mastered.values()):
        return Step("done", module.id, "You have shown every skill in this topic. Well done.", purpose="done")
    return Step("done", module.id,
                "You have worked through this topic. Some skills need more practice: a tutor can help, "
                "and you can come back to them at any time.", purpose="done")


Policy = Callable[[Situation], Step]

POLICIES: dict[str, Policy] = {
    "adaptive": adaptive,
    "in-order": in_order,
}
