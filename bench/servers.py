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
    done: threading.Event = field(default_factory=threading.Event)  # set once url or error is


class Running:
    """The servers started so far; `stop()` ends them all at once (each takes a moment to shut down), and any
    that comes up later."""

    def __init__(self):
        self._exits = []
        self._stopped = False

    def add(self, exit_method) -> None:
        """Keep a started server's exit; a server that comes up after `stop()` (the run ended while it was
        starting) is ended at once."""
        with _LOCK:
            if not self._stopped:
                self._exits.append(exit_method)
                return
        exit_method(None, None, None)

    def stop(self) -> None:
        with _LOCK:
            self._stopped = True
            exits, self._exits = self._exits, []
        threads = [threading.Thread(target=exit_method, args=(None, None, None)) for exit_method in exits]
        for t in threads:
            t.start()
        for t in threads:
            t.join()


def start_all(running: Running, servers: list[Server], timeout: float = 120.0) -> None:
    """Start every server in its own thread and wait for them all; a server that fails gets `error` instead of
    `url`. Each server's `done` is set as soon as it is up (or has failed), for whoever does not wait for all."""
    managers = {s.name: streamlit_server(s.script, env=s.env, timeout=timeout) for s in servers}

    def enter(server: Server) -> None:
        manager = managers[server.name]
        try:
            url = manager.__enter__()
        except BaseException as exc:  # noqa: BLE001 - reported with the results
            server.error = f"{type(exc).__name__}: {exc}"
            server.done.set()
            return
        running.add(manager.__exit__)
        server.pid = procmem.server_pid(urlsplit(url).port)
        server.url = url
        server.done.set()

    threads = [threading.Thread(target=enter, args=(s,), name=f"start-{s.name}") for s in servers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
