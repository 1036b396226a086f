"""Account pages: keep your progress, sign in, resume codes, groups, and your own data."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from flask import Response, abort, redirect, render_template, request, url_for
from flask_login import current_user, logout_user

from .. import ratelimits, services
from ..api import tokens
from ..extensions import db
from . import accounts, bp, sessions


def _went_on(response) -> bool:
    """Say whether the form was right: a right sign-in, code or group code goes on to another page."""
    return response.status_code == 302


def _safe_next(target: str | None) -> str | None:
    """Return a page on this site to go back to after signing in, or None."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.get("/account")
def account():
    """Show how to keep progress, the learner's groups, and their data."""
    learner = services.current_learner()
    return render_template("auth/account.html", learner=learner, groups=accounts.groups_of(learner),
                           app_tokens=tokens.tokens_of(learner) if learner else [])


@bp.post("/account/apps/<int:token_id>/stop")
def stop_app(token_id: int):
    """Stop an app signed in as the learner: its token ends at once."""
    learner = services.current_learner()
    if learner is None or not tokens.end(learner, token_id):
        abort(404)
    return redirect(url_for("auth.account", stopped=1, _anchor="apps"))


@bp.route("/account/save", methods=["GET", "POST"])
def save():
    """Save a guest's progress as an account with a username and password."""
    learner = services.current_learner()
    if learner is not None and learner.username is not None:
        return redirect(url_for("auth.account"))
    error = None
    if request.method == "POST":
        learner = services.current_learner(create=True)
        try:
            accounts.save_account(learner, request.form.get("username", ""), request.form.get("password", ""),
                                  request.form.get("confirm", ""))
        except accounts.AccountError as exc:
            error = exc
        else:
            if request.values.get("then") == "finish":  # saving on the way to finishing on a shared computer
                return redirect(url_for("auth.finish_page", saved=1))
            return redirect(url_for("auth.account", saved=1))
    return render_template("auth/save.html", error=error, username=request.form.get("username", ""),
                           then_finish=request.values.get("then") == "finish"), (422 if error else 200)


@bp.route("/sign-in", methods=["GET", "POST"])
@ratelimits.guesses(ratelimits.SIGN_IN_PER_ADDRESS, methods=["POST"], right=_went_on)
@ratelimits.guesses(ratelimits.SIGN_IN_PER_ACCOUNT_AND_ADDRESS, methods=["POST"], right=_went_on,
                    key_func=ratelimits.username_and_address)
def sign_in():
    """Sign in with a username and password."""
    wrong = False
    if request.method == "POST":
        user = accounts.authenticate(request.form.get("username", ""), request.form.get("password", ""))
        if user is not None:
            accounts.sign_in(user, services.current_learner())
            fallback = url_for("tutor.groups") if user.is_tutor else \
                url_for("employer.home") if user.role == "employer" else url_for("learner.home")
            return redirect(_safe_next(request.args.get("next")) or fallback)
        wrong = True
    return render_template("auth/sign_in.html", wrong=wrong, username=request.form.get("username", "")), \
        (401 if wrong else 200)


@bp.post("/sign-out")
def sign_out():
    """Sign out on every device, and say how to come back."""
    learner = services.current_learner()
    logout_user()
    if learner is not None:
        sessions.end_sessions(learner)
        db.session.commit()
    return redirect(url_for("auth.signed_out"))


@bp.get("/signed-out")
def signed_out():
    """Confirm the learner has signed out."""
    return render_template("auth/signed_out.html")


@bp.route("/resume", methods=["GET", "POST"])
@ratelimits.guesses(ratelimits.RESUME_CODES_PER_ADDRESS, methods=["POST"], right=_went_on)
def resume():
    """Carry on from another device by typing a resume code."""
    wrong = False
    if request.method == "POST":
        learner = accounts.find_by_resume_code(request.form.get("code", ""))
        if learner is not None:
            accounts.sign_in(learner, services.current_learner())
            return redirect(url_for("learner.home"))
        wrong = True
    return render_template("auth/resume.html", wrong=wrong, code=request.form.get("code", "")), \
        (401 if wrong else 200)


@bp.post("/account/resume-code")
def resume_code():
    """Make a new resume code for the learner and show it, once."""
    learner = services.current_learner(create=True)
    code = accounts.new_resume_code(learner)
    response = Response(render_template("auth/resume_code.html", code=code,
                                        then_finish=request.form.get("then") == "finish"))
    response.headers["Cache-Control"] = "no-store"  # the code must not stay in a shared computer's cache
    return response


@bp.route("/account/password", methods=["GET", "POST"])
def password():
    """Change the password of the account that is signed in."""
    if not current_user.is_authenticated or current_user.username is None:
        return redirect(url_for("auth.sign_in", next=url_for("auth.password")))
    error = None
    if request.method == "POST":
        try:
            accounts.change_password(current_user, request.form.get("current", ""),
                                     request.form.get("password", ""), request.form.get("confirm", ""))
        except accounts.AccountError as exc:
            error = exc
        else:
            sessions.end_other_sessions(current_user._get_current_object())  # this browser stays signed in
            return redirect(url_for("auth.account", changed=1))
    return render_template("auth/password.html", error=error), (422 if error else 200)


@bp.route("/groups/join", methods=["GET", "POST"])
@ratelimits.guesses(ratelimits.GROUP_CODES_PER_ADDRESS, methods=["POST"], right=_went_on,
                    advice="If your group's code does not work, check it with your tutor.")
def join():
    """Join a tutor's group with its code."""
    error = None
    if request.method == "POST":
        learner = services.current_learner(create=True)
        try:
            group = accounts.join_group(learner, request.form.get("code", ""), request.form.get("name", ""))
        except accounts.AccountError as exc:
            error = exc
        else:
            return redirect(url_for("auth.account", joined=group.id, _anchor="groups"))
    learner = services.current_learner()
    return render_template("auth/join.html", error=error, code=request.values.get("code", ""),
                           name=request.form.get("name") or (learner.display_name if learner else "") or ""), \
        (422 if error else 200)


@bp.post("/groups/<int:group_id>/leave")
def leave(group_id: int):
    """Leave a group."""
    learner = services.current_learner()
    if learner is None:
        abort(404)
    accounts.leave_group(learner, group_id)
    return redirect(url_for("auth.account", _anchor="groups"))


@bp.get("/account/data.json")
def data():
    """Download everything the site keeps about the learner, as JSON."""
    learner = services.current_learner()
    if learner is None:
        abort(404)
    response = Response(json.dumps(accounts.export_data(learner), indent=2, ensure_ascii=False),
                        mimetype="application/json")
    response.headers["Content-Disposition"] = 'attachment; filename="skills-passport-my-data.json"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/account/delete", methods=["GET", "POST"])
def delete():
    """Delete the learner's account and everything kept about them, after they confirm."""
    learner = services.current_learner()
    if learner is None:
        return redirect(url_for("auth.account"))
    error = None
    if request.method == "POST":
        if request.form.get("confirm") != "yes":
            error = "Tick the box to say you understand this deletes everything"
        else:
            logout_user()
            accounts.delete_learner(learner)
            return redirect(url_for("auth.deleted"))
    return render_template("auth/delete.html", error=error), (422 if error else 200)


@bp.get("/account/deleted")
def deleted():
    """Confirm that everything was deleted."""
    return render_template("auth/deleted.html")
