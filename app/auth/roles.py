"""Who may open which page: learners, tutors and admins."""

from __future__ import annotations

from functools import wraps

from flask import abort, redirect, request, url_for
from flask_login import current_user


def role_required(role: str):
    """Let only signed-in users with this role (or an admin) through; others are asked to sign in, or refused."""
    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            # A guest may be a tutor on a shared computer: ask them to sign in. (Tutors who come
            # from a VLE have no username here, only their role.)
            if not current_user.is_authenticated or (current_user.role == "learner" and current_user.username is None):
                return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
            allowed = current_user.role == role or current_user.is_admin
            if not allowed:
                abort(403)
            return view(*args, **kwargs)
        wrapped.required_role = role  # read by the test that walks every address
        return wrapped
    return decorate


tutor_required = role_required("tutor")
admin_required = role_required("admin")
