"""The load generator of bench/serve.py: simulated learners over raw HTTP/1.1 on asyncio.

Run as its own process (`serve.py --loadgen`): it reads the plan as JSON on stdin, makes each
learner a guest, runs the scenarios and prints JSON lines on stdout. Keep-alive is used when the
server allows it (gunicorn's sync workers close after every response).
"""

from __future__ import annotations

import asyncio
import json
import math
import random
import re
import sys
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

from serve_cpu import CpuSnapshot, _cpu_add, _cpu_report, _cpu_used
from serve_servers import HOST


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
    # With --floor only (bench/serve_floor_app.py): the lesson page's bytes after part of its work.
    {"name": "frame", "server": "app", "title": "app's hooks only, no database or template",
     "groups": [("GET", "/bench-floor/frame")], "floor": True},
    {"name": "learner", "server": "app", "title": "  + load the signed-in learner",
     "groups": [("GET", "/bench-floor/learner")], "floor": True},
    {"name": "state", "server": "app", "title": "  + their state and the next step",
     "groups": [("GET", "/bench-floor/state")], "floor": True},
    {"name": "lesson", "server": "app", "title": "lesson page",
     "groups": [("GET", LESSON_PATH)]},
    {"name": "question", "server": "app", "title": "question page",
     "groups": [("GET", QUESTION_PATH)]},
    {"name": "answer", "server": "app", "title": "answer a question, then read the feedback",
     "groups": [("POST", QUESTION_PATH), ("GET", "/answers/<id>")]},
]

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
            elif scenario.get("floor"):
                await timed(learner, groups[0], "GET", scenario["groups"][0][1], None, 200)
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

