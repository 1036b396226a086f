"""Refuse input no database can store, before any view or limit sees it.

PostgreSQL cannot keep a NUL character in text, and neither database can keep half of a
UTF-16 pair (a "lone surrogate", which only JSON can carry). Both come only from a broken
or hostile program, never from a person typing, so a request carrying one is refused whole
with a 4xx and nothing is saved. Checking here, once, covers every form field, address
part, query and JSON body; app/storable.py (and the 400 for a value the database refuses)
is the backstop at the database. A body over MAX_CONTENT_LENGTH is refused here too, read to
its end first so that the sender sees the 413 page.
"""

from __future__ import annotations

import re
import time

from flask import Flask, abort, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.wsgi import LimitedStream

# NUL, and the code points Python uses for lone surrogates.
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# Deep enough for any answer the API takes; deeper JSON is a mistake or an attack.
MAX_JSON_DEPTH = 32
BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# How much of a body over the limit is read (and dropped) so that its sender sees the 413 page.
DRAIN_BYTES = 64 * 1024 * 1024
DRAIN_SECONDS = 10
UNSTORABLE_MESSAGE = ("What you sent has a hidden character in it that this site cannot keep "
                      "(a 'null' character). Please type it again rather than pasting it.")


class TooDeep(ValueError):
    """A JSON body nests deeper than anything the site reads."""


def unstorable(text: str) -> bool:
    """Say whether text has a character the database cannot keep."""
    return UNSTORABLE.search(text) is not None


def _strings(value):
    """Yield every string in a parsed JSON value, keys included, without recursing."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _depth(value) -> int:
    """Return how deeply a parsed JSON value nests (a number or string is 0)."""
    deepest = 0
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
    return deepest


class GuardedJSONProvider(DefaultJSONProvider):
    """Read JSON as Flask does, but treat very deep nesting as invalid JSON rather than crashing."""

    def loads(self, s, **kwargs):
        """Parse JSON, raising ValueError (which Flask answers with a 400) when it nests too deep."""
        try:
            value = super().loads(s, **kwargs)
        except RecursionError:
            raise TooDeep(f"JSON may nest at most {MAX_JSON_DEPTH} levels deep") from None
        if _depth(value) > MAX_JSON_DEPTH:
            raise TooDeep(f"JSON may nest at most {MAX_JSON_DEPTH} levels deep")
        return value


def _read_and_forget_body() -> None:
    """Read a refused body to its end (within reason) so the browser hears the 413 instead of a reset.

    A server that closes the connection while the browser is still sending makes it show "connection
    reset" rather than our page; werkzeug's own server reads the rest itself, gunicorn does not.
    """
    length = request.content_length or 0
    if length > DRAIN_BYTES:
        return  # far past any mistake: not worth holding a worker for
    stream = LimitedStream(request.environ["wsgi.input"], length)
    deadline = time.monotonic() + DRAIN_SECONDS
    while time.monotonic() < deadline and stream.read(64 * 1024):
        pass


def _refuse_bad_input():
    """Answer 404 for an address, and 400 for fields, that carry a character the database cannot keep;
    413 for a body over the limit."""
    if unstorable(request.path) or any(isinstance(v, str) and unstorable(v)
                                       for v in (request.view_args or {}).values()):
        abort(404)
    limit = request.max_content_length
    if limit is not None and (request.content_length or 0) > limit:
        _read_and_forget_body()
        abort(413)  # even where no view would read the body, so it is never half-handled
    # Cookies are left alone: one planted by another site must not lock a learner out of every page.
    fields = list(request.args.items(multi=True))
    if request.method in BODY_METHODS:
        fields += request.form.items(multi=True)
        fields += ((name, upload.filename or "") for name, upload in request.files.items(multi=True))
    if any(unstorable(name) or unstorable(value) for name, value in fields):
        abort(400, UNSTORABLE_MESSAGE)
    if request.method in BODY_METHODS and request.is_json:
        body = request.get_json(silent=True)
        if any(unstorable(text) for text in _strings(body)):
            abort(400, UNSTORABLE_MESSAGE)


def init_app(app: Flask) -> None:
    """Check every request before anything else does, including the sign-in limits."""
    app.json = GuardedJSONProvider(app)
    app.before_request_funcs.setdefault(None, []).insert(0, _refuse_bad_input)
