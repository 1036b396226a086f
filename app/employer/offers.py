"""Opportunities as an employer makes and changes them, and as learners find them open."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from engine.model import LEVELS

from ..auth.accounts import AccountError
from ..content import current_course
from ..extensions import db
from ..models import utcnow
from .models import KINDS, Application, Opportunity, Organisation

TITLE_LENGTH = PLACE_LENGTH = 120
LONGEST_AHEAD_DAYS = 2 * 366  # a closing date further off than this is a typing slip


class OfferError(AccountError):
    """A box on the opportunity form cannot be used; `field` names it and the message says why."""


@dataclass
class OfferForm:
    """What the employer typed on the opportunity form, kept to show again beside any problem."""

    kind: str = ""
    title: str = ""
    place: str = ""
    closes_on: str = ""
    levels: dict | None = None

    @classmethod
    def from_request(cls, form) -> "OfferForm":
        """Read the form's boxes: a level box per topic, named level-<topic id>."""
        levels = {m.id: form.get(f"level-{m.id}", "") for m in current_course().modules}
        return cls(form.get("kind", ""), form.get("title", ""), form.get("place", ""), form.get("closes_on", ""),
                   {k: v for k, v in levels.items() if v})

    @classmethod
    def of(cls, opportunity: Opportunity) -> "OfferForm":
        """Return the form filled in with an opportunity as it is."""
        return cls(opportunity.kind, opportunity.title, opportunity.place, opportunity.closes_on.isoformat(),
                   dict(opportunity.levels))


def today() -> date:
    """Return today's date in UTC, as closing dates are compared."""
    return utcnow().date()


def _checked(form: OfferForm, new: bool) -> dict:
    """Return the opportunity's values from the form, or raise OfferError naming the first box to change."""
    if form.kind not in KINDS:
        raise OfferError("kind", "Choose what you are offering")
    title, place = " ".join(form.title.split()), " ".join(form.place.split())
    if not title:
        raise OfferError("title", "Enter a title, such as Customer service assistant")
    if len(title) > TITLE_LENGTH:
        raise OfferError("title", f"The title must be {TITLE_LENGTH} characters or fewer")
    if not place:
        raise OfferError("place", "Enter where it is, such as Bootle town centre")
    if len(place) > PLACE_LENGTH:
        raise OfferError("place", f"Where it is must be {PLACE_LENGTH} characters or fewer")
    try:
        closes_on = date.fromisoformat(form.closes_on.strip())
    except ValueError:
        raise OfferError("closes_on", "Enter the closing date as a real date, like 2027-03-31") from None
    if new and closes_on < today():
        raise OfferError("closes_on", "The closing date must be today or later")
    if (closes_on - today()).days > LONGEST_AHEAD_DAYS:
        raise OfferError("closes_on", "The closing date must be within two years")
    modules = {m.id for m in current_course().modules}
    levels = {module_id: level for module_id, level in (form.levels or {}).items()
              if module_id in modules and level in LEVELS}
    if len(levels) != len(form.levels or {}):
        raise OfferError("levels", "Choose bronze, silver or gold for each topic you need, or no level")
    if not levels:
        raise OfferError("levels", "Choose the passport level you need in at least one topic")
    return {"kind": form.kind, "title": title, "place": place, "closes_on": closes_on, "levels": levels}


def create(organisation: Organisation, form: OfferForm) -> Opportunity:
    """Offer a new opportunity, or raise OfferError."""
    opportunity = Opportunity(organisation_id=organisation.id, **_checked(form, new=True))
    db.session.add(opportunity)
    db.session.commit()
    return opportunity


def change(opportunity: Opportunity, form: OfferForm) -> None:
    """Change an opportunity (a closing date may be brought forward to today, to close it early)."""
    for name, value in _checked(form, new=False).items():
        setattr(opportunity, name, value)
    db.session.commit()


def of_organisation(organisation: Organisation) -> list[tuple[Opportunity, int]]:
    """Return an organisation's opportunities, latest closing first, each with how many applied and did not withdraw."""
    counts = dict(db.session.execute(
        select(Application.opportunity_id, func.count(Application.id))
        .join(Opportunity, Opportunity.id == Application.opportunity_id)
        .where(Opportunity.organisation_id == organisation.id, Application.status != "withdrawn")
        .group_by(Application.opportunity_id)).all())
    rows = db.session.scalars(select(Opportunity).where(Opportunity.organisation_id == organisation.id)
                              .order_by(Opportunity.closes_on.desc(), Opportunity.id.desc()))
    return [(row, counts.get(row.id, 0)) for row in rows]


def find_for(organisation: Organisation, opportunity_id: int) -> Opportunity | None:
    """Return the organisation's opportunity with this number, or None (another's is not found either)."""
    opportunity = db.session.get(Opportunity, opportunity_id)
    return opportunity if opportunity is not None and opportunity.organisation_id == organisation.id else None


def is_open(opportunity: Opportunity) -> bool:
    """Say whether an opportunity still takes applications: its closing date is today or later."""
    return opportunity.closes_on >= today()


def open_ones(organisation: Organisation | None = None) -> list[Opportunity]:
    """Return the opportunities still open (one organisation's if given), closing soonest first."""
    query = select(Opportunity).where(Opportunity.closes_on >= today())
    if organisation is not None:
        query = query.where(Opportunity.organisation_id == organisation.id)
    return list(db.session.scalars(query.order_by(Opportunity.closes_on, Opportunity.id)))


def topic_title(module_id: str) -> str:
    """Return a topic's title, or its id if the course no longer has it."""
    module = current_course().module(module_id)
    return module.title if module else module_id
