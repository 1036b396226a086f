"""The tables LTI needs: platforms (VLEs), their users and courses, grades to send, logins and one-time values."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..models import utcnow


class LtiPlatform(db.Model):
    """A VLE registered to launch this tool: its issuer, our client id there, and its addresses."""

    __tablename__ = "lti_platforms"
    __table_args__ = (UniqueConstraint("issuer", "client_id", name="uq_lti_platforms_issuer_client"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    issuer: Mapped[str] = mapped_column(String(255))
    client_id: Mapped[str] = mapped_column(String(255))
    auth_login_url: Mapped[str] = mapped_column(String(500))
    auth_token_url: Mapped[str] = mapped_column(String(500))
    auth_audience: Mapped[str | None] = mapped_column(String(500))
    key_set_url: Mapped[str] = mapped_column(String(500))
    deployment_ids: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LtiUser(db.Model):
    """A VLE's user (its `sub` claim) mapped to a learner, or a tutor, of ours."""

    __tablename__ = "lti_users"
    __table_args__ = (UniqueConstraint("platform_id", "sub", name="uq_lti_users_platform_sub"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platforms.id", ondelete="CASCADE"))
    sub: Mapped[str] = mapped_column(String(255))
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), index=True)


class LtiCourse(db.Model):
    """A course in a VLE (the `context` claim), shown to its instructors as one of our groups."""

    __tablename__ = "lti_courses"
    __table_args__ = (UniqueConstraint("platform_id", "context_id", name="uq_lti_courses_platform_context"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platforms.id", ondelete="CASCADE"))
    context_id: Mapped[str] = mapped_column(String(255))
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)


class LtiGradeLink(db.Model):
    """Where a learner's score in a module goes: a line item in a VLE's gradebook."""

    __tablename__ = "lti_grade_links"
    __table_args__ = (UniqueConstraint("learner_id", "module_id", "lineitem", name="uq_lti_grade_links"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platforms.id", ondelete="CASCADE"), index=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[str] = mapped_column(String(100))
    sub: Mapped[str] = mapped_column(String(255))  # the VLE's id for the learner, sent with each score
    lineitem: Mapped[str] = mapped_column(String(500))
    endpoint: Mapped[dict] = mapped_column(JSON)  # the launch's AGS claim: scopes and addresses
    last_score: Mapped[float | None]


class LtiScore(db.Model):
    """A score waiting to go to a VLE, kept until the VLE has it: failures are retried, never lost."""

    __tablename__ = "lti_scores"

    id: Mapped[int] = mapped_column(primary_key=True)
    grade_link_id: Mapped[int] = mapped_column(ForeignKey("lti_grade_links.id", ondelete="CASCADE"), index=True)
    score: Mapped[float]
    activity_progress: Mapped[str] = mapped_column(String(20))
    grading_progress: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    tries: Mapped[int] = mapped_column(default=0)
    next_try_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)


class LtiStoredValue(db.Model):
    """A value the LTI library keeps between the login and the launch (state, nonce, launch data)."""

    __tablename__ = "lti_stored_values"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    value: Mapped[dict | list | str | bool | None] = mapped_column(JSON)
    expires_at: Mapped[datetime]


class LtiUsedNonce(db.Model):
    """A launch's nonce, kept until it expires, so the same launch cannot be sent twice."""

    __tablename__ = "lti_used_nonces"

    nonce: Mapped[str] = mapped_column(String(255), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class LtiLogin(db.Model):
    """One login begun in one browser for one VLE: the launch it ends in must match all of it, once.

    `browser` is a hash of the random cookie that browser holds; the state and nonce alone
    travel through the VLE and the launch form, so they cannot prove which browser posts.
    """

    __tablename__ = "lti_logins"

    state: Mapped[str] = mapped_column(String(100), primary_key=True)
    browser: Mapped[str] = mapped_column(String(64))
    nonce: Mapped[str] = mapped_column(String(255))
    issuer: Mapped[str] = mapped_column(String(255))
    client_id: Mapped[str] = mapped_column(String(255))
    deployment_id: Mapped[str | None] = mapped_column(String(255))
    restart: Mapped[dict] = mapped_column(JSON)  # the VLE's login request, to start again in a new window
    expires_at: Mapped[datetime] = mapped_column(index=True)
    used_at: Mapped[datetime | None]


class LtiResourceLink(db.Model):
    """The topic a teacher chose for an activity added by hand in the VLE (one with no module in it)."""

    __tablename__ = "lti_resource_links"
    __table_args__ = (UniqueConstraint("platform_id", "deployment_id", "resource_link_id",
                                       name="uq_lti_resource_links"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platforms.id", ondelete="CASCADE"))
    deployment_id: Mapped[str] = mapped_column(String(255))
    resource_link_id: Mapped[str] = mapped_column(String(255))
    module_id: Mapped[str] = mapped_column(String(100))
    chosen_by: Mapped[int | None] = mapped_column(ForeignKey("learners.id", ondelete="SET NULL"), index=True)
    chosen_at: Mapped[datetime] = mapped_column(default=utcnow)


class LtiSigningKey(db.Model):
    """The private key this site signs LTI messages with, made once and shared by every app server.

    A secret: no page, download or log ever shows it; VLEs only ever see its public half.
    """

    __tablename__ = "lti_signing_keys"

    # One row named "tool" today; the name leaves room to bring in a new key beside the old one.
    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    private_pem: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
