"""The database tables: learners, the lessons they have read, every answer they gave, and their badges."""

from __future__ import annotations

import secrets
from datetime import datetime, timezone

from flask_login import UserMixin
from sqlalchemy import JSON, Float, ForeignKey, Index, String, UniqueConstraint, event, false
from sqlalchemy.orm import Mapped, mapped_column

from .extensions import db


def utcnow() -> datetime:
    """Return the time now in UTC, without a zone, as every table stores it."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


ROLES = ("learner", "tutor", "admin", "employer")


class Learner(UserMixin, db.Model):
    """Someone using the site: a learner (a guest until they save an account), or a tutor or admin.

    Tutors and admins are rows here too, with their `role`, so one sign-in serves everyone.
    """

    __tablename__ = "learners"
    __table_args__ = (UniqueConstraint("username", name="uq_learners_username"),
                      UniqueConstraint("resume_code_hash", name="uq_learners_resume_code_hash"))

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_active_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The name shown on the learner's certificate, on pages they share, and to their tutor.
    display_name: Mapped[str | None] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(10), default="learner", server_default="learner")
    username: Mapped[str | None] = mapped_column(String(40))  # kept in lower case
    password_hash: Mapped[str | None] = mapped_column(String(255))
    # A printable code that brings the learner's progress to another device; only its hash is kept.
    resume_code_hash: Mapped[str | None] = mapped_column(String(64))
    # Part of every sign-in cookie: a new one ends every session of this account, on every device
    # (app/auth/sessions.py). Empty only for rows made before it existed, whose cookies hold the id alone.
    session_key: Mapped[str | None] = mapped_column(String(32), default=lambda: new_session_key())

    def get_id(self) -> str:
        """Return what a sign-in cookie holds: the learner's number and their current session key."""
        return f"{self.id}.{self.session_key}" if self.session_key else str(self.id)

    @property
    def is_guest(self) -> bool:
        """Say whether the learner has neither an account nor a resume code."""
        return self.username is None and self.resume_code_hash is None

    @property
    def is_tutor(self) -> bool:
        """Say whether this is a tutor or an admin."""
        return self.role in ("tutor", "admin")

    @property
    def is_admin(self) -> bool:
        """Say whether this is an admin."""
        return self.role == "admin"

    @property
    def is_staff(self) -> bool:
        """Say whether this account works here (a tutor, admin or employer): not remembered, nothing carried over."""
        return self.role != "learner"


def new_session_key() -> str:
    """Return a random session key: cookies made with the old one stop working."""
    return secrets.token_urlsafe(16)


def new_public_id() -> str:
    """Return a random id for a public address: long enough that nobody can guess one.

    It never starts with "-", so an admin can paste it after a command (`badges revoke ID`)
    without it being read as an option.
    """
    while True:
        public_id = secrets.token_urlsafe(16)
        if not public_id.startswith("-"):
            return public_id


