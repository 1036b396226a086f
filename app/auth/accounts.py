"""Accounts as service functions: save progress, sign in, resume codes, groups, a learner's data.

A learner starts as a guest. Saving an account or getting a resume code keeps the
same record, so nothing is lost. Signing in to another record from a browser that
has guest progress carries that progress over to the account.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass

from flask_login import login_user
from sqlalchemy import delete, select

from engine.progress import Event, replay

from ..badges.awards import SHARE_ALPHABET, award_due
from ..content import current_course, current_parameters
from ..extensions import db
from .passwords import hash_password, matches
from ..lti.models import LtiGradeLink, LtiUser
from ..models import (
    AnswerRecord,
    ApiToken,
    Award,
    Group,
    HelpSession,
    Learner,
    LearnerModuleState,
    LessonRead,
    Membership,
    PassportShare,
    ScormLearner,
    utcnow,
)

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,29}$")
PASSWORD_LENGTH = (8, 200)
RESUME_CODE_LENGTH = 12  # 25 letters and digits, 12 of them: about 56 bits, too many to guess
GROUP_CODE_LENGTH = 6


class AccountError(Exception):
    """A form's answer cannot be used; `field` names the box and the message says why, in plain English."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


# --- usernames and passwords -------------------------------------------------------------


def clean_username(username: str) -> str:
    """Return a username as it is stored: trimmed and in lower case."""
    return username.strip().lower()


def check_new_account(username: str, password: str, confirm: str) -> str:
    """Return the cleaned username, or raise AccountError saying what to change."""
    name = clean_username(username)
    if not name:
        raise AccountError("username", "Enter a username")
    if not USERNAME.match(name):
        raise AccountError("username", "A username must be 3 to 30 letters or numbers. You can also use a dot, "
                                       "a dash or an underscore, but not a space")
    low, high = PASSWORD_LENGTH
    if len(password) < low:
        raise AccountError("password", f"Your password must be at least {low} characters long. Three random "
                                       "words make a strong password that is easy to remember")
    if len(password) > high:
        raise AccountError("password", f"Your password must be {high} characters or fewer")
    if password != confirm:
        raise AccountError("confirm", "The two passwords are not the same. Type your password again in both boxes")
    if db.session.scalar(select(Learner.id).where(Learner.username == name)) is not None:
        raise AccountError("username", "That username is taken. Try another, for example with a number at the end")
    return name


def save_account(learner: Learner, username: str, password: str, confirm: str) -> None:
    """Turn a guest's progress into an account with a username and password."""
    if learner.username is not None:
        raise AccountError("username", "You already have an account. Sign out first to make another")
    learner.username = check_new_account(username, password, confirm)
    learner.password_hash = hash_password(password)
    db.session.commit()


def create_user(username: str, password: str, role: str, display_name: str | None = None) -> Learner:
    """Create a tutor's or admin's account (or a learner's), checking the username and password."""
    user = Learner(username=check_new_account(username, password, password), role=role,
                   password_hash=hash_password(password), display_name=display_name)
    db.session.add(user)
    db.session.commit()
    return user


def authenticate(username: str, password: str) -> Learner | None:
    """Return the account these match, or None. Says nothing about which of the two was wrong."""
    user = db.session.scalar(select(Learner).where(Learner.username == clean_username(username)))
    if not matches(user.password_hash if user is not None else None, password):
        return None
    return user


def change_password(user: Learner, current: str, new: str, confirm: str) -> None:
    """Change a password after checking the current one."""
    if not matches(user.password_hash, current):
        raise AccountError("current", "Your current password is not right")
    low, high = PASSWORD_LENGTH
    if not low <= len(new) <= high:
        raise AccountError("password", f"Your new password must be {low} to {high} characters long")
    if new != confirm:
        raise AccountError("confirm", "The two new passwords are not the same")
    user.password_hash = hash_password(new)
    db.session.commit()


# --- resume codes -------------------------------------------------------------------------


def _code_hash(code: str) -> str:
    # A resume code is long and random, so a fast hash is enough: nobody can try them all.
    return hashlib.sha256(code.encode()).hexdigest()


def clean_code(code: str) -> str:
    """Return a code as typed, without spaces or dashes, in capitals."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def show_code(code: str) -> str:
    """Return a code in groups of four, easy to read aloud: KQ7R-M4TD-X9PW."""
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def new_resume_code(learner: Learner) -> str:
    """Give the learner a new resume code (the old one stops working) and return it, once."""
    code = "".join(secrets.choice(SHARE_ALPHABET) for _ in range(RESUME_CODE_LENGTH))
    learner.resume_code_hash = _code_hash(code)
    db.session.commit()
    return show_code(code)


def find_by_resume_code(code: str) -> Learner | None:
    """Return the learner with this resume code, or None."""
    cleaned = clean_code(code)
    if len(cleaned) != RESUME_CODE_LENGTH:
        return None
    return db.session.scalar(select(Learner).where(Learner.resume_code_hash == _code_hash(cleaned),
                                                   Learner.role == "learner"))


# --- signing in, and carrying a guest's progress over ----------------------------------------


def sign_in(user: Learner, current: Learner | None) -> None:
    """Sign a user in, first carrying over any progress the browser's guest made."""
    if current is not None and current.id != user.id and current.is_guest and not user.is_staff:
        carry_over(current, user)
    # Learners stay signed in on their own device; tutors and employers often use a shared computer.
    login_user(user, remember=not user.is_staff)
    user.last_active_at = utcnow()
    db.session.commit()


