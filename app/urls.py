"""The site's addresses: ids in them, and lasting public addresses of pages for badges, VLEs and printed links."""

from __future__ import annotations

from flask import Flask, current_app, has_request_context, url_for
from werkzeug.routing import IntegerConverter

# The largest id an id column holds on every database we support (PostgreSQL's INTEGER).
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """Read `<int:...>` in an address as an id: a number too big to be one is simply not found (404)."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None,  # noqa: A002 - werkzeug's names
                 max: int | None = None, signed: bool = False):  # noqa: A002
        super().__init__(map, fixed_digits, min, MAX_ID if max is None else max, signed)


def init_app(app: Flask) -> None:
    """Make every `<int:...>` in the site's addresses an id; call before any page is added."""
    app.url_map.converters["int"] = IdConverter


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
