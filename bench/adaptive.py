"""Adaptive-engine benchmark: policies compared on the same simulated learners.

    .venv/bin/python bench/adaptive.py [--learners 10000] [--misfit-learners 2000] [--seed 1] [--modules a,b]
                                       [--populations a,b] [--json PATH]

Every simulated learner (engine/simulate.py: a knowledge-tracing generator with
five learner types) works through every module of the real course once under
each policy: the baselines in engine/baselines.py, an oracle that sees the
hidden state, and the project's engine (engine.policies.POLICIES["adaptive"]).
The learners of that main run click at random when they do not know a skill;
then the engine, 3-in-a-row and 4-of-5 meet populations that break the engine's
assumptions (engine/populations.py: partial knowledge, more luck, careless
slips, rushed placement), each reported on its own against the evidence
targets. It prints one table row per policy, the targets for the engine with pass or
fail, the engine's next-answer predictions (AUC, log loss, calibration) and the
cost of one next-step decision, and writes it all as JSON
(bench/results/adaptive.json, git-ignored). docs/engine.md explains the model,
the metrics and the latest results.

Standard library only. The work is split over processes (--jobs, default one
per core) by policy, module and block of learners; the result does not depend
on --jobs.
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine import simulate as sim  # noqa: E402
from engine.baselines import GIVE_UP_AFTER, QUIZ_LENGTH, QUIZ_PASS, measured_skills  # noqa: E402
from engine.loader import load_course, summary  # noqa: E402
from engine.evidence import EVIDENCE_QUESTIONS  # noqa: E402
from engine.mastery import MASTERED  # noqa: E402
from engine.populations import DEFAULT_POPULATION, POPULATIONS  # noqa: E402
from engine.policies import POLICIES  # noqa: E402

DEFAULT_JSON = ROOT / "bench" / "results" / "adaptive.json"
GAP_TARGET = 0.5
FALSE_MASTERY_TARGET = 0.03
KNOWER_TARGET = 2.0
ROUTE_TARGET = 0.9  # share of stuck learners routed within 6 questions
DECISION_TARGET_US = 1000.0
POPULATION_FALSE_MASTERY_TARGET = 0.01
MISFIT_POLICIES = ("3-in-a-row", "4-of-5", sim.ENGINE)

# Set in the parent before the pool forks, so workers share one course.
_COURSE = None
_CONTENDERS: list = []


def _work(task: tuple[int, str, int, int, int, str]):
    """Run one block of learners through one module under one policy (in a worker)."""
    contender_index, module_id, start, stop, seed, population = task
    contender = _CONTENDERS[contender_index]
    module = _COURSE.module(module_id)
    timed = contender.name == sim.ENGINE and population == DEFAULT_POPULATION.name
    tallies, predictions = sim.simulate(_COURSE, contender, module, range(start, stop), seed, time_decisions=timed,
                                        population=POPULATIONS[population])
    return contender_index, population, tallies, predictions


def run(course, contenders: list, learners: int, seed: int, module_ids: list[str], jobs: int, chunk: int,
        progress: bool = True, misfits: tuple[str, ...] = (), misfit_learners: int = 0):
    """Run every policy on the same learners, and the misfit populations under a few policies.

    Returns tallies by policy (the main population), predictions by model, and tallies by
    population and policy.
    """
    global _COURSE, _CONTENDERS
    _COURSE = course
    _CONTENDERS = contenders
    # The engine is the slowest: give its blocks out first so the processes finish together.
    order = sorted(range(len(_CONTENDERS)), key=lambda i: _CONTENDERS[i].name != sim.ENGINE)
    main = DEFAULT_POPULATION.name
    tasks = [(i, m, start, min(start + chunk, learners), seed, main)
             for i in order for m in module_ids for start in range(0, learners, chunk)]
    tasks += [(i, m, start, min(start + chunk, misfit_learners), seed, population)
              for population in misfits if population != main
              for i in order if _CONTENDERS[i].name in MISFIT_POLICIES
              for m in module_ids for start in range(0, misfit_learners, chunk)]
    tallies: dict[str, dict[str, sim.Tally]] = {c.name: {} for c in _CONTENDERS}
    by_population: dict[str, dict[str, sim.Tally]] = {}
    predictions: dict[str, sim.Predictions] = {}

    def take(result) -> None:
        index, population, block_tallies, block_predictions = result
        name = _CONTENDERS[index].name
        if population == main and name in MISFIT_POLICIES:
            by_population.setdefault(population, {}).setdefault(name, sim.Tally()).merge(block_tallies["all"])
        if population != main:
            by_population.setdefault(population, {}).setdefault(name, sim.Tally()).merge(block_tallies["all"])
            return
        for key, tally in block_tallies.items():
            tallies[name].setdefault(key, sim.Tally()).merge(tally)
        for key, pred in block_predictions.items():
            predictions.setdefault(key, sim.Predictions()).merge(pred)

    started = time.perf_counter()
    if jobs <= 1:
        results = map(_work, tasks)
        pool = None
    else:
        pool = multiprocessing.get_context("fork").Pool(jobs)
        results = pool.imap_unordered(_work, tasks)
    try:
        for done, result in enumerate(results, 1):
            take(result)
            if progress and (done % max(1, len(tasks) // 20) == 0 or done == len(tasks)):
                print(f"  {done}/{len(tasks)} blocks, {time.perf_counter() - started:.0f} s", file=sys.stderr,
                      flush=True)
    finally:
        if pool is not None:
            pool.close()
            pool.join()
    return tallies, predictions, by_population


# --- report ------------------------------------------------------------------------------------


def _num(x, digits=1, pct=False, suffix=""):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    if isinstance(x, float) and math.isinf(x):
        return "never"
    if pct:
        return f"{100 * x:.{digits}f}%"
    if digits == 0:
        return f"{x:.0f}{suffix}"
    return f"{x:.{digits}f}{suffix}"


def _pair(a, b, digits=0):
    return f"{_num(a, digits)}/{_num(b, digits)}"


def _table(header: list[str], rows: list[list[str]], align_left: int = 1) -> str:
    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header))]
    lines = []
    for n, row in enumerate([header] + rows):
        cells = [str(c).ljust(w) if i < align_left else str(c).rjust(w) for i, (c, w) in enumerate(zip(row, widths))]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def gap_by_type(by_type: dict[str, dict[str, dict]]) -> dict[str, float]:
    """Return, for each learner type, the share of the 3-in-a-row-to-oracle gap in questions the engine closes."""
    closed = {}
    for kind in by_type[sim.ENGINE]:
        streak = by_type["3-in-a-row"][kind]["questions_per_module"]
        oracle = by_type[sim.ORACLE][kind]["questions_per_module"]
        engine = by_type[sim.ENGINE][kind]["questions_per_module"]
        closed[kind] = (streak - engine) / (streak - oracle) if streak != oracle else float("nan")
    return dict(sorted(closed.items(), key=lambda kv: [t.name for t in sim.LEARNER_TYPES].index(kv[0])))


def targets(summaries: dict[str, dict], decision: dict) -> list[dict]:
    """Return the issue's targets for the engine, each with its measured value and pass or fail."""
    engine, oracle, streak = summaries[sim.ENGINE], summaries[sim.ORACLE], summaries["3-in-a-row"]
    gap = streak["questions_per_module"] - oracle["questions_per_module"]
    closed = (streak["questions_per_module"] - engine["questions_per_module"]) / gap if gap > 0 else float("nan")
    rows = [
        {"target": "false mastery at most 3%", "value": engine["false_mastery"], "shown": _num(engine["false_mastery"], 2, True),
         "passed": engine["false_mastery"] <= FALSE_MASTERY_TARGET},
        {"target": "learners who already know a skill spend at most 2 questions on it, on average",
         "value": engine["knower_questions"], "shown": _num(engine["knower_questions"], 3),
         "passed": engine["knower_questions"] <= KNOWER_TARGET},
        {"target": "at least half the gap in questions between 3-in-a-row and the oracle closed",
         "value": closed, "shown": _num(closed, 0, True), "passed": closed >= GAP_TARGET},
        {"target": "stuck learners routed to a remedial lesson within 6 questions (at least 90% of them)",
         "value": engine["stuck_routed_within_6"], "shown": _num(engine["stuck_routed_within_6"], 1, True),
         "passed": engine["stuck_routed_within_6"] >= ROUTE_TARGET},
        {"target": "a next-step decision with 10,000 stored answers well under 1 ms",
         "value": decision["mean_us"], "shown": f"{decision['mean_us']:.0f} µs",
         "passed": decision["mean_us"] < DECISION_TARGET_US},
    ]
    return rows


