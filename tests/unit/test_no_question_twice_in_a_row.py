"""Practice never asks the question just asked again, even when the lessons read hold only that one."""

from __future__ import annotations

from datetime import datetime

from engine.loader import load_course
from engine.mastery import Parameters
from engine.policies import Situation, adaptive
from engine.progress import LearnerState

NOW = datetime(2026, 12, 6, 10, 0)
PARAMS = Parameters()


def lesson(lesson_id: str, questions: list[str], extra: str = "") -> str:
    # Typed questions: each could add to the evidence, so the lessons read always seem to have one to ask.
    body = "".join(f"::: question {q}\nkind: typed\n\nType the number.\n\n- [x] 7726\n:::\n\n" for q in questions)
    return (f"---\nid: {lesson_id}\ntitle: Lesson {lesson_id}\nskills: [scams]\narea: Communicating\nlevel: bronze\n"
            f"minutes: 5\n{extra}---\n\nText.\n\n{body}")


def test_a_skill_whose_lessons_read_hold_one_question_gets_a_different_one_next(write_content):
    course = load_course(write_content({
        "jobs/module.md": "---\nid: jobs\ntitle: Jobs\nsummary: S.\nskills:\n  scams: Spot a fake job\n---\n",
        "jobs/01-scams.md": lesson("spot-scams", ["scam-1", "scam-2", "scam-3"]),
        "jobs/90-never-pay.md": lesson("never-pay", ["never-pay-1"], "fixes: [fees-are-normal]\n"),
    }))
    assert course.errors == ()
    state = LearnerState("jobs").choosing(lessons_first=True).after_lesson(course.lessons["never-pay"], NOW, PARAMS)
    asked = []
    for _ in range(3):
        step = adaptive(Situation(course, course.module("jobs"), state, NOW, PARAMS))
        assert step.kind == "question", step
        asked.append(step.question_id)
        state = state.after_answer(course.questions[step.question_id], False, NOW, PARAMS)
    assert all(a != b for a, b in zip(asked, asked[1:])), asked
