"""The Digital Skills Passport: badges, verification and certificates."""

from flask import Blueprint

bp = Blueprint("badges", __name__)

from . import moment, views  # noqa: E402,F401  (views and template helpers register themselves on bp)
