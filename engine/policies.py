"""What a learner does next, and why: policies that choose the next step.

Policies are plain functions registered by name in `POLICIES`, so the app can
use one and the benchmark can compare them all on the same learners. Each
looks only at a `Situation`: the course, the module, the learner's state and
the time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable

from . import evidence
from .mastery import MASTERED, SECURE, Parameters, due_for_review, estimate, is_mastered
from .model import Course, Lesson, Module, Question
from .progress import LearnerState
from .scoring import is_stuck, next_question
from .tasks.offer import task_for_the_passport, task_step, task_to_show_a_skill

NOT_AGAIN_WITHIN = 3  # a question is not asked again within this many steps
PLACEMENT_QUESTIONS = 2  # questions a learner may use to show they already know a skill
PLACEMENT_FAILS = 2  # once this many skills in a module have missed a placement question, stop offering placement
DIAGNOSTIC_BONUS = 0.6  # bits: what seeing which mix-up a struggling learner has is worth, next to information
EVIDENCE_BONUS = 1.0  # bits: a question that adds to the evidence beats any other for a learner doing well


@dataclass(frozen=True)
class Step:
    """What the learner does next, and why, in words they understand."""

    kind: str  # "lesson", "question", "task", "help" or "done"
    module_id: str
    reason: str
    lesson_id: str | None = None
    question_id: str | None = None
    skill_id: str | None = None
    task_id: str | None = None  # a practice task (engine.tasks), for a "task" step
    purpose: str = ""  # "learn", "placement", "practice", "review", "remedy", "stuck", "done"


@dataclass(frozen=True)
class Situation:
    """Everything a policy may look at to choose the next step."""

    course: Course
    module: Module
    state: LearnerState
    now: datetime
    params: Parameters = field(default_factory=Parameters)
    # Whoever follows the steps can show practice tasks (the learner's pages can; the benchmark's
    # simulated learners and the API cannot yet), so a "task" step may be offered.
    offer_tasks: bool = False

    def estimate(self, skill_id: str) -> float:
        """Return the current chance the learner knows a skill."""
        return estimate(self.state.skill(skill_id, self.params), self.params.for_skill(skill_id), self.now)

    def due_for_review(self, skill_id: str) -> bool:
        """Say whether a mastered skill's quick review is due now."""
        return due_for_review(self.state.skills.get(skill_id), self.params.for_skill(skill_id), self.now)

    def mastered(self, skill_id: str) -> bool:
        """Say whether a skill counts as mastered: a high estimate, and evidence behind it."""
        return is_mastered(self.state.skills.get(skill_id), self.params.for_skill(skill_id), self.now)


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
    # Once the learner is doing well (secure), ask what the evidence still lacks: a question not yet
    # answered right, and one that cannot be guessed if none so far could not be.
    shown = skill_state.shown

    def value(question: Question) -> tuple:
        unseen = question.id not in state.results
        diagnostic = struggling and any(o.misconception for o in question.options)
        guess = params.guess_for(question)
        bonus = EVIDENCE_BONUS if p >= SECURE and evidence.adds(shown, question.id, guess) else 0.0
        last_index = state.recent.index(question.id) if question.id in state.recent else -1
        score = (information(p, guess, params.slip_for(question)) + (0.05 if unseen else 0.0)
                 + (DIAGNOSTIC_BONUS if diagnostic else 0.0) + bonus)
        return (score, -last_index, question.id)

    return max(fresh, key=value)


