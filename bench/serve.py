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
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import re
import resource
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_JSON = ROOT / "bench" / "results" / "serve.json"
HOST = "127.0.0.1"

LESSON_ID = "make-a-strong-password"
QUESTION_ID = "pw-hardest-to-guess"
LESSON_PATH = f"/lessons/{LESSON_ID}"
READ_PATH = f"/lessons/{LESSON_ID}/read"
QUESTION_PATH = f"/questions/{QUESTION_ID}"

CSRF_FIELD = re.compile(rb'name="csrf_token" value="([^"]+)"')
CHOICE_FIELD = re.compile(rb'name="choice" value="([^"]+)"')
ANSWER_URL = re.compile(r"/answers/(\d+)$")

# Scenarios, in the order they run. Each names the server it loads ("app" or
# "static"), and the request groups it reports as rows.
SCENARIOS = [
    {"name": "ceiling", "server": "static", "title": "lesson page as a static file (ceiling)",
     "groups": [("GET", LESSON_PATH)]},
    {"name": "lesson", "server": "app", "title": "lesson page",
     "groups": [("GET", LESSON_PATH)]},
    {"name": "question", "server": "app", "title": "question page",
     "groups": [("GET", QUESTION_PATH)]},
    {"name": "answer", "server": "app", "title": "answer a question, then read the feedback",
     "groups": [("POST", QUESTION_PATH), ("GET", "/answers/<id>")]},
]

STATIC_APP = '''\
"""Send one pre-rendered page from a file for every request: the benchmark's ceiling."""
import json
import os

PAGE = os.environ["BENCH_STATIC_PAGE"]
HEADERS = [tuple(h) for h in json.loads(os.environ["BENCH_STATIC_HEADERS"])]


def app(environ, start_response):
    page = open(PAGE, "rb")
    size = os.fstat(page.fileno()).st_size
    start_response("200 OK", HEADERS + [("Content-Length", str(size))])
    wrapper = environ.get("wsgi.file_wrapper")
    if wrapper is not None:
        return wrapper(page, 65536)
    return iter(lambda: page.read(65536), b"")
'''

# Headers of the app's response that the static copy leaves out: the server
# and framing ones (gunicorn writes its own) and anything about this session.
NOT_COPIED = {"date", "server", "connection", "content-length", "transfer-encoding",
              "set-cookie", "keep-alive"}


# --------------------------------------------------------------------------
# Measuring CPU from /proc (Linux).

CLK_TCK = os.sysconf("SC_CLK_TCK")


