"""What a process costs, read from /proc: CPU seconds, resident memory, machine load."""

from __future__ import annotations

import os
from dataclasses import dataclass

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time the process has used so far."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    # fields[0] is the state (field 3 of proc(5)); utime and stime are fields 14 and 15.
    return (int(fields[11]) + int(fields[12])) / TICKS


def rss_bytes(pid: int) -> int:
    """Resident memory now (VmRSS)."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def machine_busy_seconds() -> float:
    """CPU seconds all cores of the machine spent not idle since boot."""
    with open("/proc/stat") as stat:
        ticks = [int(value) for value in stat.readline().split()[1:]]
    idle = ticks[3] + ticks[4]  # idle, iowait
    return (sum(ticks[:8]) - idle) / TICKS


@dataclass(frozen=True)
class Reading:
    """One look at a set of processes and the machine, at a monotonic instant."""

    at: float
    cpu: dict[int, float]
    rss: dict[int, int]
    machine_busy: float

    def cpu_of(self, pids: list[int]) -> float:
        return sum(self.cpu.get(pid, 0.0) for pid in pids)

    def rss_of(self, pids: list[int]) -> int:
        return sum(self.rss.get(pid, 0) for pid in pids)


def read(pids: list[int], at: float) -> Reading:
    """CPU and RSS of each live process in `pids`, and the machine's busy time."""
    cpu: dict[int, float] = {}
    rss: dict[int, int] = {}
    for pid in pids:
        try:
            cpu[pid] = cpu_seconds(pid)
            rss[pid] = rss_bytes(pid)
        except (FileNotFoundError, ProcessLookupError):
            continue
    return Reading(at, cpu, rss, machine_busy_seconds())
