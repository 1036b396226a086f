"""The page for a lesson or question this server does not have: the course changed under the learner.

While a content change reaches each app server in turn (CONTENT_RELOAD_SECONDS), one server may
show a question the next one no longer has. The learner gets a plain page that says so and where
to carry on, never a server error; an answer that could not be marked is not stored, and every
answer already saved stays saved.
"""

from __future__ import annotations

from flask import abort, make_response, render_template, request

from .. import services
from ..whats_next import resume_module


def changed(what: str):
    """Stop the request with a 404 page saying this lesson or question has changed, and where to carry on."""
    learner = services.current_learner()
    module = resume_module(learner) if learner is not None else None
    abort(make_response(render_template("learner/changed.html", what=what, module=module,
                                        sent=request.method == "POST"), 404))
