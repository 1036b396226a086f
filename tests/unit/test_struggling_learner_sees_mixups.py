"""A learner answering wrong is asked a question whose wrong answers name a mix-up, even from a later lesson."""

from __future__ import annotations

from datetime import datetime

from engine.loader import load_course
from engine.mastery import Parameters
from engine.policies import Situation, adaptive
from engine.progress import LearnerState

NOW = datetime(2026, 12, 6, 10, 0)
PARAMS = Parameters()


def question(qid: str, tag: str | None = None) -> str:
    wrong = f"- [ ] B\n  No.\n  Misconception: {tag}\n" if tag else "- [ ] B\n  No.\n"
    return f"::: question {qid}\nkind: single\n\nPick A.\n\n- [x] A\n  Yes.\n{wrong}- [ ] C\n  No.\n:::\n\n"


def typed(qid: str) -> str:
    return f"::: question {qid}\nkind: typed\n\nType the number.\n\n- [x] 7726\n:::\n\n"


def lesson(lesson_id: str, body: str, extra: str = "") -> str:
    return (f"---\nid: {lesson_id}\ntitle: Lesson {lesson_id}\nskills: [scams]\narea: Communicating\nlevel: bronze\n"
            f"minutes: 5\n{extra}---\n\nText.\n\n{body}")


def test_a_struggling_learner_whose_lessons_read_name_no_mix_up_gets_a_question_that_does(write_content):
    course = load_course(write_content({
        "jobs/module.md": "---\nid: jobs\ntitle: Jobs\nsummary: S.\nskills:\n  scams: Spot a fake job\n---\n",
        # Typed questions, each able to add to the evidence, and none naming a mix-up.
        "jobs/01-basics.md": lesson("basics", typed("plain-1") + typed("plain-2")),
        "jobs/02-fees.md": lesson("fees", question("fees-1", "fees-are-normal"), "prerequisites: [basics]\n"),
        "jobs/90-never-pay.md": lesson("never-pay", "", "fixes: [fees-are-normal]\n"),
    }))
    assert course.errors == ()
    state = LearnerState("jobs").choosing(lessons_first=True).after_lesson(course.lessons["basics"], NOW, PARAMS)
    state = state.after_answer(course.questions["plain-1"], False, NOW, PARAMS)
    step = adaptive(Situation(course, course.module("jobs"), state, NOW, PARAMS))
    assert step.question_id == "fees-1", step
