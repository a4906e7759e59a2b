"""The measurements: cold loads (the dashboard, the floor pages), timeline steps (time, blank time, bytes), the
zoom into full detail, and server memory with open sessions."""
from __future__ import annotations

import contextlib
import datetime as dt
import time
from urllib.parse import urlencode

from playwright.sync_api import TimeoutError as PlaywrightTimeout

from bench import probes, procmem
from bench.pages import HttpBytes, WsFrames, bytes_to_map, collect_blocked, new_context
from geo.catalog import LAYER_IDS

LOAD_DONE = "() => window.__kb && window.__kb.paint !== null"
TEXT_DONE = "() => window.__kbText && window.__kbText.paint !== null"
ZOOM_DONE = "() => window.__kbZoom && window.__kbZoom.paint !== null"
NO_LOD = "n/a: the map has no levels of detail"


def generated_urls(page) -> list[str]:
    """Every file `page` (and its same-origin iframes) loaded from /app/static/generated/ (probes.GENERATED_URLS)."""
    return page.evaluate(probes.GENERATED_URLS, probes.GENERATED_PATH)


def view_url(base_url: str, date: str, **extra: str) -> str:
    """The dashboard's share link for `date` with every layer on (the naive page reads only `date`); `extra`
    parameters go after (the floor page's `floor`)."""
    return f"{base_url}/?{urlencode({'date': date, 'layers': ','.join(LAYER_IDS), **extra})}"


def wait_map(page, date: str, timeout_ms: float) -> None:
    """Until the map (in the page, or in the naive page's iframe) says `date` with features drawn."""
    page.wait_for_function(probes.MAP_DRAWN, arg=date, timeout=timeout_ms, polling=100)


def map_state(page) -> dict:
    """What the page shows of the map (probes.MAP_STATE), or the error asking for it."""
    try:
        return page.evaluate(probes.MAP_STATE)
    except Exception as exc:  # noqa: BLE001 - only for a message
        return {"error": str(exc).splitlines()[0]}


def settle(page, ws: WsFrames, mark: int, quiet_s: float, cap_s: float) -> bool:
    """Wait until the rerun that started after `mark` has finished and the socket has been quiet for `quiet_s`."""
    deadline = time.monotonic() + cap_s
    while time.monotonic() < deadline:
        if ws.finished_since(mark) and ws.quiet_for(quiet_s):
            return True
        page.wait_for_timeout(25)
    return False


# ---------------------------------------------------------------------------------------------- cold load
def _map_delta_at(page, ws: WsFrames) -> float | None:
    """When (page clock) the first websocket message carrying the map's delta arrived: the page's arrival times
    (probes.WS_TIMES) matched by position with the frames Playwright reports, which say what each one is."""
    index = next((i for i, f in enumerate(ws.frames) if f.is_map), None)
    if index is None:
        return None
    times = page.evaluate("() => window.__kbWs || []")
    return times[index] if index < len(times) else None


