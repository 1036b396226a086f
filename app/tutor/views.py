"""Tutor pages. Every view is for tutors (or admins) only, and shows only the tutor's own groups."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user
from sqlalchemy import select

from ..auth.roles import tutor_required
from ..extensions import db
from ..models import Group
from . import bp


@bp.get("/")
@tutor_required
def groups():
    """List the tutor's groups (an admin sees every group)."""
    query = select(Group).order_by(Group.name)
    if not current_user.is_admin:
        query = query.where(Group.tutor_id == current_user.id)
    return render_template("tutor/groups.html", groups=list(db.session.scalars(query)))
