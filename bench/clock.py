"""Clock benchmark: the engine's reviews against the usual rules, over simulated weeks of forgetting.

    .venv/bin/python bench/clock.py [--learners 60] [--forgetting types,faster,...] [--seed 1] [--jobs N]

Every simulated learner (engine/clock_learner.py) takes the whole course in
sittings of a few steps with days between them, then leaves it for 30 to 90
days, coming back for a short sitting every 10 to 30 days; at the end of that
gap, every skill a policy calls mastered is checked against what the learner
still knows. The same learners meet each policy (engine/clock_contenders.py:
the fixed 10-question quiz, 3-in-a-row, 4-of-5, an oracle and the engine, the
only one with reviews, taken at the start of every sitting from
engine.reviews.reviews_due, across the course). Each forgetting population
(engine/forgetting.py) is reported on its own: learners forgetting as their
type does, faster and slower than the engine assumes, on a step curve, or with
memory that grows with spaced use. It prints one table per population, the
issue's targets with pass or fail, and writes it all as JSON
(bench/results/clock.json, git-ignored). docs/engine.md explains it.

Standard library only. The work is split over processes (--jobs) by policy,
population and block of learners; the result does not depend on --jobs.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from adaptive import _clean, _num, _table  # noqa: E402
from engine import simulate as sim  # noqa: E402
from engine.clock_contenders import CLOCK_POLICIES, clock_contenders  # noqa: E402
from engine.clock_learner import COMEBACK_DAYS, GAP_DAYS, LONG_GAP_DAYS, STEPS_PER_SITTING  # noqa: E402
from engine.clock_run import STEP_CAP  # noqa: E402
from engine.clock_tally import WeeksTally, simulate_weeks  # noqa: E402
from engine.forgetting import DEFAULT_FORGETTING, FORGETTING, SKILL_SPREAD, engine_half_life  # noqa: E402
from engine.loader import load_course, summary  # noqa: E402
from engine.populations import POPULATIONS  # noqa: E402

DEFAULT_JSON = ROOT / "bench" / "results" / "clock.json"
FIXED_QUIZ, STREAK, FOUR_OF_FIVE = "fixed-sequence", "3-in-a-row", "4-of-5"

# Set in the parent before the pool forks, so workers share one course.
_COURSE = None
_MODULES: list = []
_CONTENDERS: list = []


def _work(task: tuple[int, str, str, int, int, int]):
    """Run one block of learners under one policy in one forgetting population (in a worker)."""
    index, forgetting, answers, start, stop, seed = task
    tally = simulate_weeks(_COURSE, _MODULES, _CONTENDERS[index], range(start, stop), seed, FORGETTING[forgetting],
                           POPULATIONS[answers])
    return index, forgetting, tally


def run(course, modules, contenders, forgetting: list[str], answers: str, learners: int, seed: int, jobs: int,
        chunk: int, progress: bool = True) -> dict[str, dict[str, WeeksTally]]:
    """Run every policy on the same learners in every forgetting population; return tallies by population."""
    global _COURSE, _MODULES, _CONTENDERS
    _COURSE, _MODULES, _CONTENDERS = course, modules, contenders
    # The engine is the slowest: give its blocks out first so the processes finish together.
    order = sorted(range(len(contenders)), key=lambda i: contenders[i].name != sim.ENGINE)
    tasks = [(i, f, answers, start, min(start + chunk, learners), seed)
             for f in forgetting for i in order for start in range(0, learners, chunk)]
    tallies = {f: {c.name: WeeksTally() for c in contenders} for f in forgetting}
    started = time.perf_counter()
    pool = multiprocessing.get_context("fork").Pool(jobs) if jobs > 1 else None
    # In task order, so the sums (floating point too) do not depend on --jobs.
    results = pool.imap(_work, tasks) if pool else map(_work, tasks)
    try:
        for done, (index, population, tally) in enumerate(results, 1):
            tallies[population][contenders[index].name].merge(tally)
            if progress and (done % max(1, len(tasks) // 20) == 0 or done == len(tasks)):
                print(f"  {done}/{len(tasks)} blocks, {time.perf_counter() - started:.0f} s", file=sys.stderr,
                      flush=True)
    finally:
        if pool:
            pool.close()
            pool.join()
    return tallies


def targets(population: str, policies: dict[str, dict]) -> list[dict]:
    """Return the issue's targets for the engine in one population, each with pass or fail."""
    engine, streak = policies.get(sim.ENGINE), policies.get(STREAK)
    four, quiz = policies.get(FOUR_OF_FIVE), policies.get(FIXED_QUIZ)
    if engine is None:
        return []
    rows = []

    def check(target: str, value, shown: str, passed: bool, aim: bool = False) -> None:
        rows.append({"population": population, "target": target, "value": value, "shown": shown,
                     "passed": bool(passed), "aim": aim})

    if four:
        check("retention failure no worse than 4-of-5's", engine["retention_failure"],
              f"{_num(engine['retention_failure'], 1, True)} vs {_num(four['retention_failure'], 1, True)}",
              engine["retention_failure"] <= four["retention_failure"])
    if streak:
        check("questions per skill, reviews included, no more than 3-in-a-row's", engine["questions_per_skill"],
              f"{_num(engine['questions_per_skill'], 2)} vs {_num(streak['questions_per_skill'], 2)}",
              engine["questions_per_skill"] <= streak["questions_per_skill"])
    check("a shown level never drops without a failed answer on the skill", engine["level_drops_unexplained"],
          f"{engine['level_drops_unexplained']:,} drops of {engine['level_drops']:,} "
          f"({engine['mastered_lost_unexplained']:,} of them from mastered)",
          engine["level_drops_unexplained"] == 0)
    if quiz and streak:
        check("aim: retention failure as low as the fixed quiz's at half 3-in-a-row's questions",
              engine["retention_failure"],
              f"{_num(engine['retention_failure'], 1, True)} vs {_num(quiz['retention_failure'], 1, True)}; "
              f"{_num(engine['questions_per_skill'], 2)} vs {_num(streak['questions_per_skill'] / 2, 2)}",
              engine["retention_failure"] <= quiz["retention_failure"]
              and engine["questions_per_skill"] <= streak["questions_per_skill"] / 2, aim=True)
    return rows