def cold_load(browser, url: str, timeout_ms: float, *, date: str | None = None, text: str | None = None,
              weigh: bool = True, zoom: tuple[float, float, int] | None = None,
              zoom_timeout_ms: float = 60_000) -> dict:
    """One load of `url` in a fresh context (empty cache): navigation start to the first frame showing the page.

    With `date`, a page with the map: the first frame after the map's container says that day with features
    drawn (probes.load_probe). With `text` instead, a page without a map (the empty floor page): the first frame
    after that text is in the page (probes.text_probe). Same clock, same definition of the painted frame.
    With `weigh`, waits for the first runs to end (and late requests) so that the byte counts are the whole
    load's; without, the bytes are those received by the first paint. With `zoom` = (lat, lon, level), then
    measures the zoom into full detail on the loaded map (zoom_in)."""
    if (date is None) == (text is None):
        raise ValueError("cold_load needs either date (a map page) or text (a page without a map)")
    # A map page also records its websocket messages' arrival (probes.WS_TIMES): when the map's delta came.
    init = probes.load_probe(date) + probes.WS_TIMES if date is not None else probes.text_probe(text)
    context = new_context(browser, init_script=init)
    try:
        page = context.new_page()
        http = HttpBytes(context, page)
        ws = WsFrames(page)
        started = time.monotonic()
        page.goto(url, wait_until="commit", timeout=timeout_ms)
        try:
            page.wait_for_function(LOAD_DONE if date is not None else TEXT_DONE, timeout=timeout_ms, polling=50)
        except PlaywrightTimeout:
            shown = map_state(page) if date is not None else {}
            raise RuntimeError(f"the first paint did not come within {timeout_ms / 1000:.0f} s"
                               + (f"; the page shows {shown}" if shown else "")) from None
        wall_ms = (time.monotonic() - started) * 1000
        record = page.evaluate("() => window.__kb.result()" if date is not None else "() => window.__kbText")
        navigation = page.evaluate("""() => { const n = performance.getEntriesByType("navigation")[0];
            return n ? {response_end: n.responseEnd, dom_content_loaded: n.domContentLoadedEventEnd} : {}; }""")
        ws_at_paint = sum(f.size for f in ws.frames)
        generated_at_paint = http.bytes_under(probes.GENERATED_PATH)[0]
        settled_at = time.monotonic()
        if weigh or zoom:
            settle(page, ws, 0, quiet_s=0.5, cap_s=15)  # the first run's remaining messages, late requests
        wall = {"load": round(wall_ms / 1000, 2), "settle": round(time.monotonic() - settled_at, 2)}
        out = {
            "paint_ms": record["paint"], "dom_ms": record["done"], "wall_ms": wall_ms,
            "dom_content_loaded_ms": navigation.get("dom_content_loaded"),
            "http_bytes": http.total if weigh else None, "http_requests": http.requests if weigh else None,
            "largest": http.largest(5) if weigh else None, "ws_bytes_to_paint": ws_at_paint,
            "ws_bytes_load": sum(f.size for f in ws.frames) if weigh else None,
        }
        if date is not None:
            generated, generated_requests = http.bytes_under(probes.GENERATED_PATH)
            runtime = page.evaluate(probes.RUNTIME_AT, probes.GENERATED_PATH)
            out.update({
                "map_delta_ms": _map_delta_at(page, ws), "runtime_start_ms": runtime["start"] if runtime else None,
                "mount_ms": record["containerAt"], "iframe_ms": record["frameAt"], "map_in_iframe": record["inFrame"],
                "runtime_ms": runtime["end"] if runtime else None, "features": record["features"],
                "container_swaps": record["containerSwaps"],
                "apply_ms": record["applyMs"], "generated_bytes_to_paint": generated_at_paint,
                "generated_bytes": generated if weigh else None,
                "generated_requests": generated_requests if weigh else None,
                "lod": page.evaluate(probes.LOD_NOW),
            })
        if zoom:
            zoomed_at = time.monotonic()
            try:
                out["zoom"] = zoom_in(page, http, *zoom, timeout_ms=zoom_timeout_ms)
            except (RuntimeError, PlaywrightTimeout) as exc:  # the load's figures stand; the zoom's error is kept
                out["zoom"] = {"error": str(exc).splitlines()[0]}
            wall["zoom"] = round(time.monotonic() - zoomed_at, 2)
        # Every file requested from /app/static/generated/ (the runtime, level-of-detail files), from the byte
        # counter (asking the page would wait for its main thread, busy after a zoom at 100x).
        out["generated"] = http.urls_under(probes.GENERATED_PATH)
        out["wall_s"] = wall  # where the harness's time went (not a measurement)
        return out
    finally:
        collect_blocked(context)
        context.close()


