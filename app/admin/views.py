"""Admin pages. Every view is for admins only."""

from __future__ import annotations

from flask import render_template
from sqlalchemy import select

from ..auth.roles import admin_required
from ..extensions import db
from ..models import Learner
from . import bp


@bp.get("/")
@admin_required
def users():
    """List the tutors and admins."""
    people = db.session.scalars(select(Learner).where(Learner.role.in_(("tutor", "admin"))).order_by(Learner.username))
    return render_template("admin/users.html", people=list(people))
