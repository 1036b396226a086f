"""Learners' pages: the opportunities their levels open, what to learn for the others, applying and withdrawing."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, redirect, render_template, request, url_for

from engine.opportunities import Gap

from .. import services
from ..auth.accounts import AccountError
from ..employer import applications, checks, offers
from ..employer.models import Opportunity
from ..extensions import db
from . import areas, bp


@dataclass(frozen=True)
class Offer:
    """An open opportunity as a learner sees it: what their passport still needs for it (nothing: it is open)."""

    opportunity: Opportunity
    gaps: tuple[Gap, ...]
    applied: applications.Application | None


def _offers(learner) -> list[Offer]:
    awards = checks.awards_of(learner.id) if learner is not None else []
    mine = {a.opportunity_id: a for a in applications.of_learner(learner)}
    return [Offer(o, checks.shortfall(o.levels, awards), mine.get(o.id)) for o in offers.open_ones()]


@bp.app_template_global()
def postcode_district(learner) -> str | None:
    """Return the postcode district a learner gave, for the account page."""
    return areas.district_of(learner)


@bp.context_processor
def _helpers() -> dict:
    """Give the pages the names of topics."""
    return {"topic_title": offers.topic_title}


@bp.get("/opportunities")
def index():
    """List the open opportunities: those the learner's levels open, then what to learn for the others."""
    learner = services.current_learner()
    found = _offers(learner)
    return render_template("opportunities/index.html", ready=[o for o in found if not o.gaps],
                           later=[o for o in found if o.gaps], mine=applications.of_learner(learner),
                           done=request.args.get("done"))


def _open_or_404(opportunity_id: int) -> Opportunity:
    opportunity = db.session.get(Opportunity, opportunity_id)
    if opportunity is None or not offers.is_open(opportunity):
        abort(404)
    return opportunity


def _offer_page(opportunity: Opportunity, error=None, form=None):
    learner = services.current_learner()
    [offer] = [o for o in _offers(learner) if o.opportunity.id == opportunity.id] or [None]
    return render_template("opportunities/opportunity.html", offer=offer, opportunity=opportunity,
                           learner=learner, error=error, form=form or {}), \
        (422 if error and error.field in ("name", "message") else 409 if error else 200)


@bp.get("/opportunities/<int:opportunity_id>")
def opportunity(opportunity_id: int):
    """Show one open opportunity: what it needs, how the learner's passport stands, and how to apply."""
    return _offer_page(_open_or_404(opportunity_id))


@bp.post("/opportunities/<int:opportunity_id>/apply")
def apply(opportunity_id: int):
    """Apply with a short message, sharing the learner's passport with that employer alone."""
    opportunity = _open_or_404(opportunity_id)
    learner = services.current_learner()
    form = {"message": request.form.get("message", ""), "name": request.form.get("name", "")}
    if learner is None:
        return _offer_page(opportunity, applications.ApplyError("account", "Save your progress first, so your "
                                                                           "application is kept"), form)
    try:
        applications.apply(learner, opportunity, form["message"], form["name"])
    except applications.ApplyError as exc:
        return _offer_page(opportunity, exc, form)
    return redirect(url_for("opportunities.index", done="applied", _anchor="yours"))


@bp.post("/opportunities/applications/<int:application_id>/withdraw")
def withdraw(application_id: int):
    """Withdraw one of the learner's applications: the employer no longer sees them."""
    application = applications.find_mine(services.current_learner(), application_id)
    if application is None:
        abort(404)
    applications.withdraw(application)
    return redirect(url_for("opportunities.index", done="withdrawn", _anchor="yours"))


@bp.route("/account/area", methods=["GET", "POST"])
def area():
    """Let a learner give (or forget) their postcode district, so the council can count learners by area."""
    learner = services.current_learner()
    error = None
    typed = areas.district_of(learner) or ""
    if request.method == "POST":
        typed = request.form.get("district", "")
        try:
            if typed.strip():
                areas.clean_district(typed)  # checked before a guest is started for it
            if typed.strip() or learner is not None:
                areas.set_district(learner or services.current_learner(create=True), typed)
        except AccountError as exc:
            error = exc
        else:
            return redirect(url_for("auth.account", _anchor="area"))
    return render_template("opportunities/area.html", district=typed, error=error), (422 if error else 200)
