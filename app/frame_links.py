"""The addresses in every page's frame (stylesheets, menu and footer), worked out once per app.

Building an address with `url_for` costs more than the rest of the frame put together, and
these never change while the app runs, so each is built once for each path the app is
served under (the WSGI SCRIPT_NAME, so a council serving it under /skills still gets right
links) and `base.html` reads them from `frame`.
"""

from __future__ import annotations

from flask import Flask, has_request_context, request, url_for

FILES = ("favicon.svg", "style.css", "reading.css", "listen.js")
PAGES = ("learner.home", "tutor.groups", "tutor.preview", "admin.users", "lti.platforms", "report.report",
         "employer.home", "opportunities.index", "badges.passport", "auth.account", "auth.finish_page",
         "settings.settings")
MOUNTS_KEPT = 8  # a server is mounted at one path or a few; never let the cache grow with requests


def init_app(app: Flask) -> None:
    """Give every template `frame`: the frame's addresses, by endpoint or file name."""
    built: dict[str | None, dict[str, str]] = {}

    @app.context_processor
    def frame_links() -> dict:
        root = request.script_root if has_request_context() else None
        links = built.get(root)
        if links is None:
            links = {endpoint: url_for(endpoint) for endpoint in PAGES}
            links.update({name: url_for("static", filename=name) for name in FILES})
            if len(built) < MOUNTS_KEPT:
                built[root] = links
        return {"frame": links}
