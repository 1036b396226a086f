"""LTI 1.3 pages: login, launch, deep linking, the tool's keys, and registering VLEs.

A bad launch (forged or expired token, wrong audience, replayed nonce, unknown
deployment) gets a plain error page, is logged, and creates nothing.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, current_app, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user
from pylti1p3.contrib.flask import FlaskMessageLaunch, FlaskOIDCLogin, FlaskRequest
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.exception import LtiException, OIDCException
from pylti1p3.lineitem import LineItem

from .. import content_security_policy
from ..auth.roles import admin_required
from ..urls import public_url
from ..content import current_course
from ..extensions import csrf
from . import bp, launches, registry
from .tool import DatabaseStorage, ToolConf, jwks, origin

DEEP_LINK_SESSION_KEY = "lti_deep_link_launch"


def _refuse(message: str, status: int = 400, detail: str = ""):
    current_app.logger.warning("lti: refused: %s %s", message, detail)
    return render_template("lti/error.html", message=message), status


def _launch_url() -> str:
    return public_url("lti.launch")


@bp.get("/jwks.json")
def keys():
    """Publish the tool's public keys, so a VLE can check what the tool signs."""
    response = jsonify(jwks())
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.route("/login", methods=["GET", "POST"])
@csrf.exempt  # the VLE starts this; OpenID Connect's state and nonce protect it
def login():
    """Start an LTI launch (OpenID Connect third-party login): send the browser back to the VLE to sign."""
    target = request.values.get("target_link_uri", "")
    if not target or urlsplit(target)._replace(query="").geturl() != _launch_url():
        return _refuse("This link does not launch Skills Passport. Ask your VLE administrator to check "
                       "the tool's settings.", detail=f"target_link_uri={target!r}")
    try:
        oidc = FlaskOIDCLogin(FlaskRequest(), ToolConf(), launch_data_storage=DatabaseStorage())
        return oidc.redirect(target)
    except (LtiException, OIDCException) as exc:
        return _refuse("Your VLE is not set up to use Skills Passport yet. Ask your VLE administrator to "
                       "register it.", detail=str(exc))


@bp.post("/launch")
@csrf.exempt  # the VLE posts a signed id_token here; its signature, state and nonce are checked
def launch():
    """Check a launch from a VLE, sign the person in, and take them to their module (or their course's group)."""
    storage = DatabaseStorage()
    message = FlaskMessageLaunch(FlaskRequest(), ToolConf(), launch_data_storage=storage)
    try:
        data = message.get_launch_data()
    except (LtiException, ValueError, KeyError, AssertionError) as exc:
        return _refuse("This launch could not be checked, so nothing was opened. Go back to your course and "
                       "open the activity again.", detail=f"{type(exc).__name__}: {exc}")
    try:
        person = launches.accept(message, data)
    except launches.LaunchProblem as exc:
        return _refuse(str(exc), detail=str(exc))
    login_user(person.learner, remember=False)
    session["lti"] = True
    if message.is_deep_link_launch():
        if not person.instructor:
            return _refuse("Only a teacher can add Skills Passport activities to a course.", 403)
        session[DEEP_LINK_SESSION_KEY] = message.get_launch_id()
        return redirect(url_for("lti.choose"))
    if person.instructor:
        return redirect(url_for("tutor.group", group_id=person.group_id))
    module, lesson = launches.target(data)
    if lesson is not None:
        return redirect(url_for("learner.lesson", lesson_id=lesson.id))
    if module is not None:
        return redirect(url_for("learner.module", module_id=module.id))
    return redirect(url_for("learner.home"))


@bp.get("/choose")
def choose():
    """Let a teacher pick the module (or lesson) to add to their course."""
    if not session.get(DEEP_LINK_SESSION_KEY) or not current_user.is_authenticated or not current_user.is_tutor:
        abort(404)
    return render_template("lti/choose.html", modules=current_course().modules)


@bp.post("/choose")
def chosen():
    """Send the teacher's choice back to the VLE as a deep-linking response."""
    launch_id = session.get(DEEP_LINK_SESSION_KEY)
    if not launch_id or not current_user.is_authenticated or not current_user.is_tutor:
        abort(404)
    course = current_course()
    kind, _, item_id = request.form.get("item", "").partition(":")
    module = course.module(item_id) if kind == "module" else None
    lesson = course.lessons.get(item_id) if kind == "lesson" else None
    if module is None and lesson is None:
        return render_template("lti/choose.html", modules=course.modules,
                               error="Choose a topic or a lesson to add."), 422
    try:
        message = FlaskMessageLaunch.from_cache(launch_id, FlaskRequest(), ToolConf(),
                                                launch_data_storage=DatabaseStorage())
        deep_link = message.get_deep_link()
    except LtiException as exc:
        return _refuse("This request from your VLE has expired. Start adding the activity again from your "
                       "course.", detail=str(exc))
    module = module or course.module(lesson.module_id)
    title = lesson.title if lesson else module.title
    custom = {"module": module.id, **({"lesson": lesson.id} if lesson else {})}
    resource = (DeepLinkResource().set_url(_launch_url()).set_title(f"Skills Passport: {title}")
                .set_custom_params(custom)
                .set_lineitem(LineItem().set_label(f"Skills Passport: {module.title}").set_score_maximum(1)
                              .set_tag(module.id)))
    jwt = deep_link.get_response_jwt([resource])
    return_url = message.get_launch_data()[
        "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"]["deep_link_return_url"]
    session.pop(DEEP_LINK_SESSION_KEY, None)
    response = current_app.make_response(render_template("lti/send_choice.html", jwt=jwt, return_url=return_url,
                                                         title=title))
    # This one form goes back to the VLE, so the page lets it.
    response.headers["Content-Security-Policy"] = content_security_policy(form_action=origin(return_url))
    return response


# --- registering VLEs -------------------------------------------------------------------------


@bp.route("/platforms", methods=["GET", "POST"])
@admin_required
def platforms():
    """List the VLEs registered to launch Skills Passport, add one by hand, or make a registration link."""
    error = None
    if request.method == "POST":
        try:
            registry.add_platform(**{k: request.form.get(k, "") for k in registry.FORM_FIELDS})
        except registry.PlatformError as exc:
            error = exc
        else:
            return redirect(url_for("lti.platforms", added=1))
    return render_template("lti/platforms.html", platforms=registry.all_platforms(), error=error,
                           form=request.form, tool=registry.tool_settings(),
                           registration_url=request.args.get("registration_url")), (422 if error else 200)


@bp.post("/platforms/registration-link")
@admin_required
def registration_link():
    """Make a one-day link for LTI Dynamic Registration, to paste into Moodle or Canvas."""
    return redirect(url_for("lti.platforms", registration_url=registry.registration_url(), _anchor="dynamic"))


@bp.get("/register")
def register():
    """Take part in LTI Dynamic Registration, started by a VLE administrator with our registration link."""
    if not registry.check_registration_token(request.args.get("token", "")):
        return _refuse("This registration link has expired or is not right. Ask your Skills Passport admin "
                       "for a new one.", 403)
    openid_configuration = request.args.get("openid_configuration", "")
    if not openid_configuration:
        return _refuse("Open this link from your VLE's tool registration page.")
    try:
        platform = registry.dynamic_register(openid_configuration, request.args.get("registration_token"))
    except (LtiException, registry.PlatformError, ValueError, KeyError, AssertionError) as exc:
        return _refuse("Your VLE could not be registered. Check the link and try again.", detail=str(exc))
    return render_template("lti/registered.html", platform=platform)

