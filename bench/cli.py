"""`python -m bench [--quick] [--out FILE] [--no-scale]`: run the benchmark, print the table, write the JSON.

Order of a run:
1. four servers start (bench/servers.py, through tests/browser_support.py: `streamlit run` from the repository
   root, beside static/): the dashboard on 100x data first, while its data folder is written (its first run is
   the longest of the warm-up), then the dashboard, the naive page and the floor pages (bench/floor_app.py).
   Each gets one throwaway load as soon as it is up (its caches filled: "server warm"; the floor server's is its
   map-alone page). The dashboard's, the naive page's and the 100x pages stay open;
2. server memory: RSS with the dashboard's throwaway page as the only session, then with 19 more pages open
   (20 sessions; 2 with --quick). This overlaps the other servers' warm-up, which does not touch the
   dashboard's process;
3. with every server idle, one measurement at a time (so that they do not share the two cores):
   a. cold loads of the dashboard and of the two floor pages (an empty Streamlit page; the dashboard's map
      component alone, mounted as app_pages/map.py mounts it), interleaved (dashboard, map alone, empty,
      dashboard, ...) so that a change in the machine's load falls on all three alike: the dashboard's target is
      its median over the empty page's median of the same run;
   b. timeline steps on the map's own time bar (the dashboard's only timeline control), starting on the
      dashboard's throwaway page (already at LOAD_DATE, which saves a page load);
   c. the naive page's steps on its Streamlit slider (from its throwaway page);
   d. at 100x: cold loads, each with the bytes fetched from /app/static/generated/ and, when the map has levels
      of detail (`data-kcm-lod`), a zoom in to full detail on the loaded page; then steps on the map's time bar
      (from the 100x throwaway page);
4. the files the 100x server wrote under static/generated/ are removed; the servers and the browser end.
The last step of each series is not followed by a wait for its rerun (its page is closed next).
"""
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import re
import signal
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from bench import machine, measure, report, scaledata
from bench.pages import BLOCKED, collect_blocked
from bench.probes import FLOOR_TEXT, GENERATED_PATH
from bench.report import KB, failed, na, row, single
from bench.servers import Running, Server, start_all
from bench.support import REPO_ROOT, launch_chromium
from geo.view import DEFAULT

APP = REPO_ROOT / "app.py"
NAIVE = Path(__file__).resolve().parent / "naive_app.py"
FLOOR = Path(__file__).resolve().parent / "floor_app.py"
GENERATED = REPO_ROOT / "static" / "generated"
LOAD_DATE = "2020-11-10"  # the ceasefire: every layer has features that day
# (low, high, start): the steps walk right and left between low and high; the first range starts where the
# warm-up page was opened (LOAD_DATE), so that page serves for it.
STEP_RANGES = [("2020-11-08", "2020-11-12", LOAD_DATE), ("2020-10-14", "2020-10-18", "2020-10-16")]
SCALE_FACTOR = 100
# The 100x run's zoom in, centred on the default view (geo.view.DEFAULT): to this zoom, or further in if the map's
# data say level of detail 2 starts there (probes.ZOOM_IN).
ZOOM_LEVEL = 11


@dataclass(frozen=True)
class Plan:
    cold: int
    floor_cold: int  # cold loads of each floor page
    steps: int
    naive_steps: int
    scale_cold: int
    scale_steps: int
    ranges: int  # how many of STEP_RANGES the steps are spread over (each costs a page load)
    sessions: int = 20
    weigh_all: bool = True  # wait for the whole load (page weight) on every cold load, or on the first only


QUICK = Plan(cold=2, floor_cold=1, steps=4, naive_steps=2, scale_cold=1, scale_steps=1, ranges=1, sessions=2,
             weigh_all=False)
FULL = Plan(cold=12, floor_cold=12, steps=60, naive_steps=16, scale_cold=5, scale_steps=16, ranges=2, sessions=20)

