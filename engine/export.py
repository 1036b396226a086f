"""The course as plain data, for `flask content export` and other tools."""

from __future__ import annotations

from .model import LEVEL_MEANINGS, LEVELS, Course, Lesson, Question, Task


def question_data(question: Question) -> dict:
    """Return a question with its answers and feedback as plain data."""
    return {
        "id": question.id,
        "kind": question.kind,
        "skill": question.skill,
        "prompt_html": question.prompt_html,
        "hints_html": list(question.hints),
        "options": [
            {
                "key": o.key,
                "text": o.text,
                "correct": o.correct,
                "feedback_html": o.feedback_html,
                "misconception": o.misconception,
                "any_other_answer": o.catch_all,
            }
            for o in question.options
        ],
        "source": str(question.source),
    }


def lesson_data(lesson: Lesson) -> dict:
    """Return a lesson and its questions as plain data."""
    return {
        "id": lesson.id,
        "title": lesson.title,
        "skills": list(lesson.skills),
        "area": lesson.area,
        "level": lesson.level,
        "framework_level": LEVEL_MEANINGS[lesson.level],
        "minutes": lesson.minutes,
        "prerequisites": list(lesson.prerequisites),
        "fixes": list(lesson.fixes),
        "body_html": lesson.body_html,
        "words": [word.slug for word in lesson.words],
        "questions": [question_data(q) for q in lesson.questions],
        "source": str(lesson.source),
    }


def task_data(task: Task) -> dict:
    """Return a practice task's id, kind, skills and feedback as plain data (its scenario is its kind's own)."""
    return {
        "id": task.id,
        "kind": task.kind,
        "title": task.title,
        "skills": list(task.skills),
        "intro_html": task.intro_html,
        "mistakes": [{"mistake": f.mistake, "feedback_html": f.html, "misconception": f.misconception}
                     for f in task.feedback.values()],
        "source": str(task.source),
    }


def course_data(course: Course) -> dict:
    """Return the whole course as plain data, ready for JSON."""
    return {
        "format": "skills-passport-course",
        "version": 1,
        "modules": [
            {
                "id": module.id,
                "title": module.title,
                "summary": module.summary,
                "order": module.order,
                "intro_html": module.intro_html,
                "skills": [{"id": s.id, "title": s.title} for s in module.skills],
                "glossary": [{"slug": w.slug, "word": w.word, "forms": list(w.forms), "html": w.html}
                             for w in module.glossary],
                "lessons": [lesson_data(lesson) for lesson in module.lessons],
                "tasks": [task_data(task) for task in module.tasks],
                "passport": {
                    "skills": {level: list(module.passport.skills_for(level)) for level in LEVELS},
                    "review_questions": module.passport.review_questions,
                    "review_right": module.passport.review_right,
                    "review_after_days": module.passport.review_after_days,
                },
            }
            for module in course.modules
        ],
        "misconceptions": {tag: list(lessons) for tag, lessons in sorted(course.remedies.items())},
    }
