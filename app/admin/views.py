"""Admin pages: tutors' and admins' accounts. Every view is for admins only."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user

from ..auth.accounts import AccountError
from ..auth.roles import admin_required
from ..tutor.problems import content_problems
from . import bp, staff

# What the list page says after each change, keyed by the `done` query argument.
DONE = {
    "created": "{name} can now sign in with the username {username} and the password you chose.",
    "role": "{name} is now {a_role}.",
    "password": "{name}’s password is changed. Tell them the new one in person or by phone, not by email.",
}


def _person_or_404(user_id: int):
    user = staff.find(user_id)
    if user is None:
        abort(404)
    return user


def _list(error: AccountError | None = None, status: int = 200):
    done, news = request.args.get("done"), None
    if done in DONE and (person := staff.find(request.args.get("id", 0, type=int))) is not None:
        news = DONE[done].format(name=person.display_name or person.username or "The tutor",
                                 username=person.username, a_role="an admin" if person.is_admin else "a tutor")
    elif done == "deleted":
        news = "The account is deleted."
    return render_template("admin/users.html", people=staff.staff(), news=news, error=error,
                           problems=content_problems()), status


@bp.get("/")
@admin_required
def users():
    """List the tutors and admins, with their groups and what can be changed."""
    return _list()


@bp.route("/new", methods=["GET", "POST"])
@admin_required
def new():
    """Create a tutor's or admin's account."""
    error = None
    form = {"username": request.form.get("username", ""), "name": request.form.get("name", ""),
            "role": request.form.get("role", "tutor")}
    if request.method == "POST":
        try:
            user = staff.create(form["username"], form["name"], request.form.get("password", ""), form["role"])
        except AccountError as exc:
            error = exc
        else:
            return redirect(url_for("admin.users", done="created", id=user.id))
    return render_template("admin/new.html", error=error, form=form), (422 if error else 200)


@bp.post("/people/<int:user_id>/role")
@admin_required
def role(user_id: int):
    """Make a tutor an admin, or an admin a tutor (never yourself)."""
    user = _person_or_404(user_id)
    try:
        staff.change_role(current_user, user, request.form.get("role", ""))
    except AccountError as exc:
        return _list(exc, 422)
    return redirect(url_for("admin.users", done="role", id=user.id))


@bp.route("/people/<int:user_id>/password", methods=["GET", "POST"])
@admin_required
def password(user_id: int):
    """Give a tutor's account a new password, typed by the admin."""
    user = _person_or_404(user_id)
    if user.username is None:
        abort(404)  # signs in from a VLE, never with a password
    if user.id == current_user.id:
        return redirect(url_for("auth.password"))
    error = None
    if request.method == "POST":
        try:
            staff.reset_password(current_user, user, request.form.get("password", ""),
                                 request.form.get("confirm", ""))
        except AccountError as exc:
            error = exc
        else:
            return redirect(url_for("admin.users", done="password", id=user.id))
    return render_template("admin/password.html", person=user, error=error), (422 if error else 200)


@bp.route("/people/<int:user_id>/delete", methods=["GET", "POST"])
@admin_required
def delete(user_id: int):
    """Delete a tutor's or admin's account that runs no groups, after the admin confirms."""
    user = _person_or_404(user_id)
    error = None
    if request.method == "POST":
        try:
            staff.delete(current_user, user)
        except AccountError as exc:
            error = exc
        else:
            return redirect(url_for("admin.users", done="deleted"))
    groups = staff.group_count(user)
    return render_template("admin/delete.html", person=user, groups=groups, error=error,
                           own=user.id == current_user.id), (409 if error else 200)
