"""Who may open an employer's page: only an employer's account, signed in, acting for its organisation."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user

from ..auth.roles import role_required
from .organisations import organisation_of


def employer_required(view):
    """Let only employers through (not admins: an admin acts for no organisation); others sign in or are refused."""
    @role_required("employer")
    @wraps(view)
    def wrapped(*args, **kwargs):
        if current_user.role != "employer" or organisation_of(current_user) is None:
            abort(403)
        return view(*args, **kwargs)
    return wrapped
