"""Passport pages: the learner's own passport, the public checks, and the Open Badges documents."""

from __future__ import annotations

import json

from flask import Response, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user

from engine.model import LEVEL_MEANINGS, LEVELS
from engine.passport import level_meaning, standing
from engine.progress import LearnerState

from .. import ratelimits, services
from ..content import current_course, current_parameters
from ..extensions import db
from ..models import Award, Learner, utcnow
from ..urls import public_url
from . import awards, bp, certificate, openbadges

JSON_LD = "application/ld+json"
NO_NAME = "A Skills Passport learner"


# --- addresses -----------------------------------------------------------------------


def _document(document: dict, status: int = 200) -> Response:
    """Send an Open Badges document as JSON-LD (plain JSON if that is all the client takes)."""
    best = request.accept_mimetypes.best_match([JSON_LD, "application/json"], default=JSON_LD)
    response = Response(json.dumps(document, indent=2, ensure_ascii=False), status=status, mimetype=best)
    response.headers["Access-Control-Allow-Origin"] = "*"  # badge wallets fetch these from their own pages
    return response


def _module_level_or_404(module_id: str, level: str):
    module = current_course().module(module_id)
    if module is None or level not in LEVELS:
        abort(404)
    return module


def _issuer_document() -> dict:
    config = current_app.config
    return openbadges.issuer_profile(
        id=public_url("badges.issuer"), name=config["ISSUER_NAME"], url=public_url("learner.home"),
        email=config["ISSUER_EMAIL"] or None,
        description="Free lessons in everyday digital skills, with a Digital Skills Passport at bronze, silver "
                    "and gold, mapped to the UK Essential Digital Skills Framework.",
        image=public_url("badges.art", level="gold"))


def _badge_class_document(module, level: str) -> dict:
    rule = _rule(module, level)
    return openbadges.badge_class(
        id=public_url("badges.badge_class", module_id=module.id, level=level),
        name=f"{module.title}: {level.capitalize()}",
        description=f"{module.title}, {level} level ({LEVEL_MEANINGS[level]} in the Essential Digital Skills "
                    f"Framework). {module.summary}",
        image=public_url("badges.art", level=level),
        criteria_url=public_url("badges.criteria", module_id=module.id, level=level),
        criteria_narrative=rule,
        issuer=public_url("badges.issuer"),
        tags=["digital skills", "Essential Digital Skills", level],
        alignments=[openbadges.alignment(
            name=f"Essential Digital Skills Framework: {LEVEL_MEANINGS[level]}",
            url="https://www.gov.uk/government/publications/essential-digital-skills-framework",
            framework="UK Essential Digital Skills Framework")])


def _rule(module, level: str) -> str:
    return next(s for s in standing(module, LearnerState(module.id), current_parameters(), {}, utcnow())
                if s.level == level).rule()


def _assertion_document(award: Award) -> dict:
    module = current_course().module(award.module_id)
    assertion_url = public_url("badges.assertion", public_id=award.public_id)
    if award.revoked:
        return openbadges.revoked_assertion(id=assertion_url, reason=award.revoked_reason)
    skills = award.evidence.get("skills", [])
    title = module.title if module else award.module_id
    narrative = level_meaning(award.level, title)
    if skills:
        narrative += " Showed, on their own, they can: " + "; ".join(s["title"] for s in skills) + "."
    review = award.evidence.get("review")
    if review:
        narrative += (f" Passed a mixed review of the whole topic on {review['passed_at'][:10]}: "
                      f"{review['right']} of {review['questions']} right.")
    check_url = public_url("badges.check_badge", public_id=award.public_id)
    # One evidence entry a skill: what stood behind it, in words an employer can read.
    per_skill = [openbadges.evidence(id=f"{check_url}#skill-{s['id']}", name=s["title"], narrative=s["summary"])
                 for s in skills if s.get("summary")]
    return openbadges.assertion(
        id=assertion_url,
        badge=public_url("badges.badge_class", module_id=award.module_id, level=award.level),
        recipient_type="url",
        recipient_identity=public_url("badges.learner_identity",
                                      learner_id=award.recipient_number or award.learner_id),
        salt=award.recipient_salt,
        issued_on=award.awarded_at,
        evidence=[openbadges.evidence(id=check_url, name=f"{title}: {award.level.capitalize()}",
                                      narrative=narrative)] + per_skill,
        image=public_url("badges.art", level=award.level),
    )


