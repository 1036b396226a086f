"""Try settings of the review schedule in the clock run: retention failure against questions, per population.

    .venv/bin/python bench/clock_settings.py [--learners 30] [--jobs 2] [--try "first=8,longest=30,retention=0.9"]...

The baselines (3-in-a-row, 4-of-5) do not depend on the schedule, so they run once; the engine runs once a
setting, on the same learners (bench/clock.py's `run`). Each setting is `name=value` pairs of
`engine.schedule.Settings`: `first` (days to the first check; `fsrs` for FSRS's own Easy), `longest` (most
days between reviews), `retention` (FSRS's desired retention), `stretch` (how much a review right at the
first question, on one's own, stretches the next interval). It prints one line a setting: retention failure
and questions per skill (reviews included) in each population, and whether both of issue 19's targets pass
in all of them. docs/engine.md gives the table of the settings tried and why one was chosen.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from clock import FOUR_OF_FIVE, STREAK, run  # noqa: E402
from engine import schedule  # noqa: E402
from engine import simulate as sim  # noqa: E402
from engine.clock_contenders import clock_contenders  # noqa: E402
from engine.forgetting import DEFAULT_FORGETTING  # noqa: E402
from engine.loader import load_course  # noqa: E402

DEFAULT_TRIES = ("first=fsrs,longest=30,retention=0.9,stretch=1",)
KEYS = {"first": "first_days", "longest": "longest_days", "retention": "retention", "stretch": "good_stretch"}


def parse(text: str) -> schedule.Settings:
    """Return the settings a `name=value,...` text describes; names left out keep the app's defaults."""
    values = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, _, value = part.partition("=")
        if name not in KEYS:
            raise SystemExit(f"no setting {name!r}; the settings are {', '.join(KEYS)}")
        key = KEYS[name]
        if key == "first_days":
            values[key] = None if value == "fsrs" else float(value)
        elif key == "longest_days":
            values[key] = int(value)
        else:
            values[key] = float(value)
    return schedule.Settings(**values)


def label(settings: schedule.Settings) -> str:
    """Return a setting in the short form the table prints."""
    first = "fsrs" if settings.first_days is None else f"{settings.first_days:g}"
    return (f"first={first},longest={settings.longest_days},retention={settings.retention:g},"
            f"stretch={settings.good_stretch:g}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--chunk", type=int, default=10)
    parser.add_argument("--forgetting", default=",".join(DEFAULT_FORGETTING))
    parser.add_argument("--try", dest="tries", action="append", help="a setting to try (repeatable)")
    args = parser.parse_args(argv)
    tries = [parse(t) for t in (args.tries or DEFAULT_TRIES)]
    forgetting = [f for f in args.forgetting.split(",") if f]
    course = load_course(ROOT / "content")
    modules = list(course.modules)
    engine_params = sim.engine_parameters(course)
    baselines = clock_contenders(engine_params=engine_params, names=(STREAK, FOUR_OF_FIVE))
    engine = clock_contenders(engine_params=engine_params, names=(sim.ENGINE,))
    base = run(course, modules, baselines, forgetting, "random-clickers", args.learners, args.seed, args.jobs,
               args.chunk, progress=False)
    base = {f: {name: t.summary() for name, t in by.items()} for f, by in base.items()}
    print(f"{args.learners} learners a population, seed {args.seed}; each cell: retention failure / questions a "
          "skill (reviews included)")
    print("baselines: " + "; ".join(
        f"{f} 4-of-5 {base[f][FOUR_OF_FIVE]['retention_failure']:.1%}, 3-in-a-row "
        f"{base[f][STREAK]['questions_per_skill']:.2f} Q" for f in forgetting))
    print("| setting | " + " | ".join(forgetting) + " | both targets |")
    print("|---" * (len(forgetting) + 2) + "|")
    for settings in tries:
        schedule.use(settings)  # before the pool forks, so every worker schedules the same way
        tally = run(course, modules, engine, forgetting, "random-clickers", args.learners, args.seed, args.jobs,
                    args.chunk, progress=False)
        cells, passed = [], True
        for f in forgetting:
            s = tally[f][sim.ENGINE].summary()
            ok = (s["retention_failure"] <= base[f][FOUR_OF_FIVE]["retention_failure"]
                  and s["questions_per_skill"] <= base[f][STREAK]["questions_per_skill"])
            passed &= ok
            cells.append(f"{s['retention_failure']:.1%} / {s['questions_per_skill']:.2f}"
                         f"{'' if ok else ' ✗'} ({s['level_drops_unexplained']})")
        print(f"| {label(settings)} | " + " | ".join(cells) + f" | {'pass' if passed else 'FAIL'} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
