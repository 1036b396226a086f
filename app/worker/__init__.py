"""Slow work off the request: anything that talks to another system runs in a background worker.

The queue is Huey's. By default it is a SQLite file in the instance folder, shared by the web
server and `flask worker` on one machine; when TASK_QUEUE (or REDIS_URL) names Redis, every app
server and worker share it there. TASK_QUEUE=immediate runs each task at once, in the request,
for tests. Retries, with waits that grow, are Huey's own.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import click
from flask import Flask, current_app
from huey import Huey, RedisHuey, SqliteHuey

REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


@dataclass
class _Marked:
    function: Callable
    options: dict
    periodic: object | None  # a huey.crontab() for work that runs on a timetable


_MARKED: dict[str, _Marked] = {}


def background(retries: int = 0, retry_delay: int = 0, retry_backoff: float = 0, periodic=None):
    """Mark a function as work for the worker; it runs there inside the app, retried as Huey is told."""
    def mark(function: Callable) -> Callable:
        name = f"{function.__module__}.{function.__name__}"
        _MARKED[name] = _Marked(function, dict(retries=retries, retry_delay=retry_delay,
                                               retry_backoff=retry_backoff), periodic)
        function.task_name = name
        return function
    return mark


@dataclass
class Worker:
    """The app's queue and the tasks it knows, by name."""

    huey: Huey
    where: str
    tasks: dict[str, Callable] = field(default_factory=dict)


def queue_for(app: Flask) -> tuple[Huey, str]:
    """Build the queue the settings name, and say in words where it is."""
    where = app.config.get("TASK_QUEUE") or app.config.get("REDIS_URL") or ("immediate" if app.testing else "")
    if where == "immediate":
        return Huey("skills-passport", immediate=True, results=False), "immediate, in the request"
    if where.startswith(REDIS_SCHEMES):
        return RedisHuey("skills-passport", url=where, results=False), "Redis"
    path = Path(where.removeprefix("sqlite:///")) if where else Path(app.instance_path) / "tasks.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("skills-passport", filename=str(path), results=False), str(path)


def init_app(app: Flask) -> None:
    """Build the app's queue, register every marked function with it, and add `flask worker`."""
    huey, where = queue_for(app)
    worker = Worker(huey, where)
    for name, marked in _MARKED.items():
        def run(*args, _function=marked.function):
            with app.app_context():
                return _function(*args)
        if marked.periodic is not None:
            worker.tasks[name] = huey.periodic_task(marked.periodic, name=name, **marked.options)(run)
        else:
            worker.tasks[name] = huey.task(name=name, **marked.options)(run)
    app.extensions["worker"] = worker
    app.cli.add_command(worker_command)


def run_later(function: Callable, *args) -> bool:
    """Put a marked function on the queue for the worker; return False, and log, if the queue is out of reach.

    The work itself is kept in the database by the caller, so a queue that is down loses nothing:
    the worker's regular sweep sends it later.
    """
    worker: Worker = current_app.extensions["worker"]
    try:
        worker.tasks[function.task_name](*args)
    except Exception as exc:  # a queue that is down must never fail the learner's answer
        current_app.logger.warning("worker: could not queue %s%r: %s", function.task_name, args, exc)
        return False
    return True


@click.command("worker")
@click.option("--workers", default=2, show_default=True, help="Tasks run at once (threads).")
def worker_command(workers: int) -> None:
    """Run the background worker: grades to VLEs and other calls to other systems. Stop it with Ctrl-C."""
    worker: Worker = current_app.extensions["worker"]
    if worker.huey.immediate:
        raise click.ClickException("TASK_QUEUE=immediate runs every task in the web server: no worker is needed")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    click.echo(f"Worker: {len(worker.tasks)} kinds of task, queue {worker.where}, {workers} at once")
    worker.huey.create_consumer(workers=workers, worker_type="thread", periodic=True).run()
