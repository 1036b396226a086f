"""Where the engine's questions go in the clock run: in the course or in reviews, on skills known or not.

    .venv/bin/python bench/clock_breakdown.py [--learners 60] [--seed 2] [--jobs 2] [--try "first=40,longest=45"]

Runs 3-in-a-row once and the engine (with the app's review settings, or each `--try` of
bench/clock_settings.py) on the same learners as bench/clock.py, and prints, per forgetting population,
questions a learner-skill split by where they went: the course's placement checks, practice and reviews,
the gap's reviews and practice; reviews answered at the first question and the second questions after a
slip, right or wrong. Skills the learner knew at the start and the others are shown apart.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from clock import STREAK, run  # noqa: E402
from clock_settings import label, parse  # noqa: E402
from engine import schedule  # noqa: E402
from engine import simulate as sim  # noqa: E402
from engine.clock_contenders import clock_contenders  # noqa: E402
from engine.forgetting import DEFAULT_FORGETTING  # noqa: E402
from engine.loader import load_course  # noqa: E402

GROUPS = ("all", "known at start", "others")


def lines(name: str, summary: dict) -> list[str]:
    """Return one policy's breakdown in one population: a line per group of skills."""
    out = []
    for group in GROUPS:
        parts = summary["breakdown"][group]
        total = sum(v for k, v in parts.items() if not k.startswith("review "))
        course = sum(v for k, v in parts.items() if k.startswith("course"))
        shown = ", ".join(f"{k} {v:.2f}" for k, v in parts.items())
        out.append(f"  {name:<10} {group:<15} {total:.2f} Q (course {course:.2f}, gap {total - course:.2f}): {shown}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=60)
    parser.add_argument("--seed", type=int, default=2)
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--chunk", type=int, default=20)
    parser.add_argument("--forgetting", default=",".join(DEFAULT_FORGETTING))
    parser.add_argument("--try", dest="tries", action="append", help="review settings to try (repeatable)")
    args = parser.parse_args(argv)
    forgetting = [f for f in args.forgetting.split(",") if f]
    course = load_course(ROOT / "content")
    modules = list(course.modules)
    engine_params = sim.engine_parameters(course)
    streak = run(course, modules, clock_contenders(engine_params=engine_params, names=(STREAK,)), forgetting,
                 "random-clickers", args.learners, args.seed, args.jobs, args.chunk, progress=False)
    engine = clock_contenders(engine_params=engine_params, names=(sim.ENGINE,))
    print(f"{args.learners} learners a population, seed {args.seed}; questions a learner-skill")
    for settings in [parse(t) for t in args.tries] if args.tries else [schedule.SETTINGS]:
        schedule.use(settings)  # before the pool forks, so every worker schedules the same way
        tally = run(course, modules, engine, forgetting, "random-clickers", args.learners, args.seed, args.jobs,
                    args.chunk, progress=False)
        print(f"\nengine with {label(settings)}")
        for f in forgetting:
            s, base = tally[f][sim.ENGINE].summary(), streak[f][STREAK].summary()
            print(f"{f}: engine {s['questions_per_skill']:.2f} Q, retention failure {s['retention_failure']:.1%}; "
                  f"3-in-a-row {base['questions_per_skill']:.2f} Q")
            print("\n".join(lines("engine", s) + lines(STREAK, base)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