# --- Open Badges documents (public: they hold nothing personal) ------------------------


@bp.get("/badges/issuer")
def issuer():
    """Send the issuer's Open Badges profile."""
    return _document(_issuer_document())


@bp.get("/badges/topics/<module_id>/<level>")
def badge_class(module_id: str, level: str):
    """Send the Open Badges BadgeClass for a module's level."""
    return _document(_badge_class_document(_module_level_or_404(module_id, level), level))


@bp.get("/badges/topics/<module_id>/<level>/criteria")
def criteria(module_id: str, level: str):
    """Show what a learner must do to earn a module's level."""
    module = _module_level_or_404(module_id, level)
    return render_template("badges/criteria.html", module=module, level=level, rule=_rule(module, level),
                           meaning=LEVEL_MEANINGS[level])


@bp.get("/badges/art/<level>.png")
def art(level: str):
    """Send the medal picture for a level."""
    if level not in LEVELS:
        abort(404)
    response = Response(openbadges.badge_art_png(level), mimetype="image/png")
    response.cache_control.max_age = 24 * 3600
    return response


@bp.get("/badges/learners/<int:learner_id>")
def learner_identity(learner_id: int):
    """Answer nothing: this address only names a badge's owner, hashed inside the badge."""
    abort(404)


@bp.get("/badges/awards/<public_id>")
def assertion(public_id: str):
    """Send a shared award's Open Badges assertion; a revoked one answers 410 Gone."""
    award = awards.find_award(public_id)
    if award is None or not award.shared:
        return _document({"error": "There is no shared badge at this address."}, 404)
    return _document(_assertion_document(award), 410 if award.revoked else 200)


# --- the learner's own passport -------------------------------------------------------


def _mine_or_404(public_id: str) -> Award:
    learner = services.current_learner()
    award = awards.find_award(public_id)
    if learner is None or award is None or award.learner_id != learner.id:
        abort(404)
    return award


def _share_link(learner):
    """Return the learner's live passport link and its public address, or (None, None)."""
    share = awards.current_share(learner)
    return share, (public_url("badges.check_passport", code=share.code) if share else None)


@bp.get("/passport")
def passport():
    """Show the learner's passport: each topic's level, what earned it, and what is next."""
    learner = services.current_learner()
    share, share_url = _share_link(learner)
    return render_template("badges/passport.html", rows=awards.passport_of(learner), learner=learner,
                           share=share, share_url=share_url,
                           qr=certificate.qr_svg(share_url) if share_url else None,
                           levels=[(name, LEVEL_MEANINGS[name]) for name in LEVELS], level_names=LEVEL_MEANINGS,
                           now=utcnow())


@bp.post("/passport/name")
def set_name():
    """Set the name shown on the learner's certificate and the pages they share."""
    learner = services.current_learner(create=True)
    awards.set_display_name(learner, request.form.get("name", ""))
    return redirect(url_for("badges.passport", _anchor="name"))


@bp.post("/passport/share")
def share():
    """Make, or withdraw, the link to the learner's whole passport."""
    learner = services.current_learner(create=True)
    if request.form.get("share") == "no":
        awards.withdraw_share(learner)
    else:
        awards.share_passport(learner)
    return redirect(url_for("badges.passport", _anchor="share"))


@bp.post("/passport/badges/<public_id>/share")
def share_badge(public_id: str):
    """Make one badge public (its check page and Open Badge), or private again."""
    award = _mine_or_404(public_id)
    awards.set_sharing(award, request.form.get("share") != "no")
    return redirect(url_for("badges.passport", _anchor=f"badge-{award.public_id}"))


@bp.get("/passport/badges/<public_id>.<kind>")
def download(public_id: str, kind: str):
    """Send a shared badge as a picture with its Open Badge baked in, for a badge wallet or a CV."""
    award = _mine_or_404(public_id)
    if kind not in ("png", "svg") or not award.shared or award.revoked:
        abort(404)
    document = _assertion_document(award)
    module = current_course().module(award.module_id)
    name = f"skills-passport-{award.module_id}-{award.level}.{kind}"
    if kind == "png":
        body, mimetype = openbadges.bake_png(openbadges.badge_art_png(award.level), document), "image/png"
    else:
        art_svg = openbadges.badge_art_svg(award.level, module.title if module else award.module_id)
        body = openbadges.bake_svg(art_svg, document, document["id"])
        mimetype = "image/svg+xml"
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.post("/modules/<module_id>/gold-review")
def start_review(module_id: str):
    """Start the gold review of a module, then go to its first question."""
    module = current_course().module(module_id)
    learner = services.current_learner()
    if module is None or learner is None:
        abort(404)
    try:
        awards.start_review(learner, module)
    except awards.ReviewNotOpen as exc:
        return render_template("badges/review_not_open.html", module=module, reason=str(exc)), 409
    return redirect(url_for("learner.continue_module", module_id=module.id))


