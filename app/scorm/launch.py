"""Packages and launches as service functions: sign a package's token, read a launch, and find its learner.

A package's token is signed with the app's SECRET_KEY and never expires, because a
package sits in a VLE course for years. It names the package and its module. The
token is in every student's copy of the package, so it says only which package a
launch came through; the LMS says who the student is, and the student's key (which
only their own LMS keeps, in cmi.suspend_data) proves it. See "Trust model" in docs/vle.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_login import login_user
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from engine.model import Module
from engine.scoring import Score, module_score

from .. import services
from ..content import current_parameters
from ..extensions import db
from ..models import Learner, ScormLearner, ScormPackage, utcnow
from . import keys

SALT = "scorm-package"
# Tokens of packages whose SCO keeps the student's key carry "v": 2. Packages made before
# keys have no "v": their SCO cannot send a key, so nobody can tell their students apart.
VERSION = 2
STUDENT_ID_LENGTH = 255  # cmi.core.student_id is a CMIIdentifier: at most 255 characters
NAME_LENGTH = 80  # Learner.display_name
# How long after an admin reopens a student's record their next launch may take it.
REOPEN_FOR = timedelta(days=1)

OPEN_FROM_COURSE = "Open the topic from your course page in the VLE."


class LaunchError(Exception):
    """A launch or progress request that cannot be served, with the status to answer and why, in plain words."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Launch:
    """What a launch's token and the LMS said: the package, and the student in the VLE."""

    package: ScormPackage
    student_id: str

    @property
    def reference(self) -> str:
        """Return what an admin needs to reopen this student's record: `flask scorm reopen REFERENCE`."""
        return f"{self.package.public_id}/{self.student_id}"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def new_package(module: Module, created_by: str) -> ScormPackage:
    """Record a new package for a module and return it."""
    package = ScormPackage(module_id=module.id, created_by=created_by[:100])
    db.session.add(package)
    db.session.commit()
    return package


def token_for(package: ScormPackage) -> str:
    """Return the signed token a package carries: its id, its module's, and that its SCO keeps a key."""
    return _serializer().dumps({"package": package.public_id, "module": package.module_id, "v": VERSION})


def read_package(token: str | None) -> ScormPackage:
    """Check a package's token and return the package it names."""
    try:
        data = _serializer().loads(token or "")
    except BadSignature:
        raise LaunchError("This link to the topic is not valid. It may have been changed or cut short. "
                          "Ask your tutor to add the topic to your course again.") from None
    if not isinstance(data, dict):
        raise LaunchError("This link to the topic is not valid.")
    package = db.session.scalar(select(ScormPackage).where(ScormPackage.public_id == data.get("package")))
    if package is None or package.module_id != data.get("module"):
        raise LaunchError("This package is no longer known to Skills Passport. "
                          "Ask your tutor to download the topic again and add it to your course.")
    if data.get("v") != VERSION:
        raise LaunchError("This copy of the topic is out of date, and can no longer keep your progress safe. "
                          "Ask your tutor to download the topic again from Skills Passport and put the new "
                          "copy in your course in place of this one. Progress you saved to an account is kept.")
    return package


def read_student(student_id: str | None) -> str:
    """Check the student id a VLE sent (cmi.core.student_id) and return it."""
    student_id = (student_id or "").strip()
    if not student_id or len(student_id) > STUDENT_ID_LENGTH or not student_id.isprintable():
        raise LaunchError("Your VLE did not say who you are in a way this site can use, so your progress "
                          "could not be kept. " + OPEN_FROM_COURSE)
    return student_id


def read_launch(token: str | None, student_id: str | None) -> Launch:
    """Check a token and a student id from a VLE, and return the package and student they name."""
    return Launch(read_package(token), read_student(student_id))


