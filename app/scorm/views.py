"""SCORM pages: a VLE's launch, the key and score its SCO asks for, and a tutor's download of a package.

The SCO, on the VLE's site, first posts to /scorm/start with the student's key (none on a
first launch) and gets back the key to keep in cmi.suspend_data; then it posts the same
to /scorm/launch in its frame, which signs the student in. Keys travel only in request
bodies, never in addresses, so they stay out of browser history, logs and Referer headers.
"""

from __future__ import annotations

from flask import (
    Response,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from .. import ratelimits
from ..auth.roles import tutor_required
from ..errors import too_many
from ..content import current_course
from ..extensions import csrf
from . import bp, launch
from .package import build_package, package_filename

MODULE_GONE = "This topic is no longer on Skills Passport. Ask your tutor about it."


def _refuse(message: str, status: int = 400):
    return render_template("error.html", title="This topic could not be opened", message=message,
                           status=status), status


def base_url() -> str:
    """Return the site's public address for a package to launch from: PUBLIC_URL, or this request's."""
    return current_app.config.get("PUBLIC_URL") or request.url_root.rstrip("/")


def _answer(body: dict, status: int = 200) -> Response:
    response = jsonify(body)
    response.status_code = status
    # The SCO asks from the VLE's own site. Any site may: an answer tells a key or a score only to
    # someone who sent the student's key already, or who made the student's learner just now.
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = "no-store"
    return response


def _module_of(found: launch.Launch):
    module = current_course().module(found.package.module_id)
    if module is None:
        raise launch.LaunchError(MODULE_GONE, 404)
    return module


@bp.errorhandler(429)
def too_many_starts(error):
    """Answer a refused start in JSON the SCO can read from the VLE's site, in the page's plain words."""
    _title, message, seconds = too_many(error)
    response = _answer({"error": message}, 429)
    response.headers["Retry-After"] = str(seconds)
    return response


@bp.post("/start")
@csrf.exempt  # posted by the SCO from the VLE's site, without the site's cookies; the key is the proof
@ratelimits.starts(ratelimits.SCORM_STARTS_PER_ADDRESS, "Too many topics were opened from this address at once.")
def start():
    """Check a VLE student's key, or give a first launch its learner and key; answer the key to keep."""
    try:
        found = launch.read_launch(request.form.get("token"), request.form.get("student"))
        _module_of(found)
        key = launch.start(found, request.form.get("key"), request.form.get("name"))
    except launch.LaunchError as error:
        return _answer({"error": str(error)}, error.status)
    return _answer({"key": key})


@bp.post("/launch")
@csrf.exempt  # posted by the SCO into its frame from the VLE's site; the key is the proof
def launch_module():
    """Sign in the VLE's student as their learner on this site, and show the package's module."""
    try:
        found = launch.read_launch(request.form.get("token"), request.form.get("student"))
        module = _module_of(found)
        learner = launch.learner_for(found, request.form.get("key"))
    except launch.LaunchError as error:
        return _refuse(str(error), error.status)
    launch.sign_in(learner)
    return redirect(url_for("learner.module", module_id=module.id), 303)


@bp.get("/launch")
def launch_by_address():
    """Refuse a launch by address: packages made before keys launched so, and anyone could copy one."""
    try:
        launch.read_launch(request.args.get("token"), request.args.get("student"))
    except launch.LaunchError as error:
        return _refuse(str(error), error.status)
    return _refuse("This topic opens only from your course page in the VLE, not from a link or a bookmark.")


@bp.route("/progress", methods=["GET", "POST"])
@csrf.exempt  # asked by the SCO from the VLE's site; the key is the proof
def progress():
    """Return a VLE student's score in the package's module, for the SCO to pass to the gradebook."""
    try:
        found = launch.read_launch(request.values.get("token"), request.values.get("student"))
        module = _module_of(found)
        learner = launch.learner_for(found, request.form.get("key"))  # a key only from the body, never the address
    except launch.LaunchError as error:
        return _answer({"error": str(error)}, error.status)
    score = launch.score_of(learner, module)
    return _answer({
        "score": 100 * score.mastered // score.total if score.total else 0,  # 100 only when all is mastered
        "status": "passed" if score.complete else "incomplete",
        "mastered": score.mastered,
        "total": score.total,
    })


@bp.get("/modules/<module_id>.zip")
@tutor_required
def download(module_id: str):
    """Send a new SCORM 1.2 package of a module, to add to a VLE course."""
    module = current_course().module(module_id)
    if module is None:
        abort(404)
    package = launch.new_package(module, current_user.username or f"user {current_user.id}")
    data = build_package(module, base_url(), launch.token_for(package))
    return Response(data, mimetype="application/zip", headers={
        "Content-Disposition": f'attachment; filename="{package_filename(module)}"',
        "Cache-Control": "no-store",
    })
