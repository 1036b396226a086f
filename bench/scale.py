"""Scale benchmark: every target of issue 16 measured in a PostgreSQL database of a chosen size.

    .venv/bin/python bench/scale.py [--learners 100000] [--answers 100] [--database-url URL]

(bench/README.md explains the output and gives the figures.)

1. Starts a throwaway PostgreSQL on 127.0.0.1 (or fills --database-url: give it an empty
   database), builds the schema with the project's own migrations, and copies in the learners
   with about --answers answers each, their lessons read, awards, engine states and summaries
   (bench/bulk.py), then a tutor's group of 30 and a centre's group of 3,000.
2. Measures each operation of the issue's target list through the app, as the user it is for:
   the group of 30's dashboard; a learner's home and passport pages; an answer POST; the centre's
   dashboard pages (bench/centre.py's own timing); deleting a learner; a learner's data download;
   and `flask engine fit` (bench/fit.py's), in a fresh process so its peak memory is its own.
3. Prints, for each, the time, the queries the app sent, the process's peak memory, the target
   and PASS or FAIL, with the load average of the machine.

Only loopback is contacted. Every loop is bounded by --learners and --answers.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sqlalchemy import text  # noqa: E402

from bulk import PATTERNS, QueryCounter, fill, learner_cookie_id, make_app, make_group, peak_mb  # noqa: E402
from throwaway_pg import run_on_postgres  # noqa: E402

REPEATS = 5  # each page is asked for once to warm up, then this many times; the median is printed
ANSWER_POSTS = 20
SMALL_GROUP, CENTRE = 30, 3000
# The targets, in ms (memory in MB for the fit).
TARGETS = {"dashboard, group of 30": 200, "learner's home page": 200, "learner's passport page": 200,
           "answer POST": 50, "centre of 3,000, a dashboard page": 500, "delete one learner": 1000,
           "learner's data download": 1000, "engine fit, peak memory": 500}


def signed_in(app, cookie_id: str):
    """Return a test client signed in as the user with this cookie id."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = cookie_id
        session["_fresh"] = True
    return client


def page(app, client, path: str) -> tuple[float, float, str]:
    """GET a page once to warm up, then REPEATS times; return the median ms, the queries of one request, its CPU."""
    from app.extensions import db

    assert client.get(path).status_code == 200, path
    times, cpu = [], []
    with app.app_context():
        counter = QueryCounter(db.engine)
        for _ in range(REPEATS):
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.get(path)
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - cpu_started)
            assert response.status_code == 200, (path, response.status_code)
        queries = counter.stop()
    return statistics.median(times) * 1000, queries / REPEATS, _cpu(cpu)


def _cpu(seconds: list[float]) -> str:
    """Say how much of a request was this process's own CPU: the rest was waiting for the database or a core."""
    return f"(of it {statistics.median(seconds) * 1000:.0f} ms CPU in the app)"


def answer_posts(app, learner_id: int) -> tuple[float, float, str]:
    """Post answers as a loaded learner; return the median ms, the queries of one answer and its CPU."""
    from app.content import current_course
    from app.extensions import db

    client = signed_in(app, learner_cookie_id(learner_id))
    with app.app_context():
        question = current_course().questions["pw-hardest-to-guess"]
    assert client.post(f"/lessons/{question.lesson_id}/read").status_code in (200, 302)
    times, cpu = [], []
    with app.app_context():
        counter = QueryCounter(db.engine)
        for n in range(ANSWER_POSTS):
            key = question.choices[n % len(question.choices)].key
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.post(f"/questions/{question.id}", data={"choice": key, "hints": "0"})
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - cpu_started)
            assert response.status_code == 302, response.status_code
        queries = counter.stop()
    return statistics.median(times) * 1000, queries / ANSWER_POSTS, "(median of 20) " + _cpu(cpu)


def deletions(app, learner_ids: list[int]) -> tuple[float, float, int]:
    """Delete learners one at a time with the app's own function; return the median ms, queries and answers."""
    from app.auth.accounts import delete_learner
    from app.extensions import db
    from app.models import Learner

    times, queries, answers = [], 0, []
    with app.app_context():
        for learner_id in learner_ids:
            answers.append(db.session.execute(text("SELECT count(*) FROM answers WHERE learner_id = :n"),
                                              {"n": learner_id}).scalar())
            db.session.commit()
            counter = QueryCounter(db.engine)
            started = time.perf_counter()
            delete_learner(db.session.get(Learner, learner_id))
            times.append(time.perf_counter() - started)
            queries += counter.stop()
            left = db.session.execute(text("SELECT count(*) FROM answers WHERE learner_id = :n"), {"n": learner_id})
            assert left.scalar() == 0, "the learner's answers were not deleted"
    return statistics.median(times) * 1000, queries / len(learner_ids), round(statistics.median(answers))