# Timeouts (ms). The 100x page loads a bundle of several MB and renders thousands of claims.
LOAD_TIMEOUT = 120_000
SCALE_LOAD_TIMEOUT = 300_000
# The 100x server's first run (its data read, the bundle and its level-of-detail files written) is the warm-up's
# longest part: over 90 s alone on a busy two-core machine, and several times that beside the other servers.
SCALE_WARM_TIMEOUT = 900_000
STEP_TIMEOUT = 30_000
SCALE_STEP_TIMEOUT = 60_000
ZOOM_TIMEOUT = 60_000
SCALE_HEAD_START = 3.0  # s: at most this long, the 100x server starts before the others
# After a step, the next key press waits for the run to finish and the socket to be quiet this long (s). On the
# dashboard the run comes after the map's report (debounced 200 ms in the browser) and the wait starts only once
# the step is drawn; the naive page's st.iframe sends nothing back (one run per step).
STEP_QUIET = 0.4
NAIVE_STEP_QUIET = 0.4
# The dashboard's cold load: at most this much (ms) over the empty Streamlit page's median, in the same run.
OVER_FLOOR_MS = 400
STEP_TARGET_MS = 20  # the step on the map's own time bar: median under this


@dataclass
class ColdSeries:
    """One page's cold loads, interleaved with others' (Run.cold_loads)."""
    name: str  # in logs, errors and results
    url: str
    count: int
    timeout: float
    options: dict = field(default_factory=dict)  # cold_load's date / text / zoom
    weigh_first: bool = True  # without Plan.weigh_all, still wait for the first load's end (its page weight)
    results: list = field(default_factory=list)
    broken: bool = False


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


@contextlib.contextmanager
def phase(details: dict, name: str):
    """Log a phase and keep its wall time in details["phases_s"], in details["phases_cpu_busy"] the share of the
    machine's CPU time (all cores, every process) that was busy during it, and in details["phases_cpu_others"]
    the share used by processes that are not the run's (other jobs on the machine)."""
    log(name)
    started, cpu = time.monotonic(), machine.cpu_times()
    try:
        yield
    finally:
        details.setdefault("phases_s", {})[name] = round(time.monotonic() - started, 1)
        now = machine.cpu_times()
        details.setdefault("phases_cpu_busy", {})[name] = machine.busy_share(cpu, now)
        details.setdefault("phases_cpu_others", {})[name] = machine.others_share(cpu, now)


GENERATED_NAME = re.compile(re.escape(GENERATED_PATH) + r"([A-Za-z0-9][A-Za-z0-9._-]*)")


def _with_named(urls: set[str]) -> set[str]:
    """The names (paths under static/generated/) of `urls`, and of every generated file that those of them that
    are scripts (the runtime: its level-of-detail index) name."""
    names = set()
    for url in urls:
        path = urlsplit(url).path
        if path.startswith(GENERATED_PATH):
            names.add(path[len(GENERATED_PATH):])
    for name in list(names):
        if name.endswith(".js"):
            with contextlib.suppress(OSError):
                names.update(GENERATED_NAME.findall((GENERATED / name).read_text(encoding="utf-8", errors="replace")))
    return names


def _series(records: list[dict], key: str) -> list:
    return [r[key] for r in records if r.get(key) is not None and not r.get("lost")]