def display_name(lms_name: str | None) -> str | None:
    """Return a VLE's name for a student as people write it: "Taylor, Sam" becomes "Sam Taylor".

    SCORM 1.2 gives cmi.core.student_name as "Last, First"; LMSs that give
    "First Last" are left as they are. Characters nobody can see are dropped.
    """
    name = " ".join("".join(c for c in (lms_name or "")[:1000] if c.isprintable() or c.isspace()).split())
    if name.count(",") == 1:
        last, first = (part.strip() for part in name.split(","))
        name = f"{first} {last}".strip()
    return name[:NAME_LENGTH] or None


def _link(launch: Launch) -> ScormLearner | None:
    return db.session.scalar(select(ScormLearner).where(ScormLearner.package_id == launch.package.id,
                                                        ScormLearner.lms_student_id == launch.student_id))


def _refused(launch: Launch) -> LaunchError:
    return LaunchError(
        "You have opened this topic before, but your VLE did not send the key it was given then, so this "
        "site cannot tell that it is you. Your progress is safe. This can happen if the VLE started a new "
        "attempt, or if the topic is in more than one course. Open it from the same course as before, or "
        "ask your tutor to have it reopened for you, quoting this reference: " + launch.reference, 403)


def _reopened(link: ScormLearner) -> bool:
    return link.key_hash is None and link.reopened_at is not None and utcnow() - link.reopened_at <= REOPEN_FOR


def start(launch: Launch, key: str | None, lms_name: str | None) -> str:
    """Check a launch's key, making the learner and their key on a first launch; return the key the VLE keeps.

    Nothing is made or changed for a student who has a learner and did not send its key.
    """
    link = _link(launch)
    if link is not None:
        if keys.matches(key, link.key_hash):
            return key
        if not _reopened(link):
            raise _refused(launch)
        fresh = keys.new_key()
        link.key_hash, link.reopened_at = keys.hash_of(fresh), None
        db.session.commit()
        return fresh
    fresh = keys.new_key()
    learner = Learner(role="learner", display_name=display_name(lms_name))
    db.session.add(learner)
    db.session.flush()
    db.session.add(ScormLearner(package_id=launch.package.id, lms_student_id=launch.student_id,
                                learner_id=learner.id, key_hash=keys.hash_of(fresh)))
    try:
        db.session.commit()
    except IntegrityError:
        # The same student id launched twice at once: the other launch has the learner and its key.
        db.session.rollback()
        raise LaunchError("This topic was opened twice at the same moment. Close it, and open it again "
                          "from your course.", 409) from None
    return fresh


def learner_for(launch: Launch, key: str | None) -> Learner:
    """Return the learner behind a VLE student of a package, if the launch sent their key."""
    link = _link(launch)
    if link is None:
        raise LaunchError("This student has not opened the topic yet. " + OPEN_FROM_COURSE, 404)
    if not keys.matches(key, link.key_hash):
        raise _refused(launch)
    learner = db.session.get(Learner, link.learner_id)
    if learner is None:
        raise LaunchError("This student has not opened the topic yet. " + OPEN_FROM_COURSE, 404)
    return learner


def sign_in(learner: Learner) -> None:
    """Sign in a VLE student's learner for this browser session."""
    # Not remembered: a VLE is often used on a shared computer, and every launch signs in again.
    login_user(learner, remember=False)
    learner.last_active_at = utcnow()
    db.session.commit()


def reopen(reference: str) -> ScormLearner | None:
    """Let the next launch of a student, within a day, take their record and get a new key; return the record."""
    public_id, _, student_id = reference.strip().partition("/")
    link = db.session.scalar(select(ScormLearner).join(ScormPackage).where(
        ScormPackage.public_id == public_id, ScormLearner.lms_student_id == student_id))
    if link is not None:
        link.key_hash, link.reopened_at = None, utcnow()
        db.session.commit()
    return link


def score_of(learner: Learner, module: Module) -> Score:
    """Return how much of the module the learner has mastered now: what the VLE's gradebook gets."""
    return module_score(module, services.load_state(learner, module), current_parameters(), utcnow())
