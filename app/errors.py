"""Friendly error pages: say what happened and what to do next.

They never need the database, so a learner is told plainly what is going on during an
outage too, and programs using the API get the same answers as JSON.
"""

from __future__ import annotations

import math

from flask import Flask, current_app, g, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from sqlalchemy import exc as db_errors
from werkzeug.exceptions import HTTPException

from .input_guard import UNSTORABLE_MESSAGE
from .ratelimits import Crowd
from .storable import UnstorableText

MESSAGES = {
    400: ("Something went wrong with that form",
          "Please go back, reload the page and try again."),
    404: ("Page not found",
          "The page may have moved, or the address may be mistyped. Try the home page."),
    405: ("That did not work", "Please go back and use the buttons on the page."),
    403: ("This page is not for your account",
          "This page is for tutors or admins. If you are one, sign in with your own account."),
    413: ("That was too much to send",
          "What you sent was too big. Please go back and try something shorter."),
    409: ("That was sent twice at once",
          "Your progress is saved. Please go back, reload the page and carry on."),
    500: ("Sorry, something went wrong on our side",
          "Your progress is saved. Please try again in a few minutes."),
    503: ("Sorry, the site is not working just now",
          "Your saved progress is safe, but we cannot reach it for a moment. Please try again in a minute."),
}
API_PREFIX = "/api/"
# How long to ask browsers and programs to wait before trying again while the database is away.
RETRY_AFTER_SECONDS = 30
# The database cannot be reached (stopped, restarting, full of connections, file unusable):
# the request may well work in a moment, so this is a 503, not the site's fault in the page.
UNAVAILABLE = (db_errors.OperationalError, db_errors.InterfaceError, db_errors.DisconnectionError,
               db_errors.TimeoutError)


def wants_json() -> bool:
    """Say whether the request is to the API, which answers errors as JSON."""
    return request.path.startswith(API_PREFIX)


def _plain_html(title: str, message: str) -> str:
    """Return a bare page, for when even the error template cannot be drawn."""
    return (f'<!doctype html><html lang="en-GB"><meta charset="utf-8"><title>{escape(title)}</title>'
            f"<h1>{escape(title)}</h1><p>{escape(message)}</p><p><a href=\"/\">Go to the home page</a></p>")


def _render(status: int, title: str, message: str) -> str:
    """Draw the error page; as a guest if the signed-in account cannot be read, bare if nothing else works."""
    try:
        return render_template("error.html", title=title, message=message, status=status)
    except Exception:  # noqa: BLE001 - an error page must always be shown
        # Usually the signed-in account could not be read (the database is away): said once, by the handler.
        current_app.logger.debug("drawing the %s page failed; drawing it as a guest", status, exc_info=True)
    _forget_database_work()
    g._login_user = current_app.login_manager.anonymous_user()  # so the page reads no account
    try:
        return render_template("error.html", title=title, message=message, status=status)
    except Exception:  # noqa: BLE001
        current_app.logger.warning("drawing the %s page as a guest failed", status, exc_info=True)
        return _plain_html(title, message)


def _forget_database_work() -> None:
    """Roll back the request's unfinished database work, if the database lets us."""
    from .extensions import db

    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the database may be gone; the session is removed after the request anyway
        pass


def page(status: int, title: str | None = None, message: str | None = None, headers: dict | None = None):
    """Return an error page (JSON under the API) for a status, with a plain title and message."""
    default_title, default_message = MESSAGES.get(status, MESSAGES[500])
    title, message = title or default_title, message or default_message
    if wants_json():
        return jsonify(error=message), status, headers or {}
    return _render(status, title, message), status, headers or {}


def too_many(error) -> tuple[str, str, int]:
    """Return the title, the plain message and the seconds to wait, for a request a limit refused."""
    minutes = 15
    advice = "If you have forgotten your password or code, ask your tutor."
    limit = getattr(error, "limit", None)
    if limit is not None:
        minutes = max(1, math.ceil(limit.limit.get_expiry() / 60))
        if isinstance(limit.error_message, Crowd):  # too many starts at once, not wrong guesses
            wait = f"{minutes} minutes" if minutes < 120 else f"{minutes // 60} hours"
            return "Too many at once", f"{limit.error_message} Please wait {wait} and try again.", minutes * 60
        # A limit may say what to do instead (an employer has no tutor to ask).
        advice = limit.error_message if isinstance(limit.error_message, str) else advice
    return ("Too many tries", f"There were too many wrong tries. For your safety, please wait {minutes} minutes "
            f"and try again. {advice}", minutes * 60)


def init_app(app: Flask) -> None:
    """Register the error pages."""

    @app.errorhandler(CSRFError)
    def form_expired(error):
        """Explain a missing or stale form token without blaming the learner."""
        return page(400, "This page was open too long or cookies are blocked",
                    "Please go back, reload the page and try again. "
                    "If it happens again, check that your browser allows cookies for this site.")

    @app.errorhandler(429)
    def too_many_tries(error):
        """Say plainly that there were too many tries, and how long to wait."""
        title, message, seconds = too_many(error)
        return page(429, title, message, {"Retry-After": str(seconds)})

    @app.errorhandler(UnstorableText)
    def cannot_keep(error: UnstorableText):
        """Say what cannot be saved; nothing from the request was."""
        _forget_database_work()
        if error.limit:
            return page(400, "That was too long to save",
                        f"Something you typed is longer than {error.limit} characters. "
                        "Please go back and make it shorter.")
        return page(400, "That could not be saved", UNSTORABLE_MESSAGE)

    @app.errorhandler(db_errors.DataError)
    def cannot_store(error):
        """Refuse a value the database itself turned down (out of range, too long) as bad input."""
        current_app.logger.warning("the database refused a value: %s", error.orig)
        _forget_database_work()
        return page(400, "That could not be saved",
                    "Something you sent is not something we can save. Please go back, check it and try again.")

    @app.errorhandler(db_errors.IntegrityError)
    def sent_twice(error):
        """Answer 409 when two requests made the same new row at once (two tabs, a double tap).

        The first one's work is saved; the second's is undone, and the learner simply carries on.
        Logged as an error, since a rule broken for any other reason is a fault to look at.
        """
        current_app.logger.error("two writes clashed, or a database rule was broken: %s", error.orig)
        _forget_database_work()
        return page(409)

    def database_unavailable(error):
        """Answer 503 while the database cannot be reached; the next request tries it afresh."""
        current_app.logger.error("the database cannot be reached: %s", error)
        _forget_database_work()
        return page(503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})

    for kind in UNAVAILABLE:
        app.register_error_handler(kind, database_unavailable)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        """Show any other HTTP error, and unexpected errors (as 500), as a plain page.

        A message given with abort(status, message) is shown; it must be written for learners.
        """
        status = error.code or 500
        if wants_json():
            return jsonify(error=error.description or error.name), status
        return page(status, message=vars(error).get("description"))
