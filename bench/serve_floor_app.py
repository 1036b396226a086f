"""The app as `bench/serve.py --floor` serves it: the real app, plus three pages that stop partway.

Each sends the lesson page's own bytes (pre-rendered by serve.py, read once from
BENCH_STATIC_PAGE) after doing only part of the lesson page's work, so the benchmark
can show what each layer of a page costs when served:

- /bench-floor/frame: every hook of the real app (sessions, sign-in cookie check set up, limits,
  bad-input guard, security and cache headers), but no database and no template;
- /bench-floor/learner: the same, plus loading the signed-in learner (one query);
- /bench-floor/state: the same, plus their state in the lesson's topic and the engine's next step.

The lesson page itself adds the template. Only the benchmark imports this file.
"""

from __future__ import annotations

import functools
import os

from flask import Response

from app import services
from app.content import current_course
from wsgi import app

LESSON_ID = "make-a-strong-password"


@functools.cache  # read on first use: serve.py writes the file once this server answers
def _lesson_bytes() -> bytes:
    with open(os.environ["BENCH_STATIC_PAGE"], "rb") as f:
        return f.read()


def _frame() -> Response:
    return Response(_lesson_bytes(), mimetype="text/html")


def _learner() -> Response:
    services.current_learner()
    return _frame()


def _state() -> Response:
    learner = services.current_learner()
    course = current_course()
    if learner is not None:
        services.next_step(learner, course.module(course.lessons[LESSON_ID].module_id))
    return _frame()


app.add_url_rule("/bench-floor/frame", "bench_floor_frame", _frame)
app.add_url_rule("/bench-floor/learner", "bench_floor_learner", _learner)
app.add_url_rule("/bench-floor/state", "bench_floor_state", _state)