def report(by_population: dict[str, dict[str, dict]], target_rows: list[dict], header: str) -> str:
    """Return the printed report: one table per forgetting population, then the targets."""
    out = [header, ""]
    for population, policies in by_population.items():
        out.append(f"{population}: {FORGETTING[population].description}")
        rows = []
        for name, s in policies.items():
            rows.append([name, _num(s["retention_failure"], 1, True), _num(s["called_not_known"], 1, True),
                         _num(s["called_at_end"], 0, True), _num(s["called_and_known"], 0, True),
                         _num(s["known_at_end"], 0, True),
                         _num(s["questions_per_skill"], 2), _num(s["questions_per_learner"], 0),
                         _num(s["reviews_per_skill"], 2), _num(s["knower_questions"], 2),
                         f"{_num(s['level_drops_per_learner'], 2)} | {s['level_drops_unexplained']:,}",
                         f"{s['mastered_lost']:,} | {s['mastered_lost_unexplained']:,}",
                         _num(s["help_steps_per_learner"], 1), _num(s["course_days"], 0),
                         _num(s["gap_sittings_per_learner"], 1)])
        out.append(_table(["policy", "retention failure", "called, not known", "called", "called and known",
                           "known at end", "Q/skill",
                           "Q/learner", "reviews/skill", "Q known@start", "drops/learner | unexplained",
                           "mastered lost | unexplained", "help/learner", "course days", "gap sittings"], rows))
        out.append("")
    out.append("\n".join([
        "retention failure: of the skills a policy calls mastered at the end of the gap, the share the learner had "
        "known and has forgotten. called, not known: the same with skills never known (false mastery still "
        "standing). called: share of learner-skills called mastered at the end; called and known: of all "
        "learner-skills, called mastered and truly known at the end; known at end: truly known then.",
        "Q/skill, Q/learner: questions per learner and skill and per learner, reviews included; reviews/skill: "
        "the engine's review questions, and every question in the gap. Q known@start: questions on a skill known "
        "at the start, reviews included.",
        "drops: times the level shown for a skill went down, per learner | those with no wrong answer on the skill "
        "since the last look (at every sitting, after every step on the skill, and at the end). mastered lost: "
        "drops from \"mastered\", in all | unexplained. help: tutor steps. course days: from the first sitting to "
        "the end of the course; gap sittings: short sittings in the gap."]))
    out.append("")
    out.append("Targets for the engine, in every population:")
    for row in target_rows:
        mark = ("met" if row["passed"] else "not yet") if row["aim"] else ("pass" if row["passed"] else "FAIL")
        out.append(f"  [{mark}] {row['population']}: {row['target']}: {row['shown']}")
    return "\n".join(out)


