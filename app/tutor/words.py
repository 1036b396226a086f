"""How the tutor pages say things: names, times, shortened text, and mix-ups in a tutor's words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from markupsafe import Markup

from engine.mastery import MASTERED, SECURE
from engine.model import Course, Lesson

from ..models import Learner
from ..practice.records import TRY_PREFIX

PROMPT_LENGTH = 90  # characters of a question's prompt shown in a table

# What each skill level means, said to a tutor (learners see engine.mastery.LEVEL_MEANINGS).
LEVEL_MEANINGS = {
    "not started": "They have not tried this skill yet.",
    "learning": "They are still learning it: the site thinks they probably cannot do it on their own yet.",
    "secure": f"They probably know it: the site is at least {SECURE:.0%} sure. A little more practice will make it stick.",
    "mastered": f"They have shown they can do it on their own: right, with no help, on more than one question, "
                f"one of them hard to guess, and the site is at least {MASTERED:.0%} sure. "
                "It can fade if they do not practise, and then they are asked a review question.",
}

UK: tzinfo
try:
    UK = ZoneInfo("Europe/London")
except ZoneInfoNotFoundError:  # a system without time zone data: fall back to UTC
    UK = UTC


def learner_name(learner: Learner) -> str:
    """Return the name a tutor sees for a learner: the name they gave, or their username."""
    return learner.display_name or learner.username or f"Learner {learner.id} (no name given)"


def uk_time(when: datetime) -> datetime:
    """Return a stored UTC time as the time on a clock in the UK."""
    return when.replace(tzinfo=UTC).astimezone(UK)


def days_ago(when: datetime | None, now: datetime) -> str:
    """Say how long ago something was, as a tutor would: today, yesterday, 3 days ago, 2 weeks ago."""
    if when is None:
        return "never"
    days = (uk_time(now).date() - uk_time(when).date()).days
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days < 14:
        return f"{days} days ago"
    if days < 56:
        return f"{days // 7} weeks ago"
    day = uk_time(when).date()
    return f"on {day.day} {day:%B %Y}"


def shorten(text: str, limit: int) -> str:
    """Return text cut at a word to at most `limit` characters, with an ellipsis if it was cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:.")
    return cut + "…"


def short_text(html: str, limit: int = PROMPT_LENGTH) -> str:
    """Return HTML as plain text, cut at a word to at most `limit` characters."""
    return shorten(Markup(html).striptags(), limit)


def question_prompt(course: Course, question_id: str) -> str:
    """Return a question's prompt, shortened, or a practice task's title; or say it is no longer in the course."""
    question = course.questions.get(question_id)
    if question is not None:
        return short_text(question.prompt_html)
    if question_id.startswith(TRY_PREFIX):  # a try at a practice task, kept among the answers
        task = course.tasks.get(question_id.removeprefix(TRY_PREFIX))
        if task is not None:
            return f"Practice task: {task.title}"
        return f"A practice task no longer in the course ({question_id.removeprefix(TRY_PREFIX)})"
    return f"A question no longer in the course ({question_id})"


def skill_name(course: Course, skill_id: str) -> str:
    """Return a skill's title, or its id if it is no longer in the course."""
    skill = course.skills.get(skill_id)
    return skill.title if skill else skill_id


@dataclass(frozen=True)
class Mixup:
    """A common mix-up, described by the title of the lesson that fixes it."""

    tag: str
    description: str
    lesson: Lesson | None

    @property
    def key(self) -> str:
        """Return what tells mix-ups apart for a tutor: two tags one lesson fixes are one mix-up."""
        return self.lesson.id if self.lesson else self.tag


def describe_mixups(course: Course, tags) -> tuple[Mixup, ...]:
    """Return the mix-ups behind some tags, in words, each once."""
    found: dict[str, Mixup] = {}
    for tag in tags:
        mixup = describe_mixup(course, tag)
        found.setdefault(mixup.key, mixup)
    return tuple(found.values())


def describe_mixup(course: Course, tag: str) -> Mixup:
    """Return a mix-up with words a tutor understands: its fixing lesson's title."""
    for lesson_id in course.remedies.get(tag, ()):
        lesson = course.lessons.get(lesson_id)
        if lesson is not None:
            return Mixup(tag, lesson.title, lesson)
    return Mixup(tag, tag.replace("-", " ").capitalize(), None)