def _certificate_rows(rows) -> list[dict]:
    result = []
    for row in rows:
        best = row.best
        skills = [] if best is None else [s.skill.title for ls in row.standings for s in ls.skills
                                         if ls.valid and LEVELS.index(ls.level) <= LEVELS.index(best.level)]
        result.append({"title": row.module.title, "level": best.level if best else None,
                       "awarded_on": best.awarded_at.date() if best else None, "skills": skills})
    return result


@bp.get("/passport/certificate")
def certificate_page():
    """Show the passport as a one-page certificate to print."""
    learner = services.current_learner()
    share, share_url = _share_link(learner)
    rows = awards.passport_of(learner)
    return render_template("badges/certificate.html", learner=learner, rows=_certificate_rows(rows),
                           share=share, share_url=share_url, issuer=current_app.config["ISSUER_NAME"],
                           check_url=public_url("badges.check"),
                           qr=certificate.qr_svg(share_url) if share_url else None, today=utcnow().date())


@bp.get("/passport/certificate.pdf")
def certificate_pdf():
    """Send the passport as a one-page A4 PDF certificate."""
    learner = services.current_learner()
    _, share_url = _share_link(learner)
    rows = _certificate_rows(awards.passport_of(learner))
    body = certificate.certificate_pdf(
        learner_name=(learner.display_name if learner and learner.display_name else NO_NAME),
        site_name="Skills Passport", issuer_name=current_app.config["ISSUER_NAME"], modules=rows,
        verify_url=share_url, issued_on=utcnow().date())
    response = Response(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = 'attachment; filename="skills-passport-certificate.pdf"'
    return response


# --- public checks, for employers --------------------------------------------------------


@bp.get("/check")
@ratelimits.passport_checks
def check():
    """Let someone type the code from a printed passport, and check it."""
    code = request.args.get("code", "").strip()
    if code:
        share = awards.find_share(code)
        if share is not None:
            return redirect(url_for("badges.check_passport", code=share.code))
        return render_template("badges/check.html", code=code, not_found=True), 404
    return render_template("badges/check.html", code="", not_found=False)


@bp.get("/check/<code>")
@ratelimits.passport_checks
def check_passport(code: str):
    """Show a shared passport, so an employer can see it is real; a withdrawn link shows nothing."""
    share = awards.find_share(code)
    if share is None:
        return render_template("badges/check_passport.html", found=False, code=code), 404
    learner = db.session.get(Learner, share.learner_id)
    rows = [row for row in awards.passport_of(learner) if row.awards]
    return render_template("badges/check_passport.html", found=True, rows=rows,
                           name=learner.display_name or NO_NAME, share=share,
                           issuer=current_app.config["ISSUER_NAME"], fits=_employer_fits(learner))


def _employer_fits(learner: Learner):
    """Return, to a signed-in employer only, their open opportunities and whether this passport meets each."""
    from ..employer import applications, organisations

    organisation = organisations.organisation_of(current_user)
    return applications.fits_for(organisation, learner.id) if organisation is not None else None


@bp.get("/check/badge/<public_id>")
def check_badge(public_id: str):
    """Show whether one shared badge is valid, revoked, or not found."""
    award = awards.find_award(public_id)
    if award is None or not award.shared:
        return render_template("badges/check_badge.html", award=None), 404
    learner = db.session.get(Learner, award.learner_id)
    module = current_course().module(award.module_id)
    return render_template("badges/check_badge.html", award=award, module=module,
                           meaning=level_meaning(award.level, module.title if module else award.module_id),
                           name=learner.display_name or NO_NAME, issuer=current_app.config["ISSUER_NAME"],
                           assertion_url=public_url("badges.assertion", public_id=award.public_id))
