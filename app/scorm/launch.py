"""Packages and launches as service functions: sign a package's token, read it, and find a VLE student's learner.

A package's token is signed with the app's SECRET_KEY and never expires, because a
package sits in a VLE course for years. It names the package and its module, so a
launch knows which package the student came through; the LMS says who the student is.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_login import login_user
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from engine.model import Module
from engine.progress import Score, module_score

from .. import services
from ..content import current_parameters
from ..extensions import db
from ..models import Learner, ScormLearner, ScormPackage, utcnow

SALT = "scorm-package"
STUDENT_ID_LENGTH = 255  # cmi.core.student_id is a CMIIdentifier: at most 255 characters
NAME_LENGTH = 80  # Learner.display_name


class LaunchError(Exception):
    """A launch or progress request that cannot be served: a bad token or a missing student."""


@dataclass(frozen=True)
class Launch:
    """What a launch's token and the LMS said: the package, and the student in the VLE."""

    package: ScormPackage
    student_id: str


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def new_package(module: Module, created_by: str) -> ScormPackage:
    """Record a new package for a module and return it."""
    package = ScormPackage(module_id=module.id, created_by=created_by[:100])
    db.session.add(package)
    db.session.commit()
    return package


def token_for(package: ScormPackage) -> str:
    """Return the signed token a package carries: its id and its module's."""
    return _serializer().dumps({"package": package.public_id, "module": package.module_id})


def read_launch(token: str | None, student_id: str | None) -> Launch:
    """Check a token and a student id from a VLE, and return the package and student they name."""
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
    student_id = (student_id or "").strip()
    if not student_id or len(student_id) > STUDENT_ID_LENGTH:
        raise LaunchError("Your VLE did not say who you are, so your progress could not be kept. "
                          "Open the topic from your course page in the VLE.")
    return Launch(package, student_id)


def display_name(lms_name: str | None) -> str | None:
    """Return a VLE's name for a student as people write it: "Taylor, Sam" becomes "Sam Taylor".

    SCORM 1.2 gives cmi.core.student_name as "Last, First"; LMSs that give
    "First Last" are left as they are.
    """
    name = " ".join((lms_name or "").split())
    if name.count(",") == 1:
        last, first = (part.strip() for part in name.split(","))
        name = f"{first} {last}".strip()
    return name[:NAME_LENGTH] or None


def _link(launch: Launch) -> ScormLearner | None:
    return db.session.scalar(select(ScormLearner).where(ScormLearner.package_id == launch.package.id,
                                                        ScormLearner.lms_student_id == launch.student_id))


def learner_for(launch: Launch) -> Learner | None:
    """Return the learner behind a VLE student of a package, or None if they have never launched it."""
    link = _link(launch)
    return db.session.get(Learner, link.learner_id) if link else None


def sign_in_student(launch: Launch, lms_name: str | None) -> Learner:
    """Sign in the learner behind a VLE student, making one on their first launch of the package."""
    learner = learner_for(launch)
    if learner is None:
        learner = Learner(role="learner", display_name=display_name(lms_name))
        db.session.add(learner)
        db.session.flush()
        db.session.add(ScormLearner(package_id=launch.package.id, lms_student_id=launch.student_id,
                                    learner_id=learner.id))
        try:
            db.session.commit()
        except IntegrityError:
            # The same student launched twice at once (two tabs): the other launch made the learner.
            db.session.rollback()
            learner = learner_for(launch)
            if learner is None:
                raise
    # Not remembered: a VLE is often used on a shared computer, and every launch signs in again.
    login_user(learner, remember=False)
    learner.last_active_at = utcnow()
    db.session.commit()
    return learner


def score_of(learner: Learner, module: Module) -> Score:
    """Return how much of the module the learner has mastered now: what the VLE's gradebook gets."""
    return module_score(module, services.load_state(learner, module), current_parameters(), utcnow())
