"""Throwaway servers on loopback for the tests that run the site as it is deployed: Redis, gunicorn, nginx."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path


def free_port() -> int:
    """Return a loopback port that nothing is listening on just now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, server: subprocess.Popen, seconds: float = 60, log: Path | None = None) -> None:
    """Wait until `url` answers, failing at once if the server stops."""
    ends = time.monotonic() + seconds
    while time.monotonic() < ends:
        if server.poll() is not None:
            raise AssertionError(f"the server stopped while starting{_tail(log)}")
        try:
            urllib.request.urlopen(url, timeout=30).close()  # a worker reads the course on its first page
            return
        except OSError:  # not listening yet
            time.sleep(0.05)
    raise AssertionError(f"{url} did not answer{_tail(log)}")


def wait_for_port(port: int, server: subprocess.Popen, name: str, seconds: float = 20) -> None:
    """Wait until something listens on a loopback port."""
    ends = time.monotonic() + seconds
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            assert time.monotonic() < ends and server.poll() is None, f"{name} did not start"
            time.sleep(0.05)


def _tail(log: Path | None) -> str:
    if log is None or not log.exists():
        return ""
    return ":\n" + "\n".join(log.read_text(errors="replace").splitlines()[-30:])


@contextlib.contextmanager
def redis_server(folder: Path):
    """Run a throwaway Redis server on loopback, keeping nothing on disk; yield its URL or None if not installed."""
    program = shutil.which("redis-server")
    if program is None:
        yield None
        return
    port = free_port()
    server = subprocess.Popen([program, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                               "--appendonly", "no", "--dir", str(folder)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port, server, "redis-server")
        yield f"redis://127.0.0.1:{port}"
    finally:
        stop(server)


def stop(server: subprocess.Popen, seconds: float = 20) -> None:
    """Stop a server we started, killing it if it will not stop in time."""
    if server.poll() is None:
        server.terminate()
    try:
        server.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=seconds)
