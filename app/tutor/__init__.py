"""Pages for tutors and admins: groups, the dashboard, reports and content preview."""

from flask import Blueprint

bp = Blueprint("tutor", __name__)

from . import preview, views  # noqa: E402,F401  (views register themselves on bp)
