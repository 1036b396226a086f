"""What the lesson and question pages show that depends only on the course, worked out once per course.

The course is reloaded as a whole when a content file changes (app/content.py), so a new
course object means new content: the pieces below are kept for the course they were made
from, and made again for the next one. A request only pays for what is its learner's own.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from flask import current_app
from markupsafe import Markup

from engine.answers import display_order
from engine.model import Course, Lesson, Module, Option, Question, Skill

from .words import with_ways_back


@dataclass(frozen=True)
class LessonPage:
    """A lesson as its page shows it, whoever reads it."""

    lesson: Lesson
    module: Module
    position: int | None  # its number in the topic's path, or None for an extra lesson
    prerequisites: tuple[Lesson, ...]
    skills: tuple[Skill, ...]
    body_html: str  # with a way back from each word in the list to where it is used
    words_html: Markup  # the "Words in this lesson" list after it, made from its template once


@dataclass(frozen=True)
class QuestionPage:
    """A question as its page shows it, whoever answers it."""

    question: Question
    lesson: Lesson
    module: Module
    options: tuple[Option, ...]  # in the order learners see them


def _lesson_page(course: Course, lesson: Lesson) -> LessonPage:
    module = course.module(lesson.module_id)
    return LessonPage(
        lesson=lesson,
        module=module,
        position=module.path_lessons.index(lesson) + 1 if lesson in module.path_lessons else None,
        prerequisites=tuple(course.lessons[p] for p in lesson.prerequisites if p in course.lessons),
        skills=tuple(course.skills[s] for s in lesson.skills if s in course.skills),
        body_html=with_ways_back(lesson.body_html),
        # The list depends only on the lesson (its links stay on the page), so its template runs once.
        words_html=Markup(current_app.jinja_env.get_template("learner/_words.html").render(
            lesson=lesson, ways_back=True)),
    )


def _question_page(course: Course, question: Question) -> QuestionPage:
    return QuestionPage(question=question, lesson=course.lessons[question.lesson_id],
                        module=course.module(question.module_id), options=display_order(question))


class _PerCourse:
    """Pages made for one course, each made on first use; a different course starts afresh."""

    def __init__(self) -> None:
        self._kept: tuple[Course | None, dict] = (None, {})
        self._lock = threading.Lock()

    def get(self, course: Course, key: tuple, make):
        kept_course, pages = self._kept  # one read: another thread may swap in a new course
        if kept_course is not course:
            with self._lock:
                if self._kept[0] is not course:
                    self._kept = (course, {})
                kept_course, pages = self._kept
        page = pages.get(key)
        if page is None:
            page = pages[key] = make()
        return page


_PAGES = _PerCourse()


def lesson_page(course: Course, lesson_id: str) -> LessonPage | None:
    """Return the lesson's page as every learner sees it, or None if the course has no such lesson."""
    lesson = course.lessons.get(lesson_id)
    if lesson is None:
        return None
    return _PAGES.get(course, ("lesson", lesson_id), lambda: _lesson_page(course, lesson))


def question_page(course: Course, question_id: str) -> QuestionPage | None:
    """Return the question's page as every learner sees it, or None if the course has no such question."""
    question = course.questions.get(question_id)
    if question is None:
        return None
    return _PAGES.get(course, ("question", question_id), lambda: _question_page(course, question))
