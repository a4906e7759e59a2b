"""`python -m bench.load [--sessions 30] [--seconds 60] [--out FILE]`: many readers stepping the time bar at once.

One `streamlit run app.py` serves websocket clients that speak Streamlit's protocol as the dashboard's page does
in Chromium (recorded with Playwright, see "The protocol" below); no browser runs. Each client is a reader with
a session of its own who steps the map's time bar one day at a time. The run, against one server:

1. warm-up: one session opens the page and closes (the server's first run loads the data and builds the map's
   runtime; that is start-up, not load);
2. one reader alone steps for `--single-seconds`: the single-user latency;
3. `--sessions` readers open the page together, then all step for `--seconds`: the latency under load.

A step goes when the reader's previous step has been acknowledged and at least `--interval` (250 ms) after the
previous one went: a reader holding an arrow key, paced like the map itself, which reports at most every 200 ms
(SEND_EVERY_MS in static/kcm/map-component.js). Under load the acknowledgement, not the interval, sets the pace.
A step's latency is from sending the report to the reply that acknowledges it: the day heading saying the new
day and the map's data with `ack` >= the report's `seq` and `view.date` the new day. A report not acknowledged
within 10 s is sent again with `attempt` + 1, then after twice as long each time, as the map does
(RESEND_AFTER_MS, RESEND_MAX_MS); its latency still counts from the first send.

Isolation: reader i owns a band of days of its own (the timeline cut into `--sessions` bands) and walks it forth
and back. Every day heading and every map view it receives must be its current or previous day: a day outside
its band is another session's view ("foreign"), one inside but neither of those is out of order ("stale"); so is
an `ack` above the reader's own `seq`, or a `new_session` naming another session. The single reader visits the
same days as the N readers' first steps, in turn (band 1's first, band 2's first, ..., then each band's second),
so that both latencies are over the same mix of days; a jump costs the server what a step does (the report says
`changed: ["date"]` either way).

Errors: an exception element or an error alert in any ForwardMsg, a script that does not compile, a reference to
a cached message (`ref_hash`: these clients cache nothing), a websocket that closes before its reader is done,
a page that does not open, a step not acknowledged within ACK_TIMEOUT_S.

Memory: the resident set of the server and its children (bench/procmem.py), every RSS_EVERY_S. Bounded: over
the last BOUNDED_WINDOW_S of the stepping it grew by at most BOUNDED_MARGIN of its size (or BOUNDED_FLOOR_MB,
whichever is more): memory that grew with the steps taken would keep growing to the end, while one that was
filling caches and settling (30 new sessions) would have stopped.

The protocol (Streamlit 1.67, what Chromium sends the dashboard):

- the websocket is ws://HOST:PORT/_stcore/stream with subprotocol "streamlit" and the page's Origin. The browser
  puts the XSRF cookie's token and a session to resume in the subprotocol's second and third entries; without
  them the server opens a new session with no signed-in user, which is what a new reader gets anyway;
- the page's first run: BackMsg rerun_script {query_string: the share link's parameters, widget_states: {},
  context_info}. The server runs the whole app: the title, the day heading (st.container key="day") and the map,
  an st.components.v2 component (`kcm_timeline_map`, app_pages/map_component.py) whose element carries the
  component's data as JSON (view, rev, ack) and whose delta carries the id of the fragment that draws it;
- the map's first frame painted: rerun_script with the component's widget state, json_value {"painted":true},
  the page's script hash and the fragment's id. The fragment reruns the whole app (st.rerun(scope="app")): the
  sidebar's widgets, the claims, the exports;
- a step: rerun_script with the fragment's id and every widget value the page holds (the component's
  {"painted":true,"report":{seq, query, changed, attempt, restore}}, then the sidebar's checkboxes and radios and
  the table's toggle, as their elements last said), query_string the address after the previous step. The
  fragment reruns: the day heading, the map's data with the new ack, then the claims beside the map.
"""
from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import dataclasses
import datetime as dt
import itertools
import json
import math
import os
import re
import statistics
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from bench import machine, procmem
from bench.stats import quantile
from bench.support import REPO_ROOT, streamlit_server
from geo.catalog import TIMELINE_END, TIMELINE_START

