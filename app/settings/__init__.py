"""Reading settings: text size, contrast and line spacing, kept in this browser."""

from flask import Blueprint

bp = Blueprint("settings", __name__)

from . import views  # noqa: E402,F401  (views register themselves on bp)
