"""LTI 1.3: colleges launch Skills Passport modules from Moodle, Canvas or Blackboard, with grades back."""

from flask import Blueprint

bp = Blueprint("lti", __name__)

from . import models  # noqa: E402,F401  (the tables, for the database and migrations)
from . import views  # noqa: E402,F401  (views register themselves on bp)
