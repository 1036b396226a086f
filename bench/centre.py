"""Centre benchmark: a tutor's group of thousands of learners on PostgreSQL, its dashboard and its CSV export.

    .venv/bin/python bench/centre.py [--learners 3000] [--answers 900] [--database-url URL]

(bench/README.md explains the output.)

1. Starts a throwaway PostgreSQL on 127.0.0.1 (or fills --database-url: give it an empty database),
   builds the schema with the project's migrations and copies in learners, their answers, awards,
   lessons read, engine states and summaries in bulk (bench/bulk.py, which bench/scale.py uses too),
   and puts every learner in one tutor's group.
2. "before": the dashboard and CSV export as they were before learners' summaries (the code of commit
   2a357d3, read from git), which work everything out from states, awards and answers on each request.
3. Rebuilds the summaries with `flask tutor rebuild-summaries`' own function, timed.
4. "after": the dashboard's first and last pages, by name and by last active, and the streamed CSV
   export, through the app as a signed-in tutor: time, queries, first byte and total.

Only loopback is contacted. Every loop is bounded by --learners and --answers.
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from sqlalchemy import event, select, text  # noqa: E402

from bulk import QueryCounter, fill, make_app, make_group, peak_mb  # noqa: E402
from throwaway_pg import run_on_postgres  # noqa: E402

BEFORE_COMMIT = "2a357d3"  # the last commit whose dashboard worked everything out on each request
REPEATS = 3  # each page is timed this many times; the best is printed


def old_dashboard():
    """Return the dashboard module as it was before summaries, or None if git cannot show it."""
    try:
        source = subprocess.run(["git", "show", f"{BEFORE_COMMIT}:app/tutor/dashboard.py"], cwd=ROOT,
                                capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    spec = importlib.util.spec_from_loader("app.tutor.dashboard_before", loader=None)
    module = importlib.util.module_from_spec(spec)
    module.__package__ = "app.tutor"
    sys.modules[spec.name] = module  # its dataclasses look themselves up there
    exec(compile(source, f"{BEFORE_COMMIT}:app/tutor/dashboard.py", "exec"), module.__dict__)
    return module


def timed(app, work) -> tuple[float, int]:
    """Run `work` REPEATS times; return the best time in ms and the queries of one run."""
    from app.extensions import db

    best, queries = float("inf"), 0
    for _ in range(REPEATS):
        with app.test_request_context():
            counter = QueryCounter(db.engine)
            started = time.perf_counter()
            work()
            best = min(best, time.perf_counter() - started)
            event.remove(db.engine, "before_cursor_execute", counter._seen)
            queries = counter.count
    return best * 1000, queries


def before(app, group_id: int) -> list[tuple[str, float, int, str]]:
    """Time the old dashboard and the old CSV export (built whole before its first byte)."""
    from app.extensions import db
    from app.models import Group

    old = old_dashboard()
    if old is None:
        return [("before: git history not available", 0.0, 0, "")]
    ms, queries = timed(app, lambda: old.group_dashboard(db.session.get(Group, group_id)))
    rows = [("before  dashboard, every learner", ms, queries, "")]
    ms, queries = timed(app, lambda: old.report_csv(db.session.get(Group, group_id)))
    rows.append(("before  CSV export", ms, queries, f"first byte {ms:.0f} ms"))
    return rows


def after(app, group_id: int, tutor_cookie_id: str, learners: int) -> list[tuple[str, float, int, str]]:
    """Time the dashboard's pages and the streamed CSV export through the app, as a signed-in tutor."""
    from app.extensions import db
    from app.tutor.dashboard import PAGE_SIZE

    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = tutor_cookie_id
        session["_fresh"] = True
    last = -(-learners // PAGE_SIZE)
    rows = []
    for label, query in (("page 1 by name", "?page=1"), (f"page {last} by name", f"?page={last}"),
                         ("page 1 by last active", "?sort=active"),
                         (f"page {last} by last active", f"?sort=active&page={last}")):
        def page(query=query):
            response = client.get(f"/tutor/groups/{group_id}{query}")
            assert response.status_code == 200, response.status_code
        ms, queries = timed(app, page)
        rows.append((f"after   dashboard, {label}", ms, queries, ""))
    with app.app_context():
        counter = QueryCounter(db.engine)
        started = time.perf_counter()
        response = client.get(f"/tutor/groups/{group_id}/export.csv", buffered=False)
        chunks = iter(response.response)
        first = next(chunks)
        first_ms = (time.perf_counter() - started) * 1000
        size = len(first) + sum(len(chunk) for chunk in chunks)
        total_ms = (time.perf_counter() - started) * 1000
        response.close()
        event.remove(db.engine, "before_cursor_execute", counter._seen)
    rows.append(("after   CSV export, streamed", total_ms, counter.count,
                 f"first byte {first_ms:.0f} ms, {size / 1e6:.1f} MB"))
    return rows


def run(args: argparse.Namespace, url: str) -> int:
    """Build the database, then measure before and after summaries; print a table."""
    app = make_app(url)
    started = time.perf_counter()
    counts = fill(app, args.learners, args.answers)
    group_id, tutor_cookie_id = make_group(app, "Whole centre", 1, args.learners)
    print(f"loaded {', '.join(f'{v:,} {k}' for k, v in counts.items())}, every learner in one group, "
          f"in {time.perf_counter() - started:.1f} s")
    rows = [] if args.after_only else before(app, group_id)
    from app.extensions import db
    from app.models import Learner
    from app.tutor.summaries import REBUILD_BATCH, rebuild

    with app.app_context():
        started = time.perf_counter()
        ids = list(db.session.scalars(select(Learner.id).order_by(Learner.id)))
        for start in range(0, len(ids), REBUILD_BATCH):
            rebuild(ids[start:start + REBUILD_BATCH])
        rebuilt_s = time.perf_counter() - started
        db.session.execute(text("ANALYZE"))
        db.session.commit()
    rows.append((f"rebuild every summary ({len(ids):,} learners)", rebuilt_s * 1000, 0, ""))
    rows += after(app, group_id, tutor_cookie_id, args.learners)
    print(f"{'what':48} {'time':>12} {'queries':>8}")
    for label, ms, queries, note in rows:
        print(f"{label:48} {ms:9.1f} ms {queries:8}   {note}")
    print(f"peak memory {peak_mb():.0f} MB")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Parse the options and run, on a throwaway server unless a database is given."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=3000, help="learners in the group (default 3000)")
    parser.add_argument("--answers", type=int, default=900, help="answers per learner, about (default 900)")
    parser.add_argument("--database-url", help="an empty PostgreSQL database to fill instead of a throwaway one")
    parser.add_argument("--after-only", action="store_true", help="skip the old code's figures (slow: minutes)")
    args = parser.parse_args(argv)
    if not 3 <= args.learners <= 200_000 or not 50 <= args.answers <= 5_000:
        parser.error("--learners must be 3 to 200,000 and --answers 50 to 5,000")
    return run_on_postgres(run, args)


if __name__ == "__main__":
    raise SystemExit(main())
