"""The Digital Skills Passport: badges, verification and certificates."""

from flask import Blueprint

bp = Blueprint("badges", __name__)

from . import views  # noqa: E402,F401  (views register themselves on bp)
