"""The benchmark's Streamlit servers, started at the same time (start-up is not measured) and ended together."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from bench import procmem
from bench.support import streamlit_server

_LOCK = threading.Lock()  # servers start in several threads


@dataclass
class Server:
    name: str
    script: Path
    env: dict[str, str] = field(default_factory=dict)
    url: str | None = None
    pid: int | None = None
    error: str | None = None


class Running:
    """The servers started so far; `stop()` ends them all at once (each takes a moment to shut down)."""

    def __init__(self):
        self._exits = []

    def add(self, exit_method) -> None:
        with _LOCK:
            self._exits.append(exit_method)

    def stop(self) -> None:
        with _LOCK:
            exits, self._exits = self._exits, []
        threads = [threading.Thread(target=exit_method, args=(None, None, None)) for exit_method in exits]
        for t in threads:
            t.start()
        for t in threads:
            t.join()


def start_all(running: Running, servers: list[Server], timeout: float = 120.0) -> None:
    """Start every server in its own thread; a server that fails gets `error` instead of `url`."""
    managers = {s.name: streamlit_server(s.script, env=s.env, timeout=timeout) for s in servers}

    def enter(server: Server) -> None:
        manager = managers[server.name]
        try:
            url = manager.__enter__()
        except BaseException as exc:  # noqa: BLE001 - reported with the results
            server.error = f"{type(exc).__name__}: {exc}"
            return
        running.add(manager.__exit__)
        server.url = url
        server.pid = procmem.server_pid(urlsplit(url).port)

    threads = [threading.Thread(target=enter, args=(s,), name=f"start-{s.name}") for s in servers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
