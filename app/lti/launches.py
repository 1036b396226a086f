"""What a checked launch does: who the person is here, their course's group, and where their grade goes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta, timezone

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from engine.model import Lesson, Module

from ..auth.accounts import new_group_code
from ..content import current_course
from ..extensions import db
from ..models import Group, GroupTutor, Learner, Membership, utcnow
from .. import services
from ..worker import run_later
from .grades import queue_score, send_learner_scores
from . import binding
from .models import LtiCourse, LtiGradeLink, LtiLogin, LtiResourceLink, LtiUsedNonce, LtiUser
from .tool import find_platform

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")  # a VLE never sends these; neither database keeps them
AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
INSTRUCTOR_ROLES = ("membership#Instructor", "membership#Administrator", "membership#ContentDeveloper",
                    "institution/person#Administrator", "system/person#Administrator", "membership#Mentor")


AGAIN = "Go back to your course and open the activity again."


class LaunchProblem(Exception):
    """A checked launch that still cannot go ahead; the message says why, in plain English."""


@dataclass(frozen=True)
class Person:
    """Who launched: our learner (or tutor), whether they teach the course, and its group."""

    learner: Learner
    instructor: bool
    group_id: int | None
    platform_id: int


def is_instructor(data: dict) -> bool:
    """Say whether the launch's roles make the person a teacher of the course."""
    roles = data.get(CLAIM + "roles")
    return isinstance(roles, list) and any(isinstance(r, str) and r.endswith(INSTRUCTOR_ROLES) for r in roles)


def _storable(text: str) -> str:
    """Return text without the characters no database can keep (NUL, halves of UTF-16 pairs)."""
    return UNSTORABLE.sub("", text)


def _name(data: dict) -> str | None:
    name = data.get("name") or " ".join(str(p) for p in (data.get("given_name"), data.get("family_name")) if p)
    return " ".join(_storable(str(name)).split())[:80] or None


def use_nonce(nonce: str, expires: int | None) -> None:
    """Record a launch's nonce; refuse one that was used before (a replayed launch)."""
    if not nonce:
        raise LaunchProblem("This launch has no nonce, so it cannot be checked.")
    now = utcnow()
    # Kept while the token could be sent again: until it expires, at least 10 minutes and at most a
    # day (its login lasts minutes, and a far-off exp must not overflow a date).
    left = (expires - now.replace(tzinfo=timezone.utc).timestamp()) if isinstance(expires, (int, float)) else 3600
    seconds = max(600.0, min(float(left), 86400.0))
    db.session.add(LtiUsedNonce(nonce=nonce[:255], expires_at=now + timedelta(seconds=seconds)))
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise LaunchProblem("This launch was already used. " + AGAIN) from None


def _claim_text(value: object, what: str, limit: int = 255) -> str:
    """Return an id the VLE sent, as text; refuse one that no database column could keep."""
    text = "" if value is None else str(value)
    if len(text) > limit or UNSTORABLE.search(text):
        raise LaunchProblem(f"Your VLE sent a {what} Skills Passport cannot keep. Tell your college's VLE team.")
    return text


def accept(message, data: dict, login: LtiLogin) -> Person:
    """Map a checked launch to a person of ours, their course group and gradebook; commit it all, or nothing.

    A class opening a new course at the same moment makes the same rows (the course's group,
    a person's first visit) in several requests at once: the ones that lose that race start
    again, and find the rows the winner made.
    """
    for attempt in range(3):
        try:
            return _accept(message, data, login)
        except IntegrityError:
            db.session.rollback()
    raise LaunchProblem("Skills Passport is very busy. " + AGAIN)


def _accept(message, data: dict, login: LtiLogin) -> Person:
    binding.use(login)
    use_nonce(str(data.get("nonce", "")), data.get("exp"))
    platform = find_platform(data["iss"], message.get_client_id())
    if platform is None:  # checked by the library already; kept so nothing is created if it ever is not
        raise LaunchProblem("Your VLE is not registered with Skills Passport.")
    sub = _claim_text(data.get("sub"), "user id")
    if not sub:
        raise LaunchProblem("Your VLE did not say who you are, so Skills Passport cannot keep your progress.")
    resource_link(data)  # refuse ids no database keeps now, before anything is made
    instructor = is_instructor(data)
    link = db.session.scalar(select(LtiUser).where(LtiUser.platform_id == platform.id, LtiUser.sub == sub))
    if link is None:
        learner = Learner(role="tutor" if instructor else "learner", display_name=_name(data))
        db.session.add(learner)
        db.session.flush()
        db.session.add(LtiUser(platform_id=platform.id, sub=sub, learner_id=learner.id))
    else:
        learner = db.session.get(Learner, link.learner_id)
        if instructor and learner.role == "learner":
            learner.role = "tutor"
        learner.display_name = _name(data) or learner.display_name
    learner.last_active_at = utcnow()
    group_id = _course_group(platform.id, data.get(CLAIM + "context") or {}, learner, instructor)
    if not instructor:
        _grade_link(platform.id, learner, sub, data)
    db.session.commit()
    if not instructor:
        run_later(send_learner_scores, learner.id)
    return Person(learner, instructor, group_id, platform.id)


