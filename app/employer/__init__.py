"""Pages for employers: their organisation, the opportunities it offers, and the people who applied."""

from flask import Blueprint

bp = Blueprint("employer", __name__)

from . import accounts_views, views  # noqa: E402,F401  (views register themselves on bp)
