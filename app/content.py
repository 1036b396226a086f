"""The course the site serves, loaded once and reloaded when a file changes."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import click
from flask import Flask, current_app

from engine.loader import load_course, summary
from engine.mastery import Parameters, parameters_for
from engine.model import Course


# Courses already loaded in this process, by folder and file fingerprint: a second
# app on the same unchanged folder (a test, a CLI command) does not parse it again.
_LOADED: dict[tuple, Course] = {}
_LOADED_LOCK = threading.Lock()
_LOADED_MAX = 4


def _load(directory: Path, fingerprint: tuple, image_url, image_root: str) -> Course:
    key = (str(directory), fingerprint, image_root)
    with _LOADED_LOCK:
        course = _LOADED.get(key)
    if course is None:
        course = load_course(directory, image_url)
        with _LOADED_LOCK:
            if len(_LOADED) >= _LOADED_MAX:
                _LOADED.pop(next(iter(_LOADED)))
            _LOADED[key] = course
    return course


class CourseStore:
    """Hold the loaded course; look for changed files at most every few seconds.

    Content is parsed and sanitised here, never per request: a request only
    pays for a cheap look at file times, and only once per interval.
    """

    def __init__(self) -> None:
        self._course: Course | None = None
        self._parameters: Parameters | None = None
        self._fingerprint: tuple = ()
        self._checked_at = 0.0
        self._lock = threading.Lock()
        self.app: Flask | None = None

    def init_app(self, app: Flask) -> None:
        """Keep the store on `app`, loading the course now when serving.

        Under a `flask` command the course loads on first use instead, so a
        command such as `content check` does not log every problem twice.
        """
        self.app = app
        app.extensions["course_store"] = self
        if click.get_current_context(silent=True) is None:
            self.reload()

    @property
    def directory(self) -> Path:
        """Return the folder the content is read from."""
        return Path(self.app.config["CONTENT_DIR"])

    def _image_url(self, module_id: str, path: str) -> str:
        root = self.app.config.get("APPLICATION_ROOT", "/").rstrip("/")
        return f"{root}/media/{module_id}/{path}"

    def _scan(self) -> tuple:
        found = []
        for folder, _dirs, files in os.walk(self.directory):
            for name in files:
                try:
                    stat = os.stat(os.path.join(folder, name))
                except OSError:
                    continue
                found.append((folder, name, stat.st_mtime_ns, stat.st_size))
        return tuple(sorted(found))

    def reload(self) -> Course:
        """Load the course from disk now, logging every problem."""
        with self._lock:
            self._fingerprint = self._scan()
            course = _load(self.directory, self._fingerprint, self._image_url,
                           self.app.config.get("APPLICATION_ROOT", "/"))
            self._course = course
            self._parameters = parameters_for(course)
            self._checked_at = time.monotonic()
        logger = self.app.logger
        for problem in course.errors:
            logger.error("content: %s", problem)
        for problem in course.warnings:
            logger.warning("content: %s", problem)
        logger.info("content: loaded %s from %s", summary(course), self.directory)
        return course

    @property
    def course(self) -> Course:
        """Return the course, reloading first if a file has changed."""
        if self._course is None:
            return self.reload()
        interval = self.app.config["CONTENT_RELOAD_SECONDS"]
        if interval > 0 and time.monotonic() - self._checked_at >= interval:
            self._checked_at = time.monotonic()
            if self._scan() != self._fingerprint:
                return self.reload()
        return self._course


def current_parameters() -> Parameters:
    """Return the mastery model's parameters for the course being served."""
    store = current_app.extensions["course_store"]
    store.course  # noqa: B018  (reloads first if a file changed)
    return store._parameters


def init_app(app: Flask) -> None:
    """Give `app` its own course store, loaded now."""
    CourseStore().init_app(app)


def current_course() -> Course:
    """Return the course the current app serves."""
    return current_app.extensions["course_store"].course
