"""A tutor's groups: making and renaming them, who may see one, and who is in it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import aliased

from ..auth.accounts import new_group_code
from ..extensions import db
from ..models import Group, GroupTutor, Learner, Membership
from .words import learner_name

GROUP_NAME_MAX = 100


class GroupError(Exception):
    """A group form's answer cannot be used; `field` names the box and the message says why."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def clean_group_name(name: str) -> str:
    """Return a group's name as it is kept, or raise GroupError saying what to change."""
    name = " ".join(name.split())
    if not name:
        raise GroupError("name", "Enter a name for the group, for example “Tuesday morning class”")
    if len(name) > GROUP_NAME_MAX:
        raise GroupError("name", f"The group's name must be {GROUP_NAME_MAX} characters or fewer. "
                                 f"This one has {len(name)}")
    return name


def create_group(tutor: Learner, name: str) -> Group:
    """Make a group for a tutor, with a new join code."""
    group = Group(name=clean_group_name(name), join_code=new_group_code(), tutor_id=tutor.id)
    db.session.add(group)
    db.session.commit()
    return group


def rename_group(group: Group, name: str) -> None:
    """Give a group a new name; its code stays the same."""
    group.name = clean_group_name(name)
    db.session.commit()


@dataclass(frozen=True)
class GroupSummary:
    """A group in the tutor's list."""

    group: Group
    learners: int
    tutor_name: str


def groups_for(user: Learner) -> list[GroupSummary]:
    """Return the groups a tutor runs (an admin: every group), with how many learners each has (one query)."""
    tutor = aliased(Learner)
    query = (select(Group, func.count(Membership.id), tutor.display_name, tutor.username)
             .outerjoin(tutor, tutor.id == Group.tutor_id)
             .outerjoin(Membership, Membership.group_id == Group.id)
             .group_by(Group.id, tutor.display_name, tutor.username)
             .order_by(func.lower(Group.name), Group.id))
    if not user.is_admin:
        shared = select(GroupTutor.group_id).where(GroupTutor.tutor_id == user.id)
        query = query.where(or_(Group.tutor_id == user.id, Group.id.in_(shared)))
    return [GroupSummary(group, learners, display_name or username or "No tutor yet")
            for group, learners, display_name, username in db.session.execute(query)]


def visible_group(user: Learner, group_id: int) -> Group | None:
    """Return the group if this user may see it (its tutor, another tutor of it, or an admin), else None."""
    group = db.session.get(Group, group_id)
    if group is None:
        return None
    if user.is_admin or group.tutor_id == user.id:
        return group
    shared = db.session.scalar(select(GroupTutor.id).where(GroupTutor.group_id == group.id,
                                                           GroupTutor.tutor_id == user.id))
    return group if shared is not None else None


@dataclass(frozen=True)
class Member:
    """A learner in a group, and when they joined."""

    learner: Learner
    joined_at: datetime


def group_member(group: Group, learner_id: int) -> Member | None:
    """Return a learner in the group, or None if they are not in it."""
    row = db.session.execute(select(Learner, Membership.joined_at)
                             .join(Membership, Membership.learner_id == Learner.id)
                             .where(Membership.group_id == group.id, Learner.id == learner_id)).first()
    return Member(*row) if row else None


def members_of(group: Group) -> list[Member]:
    """Return the group's learners, by name (one query)."""
    rows = db.session.execute(select(Learner, Membership.joined_at)
                              .join(Membership, Membership.learner_id == Learner.id)
                              .where(Membership.group_id == group.id))
    members = [Member(learner, joined_at) for learner, joined_at in rows]
    return sorted(members, key=lambda m: (learner_name(m.learner).casefold(), m.learner.id))


def remove_member(group: Group, learner: Learner) -> None:
    """Take a learner out of a group. Their progress stays theirs."""
    db.session.execute(delete(Membership).where(Membership.group_id == group.id,
                                                Membership.learner_id == learner.id))
    db.session.commit()


def by_name():
    """Return the order a tutor reads learners in: by the name they see, then by when they came."""
    return (func.lower(func.coalesce(Learner.display_name, Learner.username, "learner")), Learner.id)


def members_count(group: Group) -> int:
    """Return how many learners the group has."""
    return db.session.scalar(select(func.count(Membership.id)).where(Membership.group_id == group.id)) or 0


def members_page(group: Group, order, offset: int, limit: int) -> list[Member]:
    """Return one page of the group's learners in the given order (one query)."""
    rows = db.session.execute(select(Learner, Membership.joined_at)
                              .join(Membership, Membership.learner_id == Learner.id)
                              .where(Membership.group_id == group.id)
                              .order_by(*order).offset(offset).limit(limit))
    return [Member(learner, joined_at) for learner, joined_at in rows]
