"""Pages for practice tasks: safe pretend versions of real tasks, such as signing up or sorting an inbox."""

from flask import Blueprint

bp = Blueprint("practice", __name__)

from . import views  # noqa: E402,F401  (views register themselves on bp)