APP = REPO_ROOT / "app.py"
COMPONENT = "kcm_timeline_map"  # app_pages/map_component.py
DAY_BLOCK_SUFFIX = "-day"  # st.container(key="day"): the block's id is "$$ID-<hash>-day"
HEADING = re.compile(r"^\*\*(\w+day \d{2} \w+ \d{4})\*\*")  # "**Thursday 12 November 2020**" (app_pages/map.py)
HEADING_FORMAT = "%A %d %B %Y"
CONTEXT = {"timezone": "UTC", "timezone_offset": 0, "locale": "en-US", "is_embedded": False, "color_scheme": "light"}

SESSIONS = 30
SECONDS = 60.0
SINGLE_SECONDS = 20.0
STEP_INTERVAL_S = 0.25
RESEND_AFTER_S = 10.0  # static/kcm/map-component.js RESEND_AFTER_MS: the first wait, doubled after each sending
RESEND_MAX_S = 60.0  # RESEND_MAX_MS
ACK_TIMEOUT_S = 60.0  # a step not acknowledged by then is an error, and its reader stops
OPEN_TIMEOUT_S = 300.0  # 30 first runs at once on two cores
LATE_ACK_WAIT_S = 30.0  # after the minute, for acknowledgements of steps given up on
RSS_EVERY_S = 2.0
BOUNDED_WINDOW_S = 20.0
BOUNDED_MARGIN = 0.05
BOUNDED_FLOOR_MB = 20.0
# Each end of the window is the median of the samples of this many seconds: the RSS swings by 10-30 MB as
# garbage is collected, and one sample at a swing's top or foot is not where memory stands.
BOUNDED_SPAN_S = 6.0
ERRORS_KEPT = 20  # per reader: the first ones say what went wrong; the count says how often


@dataclasses.dataclass
class Step:
    seq: int
    date: dt.date
    sent: float  # time.monotonic() of the first send
    acked: float | None = None  # when the acknowledging reply arrived, if its reader was still waiting
    resends: int = 0
    gave_up: float | None = None  # when its reader stopped waiting (and resending)
    late_ack: float | None = None  # an acknowledgement that came after that, while the socket was closing

    @property
    def latency_ms(self) -> float | None:
        return None if self.acked is None else (self.acked - self.sent) * 1000


def walk(band: list[dt.date]) -> Iterator[dt.date]:
    """The band's days forth and back, from its first, forever: a reader on the time bar, one day a step."""
    return itertools.cycle(band + band[-2:0:-1]) if len(band) > 1 else itertools.repeat(band[0])


def round_robin(walks: list[Iterator[dt.date]]) -> Iterator[dt.date]:
    """One day from each walk in turn: the single reader's days, the same mix as the N readers' first steps."""
    for days in itertools.cycle(walks):
        yield next(days)


def bands(count: int) -> list[list[dt.date]]:
    """The timeline cut into `count` bands of consecutive days, none shared."""
    days = [TIMELINE_START + dt.timedelta(days=i) for i in range((TIMELINE_END - TIMELINE_START).days + 1)]
    size = len(days) // count
    if size < 2:
        raise ValueError(f"{count} sessions leave fewer than 2 days each on a timeline of {len(days)} days")
    return [days[i * size:(i + 1) * size] for i in range(count)]