def report(summaries: dict[str, dict], by_type: dict[str, dict[str, dict]], predictions: dict[str, dict],
           target_rows: list[dict], decision: dict, run_decision_us: float, header: str) -> str:
    """Return the printed report."""
    out = [header, ""]
    rows = []
    for name, s in summaries.items():
        rows.append([name, _num(s["questions_per_module"]), _num(s["minutes_per_module"], 0),
                     _pair(s["questions_to_mastery_p50"], s["questions_to_mastery_p90"]),
                     _pair(s["minutes_to_mastery_p50"], s["minutes_to_mastery_p90"]),
                     _num(s["declared_share"], 0, True), _num(s["false_mastery"], 1, True),
                     _num(s["knower_questions"], 2), _num(s["questions_while_known"], 2),
                     _num(s["stuck_routed_within_6"], 0, True), _pair(s["stuck_route_p50"], s["stuck_route_p90"]),
                     _num(s["stuck_help_within_6"], 0, True),
                     _num(s["learned_at_end"], 1, True), _num(s["help_steps_per_module"], 2),
                     _num(s["capped_share"], 1, True)])
    marks = {t["target"][:12]: ("pass" if t["passed"] else "FAIL") for t in target_rows}
    by_start = {t["target"][:12]: t for t in target_rows}
    gap = by_start["at least hal"]
    rows.append(["target (engine)", f"gap {gap['shown']}", "", "", "", "", "<=3%", "<=2", "", ">=90%", "", "",
                 "", "", ""])
    rows.append(["  pass/fail", marks["at least hal"], "", "", "", "", marks["false master"], marks["learners who"],
                 "", marks["stuck learne"], "", "", "", "", ""])
    out.append(_table(["policy", "Q/mod", "min/mod", "Q->mastery", "min->mastery",
                       "declared", "false mastery", "Q known@start", "Q while known",
                       "stuck->fix<=6", "Q->fix", "->fix/tutor<=6",
                       "learned", "help/mod", "capped"], rows))
    out.append("")
    out.append("\n".join([
        "Q/mod, min/mod: questions and active minutes per learner and module (a question 1 minute, a lesson its "
        "'minutes').",
        "Q->mastery, min->mastery (p50/p90): for each learner and skill, questions on the skill and minutes into the "
        "module until the policy declared it mastered; never declared counts as 'never'. declared: share declared.",
        "false mastery: share of declarations made while the skill was not truly known. Q known@start: questions on "
        "a skill by learners who knew it before starting. Q while known: questions per learner and skill answered "
        "while it was truly known (over-practice).",
        "stuck->fix<=6: stuck learners who read the lesson that fixes their misconception within 6 questions on the "
        "stuck skill; Q->fix: those questions (p50/p90); ->fix/tutor<=6: fixed or sent to a tutor within 6.",
        "learned: skills truly known when the policy stopped. help/mod: help (tutor) steps per learner and module. "
        "capped: runs cut off at the step cap."]))
    out.append("")

    out.append("By learner type: questions per module | skills truly known at the end | share of learner-modules "
               "sent to a tutor at least once:")
    types = [t.name for t in sim.LEARNER_TYPES]
    rows = []
    for name in summaries:
        cells = [name]
        for kind in types:
            s = by_type[name].get(kind)
            cells.append("-" if s is None else f"{_num(s['questions_per_module'])} | {_num(s['learned_at_end'], 0, True)}"
                         f" | {_num(s['sent_to_tutor_share'], 0, True)}")
        rows.append(cells)
    out.append(_table(["policy"] + [f"{k} (Q | learned | tutor)" for k in types], rows))
    closed = gap_by_type(by_type)
    out.append("Share of the 3-in-a-row-to-oracle gap in questions the engine closes, by type: " + ", ".join(
        f"{k} {_num(v, 0, True)}" for k, v in closed.items()) + ". (A negative gap means the oracle, which keeps "
        "going until every skill is truly learned, asks more than 3-in-a-row, which gives up after "
        f"{GIVE_UP_AFTER} questions on a skill.)")
    out.append("")

    out.append("Next-answer prediction, P(right) = P(know)(1 - slip) + (1 - P(know)) guess, before each answer:")
    rows = []
    for name, p in predictions.items():
        rows.append([name, f"{p['answers']:,}", _num(p["auc"], 3), _num(p["log_loss"], 3), _num(p["brier"], 3),
                     _num(p["calibration_error"], 3)])
    out.append(_table(["model (answers it was scored on)", "answers", "AUC", "log loss", "Brier", "calibration error"],
                      rows))
    for name in (sim.ENGINE, "population BKT on the engine's answers"):
        if name in predictions:
            bins = predictions[name]["calibration"]
            out.append(f"  calibration, {name}: " + "  ".join(
                f"{b['bin']}: {b['predicted']:.2f}->{b['observed']:.2f} (n={b['n']:,})" for b in bins))
    out.append("")
    out.append(f"Per-decision cost of the engine: {run_decision_us:.1f} µs on average over "
               f"{summaries[sim.ENGINE]['decisions']:,} decisions in this run; with {decision['stored_answers']:,} "
               f"stored answers ({decision['states']} learners, module {decision['module']}), "
               f"{decision['mean_us']:.1f} µs mean, {decision['p50_us']:.1f} µs median, "
               f"{decision['p99_us']:.1f} µs 99th percentile over {decision['decisions']:,} decisions "
               f"(steps chosen: {', '.join(f'{k} {v}' for k, v in sorted(decision['steps_chosen'].items()))}; "
               f"the stored state is at most {decision['state_json_bytes']:,} characters).")
    out.append("")
    out.append("Targets for the engine:")
    for t in target_rows:
        out.append(f"  [{'pass' if t['passed'] else 'FAIL'}] {t['target']}: {t['shown']}")
    return "\n".join(out)


