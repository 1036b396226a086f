"""Shared computers: finish on this computer, and say at the start that a computer is shared.

A library computer passes from one person to the next. Finishing ends the session (the
account's session key changes, so any copy of the cookies stops working, a guest's too) and
tells the browser to forget this site's cookies and storage. On a computer marked as shared,
nobody gets the year-long remember cookie: closing the browser is enough to be forgotten.
"""

from __future__ import annotations

import re

from flask import current_app, redirect, render_template, request, session, url_for
from flask_login import current_user, logout_user, user_logged_in

from .. import services
from ..extensions import db
from ..settings.choices import COOKIE as SETTINGS_COOKIE
from . import accounts, bp, sessions

# A page's own address, as request.full_path writes it: printable ASCII, no backslash.
_PAGE_ON_THIS_SITE = re.compile(r"/[!-\[\]-~]*")
# The choice "this computer is mine" outlives the browser; "shared" lives only in the session.
OWN_COOKIE = "own_computer"
OWN_COOKIE_SECONDS = 365 * 24 * 3600


def is_shared() -> bool:
    """Say whether the person at this browser said the computer is shared."""
    return session.get("computer") == "shared"


def asks_if_shared() -> bool:
    """Say whether to ask "Is this a shared computer?": a newcomer who has not said yet."""
    # In a VLE the college's sign-in decides, and a launch keeps no year-long cookie anyway.
    if "computer" in session or request.cookies.get(OWN_COOKIE) or session.get("lti"):
        return False
    return not current_user.is_authenticated or (current_user.is_guest and not current_user.is_tutor)


@bp.app_context_processor
def _shared_computer_question() -> dict:
    return {"asks_if_shared": asks_if_shared}


@user_logged_in.connect
def _no_remember_cookie_on_a_shared_computer(_app, user=None, **_extra) -> None:
    # Whoever signs in (a new guest, an account, a resume code), the sign-in must end with the
    # browser: a remember cookie would hand the next person this one's progress.
    if is_shared():
        session["_remember"] = "clear"


def _safe_back(target: str | None) -> str:
    """Return a page on this site to go back to, or the home page."""
    # Only a plain path: no other site ("//host", "/\\host"), no newline to split the header.
    if target and len(target) <= 2000 and _PAGE_ON_THIS_SITE.fullmatch(target) and not target.startswith("//"):
        return target
    return url_for("learner.home")


@bp.post("/shared-computer")
def shared_computer():
    """Remember whether this computer is shared; on a shared one, sign-ins end with the browser."""
    response = redirect(_safe_back(request.form.get("next")), 303)
    if request.form.get("shared") == "yes":
        session["computer"] = "shared"
        response.delete_cookie(OWN_COOKIE)
        if current_user.is_authenticated:
            session["_remember"] = "clear"  # a guest made before the answer keeps no year-long cookie
    else:
        session["computer"] = "own"
        response.set_cookie(OWN_COOKIE, "1", max_age=OWN_COOKIE_SECONDS, httponly=True, samesite="Lax",
                            secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")))
    return response


@bp.get("/finish")
def finish_page():
    """Offer to keep the progress, then to finish on this computer."""
    learner = services.current_learner()
    return render_template("auth/finish.html", learner=learner,
                           has_progress=learner is not None and accounts.has_progress(learner))


@bp.post("/finish")
def finish():
    """End the session on this computer, make every copy of its cookies useless, and clear the browser."""
    learner = services.current_learner()
    session.clear()
    logout_user()  # after clearing, so its order to delete the remember cookie stays in the session
    if learner is not None:
        sessions.end_sessions(learner)
        db.session.commit()
    response = redirect(url_for("auth.finished"), 303)
    # Chromium, Firefox and Edge forget this site's cookies and storage; the deletions below are
    # for browsers that do not, and the session key above for any copy made before.
    response.headers["Clear-Site-Data"] = '"cookies", "storage"'
    config = current_app.config
    for name in (config.get("SESSION_COOKIE_NAME", "session"), config.get("REMEMBER_COOKIE_NAME", "remember_token"),
                 OWN_COOKIE, SETTINGS_COOKIE):
        response.delete_cookie(name)
    return response


@bp.get("/finished")
def finished():
    """Say the computer is ready for the next person, and offer to keep it marked as shared."""
    # Changes nothing: another site can load this address (an <img>), so marking the computer as
    # shared is the page's button, a form with its token (POST /shared-computer). The finish
    # itself cannot mark it: browsers drop cookies set beside Clear-Site-Data.
    return render_template("auth/finished.html", shared=is_shared())
