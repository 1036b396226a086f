"""Admin pages for employers' accounts: the list, and making one for an organisation."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for

from ..admin.staff import NAME_LENGTH
from ..auth.accounts import PASSWORD_LENGTH, AccountError
from ..auth.roles import admin_required
from . import bp, organisations


@bp.get("/accounts")
@admin_required
def accounts():
    """List the employers' accounts and the organisations they act for."""
    return render_template("employer/accounts.html", people=organisations.employers(),
                           made=request.args.get("made"))


@bp.route("/accounts/new", methods=["GET", "POST"])
@admin_required
def new_account():
    """Make an employer's account, for a new organisation or one already here."""
    error = None
    form = {k: request.form.get(k, "") for k in ("organisation", "name", "username")}
    if request.method == "POST":
        try:
            if len(" ".join(form["name"].split())) > NAME_LENGTH:
                raise AccountError("name", f"The name must be {NAME_LENGTH} characters or fewer")
            user = organisations.create_employer(form["username"], request.form.get("password", ""),
                                                 form["organisation"], form["name"])
        except AccountError as exc:
            if exc.field == "password":
                low, high = PASSWORD_LENGTH
                exc = AccountError("password", f"The password must be {low} to {high} characters long. Three "
                                               "random words make a strong password that is easy to remember")
            error = exc
        else:
            return redirect(url_for("employer.accounts", made=user.username))
    return render_template("employer/new_account.html", form=form, error=error), (422 if error else 200)