def population_targets(by_population: dict[str, dict[str, dict]], bronze_skills: dict[str, int]) -> list[dict]:
    """Return the evidence targets for the engine in every population, each with pass or fail."""
    rows = []
    for population, policies in by_population.items():
        engine, streak = policies.get(sim.ENGINE), policies.get("3-in-a-row")
        if engine is None:
            continue
        checks = [
            ("false mastery at most 1%", engine["false_mastery"], _num(engine["false_mastery"], 2, True),
             engine["false_mastery"] <= POPULATION_FALSE_MASTERY_TARGET),
            ("questions per skill no more than 3-in-a-row's", engine["questions_per_skill"],
             f"{_num(engine['questions_per_skill'], 2)} vs {_num(streak['questions_per_skill'], 2) if streak else '-'}",
             streak is not None and engine["questions_per_skill"] <= streak["questions_per_skill"]),
            ("no mastery call after a single answer", engine["single_answer_calls"],
             _num(engine["single_answer_calls"], 2, True), engine["single_answer_calls"] == 0),
            (f"answers to bronze at least {EVIDENCE_QUESTIONS}x the bronze skills, every learner",
             engine["answers_per_bronze_skill_min"], f"least {_num(engine['answers_per_bronze_skill_min'], 1)} a skill",
             engine["answers_per_bronze_skill_min"] >= EVIDENCE_QUESTIONS),
            ("learners who know a skill at the start: at most 2 questions on it until it is mastered",
             engine["knower_questions_to_mastery"], f"{_num(engine['knower_questions_to_mastery'], 2)} "
             f"({_num(engine['knower_questions'], 2)} with later reviews)",
             engine["knower_questions_to_mastery"] <= KNOWER_TARGET),
        ]
        for target, value, shown, passed in checks:
            rows.append({"population": population, "target": target, "value": value, "shown": shown,
                         "passed": bool(passed)})
    return rows


