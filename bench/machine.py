"""What the benchmark ran on: CPU, cores, memory, OS, Python, Chromium and the packages that matter."""
from __future__ import annotations

import os
import platform
from importlib import metadata
from pathlib import Path


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _ram_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) * 1024 / 1e9, 1)
    except OSError:
        pass
    return None


def _os() -> str:
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                return f"{line.split('=', 1)[1].strip(chr(34))}, Linux {platform.release()}"
    except OSError:
        pass
    return platform.platform()


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def _own_jiffies() -> int:
    """CPU time (user + system, jiffies) used so far by this process and its live descendants (the servers,
    Playwright's driver, Chromium), with the children each has waited for."""
    from bench.procmem import PROC, descendants

    total = 0
    for pid in descendants(os.getpid()):
        try:
            fields = (PROC / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
            total += sum(int(x) for x in fields[11:15])  # utime stime cutime cstime
        except (OSError, ValueError, IndexError):
            continue
    return total


def cpu_times() -> tuple[int, int, int] | None:
    """(busy, total, ours) jiffies so far: of all cores from /proc/stat (idle and iowait count as not busy), and
    of this run's processes."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    except (OSError, ValueError, IndexError):
        return None
    total = sum(fields[:8])  # user nice system idle iowait irq softirq steal (guest time is in user already)
    return total - fields[3] - fields[4], total, _own_jiffies()


def busy_share(before, after) -> float | None:
    """The share (0..1) of all cores' time that was busy between two cpu_times() readings."""
    if not before or not after or after[1] <= before[1]:
        return None
    return round((after[0] - before[0]) / (after[1] - before[1]), 2)


def others_share(before, after) -> float | None:
    """The share (0..1) of all cores' time used between two cpu_times() readings by processes not of this run
    (other jobs on a shared machine). Approximate: a process of the run that ended in between and was not waited
    for by another of the run is counted as someone else's."""
    if not before or not after or after[1] <= before[1]:
        return None
    ours = max(0, after[2] - before[2])
    return round(max(0.0, (after[0] - before[0] - ours) / (after[1] - before[1])), 2)


def describe(browser=None) -> dict:
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "cores_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "ram_gb": _ram_gb(),
        "os": _os(),
        "python": platform.python_version(),
        "chromium": browser.version if browser is not None else None,
        "packages": {name: _version(name) for name in ("streamlit", "folium", "playwright")},
    }