def fit_elsewhere(url: str) -> dict:
    """Run bench/fit.py's measurement in a fresh process, so the memory is the fit's alone."""
    from fit import measure_fit_on

    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(measure_fit_on, url).result()


def load() -> str:
    """Return the machine's load average, as the figures are read next to it."""
    return "load average " + ", ".join(f"{x:.1f}" for x in os.getloadavg())


def run(args: argparse.Namespace, url: str) -> int:
    """Build the database, then measure every target; print a table."""
    from centre import after

    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores, {load()}", flush=True)
    app = make_app(url)
    started = time.perf_counter()
    counts = fill(app, args.learners, args.answers, log=lambda line: print(line, flush=True))
    first = min(PATTERNS, args.learners) + 1  # the learners after the patterns are copies of them
    small_id, small_tutor = make_group(app, "Tuesday class", first, SMALL_GROUP)
    centre_id, centre_tutor = make_group(app, "Whole centre", first + SMALL_GROUP, CENTRE)
    print(f"loaded {', '.join(f'{v:,} {k}' for k, v in counts.items())} and groups of {SMALL_GROUP} and "
          f"{CENTRE:,} in {time.perf_counter() - started:.0f} s (peak memory {peak_mb():.0f} MB); {load()}",
          flush=True)

    rows = []

    def note(label: str, ms: float, queries: float, extra: str = "", memory: float | None = None) -> None:
        verdict = "PASS" if (ms if memory is None else memory) < TARGETS[label] else "FAIL"
        rows.append((label, ms, queries, peak_mb() if memory is None else memory, TARGETS[label], verdict, extra))
        print(f"  {label}: {ms:.1f} ms, {queries:.0f} queries, {verdict} {extra}", flush=True)

    learner = first + SMALL_GROUP + CENTRE + 10
    note("dashboard, group of 30", *page(app, signed_in(app, small_tutor), f"/tutor/groups/{small_id}"))
    client = signed_in(app, learner_cookie_id(learner))
    note("learner's home page", *page(app, client, "/"))
    note("learner's passport page", *page(app, client, "/passport"))
    note("learner's data download", *page(app, client, "/account/data.json"))
    note("answer POST", *answer_posts(app, learner + 1))
    centre_rows = after(app, centre_id, centre_tutor, CENTRE)
    slowest = max((r for r in centre_rows if "dashboard" in r[0]), key=lambda r: r[1])
    csv = next(r for r in centre_rows if "CSV" in r[0])
    note("centre of 3,000, a dashboard page", slowest[1], slowest[2],
         f"(slowest of 4 pages: {slowest[0].split(', ')[1]}; CSV export {csv[1]:.0f} ms, {csv[3]})")
    ms, queries, answers = deletions(app, [learner + 2, learner + 3, learner + 4])
    note("delete one learner", ms, queries, f"(median of 3, ~{answers} answers each)")
    print(f"  engine fit: running in a fresh process; {load()}", flush=True)
    fit = fit_elsewhere(url)
    if not fit["ok"]:
        print(fit["output"])
        return 1
    note("engine fit, peak memory", fit["seconds"] * 1000, 0,
         f"(its own process: {fit['peak_before']:.0f} MB with the app loaded, {fit['peak_after']:.0f} MB after the "
         f"fit; {fit['fitted']} skills fitted, {fit['cpu']:.0f} s CPU)", memory=fit["peak_after"])

    print(f"\n{counts['learners']:,} learners / {counts['answers']:,} answers; {load()}")
    print(f"{'operation':36} {'time':>12} {'queries':>8} {'peak MB':>8} {'target':>10}  result")
    for label, ms, queries, mb, target, verdict, extra in rows:
        unit = "MB" if "memory" in label else "ms"
        print(f"{label:36} {ms:9.1f} ms {queries:8.0f} {mb:8.0f} {f'< {target} {unit}':>10}  {verdict}  {extra}")
    return 0 if all(r[5] == "PASS" for r in rows) else 2


def main(argv: list[str] | None = None) -> int:
    """Parse the options and run, on a throwaway server unless a database is given."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=100_000, help="learners to load (default 100,000)")
    parser.add_argument("--answers", type=int, default=100, help="answers per learner, about (default 100)")
    parser.add_argument("--database-url", help="an empty PostgreSQL database to fill instead of a throwaway one")
    args = parser.parse_args(argv)
    if not 3_300 <= args.learners <= 2_000_000 or not 10 <= args.answers <= 5_000:
        parser.error("--learners must be 3,300 to 2,000,000 and --answers 10 to 5,000")
    return run_on_postgres(run, args)


if __name__ == "__main__":
    raise SystemExit(main())
