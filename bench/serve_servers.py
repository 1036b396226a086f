"""The servers bench/serve.py measures: the app and the static-file ceiling, each a gunicorn on loopback."""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from serve_cpu import _children

HOST = "127.0.0.1"  # only loopback is ever contacted

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

    def wait_ready(self, path: str, seconds: float = 180) -> None:
        """Wait until every worker is up and the page answers 200."""
        # Each worker loads the whole course as it starts: on a busy shared machine that took over a minute.
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