def taught_question(situation: Situation, skill_id: str) -> Question | None:
    """Return the best practice question on a skill from the lessons read so far.

    A question from a lesson not read yet tests before teaching, so it is asked only
    when the lessons read have nothing left that could add to the evidence (or no
    question at all: the skill's lessons were skipped).
    """
    module, state, params = situation.module, situation.state, situation.params
    unread = frozenset(q.id for lesson in module.path_lessons if lesson.id not in state.lessons_read
                       for q in lesson.questions)
    question = best_question(situation, skill_id, exclude=unread)
    if question is None or state.recent[-1:] == (question.id,):
        # The lessons read have only the question just asked: one from a later lesson beats asking it again.
        return best_question(situation, skill_id)
    skill_state = state.skill(skill_id, params)
    if skill_state.wrong_in_a_row and not any(o.misconception for o in question.options):
        # Struggling, and nothing read can show which mix-up it is: a question whose wrong answers
        # name one leads to the lesson that fixes it sooner than another guess at the same thing.
        anywhere = best_question(situation, skill_id)
        if anywhere is not None and any(o.misconception for o in anywhere.options):
            return anywhere
    shown = skill_state.shown
    can_add = any(q.skill == skill_id and q.id not in unread and evidence.adds(shown, q.id, params.guess_for(q))
                  for q in situation.course.questions.values())
    return question if can_add else best_question(situation, skill_id)


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

    # 0b. A mastered skill just answered wrong: one more question at once, since it may have been a slip.
    for skill_id in skill_ids:
        skill = state.skills.get(skill_id)
        if mastered[skill_id] and skill is not None and skill.slipped_at is not None:
            question = best_question(situation, skill_id)
            if question is not None:
                return _ask(situation, question, f"That one did not go right. Here is one more question on "
                                                 f"“{_skill_title(situation, skill_id)}”: everybody slips now "
                                                 "and then.", "review")

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

    # 3. Something mastered a while ago is due for review (engine.schedule): a quick question.
    for skill_id in skill_ids:
        skill = state.skill(skill_id, situation.params)
        # A skill a tutor has been asked to help with is not reviewed again and again meanwhile.
        if (mastered[skill_id] and situation.due_for_review(skill_id)
                and skill_id not in state.help_offered and not is_stuck(skill)):
            question = best_question(situation, skill_id)
            if question is not None:
                return _ask(situation, question, f"You learned “{_skill_title(situation, skill_id)}” a while ago. "
                                                 "Here is a quick question to keep it fresh.", "review")

    # 3b. Doing well with a skill that is taught but not mastered: a practice task settles it
    #     (engine.tasks.offer), with fewer questions than more questions would.
    task = task_to_show_a_skill(situation) if situation.offer_tasks else None
    if task is not None:
        return task_step(situation, task, f"You are doing well with “{_skill_title(situation, task.skills[0])}”. "
                                          "Now try it for real in a safe, pretend practice task.")

    # 4. Practise what is shaky among the skills already taught, before anything new; and a skill
    #    whose lesson was skipped still needs its evidence.
    candidates = [s for s in skill_ids if not mastered[s] and s not in state.help_offered
                  and (state.skill(s, situation.params).lesson_read or known[s] >= MASTERED)]
    best: tuple[float, str, Question] | None = None
    for skill_id in candidates:
        question = taught_question(situation, skill_id)
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
        elif known[skill_id] >= MASTERED:
            reason = f"You know “{title}”. One more question on your own to show it for your passport."
        elif skill.attempts == 0:
            reason = f"You have read about “{title}”. This question checks it has sunk in."
        else:
            reason = f"You are getting there with “{title}”. One more question to make it stick."
        return _ask(situation, question, reason, "practice")
    # 5. The next lesson, unless its skills are known; before it, a chance to show they are.
    skill_states = [state.skill(s, situation.params) for s in skill_ids]
    # Skills whose quick check went wrong, their lesson read since or not: a learner who has missed two is
    # most likely new to the topic, and each further check only puts a question before the lesson.
    placement_fails = sum(1 for st in skill_states if st.placement_wrong)
    for index, lesson in enumerate(module.path_lessons):
        if lesson.id in state.lessons_read:
            continue
        skills = [s for s in lesson.skills if s in known]
        if skills and all(known[s] >= MASTERED for s in skills):
            continue  # shown already: skip the lesson
        # A quick check asks only what this lesson or an earlier one teaches, never a later lesson's detail.
        later = frozenset(q.id for after in module.path_lessons[index + 1:] for q in after.questions)
        for skill_id in skills:
            skill = state.skill(skill_id, situation.params)
            placement_open = (skill.placement_asked < PLACEMENT_QUESTIONS and skill.wrong_in_a_row == 0
                              and not skill.lesson_read and placement_fails < PLACEMENT_FAILS
                              and not state.lessons_first)
            if known[skill_id] < MASTERED and placement_open:
                question = best_question(situation, skill_id, exclude=later)
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
    # 7. The passport needs a practice task passed, and none is yet.
    task = task_for_the_passport(situation) if situation.offer_tasks else None
    if task is not None:
        return task_step(situation, task, "To finish this topic for your passport, do one practice task on your "
                                          "own. It is safe and pretend.")
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