def zoom_in(page, http: HttpBytes, lat: float, lon: float, level: int, timeout_ms: float) -> dict:
    """On a drawn map: from the call of map.setZoom(level) (centred on lat, lon; a zoom further in if the map's
    data say level 2 starts there) to the container saying data-kcm-lod == "2" (probes.ZOOM_IN), and the bytes
    fetched from /app/static/generated/ for it.

    Skipped, with {"skipped": NO_LOD}, when the container has no data-kcm-lod."""
    mark = http.mark()
    started = page.evaluate(probes.ZOOM_IN, [lat, lon, level])
    if started.get("error"):
        raise RuntimeError(f"zoom in: {started['error']}")
    if started.get("lod") is None:
        return {"lod": None, "skipped": NO_LOD}
    try:
        page.wait_for_function(ZOOM_DONE, timeout=timeout_ms, polling=50)
    except PlaywrightTimeout:
        state = page.evaluate("() => window.__kbZoom")
        target = started.get("zoom_target", level)
        raise RuntimeError(f"zoom in to {target}: data-kcm-lod did not become \"2\" within {timeout_ms / 1000:.0f} s "
                           f"(it was {started['lod']!r} before; then {state.get('lods')})") from None
    record = page.evaluate("() => window.__kbZoom")
    # The map drew from responses that have arrived; their CDP events may still be on their way to us.
    deadline = time.monotonic() + 5
    while http.pending_under(probes.GENERATED_PATH, mark) and time.monotonic() < deadline:
        page.wait_for_timeout(25)
    page.wait_for_timeout(100)
    fetched, requests = http.bytes_under(probes.GENERATED_PATH, mark)
    return {**started, "zoom": started.get("zoom_target", level), "zoom_ms": record["done"] - record["start"],
            "zoom_paint_ms": record["paint"] - record["start"], "zoom_lods": record["lods"],
            "zoom_bytes": fetched, "zoom_requests": requests}


# ---------------------------------------------------------------------------------------------- steps
class Tab:
    """A page of its own fresh context, set up for steps: websocket frames counted from its first request,
    message arrival times recorded in the page (probes.WS_TIMES). `day` is the day it was opened at."""

    def __init__(self, browser):
        self.context = new_context(browser, init_script=probes.WS_TIMES)
        self.page = self.context.new_page()
        self.ws = WsFrames(self.page)
        self.day: str | None = None

    def open(self, base_url: str, day: str, timeout_ms: float, **extra: str) -> None:
        self.page.goto(view_url(base_url, day, **extra), wait_until="commit", timeout=timeout_ms)
        self.day = day

    def close(self) -> None:
        if self.context is not None:
            collect_blocked(self.context)
            self.context.close()
            self.context = None


def _days(low: str, high: str) -> list[str]:
    a, b = dt.date.fromisoformat(low), dt.date.fromisoformat(high)
    return [(a + dt.timedelta(days=i)).isoformat() for i in range((b - a).days + 1)]


def plan(steps: int, ranges: list[tuple[str, str, str]]) -> list[tuple[str, list[tuple[str, str]]]]:
    """Key presses split between ranges (low, high, start): from `start`, right to `high`, left to `low`, ..."""
    out = []
    for index, (low, high, start) in enumerate(ranges):
        count = steps // len(ranges) + (1 if index < steps % len(ranges) else 0)
        days, direction, moves = _days(low, high), 1, []
        position = days.index(start)
        for _ in range(count):
            if not 0 <= position + direction < len(days):
                direction = -direction
            position += direction
            moves.append(("ArrowRight" if direction > 0 else "ArrowLeft", days[position]))
        if moves:
            out.append((start, moves))
    return out


