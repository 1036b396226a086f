"""Fit benchmark: `flask engine fit` over about a million answers on PostgreSQL, its time and peak memory.

    .venv/bin/python bench/fit.py [--learners 1100] [--answers 900] [--database-url URL]

1. Starts a throwaway PostgreSQL on 127.0.0.1 (or fills the empty database --database-url names),
   builds the schema with the migrations, and copies in learners' answers in bulk, as
   bench/bulk.py does for bench/scale.py.
2. Runs `flask engine fit --output TMP` in this process and prints its wall and CPU time and the
   process's peak memory before and after.
3. Times the one-setting-at-a-time replay (engine.fit.log_likelihood), which the grid search
   used to run once for each of its 316 settings, on one skill, and prints what the old fit
   of the skills would have taken at that rate.

Only loopback is contacted.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time

from bulk import fill, make_app, peak_mb
from throwaway_pg import run_on_postgres


def old_grid_seconds(app) -> tuple[float, int]:
    """Return what the grid search replayed one setting at a time would take for every answer, and the answers."""
    from engine.fit import LEARN_RATES, PRIORS, SLIPS, log_likelihood

    from app.content import current_course, current_parameters
    from app.fitting import course_blocks

    with app.app_context():
        course, params = current_course(), current_parameters()
        skill = course.modules[0].skills[0].id
        blocks = course_blocks(course, params, most_learners=200)[skill]
    sequences = [_events(block, row) for block in blocks for row in range(block.kind.shape[0])]
    answers = sum(block.answers for block in blocks)
    started = time.process_time()
    log_likelihood(sequences, params.for_skill(skill))
    per_answer = (time.process_time() - started) / answers
    settings = len(PRIORS) * len(LEARN_RATES) * len(SLIPS) + 1
    return per_answer * settings, answers


def _events(block, row: int) -> list:
    """Rebuild one learner's events from a block, for the one-at-a-time replay."""
    from datetime import datetime, timedelta

    from engine.fit import Event
    from engine.fit_replay import ANSWER, LESSON

    at, events = datetime(2026, 1, 1), []
    for step in range(block.kind.shape[1]):
        kind = block.kind[row, step]
        at += timedelta(days=float(block.days[row, step]))
        if kind == LESSON:
            events.append(Event(at, lesson=True))
        elif kind == ANSWER:
            events.append(Event(at, correct=bool(block.correct[row, step]), guess=float(block.guess[row, step])))
    return events


def measure_fit(app) -> dict:
    """Run `flask engine fit` in this process; return its wall and CPU time, skills fitted and peak memory."""
    before = peak_mb()
    with tempfile.TemporaryDirectory() as output:
        started, cpu = time.perf_counter(), time.process_time()
        result = app.test_cli_runner().invoke(args=["engine", "fit", "--output", output])
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {"seconds": seconds, "cpu": cpu, "ok": result.exit_code == 0, "output": result.output,
            "fitted": sum(1 for line in result.output.splitlines() if ": prior " in line),
            "peak_before": before, "peak_after": peak_mb()}


def measure_fit_on(url: str) -> dict:
    """Build the app on an already filled database and measure the fit (run in a fresh process by scale.py)."""
    return measure_fit(make_app(url, migrate=False))


def run(args: argparse.Namespace, url: str) -> int:
    """Fill the database, run the fit, print the figures."""
    app = make_app(url)
    started = time.perf_counter()
    counts = fill(app, args.learners, args.answers)
    print(f"loaded {counts['answers']:,} answers from {counts['learners']:,} learners in "
          f"{time.perf_counter() - started:.0f} s")
    measured = measure_fit(app)
    seconds, cpu, before, fitted = measured["seconds"], measured["cpu"], measured["peak_before"], measured["fitted"]
    if not measured["ok"]:
        print(measured["output"])
        return 1
    print(f"engine fit: {seconds:.1f} s ({cpu:.1f} s of CPU in this process) for {counts['answers']:,} answers "
          f"({fitted} skills fitted), {cpu / counts['answers'] * 1e6:.1f} us of CPU an answer")
    print(f"peak memory of this process: {before:.0f} MB before the fit, {measured['peak_after']:.0f} MB after")
    per_answer, sample = old_grid_seconds(app)
    print(f"the old grid, one setting at a time: {per_answer * 1000:.2f} ms of CPU an answer (measured on "
          f"{sample:,} answers), so about {per_answer * counts['answers'] / 3600:.1f} hours for these answers")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Parse the options and run, on a throwaway server unless a database is given."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=1100, help="learners to load (default 1100)")
    parser.add_argument("--answers", type=int, default=900, help="answers per learner, about (default 900)")
    parser.add_argument("--database-url", help="an empty PostgreSQL database to fill instead of a throwaway one")
    args = parser.parse_args(argv)
    if not 10 <= args.learners <= 200_000 or not 50 <= args.answers <= 5_000:
        parser.error("--learners must be 10 to 200,000 and --answers 50 to 5,000")
    return run_on_postgres(run, args)


if __name__ == "__main__":
    sys.exit(main())
