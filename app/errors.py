"""Friendly error pages: say what happened and what to do next."""

from __future__ import annotations

import math

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

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
    500: ("Sorry, something went wrong on our side",
          "Your progress is saved. Please try again in a few minutes."),
}


def _page(status: int, title: str | None = None, message: str | None = None):
    default_title, default_message = MESSAGES.get(status, MESSAGES[500])
    return render_template("error.html", title=title or default_title,
                           message=message or default_message, status=status), status


def init_app(app: Flask) -> None:
    """Register the error pages."""

    @app.errorhandler(CSRFError)
    def form_expired(error):
        """Explain a missing or stale form token without blaming the learner."""
        return _page(400, "This page was open too long or cookies are blocked",
                     "Please go back, reload the page and try again. "
                     "If it happens again, check that your browser allows cookies for this site.")

    @app.errorhandler(429)
    def too_many_tries(error):
        """Say plainly that there were too many tries, and how long to wait."""
        minutes = 15
        limit = getattr(error, "limit", None)
        if limit is not None:
            minutes = max(1, math.ceil(limit.limit.get_expiry() / 60))
        page, status = _page(429, "Too many tries",
                             f"There were too many wrong tries. For your safety, please wait {minutes} minutes "
                             "and try again. If you have forgotten your password or code, ask your tutor.")
        return page, status, {"Retry-After": str(minutes * 60)}

    @app.errorhandler(HTTPException)
    def http_error(error):
        """Show any other HTTP error, and unexpected errors (as 500), as a plain page."""
        return _page(error.code or 500)