class Reader:
    """One session: a websocket client that opens the map page and steps its time bar.

    A task reads every ForwardMsg as it comes (`_take`), keeps what the page would show (the day heading, the
    map's data, the widgets' values), checks it against this reader's own days, and notes when the pending step
    is acknowledged; the stepping waits on `_changed`, notified after every message."""

    def __init__(self, name: str, base_url: str, days: Iterator[dt.date], own_days: set[dt.date]):
        self.name = name
        self.base_url = base_url
        self.days = days
        self.own_days = own_days
        self.date = next(days)  # the day the page opens at
        self.allowed = {self.date}  # the days a reply may show: the current day, and the previous one
        self.ws: ClientConnection | None = None
        self._receiver: asyncio.Task | None = None
        self._changed = asyncio.Condition()
        self.closing = False
        self.closed: str | None = None
        # What the server has told this session.
        self.session_id: str | None = None
        self.page_hash = ""
        self.fragment_id = ""
        self.map_id: str | None = None
        self.map_data: dict | None = None
        self.view: dict[str, str] = {}  # the map's view as link parameters, as the map holds it
        self.heading: dt.date | None = None
        self._day_path: tuple[int, ...] | None = None
        self.widgets: dict[str, WidgetState] = {}  # the page's other widgets' values, in the order they came
        self.runs_succeeded = 0  # FINISHED_SUCCESSFULLY: whole-app runs
        self.finished: dict[str, int] = {}
        self.messages = 0
        # What this reader did and saw.
        self.seq = 0
        self.steps: list[Step] = []
        self.pending: Step | None = None
        self.open_s: float | None = None
        self.errors: list[str] = []
        self.error_count = 0
        self.isolation: list[str] = []
        self.isolation_count = 0
        self.unacknowledged = 0

    # ------------------------------------------------------------------------------------------ what comes in
    def _error(self, text: str) -> None:
        self.error_count += 1
        if len(self.errors) < ERRORS_KEPT:
            self.errors.append(text)

    def _foreign(self, text: str) -> None:
        self.isolation_count += 1
        if len(self.isolation) < ERRORS_KEPT:
            self.isolation.append(text)

    async def _receive(self) -> None:
        assert self.ws is not None
        try:
            async for frame in self.ws:
                message = ForwardMsg()
                message.ParseFromString(frame)
                self._take(message, time.monotonic())
                async with self._changed:
                    self._changed.notify_all()
        except ConnectionClosed:
            pass
        finally:
            close = self.ws.close_code, self.ws.close_reason
            self.closed = f"closed with code {close[0]} {close[1] or ''}".strip()
            if not self.closing:
                self._error(f"the websocket {self.closed} while the reader was still on the page")
            async with self._changed:
                self._changed.notify_all()

    def _take(self, message: ForwardMsg, now: float) -> None:
        self.messages += 1
        kind = message.WhichOneof("type")
        if kind == "delta":
            self._take_delta(message, now)
        elif kind == "new_session":
            session = message.new_session.initialize.session_id
            if self.session_id is None:
                self.session_id = session
            elif session != self.session_id:
                self._foreign(f"new_session for session {session}, this one is {self.session_id}")
        elif kind == "script_finished":
            status = ForwardMsg.ScriptFinishedStatus.Name(message.script_finished)
            self.finished[status] = self.finished.get(status, 0) + 1
            if status == "FINISHED_SUCCESSFULLY":
                self.runs_succeeded += 1
            elif status == "FINISHED_WITH_COMPILE_ERROR":
                self._error("the script did not compile")
        elif kind == "session_event" and message.session_event.WhichOneof("type") == "script_compilation_exception":
            self._error(f"script compilation exception: {message.session_event.script_compilation_exception.message}")
        elif kind == "ref_hash":
            self._error(f"a reference to a cached message ({message.ref_hash}), and this client caches none")

    def _take_delta(self, message: ForwardMsg, now: float) -> None:
        delta = message.delta
        path = tuple(message.metadata.delta_path)
        which = delta.WhichOneof("type")
        if which == "add_block":
            if delta.add_block.id.endswith(DAY_BLOCK_SUFFIX):
                self._day_path = path
            return
        if which != "new_element":
            return
        element = delta.new_element
        kind = element.WhichOneof("type")
        if kind == "exception":
            self._error(f"exception element: {element.exception.type}: {element.exception.message}")
        elif kind == "alert" and element.alert.format == Alert.ERROR:
            self._error(f"error alert: {element.alert.body[:200]}")
        elif kind == "markdown" and self._day_path is not None and path[:-1] == self._day_path:
            match = HEADING.match(element.markdown.body)
            if not match:
                self._error(f"the day heading is not a day: {element.markdown.body[:100]!r}")
                return
            self.heading = dt.datetime.strptime(match.group(1), HEADING_FORMAT).date()
            self._check_day("the day heading", self.heading)
            self._note_ack(now)
        elif kind == "bidi_component" and element.bidi_component.component_name == COMPONENT:
            component = element.bidi_component
            self.map_id = component.id
            self.fragment_id = delta.fragment_id
            self.page_hash = message.metadata.active_script_hash
            self.map_data = json.loads(component.json)
            ack = int(self.map_data.get("ack", 0))
            if ack > self.seq:
                self._foreign(f"the map's data acknowledges report {ack}; this reader has sent {self.seq}")
            day = dt.date.fromisoformat(self.map_data["view"]["date"])
            self._check_day("the map's view", day)
            if ack >= self.seq:  # caught up: the map takes the server's view (Mount.prototype.receive)
                self.view = dict(self.map_data["view"])
            self._note_ack(now)
        elif kind == "checkbox":  # st.checkbox and st.toggle: the browser sends the value its element says
            box = element.checkbox
            self.widgets[box.id] = WidgetState(id=box.id, bool_value=box.value if box.set_value else box.default)
        elif kind == "radio":  # st.radio: the browser sends the chosen option's label
            radio = element.radio
            chosen = radio.raw_value if radio.set_value else (
                radio.options[radio.default] if radio.HasField("default") else None)
            if chosen is not None:
                self.widgets[radio.id] = WidgetState(id=radio.id, string_value=chosen)

    def _check_day(self, what: str, day: dt.date) -> None:
        if day not in self.own_days:
            self._foreign(f"{what} says {day}, a day outside this session's (another session's view)")
        elif day not in self.allowed:
            self._foreign(f"{what} says {day}; this session is at {self.date}, before it "
                          f"{sorted(self.allowed - {self.date}) or 'nothing'} (stale or out of order)")

    def _note_ack(self, now: float) -> None:
        step, data = self.pending, self.map_data
        if step is None or step.acked is not None or step.late_ack is not None or data is None:
            return
        if (self.heading == step.date and int(data.get("ack", 0)) >= step.seq
                and data["view"]["date"] == step.date.isoformat()):
            if step.gave_up is None:
                step.acked = now
            else:
                step.late_ack = now

    # ------------------------------------------------------------------------------------------ what goes out
    def _map_state(self) -> WidgetState:
        state: dict = {"painted": True}
        if self.seq:
            step = self.pending or self.steps[-1]
            state["report"] = {"seq": self.seq, "query": {**self.view, "date": self.date.isoformat()},
                               "changed": ["date"], "attempt": step.resends, "restore": False}
        return WidgetState(id=self.map_id, json_value=json.dumps(state, separators=(",", ":")))

    def _rerun(self, *, first: bool = False) -> bytes:
        message = BackMsg()
        rerun = message.rerun_script
        # The address: the share link at first, then as the map last wrote it (the app reads it on the first run
        # only: app_pages/common.py synced).
        rerun.query_string = urlencode(self.view) if self.view else f"date={self.date.isoformat()}"
        rerun.widget_states.SetInParent()
        if not first:
            rerun.widget_states.widgets.append(self._map_state())
            rerun.widget_states.widgets.extend(self.widgets.values())
            rerun.page_script_hash = self.page_hash
            rerun.fragment_id = self.fragment_id
        for name, value in CONTEXT.items():
            setattr(rerun.context_info, name, value)
        rerun.context_info.url = self.base_url + "/"
        return message.SerializeToString()

    async def _send(self, payload: bytes) -> None:
        assert self.ws is not None
        await self.ws.send(payload)

    async def _until(self, condition, timeout: float) -> bool:
        """Wait until `condition()` holds (checked after every message) or `timeout` s pass: whether it held."""
        async with self._changed:
            try:
                await asyncio.wait_for(self._changed.wait_for(lambda: condition() or self.closed), timeout)
            except TimeoutError:
                return False
        return bool(condition())

    # ------------------------------------------------------------------------------------------ the reader
    async def open(self, timeout: float = OPEN_TIMEOUT_S) -> bool:
        """Open the page as the browser does: the first run, then "painted", then the whole page's run."""
        started = time.monotonic()
        port = urlsplit(self.base_url).port
        # proxy=None: a proxy from the environment must not stand between us and 127.0.0.1.
        self.ws = await connect(f"ws://127.0.0.1:{port}/_stcore/stream", subprotocols=["streamlit"],
                                origin=self.base_url, max_size=None, proxy=None, open_timeout=timeout)
        self._receiver = asyncio.create_task(self._receive())
        deadline = started + timeout
        await self._send(self._rerun(first=True))
        if not await self._until(lambda: self.runs_succeeded >= 1 and self.map_data is not None,
                                 deadline - time.monotonic()):
            self._error(f"the page's first run did not finish with the map within {timeout:.0f} s")
            return False
        await self._send(self._rerun())  # the map's first frame is painted
        if not await self._until(lambda: self.runs_succeeded >= 2 and self.widgets, deadline - time.monotonic()):
            self._error(f"the whole page's run after the map painted did not finish within {timeout:.0f} s")
            return False
        self.open_s = time.monotonic() - started
        return True

    async def step_until(self, stop_at: float, interval: float, resend_after: float = RESEND_AFTER_S) -> None:
        """Step to the next day, wait for its acknowledgement (sending it again after `resend_after` s, then
        twice as long each time, as the map does; never if 0), keep the pace; until `stop_at`, or a step is not acknowledged within ACK_TIMEOUT_S."""
        while time.monotonic() < stop_at and not self.closed:
            previous, self.date = self.date, next(self.days)
            self.allowed = {previous, self.date}
            self.seq += 1
            step = Step(seq=self.seq, date=self.date, sent=time.monotonic())
            self.pending = step
            self.steps.append(step)
            await self._send(self._rerun())
            last_sent = step.sent
            while step.acked is None:
                give_up_in = step.sent + ACK_TIMEOUT_S - time.monotonic()
                if self.closed:
                    return
                if give_up_in <= 0:
                    step.gave_up = time.monotonic()
                    self.unacknowledged += 1
                    self._error(f"step {step.seq} to {step.date} not acknowledged within {ACK_TIMEOUT_S:.0f} s")
                    return  # the session's state is unknown from here
                wait = min(resend_after * 2 ** step.resends, RESEND_MAX_S)  # as the map backs off
                resend_in = last_sent + wait - time.monotonic() if resend_after > 0 else give_up_in
                if await self._until(lambda step=step: step.acked is not None, min(resend_in, give_up_in)):
                    break
                if resend_after > 0 and time.monotonic() - last_sent >= wait:
                    step.resends += 1  # a new value, so that the same report is sent again (scheduleResend)
                    await self._send(self._rerun())
                    last_sent = time.monotonic()
            self.pending = None
            await asyncio.sleep(max(0.0, step.sent + interval - time.monotonic()))  # the pace, not a wait

    async def close(self) -> None:
        self.closing = True
        if self.ws is not None:
            await self.ws.close()
        if self._receiver is not None:
            await self._receiver