class Run:
    def __init__(self, plan: Plan, scale: bool = True):
        self.plan = plan
        self.scale = scale
        self.errors: list[str] = []
        self.details: dict = {}
        self.browser = None
        self.started = time.monotonic()
        # Per server, the files its pages loaded from /app/static/generated/ (to remove the 100x server's only).
        self.generated: dict[str, set[str]] = {}

    # -------------------------------------------------------------------------------------------- set-up
    def start(self, stack: contextlib.ExitStack, tmp: Path) -> tuple[dict[str, Server], Callable[[], None]]:
        """Start the servers in the background; each server's `done` is set when it is up or has failed. The
        100x one (its data folder written meanwhile) starts at once; the others when the returned function is
        called, which first gives the 100x server up to SCALE_HEAD_START seconds from now to come up alone."""
        servers = {"app": Server("app", APP), "naive": Server("naive", NAIVE), "floor": Server("floor", FLOOR)}
        running = Running()
        stack.callback(running.stop)
        if self.scale:
            servers["scale"] = Server("scale", APP, env={"KCM_DATA_DIR": str(tmp / "scale")})

            # The server reads its data on its first run, not at start: it starts while the folder is written,
            # and is "done" once both are.
            scale = servers["scale"]
            up = Server("scale", APP, env=scale.env)

            def build_and_start():
                started = time.monotonic()
                threading.Thread(target=start_all, args=(running, [up], 180), name="start-scale", daemon=True).start()
                try:
                    self.details["scale_data"] = scaledata.build(tmp / "scale", SCALE_FACTOR)
                    self.details["scale_data"]["build_s"] = round(time.monotonic() - started, 2)
                except Exception as exc:  # noqa: BLE001
                    scale.error = f"building the 100x data failed: {exc!r}"
                up.done.wait()
                scale.url, scale.pid = (up.url, up.pid) if not scale.error else (None, None)
                scale.error = scale.error or up.error
                scale.done.set()

            threading.Thread(target=build_and_start, name="scale", daemon=True).start()
        head_start_until = time.monotonic() + SCALE_HEAD_START

        def start_others() -> None:
            # The 100x server's first run is the longest part of the warm-up: the others, which have time to spare,
            # start once it is up (or a little later at most).
            if self.scale:
                servers["scale"].done.wait(timeout=max(0.0, head_start_until - time.monotonic()))
            for name in ("app", "naive", "floor"):
                threading.Thread(target=start_all, args=(running, [servers[name]], 120), name=f"start-{name}",
                                 daemon=True).start()

        return servers, start_others

    def warm(self, servers: dict[str, Server]) -> dict[str, measure.Tab]:
        """One throwaway load per server (the floor server's: its map-alone page), each opened as soon as its
        server is up, so that the 100x server's long first run starts as early as it can. Returns once every
        server is up (or has failed) and its page is opening. The pages stay open: the dashboard's is the single
        session of the 1-session memory figure, and each of the others with steps then serves its server's first
        range of steps."""
        tabs: dict[str, measure.Tab] = {}
        waiting = dict(servers)
        while waiting:
            for name, server in list(waiting.items()):
                if not server.done.is_set():
                    continue
                del waiting[name]
                self.details.setdefault("server_up_s", {})[name] = round(time.monotonic() - self.started, 2)
                if server.error:
                    self.errors.append(f"server {name} did not start: {server.error.splitlines()[0]}")
                    log(f"server {name} FAILED: {server.error[:2000]}")
                    continue
                tab = tabs[name] = measure.Tab(self.browser)
                tab.open(server.url, LOAD_DATE, LOAD_TIMEOUT, **({"floor": "map"} if name == "floor" else {}))
                tab.started = time.monotonic()
            if waiting:
                time.sleep(0.05)
        return tabs

    def finish_warm(self, tabs: dict, name: str, timeout: float) -> bool:
        if name not in tabs:
            return False
        page, started = tabs[name].page, tabs[name].started
        try:
            measure.wait_map(page, LOAD_DATE, timeout)
            self.details.setdefault("warm_up_s", {})[name] = round(time.monotonic() - started, 2)
            return True
        except Exception as exc:  # noqa: BLE001
            self.errors.append(f"{name}: the throwaway first load did not draw the map for {LOAD_DATE} within "
                               f"{timeout / 1000:.0f} s ({str(exc).splitlines()[0]}); the page shows "
                               f"{measure.map_state(page)}")
            return False

    # -------------------------------------------------------------------------------------------- memory
    def memory(self, server: Server, warm_page) -> dict:
        if server.pid is None:
            self.errors.append("memory: the app server's process was not found in /proc")
            return {}
        warm_page.wait_for_timeout(500)
        one = measure.rss_samples(server.pid)
        extra = self.plan.sessions - 1
        log(f"memory: 1 session {one[-1]:.0f} MB; opening {extra} more sessions")
        context = None
        try:
            context = measure.open_sessions(self.browser, server.url, LOAD_DATE, extra, LOAD_TIMEOUT)
            warm_page.wait_for_timeout(1000)
            many = measure.rss_samples(server.pid)
        except Exception as exc:  # noqa: BLE001
            self.errors.append(f"memory with {self.plan.sessions} sessions: {str(exc).splitlines()[0]}")
            many = []
        finally:
            if context is not None:
                collect_blocked(context)
                context.close()
        return {"rss_1": one, "rss_n": many, "sessions": self.plan.sessions, "processes": len(
            measure.procmem.descendants(server.pid))}

    # -------------------------------------------------------------------------------------------- loads, steps
    def cold_loads(self, series: list[ColdSeries]) -> None:
        """The series' cold loads in turns (one of each, then the next round): a change in the machine's load
        during the phase falls on every series alike. A series stops at its first failure; the others go on."""
        for i in range(max((s.count for s in series), default=0)):
            for s in series:
                if i >= s.count or s.broken:
                    continue
                try:
                    s.results.append(measure.cold_load(self.browser, s.url, s.timeout,
                                                       weigh=self.plan.weigh_all or (s.weigh_first and not i),
                                                       **s.options))
                except Exception as exc:  # noqa: BLE001
                    self.errors.append(f"{s.name} cold load {i + 1}: {str(exc).splitlines()[0]}")
                    s.broken = True
        for s in series:
            if _series(s.results, "paint_ms"):
                log(f"{s.name}: cold load median {report.summary(_series(s.results, 'paint_ms'))['median']:.0f} ms "
                    f"over {len(s.results)}")

    def steps(self, name: str, url: str, count: int, step_timeout: float, load_timeout: float,
              quiet_s: float, control: str, tab: measure.Tab | None = None) -> list[dict]:
        results, errors = measure.step_series(self.browser, url, measure.plan(count, STEP_RANGES[: self.plan.ranges]),
                                              load_timeout, step_timeout, control, quiet_s=quiet_s, tab=tab)
        self.errors.extend(f"{name} steps: {e}" for e in errors)
        if results:
            done = _series(results, "step_ms")
            log(f"{name}: step median {report.summary(done)['median']:.0f} ms over {len(done)}" if done
                else f"{name}: no step of {len(results)} showed its day")
        return results

    def note_generated(self, server: str, urls) -> None:
        self.generated.setdefault(server, set()).update(urls or ())

    # -------------------------------------------------------------------------------------------- all
    def go(self) -> dict:
        started = self.started = time.monotonic()
        generated_before = set(os.listdir(GENERATED)) if GENERATED.is_dir() else set()
        self.details["load_average_before"] = os.getloadavg()
        # The load average counts tasks waiting on I/O too; this says how busy the CPUs were just before the run.
        cpu = machine.cpu_times()
        time.sleep(0.25)
        now = machine.cpu_times()
        self.details["cpu_busy_before"] = machine.busy_share(cpu, now)
        results: dict = {}
        try:
            self.measure_all(results)
        finally:
            self.remove_scale_bundle(generated_before)
        self.details["load_average_after"] = os.getloadavg()
        cpu = os.times()
        # Every process the run started has been waited for by now: the servers, Playwright's driver and Chromium.
        self.details["cpu_s"] = {"bench": round(cpu.user + cpu.system, 1),
                                 "servers_and_browser": round(cpu.children_user + cpu.children_system, 1)}
        return self.assemble(results, started)

    def measure_all(self, results: dict) -> None:
        d = self.details
        with tempfile.TemporaryDirectory(prefix="kcm-bench-") as tmp, contextlib.ExitStack() as stack:
            with phase(d, "start servers" + (", write the 100x data" if self.scale else "")
                       + ", throwaway loads as each is up"):
                servers, start_others = self.start(stack, Path(tmp))
                from playwright.sync_api import sync_playwright

                playwright = stack.enter_context(sync_playwright())
                self.browser = launch_chromium(playwright)
                stack.callback(self.browser.close)
                d["machine"] = machine.describe(self.browser)
                start_others()
                warm = self.warm(servers)
                stack.callback(lambda: [tab.close() for tab in warm.values()])  # those not handed on
                d["servers"] = {n: {"pid": s.pid, "error": s.error} for n, s in servers.items()}
                app = servers["app"]
                if not app.url or not self.finish_warm(warm, "app", LOAD_TIMEOUT):
                    return
            with phase(d, f"app: memory, 1 and {self.plan.sessions} sessions"):
                results["memory"] = self.memory(app, warm["app"].page)
            with phase(d, "wait for the other warm-up loads"):
                ok_naive = self.finish_warm(warm, "naive", LOAD_TIMEOUT)
                ok_floor = self.finish_warm(warm, "floor", LOAD_TIMEOUT)
                ok_scale = self.finish_warm(warm, "scale", SCALE_WARM_TIMEOUT) if self.scale else False
                for name in ("app", "floor", "scale"):
                    if name in warm:
                        with contextlib.suppress(Exception):
                            self.note_generated(name, measure.generated_urls(warm[name].page))
                if "floor" in warm:
                    warm.pop("floor").close()  # the floor pages have no steps
                for name in [n for n, ok in (("naive", ok_naive), ("scale", ok_scale)) if not ok and n in warm]:
                    warm.pop(name).close()

            cold = [ColdSeries("app", measure.view_url(app.url, LOAD_DATE), self.plan.cold, LOAD_TIMEOUT,
                               {"date": LOAD_DATE})]
            if ok_floor:
                floor = servers["floor"].url
                # No row reports the floors' page weight: --quick does not wait for their loads' ends.
                cold += [ColdSeries("floor (map alone)", measure.view_url(floor, LOAD_DATE, floor="map"),
                                    self.plan.floor_cold, LOAD_TIMEOUT, {"date": LOAD_DATE}, weigh_first=False),
                         ColdSeries("floor (empty page)", f"{floor}/?floor=empty", self.plan.floor_cold,
                                    LOAD_TIMEOUT, {"text": FLOOR_TEXT}, weigh_first=False)]
            with phase(d, "cold loads: the dashboard and the floor pages, interleaved"):
                self.cold_loads(cold)
            results["cold"] = cold[0].results
            if ok_floor:
                results["floor_map_cold"], results["floor_empty_cold"] = cold[1].results, cold[2].results
            for name, series in (("app", results["cold"]), ("floor", results.get("floor_map_cold", []))):
                for load in series:
                    self.note_generated(name, load.get("generated"))

            with phase(d, "app: steps on the map's own time bar"):
                results["map_steps"] = self.steps("app (map's time bar)", app.url, self.plan.steps, STEP_TIMEOUT,
                                                  LOAD_TIMEOUT, STEP_QUIET, "map", warm.pop("app"))
            if ok_naive:
                with phase(d, "naive: steps on its slider"):
                    results["naive_steps"] = self.steps("naive", servers["naive"].url, self.plan.naive_steps,
                                                        STEP_TIMEOUT, LOAD_TIMEOUT, NAIVE_STEP_QUIET, "naive_slider",
                                                        warm.pop("naive"))
            if ok_scale:
                with phase(d, "100x: cold loads (and zoom in)"):
                    scale_cold = ColdSeries("scale", measure.view_url(servers["scale"].url, LOAD_DATE),
                                            self.plan.scale_cold, SCALE_LOAD_TIMEOUT,
                                            {"date": LOAD_DATE, "zoom": (DEFAULT.lat, DEFAULT.lon, ZOOM_LEVEL),
                                             "zoom_timeout_ms": ZOOM_TIMEOUT})
                    self.cold_loads([scale_cold])
                    results["scale_cold"] = scale_cold.results
                    for i, load in enumerate(scale_cold.results):
                        self.note_generated("scale", load.get("generated"))
                        if (load.get("zoom") or {}).get("error"):
                            self.errors.append(f"scale cold load {i + 1}: {load['zoom']['error']}")
                with phase(d, "100x: steps on the map's own time bar"):
                    results["scale_map_steps"] = self.steps("scale (map's time bar)", servers["scale"].url,
                                                            self.plan.scale_steps, SCALE_STEP_TIMEOUT,
                                                            SCALE_LOAD_TIMEOUT, STEP_QUIET, "map",
                                                            warm.pop("scale", None))

    def remove_scale_bundle(self, before: set[str]) -> None:
        """The 100x app wrote its runtime script (several MB) and its level-of-detail files under static/generated/.
        Remove them: the files the 100x pages loaded from there and every file their runtime scripts name, except
        those that were there before the run and those the dashboard's or the floor server's pages loaded or
        their runtimes name (the real data's files, kept)."""
        keep = _with_named(self.generated.get("app", set()) | self.generated.get("floor", set()))
        root = GENERATED.resolve()
        for name in sorted(_with_named(self.generated.get("scale", set())) - keep):
            if name.split("/")[0] in before:
                continue
            path = (GENERATED / name).resolve()
            if root not in path.parents or not path.is_file():
                continue
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
                self.details.setdefault("removed", []).append(f"static/generated/{name}")
        if self.details.get("removed"):
            removed = self.details["removed"]
            self.details["removed"] = removed if len(removed) <= 10 else [*removed[:10], f"... {len(removed)} files"]

    # -------------------------------------------------------------------------------------------- figures
    def assemble(self, results: dict, started: float) -> dict:
        rows = self.rows(results)
        return {
            "benchmark": "Karabakh ceasefire map dashboard (python -m bench)",
            "mode": "quick" if self.plan == QUICK else "full",
            "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            "duration_s": round(time.monotonic() - started, 1),
            "machine": self.details.pop("machine", None) or machine.describe(),
            "plan": self.plan.__dict__,
            "metrics": rows,
            "errors": self.errors,
            "blocked_outside_requests": sorted(set(BLOCKED)),
            "details": self.details,
            "runs": results,
        }

    def rows(self, r: dict) -> list[dict]:
        rows = []
        cold, naive, map_steps = r.get("cold", []), r.get("naive_steps", []), r.get("map_steps", [])
        le = lambda limit: (lambda s: s["median"] <= limit)
        median = lambda records, key: report.summary(_series(records, key))["median"]
        floor_empty, floor_map = r.get("floor_empty_cold", []), r.get("floor_map_cold", [])
        empty_median = median(floor_empty, "paint_ms") if floor_empty else None
        over_floor = f"<= empty floor + {OVER_FLOOR_MS}"
        if cold:
            rows.append(row("cold_load", "Cold load: navigation to first map paint", _series(cold, "paint_ms"), "ms",
                            over_floor if empty_median is not None else "",
                            (lambda s: s["median"] <= empty_median + OVER_FLOOR_MS) if empty_median is not None
                            else None))
            rows.append(row("cold_map_delta", "  of which: navigation to the map's delta received (websocket)",
                            _series(cold, "map_delta_ms"), "ms"))
            rows.append(row("cold_runtime", "  of which: navigation to the map's runtime script received",
                            _series(cold, "runtime_ms"), "ms"))
        else:
            rows.append(failed("cold_load", "Cold load: navigation to first map paint", "ms", over_floor,
                               "no cold load finished"))
        # The floors: what Streamlit alone, and Streamlit with the same map component alone, take (no targets).
        if floor_empty:
            rows.append(row("floor_empty", "Floor: empty Streamlit page, cold load", _series(floor_empty, "paint_ms"),
                            "ms"))
        else:
            rows.append(failed("floor_empty", "Floor: empty Streamlit page, cold load", "ms", "",
                               "no cold load of the empty page finished"))
        if floor_map:
            rows.append(row("floor_map", "Floor: the map component alone in Streamlit, cold load",
                            _series(floor_map, "paint_ms"), "ms"))
            rows.append(row("floor_map_delta", "  of which: navigation to the map's delta received (websocket)",
                            _series(floor_map, "map_delta_ms"), "ms"))
            rows.append(row("floor_map_runtime", "  of which: navigation to the map's runtime script received",
                            _series(floor_map, "runtime_ms"), "ms"))
        else:
            rows.append(failed("floor_map", "Floor: the map component alone in Streamlit, cold load", "ms",
                               "", "no cold load of the map-alone page finished"))
        if cold and floor_empty:
            rows.append(single("floor_diff_empty", "Dashboard minus empty floor (difference of medians, same run)",
                               round(median(cold, "paint_ms") - empty_median), "ms", f"<= {OVER_FLOOR_MS}",
                               lambda v: v <= OVER_FLOOR_MS))
        elif cold:
            rows.append(failed("floor_diff_empty", "Dashboard minus empty floor (difference of medians, same run)",
                               "ms", f"<= {OVER_FLOOR_MS}", "no cold load of the empty page finished"))
        if cold and floor_map:
            rows.append(single("floor_diff_map", "Dashboard minus map-alone floor (difference of medians)",
                               round(median(cold, "paint_ms") - median(floor_map, "paint_ms")), "ms"))
        step_target = f"median < {STEP_TARGET_MS}"
        if map_steps:
            rows.append(row("map_step", "Step on the map's own time bar: key press to new day's shapes",
                            _series(map_steps, "step_ms"), "ms", step_target,
                            lambda s: s["median"] < STEP_TARGET_MS))
            rows.append(row("map_step_paint", "  key press to the next frame painted",
                            _series(map_steps, "step_paint_ms"), "ms"))
            rows.append(row("map_step_blank", "  blank map time per step", _series(map_steps, "blank_ms"), "ms", "0",
                            lambda s: s["max"] == 0))
            rows.append(row("map_step_long_tasks", "  main-thread long tasks per step",
                            _series(map_steps, "long_tasks_ms"), "ms"))
            rows.append(row("map_step_bytes", "  websocket bytes per step (the page told afterwards)",
                            _series(map_steps, "bytes_rerun"), "kB", "<= 20", lambda s: s["median"] <= 20, KB))
            rows.append(row("map_step_delta_bytes", "    of which: the map component's delta",
                            _series(map_steps, "map_delta_bytes"), "kB", scale=KB))
            rows.append(single("map_step_swaps", "  the map's element (.kcm-map) replaced during steps",
                               sum(x.get("iframe_swaps", 0) + x.get("container_swaps", 0) for x in map_steps), "times",
                               "0", lambda v: v == 0))
            rows.append(single("map_step_lost", "  steps lost or undone (day never shown, or reverted)",
                               sum(bool(x.get("lost")) for x in map_steps), "steps", "0", lambda v: v == 0))
        else:
            rows.append(failed("map_step", "Step on the map's own time bar: key press to new day's shapes", "ms",
                               step_target, "no step finished"))
        if naive:
            rows.append(row("naive_step", "Naive page (map rebuilt): timeline step on its slider",
                            _series(naive, "step_ms"), "ms"))
            rows.append(row("naive_blank", "Naive page: blank map time per step", _series(naive, "blank_ms"), "ms"))
            rows.append(row("naive_step_bytes", "Naive page: step payload to map update",
                            _series(naive, "bytes_to_map"), "kB", scale=KB))
            rows.append(single("naive_swaps", "Naive page: map container replaced during steps",
                               sum(x.get("iframe_swaps", 0) + x.get("container_swaps", 0) for x in naive), "times"))
        if naive and map_steps:
            a, b = median(map_steps, "step_ms"), median(naive, "step_ms")
            rows.append(single("map_speedup", "Naive / app step median, on the map's own time bar",
                               round(b / a, 1) if a else None, "x", ">= 3", lambda v: v >= 3))
        if cold:
            rows.append(row("page_weight", "Page weight at cold load (HTTP, encoded)", _series(cold, "http_bytes"),
                            "kB", scale=KB))
            rows.append(row("load_ws", "Websocket bytes to first paint", _series(cold, "ws_bytes_to_paint"), "kB",
                            scale=KB))
        memory = r.get("memory") or {}
        if memory.get("rss_1"):
            rows.append(row("rss_1", "Server RSS, 1 session", memory["rss_1"], "MB", "<= 400", le(400)))
        if memory.get("rss_n"):
            n = memory["sessions"]
            rows.append(row("rss_n", f"Server RSS, {n} sessions", memory["rss_n"], "MB"))
            one = report.summary(memory["rss_1"])["median"]
            many = report.summary(memory["rss_n"])["median"]
            rows.append(single("rss_per_session", "Server RSS per extra session", round((many - one) / (n - 1), 2),
                               "MB", "<= 10", lambda v: v <= 10))
        elif "memory" in r:
            rows.append(failed("rss_per_session", "Server RSS per extra session", "MB", "<= 10",
                               "sessions did not all load"))
        if self.scale:
            rows += self.scale_rows(r)
        return rows

    def scale_rows(self, r: dict) -> list[dict]:
        rows = []
        label = f"{SCALE_FACTOR}x data"
        scold, smap = r.get("scale_cold", []), r.get("scale_map_steps", [])
        if scold:
            rows.append(row("scale_cold_load", f"{label}: cold load", _series(scold, "paint_ms"), "ms", "<= 3000",
                            lambda s: s["median"] <= 3000))
            rows.append(row("scale_page_weight", f"{label}: page weight (HTTP, encoded)",
                            _series(scold, "http_bytes"), "kB", scale=KB))
            rows.append(row("scale_generated_bytes", f"{label}: bytes fetched from {GENERATED_PATH} (cold load)",
                            _series(scold, "generated_bytes"), "kB", scale=KB))
            zooms = [x["zoom"] for x in scold if x.get("zoom")]
            used = sorted({z["zoom"] for z in zooms if z.get("zoom") is not None}) or [ZOOM_LEVEL]
            zoom_label = (f"{label}: zoom in to {'/'.join(map(str, used))}: setZoom to full detail drawn "
                          f"(data-kcm-lod 2)")
            if zooms and all(z.get("skipped") for z in zooms):
                rows.append(na("scale_zoom", zoom_label, "ms", zooms[0]["skipped"]))
            elif any(z.get("zoom_ms") is not None for z in zooms):
                rows.append(row("scale_zoom", zoom_label, [z.get("zoom_ms") for z in zooms], "ms"))
                rows.append(row("scale_zoom_paint", "  setZoom to the next frame painted",
                                [z.get("zoom_paint_ms") for z in zooms], "ms"))
                rows.append(row("scale_zoom_bytes", f"  bytes fetched from {GENERATED_PATH} for it",
                                [z.get("zoom_bytes") for z in zooms], "kB", scale=KB))
            else:
                rows.append(failed("scale_zoom", zoom_label, "ms", "", "no zoom in finished"))
        else:
            rows.append(failed("scale_cold_load", f"{label}: cold load", "ms", "<= 3000", "the 100x app did not load"))
        if smap:
            rows.append(row("scale_map_step", f"{label}: step on the map's own time bar", _series(smap, "step_ms"),
                            "ms", "<= 250", lambda s: s["median"] <= 250))
            rows.append(row("scale_map_step_paint", "  key press to the next frame painted",
                            _series(smap, "step_paint_ms"), "ms"))
            rows.append(row("scale_map_blank", f"{label}: blank map time per step", _series(smap, "blank_ms"), "ms",
                            "0", lambda s: s["max"] == 0))
            rows.append(row("scale_map_long_tasks", f"{label}: main-thread long tasks per step",
                            _series(smap, "long_tasks_ms"), "ms"))
        else:
            rows.append(failed("scale_map_step", f"{label}: step on the map's own time bar", "ms", "<= 250",
                               "no step finished at 100x"))
        return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions: under a minute on two cores")
    parser.add_argument("--out", type=Path, metavar="FILE", help="also write the figures as JSON to FILE")
    parser.add_argument("--no-scale", action="store_true", help="skip the 100x data run")
    args = parser.parse_args(argv)
    # A plain `kill` must still end the servers and the browser (the ExitStack's exits run on SystemExit).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    run = Run(QUICK if args.quick else FULL, scale=not args.no_scale)
    try:
        result = run.go()
    except Exception:  # noqa: BLE001 - say what broke, keep whatever was measured
        traceback.print_exc()
        run.errors.append("the benchmark crashed: " + traceback.format_exc().strip().splitlines()[-1])
        result = run.assemble({}, time.monotonic())
    print(report.table(result["metrics"]))
    print(f"\n{result['mode']} run, {result['duration_s']} s, {result['date']}")
    for error in result["errors"]:
        print(f"ERROR: {error}")
    if result["blocked_outside_requests"]:
        print(f"Outside requests blocked: {', '.join(result['blocked_outside_requests'])}")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=1, default=str), encoding="utf-8")
        print(f"JSON: {args.out}")
    return 1 if result["errors"] else 0
