"""`python -m bench [--quick] [--out FILE] [--no-scale]`: run the benchmark, print the table, write the JSON.

Order of a run:
1. the 100x data folder is written; three servers start at once (the dashboard, the naive page, the dashboard
   on 100x data) and each gets one throwaway load (its caches filled: "server warm"). Those pages stay open;
2. server memory: RSS with the dashboard's throwaway page as the only session, then with 19 more pages open
   (20 sessions; 5 with --quick). This overlaps the other servers' warm-up, which does not touch the
   dashboard's process;
3. with every server idle: cold loads of the dashboard, its timeline steps, the naive page's steps, then cold
   loads and steps at 100x. One measurement at a time, so that they do not share the two cores. Each series of
   steps starts on its server's throwaway page (already at LOAD_DATE), which saves a page load.
"""
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import signal
import sys
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

from bench import machine, measure, report, scaledata
from bench.pages import BLOCKED, collect_blocked
from bench.report import KB, failed, row, single
from bench.servers import Running, Server, start_all
from bench.support import REPO_ROOT, launch_chromium

APP = REPO_ROOT / "app.py"
NAIVE = Path(__file__).resolve().parent / "naive_app.py"
GENERATED = REPO_ROOT / "static" / "generated"
LOAD_DATE = "2020-11-10"  # the ceasefire: every layer has features that day
# (low, high, start): the steps walk right and left between low and high; the first range starts where the
# warm-up page was opened (LOAD_DATE), so that page serves for it.
STEP_RANGES = [("2020-11-08", "2020-11-12", LOAD_DATE), ("2020-10-14", "2020-10-18", "2020-10-16")]
SCALE_FACTOR = 100


@dataclass(frozen=True)
class Plan:
    cold: int
    steps: int
    naive_steps: int
    scale_cold: int
    scale_steps: int
    ranges: int  # how many of STEP_RANGES the steps are spread over (each costs a page load)
    sessions: int = 20
    weigh_all: bool = True  # wait for the whole load (page weight) on every cold load, or on the first only
    scale_slider: bool = True  # at 100x, also step with the page's slider (a rerun each), not only the map's own


QUICK = Plan(cold=2, steps=5, naive_steps=3, scale_cold=1, scale_steps=2, ranges=1, sessions=3, weigh_all=False,
             scale_slider=False)
FULL = Plan(cold=12, steps=60, naive_steps=16, scale_cold=5, scale_steps=16, ranges=2, sessions=20)

# Timeouts (ms). The 100x page loads a bundle of several MB and renders thousands of claims.
LOAD_TIMEOUT = 120_000
SCALE_LOAD_TIMEOUT = 300_000
STEP_TIMEOUT = 30_000
SCALE_STEP_TIMEOUT = 60_000
# After a step, the next key press waits for the run to finish and the socket to be quiet this long (s). The
# naive page's component sends its value back after each new map (a second run), so it waits longer.
STEP_QUIET = 0.4
NAIVE_STEP_QUIET = 0.8


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


@contextlib.contextmanager
def phase(details: dict, name: str):
    """Log a phase and keep its wall time in details["phases_s"]."""
    log(name)
    started = time.monotonic()
    try:
        yield
    finally:
        details.setdefault("phases_s", {})[name] = round(time.monotonic() - started, 1)


def _series(records: list[dict], key: str) -> list:
    return [r[key] for r in records if r.get(key) is not None and not r.get("lost")]