# ---------------------------------------------------------------------------------------------- memory
class RssSampler:
    """The server's RSS (MB, with its children) every RSS_EVERY_S, in a task, with the time of each sample."""

    def __init__(self, pid: int, origin: float):
        self.pid = pid
        self.origin = origin
        self.samples: list[tuple[float, float]] = []
        self._task: asyncio.Task | None = None

    def sample(self) -> float:
        mb = procmem.tree_rss_mb(self.pid)
        self.samples.append((round(time.monotonic() - self.origin, 2), round(mb, 1)))
        return mb

    async def _every(self) -> None:
        while True:
            self.sample()
            await asyncio.sleep(RSS_EVERY_S)  # a sampling interval, not a wait for anything

    def start(self) -> None:
        self._task = asyncio.create_task(self._every())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass


def memory_verdict(samples: list[tuple[float, float]], start: float, end: float) -> dict:
    """Growth of the RSS over the last BOUNDED_WINDOW_S of [start, end] (seconds of the sampler's clock), each end
    the median of BOUNDED_SPAN_S of samples, and whether it stayed within BOUNDED_MARGIN (or BOUNDED_FLOOR_MB)."""
    during = [(t, mb) for t, mb in samples if start <= t <= end]
    if len(during) < 2:
        return {"bounded": None, "why": "too few samples"}
    window_start = end - BOUNDED_WINDOW_S
    opening = [mb for t, mb in during if window_start - BOUNDED_SPAN_S <= t <= window_start]
    closing = [mb for t, mb in during if t >= end - BOUNDED_SPAN_S]
    at_window = statistics.median(opening) if opening else during[0][1]
    last = statistics.median(closing) if closing else during[-1][1]
    allowed = max(BOUNDED_MARGIN * at_window, BOUNDED_FLOOR_MB)
    # The slope over the second half, by least squares: how fast it was still growing, for the report.
    half = [(t, mb) for t, mb in during if t >= (start + end) / 2] or during
    mean_t = sum(t for t, _ in half) / len(half)
    mean_mb = sum(mb for _, mb in half) / len(half)
    spread = sum((t - mean_t) ** 2 for t, _ in half)
    slope = sum((t - mean_t) * (mb - mean_mb) for t, mb in half) / spread if spread else 0.0
    return {"window_s": BOUNDED_WINDOW_S, "at_window_start_mb": at_window, "end_mb": last,
            "growth_mb": round(last - at_window, 1), "allowed_mb": round(allowed, 1),
            "second_half_slope_mb_per_min": round(slope * 60, 1), "bounded": last - at_window <= allowed}


