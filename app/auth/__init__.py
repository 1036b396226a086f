"""Accounts: saving progress, signing in, resume codes, groups, and a learner's own data."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from . import finish, views  # noqa: E402,F401  (views register themselves on bp)
