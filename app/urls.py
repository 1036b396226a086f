"""Lasting public addresses of pages, for badges, VLEs and printed links."""

from __future__ import annotations

from flask import current_app, has_request_context, url_for


class NoPublicUrl(RuntimeError):
    """An address is needed outside a web request, and PUBLIC_URL is not set."""


def public_url(endpoint: str, **values) -> str:
    """Return the lasting public address of a page, on PUBLIC_URL when it is set.

    Outside a web request (a command), PUBLIC_URL is needed to know the site's address.
    """
    base = current_app.config.get("PUBLIC_URL")
    if has_request_context():
        if base:
            return base + url_for(endpoint, **values)
        return url_for(endpoint, _external=True, **values)
    if not base:
        raise NoPublicUrl("set PUBLIC_URL to the site's public address (such as https://passport.example.org)")
    with current_app.test_request_context(base_url=base):
        return url_for(endpoint, _external=True, **values)
