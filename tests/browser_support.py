"""Helpers for browser tests: Debian's headless Chromium, a `streamlit run` server, a guard on outside requests.

Meant to be wrapped in pytest fixtures, e.g.

    with sync_playwright() as pw, streamlit_server(APP) as url:
        browser = launch_chromium(pw)
        page = browser.new_page()
        blocked = block_outside_requests(page)
        page.goto(url)
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

REPO_ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"  # Debian's package (scripts/setup.sh --test); Playwright cannot download its own here
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",  # we run as root
    "--disable-gpu",
    # Chromium's own traffic (updates, sync, field trials, QUIC probes) would leave the machine
    # outside any page and outside Playwright's routing.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})


def launch_chromium(playwright):
    """Start Debian's Chromium headless through Playwright; returns a Browser."""
    if not os.access(CHROMIUM, os.X_OK):
        raise RuntimeError(f"{CHROMIUM} is missing: run scripts/setup.sh --test (it installs Debian's chromium)")
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


def _python() -> str:
    venv = REPO_ROOT / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def _beside_static(script: Path) -> Iterator[Path]:
    """A path for `script` that has the repository's static/ folder beside it.

    Streamlit serves the `static` folder next to the *main script* (not the working
    directory) at /app/static/. A script elsewhere, such as tests/apps/*.py, is
    run through a temporary folder holding links to it and to static/.
    """
    static = REPO_ROOT / "static"
    if (script.parent / "static").resolve() == static.resolve():
        yield script
        return
    with tempfile.TemporaryDirectory(prefix="st-app-") as tmp:
        linked = Path(tmp) / script.name
        linked.symlink_to(script)
        (Path(tmp) / "static").symlink_to(static, target_is_directory=True)
        yield linked


def _healthy(url: str) -> bool:
    # No proxy: a proxy from the environment must not stand between us and 127.0.0.1.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=2) as response:
            return response.status == 200 and response.read().strip() == b"ok"
    except OSError:
        return False


@contextlib.contextmanager
def streamlit_server(
    script_path: str | os.PathLike,
    port: int | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 60.0,
) -> Iterator[str]:
    """Run `streamlit run SCRIPT` from the repository root (so .streamlit/config.toml applies); yield its base URL.

    Waits until /_stcore/health answers "ok"; raises RuntimeError with the server's
    output if it exits or is not healthy within `timeout` seconds. The server and
    its children are ended on exit.
    """
    script = Path(script_path).resolve()
    if not script.is_file():
        raise FileNotFoundError(script)
    port = port or _free_port()
    base_url = f"http://127.0.0.1:{port}"
    with _beside_static(script) as main_script, tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        command = [
            _python(), "-m", "streamlit", "run", str(main_script),
            "--server.headless", "true",
            "--server.port", str(port),
            "--server.address", "127.0.0.1",
        ]  # fmt: skip
        process = subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            env={**os.environ, **(env or {})},
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            start_new_session=True,  # its own process group, so that we can end its children too
        )

        def output() -> str:
            text = []
            for name, f in (("stdout", out), ("stderr", err)):
                f.seek(0)
                text.append(f"--- {name} ---\n{f.read().decode(errors='replace')[-4000:]}")
            return "\n".join(text)

        try:
            deadline = time.monotonic() + timeout
            while not _healthy(f"{base_url}/_stcore/health"):
                if process.poll() is not None:
                    raise RuntimeError(
                        f"streamlit run {script} exited with {process.returncode} before answering\n{output()}"
                    )
                if time.monotonic() > deadline:
                    raise RuntimeError(f"streamlit run {script} not healthy at {base_url} after {timeout:.0f} s\n{output()}")
                time.sleep(0.2)
            yield base_url
        finally:
            _end_group(process)


def _end_group(process: subprocess.Popen) -> None:
    """End the process group that `process` leads: SIGTERM, then SIGKILL after 10 s."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
    else:  # the leader is gone; children it left in the group may not be
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about", "file"):
        return True  # never leaves the machine (file: is how a reader opens an exported map)
    return parts.hostname in LOCAL_HOSTS


# WebSockets are not seen by route(): catch those to anywhere but this machine.
_OUTSIDE_WEBSOCKET = re.compile(r"^wss?://(?!(?:127\.0\.0\.1|localhost|\[::1\])(?:[:/]|$))", re.I)


def block_outside_requests(context_or_page) -> list[str]:
    """Route every request of a Playwright BrowserContext or Page: let 127.0.0.1/localhost through, abort the rest.

    Returns the list (filled as the page runs) of the URLs that were aborted.
    """
    blocked: list[str] = []

    def handle(route) -> None:
        url = route.request.url
        if _is_local(url):
            route.continue_()
        else:
            blocked.append(url)
            route.abort("blockedbyclient")

    def handle_websocket(ws) -> None:
        blocked.append(ws.url)
        ws.close()

    context_or_page.route("**/*", handle)
    context_or_page.route_web_socket(_OUTSIDE_WEBSOCKET, handle_websocket)
    return blocked