def has_progress(learner: Learner) -> bool:
    """Say whether a learner has answered a question or read a lesson."""
    return db.session.scalar(select(AnswerRecord.id).where(AnswerRecord.learner_id == learner.id).limit(1)) \
        is not None or db.session.scalar(select(LessonRead.id).where(LessonRead.learner_id == learner.id)
                                         .limit(1)) is not None


def carry_over(guest: Learner, into: Learner) -> None:
    """Move everything a guest did to an account, rebuild the engine's states, and remove the guest.

    Answers are copied, never changed; badges and shares move; each module's state is
    rebuilt from both records together, and any passport level now met is awarded.
    """
    if not has_progress(guest) and not db.session.scalar(select(Award.id).where(Award.learner_id == guest.id)):
        _move_simple(guest, into)
        db.session.delete(guest)
        db.session.flush()
        return
    for record in db.session.scalars(select(AnswerRecord).where(AnswerRecord.learner_id == guest.id)):
        db.session.add(AnswerRecord(
            learner_id=into.id, question_id=record.question_id, module_id=record.module_id,
            skill_id=record.skill_id, kind=record.kind, response=record.response, given=record.given,
            correct=record.correct, hints_used=record.hints_used, helped=record.helped,
            misconceptions=record.misconceptions, answered_at=record.answered_at,
            task_id=record.task_id, steps=record.steps))
    read_already = set(db.session.scalars(select(LessonRead.lesson_id).where(LessonRead.learner_id == into.id)))
    for read in db.session.scalars(select(LessonRead).where(LessonRead.learner_id == guest.id)):
        if read.lesson_id not in read_already:
            db.session.add(LessonRead(learner_id=into.id, lesson_id=read.lesson_id, module_id=read.module_id,
                                      read_at=read.read_at))
    held = {(a.module_id, a.level) for a in db.session.scalars(select(Award).where(Award.learner_id == into.id))}
    for award in db.session.scalars(select(Award).where(Award.learner_id == guest.id)):
        if (award.module_id, award.level) not in held:
            award.learner_id = into.id
            award.answer_id = None
    _move_simple(guest, into)
    db.session.flush()
    db.session.delete(guest)
    db.session.flush()
    rebuild_states(into)


def _move_simple(guest: Learner, into: Learner) -> None:
    """Move a guest's name, groups, passport link, help sessions, API tokens and VLE links to an account."""
    if into.display_name is None:
        into.display_name = guest.display_name
    groups = set(db.session.scalars(select(Membership.group_id).where(Membership.learner_id == into.id)))
    for membership in db.session.scalars(select(Membership).where(Membership.learner_id == guest.id)):
        if membership.group_id not in groups:
            membership.learner_id = into.id
    has_share = db.session.scalar(select(PassportShare.id).where(PassportShare.learner_id == into.id,
                                                                 PassportShare.withdrawn_at.is_(None)))
    for share in db.session.scalars(select(PassportShare).where(PassportShare.learner_id == guest.id)):
        if has_share is None:
            share.learner_id = into.id
    # A VLE student who signs in to an account inside a SCORM package keeps landing on that account.
    for model in (HelpSession, ApiToken, ScormLearner, LtiUser, LtiGradeLink):
        for row in db.session.scalars(select(model).where(model.learner_id == guest.id)):
            row.learner_id = into.id


def rebuild_states(learner: Learner) -> None:
    """Rebuild the engine's state in every module from the learner's whole record, then award what is due."""
    course = current_course()
    params = current_parameters()
    events: list[Event] = []
    for read in db.session.scalars(select(LessonRead).where(LessonRead.learner_id == learner.id)):
        lesson = course.lessons.get(read.lesson_id)
        if lesson is not None:
            events.append(Event(read.read_at, lesson=lesson))
    for record in db.session.scalars(select(AnswerRecord).where(AnswerRecord.learner_id == learner.id)):
        task = course.tasks.get(record.task_id) if record.task_id else None
        if task is not None:
            events.append(Event(record.answered_at, task=task, correct=record.correct,
                                misconceptions=tuple(record.misconceptions or ()), helped=record.helped))
            continue
        question = course.questions.get(record.question_id)
        if question is not None:
            events.append(Event(record.answered_at, question=question, correct=record.correct,
                                hints_used=record.hints_used, misconceptions=tuple(record.misconceptions or ()),
                                helped=record.helped, dont_know=record.said_dont_know))
    rows = {row.module_id: row for row in db.session.scalars(
        select(LearnerModuleState).where(LearnerModuleState.learner_id == learner.id))}
    now = utcnow()
    for module in course.modules:
        state = replay(module.id, events, params)
        if not state.started:
            continue
        if module.id in rows:
            rows[module.id].state = state.as_dict()
        else:
            db.session.add(LearnerModuleState(learner_id=learner.id, module_id=module.id, state=state.as_dict()))
        award_due(learner, module, state, now)
    db.session.flush()


