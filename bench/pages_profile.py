"""Profile the lesson page, the question page and an answer, through the Flask test client.

A learner with a history (lessons read and answers across every topic) asks for each page
many times, called as a WSGI server would call it; the script prints each request's mean
CPU time (measured apart from the profile, which slows what it watches) and database queries, and the
profile's top entries by cumulative time, so slow work is easy to find. SQLite by default;
`--postgres` starts a throwaway PostgreSQL server on loopback, `--database-url` uses yours.

    .venv/bin/python bench/pages_profile.py                      # SQLite, 300 requests of each
    .venv/bin/python bench/pages_profile.py --postgres --top 30
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import os
import pstats
import random
import re
import sys
import tempfile
import time
from pathlib import Path

from werkzeug.test import EnvironBuilder

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LESSON = "make-a-strong-password"
QUESTION = "pw-hardest-to-guess"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
CHOICE = re.compile(r'name="choice" value="([^"]+)"')


def _build_app(database_url: str):
    from app import create_app
    from app.extensions import db

    app = create_app({"SECRET_KEY": "profile", "SQLALCHEMY_DATABASE_URI": database_url,
                      "CONTENT_DIR": str(ROOT / "content"), "LOG_LEVEL": "WARNING", "TASK_QUEUE": "immediate"})
    with app.app_context():
        db.create_all()
    return app


def _answer(client, question_id: str, rng: random.Random) -> int:
    page = client.get(f"/questions/{question_id}").get_data(as_text=True)
    choices = CHOICE.findall(page) or ["x"]
    form = {"csrf_token": TOKEN.search(page).group(1), "hints": "0"}
    if 'name="typed"' in page:
        form["typed"] = "password"
    elif 'name="step-1"' in page:
        form.update({f"step-{n}": c for n, c in enumerate(choices[:len(set(choices))], 1)})
    else:
        form["choice"] = rng.choice(choices)
    return client.post(f"/questions/{question_id}", data=form).status_code


def _give_history(app, client, answers: int, rng: random.Random) -> None:
    """Read lessons and answer questions across the course, as a learner of a few weeks would."""
    from app.content import current_course

    with app.app_context():
        course = current_course()
        lessons = list(course.lessons.values())
        questions = list(course.questions)
    for lesson in lessons:
        page = client.get(f"/lessons/{lesson.id}").get_data(as_text=True)
        client.post(f"/lessons/{lesson.id}/read", data={"csrf_token": TOKEN.search(page).group(1)})
    for _ in range(answers):
        _answer(client, rng.choice(questions), rng)


class QueryCounter:
    """Count the SQL statements an engine runs."""

    def __init__(self, engine) -> None:
        from sqlalchemy import event

        self.count = 0
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args) -> None:
        self.count += 1


def _wsgi_call(app, environ: dict) -> tuple[str, bytes]:
    """Call the app as a WSGI server would, and return the status and the whole body."""
    seen = []
    body = b"".join(app(environ, lambda status, headers, exc_info=None: seen.append(status)))
    return seen[0], body


def _measure(name: str, app, environs: list[dict], expected: str, counter: QueryCounter, top: int) -> dict:
    """Time and profile one kind of request; each environ is used once, as a server would make it."""
    status, _ = _wsgi_call(app, environs.pop())  # warm: templates compiled, connections open
    assert status.startswith(expected), status
    times = len(environs) // 2
    start = time.process_time()
    for environ in environs[:times]:
        _wsgi_call(app, environ)
    cpu = time.process_time() - start
    before = counter.count
    profile = cProfile.Profile()
    profile.enable()
    for environ in environs[times:2 * times]:
        status, _ = _wsgi_call(app, environ)
    profile.disable()
    assert status.startswith(expected), status
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    stats.strip_dirs().sort_stats("cumulative").print_stats(top)
    # Python function calls do not change with the machine's load, as times do: a steadier yardstick.
    return {"name": name, "ms": 1000 * cpu / times, "queries": (counter.count - before) / times,
            "calls": stats.total_calls / times,
            "profile": out.getvalue()}


def run(database_url: str, times: int, history: int, top: int, seed: int) -> list[dict]:
    """Profile the three requests on `database_url` and return each one's figures."""
    from app.extensions import db

    app = _build_app(database_url)
    client = app.test_client()
    rng = random.Random(seed)
    _give_history(app, client, history, rng)
    with app.app_context():
        counter = QueryCounter(db.engine)
    question_page = client.get(f"/questions/{QUESTION}").get_data(as_text=True)
    token = TOKEN.search(question_page).group(1)
    choices = CHOICE.findall(question_page)

    cookies = "; ".join(f"{c.key}={c.value}" for c in client._cookies.values())

    def environs(method: str, path: str, form=None) -> list[dict]:
        return [EnvironBuilder(path=path, method=method, headers={"Cookie": cookies}, data=form and form(),
                               base_url="http://127.0.0.1:8000", environ_base=client.environ_base).get_environ()
                for _ in range(2 * times + 1)]

    answer_form = lambda: {"csrf_token": token, "hints": "0", "choice": rng.choice(choices)}  # noqa: E731
    results = [_measure("lesson page", app, environs("GET", f"/lessons/{LESSON}"), "200", counter, top),
               _measure("question page", app, environs("GET", f"/questions/{QUESTION}"), "200", counter, top),
               _measure("answer POST", app, environs("POST", f"/questions/{QUESTION}", answer_form), "302",
                        counter, top)]
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--times", type=int, default=300, help="requests of each kind (300)")
    parser.add_argument("--history", type=int, default=300, help="answers the learner gives first (300)")
    parser.add_argument("--top", type=int, default=25, help="profile entries to print (25)")
    parser.add_argument("--seed", type=int, default=1)
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--postgres", action="store_true", help="start a throwaway PostgreSQL server")
    where.add_argument("--database-url", help="a database to use (its tables are made if missing)")
    args = parser.parse_args(argv)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    with contextlib.ExitStack() as stack:
        if args.postgres:
            from throwaway_pg import ThrowawayPostgres
            url = stack.enter_context(ThrowawayPostgres())
        elif args.database_url:
            url = args.database_url
        else:
            url = f"sqlite:///{stack.enter_context(tempfile.TemporaryDirectory())}/profile.db"
        print(f"database: {url.split('@')[-1] if '@' in url else url.split(':')[0]}; load average "
              f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}; learner with {args.history} answers")
        results = run(url, args.times, args.history, args.top, args.seed)
    for r in results:
        print(f"\n=== {r['name']}: {r['ms']:.2f} ms of CPU a request, {r['queries']:.1f} queries, "
              f"{r['calls']:,.0f} function calls ===")
        print(r["profile"])
    print("summary: " + "; ".join(f"{r['name']} {r['ms']:.2f} ms CPU, {r['queries']:.1f} queries, {r['calls']:,.0f} calls" for r in results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