def population_report(by_population: dict[str, dict[str, dict]], rows: list[dict], learners: int,
                      misfit_learners: int) -> str:
    """Return the table of every population under the engine and the streak baselines, and its targets."""
    out = [f"By population ({learners:,} learners in {DEFAULT_POPULATION.name}, {misfit_learners:,} in each other; "
           "the same learner types, answering with the population's luck and slips):"]
    table = []
    for population, policies in by_population.items():
        for name in MISFIT_POLICIES:
            t = policies.get(name)
            if t is None:
                continue
            table.append([population, name, _num(t["questions_per_skill"], 2), _num(t["false_mastery"], 2, True),
                          f"{_num(t['knower_questions_to_mastery'], 2)} | {_num(t['knower_questions'], 2)}",
                          _num(t["single_answer_calls"], 1, True),
                          _num(t["answers_to_bronze_p50"], 0), _num(t["answers_per_bronze_skill_min"], 1),
                          _num(t["bronze_reached_share"], 0, True), _num(t["declared_share"], 0, True),
                          _num(t["learned_at_end"], 0, True)])
    out.append(_table(["population", "policy", "Q/skill", "false mastery", "Q known@start to mastery | all",
                       "calls after 1 answer",
                       "answers->bronze p50", "least answers/bronze skill", "reached bronze", "declared",
                       "learned"], table, align_left=2))
    out.append("Q/skill: questions per learner and skill, reviews included. Q known@start: questions on a skill "
               "known at the start, until the policy declared it mastered | in all, later reviews included. "
               "calls after 1 answer: mastery "
               "declared with one question or none on the skill. answers->bronze: questions in the topic when the "
               "last bronze skill was declared; least answers/bronze skill: the fewest, over every learner, "
               "divided by the topic's bronze skills.")
    for population in POPULATIONS.values():
        if population.name in by_population:
            out.append(f"  {population.name}: {population.description}")
    out.append("")
    out.append("Evidence targets for the engine, in every population:")
    for row in rows:
        out.append(f"  [{'pass' if row['passed'] else 'FAIL'}] {row['population']}: {row['target']}: {row['shown']}")
    return "\n".join(out)