# --- groups ---------------------------------------------------------------------------------


def new_group_code() -> str:
    """Return a join code no group has: six letters and digits nobody mixes up."""
    while True:
        code = "".join(secrets.choice(SHARE_ALPHABET) for _ in range(GROUP_CODE_LENGTH))
        if db.session.scalar(select(Group.id).where(Group.join_code == code)) is None:
            return code


def join_group(learner: Learner, code: str, name: str) -> Group:
    """Put the learner in the group with this code, under the name their tutor will see."""
    name = " ".join(name.split())[:80]
    if not name and not learner.display_name:
        raise AccountError("name", "Enter your name, so your tutor knows it is you")
    group = db.session.scalar(select(Group).where(Group.join_code == clean_code(code)))
    if group is None:
        raise AccountError("code", "There is no group with that code. Check it with your tutor")
    if name:
        learner.display_name = name
    exists = db.session.scalar(select(Membership.id).where(Membership.group_id == group.id,
                                                           Membership.learner_id == learner.id))
    if exists is None:
        db.session.add(Membership(group_id=group.id, learner_id=learner.id))
    db.session.commit()
    return group


def groups_of(learner: Learner | None) -> list[Group]:
    """Return the groups a learner is in."""
    if learner is None:
        return []
    return list(db.session.scalars(select(Group).join(Membership, Membership.group_id == Group.id)
                                   .where(Membership.learner_id == learner.id).order_by(Group.name)))


def leave_group(learner: Learner, group_id: int) -> None:
    """Take the learner out of a group (their progress stays theirs)."""
    db.session.execute(delete(Membership).where(Membership.group_id == group_id,
                                                Membership.learner_id == learner.id))
    db.session.commit()


# --- a learner's own data -------------------------------------------------------------------


@dataclass(frozen=True)
class DataTable:
    """One kind of thing kept about a learner, for their download."""

    name: str
    model: type
    fields: tuple[str, ...]


DATA_TABLES = (
    DataTable("answers", AnswerRecord, ("question_id", "module_id", "skill_id", "kind", "given", "correct",
                                        "hints_used", "helped", "misconceptions", "answered_at")),
    DataTable("lessons_read", LessonRead, ("lesson_id", "module_id", "read_at")),
    DataTable("progress", LearnerModuleState, ("module_id", "state", "updated_at")),
    DataTable("badges", Award, ("public_id", "module_id", "level", "awarded_at", "evidence", "shared",
                                "revoked_at", "revoked_reason")),
    DataTable("passport_links", PassportShare, ("code", "created_at", "withdrawn_at")),
    DataTable("help_sessions", HelpSession, ("started_at", "ended_at")),
    DataTable("api_tokens", ApiToken, ("created_at",)),
    DataTable("vle_links", ScormLearner, ("lms_student_id", "created_at")),
    DataTable("vle_accounts", LtiUser, ("sub",)),
)


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def export_data(learner: Learner) -> dict:
    """Return everything the site keeps about a learner, as plain data for them to download."""
    data: dict = {
        "about": "Everything Skills Passport keeps about you. Passwords and codes are kept only as hashes, "
                 "so they are not here.",
        "exported_at": utcnow().isoformat(),
        "account": {"number": learner.id, "username": learner.username, "display_name": learner.display_name,
                    "role": learner.role, "created_at": learner.created_at.isoformat(),
                    "last_active_at": learner.last_active_at.isoformat(),
                    "has_password": learner.password_hash is not None,
                    "has_resume_code": learner.resume_code_hash is not None},
        "groups": [{"name": g.name} for g in groups_of(learner)],
    }
    for table in DATA_TABLES + _employer_tables():
        rows = db.session.scalars(select(table.model).where(table.model.learner_id == learner.id)
                                  .order_by(table.model.id))
        data[table.name] = [{f: _plain(getattr(row, f)) for f in table.fields} for row in rows]
    return data


def _employer_tables() -> tuple[DataTable, ...]:
    """Return the learner's applications and area, kept by the employers' package (which imports this module)."""
    from ..employer.models import Application, LearnerArea

    return (DataTable("applications", Application, ("applied_to", "message", "status", "applied_at", "status_at")),
            DataTable("area", LearnerArea, ("district", "given_at")))


def delete_learner(learner: Learner) -> None:
    """Delete a learner and everything kept about them. This cannot be undone."""
    db.session.delete(learner)  # the database removes their rows with them (ON DELETE CASCADE)
    db.session.commit()
