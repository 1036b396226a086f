"""Learners' pages: the opportunities their passport opens, applying and withdrawing, and their area."""

from flask import Blueprint

bp = Blueprint("opportunities", __name__)

from . import views  # noqa: E402,F401  (views register themselves on bp)