def _proc_cpu_seconds(pid: int) -> float:
    """Return user+system CPU seconds of one process, or 0 if it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        return []


def _server_cpu(master: int) -> dict[int, float]:
    """Return CPU seconds of a gunicorn master and each of its workers."""
    return {pid: _proc_cpu_seconds(pid) for pid in [master, *_children(master)]}


def _machine_cpu() -> tuple[float, float]:
    """Return (busy, total) jiffies of the whole machine."""
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    total = sum(values[:8])
    return total - idle, total


def _self_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@dataclass
class CpuSnapshot:
    wall: float
    generator: float
    servers: dict[str, dict[int, float]]
    machine: tuple[float, float]

    @classmethod
    def take(cls, masters: dict[str, int]) -> "CpuSnapshot":
        return cls(time.perf_counter(), _self_cpu(),
                   {name: _server_cpu(pid) for name, pid in masters.items()}, _machine_cpu())


def _cpu_used(a: CpuSnapshot, b: CpuSnapshot) -> dict:
    """Return the CPU seconds used between two snapshots, by whom."""
    servers = {}
    for name, after in b.servers.items():
        before = a.servers.get(name, {})
        servers[name] = sum(max(0.0, cpu - before.get(pid, 0.0)) for pid, cpu in after.items())
    busy, total = b.machine[0] - a.machine[0], b.machine[1] - a.machine[1]
    return {"wall": b.wall - a.wall, "generator": b.generator - a.generator, "servers": servers,
            "machine_busy_share": busy / total if total else 0.0}


def _cpu_add(total: dict | None, used: dict) -> dict:
    """Add one measured window's CPU use to the scenario's total (weighting by wall time)."""
    if total is None:
        return {**used, "servers": dict(used["servers"]),
                "machine_busy_share": used["machine_busy_share"] * used["wall"]}
    total["wall"] += used["wall"]
    total["generator"] += used["generator"]
    for name, seconds in used["servers"].items():
        total["servers"][name] = total["servers"].get(name, 0.0) + seconds
    total["machine_busy_share"] += used["machine_busy_share"] * used["wall"]
    return total


def _cpu_report(total: dict, server: str) -> dict:
    """Return CPU use as % of one core: the generator, the loaded server, and the rest of the machine."""
    wall = max(total["wall"], 1e-9)
    cores = os.cpu_count() or 1
    generator = 100 * total["generator"] / wall
    servers = {name: round(100 * seconds / wall, 1) for name, seconds in total["servers"].items()}
    machine = 100 * cores * total["machine_busy_share"] / wall
    return {
        "generator_pct_of_one_core": round(generator, 1),
        "server_pct_of_one_core": servers[server],
        "other_servers_pct_of_one_core": {k: v for k, v in servers.items() if k != server},
        # /proc/stat's busy time, all cores, as % of one core; on a virtual machine it
        # also counts time the hypervisor gave to others, which shows up as "rest".
        "machine_busy_pct_of_one_core": round(machine, 1),
        "rest_of_machine_pct_of_one_core": round(max(0.0, machine - generator - sum(servers.values())), 1),
    }


# --------------------------------------------------------------------------
# The load generator: raw HTTP/1.1 over asyncio, keep-alive when the
# server allows it (gunicorn's sync workers close after every response).

class HTTPError(Exception):
    pass


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    keep_alive: bool = True

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key == name:
                return value
        return None


class _ResponseReader(asyncio.Protocol):
    """Collect bytes from one connection and hand over each whole HTTP response.

    A plain asyncio Protocol rather than streams: the generator does less work per
    request, so more of the machine is left to the server it measures.
    """

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.waiter: asyncio.Future | None = None
        self.closed = False
        self._head: tuple | None = None  # (end of head, status, headers, version) once parsed

    def connection_made(self, transport) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if self.waiter is not None and not self.waiter.done():
            self._try_finish(eof=False)

    def eof_received(self):
        return False  # let the transport close

    def connection_lost(self, exc) -> None:
        self.closed = True
        if self.waiter is not None and not self.waiter.done():
            self._try_finish(eof=True)

    def expect(self, waiter: asyncio.Future) -> None:
        self.waiter, self._head = waiter, None
        if self.buffer or self.closed:
            self._try_finish(eof=self.closed)

    def _fail(self, exc: Exception) -> None:
        self.waiter.set_exception(exc)

    def _try_finish(self, eof: bool) -> None:
        if self._head is None:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                if eof:
                    self._fail(ConnectionResetError("closed before a response") if not self.buffer
                               else HTTPError("closed in the middle of the headers"))
                return
            lines = bytes(self.buffer[:end]).decode("latin-1").split("\r\n")
            parts = lines[0].split(" ", 2)
            if len(parts) < 2 or not parts[0].startswith("HTTP/1.") or not parts[1].isdigit():
                self._fail(HTTPError(f"bad status line {lines[0]!r}"))
                return
            headers = []
            for line in lines[1:]:
                key, _, value = line.partition(":")
                headers.append((key.strip().lower(), value.strip()))
            self._head = (end + 4, int(parts[1]), headers, parts[0])
        start, status, headers, version = self._head
        fields = dict(headers)
        keep = fields.get("connection", "").lower() != "close" and version != "HTTP/1.0"
        if status in (204, 304) or 100 <= status < 200:
            length = 0
        elif "content-length" in fields:
            length = int(fields["content-length"])
        elif "chunked" in fields.get("transfer-encoding", "").lower():
            body, used = _dechunk(self.buffer, start)
            if body is None:
                if eof:
                    self._fail(HTTPError("closed in the middle of a chunked body"))
                return
            del self.buffer[:used]
            self.waiter.set_result(Response(status, headers, body, keep))
            return
        else:  # the body runs to the end of the connection
            if eof:
                body = bytes(self.buffer[start:])
                self.buffer.clear()
                self.waiter.set_result(Response(status, headers, body, False))
            return
        if len(self.buffer) >= start + length:
            body = bytes(self.buffer[start:start + length])
            del self.buffer[:start + length]
            self.waiter.set_result(Response(status, headers, body, keep))
        elif eof:
            self._fail(HTTPError("closed in the middle of the body"))


def _dechunk(buffer: bytearray, at: int) -> tuple[bytes | None, int]:
    """Return a whole chunked body from `buffer` and where it ends, or (None, 0) if incomplete."""
    chunks = []
    while True:
        line_end = buffer.find(b"\r\n", at)
        if line_end < 0:
            return None, 0
        size = int(bytes(buffer[at:line_end]).split(b";")[0], 16)
        at = line_end + 2
        if size == 0:
            while True:  # trailers, up to an empty line
                line_end = buffer.find(b"\r\n", at)
                if line_end < 0:
                    return None, 0
                empty = line_end == at
                at = line_end + 2
                if empty:
                    return b"".join(chunks), at
        if len(buffer) < at + size + 2:
            return None, 0
        chunks.append(bytes(buffer[at:at + size]))
        at += size + 2


class Connection:
    """One keep-alive connection to one server, reopened when the server closes it."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: _ResponseReader | None = None
        self.reused = False

    def close(self) -> None:
        if self.reader is not None and self.reader.transport is not None:
            self.reader.transport.close()
        self.reader = None

    async def exchange(self, raw: bytes) -> Response:
        loop = asyncio.get_running_loop()
        for _attempt in range(2):
            if self.reader is None or self.reader.closed:
                self.close()
                _transport, self.reader = await loop.create_connection(_ResponseReader, self.host, self.port)
                self.reused = False
            reused, reader = self.reused, self.reader
            waiter = loop.create_future()
            reader.expect(waiter)
            reader.transport.write(raw)
            try:
                response = await waiter
            except ConnectionResetError:
                self.close()
                if reused:
                    continue  # the server had closed an idle keep-alive connection: retry once
                raise
            except BaseException:
                self.close()  # an error or a timeout: this connection's state is unknown
                raise
            self.reused = True
            if not response.keep_alive:
                self.close()
            return response
        raise HTTPError("connection closed twice")


