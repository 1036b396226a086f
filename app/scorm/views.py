"""SCORM pages: a VLE's launch, the score its SCO reads, and a tutor's download of a package."""

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

from ..auth.roles import tutor_required
from ..content import current_course
from . import bp, launch
from .package import build_package, package_filename


def _refuse(message: str, status: int = 400):
    return render_template("error.html", title="This topic could not be opened", message=message,
                           status=status), status


def base_url() -> str:
    """Return the site's public address for a package to launch from: PUBLIC_URL, or this request's."""
    return current_app.config.get("PUBLIC_URL") or request.url_root.rstrip("/")


@bp.get("/launch")
def launch_module():
    """Sign in the VLE's student as their learner on this site, and show the package's module."""
    try:
        found = launch.read_launch(request.args.get("token"), request.args.get("student"))
    except launch.LaunchError as error:
        return _refuse(str(error))
    module = current_course().module(found.package.module_id)
    if module is None:
        return _refuse("This topic is no longer on Skills Passport. Ask your tutor about it.", 404)
    launch.sign_in_student(found, request.args.get("name"))
    return redirect(url_for("learner.module", module_id=module.id))


def _progress_answer(body: dict, status: int = 200) -> Response:
    response = jsonify(body)
    response.status_code = status
    # The SCO reads this from the VLE's own site. Any site may: it tells only a score, and only
    # to someone who holds both the package's token and the VLE's id for the student.
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/progress")
def progress():
    """Return a VLE student's score in the package's module, for the SCO to pass to the gradebook."""
    try:
        found = launch.read_launch(request.args.get("token"), request.args.get("student"))
    except launch.LaunchError as error:
        return _progress_answer({"error": str(error)}, 400)
    module = current_course().module(found.package.module_id)
    learner = launch.learner_for(found)
    if module is None or learner is None:
        return _progress_answer({"error": "This student has not opened the topic yet."}, 404)
    score = launch.score_of(learner, module)
    return _progress_answer({
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
