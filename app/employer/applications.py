"""Applications: a learner applies with a short message and withdraws; the employer records what happened.

Applying shares the learner's passport with that opportunity's organisation alone: no other
employer sees the learner, and a withdrawn application shows the employer nothing about them.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ..auth.accounts import AccountError
from ..extensions import db
from ..models import Learner, utcnow
from . import checks, offers
from .models import OUTCOMES, Application, Opportunity, Organisation

MESSAGE_LENGTH = 1000
NAME_LENGTH = 80


class ApplyError(AccountError):
    """An application cannot be made or changed; `field` names the box and the message says why."""


def of_learner(learner: Learner | None) -> list[Application]:
    """Return a learner's applications, newest first."""
    if learner is None:
        return []
    return list(db.session.scalars(select(Application).where(Application.learner_id == learner.id)
                                   .order_by(Application.applied_at.desc(), Application.id.desc())))


def find_mine(learner: Learner | None, application_id: int) -> Application | None:
    """Return the learner's own application with this number, or None."""
    application = db.session.get(Application, application_id)
    if learner is None or application is None or application.learner_id != learner.id:
        return None
    return application


def apply(learner: Learner, opportunity: Opportunity, message: str, name: str) -> Application:
    """Apply for an opportunity, checking the levels it needs from the learner's awards now."""
    if learner.username is None and learner.resume_code_hash is None:
        raise ApplyError("account", "Save your progress first, so your application is kept")
    if not offers.is_open(opportunity):
        raise ApplyError("levels", "This opportunity has closed")
    if checks.shortfall(opportunity.levels, checks.awards_of(learner.id)):
        raise ApplyError("levels", "Your passport does not have the levels this needs yet")
    name, message = " ".join(name.split()), message.strip()
    if not name and not learner.display_name:
        raise ApplyError("name", "Enter your name, so the employer knows who you are")
    if len(name) > NAME_LENGTH:
        raise ApplyError("name", f"Your name must be {NAME_LENGTH} characters or fewer")
    if len(message) > MESSAGE_LENGTH:
        raise ApplyError("message", f"Your message must be {MESSAGE_LENGTH} characters or fewer")
    application = db.session.scalar(select(Application).where(Application.opportunity_id == opportunity.id,
                                                              Application.learner_id == learner.id))
    if application is not None and not application.withdrawn:
        raise ApplyError("levels", "You have applied for this already")
    if name:
        learner.display_name = name
    now = utcnow()
    if application is None:  # applying again after withdrawing starts the same application afresh
        application = Application(opportunity_id=opportunity.id, learner_id=learner.id)
        db.session.add(application)
    application.message, application.status, application.applied_at, application.status_at = \
        message, "applied", now, now
    application.checked = checks.snapshot(opportunity.levels, checks.awards_of(learner.id))
    db.session.commit()
    return application


def withdraw(application: Application) -> None:
    """Withdraw an application: the employer no longer sees the learner's name, message or passport."""
    if not application.withdrawn:
        application.status, application.status_at = "withdrawn", utcnow()
        db.session.commit()


@dataclass(frozen=True)
class Applicant:
    """Someone who applied to the employer, with their levels checked now."""

    application: Application
    name: str
    checks: list[checks.LevelCheck]

    @property
    def meets_all(self) -> bool:
        """Say whether every level needed is valid now."""
        return all(c.status == "valid" for c in self.checks)


def applicant(application: Application) -> Applicant:
    """Return an application with its learner's name and levels checked live."""
    learner = db.session.get(Learner, application.learner_id)
    return Applicant(application, learner.display_name or "A Skills Passport learner",
                     checks.level_checks(application.opportunity.levels, checks.awards_of(learner.id)))


def applicants(opportunity: Opportunity) -> list[Applicant]:
    """Return everyone who applied for an opportunity, earliest first, withdrawn ones last and without details."""
    rows = db.session.scalars(select(Application).where(Application.opportunity_id == opportunity.id)
                              .order_by(Application.applied_at, Application.id))
    return sorted((applicant(row) for row in rows), key=lambda a: a.application.withdrawn)


def find_for(organisation: Organisation, application_id: int) -> Application | None:
    """Return an application to one of the organisation's opportunities, or None: others' are not found."""
    application = db.session.get(Application, application_id)
    if application is None or application.opportunity.organisation_id != organisation.id:
        return None
    return application


def record_outcome(application: Application, status: str) -> None:
    """Record what happened: interviewed, offered, started, or not taken forward."""
    if application.withdrawn:
        raise ApplyError("status", "This person withdrew their application, so nothing more can be recorded")
    if status not in OUTCOMES:
        raise ApplyError("status", "Choose what happened")
    if status != application.status:
        application.status, application.status_at = status, utcnow()
        db.session.commit()


def fits_for(organisation: Organisation, learner_id: int) -> list[tuple[Opportunity, bool]]:
    """Return the organisation's open opportunities, each with whether this learner's passport meets it now."""
    awards = checks.awards_of(learner_id)
    return [(o, not checks.shortfall(o.levels, awards)) for o in offers.open_ones(organisation)]
