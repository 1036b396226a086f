"""Organisations and the employers' accounts that act for them, as admins and employers manage them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from engine.model import AREAS

from ..auth.accounts import AccountError, create_user
from ..content import current_course
from ..extensions import db
from ..models import Learner
from .models import Employer, Organisation

NAME_LENGTH = 100
ABOUT_LENGTH = 2000
AREA_PREFIX = "area:"


class OrganisationError(AccountError):
    """A box on an organisation's form cannot be used; `field` names it and the message says why."""


@dataclass(frozen=True)
class Need:
    """Something an organisation's roles may need: one of our skills, or a framework area."""

    value: str
    label: str
    topic: str  # the topic a skill is taught in, or "Essential Digital Skills Framework areas"


def need_choices() -> list[Need]:
    """Return every skill and framework area an organisation may say its roles need, grouped by topic."""
    choices = [Need(AREA_PREFIX + area, area, "Essential Digital Skills Framework areas") for area in AREAS]
    for module in current_course().modules:
        choices.extend(Need(skill.id, skill.title, module.title) for skill in module.skills)
    return choices


def need_label(value: str) -> str:
    """Return what a need is called, or the value itself if the course no longer has it."""
    return next((need.label for need in need_choices() if need.value == value), value)


def clean_name(name: str) -> str:
    """Return an organisation's or person's name with its spaces tidied."""
    return " ".join(name.split())


def check_name(name: str, field: str = "organisation") -> str:
    """Return an organisation's tidied name, or raise saying what to change."""
    name = clean_name(name)
    if not name:
        raise OrganisationError(field, "Enter the organisation’s name")
    if len(name) > NAME_LENGTH:
        raise OrganisationError(field, f"The organisation’s name must be {NAME_LENGTH} characters or fewer")
    return name


def find_or_make(name: str) -> Organisation:
    """Return the organisation with this name (in any case), making it if there is none."""
    name = check_name(name)
    organisation = db.session.scalar(select(Organisation).where(func.lower(Organisation.name) == name.lower()))
    if organisation is None:
        organisation = Organisation(name=name, about="", needs=[])
        db.session.add(organisation)
        db.session.flush()
    return organisation


def create_employer(username: str, password: str, organisation: str, name: str | None = None) -> Learner:
    """Create an employer's account acting for an organisation (made if new), checking every box first."""
    check_name(organisation)
    user = create_user(username, password, "employer", clean_name(name or "") or None)
    db.session.add(Employer(learner_id=user.id, organisation_id=find_or_make(organisation).id))
    db.session.commit()
    return user


def organisation_of(user) -> Organisation | None:
    """Return the organisation an employer's account acts for, or None."""
    if user is None or not getattr(user, "is_authenticated", False) or user.role != "employer":
        return None
    return db.session.scalar(select(Organisation).join(Employer, Employer.organisation_id == Organisation.id)
                             .where(Employer.learner_id == user.id))


def employers() -> list[tuple[Learner, Organisation]]:
    """Return every employer's account with its organisation, by organisation then username."""
    rows = db.session.execute(select(Learner, Organisation).join(Employer, Employer.learner_id == Learner.id)
                              .join(Organisation, Organisation.id == Employer.organisation_id)
                              .order_by(Organisation.name, Learner.username))
    return [(person, organisation) for person, organisation in rows]


def update(organisation: Organisation, name: str, about: str, needs: list[str]) -> None:
    """Change an organisation's name, what it does and the skills its roles need."""
    about = about.strip()
    if len(about) > ABOUT_LENGTH:
        raise OrganisationError("about", f"Say what the organisation does in {ABOUT_LENGTH} characters or fewer")
    known = {need.value for need in need_choices()}
    organisation.name = check_name(name, "name")
    organisation.about = about
    organisation.needs = [need for need in dict.fromkeys(needs) if need in known]  # forged values are dropped
    db.session.commit()
