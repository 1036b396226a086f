"""An employer's pages: their organisation, their opportunities, and the people who applied to them."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user

from engine.model import LEVELS

from ..badges.views import NO_NAME
from ..content import current_course
from . import applications, bp, offers, organisations
from .access import employer_required
from .models import KINDS, OUTCOMES, STATUSES


def _organisation():
    return organisations.organisation_of(current_user)


def _opportunity_or_404(opportunity_id: int):
    opportunity = offers.find_for(_organisation(), opportunity_id)
    if opportunity is None:
        abort(404)
    return opportunity


def _application_or_404(application_id: int):
    application = applications.find_for(_organisation(), application_id)
    if application is None:
        abort(404)
    return application


@bp.context_processor
def _helpers() -> dict:
    """Give the employer's pages the names of topics, levels, kinds and outcomes."""
    return {"topic_title": offers.topic_title, "levels": LEVELS, "kinds": KINDS, "statuses": STATUSES,
            "outcomes": OUTCOMES, "is_open": offers.is_open, "need_label": organisations.need_label}


@bp.get("/")
@employer_required
def home():
    """Show the employer's organisation and its opportunities, with how many applied to each."""
    organisation = _organisation()
    return render_template("employer/home.html", organisation=organisation,
                           opportunities=offers.of_organisation(organisation), done=request.args.get("done"))


@bp.route("/organisation", methods=["GET", "POST"])
@employer_required
def organisation():
    """Change the organisation's name, what it does and the skills its roles need."""
    organisation = _organisation()
    error = None
    form = {"name": organisation.name, "about": organisation.about, "needs": list(organisation.needs)}
    if request.method == "POST":
        form = {"name": request.form.get("name", ""), "about": request.form.get("about", ""),
                "needs": request.form.getlist("needs")}
        try:
            organisations.update(organisation, form["name"], form["about"], form["needs"])
        except organisations.OrganisationError as exc:
            error = exc
        else:
            return redirect(url_for("employer.home", done="organisation"))
    return render_template("employer/organisation.html", form=form, error=error,
                           choices=organisations.need_choices(), about_max=organisations.ABOUT_LENGTH), \
        (422 if error else 200)


def _offer_page(form: offers.OfferForm, error, opportunity=None):
    return render_template("employer/offer.html", form=form, error=error, opportunity=opportunity,
                           modules=current_course().modules, today=offers.today().isoformat()), \
        (422 if error else 200)


@bp.route("/opportunities/new", methods=["GET", "POST"])
@employer_required
def new_opportunity():
    """Offer an opportunity: what it is, where, its closing date and the levels it needs."""
    if request.method == "GET":
        return _offer_page(offers.OfferForm(kind="job", levels={}), None)
    form = offers.OfferForm.from_request(request.form)
    try:
        opportunity = offers.create(_organisation(), form)
    except offers.OfferError as exc:
        return _offer_page(form, exc)
    return redirect(url_for("employer.opportunity", opportunity_id=opportunity.id, done="new"))


@bp.route("/opportunities/<int:opportunity_id>/change", methods=["GET", "POST"])
@employer_required
def change_opportunity(opportunity_id: int):
    """Change an opportunity, or close it early by bringing its closing date forward."""
    opportunity = _opportunity_or_404(opportunity_id)
    if request.method == "GET":
        return _offer_page(offers.OfferForm.of(opportunity), None, opportunity)
    form = offers.OfferForm.from_request(request.form)
    try:
        offers.change(opportunity, form)
    except offers.OfferError as exc:
        return _offer_page(form, exc, opportunity)
    return redirect(url_for("employer.opportunity", opportunity_id=opportunity.id, done="changed"))


@bp.get("/opportunities/<int:opportunity_id>")
@employer_required
def opportunity(opportunity_id: int):
    """Show an opportunity and everyone who applied, with their levels checked now."""
    opportunity = _opportunity_or_404(opportunity_id)
    return render_template("employer/opportunity.html", opportunity=opportunity,
                           applicants=applications.applicants(opportunity), done=request.args.get("done"))


@bp.get("/applications/<int:application_id>")
@employer_required
def application(application_id: int):
    """Show one applicant: their message, their levels checked now, and the evidence behind each."""
    application = _application_or_404(application_id)
    return _application_page(application)


def _application_page(application, error=None):
    applicant = applications.applicant(application)
    return render_template("employer/application.html", applicant=applicant, application=application,
                           opportunity=application.opportunity, error=error, no_name=NO_NAME,
                           done=request.args.get("done")), (409 if error else 200)


@bp.post("/applications/<int:application_id>/outcome")
@employer_required
def outcome(application_id: int):
    """Record what happened with an application: interviewed, offered, started, or not taken forward."""
    application = _application_or_404(application_id)
    try:
        applications.record_outcome(application, request.form.get("status", ""))
    except applications.ApplyError as exc:
        return _application_page(application, exc)
    return redirect(url_for("employer.application", application_id=application.id, done="outcome"))
