"""The council's report: learners started, levels awarded, by month, topic, centre and area, and what employers offered."""

from flask import Blueprint

bp = Blueprint("report", __name__)

from . import views  # noqa: E402,F401  (views register themselves on bp)
