"""LTI 1.3 pages: login, launch, deep linking, the tool's keys, and registering VLEs.

A bad launch (forged or expired token, wrong audience, replayed nonce, unknown
deployment, another browser's or another VLE's login) gets a plain error page with
a 4xx status, is logged, and creates nothing.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from flask import abort, current_app, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user
from pylti1p3.contrib.flask import FlaskOIDCLogin, FlaskRequest
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.exception import LtiException, OIDCException
from pylti1p3.lineitem import LineItem

from .. import content_security_policy, ratelimits
from ..auth.roles import admin_required
from ..urls import public_url
from ..content import current_course
from ..extensions import csrf, db
from . import binding, bp, launches, registry
from .signing_key import jwks
from .tool import DatabaseStorage, ToolConf, ToolCookies, ToolLaunch, browser_id, origin

DEEP_LINK_SESSION_KEY = "lti_deep_link_launch"
TOPIC_SESSION_KEY = "lti_topic_to_choose"


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
@ratelimits.starts(ratelimits.LTI_LOGINS_PER_ADDRESS, "Too many launches came from this address at once.")
def login():
    """Start an LTI launch (OpenID Connect third-party login): send the browser back to the VLE to sign."""
    try:
        params = binding.login_params()
    except binding.BadLogin as exc:
        return _refuse("This link does not launch Skills Passport. Ask your VLE administrator to check "
                       "the tool's settings.", detail=str(exc))
    target = params.get("target_link_uri", "")
    if not target or urlsplit(target)._replace(query="").geturl() != _launch_url():
        return _refuse("This link does not launch Skills Passport. Ask your VLE administrator to check "
                       "the tool's settings.", detail=f"target_link_uri={target[:200]!r}")
    binding.forget_expired()
    storage = DatabaseStorage()
    try:
        oidc = FlaskOIDCLogin(FlaskRequest(), ToolConf(), cookie_service=ToolCookies(FlaskRequest()),
                              launch_data_storage=storage)
        response = oidc.redirect(target)
    except (LtiException, OIDCException) as exc:
        return _refuse("Your VLE is not set up to use Skills Passport yet. Ask your VLE administrator to "
                       "register it.", detail=str(exc))
    sent = parse_qs(urlsplit(response.location).query)
    binding.remember(state=sent["state"][0], nonce=sent["nonce"][0], issuer=oidc.get_iss(),
                     client_id=oidc.get_client_id(), deployment_id=params.get("lti_deployment_id"),
                     restart=params, browser=storage.get_session_id())
    return response


LAUNCH_AGAIN = "Go back to your course and open the activity again."
REFUSED = {  # why a launch did not match its login: (status, what the person reads)
    "no login": (400, f"This launch could not be checked, so nothing was opened. {LAUNCH_AGAIN}"),
    "does not match": (400, f"This launch could not be checked, so nothing was opened. {LAUNCH_AGAIN}"),
    "used": (400, f"This launch was already used. {LAUNCH_AGAIN}"),
    "other browser": (403, "This launch was started in another browser or window, so nothing was opened. "
                           + LAUNCH_AGAIN),
    "no cookies": (400, "Your browser did not let Skills Passport keep the small file (a cookie) it needs "
                        "while it is shown inside your course page, so nothing was opened."),
}


def _refused_launch(exc: binding.Refused):
    """Answer a launch that does not match its login; offer a new window when the frame lost the cookies."""
    status, message = REFUSED[exc.reason]
    new_window = None
    if exc.reason == "no cookies" and exc.login is not None:
        # The usual LTI answer to blocked third-party cookies: the same login again, in a window of its own.
        new_window = url_for("lti.login", **exc.login.restart)
    current_app.logger.warning("lti: refused: %s", exc.reason)
    return render_template("lti/error.html", message=message, new_window=new_window), status


@bp.post("/launch")
@csrf.exempt  # the VLE posts a signed id_token here; its signature, state, nonce and browser are checked
def launch():
    """Check a launch from a VLE, sign the person in, and take them to their module (or their course's group)."""
    try:
        login = binding.check(request.form.get("state"), request.form.get("id_token"), browser_id())
    except binding.Refused as exc:
        return _refused_launch(exc)
    try:
        cookies = ToolCookies(FlaskRequest())
        message = ToolLaunch(FlaskRequest(), ToolConf(), cookie_service=cookies, launch_data_storage=DatabaseStorage())
        data = message.get_launch_data()
    except (LtiException, ValueError, KeyError, AssertionError, TypeError, AttributeError) as exc:
        db.session.rollback()
        return _refuse(REFUSED["does not match"][1], detail=f"{type(exc).__name__}: {exc}")
    deep_linking = message.is_deep_link_launch()
    if deep_linking and not launches.is_instructor(data):
        db.session.rollback()
        return _refuse("Only a teacher can add Skills Passport activities to a course.", 403)
    try:
        person = launches.accept(message, data, login)
    except binding.Refused as exc:
        db.session.rollback()
        return _refused_launch(exc)
    except launches.LaunchProblem as exc:
        db.session.rollback()
        return _refuse(str(exc), detail=str(exc))
    login_user(person.learner, remember=False)
    session["lti"] = True
    if deep_linking:
        session[DEEP_LINK_SESSION_KEY] = message.get_launch_id()
        return redirect(url_for("lti.choose"))
    module, lesson = launches.target(data, person.platform_id)
    if module is None and launches.needs_topic(data):
        return _no_topic_yet(person, data)
    if person.instructor:
        return redirect(url_for("tutor.group", group_id=person.group_id))
    if lesson is not None:
        return redirect(url_for("learner.lesson", lesson_id=lesson.id))
    if module is not None:
        return redirect(url_for("learner.module", module_id=module.id))
    return redirect(url_for("learner.home"))


# --- a topic for an activity added by hand in the VLE -------------------------------------------


def _no_topic_yet(person: launches.Person, data: dict):
    """Send a teacher to choose the activity's topic; tell a learner their teacher has not yet."""
    if not person.instructor:
        return render_template("lti/no_topic.html")
    deployment_id, link_id = launches.resource_link(data)
    session[TOPIC_SESSION_KEY] = {"platform": person.platform_id, "deployment": deployment_id, "link": link_id,
                                  "group": person.group_id}
    return redirect(url_for("lti.topic"))


def _topic_request() -> dict:
    """Return the activity this teacher launched to choose a topic for, or stop with 404."""
    wanted = session.get(TOPIC_SESSION_KEY)
    if not isinstance(wanted, dict) or not current_user.is_authenticated or not current_user.is_tutor:
        abort(404)
    return wanted


@bp.route("/topic", methods=["GET", "POST"])
def topic():
    """Let a teacher choose the topic of an activity added by hand, so its learners land there and get grades."""
    wanted = _topic_request()
    modules = current_course().modules
    if request.method == "GET":
        return render_template("lti/topic.html", modules=modules)
    module = current_course().module(request.form.get("module", "")[:100])
    if module is None:
        return render_template("lti/topic.html", modules=modules, error="Choose a topic."), 422
    launches.choose_topic(wanted["platform"], wanted["deployment"], wanted["link"], module, current_user)
    session.pop(TOPIC_SESSION_KEY, None)
    if wanted.get("group"):
        return redirect(url_for("tutor.group", group_id=wanted["group"]))
    return redirect(url_for("tutor.groups"))


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
        message = ToolLaunch.from_cache(launch_id, FlaskRequest(), ToolConf(),
                                        cookie_service=ToolCookies(FlaskRequest()),
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