def _listed(parser, text: str, known, what: str) -> list[str]:
    wanted = [x.strip() for x in text.split(",") if x.strip()]
    unknown = [x for x in wanted if x not in known]
    if unknown:
        parser.error(f"no {what} {', '.join(unknown)}; the {what}s are {', '.join(known)}")
    return wanted


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--learners", type=int, default=60, help="simulated learners in each forgetting population")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--forgetting", default=",".join(DEFAULT_FORGETTING),
                        help=f"comma-separated forgetting populations: {', '.join(FORGETTING)}")
    parser.add_argument("--answers", default="random-clickers",
                        help=f"how learners answer what they do not know: {', '.join(POPULATIONS)}")
    parser.add_argument("--policies", default=",".join(CLOCK_POLICIES), help="comma-separated policies")
    parser.add_argument("--modules", default="", help="comma-separated module ids (default: all, in course order)")
    parser.add_argument("--json", default=str(DEFAULT_JSON), help="where to write the results")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes")
    parser.add_argument("--chunk", type=int, default=20, help="learners per block of work")
    parser.add_argument("--content", default=str(ROOT / "content"), help="the course folder")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    args = parser.parse_args(argv)

    course = load_course(args.content)
    module_ids = [m.id for m in course.modules]
    if args.modules:
        module_ids = _listed(parser, args.modules, module_ids, "module")
    modules = [course.module(m) for m in module_ids]
    forgetting = _listed(parser, args.forgetting, list(FORGETTING), "forgetting population")
    names = tuple(_listed(parser, args.policies, CLOCK_POLICIES, "policy"))
    if args.answers not in POPULATIONS:
        parser.error(f"no population {args.answers}; the populations are {', '.join(POPULATIONS)}")
    engine_params = sim.engine_parameters(course)
    # The baselines' rules read only their answers, so they need no fitted parameters.
    contenders = clock_contenders(engine_params=engine_params, names=names)
    command = "bench/clock.py " + " ".join(argv if argv is not None else sys.argv[1:])
    header = (f"clock benchmark: {args.learners:,} learners x {len(forgetting)} forgetting populations x "
              f"{len(contenders)} policies, seed {args.seed}, answering as {args.answers}\n"
              f"course: {summary(course)}; modules in order: {', '.join(module_ids)}\n"
              f"calendar: sittings of {STEPS_PER_SITTING[0]}-{STEPS_PER_SITTING[1]} steps, "
              f"{GAP_DAYS[0]:g}-{GAP_DAYS[1]:g} days apart (per learner, each gap 0.5-1.5 times it); "
              f"after the course a gap of {LONG_GAP_DAYS[0]:g}-{LONG_GAP_DAYS[1]:g} days with a short sitting "
              f"every {COMEBACK_DAYS[0]:g}-{COMEBACK_DAYS[1]:g} days; the engine's half-life "
              f"{engine_half_life():g} days, each skill's half-life the learner's times "
              f"{SKILL_SPREAD[0]:g}-{SKILL_SPREAD[1]:g}")
    if not args.quiet:
        print(header.splitlines()[0], file=sys.stderr)
    started = time.perf_counter()
    tallies = run(course, modules, contenders, forgetting, args.answers, args.learners, args.seed, args.jobs,
                  args.chunk, progress=not args.quiet)
    elapsed = time.perf_counter() - started
    by_population = {f: {name: t.summary() for name, t in policies.items()} for f, policies in tallies.items()}
    target_rows = [row for f, policies in by_population.items() for row in targets(f, policies)]
    header += f"\nrun time {elapsed:.0f} s with {args.jobs} processes"
    text = report(by_population, target_rows, header)
    print(text)

    result = {
        "command": f".venv/bin/python {command}".strip(),
        "seed": args.seed,
        "learners": args.learners,
        "modules": module_ids,
        "answers": args.answers,
        "course": summary(course),
        "python": platform.python_version(),
        "run_seconds": round(elapsed, 1),
        "jobs": args.jobs,
        "settings": {
            "steps_per_sitting": STEPS_PER_SITTING, "gap_days": GAP_DAYS, "long_gap_days": LONG_GAP_DAYS,
            "comeback_days": COMEBACK_DAYS, "step_cap": STEP_CAP, "skill_spread": SKILL_SPREAD,
            "engine_half_life_days": engine_half_life(),
            "forgetting": {f: FORGETTING[f].__dict__ for f in forgetting},
            "engine_parameters": engine_params.default.as_dict(),
        },
        "by_population": by_population,
        "targets": target_rows,
        "table": text,
    }
    path = Path(args.json)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(_clean(result), indent=2, default=str) + "\n", encoding="utf-8")
    print(f"\nJSON: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
