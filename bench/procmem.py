"""Server memory: the resident set (VmRSS) of the Streamlit process and all its descendants, from /proc."""
from __future__ import annotations

from pathlib import Path

PROC = Path("/proc")


def _cmdline(pid: int) -> list[str]:
    try:
        return (PROC / str(pid) / "cmdline").read_bytes().decode(errors="replace").split("\0")
    except OSError:
        return []


def _pids() -> list[int]:
    return [int(p.name) for p in PROC.iterdir() if p.name.isdigit()]


def server_pid(port: int) -> int | None:
    """The `streamlit run ... --server.port PORT` process (the one tests/browser_support.py started)."""
    for pid in _pids():
        args = _cmdline(pid)
        if "streamlit" in args and "run" in args and "--server.port" in args:
            i = args.index("--server.port")
            if i + 1 < len(args) and args[i + 1] == str(port):
                return pid
    return None


def _ppid(pid: int) -> int | None:
    try:
        stat = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[1])  # after "pid (comm) state": ppid


def descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for p in _pids():
        parent = _ppid(p)
        if parent is not None:
            children.setdefault(parent, []).append(p)
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        todo.extend(children.get(current, []))
    return out


def vm_rss_kb(pid: int) -> int:
    try:
        for line in (PROC / str(pid) / "status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0  # gone, or a kernel thread


def tree_rss_mb(pid: int) -> float:
    """RSS of `pid` and its descendants, in MB (10^6 bytes)."""
    return sum(vm_rss_kb(p) for p in descendants(pid)) * 1024 / 1e6