def _course_group(platform_id: int, context: dict, learner: Learner, instructor: bool) -> int | None:
    """Return the group standing for the VLE course, made on first launch; put the person in it."""
    context = context if isinstance(context, dict) else {}
    context_id = _claim_text(context.get("id"), "course id")
    if not context_id:
        return None
    course = db.session.scalar(select(LtiCourse).where(LtiCourse.platform_id == platform_id,
                                                       LtiCourse.context_id == context_id))
    if course is None:
        title = _storable(str(context.get("title") or context.get("label") or "VLE course"))
        title = " ".join(title.split())[:100]
        group = Group(name=title, join_code=new_group_code(), tutor_id=learner.id if instructor else None)
        db.session.add(group)
        db.session.flush()
        course = LtiCourse(platform_id=platform_id, context_id=context_id, group_id=group.id)
        db.session.add(course)
    group = db.session.get(Group, course.group_id)
    if instructor:
        if group.tutor_id is None:
            group.tutor_id = learner.id
        elif group.tutor_id != learner.id and db.session.scalar(select(GroupTutor.id).where(
                GroupTutor.group_id == group.id, GroupTutor.tutor_id == learner.id)) is None:
            db.session.add(GroupTutor(group_id=group.id, tutor_id=learner.id))  # another teacher of the course
    elif db.session.scalar(select(Membership.id).where(Membership.group_id == group.id,
                                                       Membership.learner_id == learner.id)) is None:
        db.session.add(Membership(group_id=group.id, learner_id=learner.id))
    return group.id


def resource_link(data: dict) -> tuple[str, str]:
    """Return the launch's deployment and resource link ids: together they name one activity in the VLE."""
    link = data.get(CLAIM + "resource_link")
    link_id = link.get("id") if isinstance(link, dict) else None
    return (_claim_text(data.get(CLAIM + "deployment_id"), "deployment id"),
            _claim_text(link_id, "resource link id"))


def _custom(data: dict) -> dict:
    custom = data.get(CLAIM + "custom")
    return custom if isinstance(custom, dict) else {}


def chosen_topic(platform_id: int, data: dict) -> LtiResourceLink | None:
    """Return the topic a teacher chose for the launched activity, if they have."""
    deployment_id, link_id = resource_link(data)
    if not link_id:
        return None
    return db.session.scalar(select(LtiResourceLink).where(LtiResourceLink.platform_id == platform_id,
                                                           LtiResourceLink.deployment_id == deployment_id,
                                                           LtiResourceLink.resource_link_id == link_id))


def target(data: dict, platform_id: int | None = None) -> tuple[Module | None, Lesson | None]:
    """Return the module (and lesson) a launch opens: its custom parameters, or the topic its teacher chose."""
    custom = _custom(data)
    course = current_course()
    lesson = course.lessons.get(str(custom.get("lesson", "")))
    module = course.module(str(custom.get("module", ""))) or (course.module(lesson.module_id) if lesson else None)
    if module is None and platform_id is not None:
        chosen = chosen_topic(platform_id, data)
        module = course.module(chosen.module_id) if chosen else None
    return module, lesson


def needs_topic(data: dict) -> bool:
    """Say whether a launch names no topic itself: an activity added by hand in the VLE."""
    return target(data)[0] is None and bool(resource_link(data)[1])


def _grade_link(platform_id: int, learner: Learner, sub: str, data: dict) -> None:
    """Remember where this learner's score in the launched module goes, and queue the score they have now."""
    endpoint = data.get(AGS_CLAIM)
    endpoint = endpoint if isinstance(endpoint, dict) else {}
    module, _ = target(data, platform_id)
    lineitem = endpoint.get("lineitem")
    if module is None or not lineitem:
        return
    lineitem = _claim_text(lineitem, "gradebook address", 500)
    link = db.session.scalar(select(LtiGradeLink).where(LtiGradeLink.learner_id == learner.id,
                                                        LtiGradeLink.module_id == module.id,
                                                        LtiGradeLink.lineitem == lineitem))
    if link is None:
        link = LtiGradeLink(platform_id=platform_id, learner_id=learner.id, module_id=module.id, sub=sub,
                            lineitem=lineitem, endpoint=endpoint)
        db.session.add(link)
        db.session.flush()
    else:
        link.endpoint = endpoint
    queue_score(learner, module, services.load_state(learner, module), utcnow())


def choose_topic(platform_id: int, deployment_id: str, link_id: str, module: Module, teacher: Learner) -> bool:
    """Keep the topic a teacher chose for a hand-added activity; return False if one was chosen first."""
    db.session.add(LtiResourceLink(platform_id=platform_id, deployment_id=deployment_id, resource_link_id=link_id,
                                   module_id=module.id, chosen_by=teacher.id))
    try:
        db.session.commit()
    except IntegrityError:  # another teacher of the course chose at the same moment: theirs stands
        db.session.rollback()
        return False
    return True