def _clean(value):
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None if math.isnan(value) else "never"
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--learners", type=int, default=10_000, help="simulated learners (each takes every module)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--modules", default="", help="comma-separated module ids (default: all)")
    parser.add_argument("--json", default=str(DEFAULT_JSON), help="where to write the results")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes")
    parser.add_argument("--chunk", type=int, default=500, help="learners per block of work")
    parser.add_argument("--content", default=str(ROOT / "content"), help="the course folder")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    parser.add_argument("--misfit-learners", type=int, default=2_000,
                        help="simulated learners in each population other than the main one")
    parser.add_argument("--populations", default=",".join(POPULATIONS),
                        help=f"comma-separated populations (default: all): {', '.join(POPULATIONS)}")
    parser.add_argument("--stuck-own-tag-only", action="store_true",
                        help="a stuck learner picks only an option with their own misconception, not any tagged one")
    args = parser.parse_args(argv)

    sim.STUCK_PICKS_ANY_TAG = not args.stuck_own_tag_only
    course = load_course(args.content)
    module_ids = [m.id for m in course.modules]
    if args.modules:
        wanted = [m.strip() for m in args.modules.split(",") if m.strip()]
        unknown = [m for m in wanted if m not in module_ids]
        if unknown:
            parser.error(f"no module {', '.join(unknown)}; the modules are {', '.join(module_ids)}")
        module_ids = wanted
    command = "bench/adaptive.py " + " ".join(argv if argv is not None else sys.argv[1:])
    modules_text = "; ".join(
        f"{m}: {len(measured_skills(course, course.module(m)))} skills measured, "
        f"{len(sim.stuck_pairs(course, course.module(m)))} stuck pairs" for m in module_ids)
    population = sim.population_parameters(course, args.seed)
    engine_params = sim.engine_parameters(course)
    contenders = sim.contenders(population, engine_params)
    fitted = population.default
    header = (f"adaptive-engine benchmark: {args.learners:,} learners x {len(module_ids)} modules x "
              f"{len(contenders)} policies, seed {args.seed}"
              + (", stuck learners show only their own misconception" if args.stuck_own_tag_only else "") + "\n"
              f"course: {summary(course)}" + (f" ({len(course.errors)} file problems: some content left out)"
                                              if course.errors else "") + f"\nmodules: {modules_text}"
              f"\npopulation parameters (fitted): prior {fitted.prior}, learn {fitted.learn}, slip {fitted.slip}, "
              f"lesson_learn {fitted.lesson_learn}, half-life {fitted.half_life_days:g} days; engine (as the app): "
              + ", ".join(f"{k} {v:g}" for k, v in engine_params.default.as_dict().items())
              + f", with per-skill settings for {len(engine_params.per_skill)} skills")
    if not args.quiet:
        print(header.splitlines()[0], file=sys.stderr)

    misfits = tuple(p.strip() for p in args.populations.split(",") if p.strip())
    unknown = [p for p in misfits if p not in POPULATIONS]
    if unknown:
        parser.error(f"no population {', '.join(unknown)}; the populations are {', '.join(POPULATIONS)}")
    started = time.perf_counter()
    tallies, predictions, by_population_tallies = run(
        course, contenders, args.learners, args.seed, module_ids, args.jobs, args.chunk, progress=not args.quiet,
        misfits=misfits, misfit_learners=args.misfit_learners)
    elapsed = time.perf_counter() - started

    summaries = {name: t["all"].summary() for name, t in tallies.items()}
    by_type = {name: {k.split(":", 1)[1]: v.summary() for k, v in t.items() if k.startswith("type:")}
               for name, t in tallies.items()}
    by_module = {name: {k.split(":", 1)[1]: v.summary() for k, v in t.items() if k.startswith("module:")}
                 for name, t in tallies.items()}
    prediction_summaries = {k: v.summary() for k, v in predictions.items()}
    # The figures are the decision cost with many stored answers, in the module with the most questions.
    biggest = max((course.module(m) for m in module_ids), key=lambda m: m.question_count)
    decision = sim.decision_cost(course, biggest)
    decision["module"] = biggest.id
    run_decision_us = summaries[sim.ENGINE]["decision_us"]
    target_rows = targets(summaries, decision)
    header += f"\nrun time {elapsed:.0f} s with {args.jobs} processes"
    text = report(summaries, by_type, prediction_summaries, target_rows, decision, run_decision_us, header)
    by_population = {population: {name: tally.summary() for name, tally in policies.items()}
                     for population, policies in sorted(by_population_tallies.items(),
                                                        key=lambda kv: list(POPULATIONS).index(kv[0]))}
    bronze_skills = {m: len(course.module(m).passport.skills_for("bronze")) for m in module_ids}
    population_rows = population_targets(by_population, bronze_skills)
    text += "\n\n" + population_report(by_population, population_rows, args.learners, args.misfit_learners)
    print(text)

    result = {
        "command": f".venv/bin/python {command}".strip(),
        "seed": args.seed,
        "learners": args.learners,
        "modules": module_ids,
        "course": summary(course),
        "course_errors": [str(p) for p in course.errors],
        "python": platform.python_version(),
        "run_seconds": round(elapsed, 1),
        "jobs": args.jobs,
        "settings": {
            "stuck_picks_any_tag": sim.STUCK_PICKS_ANY_TAG,
            "step_cap": sim.STEP_CAP, "give_up_after": GIVE_UP_AFTER, "quiz_length": QUIZ_LENGTH,
            "quiz_pass": QUIZ_PASS, "engine_mastered": MASTERED, "minutes_per_question": sim.MINUTES_PER_QUESTION,
            "sitting_minutes": sim.SITTING_MINUTES, "gap_days": sim.GAP_DAYS,
            "learner_types": [t.__dict__ for t in sim.LEARNER_TYPES],
            "population_parameters": fitted.as_dict(),
            "population_means": sim.population_means().default.as_dict(),
            "engine_parameters": engine_params.default.as_dict(),
            "engine_per_skill_parameters": {k: v.as_dict() for k, v in engine_params.per_skill.items()},
            "engine_policy": POLICIES["adaptive"].__module__ + "." + POLICIES["adaptive"].__name__,
        },
        "policies": summaries,
        "by_type": by_type,
        "by_module": by_module,
        "predictions": prediction_summaries,
        "decision_cost": {"in_run_mean_us": run_decision_us, **decision},
        "gap_closed_by_type": gap_by_type(by_type),
        "targets": [{k: v for k, v in t.items()} for t in target_rows],
        "by_population": by_population,
        "population_targets": population_rows,
        "misfit_learners": args.misfit_learners,
        "table": text,
    }
    path = Path(args.json)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(_clean(result), indent=2, default=str) + "\n", encoding="utf-8")
    print(f"\nJSON: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
