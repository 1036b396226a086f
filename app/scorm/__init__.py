"""SCORM 1.2 packages: a VLE launches a module from this site, and its gradebook gets the learner's score."""

from flask import Blueprint

bp = Blueprint("scorm", __name__, url_prefix="/scorm")

from . import commands, views  # noqa: E402,F401  (views and commands register themselves on bp)