def _split(record: dict, frames, times: list[float]) -> dict:
    """Where a step's time goes, from the arrival (page clock) of its websocket messages: the first one (the
    server has started the rerun), the one carrying the map, and the end of the run; and, when the map's message
    came before the map showed the day (the naive page: the server draws the step), from it to the map. On the
    dashboard a step is drawn before the server hears of it: its map message is the rerun's echo. Empty if the
    page and Playwright do not agree on the messages."""
    if len(times) != len(frames) or not frames or record["key"] is None:
        return {}
    key = record["key"]
    out = {"first_message_ms": times[0] - key}
    for frame, at in zip(frames, times):
        if frame.is_map and "map_message_ms" not in out:
            out["map_message_ms"] = at - key
        if frame.kind == "script_finished" and "run_finished_ms" not in out:
            out["run_finished_ms"] = at - key
    if "map_message_ms" in out and record["done"] - key >= out["map_message_ms"]:
        out["map_message_to_map_ms"] = record["done"] - key - out["map_message_ms"]
    return out


CONTROLS = {
    # The naive page's Streamlit slider: a step is a rerun of the page script, which rebuilds the map.
    "naive_slider": (probes.FOCUS_SLIDER, probes.SLIDER),
    # The dashboard's timeline, the map's own time bar: the step is drawn in the browser, the page told afterwards.
    "map": (probes.FOCUS_MAP_RANGE, probes.MAP_RANGE),
}


