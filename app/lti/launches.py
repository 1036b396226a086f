"""What a checked launch does: who the person is here, their course's group, and where their grade goes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from engine.model import Lesson, Module

from ..auth.accounts import new_group_code
from ..content import current_course
from ..extensions import db
from ..models import Group, GroupTutor, Learner, Membership, utcnow
from .. import services
from .grades import queue_score, send_due
from .models import LtiCourse, LtiGradeLink, LtiUsedNonce, LtiUser
from .tool import find_platform

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
INSTRUCTOR_ROLES = ("membership#Instructor", "membership#Administrator", "membership#ContentDeveloper",
                    "institution/person#Administrator", "system/person#Administrator", "membership#Mentor")


class LaunchProblem(Exception):
    """A checked launch that still cannot go ahead; the message says why, in plain English."""


@dataclass(frozen=True)
class Person:
    """Who launched: our learner (or tutor), whether they teach the course, and its group."""

    learner: Learner
    instructor: bool
    group_id: int | None


def _is_instructor(data: dict) -> bool:
    return any(role.endswith(INSTRUCTOR_ROLES) for role in data.get(CLAIM + "roles", []))


def _name(data: dict) -> str | None:
    name = data.get("name") or " ".join(p for p in (data.get("given_name"), data.get("family_name")) if p)
    return " ".join(str(name).split())[:80] or None


def use_nonce(nonce: str, expires: int | None) -> None:
    """Record a launch's nonce; refuse one that was used before (a replayed launch)."""
    if not nonce:
        raise LaunchProblem("This launch has no nonce, so it cannot be checked.")
    until = (datetime.fromtimestamp(expires, timezone.utc).replace(tzinfo=None) if expires
             else utcnow() + timedelta(hours=1))
    db.session.add(LtiUsedNonce(nonce=nonce[:255], expires_at=max(until, utcnow() + timedelta(minutes=10))))
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise LaunchProblem("This launch was already used. Go back to your course and open the activity "
                            "again.") from None


def accept(message, data: dict) -> Person:
    """Map a checked launch to a person of ours, their course group and gradebook; commit it all, or nothing."""
    use_nonce(str(data.get("nonce", "")), data.get("exp"))
    platform = find_platform(data["iss"], message.get_client_id())
    if platform is None:  # checked by the library already; kept so nothing is created if it ever is not
        raise LaunchProblem("Your VLE is not registered with Skills Passport.")
    sub = str(data.get("sub") or "")
    if not sub:
        raise LaunchProblem("Your VLE did not say who you are, so Skills Passport cannot keep your progress.")
    instructor = _is_instructor(data)
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
        send_due(learner_id=learner.id)
    return Person(learner, instructor, group_id)


def _course_group(platform_id: int, context: dict, learner: Learner, instructor: bool) -> int | None:
    """Return the group standing for the VLE course, made on first launch; put the person in it."""
    context_id = str(context.get("id") or "")
    if not context_id:
        return None
    course = db.session.scalar(select(LtiCourse).where(LtiCourse.platform_id == platform_id,
                                                       LtiCourse.context_id == context_id))
    if course is None:
        title = " ".join(str(context.get("title") or context.get("label") or "VLE course").split())[:100]
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


def target(data: dict) -> tuple[Module | None, Lesson | None]:
    """Return the module (and lesson) a launch opens, from its custom parameters."""
    custom = data.get(CLAIM + "custom") or {}
    course = current_course()
    lesson = course.lessons.get(str(custom.get("lesson", "")))
    module = course.module(str(custom.get("module", ""))) or (course.module(lesson.module_id) if lesson else None)
    return module, lesson


def _grade_link(platform_id: int, learner: Learner, sub: str, data: dict) -> None:
    """Remember where this learner's score in the launched module goes, and queue the score they have now."""
    endpoint = data.get(AGS_CLAIM) or {}
    module, _ = target(data)
    lineitem = endpoint.get("lineitem")
    if module is None or not lineitem:
        return
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
