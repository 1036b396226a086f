"""The settings page, and the settings applied to every page."""

from __future__ import annotations

from flask import current_app, g, redirect, render_template, request, url_for

from . import bp, choices


def reading() -> choices.Reading:
    """Return this browser's reading settings (read once a request)."""
    if "reading" not in g:
        g.reading = choices.from_cookie(request.cookies.get(choices.COOKIE))
    return g.reading


@bp.app_context_processor
def _reading_settings() -> dict:
    return {"reading": reading}


@bp.after_app_request
def _vary_on_the_settings_cookie(response):
    # A page drawn with someone's settings must not be served from a shared cache to someone else.
    if "reading" in g:
        response.vary.add("Cookie")
    return response


@bp.route("/settings", methods=["GET", "POST"])
def settings():
    """Choose text size, contrast and line spacing; the choice is kept in this browser."""
    if request.method == "POST":
        chosen = choices.from_form(request.form)
        response = redirect(url_for("settings.settings", saved=1), 303)
        if chosen.is_standard:
            response.delete_cookie(choices.COOKIE)
        else:
            response.set_cookie(choices.COOKIE, chosen.as_cookie(), max_age=choices.COOKIE_SECONDS, httponly=True,
                                samesite="Lax", secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")))
        return response
    return render_template("settings/settings.html", current=reading(), text=choices.TEXT,
                           contrast=choices.CONTRAST, spacing=choices.SPACING)