class Run:
    def __init__(self, plan: Plan, scale: bool = True):
        self.plan = plan
        self.scale = scale
        self.errors: list[str] = []
        self.details: dict = {}
        self.browser = None
        self.bundles: dict[str, list[str]] = {}

    # -------------------------------------------------------------------------------------------- set-up
    def start(self, stack: contextlib.ExitStack, tmp: Path) -> dict[str, Server]:
        servers = {"app": Server("app", APP), "naive": Server("naive", NAIVE)}
        running = Running()
        stack.callback(running.stop)
        scale_thread = None
        if self.scale:
            servers["scale"] = Server("scale", APP, env={"KCM_DATA_DIR": str(tmp / "scale")})

            def build_and_start():
                started = time.monotonic()
                try:
                    self.details["scale_data"] = scaledata.build(tmp / "scale", SCALE_FACTOR)
                except Exception as exc:  # noqa: BLE001
                    servers["scale"].error = f"building the 100x data failed: {exc!r}"
                    return
                self.details["scale_data"]["build_s"] = round(time.monotonic() - started, 2)
                start_all(running, [servers["scale"]], timeout=180)

            scale_thread = threading.Thread(target=build_and_start, name="scale")
            scale_thread.start()
        start_all(running, [servers["app"], servers["naive"]], timeout=120)
        if scale_thread:
            scale_thread.join()
        for server in servers.values():
            if server.error:
                self.errors.append(f"server {server.name} did not start: {server.error.splitlines()[0]}")
                log(f"server {server.name} FAILED: {server.error[:2000]}")
        return servers

    def warm(self, servers: dict[str, Server]) -> dict[str, measure.Tab]:
        """One throwaway load per server, all at once. The pages stay open: the dashboard's is the single
        session of the 1-session memory figure, and each then serves its server's first range of steps."""
        tabs = {}
        for name, server in servers.items():
            if server.url:
                tab = tabs[name] = measure.Tab(self.browser)
                tab.open(server.url, LOAD_DATE, LOAD_TIMEOUT)
                tab.started = time.monotonic()
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
                               f"{timeout / 1000:.0f} s ({str(exc).splitlines()[0]})")
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
    def cold_loads(self, name: str, url: str, count: int, timeout: float) -> list[dict]:
        out = []
        for i in range(count):
            try:
                out.append(measure.cold_load(self.browser, url, LOAD_DATE, timeout, weigh=self.plan.weigh_all or not i))
            except Exception as exc:  # noqa: BLE001
                self.errors.append(f"{name} cold load {i + 1}: {str(exc).splitlines()[0]}")
                break
        if out:
            log(f"{name}: cold load median {report.summary(_series(out, 'paint_ms'))['median']:.0f} ms "
                f"over {len(out)}")
        return out

    def steps(self, name: str, url: str, count: int, step_timeout: float, load_timeout: float,
              quiet_s: float, tab: measure.Tab | None = None, control: str = "slider") -> list[dict]:
        results, errors = measure.step_series(self.browser, url, measure.plan(count, STEP_RANGES[: self.plan.ranges]),
                                              load_timeout, step_timeout, quiet_s=quiet_s, tab=tab, control=control)
        self.errors.extend(f"{name} steps: {e}" for e in errors)
        if results:
            log(f"{name}: step median {report.summary(_series(results, 'step_ms'))['median']:.0f} ms "
                f"over {len(results)}")
        return results

    # -------------------------------------------------------------------------------------------- all
    def go(self) -> dict:
        started = time.monotonic()
        generated_before = set(os.listdir(GENERATED)) if GENERATED.is_dir() else set()
        self.details["load_average_before"] = os.getloadavg()
        results: dict = {}
        try:
            self.measure_all(results, generated_before)
        finally:
            self.remove_scale_bundle(generated_before)
        self.details["load_average_after"] = os.getloadavg()
        cpu = os.times()
        # Every process the run started has been waited for by now: the servers, Playwright's driver and Chromium.
        self.details["cpu_s"] = {"bench": round(cpu.user + cpu.system, 1),
                                 "servers_and_browser": round(cpu.children_user + cpu.children_system, 1)}
        return self.assemble(results, started)

    def measure_all(self, results: dict, generated_before: set[str]) -> None:
        d = self.details
        with tempfile.TemporaryDirectory(prefix="kcm-bench-") as tmp, contextlib.ExitStack() as stack:
            with phase(d, "start servers" + (", write the 100x data" if self.scale else "")):
                servers = self.start(stack, Path(tmp))
            d["servers"] = {n: {"pid": s.pid, "error": s.error} for n, s in servers.items()}
            app = servers["app"]
            if not app.url:
                return
            from playwright.sync_api import sync_playwright

            playwright = stack.enter_context(sync_playwright())
            self.browser = launch_chromium(playwright)
            stack.callback(self.browser.close)
            d["machine"] = machine.describe(self.browser)

            with phase(d, "warm-up loads (all servers at once)"):
                warm = self.warm(servers)
                stack.callback(lambda: [tab.close() for tab in warm.values()])  # those not handed on
                if not self.finish_warm(warm, "app", LOAD_TIMEOUT):
                    return
            with phase(d, f"app: memory, 1 and {self.plan.sessions} sessions"):
                results["memory"] = self.memory(app, warm["app"].page)
            with phase(d, "wait for the other warm-up loads"):
                ok_naive = self.finish_warm(warm, "naive", LOAD_TIMEOUT)
                ok_scale = self.finish_warm(warm, "scale", SCALE_LOAD_TIMEOUT) if self.scale else False
                for name in ("app", "scale"):
                    if name in warm:
                        with contextlib.suppress(Exception):
                            self.bundles[name] = warm[name].page.evaluate(measure.BUNDLE_URLS,
                                                                          measure.probes.MAP_IFRAME)
                for name in [n for n, ok in (("naive", ok_naive), ("scale", ok_scale)) if not ok and n in warm]:
                    warm.pop(name).close()

            with phase(d, "app: cold loads"):
                results["cold"] = self.cold_loads("app", app.url, self.plan.cold, LOAD_TIMEOUT)
            with phase(d, "app: steps"):
                results["steps"] = self.steps("app", app.url, self.plan.steps, STEP_TIMEOUT, LOAD_TIMEOUT, STEP_QUIET,
                                              warm.pop("app"))
            with phase(d, "app: steps on the map's own timeline"):
                results["map_steps"] = self.steps("app (map timeline)", app.url, self.plan.steps, STEP_TIMEOUT,
                                                  LOAD_TIMEOUT, STEP_QUIET, control="map")
            if ok_naive:
                with phase(d, "naive: steps"):
                    results["naive_steps"] = self.steps("naive", servers["naive"].url, self.plan.naive_steps,
                                                        STEP_TIMEOUT, LOAD_TIMEOUT, NAIVE_STEP_QUIET, warm.pop("naive"))
            if ok_scale:
                with phase(d, "100x: cold loads"):
                    results["scale_cold"] = self.cold_loads("scale", servers["scale"].url, self.plan.scale_cold,
                                                            SCALE_LOAD_TIMEOUT)
                if self.plan.scale_slider:
                    with phase(d, "100x: steps"):
                        results["scale_steps"] = self.steps("scale", servers["scale"].url, self.plan.scale_steps,
                                                            SCALE_STEP_TIMEOUT, SCALE_LOAD_TIMEOUT, STEP_QUIET,
                                                            warm.pop("scale"))
                with phase(d, "100x: steps on the map's own timeline"):
                    results["scale_map_steps"] = self.steps("scale (map timeline)", servers["scale"].url,
                                                            self.plan.scale_steps, SCALE_STEP_TIMEOUT,
                                                            SCALE_LOAD_TIMEOUT, STEP_QUIET, warm.pop("scale", None),
                                                            control="map")

    def remove_scale_bundle(self, before: set[str]) -> None:
        """The 100x app wrote its data bundle (several MB) under static/generated/: remove that one file."""
        app_bundles = {u.rsplit("/", 1)[-1] for u in self.bundles.get("app", [])}
        for url in self.bundles.get("scale", []):
            name = url.rsplit("/", 1)[-1]
            if name.startswith("map-data.") and name not in before and name not in app_bundles:
                with contextlib.suppress(FileNotFoundError):
                    (GENERATED / name).unlink()
                    self.details.setdefault("removed", []).append(f"static/generated/{name}")

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
        cold, steps, naive = r.get("cold", []), r.get("steps", []), r.get("naive_steps", [])
        le = lambda limit: (lambda s: s["median"] <= limit)
        if cold:
            rows.append(row("cold_load", "Cold load: navigation to first map paint", _series(cold, "paint_ms"), "ms",
                            "<= 1500", le(1500)))
            rows.append(row("cold_iframe", "  of which: navigation to the map's iframe in the page",
                            _series(cold, "iframe_ms"), "ms"))
        else:
            rows.append(failed("cold_load", "Cold load: navigation to first map paint", "ms", "<= 1500",
                               "no cold load finished"))
        if steps:
            rows.append(row("step", "Timeline step: key press to new day's shapes", _series(steps, "step_ms"), "ms",
                            "median <= 60, p90 <= 100", lambda s: s["median"] <= 60 and s["p90"] <= 100))
            rows.append(row("step_blank", "Blank map time per step", _series(steps, "blank_ms"), "ms", "0",
                            lambda s: s["max"] == 0))
            rows.append(row("step_map_message", "  of which: key press to the map's message arriving",
                            _series(steps, "map_message_ms"), "ms"))
            rows.append(row("step_after_message", "  of which: map's message to shapes updated",
                            _series(steps, "map_message_to_map_ms"), "ms"))
            rows.append(row("step_paint", "  key press to the next frame painted", _series(steps, "step_paint_ms"), "ms"))
            rows.append(row("step_long_tasks", "  main-thread long tasks per step", _series(steps, "long_tasks_ms"),
                            "ms"))
            rows.append(single("step_swaps", "Map iframe or container replaced during steps",
                               sum(x.get("iframe_swaps", 0) + x.get("container_swaps", 0) for x in steps), "times",
                               "0", lambda v: v == 0))
            rows.append(single("step_lost", "Steps lost or undone (day never shown, or reverted)",
                               sum(bool(x.get("lost")) for x in steps), "steps", "0", lambda v: v == 0))
        else:
            rows.append(failed("step", "Timeline step: key press to new day's shapes", "ms",
                               "median <= 60, p90 <= 100", "no step finished"))
        map_steps = r.get("map_steps", [])
        if map_steps:
            rows.append(row("map_step", "Timeline step on the map's own control: key press to new day's shapes",
                            _series(map_steps, "step_ms"), "ms", "median <= 60, p90 <= 100 (stretch 20)",
                            lambda s: s["median"] <= 60 and s["p90"] <= 100))
            rows.append(row("map_step_paint", "  key press to the next frame painted",
                            _series(map_steps, "step_paint_ms"), "ms"))
            rows.append(row("map_step_blank", "  blank map time per step", _series(map_steps, "blank_ms"), "ms", "0",
                            lambda s: s["max"] == 0))
            rows.append(row("map_step_bytes", "  websocket bytes per step (the page told afterwards)",
                            _series(map_steps, "bytes_rerun"), "kB", "<= 20", lambda s: s["median"] <= 20, KB))
            rows.append(single("map_step_lost", "  steps lost or undone", sum(bool(x.get("lost")) for x in map_steps),
                               "steps", "0", lambda v: v == 0))
        if naive and map_steps:
            a = report.summary(_series(map_steps, "step_ms"))["median"]
            b = report.summary(_series(naive, "step_ms"))["median"]
            rows.append(single("map_speedup", "Naive / app step median, on the map's own control",
                               round(b / a, 1) if a else None, "x", ">= 3", lambda v: v >= 3))
        if naive:
            rows.append(row("naive_step", "Naive page (map rebuilt): timeline step", _series(naive, "step_ms"), "ms"))
            rows.append(row("naive_blank", "Naive page: blank map time per step", _series(naive, "blank_ms"), "ms"))
        if naive and steps:
            a = report.summary(_series(steps, "step_ms"))["median"]
            b = report.summary(_series(naive, "step_ms"))["median"]
            rows.append(single("speedup", "Naive / app step median", round(b / a, 2) if a else None, "x", ">= 3",
                               lambda v: v >= 3))
        if steps:
            rows.append(row("step_bytes", "Step payload: websocket bytes, key press to map update",
                            _series(steps, "bytes_to_map"), "kB", "<= 20", lambda s: s["median"] <= 20, KB))
            rows.append(row("step_bytes_rerun", "Step payload: websocket bytes, whole rerun",
                            _series(steps, "bytes_rerun"), "kB", scale=KB))
        if naive:
            rows.append(row("naive_step_bytes", "Naive page: step payload to map update",
                            _series(naive, "bytes_to_map"), "kB", scale=KB))
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
            label = f"{SCALE_FACTOR}x data"
            scold, ssteps = r.get("scale_cold", []), r.get("scale_steps", [])
            if scold:
                rows.append(row("scale_cold_load", f"{label}: cold load", _series(scold, "paint_ms"), "ms", "<= 3000",
                                le(3000)))
                rows.append(row("scale_page_weight", f"{label}: page weight (HTTP, encoded)",
                                _series(scold, "http_bytes"), "kB", scale=KB))
            else:
                rows.append(failed("scale_cold_load", f"{label}: cold load", "ms", "<= 3000",
                                   "the 100x app did not load"))
            if ssteps:
                rows.append(row("scale_step", f"{label}: timeline step", _series(ssteps, "step_ms"), "ms", "<= 250",
                                le(250)))
                rows.append(row("scale_blank", f"{label}: blank map time per step", _series(ssteps, "blank_ms"), "ms",
                                "0", lambda s: s["max"] == 0))
                rows.append(row("scale_long_tasks", f"{label}: main-thread long tasks per step",
                                _series(ssteps, "long_tasks_ms"), "ms"))
                rows.append(row("scale_step_bytes", f"{label}: step payload to map update",
                                _series(ssteps, "bytes_to_map"), "kB", scale=KB))
            smap = r.get("scale_map_steps", [])
            if smap:
                rows.append(row("scale_map_step", f"{label}: step on the map's own control", _series(smap, "step_ms"),
                                "ms", "<= 250", le(250)))
            elif self.plan.scale_slider:
                rows.append(failed("scale_step", f"{label}: timeline step", "ms", "<= 250",
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
