"""A throwaway PostgreSQL server on 127.0.0.1 for a benchmark, removed afterwards (as scripts/test does)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


def _pg_bin() -> Path:
    """Return Debian's newest PostgreSQL bin folder."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
    if not found:
        raise SystemExit("PostgreSQL is not installed: scripts/test installs it, or pass --database-url")
    return found[-1]


def _as_owner(command: list[str]) -> list[str]:
    # PostgreSQL will not run as root; Debian's package makes a 'postgres' user for it.
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ThrowawayPostgres:
    """Start a fresh server on loopback on entry; stop it and delete its files on exit."""

    def __enter__(self) -> str:
        self.folder = Path(tempfile.mkdtemp(prefix="skills-passport-scale-"))
        self.folder.chmod(0o755)
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
        self.data = self.folder / "data"
        port = _free_port()
        bin_ = _pg_bin()
        subprocess.run(_as_owner([str(bin_ / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
                                  "-E", "UTF8", "--no-locale"]), check=True, stdout=subprocess.DEVNULL)
        # Durability is off: the data is thrown away, and loading is what takes the time.
        options = (f"-h 127.0.0.1 -p {port} -k {self.folder} -c fsync=off -c synchronous_commit=off "
                   "-c full_page_writes=off -c max_wal_size=4GB -c shared_buffers=256MB")
        subprocess.run(_as_owner([str(bin_ / "pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "log"),
                                  "-w", "-o", options, "start"]), check=True, stdout=subprocess.DEVNULL)
        self.bin = bin_
        return f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"

    def __exit__(self, *_exc) -> None:
        subprocess.run(_as_owner([str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"]),
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(self.folder, ignore_errors=True)


def run_on_postgres(run, args) -> int:
    """Call `run(args, url)` on the empty database `args.database_url` names, or else on a throwaway server."""
    if args.database_url:
        return run(args, args.database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with ThrowawayPostgres() as url:
        return run(args, url)
