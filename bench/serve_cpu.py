"""CPU used by processes and by the whole machine, read from /proc (Linux), for bench/serve.py."""

from __future__ import annotations

import os
import resource
import time
from dataclasses import dataclass

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