class ApiToken(db.Model):
    """A bearer token that lets another program act as a learner. Only its hash is kept."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LessonRead(db.Model):
    """A learner has read a lesson."""

    __tablename__ = "lesson_reads"
    __table_args__ = (UniqueConstraint("learner_id", "lesson_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), index=True)
    lesson_id: Mapped[str] = mapped_column(String(100))
    module_id: Mapped[str] = mapped_column(String(100))
    read_at: Mapped[datetime] = mapped_column(default=utcnow)


class AnswerRecord(db.Model):
    """One answer a learner gave. Rows are only ever added, never changed.

    This record is the raw material for everything adaptive: mastery, the next
    step, badges and tutors' reports are all worked out from it.
    """

    __tablename__ = "answers"
    __table_args__ = (Index("ix_answers_learner_module", "learner_id", "module_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(100))
    module_id: Mapped[str] = mapped_column(String(100))
    skill_id: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))
    response: Mapped[dict] = mapped_column(JSON)  # engine.answers.Answer.as_record()
    given: Mapped[str] = mapped_column(String(1000))  # the answer in words, for tutors
    correct: Mapped[bool]
    hints_used: Mapped[int] = mapped_column(default=0)
    # The learner said someone helped them: the answer is kept but counts for no badge.
    helped: Mapped[bool] = mapped_column(default=False, server_default=false())
    misconceptions: Mapped[list] = mapped_column(JSON, default=list)
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A practice task (engine.tasks) rather than a question: the task's id, and the learner's steps as
    # its kind keeps them (never a password typed, never a card number). None for a question.
    task_id: Mapped[str | None] = mapped_column(String(100))
    steps: Mapped[dict | None] = mapped_column(JSON)

    @property
    def said_dont_know(self) -> bool:
        """Say whether the learner answered "I don't know yet" (app.services.record_answer keeps it so)."""
        return isinstance(self.response, dict) and self.response.get("dont_know") is True


class LearnerModuleState(db.Model):
    """The engine's small state for one learner in one module, updated after each step.

    It is derived from the answer record, kept so that choosing the next step
    never replays the whole history.
    """

    __tablename__ = "learner_module_states"
    __table_args__ = (UniqueConstraint("learner_id", "module_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"))
    module_id: Mapped[str] = mapped_column(String(100))
    state: Mapped[dict] = mapped_column(JSON)  # engine.progress.LearnerState.as_dict()
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Award(db.Model):
    """A passport level a learner earned in a module, with what they showed to earn it.

    An award is made once and kept: estimates falling later do not take it away.
    A tutor or admin may revoke it, with a reason; the row stays so checks can say so.
    """

    __tablename__ = "awards"
    __table_args__ = (UniqueConstraint("learner_id", "module_id", "level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(10))
    awarded_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Indexed so deleting a learner's answers does not scan every award to clear this link.
    answer_id: Mapped[int | None] = mapped_column(ForeignKey("answers.id", ondelete="SET NULL"), index=True)
    evidence: Mapped[dict] = mapped_column(JSON)  # engine.passport.evidence()
    # Open Badges keeps the recipient private: only a salted hash of who it is goes in the badge.
    recipient_salt: Mapped[str] = mapped_column(String(32), default=lambda: secrets.token_hex(8))
    # The learner the badge was made out to, kept so the badge's hashed recipient never changes,
    # even if the award later moves to the account the learner signs in to.
    recipient_number: Mapped[int | None]
    shared: Mapped[bool] = mapped_column(default=False)  # its check page and badge answer publicly
    revoked_at: Mapped[datetime | None]
    revoked_reason: Mapped[str | None] = mapped_column(String(500))
    revoked_by: Mapped[str | None] = mapped_column(String(100))

    @property
    def revoked(self) -> bool:
        """Say whether the award was revoked."""
        return self.revoked_at is not None


class PassportShare(db.Model):
    """A link a learner made to show their whole passport. Withdrawing it makes the link stop working."""

    __tablename__ = "passport_shares"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    withdrawn_at: Mapped[datetime | None]


class Group(db.Model):
    """A tutor's group of learners, such as a Tuesday class. Learners join with its code."""

    __tablename__ = "groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    join_code: Mapped[str] = mapped_column(String(16), unique=True)
    # None for a VLE course no instructor has opened yet (see app/lti).
    tutor_id: Mapped[int | None] = mapped_column(ForeignKey("learners.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class GroupTutor(db.Model):
    """Another tutor of a group: they see it as its own tutor does (a VLE course's other teachers)."""

    __tablename__ = "group_tutors"
    __table_args__ = (UniqueConstraint("group_id", "tutor_id", name="uq_group_tutors"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    tutor_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), index=True)
    added_at: Mapped[datetime] = mapped_column(default=utcnow)


class Membership(db.Model):
    """A learner in a group."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("group_id", "learner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), index=True)
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)


class HelpSession(db.Model):
    """A time when a tutor is helping a learner: their answers then count as helped, for no badge."""

    __tablename__ = "help_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), index=True)
    tutor_id: Mapped[int | None] = mapped_column(ForeignKey("learners.id", ondelete="SET NULL"), index=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]


class LearnerSummary(db.Model):
    """What a tutor's lists show of one learner in one module, kept up to date at each step.

    Derived from the answer record, the engine's state and the awards (app/tutor/summaries.py),
    so a group of thousands pages without replaying anyone's answers.
    """

    __tablename__ = "learner_summaries"
    __table_args__ = (UniqueConstraint("learner_id", "module_id", name="uq_learner_summaries"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"))
    module_id: Mapped[str] = mapped_column(String(100))
    started: Mapped[bool] = mapped_column(default=False)
    level: Mapped[str | None] = mapped_column(String(10))  # the highest passport level held, not revoked
    bronze_at: Mapped[datetime | None]
    silver_at: Mapped[datetime | None]
    gold_at: Mapped[datetime | None]
    mastered: Mapped[int] = mapped_column(default=0)  # skills mastered
    answers: Mapped[int] = mapped_column(default=0)
    seconds_spent: Mapped[float] = mapped_column(Float, default=0.0)
    last_step_at: Mapped[datetime | None]  # the latest answer or first read of a lesson
    stuck_skills: Mapped[int] = mapped_column(default=0)
    stuck: Mapped[list] = mapped_column(JSON, default=list)  # [[skill id, [mix-up tags]], ...]
    mixups: Mapped[list] = mapped_column(JSON, default=list)  # every mix-up tag the learner has shown here


@event.listens_for(AnswerRecord, "before_update")
def _answers_are_never_changed(mapper, connection, target):
    raise ValueError("answers are an append-only record: add a new answer instead of changing one")


class ScormPackage(db.Model):
    """A SCORM package made for a module. Its signed token names it, so a launch knows which package it came from."""

    __tablename__ = "scorm_packages"
    __table_args__ = (UniqueConstraint("public_id", name="uq_scorm_packages_public_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), default=new_public_id)
    module_id: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Who made it: a tutor's username, or "command line".
    created_by: Mapped[str | None] = mapped_column(String(100))


class ScormLearner(db.Model):
    """The learner on this site behind one student of a VLE, for one SCORM package."""

    __tablename__ = "scorm_learners"
    __table_args__ = (UniqueConstraint("package_id", "lms_student_id", name="uq_scorm_learners_package_student"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("scorm_packages.id", ondelete="CASCADE"))
    # cmi.core.student_id: SCORM 1.2 allows up to 255 characters.
    lms_student_id: Mapped[str] = mapped_column(String(255))
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # SHA-256 of the key the package keeps in the student's own cmi.suspend_data: a launch must send
    # the key to reach this learner. None for rows made before keys (their packages are refused),
    # or after an admin reopened the row for the student's next launch.
    key_hash: Mapped[str | None] = mapped_column(String(64))
    # When an admin let the next launch, within a day, take this row and get a new key.
    reopened_at: Mapped[datetime | None] = mapped_column()
