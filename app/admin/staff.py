"""Tutors' and admins' accounts, as an admin manages them: list, create, change role, reset password, delete."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from ..auth.accounts import PASSWORD_LENGTH, AccountError, create_user
from ..auth.passwords import hash_password
from ..extensions import db
from ..models import Group, Learner

STAFF_ROLES = ("tutor", "admin")
NAME_LENGTH = 80


@dataclass(frozen=True)
class StaffMember:
    """A tutor or admin, with how many groups they run."""

    user: Learner
    groups: int


def staff() -> list[StaffMember]:
    """Return every tutor and admin, by username, with their number of groups."""
    counts = dict(db.session.execute(select(Group.tutor_id, func.count(Group.id)).group_by(Group.tutor_id)).all())
    people = db.session.scalars(select(Learner).where(Learner.role.in_(STAFF_ROLES)).order_by(Learner.username))
    return [StaffMember(person, counts.get(person.id, 0)) for person in people]


def find(user_id: int) -> Learner | None:
    """Return the tutor or admin with this number, or None (learners are not managed here)."""
    user = db.session.get(Learner, user_id)
    return user if user is not None and user.role in STAFF_ROLES else None


def group_count(user: Learner) -> int:
    """Return how many groups a tutor runs."""
    return db.session.scalar(select(func.count(Group.id)).where(Group.tutor_id == user.id))


def create(username: str, name: str, password: str, role: str) -> Learner:
    """Create a tutor's or admin's account, or raise AccountError saying which box to change."""
    name = " ".join(name.split())
    if not name:
        raise AccountError("name", "Enter their name")
    if len(name) > NAME_LENGTH:
        raise AccountError("name", f"The name must be {NAME_LENGTH} characters or fewer")
    if role not in STAFF_ROLES:
        raise AccountError("role", "Choose whether the account is for a tutor or an admin")
    try:
        return create_user(username, password, role, name)
    except AccountError as exc:
        if exc.field != "password":
            raise
        # The sign-up wording says "your password"; here the admin chooses someone else's.
        low, high = PASSWORD_LENGTH
        raise AccountError("password", f"The password must be {low} to {high} characters long. Three random "
                                       "words make a strong password that is easy to remember") from None


def change_role(admin: Learner, user: Learner, role: str) -> None:
    """Make a tutor an admin, or an admin a tutor. Nobody changes their own role, so an admin always remains."""
    if user.id == admin.id:
        raise AccountError(f"person-{user.id}", "You cannot change your own role. Ask another admin to do it")
    if role not in STAFF_ROLES:
        raise AccountError(f"person-{user.id}", "Choose tutor or admin")
    user.role = role
    db.session.commit()


def reset_password(admin: Learner, user: Learner, password: str, confirm: str) -> None:
    """Give someone else's account a new password that the admin chose."""
    if user.id == admin.id:
        raise AccountError("password", "To change your own password, use the page for your account")
    low, high = PASSWORD_LENGTH
    if not low <= len(password) <= high:
        raise AccountError("password", f"The new password must be {low} to {high} characters long. Three random "
                                        "words make a strong password that is easy to remember")
    if password != confirm:
        raise AccountError("confirm", "The two passwords are not the same. Type the new password again in both "
                                      "boxes")
    user.password_hash = hash_password(password)
    db.session.commit()


def delete(admin: Learner, user: Learner) -> None:
    """Delete a tutor's or admin's account that runs no groups."""
    if user.id == admin.id:
        raise AccountError("confirm", "You cannot delete your own account here. Ask another admin to do it")
    groups = group_count(user)
    if groups:
        raise AccountError("confirm", f"{user.display_name or user.username or 'This tutor'} runs {groups} "
                                      f"{'group' if groups == 1 else 'groups'}, so the account cannot be deleted: "
                                      "the groups’ learners and their progress reports belong to it. To stop them "
                                      "signing in, give the account a new password that only you know")
    db.session.delete(user)
    db.session.commit()
