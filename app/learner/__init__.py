"""Pages for learners: modules, lessons, questions and feedback."""

from flask import Blueprint

bp = Blueprint("learner", __name__)

from . import reviews, views  # noqa: E402,F401  (views register themselves on bp)
