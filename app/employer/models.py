"""The employers' tables: organisations, the people who act for them, opportunities and applications.

Also a learner's optional postcode district, which the council's report counts by area.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models import utcnow

# What an opportunity is, in the words the compact uses; the key is stored.
KINDS = {
    "work-experience": "Work experience",
    "interview": "A guaranteed interview",
    "apprenticeship": "An apprenticeship",
    "job": "A job",
}
# Where an application stands. The employer records the middle four; only the learner withdraws.
STATUSES = {
    "applied": "Applied",
    "interviewed": "Interviewed",
    "offered": "Offered",
    "started": "Started",
    "not-taken-forward": "Not taken forward",
    "withdrawn": "Withdrawn by the learner",
}
OUTCOMES = ("interviewed", "offered", "started", "not-taken-forward")


class Organisation(db.Model):
    """An employer that signed the compact: what it does and the skills its roles need."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    about: Mapped[str] = mapped_column(String(2000), default="")
    # Skill ids from the course, and Essential Digital Skills Framework areas written as "area:<name>".
    needs: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Employer(db.Model):
    """An employer's account (a row of `learners` with the role "employer") and the organisation it acts for."""

    __tablename__ = "employers"
    __table_args__ = (UniqueConstraint("learner_id", name="uq_employers_learner"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)


class Opportunity(db.Model):
    """Something an organisation offers passport holders, and the level it needs in each topic."""

    __tablename__ = "opportunities"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(120))
    place: Mapped[str] = mapped_column(String(120))
    closes_on: Mapped[date]
    levels: Mapped[dict] = mapped_column(JSON, default=dict)  # module id -> the level it needs
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    organisation: Mapped[Organisation] = relationship()

    @property
    def kind_name(self) -> str:
        """Return what kind of opportunity this is, in words."""
        return KINDS.get(self.kind, self.kind)


class Application(db.Model):
    """A learner applied to an opportunity: their passport is shared with its organisation alone."""

    __tablename__ = "applications"
    __table_args__ = (UniqueConstraint("opportunity_id", "learner_id", name="uq_applications_opportunity_learner"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id", ondelete="CASCADE"), index=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), index=True)
    message: Mapped[str] = mapped_column(String(1000), default="")
    status: Mapped[str] = mapped_column(String(20), default="applied")
    applied_at: Mapped[datetime] = mapped_column(default=utcnow)
    status_at: Mapped[datetime] = mapped_column(default=utcnow)  # when the status last changed
    # The levels as checked when the learner applied: [{"module_id", "level", "award"}], award a public id.
    checked: Mapped[list] = mapped_column(JSON, default=list)
    opportunity: Mapped[Opportunity] = relationship()

    @property
    def applied_to(self) -> str:
        """Return what was applied for and to whom, for the learner's data download."""
        return f"{self.opportunity.title} ({self.opportunity.kind_name}) at {self.opportunity.organisation.name}"

    @property
    def status_name(self) -> str:
        """Return where the application stands, in words."""
        return STATUSES.get(self.status, self.status)

    @property
    def withdrawn(self) -> bool:
        """Say whether the learner withdrew the application."""
        return self.status == "withdrawn"


class LearnerArea(db.Model):
    """The postcode district a learner chose to give (like "L20"): never a full postcode."""

    __tablename__ = "learner_areas"
    __table_args__ = (UniqueConstraint("learner_id", name="uq_learner_areas_learner"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), index=True)
    district: Mapped[str] = mapped_column(String(4))
    given_at: Mapped[datetime] = mapped_column(default=utcnow)