def step_series(browser, base_url: str, steps_plan, load_timeout_ms: float, step_timeout_ms: float,
                control: str, quiet_s: float = 0.5, load_quiet_s: float = 1.5,
                tab: Tab | None = None) -> tuple[list[dict], list[str]]:
    """Run the planned key presses on one page; each step measured inside the page (bench/probes.py).

    `tab`, if given, is a page already opened (drawn or not yet) at the plan's first day: the first range uses
    it instead of loading the page again. The tab is closed at the end.
    `control` is a key of CONTROLS: the key presses go to that control, focused from inside the page. Each
    press waits for the previous step's rerun to finish and the socket to be quiet for `quiet_s`, except that
    the last step's rerun is not waited for (the page is closed after it; its `bytes_rerun` is None).
    A key press whose day never shows on the map within `step_timeout_ms` is recorded as lost (with what the
    control, the address and the map said), and the page is opened again at the day the next press starts from.
    """
    tab = tab or Tab(browser)
    page, ws = tab.page, tab.ws
    results: list[dict] = []
    errors: list[str] = []

    def open_at(day: str) -> None:
        started = time.monotonic()
        if tab.day == day:  # opened already, by the caller: its frames are all this load's
            mark = 0
        else:
            mark = ws.mark()
            tab.open(base_url, day, load_timeout_ms)
        tab.day = None  # reused once at most
        wait_map(page, day, load_timeout_ms)
        settle(page, ws, mark, quiet_s=load_quiet_s, cap_s=load_timeout_ms / 1000)  # the first runs' follow-ups
        page.evaluate(probes.RECORDER, [None])
        opened.append(round(time.monotonic() - started, 2))

    opened: list[float] = []
    try:
        final = (len(steps_plan) - 1, len(steps_plan[-1][1]) - 1) if steps_plan else None
        for range_index, (start, moves) in enumerate(steps_plan):
            open_at(start)
            previous = start
            for move_index, (key, target) in enumerate(moves):
                last = (range_index, move_index) == final
                focus_js, focus_arg = CONTROLS[control]
                if not page.evaluate(focus_js, focus_arg):
                    errors.append(f"the {control} timeline cannot take the focus")
                    return results, errors
                before = page.evaluate("(t) => window.__kb.arm(t)", target)
                if before != previous:
                    # The day shown changed by itself after the last step had shown `previous`.
                    results.append({"from": previous, "to": target, "key": key, "lost": True, "reverted": True,
                                    "map_date": before})
                    errors.append(f"after a step had shown {previous}, the map went back to {before} by itself "
                                  f"(no key pressed)")
                    open_at(previous)
                    page.evaluate(focus_js, focus_arg)
                    before = page.evaluate("(t) => window.__kb.arm(t)", target)
                mark = ws.mark()
                page_mark = page.evaluate("() => window.__kbWs.length")
                pressed = time.monotonic()
                page.keyboard.press(key)
                try:
                    page.wait_for_function("() => window.__kb.done !== null", timeout=step_timeout_ms, polling=50)
                except PlaywrightTimeout:
                    state = {**page.evaluate("() => window.__kb.result()"),
                             **page.evaluate(probes.STEP_STATE, [probes.SLIDER, probes.MAP_RANGE])}
                    frames = ws.since(mark)
                    said = (f"the map's time bar {state['map_range']!r}" if control == "map"
                            else f"the slider {state['slider']!r}")
                    results.append({"from": before, "to": target, "key": key, "lost": True, "reverted": False,
                                    "key_target": state["keyTarget"], "map_date": state["date"],
                                    "slider": state["slider"], "map_range": state["map_range"],
                                    "url_date": state["url_date"], "key_seen": state["key"] is not None,
                                    "reruns": sum(f.kind == "script_finished" for f in frames)})
                    errors.append(f"step {before} -> {target} ({key}): the map did not show {target} within "
                                  f"{step_timeout_ms / 1000:.0f} s; the map says {state['date']}, {said}, "
                                  f"the address {state['url_date']}; the key went to {state['keyTarget']}")
                    open_at(target)
                    previous = target
                    continue
                # After the series' last step nothing follows on this page (it is closed): its rerun is not waited
                # for (only its painted frame), so its whole-rerun bytes and long tasks are not known.
                if last:
                    settled = None
                    with contextlib.suppress(PlaywrightTimeout):
                        page.wait_for_function("() => window.__kb.paint !== null", timeout=5000, polling=20)
                else:
                    settled = settle(page, ws, mark, quiet_s=quiet_s, cap_s=step_timeout_ms / 1000)
                record = page.evaluate("() => window.__kb.result()")
                frames = ws.since(mark)
                to_map, map_seen = bytes_to_map(frames)
                times = page.evaluate("(i) => window.__kbWs.slice(i)", page_mark)
                results.append({
                    **_split(record, frames, times),
                    "from": before, "to": target, "key": key, "lost": False, "key_target": record["keyTarget"],
                    "step_ms": record["done"] - record["key"], "blank_ms": record["blank"],
                    "step_paint_ms": record["paint"] - record["key"] if record["paint"] is not None else None,
                    "blank_spans": record["blanks"], "iframe_swaps": record["frameSwaps"],
                    "container_swaps": record["containerSwaps"], "apply_ms": record["applyMs"],
                    "features": record["features"],
                    "bytes_to_map": to_map, "map_delta_seen": map_seen,
                    "map_delta_bytes": None if last else sum(f.size for f in frames if f.is_map),
                    "bytes_rerun": None if last else sum(f.size for f in frames),
                    "frames": len(frames), "ref_hash_frames": sum(f.kind == "ref_hash" for f in frames),
                    "reruns": sum(f.kind == "script_finished" for f in frames), "settled": settled,
                    "wall_s": round(time.monotonic() - pressed, 2),
                    "long_tasks_ms": None if last else record["busy"],
                    "busy_until_ms": None if last else record["busyUntil"],
                })
                previous = target
    except PlaywrightTimeout as exc:
        errors.append(f"timed out: {str(exc).splitlines()[0]}")
    finally:
        tab.close()
    if results:
        results[0]["page_opens_s"] = opened
    return results, errors


# ---------------------------------------------------------------------------------------------- memory
def rss_samples(pid: int, count: int = 5, interval_s: float = 0.1) -> list[float]:
    samples = []
    for i in range(count):
        if i:
            time.sleep(interval_s)
        samples.append(procmem.tree_rss_mb(pid))
    return samples


def open_sessions(browser, base_url: str, date: str, count: int, timeout_ms: float):
    """Open `count` more pages (each its own Streamlit session), all loaded to the drawn map; returns the context."""
    context = new_context(browser)
    pages = [context.new_page() for _ in range(count)]
    for page in pages:
        page.goto(view_url(base_url, date), wait_until="commit", timeout=timeout_ms)
    for page in pages:
        wait_map(page, date, timeout_ms)
    return context
