"""Serving benchmark: the app under gunicorn on loopback, loaded by many simulated learners.

    .venv/bin/python bench/serve.py [--duration 10] [--concurrency 50] [--workers 4] [--json PATH]

(bench/README.md explains the options and how to read the output.)

What it does, start to finish:

1. Makes a throwaway instance in a temp dir: a fresh SQLite file migrated with
   `flask --app wsgi db upgrade`, the real content/ folder, a random SECRET_KEY.
2. Starts the app under gunicorn on 127.0.0.1 (a free port), as a subprocess.
3. Fetches the lesson page once, writes those bytes to a file, and starts a
   second gunicorn, with the same flags, whose tiny WSGI app sends that file
   (open + wsgi.file_wrapper, so sendfile) for every request: the ceiling.
4. Starts the load generator in a separate process (this file, --loadgen): an
   asyncio HTTP/1.1 client, keeping connections alive when the server does. Each simulated learner
   is a real guest with its own cookie jar: it loads the lesson page, scrapes
   the CSRF token, POSTs "I have read this" (which creates the guest and
   records the lesson as read) and loads the question page, before any timing.
5. Runs each scenario for a warm-up and then a fixed measured time, all the
   learners at once, and prints a table: requests, req/s, p50/p95/p99 latency,
   errors, and the CPU used by the generator, the servers and the machine.
6. Checks that every answer the learners were told was recorded is in the
   database, writes JSON (bench/results/serve.json), and stops both servers and
   removes the temp dir, also on Ctrl-C.

Only loopback is ever contacted. Every loop is bounded in time and in count.
The pieces live beside this file: serve_servers.py (the two gunicorns), serve_loadgen.py
(the simulated learners) and serve_cpu.py (CPU from /proc); this file runs and reports.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from serve_cpu import _machine_cpu
from serve_loadgen import LESSON_PATH, SCENARIOS, loadgen_main
from serve_servers import HOST, NOT_COPIED, STATIC_APP, Server

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_JSON = ROOT / "bench" / "results" / "serve.json"


# --------------------------------------------------------------------------
# The run.

def _prepare_instance(tmp: Path) -> dict:
    """Make an empty migrated SQLite database and return the server environment."""
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": f"sqlite:///{tmp / 'bench.db'}",
        "SECRET_KEY": secrets.token_hex(32),
        "CONTENT_DIR": str(ROOT / "content"),
        "LOG_LEVEL": "WARNING",
        "PYTHONDONTWRITEBYTECODE": "1",
    })
    for key in ("FLASK_DEBUG", "FLASK_APP", "TEST_DATABASE_URL"):
        env.pop(key, None)
    migrate = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"],
                             cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    if migrate.returncode != 0:
        raise RuntimeError(f"flask db upgrade failed:\n{migrate.stdout}{migrate.stderr}")
    return env


def _prerender(port: int, tmp: Path) -> tuple[Path, list[tuple[str, str]]]:
    """Fetch the lesson page as a new visitor sees it; return its file and headers."""
    with urllib.request.urlopen(f"http://{HOST}:{port}{LESSON_PATH}", timeout=10) as r:
        body = r.read()
        headers = [(k, v) for k, v in r.getheaders() if k.lower() not in NOT_COPIED]
    page = tmp / "lesson.html"
    page.write_bytes(body)
    return page, headers


def _database_counts(db_path: Path) -> dict:
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30)
    try:
        count = lambda table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: E731
        ids = {row[0] for row in conn.execute("SELECT id FROM answers")}
        return {"learners": count("learners"), "lesson_reads": count("lesson_reads"),
                "answers": count("answers"), "answer_ids": ids}
    finally:
        conn.close()


def _fmt(value, digits: int = 1) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def _print_table(results: list[dict]) -> None:
    rows = []
    for sc in results:
        for i, g in enumerate(sc["groups"]):
            label = sc["title"] if i == 0 else "  then"
            rows.append((label, g["request"], f"{g['requests']:,}", _fmt(g["req_per_s"]),
                         _fmt(g["p50_ms"], 2), _fmt(g["p95_ms"], 2), _fmt(g["p99_ms"], 2),
                         f"{g['errors']:,}"))
    head = ("scenario", "request", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors")
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    line = lambda r: "  ".join(c.ljust(w) if i < 2 else c.rjust(w)  # noqa: E731
                               for i, (c, w) in enumerate(zip(r, widths)))
    print(line(head))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print(line(r))


def _print_cpu(results: list[dict]) -> None:
    cores = os.cpu_count() or 1
    print()
    print(f"CPU in the measured windows, as % of one core ({cores} cores = {100 * cores}%):")
    head = ("scenario", "load generator", "gunicorn, all processes", "rest of machine")
    rows = []
    for sc in results:
        cpu = sc["cpu"] or {}
        rows.append((sc["name"], f"{_fmt(cpu.get('generator_pct_of_one_core'))}%",
                     f"{_fmt(cpu.get('server_pct_of_one_core'))}%",
                     f"{_fmt(cpu.get('rest_of_machine_pct_of_one_core'))}%"))
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    for r in [head, *rows]:
        print("  " + "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))))
    print("  (rest of machine = what /proc/stat calls busy, less the two above: other processes, the")
    print("   kernel, and on a virtual machine time the host gave elsewhere. Large = noisy figures.)")
    noisy = [sc["name"] for sc in results
             if (sc["cpu"] or {}).get("rest_of_machine_pct_of_one_core", 0) > NOISY]
    if noisy:
        print(f"  warning: something else used over {NOISY:.0f}% of a core during: {', '.join(noisy)}. "
              "Rerun on a quiet machine (or with --rounds 3) before comparing these figures.")


def _busy_before_start(seconds: float = 1.0) -> float:
    """Return how busy the machine is with nothing of ours running, as % of one core."""
    a = _machine_cpu()
    time.sleep(seconds)
    b = _machine_cpu()
    total = b[1] - a[1]
    return 100 * (os.cpu_count() or 1) * (b[0] - a[0]) / total if total else 0.0


NOISY = 25.0  # % of one core used by others, above which the figures are flagged


def run(args: argparse.Namespace) -> int:
    idle_busy = _busy_before_start()
    if idle_busy > NOISY:
        print(f"warning: before starting, the machine was already {idle_busy:.0f}% of one core busy "
              "with other work; the figures will be lower and noisier than on a quiet machine.",
              flush=True)
    tmp = Path(tempfile.mkdtemp(prefix="skills-passport-bench-"))
    servers: list[Server] = []
    loadgen: subprocess.Popen | None = None
    try:
        print(f"Preparing a throwaway instance in {tmp} ...", flush=True)
        env = _prepare_instance(tmp)
        if args.floor:  # the app with three pages that stop partway (bench/serve_floor_app.py)
            env = dict(env, BENCH_STATIC_PAGE=str(tmp / "lesson.html"),
                       PYTHONPATH=os.pathsep.join([str(ROOT / "bench"), str(ROOT)]))
        app = Server("app", args, "serve_floor_app:app" if args.floor else "wsgi:app", ROOT, env,
                     tmp / "gunicorn-app.log")
        servers.append(app)
        app.start()
        app.wait_ready(LESSON_PATH)
        page, headers = _prerender(app.port, tmp)

        static_env = dict(env, BENCH_STATIC_PAGE=str(page), BENCH_STATIC_HEADERS=json.dumps(headers))
        (tmp / "static_page.py").write_text(STATIC_APP)
        static = Server("static", args, "static_page:app", tmp, static_env, tmp / "gunicorn-static.log")
        servers.append(static)
        static.start()
        static.wait_ready(LESSON_PATH)
        with urllib.request.urlopen(f"http://{HOST}:{static.port}{LESSON_PATH}", timeout=10) as r:
            if r.read() != page.read_bytes():
                raise RuntimeError("the static server does not send the pre-rendered page")

        print(f"App server:    {app.shown()}   (cwd {ROOT}; DATABASE_URL=sqlite:///<tmp>/bench.db, "
              "in the WAL mode the app sets)")
        print(f"Ceiling:       {static.shown()}   (sends the lesson page's {page.stat().st_size:,} "
              "bytes from a file)")
        print(f"Load:          {args.concurrency} simulated learners (each a guest with its own cookies), "
              f"HTTP/1.1 keep-alive where the server allows, on {HOST};")
        print(f"               per scenario {args.warmup:g} s warm-up, then {args.duration:g} s measured; "
              f"{args.rounds} round(s) of all scenarios; load generator in its own process; "
              f"{os.cpu_count()} CPU cores on this machine", flush=True)

        spec = {
            "ports": {"app": app.port, "static": static.port},
            "masters": {"app": app.proc.pid, "static": static.proc.pid},
            "concurrency": args.concurrency, "duration": args.duration, "warmup": args.warmup,
            "max_requests": args.max_requests, "timeout": args.timeout, "pause": 1.0,
            "seed": args.seed, "rounds": args.rounds, "scenarios": args.only,
        }
        loadgen = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--loadgen"],
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                   start_new_session=True)
        loadgen.stdin.write(json.dumps(spec))
        loadgen.stdin.close()
        results, setup = [], None
        for raw in loadgen.stdout:
            event = json.loads(raw)
            if event["event"] == "setup":
                setup = event
                print(f"Set up {event['learners']} guests (lesson read, first question open) "
                      f"in {event['seconds']} s", flush=True)
            elif event["event"] == "start":
                print(f"  round {event['round']}: {event['name']} ...", flush=True)
            elif event["event"] == "scenario":
                results.append(event)
            elif event["event"] == "failed":
                raise RuntimeError(f"load generator failed: {event['error']}")
        if loadgen.wait(timeout=60) != 0 or len(results) != len(args.only):
            raise RuntimeError(f"load generator exited with {loadgen.returncode}")

        for server in servers:
            server.stop()
        counts = _database_counts(tmp / "bench.db")
        redirected = set()
        for sc in results:
            redirected.update(sc.pop("answer_ids_redirected_to"))
        missing = sorted(redirected - counts.pop("answer_ids"))
        check = {**counts, "answers_redirected_to": len(redirected), "redirected_but_missing": len(missing)}

        print()
        _print_table(results)
        by_name = {sc["name"]: sc for sc in results}
        ceiling = by_name["ceiling"]["groups"][0]["req_per_s"] if "ceiling" in by_name else None
        print()
        for name in ("frame", "learner", "state", "lesson", "question"):
            if ceiling and name in by_name:
                rps = by_name[name]["groups"][0]["req_per_s"]
                print(f"{by_name[name]['title'].strip().capitalize()}: {rps:,.1f} req/s = "
                      f"{100 * rps / ceiling:.1f}% of the static-file ceiling ({ceiling:,.1f} req/s).")
        if args.rounds > 1:
            print()
            print("req/s in each round (first request of each scenario):")
            for sc in results:
                print(f"  {sc['name']:<9} " + " / ".join(f"{v:,.1f}" for v in sc["first_request_req_per_s_by_round"]))
        _print_cpu(results)
        print()
        print(f"Database after the run: {check['learners']} guests, {check['lesson_reads']} lessons read, "
              f"{check['answers']:,} answers stored; {check['answers_redirected_to']:,} answer pages the "
              f"learners were sent to, {check['redirected_but_missing']} of them missing from the database.")
        capped = [sc["name"] for sc in results if sc["stopped_by_request_cap"]]
        if capped:
            print(f"warning: --max-requests stopped {', '.join(capped)} early, so their req/s is too low.")
        errors = sum(g["errors"] for sc in results for g in sc["groups"])
        if errors:
            kinds: dict[str, int] = {}
            for sc in results:
                for g in sc["groups"]:
                    for k, v in g["error_kinds"].items():
                        kinds[f"{sc['name']}: {g['request']}: {k}"] = v
            print("Errors: " + "; ".join(f"{k} x{v}" for k, v in kinds.items()))

        report = {
            "benchmark": "bench/serve.py",
            "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "machine": {"cpu_count": os.cpu_count(), "python": sys.version.split()[0],
                        "busy_before_start_pct_of_one_core": round(idle_busy, 1)},
            "settings": {"duration_s": args.duration, "warmup_s": args.warmup, "rounds": args.rounds,
                         "scenarios": args.only,
                         "concurrency": args.concurrency, "workers": args.workers,
                         "worker_class": args.worker_class, "threads": args.threads,
                         "max_requests_per_scenario": args.max_requests, "timeout_s": args.timeout,
                         "database": "sqlite (fresh file, migrated, WAL as the app sets it)"},
            "commands": {"app": app.shown(), "ceiling": static.shown()},
            "setup": setup,
            "scenarios": results,
            "database_check": check,
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2) + "\n")
        print(f"JSON written to {args.json}")
        return 1 if missing or errors else 0
    finally:
        if loadgen is not None and loadgen.poll() is None:
            loadgen.terminate()
            try:
                loadgen.wait(timeout=5)
            except subprocess.TimeoutExpired:
                loadgen.kill()
                loadgen.wait()
        for server in servers:
            server.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def _interrupted(signum, _frame):
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=10.0, help="measured seconds per scenario (10)")
    parser.add_argument("--warmup", type=float, default=2.0, help="warm-up seconds per scenario, not measured (2)")
    parser.add_argument("--concurrency", type=int, default=50, help="simulated learners at once (50)")
    parser.add_argument("--workers", type=int, default=4,
                        help="gunicorn worker processes (4, as in the README's production command)")
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"],
                        help="gunicorn worker class (sync, gunicorn's default)")
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (gthread only; 1)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="run all the scenarios this many times, interleaved, and pool the results (1)")
    parser.add_argument("--only", default=None,
                        help="comma-separated scenarios to run (default: ceiling,lesson,question,answer, "
                             "and with --floor also frame,learner,state)")
    parser.add_argument("--floor", action="store_true",
                        help="also serve the lesson page's bytes after part of its work (hooks only; + the "
                             "learner; + their state), to show what each layer costs")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help=f"where to write JSON ({DEFAULT_JSON.relative_to(ROOT)})")
    parser.add_argument("--max-requests", type=int, default=1_000_000,
                        help="stop a scenario after this many requests, whatever the time (1,000,000)")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds before a request counts as failed (30)")
    parser.add_argument("--seed", type=int, default=1, help="seed for the answers learners choose (1)")
    parser.add_argument("--loadgen", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.loadgen:
        return loadgen_main()
    if (args.duration <= 0 or args.warmup < 0 or not 1 <= args.concurrency <= 1000
            or args.workers < 1 or args.threads < 1 or not 1 <= args.rounds <= 20):
        parser.error("need --duration > 0, --warmup >= 0, 1 <= --concurrency <= 1000, --workers >= 1, "
                     "--threads >= 1, 1 <= --rounds <= 20")
    names = [sc["name"] for sc in SCENARIOS if args.floor or not sc.get("floor")]
    args.only = [n.strip() for n in (args.only or ",".join(names)).split(",") if n.strip()]
    if not args.only or any(n not in names for n in args.only):
        parser.error(f"--only takes some of: {','.join(names)}")
    if args.worker_class == "sync" and args.threads != 1:
        args.worker_class = "gthread"  # gunicorn itself switches to gthread when threads > 1
    args.json = args.json if args.json.is_absolute() else Path.cwd() / args.json
    signal.signal(signal.SIGTERM, _interrupted)
    signal.signal(signal.SIGHUP, _interrupted)
    try:
        return run(args)
    except KeyboardInterrupt:
        print("\nInterrupted: servers stopped and temp files removed.", file=sys.stderr)
        return 130
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())