def server_cpu_s(pid: int) -> float:
    """CPU time (user + system, s) used so far by the server and its live children."""
    total = 0
    for process in procmem.descendants(pid):
        try:
            fields = (procmem.PROC / str(process) / "stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime stime
        except (OSError, ValueError, IndexError):
            continue
    return total / os.sysconf("SC_CLK_TCK")


# ---------------------------------------------------------------------------------------------- a phase
def latency_summary(values: list[float]) -> dict:
    return {"n": len(values), "median": quantile(values, 0.5), "p90": quantile(values, 0.9),
            "p95": quantile(values, 0.95), "max": max(values) if values else None,
            "min": min(values) if values else None}


async def phase(base_url: str, sampler: RssSampler, readers: list[Reader], seconds: float, interval: float,
                resend_after: float) -> dict:
    """Open every reader's page at once, then all step for `seconds`; their figures, errors and the memory."""
    opened_at = time.monotonic()
    rss_before_open = sampler.sample()
    opened = await asyncio.gather(*(r.open() for r in readers), return_exceptions=True)
    for reader, outcome in zip(readers, opened):
        if isinstance(outcome, BaseException):
            reader._error(f"opening the page: {type(outcome).__name__}: {outcome}")
    ready = [r for r, ok in zip(readers, opened) if ok is True]
    open_s = time.monotonic() - opened_at
    rss_open = sampler.sample()
    cpu_before, server_before = machine.cpu_times(), server_cpu_s(sampler.pid)
    step_start = time.monotonic()
    await asyncio.gather(*(r.step_until(step_start + seconds, interval, resend_after) for r in ready))
    step_end = time.monotonic()
    cpu_after, server_after = machine.cpu_times(), server_cpu_s(sampler.pid)
    rss_end = sampler.sample()
    # A step given up on may still be acknowledged once its reader has stopped resending it: wait a while for
    # those (it tells a server that is slow from one whose replies the resends keep from coming).
    given_up = [(r, r.steps[-1]) for r in ready if r.steps and r.steps[-1].gave_up is not None]
    await asyncio.gather(*(r._until(lambda step=step: step.late_ack is not None, LATE_ACK_WAIT_S)
                           for r, step in given_up))
    await asyncio.gather(*(r.close() for r in readers), return_exceptions=True)

    steps = [s for r in readers for s in r.steps]
    latencies = [s.latency_ms for s in steps if s.latency_ms is not None]
    start_t, end_t = step_start - sampler.origin, step_end - sampler.origin
    during = [mb for t, mb in sampler.samples if start_t <= t <= end_t + 0.01]
    return {
        "sessions": len(readers), "sessions_open": len(ready), "seconds": round(step_end - step_start, 1),
        "interval_s": interval,
        "open_s": {"all": round(open_s, 1), **latency_summary([r.open_s for r in ready if r.open_s is not None])},
        "steps": len(steps), "acknowledged": len(latencies),
        "steps_per_s": round(len(latencies) / (step_end - step_start), 1) if step_end > step_start else None,
        "steps_per_session": latency_summary([len(r.steps) for r in readers]),
        "resends": sum(s.resends for s in steps),
        # Acknowledgements of steps given up, that came once their readers had stopped resending: what the
        # resends were holding back.
        "late_acks": len([s for s in steps if s.late_ack is not None]),
        "late_ack_after_giving_up_s": latency_summary([s.late_ack - s.gave_up for s in steps
                                                        if s.late_ack is not None]),
        "latency_ms": latency_summary(latencies),
        "errors": sum(r.error_count for r in readers),
        "unacknowledged": sum(r.unacknowledged for r in readers),
        "isolation_violations": sum(r.isolation_count for r in readers),
        "error_messages": [f"{r.name}: {e}" for r in readers for e in r.errors][:ERRORS_KEPT],
        "isolation_messages": [f"{r.name}: {e}" for r in readers for e in r.isolation][:ERRORS_KEPT],
        "distinct_sessions": len({r.session_id for r in ready}),
        "messages": sum(r.messages for r in readers),
        "runs_finished": {k: sum(r.finished.get(k, 0) for r in readers)
                          for k in sorted({k for r in readers for k in r.finished})},
        "rss_mb": {"before_open": round(rss_before_open, 1), "open": round(rss_open, 1),
                   "peak": round(max(during + [rss_open, rss_end]), 1), "end": round(rss_end, 1)},
        "memory": memory_verdict(sampler.samples, start_t, end_t),
        "server_cpu_s": round(server_after - server_before, 1),
        "server_cpu_ms_per_step": round((server_after - server_before) * 1000 / len(steps)) if steps else None,
        "cpu_busy_share": machine.busy_share(cpu_before, cpu_after),
        "cpu_others_share": machine.others_share(cpu_before, cpu_after),
        "_window": (start_t, end_t),
    }


async def measure(base_url: str, pid: int, sessions: int, seconds: float, single_seconds: float,
                  interval: float, resend_after: float) -> dict:
    origin = time.monotonic()
    sampler = RssSampler(pid, origin)
    rss_idle = sampler.sample()  # the server up, no session yet
    sampler.start()
    day_bands = bands(sessions)
    own = {day for band in day_bands for day in band}
    warm = Reader("warm-up", base_url, walk(day_bands[0]), own)
    warmed = await warm.open()
    await warm.close()
    if not warmed:
        raise RuntimeError(f"the warm-up session did not open the page: {warm.errors}")
    single = await phase(base_url, sampler, [Reader("single", base_url, round_robin([walk(b) for b in day_bands]),
                                                    own)], single_seconds, interval, resend_after)
    readers = [Reader(f"reader {i + 1}", base_url, walk(band), set(band)) for i, band in enumerate(day_bands)]
    load = await phase(base_url, sampler, readers, seconds, interval, resend_after)
    await sampler.stop()
    rss_after = sampler.sample()  # every socket closed (the server may keep the sessions a while)
    single.pop("_window")
    load.pop("_window")
    ratio = {key: (load["latency_ms"][key] / single["latency_ms"][key]
                   if load["latency_ms"][key] and single["latency_ms"][key] else None)
             for key in ("median", "p90", "p95", "max")}
    return {"single": single, "load": load, "ratio": ratio,
            "rss_mb": {"idle": round(rss_idle, 1), "after_close": round(rss_after, 1)},
            "rss_samples": sampler.samples}


def _run_loop(coroutine):
    """asyncio.run, in a thread of its own when this one already runs an event loop (a test session that
    holds Playwright's sync API does)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def run(sessions: int = SESSIONS, seconds: float = SECONDS, single_seconds: float = SINGLE_SECONDS,
        interval: float = STEP_INTERVAL_S, resend_after: float = RESEND_AFTER_S) -> dict:
    """Start one `streamlit run app.py`, measure, end it; the figures and the machine, as a dict."""
    started = time.monotonic()
    when = dt.datetime.now(dt.UTC)
    load_average = Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else None
    with streamlit_server(APP, timeout=120) as url:
        pid = procmem.server_pid(urlsplit(url).port)
        if pid is None:
            raise RuntimeError(f"no streamlit process found for {url}")
        figures = _run_loop(measure(url, pid, sessions, seconds, single_seconds, interval, resend_after))
    return {"started_utc": when.strftime("%Y-%m-%d %H:%M:%S"), "wall_s": round(time.monotonic() - started, 1),
            "load_average_at_start": load_average, "machine": machine.describe(),
            "config": {"sessions": sessions, "seconds": seconds, "single_seconds": single_seconds,
                       "interval_s": interval, "resend_after_s": resend_after, "ack_timeout_s": ACK_TIMEOUT_S,
                       "rss_every_s": RSS_EVERY_S, "bounded_window_s": BOUNDED_WINDOW_S,
                       "bounded_margin": BOUNDED_MARGIN, "bounded_floor_mb": BOUNDED_FLOOR_MB},
            **figures}


def failures(result: dict) -> list[str]:
    """What the run says is wrong: errors, steps not acknowledged, a view of another session, memory unbounded."""
    found = []
    for name in ("single", "load"):
        p = result[name]
        if p["sessions_open"] != p["sessions"]:
            found.append(f"{name}: {p['sessions'] - p['sessions_open']} of {p['sessions']} pages did not open")
        if p["errors"]:
            found.append(f"{name}: {p['errors']} errors, e.g. {p['error_messages'][:3]}")
        if p["acknowledged"] != p["steps"]:
            found.append(f"{name}: {p['steps'] - p['acknowledged']} of {p['steps']} steps not acknowledged")
        if p["isolation_violations"]:
            found.append(f"{name}: {p['isolation_violations']} replies showed a view not the session's own, "
                         f"e.g. {p['isolation_messages'][:3]}")
        if p["distinct_sessions"] != p["sessions_open"]:
            found.append(f"{name}: {p['sessions_open']} readers but {p['distinct_sessions']} distinct session ids")
    memory = result["load"]["memory"]
    if memory.get("bounded") is not True:
        found.append(f"load: memory not shown bounded: {memory}")
    return found


# ---------------------------------------------------------------------------------------------- output
def _ms(value) -> str:
    return "-" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:,.0f}"


def _s(value) -> str:
    return "-" if value is None else f"{value:.1f} s"


def table(result: dict) -> str:
    single, load, ratio = result["single"], result["load"], result["ratio"]
    s, n = single["latency_ms"], load["latency_ms"]
    lines = [
        (f"Load: {load['sessions']} sessions for {load['seconds']} s against one server "
            f"(single reader: {single['seconds']} s); next step when acknowledged and >= {load['interval_s'] * 1000:.0f} ms "
            f"after the previous"),
        "",
        f"{'step latency (send -> acknowledged reply), ms':<48} {'median':>8} {'p90':>8} {'p95':>8} {'max':>8} {'steps':>7}",
        f"{'1 session':<48} {_ms(s['median']):>8} {_ms(s['p90']):>8} {_ms(s['p95']):>8} {_ms(s['max']):>8} {s['n']:>7}",
        (f"{str(load['sessions']) + ' sessions':<48} {_ms(n['median']):>8} {_ms(n['p90']):>8} {_ms(n['p95']):>8} "
            f"{_ms(n['max']):>8} {n['n']:>7}"),
        f"{'ratio (N / 1)':<48} " + " ".join(f"{(ratio[k] or float('nan')):>8.1f}" for k in ("median", "p90", "p95", "max")),
        "",
        (f"steps: {load['steps']} sent, {load['acknowledged']} acknowledged ({load['steps_per_s']}/s over all sessions; "
            f"per session median {_ms(load['steps_per_session']['median'])}), {load['resends']} resent; "
            f"single: {single['steps']} sent, {single['acknowledged']} acknowledged"),
        (f"errors: {load['errors']} (single {single['errors']}); not acknowledged: {load['unacknowledged']} (of which "
            f"{load['late_acks']} were once their readers stopped resending, median "
            f"{_s(load['late_ack_after_giving_up_s']['median'])} after); "
            f"views not the session's own: {load['isolation_violations']}; distinct session ids: "
            f"{load['distinct_sessions']} of {load['sessions_open']}"),
        (f"opening {load['sessions']} pages at once: {load['open_s']['all']} s (each: median "
            f"{load['open_s']['median']:.1f} s, max {load['open_s']['max']:.1f} s); one page alone: "
            f"{single['open_s']['median']:.1f} s"),
        (f"server RSS, MB: idle {result['rss_mb']['idle']}, 1 session {single['rss_mb']['end']}, "
            f"{load['sessions']} open {load['rss_mb']['open']}, peak {load['rss_mb']['peak']}, end {load['rss_mb']['end']}, "
            f"after closing {result['rss_mb']['after_close']}"),
        (f"memory over the last {load['memory']['window_s']} s: {load['memory']['growth_mb']:+.1f} MB "
            f"(allowed {load['memory']['allowed_mb']}), second half {load['memory']['second_half_slope_mb_per_min']} "
            f"MB/min: {'bounded' if load['memory']['bounded'] else 'NOT bounded'}"
            if load["memory"]["bounded"] is not None
            else f"memory: {load['memory']['why']} to tell whether it is bounded"),
        (f"server CPU per step: {single['server_cpu_ms_per_step']} ms alone, {load['server_cpu_ms_per_step']} ms under load "
            f"({load['server_cpu_s']} s over the stepping)"),
        (f"CPU while stepping: busy {load['cpu_busy_share']}, other processes' share {load['cpu_others_share']}; "
            f"load average at start {result['load_average_at_start']}; {result['machine']['cores']} cores"),
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=SESSIONS, help="readers at once (default %(default)s)")
    parser.add_argument("--seconds", type=float, default=SECONDS, help="how long they step (default %(default)s)")
    parser.add_argument("--single-seconds", type=float, default=SINGLE_SECONDS,
                        help="how long the single reader steps first (default %(default)s)")
    parser.add_argument("--interval", type=float, default=STEP_INTERVAL_S,
                        help="least time between a reader's steps, s (default %(default)s)")
    parser.add_argument("--resend-after", type=float, default=RESEND_AFTER_S,
                        help="send a report not acknowledged again after this many s, as the map does "
                             "(default %(default)s, the map's RESEND_AFTER_MS); 0: never")
    parser.add_argument("--out", type=Path, help="write the figures, the memory samples and the machine as JSON")
    args = parser.parse_args(argv)
    result = run(args.sessions, args.seconds, args.single_seconds, args.interval, args.resend_after)
    print(table(result))
    found = failures(result)
    for failure in found:
        print(f"FAILED: {failure}", file=sys.stderr)
    if args.out:
        args.out.write_text(json.dumps(result, indent=1, default=str) + "\n", encoding="utf-8")
        print(f"wrote {args.out}")
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
