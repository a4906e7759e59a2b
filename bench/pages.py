"""Browser contexts and the byte counters: websocket frames (Playwright) and HTTP responses (CDP)."""
from __future__ import annotations

import dataclasses
import time
from urllib.parse import urlsplit

from bench.support import block_outside_requests

VIEWPORT = {"width": 1440, "height": 900}
# The dashboard's map: an st.components.v2 component (app_pages/map_component.py), whose delta is a
# `new_element.bidi_component` of this name. The naive page's map: an st.iframe whose srcdoc is the whole folium
# document, marked by the script that writes `data-kcm-date` (bench/naive_app.py).
MAP_COMPONENT = "kcm_timeline_map"
NAIVE_MAP_MARK = "data-kcm-date"

# Every URL any context of the run tried to reach outside this machine (should stay empty).
BLOCKED: list[str] = []


def new_context(browser, init_script: str | None = None):
    """A fresh context (empty cache, no cookies) that reaches only this machine."""
    context = browser.new_context(viewport=VIEWPORT)
    context._bench_blocked = block_outside_requests(context)  # read back by collect_blocked()
    if init_script:
        context.add_init_script(script=init_script)
    return context


def collect_blocked(context) -> None:
    BLOCKED.extend(getattr(context, "_bench_blocked", []))


@dataclasses.dataclass
class Frame:
    size: int
    kind: str  # the ForwardMsg's type: delta, script_finished, ref_hash, ...
    is_map: bool  # a delta carrying the map: the dashboard's component, or the naive page's map iframe
    at: float  # time.monotonic() when Python handled the event: only for "quiet for a while" checks


def _describe(payload) -> tuple[int, str, bool]:
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    if isinstance(payload, str):
        return len(payload.encode("utf-8")), "text", False
    size = len(payload)
    try:
        msg = ForwardMsg.FromString(payload)
    except Exception:  # noqa: BLE001 - not a ForwardMsg: count its bytes anyway
        return size, "unknown", False
    kind = msg.WhichOneof("type") or "none"
    is_map = False
    if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
        element = msg.delta.new_element
        which = element.WhichOneof("type")
        if which == "bidi_component":
            is_map = element.bidi_component.component_name == MAP_COMPONENT
        elif which == "iframe":
            is_map = NAIVE_MAP_MARK in element.iframe.srcdoc
    return size, kind, is_map


class WsFrames:
    """Every websocket frame the page receives, in order, with its size and Streamlit message type."""

    def __init__(self, page):
        self.frames: list[Frame] = []
        self.sockets = 0
        page.on("websocket", self._on_socket)

    def _on_socket(self, ws) -> None:
        self.sockets += 1
        ws.on("framereceived", self._on_frame)

    def _on_frame(self, payload) -> None:
        size, kind, is_map = _describe(payload)
        self.frames.append(Frame(size, kind, is_map, time.monotonic()))

    def mark(self) -> int:
        return len(self.frames)

    def since(self, mark: int) -> list[Frame]:
        return self.frames[mark:]

    def finished_since(self, mark: int) -> bool:
        return any(f.kind == "script_finished" for f in self.frames[mark:])

    def quiet_for(self, seconds: float) -> bool:
        return not self.frames or time.monotonic() - self.frames[-1].at >= seconds


def bytes_to_map(frames: list[Frame]) -> tuple[int, bool]:
    """Bytes of the frames up to and including the first one that carries the map; (all, False) if none does."""
    total = 0
    for frame in frames:
        total += frame.size
        if frame.is_map:
            return total, True
    return total, False


class HttpBytes:
    """Encoded bytes of every HTTP response of a page (the frames it holds included), from CDP's Network domain.

    Requests are numbered in the order they are sent, so that `mark()` / `bytes_under(prefix, since)` can count
    what a later action (a zoom) fetched."""

    def __init__(self, context, page):
        self.total = 0
        self.requests = 0
        self.by_url: dict[str, int] = {}
        self._sent: dict[str, tuple[int, str]] = {}  # requestId: (order sent, URL without query)
        self.finished: list[tuple[int, str, int]] = []  # (order sent, URL, encoded bytes)
        self.cdp = context.new_cdp_session(page)
        self.cdp.on("Network.requestWillBeSent", self._on_sent)
        self.cdp.on("Network.loadingFinished", self._on_finished)
        self.cdp.on("Network.loadingFailed", self._on_failed)
        self.cdp.send("Network.enable")

    def _on_sent(self, event) -> None:
        # A redirect sends the same requestId again: it keeps its first number.
        if event["requestId"] not in self._sent:
            self._sent[event["requestId"]] = (len(self._sent), event["request"]["url"].split("?")[0].split("#")[0])

    def _on_finished(self, event) -> None:
        size = int(event.get("encodedDataLength") or 0)
        self.total += size
        self.requests += 1
        order, url = self._sent.get(event["requestId"], (-1, "?"))
        self.by_url[url] = self.by_url.get(url, 0) + size
        self.finished.append((order, url, size))

    def _on_failed(self, event) -> None:
        order, url = self._sent.get(event["requestId"], (-1, "?"))
        self.finished.append((order, url, 0))

    def pending_under(self, path_prefix: str, since: int = 0) -> int:
        """Requests under `path_prefix` sent at or after `since` whose response has not finished (or failed)."""
        done = {order for order, _, _ in self.finished}
        return sum(1 for order, url in self._sent.values()
                   if order >= since and order not in done and urlsplit(url).path.startswith(path_prefix))

    def mark(self) -> int:
        """The number of requests sent so far: `bytes_under(..., since=mark)` counts only later ones."""
        return len(self._sent)

    def bytes_under(self, path_prefix: str, since: int = 0) -> tuple[int, int]:
        """(bytes, requests) of the finished responses whose URL path starts with `path_prefix`, sent at or after
        `since`."""
        hits = [size for order, url, size in self.finished
                if order >= since and urlsplit(url).path.startswith(path_prefix)]
        return sum(hits), len(hits)

    def urls_under(self, path_prefix: str) -> list[str]:
        """The URLs (without query) requested so far whose path starts with `path_prefix`."""
        return sorted({url for _, url in self._sent.values() if urlsplit(url).path.startswith(path_prefix)})

    def largest(self, n: int = 5) -> list[tuple[str, int]]:
        return sorted(self.by_url.items(), key=lambda item: -item[1])[:n]
