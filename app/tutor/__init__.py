"""Pages for tutors and admins: groups, the dashboard, reports, content preview and content problems."""

from flask import Blueprint

bp = Blueprint("tutor", __name__)

from . import preview, problems, summaries, views  # noqa: E402,F401  (views and commands register on bp)
