"""What browsers may keep: no copy of a page with someone's data, and, over HTTPS, to use only HTTPS.

A library computer is shared: the next person must not find a learner's progress, a tutor's
class list or an admin's page by pressing Back or in the browser's cache.
"""

from __future__ import annotations

from flask import Flask, current_app, g, request

# Areas whose every page belongs to one person: tutors, admins, account pages, the API's answers.
PRIVATE_AREAS = {"tutor", "admin", "auth", "api"}
# Browsers remember to use HTTPS for a year. Not for subdomains: a council's other sites are not ours.
HSTS = "max-age=31536000"


def is_staff_page() -> bool:
    """Say whether this is a tutor's or admin's page (their areas, or any page that checks the role)."""
    view = current_app.view_functions.get(request.endpoint or "")
    return request.blueprint in ("tutor", "admin") or getattr(view, "required_role", None) is not None


def is_private() -> bool:
    """Say whether this response shows one person's data, so no browser or proxy may keep it."""
    if request.endpoint == "static":
        return False
    if request.blueprint in PRIVATE_AREAS or is_staff_page():
        return True
    # A page drawn for someone signed in (a guest too) shows their own progress. Read the account
    # only if the page did, so a page that did not is not made to wait for the database.
    user = g.get("_login_user")
    return user is not None and user.is_authenticated


def is_https() -> bool:
    """Say whether the site is served over HTTPS: this request was, or SECURE_COOKIES says it always is."""
    return request.is_secure or bool(current_app.config.get("SESSION_COOKIE_SECURE"))


def _keep_private_pages_out_of_caches(response):
    if is_private():
        if is_staff_page():
            response.headers["Cache-Control"] = "no-store"  # whatever the page set: staff pages never stay
        else:
            response.headers.setdefault("Cache-Control", "no-store")  # a page may say more (media: a day)
    if is_https():
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def init_app(app: Flask) -> None:
    """Add the caching and HTTPS headers to every response."""
    app.after_request(_keep_private_pages_out_of_caches)