class Learner:
    """A simulated learner: a guest with a cookie jar and a connection to each server."""

    def __init__(self, number: int, seed: int) -> None:
        self.number = number
        self.cookies: dict[str, str] = {}
        self.connections: dict[tuple[str, int], Connection] = {}
        self.csrf: str | None = None
        self.choices: list[str] = []
        self.random = random.Random(seed * 1000 + number)

    def close(self) -> None:
        for conn in self.connections.values():
            conn.close()
        self.connections.clear()

    def _raw(self, method: str, host: str, port: int, path: str, form: dict | None) -> bytes:
        lines = [f"{method} {path} HTTP/1.1", f"Host: {host}:{port}",
                 "User-Agent: skills-passport-bench/1", "Accept: text/html",
                 "Accept-Encoding: identity", "Connection: keep-alive"]
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        body = b""
        if form is not None:
            body = urlencode(form).encode()
            lines.append("Content-Type: application/x-www-form-urlencoded")
            lines.append(f"Origin: http://{host}:{port}")
            lines.append(f"Content-Length: {len(body)}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body

    def _take_cookies(self, response: Response) -> None:
        for key, value in response.headers:
            if key != "set-cookie":
                continue
            pair, *attributes = value.split(";")
            name, _, cookie = pair.strip().partition("=")
            gone = any(a.strip().lower() == "max-age=0" for a in attributes)
            if gone or not cookie:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = cookie

    async def fetch(self, target: tuple[str, int], method: str, path: str,
                    form: dict | None = None) -> Response:
        conn = self.connections.get(target)
        if conn is None:
            conn = self.connections[target] = Connection(*target)
        response = await conn.exchange(self._raw(method, target[0], target[1], path, form))
        self._take_cookies(response)
        return response


async def _become_guest(learner: Learner, target: tuple[str, int]) -> None:
    """Do what a new learner does: open the lesson, say it is read, open a question."""
    page = await learner.fetch(target, "GET", LESSON_PATH)
    if page.status != 200:
        raise HTTPError(f"learner {learner.number}: lesson page gave {page.status}")
    token = CSRF_FIELD.search(page.body)
    if not token:
        raise HTTPError(f"learner {learner.number}: the lesson page has no CSRF token")
    read = await learner.fetch(target, "POST", READ_PATH, {"csrf_token": token.group(1).decode()})
    location = read.header("location") or ""
    # Reading a lesson hands over to the engine, which chooses the next step.
    if read.status != 302 or "/continue" not in location:
        raise HTTPError(f"learner {learner.number}: 'I have read this' gave {read.status} "
                        f"to {location!r}: {read.body[:300]!r}")
    if "remember_token" not in learner.cookies or "session" not in learner.cookies:
        raise HTTPError(f"learner {learner.number}: no guest cookies after reading the lesson "
                        f"({sorted(learner.cookies)})")
    question = await learner.fetch(target, "GET", QUESTION_PATH)
    token = CSRF_FIELD.search(question.body)
    learner.choices = [c.decode() for c in CHOICE_FIELD.findall(question.body)]
    if question.status != 200 or not token or not learner.choices:
        raise HTTPError(f"learner {learner.number}: the question page gave {question.status} "
                        f"with {len(learner.choices)} choices")
    learner.csrf = token.group(1).decode()


@dataclass
class Group:
    """Results for one kind of request within the measured window."""

    method: str
    path: str
    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    bytes: int = 0

    def add(self, seconds: float, error: str | None, size: int) -> None:
        if error is None:
            self.latencies.append(seconds)
            self.bytes += size
        else:
            self.errors[error] = self.errors.get(error, 0) + 1

    def report(self, duration: float) -> dict:
        ms = sorted(1000 * s for s in self.latencies)

        def pct(q: float) -> float | None:
            return round(ms[max(0, math.ceil(q * len(ms)) - 1)], 2) if ms else None

        errors = sum(self.errors.values())
        return {
            "request": f"{self.method} {self.path}",
            "requests": len(ms) + errors,
            "ok": len(ms),
            "errors": errors,
            "error_kinds": self.errors,
            "req_per_s": round(len(ms) / duration, 1),
            "mean_ms": round(sum(ms) / len(ms), 2) if ms else None,
            "p50_ms": pct(0.50), "p95_ms": pct(0.95), "p99_ms": pct(0.99),
            "max_ms": round(ms[-1], 2) if ms else None,
            "mean_bytes": round(self.bytes / len(ms)) if ms else None,
        }


async def _run_scenario(spec: dict, scenario: dict, learners: list[Learner],
                        groups: list["Group"], answers_recorded: set[int]) -> tuple[dict | None, bool]:
    """Run one round of a scenario, adding to `groups`; return its CPU use and whether the
    request cap stopped it."""
    target = (HOST, spec["ports"][scenario["server"]])
    warmup, duration, cap, timeout = spec["warmup"], spec["duration"], spec["max_requests"], spec["timeout"]
    began = time.perf_counter()
    start, stop = began + warmup, began + warmup + duration
    sent = 0

    async def timed(learner: Learner, group: Group, method: str, path: str, form: dict | None,
                    expect: int) -> Response | None:
        """Send one request and, if it ends inside the measured window, count it."""
        nonlocal sent
        sent += 1
        t = time.perf_counter()
        error, response = None, None
        try:
            response = await asyncio.wait_for(learner.fetch(target, method, path, form), timeout)
        except asyncio.TimeoutError:
            error = "timeout"
        except (OSError, HTTPError, ValueError) as exc:
            error = type(exc).__name__
        if error is not None:
            learner.close()
        elif response.status != expect:
            error = f"HTTP {response.status}"
        elif expect == 200 and not response.body.rstrip().endswith(b"</html>"):
            error = "incomplete page"
        elif expect == 302 and not ANSWER_URL.search(urlsplit(response.header("location") or "").path):
            error = "redirect not to /answers/<id>"
        done = time.perf_counter()
        if start <= done < stop:
            group.add(done - t, error, len(response.body) if response else 0)
        if error is not None:
            await asyncio.sleep(0.05)  # do not spin on a refused or broken connection
            return None
        return response

    async def learner_loop(learner: Learner) -> None:
        while time.perf_counter() < stop and sent < cap:
            if scenario["name"] in ("ceiling", "lesson"):
                await timed(learner, groups[0], "GET", LESSON_PATH, None, 200)
            elif scenario["name"] == "question":
                await timed(learner, groups[0], "GET", QUESTION_PATH, None, 200)
            else:
                form = {"csrf_token": learner.csrf, "hints": "0",
                        "choice": learner.random.choice(learner.choices)}
                posted = await timed(learner, groups[0], "POST", QUESTION_PATH, form, 302)
                if posted is None:
                    continue
                found = ANSWER_URL.search(urlsplit(posted.header("location")).path)
                answers_recorded.add(int(found.group(1)))
                await timed(learner, groups[1], "GET", f"/answers/{found.group(1)}", None, 200)

    snapshots: list[CpuSnapshot] = []

    async def sampler() -> None:
        await asyncio.sleep(max(0.0, start - time.perf_counter()))
        snapshots.append(CpuSnapshot.take(spec["masters"]))
        await asyncio.sleep(max(0.0, stop - time.perf_counter()))
        snapshots.append(CpuSnapshot.take(spec["masters"]))

    await asyncio.gather(sampler(), *(learner_loop(l) for l in learners))
    for learner in learners:
        learner.close()
    return (_cpu_used(*snapshots) if len(snapshots) == 2 else None), sent >= cap


def _emit(event: dict) -> None:
    sys.stdout.write(json.dumps(event) + "\n")
    sys.stdout.flush()


async def _loadgen(spec: dict) -> None:
    app = (HOST, spec["ports"]["app"])
    learners = [Learner(n, spec["seed"]) for n in range(spec["concurrency"])]
    gate = asyncio.Semaphore(8)  # new guests arrive a few at a time, not all in one instant

    async def arrive(learner: Learner) -> None:
        async with gate:
            await asyncio.wait_for(_become_guest(learner, app), spec["timeout"])

    t = time.perf_counter()
    await asyncio.gather(*(arrive(l) for l in learners))
    for learner in learners:
        learner.close()
    _emit({"event": "setup", "learners": len(learners), "seconds": round(time.perf_counter() - t, 2)})
    totals = {sc["name"]: {"groups": [Group(m, p) for m, p in sc["groups"]], "cpu": None,
                           "rounds_req_per_s": [], "answers": set(), "capped": False}
              for sc in SCENARIOS}
    chosen = [sc for sc in SCENARIOS if sc["name"] in spec["scenarios"]]
    for round_number in range(1, spec["rounds"] + 1):
        for scenario in chosen:
            total = totals[scenario["name"]]
            _emit({"event": "start", "name": scenario["name"], "round": round_number})
            ok_before = len(total["groups"][0].latencies)
            cpu, capped = await _run_scenario(spec, scenario, learners, total["groups"],
                                                        total["answers"])
            total["rounds_req_per_s"].append(
                round((len(total["groups"][0].latencies) - ok_before) / spec["duration"], 1))
            total["capped"] |= capped
            if cpu is not None:
                total["cpu"] = _cpu_add(total["cpu"], cpu)
            await asyncio.sleep(spec["pause"])
    measured = spec["duration"] * spec["rounds"]
    for scenario in chosen:
        total = totals[scenario["name"]]
        _emit({
            "event": "scenario",
            "name": scenario["name"],
            "title": scenario["title"],
            "server": scenario["server"],
            "measured_seconds": measured,
            "groups": [g.report(measured) for g in total["groups"]],
            "first_request_req_per_s_by_round": total["rounds_req_per_s"],
            "cpu": _cpu_report(total["cpu"], scenario["server"]) if total["cpu"] else None,
            "answer_ids_redirected_to": sorted(total["answers"]),
            "stopped_by_request_cap": total["capped"],
        })


def loadgen_main() -> int:
    """Run the load generator: read the plan as JSON on stdin, print JSON lines on stdout."""
    spec = json.loads(sys.stdin.read())
    try:
        asyncio.run(_loadgen(spec))
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # reported to the parent, which prints it
        _emit({"event": "failed", "error": f"{type(exc).__name__}: {exc}"})
        return 1
    return 0


# --------------------------------------------------------------------------
# The servers.

def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _gunicorn() -> list[str]:
    script = Path(sys.executable).parent / "gunicorn"
    return [str(script)] if script.exists() else [sys.executable, "-m", "gunicorn"]


class Server:
    """A gunicorn master run as a subprocess in its own session, logging to a file."""

    def __init__(self, name: str, args: argparse.Namespace, app: str, cwd: Path, env: dict,
                 log: Path) -> None:
        self.name, self.cwd, self.env, self.log_path = name, cwd, env, log
        self.port = _free_port()
        self.command = [*_gunicorn(), "--bind", f"{HOST}:{self.port}",
                        "--workers", str(args.workers), "--worker-class", args.worker_class,
                        "--threads", str(args.threads), "--no-control-socket",
                        "--graceful-timeout", "5", app]
        self.proc: subprocess.Popen | None = None

    def shown(self) -> str:
        words = ["gunicorn", *self.command[len(_gunicorn()):]]
        return " ".join(words)

    def start(self) -> None:
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(self.command, cwd=self.cwd, env=self.env, stdin=subprocess.DEVNULL,
                                     stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def wait_ready(self, path: str, seconds: float = 60) -> None:
        """Wait until every worker is up and the page answers 200."""
        deadline = time.monotonic() + seconds
        url = f"http://{HOST}:{self.port}{path}"
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} server exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(url, timeout=5) as r:
                    if r.status == 200 and len(_children(self.proc.pid)) >= self.workers_expected():
                        return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} server did not answer {url} in {seconds:.0f} s:\n{self.log_tail()}")

    def workers_expected(self) -> int:
        return int(self.command[self.command.index("--workers") + 1])

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()  # gunicorn: graceful stop of master and workers
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.proc.wait(timeout=10)
        self.log.close()


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
        app = Server("app", args, "wsgi:app", ROOT, env, tmp / "gunicorn-app.log")
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
        for name in ("lesson", "question"):
            if ceiling and name in by_name:
                rps = by_name[name]["groups"][0]["req_per_s"]
                print(f"{by_name[name]['title'].capitalize()}: {rps:,.1f} req/s = "
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
    parser.add_argument("--only", default=",".join(sc["name"] for sc in SCENARIOS),
                        help="comma-separated scenarios to run (all: ceiling,lesson,question,answer)")
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
    names = [sc["name"] for sc in SCENARIOS]
    args.only = [n.strip() for n in args.only.split(",") if n.strip()]
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
