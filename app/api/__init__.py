"""A small JSON API: another program (a mobile app, a college system, a simulation) acts as a learner."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from . import views  # noqa: E402,F401  (views register themselves on bp)
