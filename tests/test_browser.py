"""The dashboard in a real browser: `streamlit run app.py` opened in Debian's headless Chromium.

One server and one Chromium serve the whole module; every test gets a fresh browser context in which any
request that would leave this machine is aborted and recorded, and it ends by asserting that none was made
and that no local response failed. Waits are on DOM conditions only: the map's `.leaflet-container` carries
data-kcm-date / data-kcm-visible / data-kcm-selected, written last after every state change. The map is a Streamlit
component mounted in the page's own document (no iframe): its `.kcm-map` element is the Leaflet container, and
`window.KCM.controller` is its controller (`.map` the Leaflet map).

Run: .venv/bin/python -m pytest tests/test_browser.py -q -x
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
import time
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from browser_support import LOCAL_HOSTS, REPO_ROOT, block_outside_requests, streamlit_server
from geo import claims as claims_mod
from geo.catalog import LAYERS_BY_ID
from geo.view import DEFAULT

pytestmark = pytest.mark.browser

MAP = ".kcm-map.leaflet-container"  # the map component's element, which is Leaflet's container
COPY_IFRAME = 'iframe[title="st.iframe"]'
DAY = ".st-key-day"  # the day the page says it shows, above the map
ALERT = '[data-testid="stAlert"]'
ARTIFACTS = REPO_ROOT / "artifacts"
FIRST_LOAD_MS = 60_000  # the first page of a fresh server builds the data bundle
STEP_MS = 20_000
TOL = 1e-3

# Streamlit's front end, opened at /claims or /sources, first probes <sub-path>/_stcore/{health,host-config}
# to find the server's base path; those answer 404 before it tries the root. Nothing else may fail.
STREAMLIT_PROBE = re.compile(r"^/[^/]+(?:/[^/]+)*/_stcore/(?:health|host-config)$")

# Records every URL the top page's history goes through (the map component writes it with the History API).
RECORD_HISTORY = """(() => {
  if (window !== window.top) return;
  window.__kcm_urls = [location.href];
  for (const name of ["pushState", "replaceState"]) {
    const original = history[name];
    history[name] = function (...args) {
      const result = original.apply(this, args);
      window.__kcm_urls.push(location.href);
      return result;
    };
  }
})();"""


# --------------------------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def base_url():
    with streamlit_server(REPO_ROOT / "app.py") as url:
        yield url


class Session:
    """A fresh browser context with the outside blocked, and what it saw."""

    def __init__(self, browser, base_url: str, **context_options):
        self.base_url = base_url
        self.context = browser.new_context(viewport={"width": 1500, "height": 1000}, **context_options)
        self.context.add_init_script(RECORD_HISTORY)
        self.blocked = block_outside_requests(self.context)
        self.responses: list[tuple[int, str]] = []
        self.context.on("response", lambda r: self.responses.append((r.status, r.url)))
        # Requests sent and not yet finished or failed, by URL: what a page is still loading.
        self.pending: dict[str, int] = {}
        self.context.on("request", lambda r: self._count(r.url, 1))
        self.context.on("requestfinished", lambda r: self._count(r.url, -1))
        self.context.on("requestfailed", lambda r: self._count(r.url, -1))
        self.page = self.context.new_page()
        self.page_errors: list[str] = []
        self.page.on("pageerror", lambda e: self.page_errors.append(str(e)))

    def open(self, path: str, date: str | None = None, timeout: float = FIRST_LOAD_MS):
        """Go to `path` and wait until the map has applied a state (of `date` when given)."""
        self.page.goto(self.base_url + path)
        wait_map(self.page, date, timeout=timeout)
        return self.page

    def _count(self, url: str, step: int) -> None:
        self.pending[url] = self.pending.get(url, 0) + step
        if not self.pending[url]:
            del self.pending[url]

    def wait_loaded(self, timeout: float = FIRST_LOAD_MS) -> None:
        """Wait until no request of the page is in flight (the websocket aside), saying which are if they stay."""
        deadline = time.monotonic() + timeout / 1000
        while self.pending:
            assert time.monotonic() < deadline, f"requests still loading after {timeout / 1000:.0f} s: {self.pending}"
            self.page.wait_for_timeout(50)  # lets Playwright's events (the requests' ends) be delivered

    def failed_responses(self) -> list[tuple[int, str]]:
        return [(status, url) for status, url in self.responses
                if status >= 400 and not (status == 404 and STREAMLIT_PROBE.match(urlsplit(url).path))]

    def assert_clean(self) -> None:
        assert self.blocked == [], f"requests that would have left the machine: {self.blocked}"
        outside = [url for _, url in self.responses if urlsplit(url).hostname not in LOCAL_HOSTS]
        assert outside == [], outside
        assert self.failed_responses() == [], self.failed_responses()
        assert self.page_errors == [], f"uncaught errors in the page: {self.page_errors}"


@pytest.fixture
def session(chromium, base_url):
    opened = []

    def make(**context_options) -> Session:
        s = Session(chromium, base_url, **context_options)
        opened.append(s)
        return s

    yield make
    for s in opened:
        s.context.close()


@pytest.fixture(scope="module")
def claims(layers):
    # As the dashboard has them: a group of features (all the cells of a district) stands for its members.
    return claims_mod.with_groups_expanded(claims_mod.load_claims(), layers).set_index("id")


# --------------------------------------------------------------------------------------------- helpers


def leaflet(page, attrs: str = ""):
    """The map's element (the Leaflet container), optionally only while it has these attributes."""
    return page.locator(MAP + attrs)


def in_map(page, css: str):
    """Elements of the map (its controls, tooltips and popups are inside its element)."""
    return page.locator(f"{MAP} {css}")


def paths(page, css: str):
    return in_map(page, f"path{css}")


def map_frame(page):
    """The frame the map lives in: the page's own (main) frame."""
    return page.main_frame


def wait_map(page, date: str | None = None, timeout: float = STEP_MS) -> None:
    leaflet(page, f"[data-kcm-date='{date}']" if date else "[data-kcm-date]").wait_for(state="attached", timeout=timeout)


def query(page) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(page.url).query, keep_blank_values=True))


def wait_query(page, timeout: float = STEP_MS, **expected) -> None:
    """Wait until the page's own query string has these values (None: the key is absent)."""
    page.wait_for_function(
        """(expected) => {
            const params = new URLSearchParams(window.location.search);
            return Object.entries(expected).every(([k, v]) => params.get(k) === v);
        }""",
        arg=expected,
        timeout=timeout,
    )


def wait_query_lacks_layer(page, layer: str, present: bool, timeout: float = STEP_MS) -> None:
    page.wait_for_function(
        """([layer, present]) => {
            const layers = (new URLSearchParams(window.location.search).get("layers") || "").split(",");
            return layers.includes(layer) === present;
        }""",
        arg=[layer, present],
        timeout=timeout,
    )


def wait_acknowledged(page, timeout: float = STEP_MS) -> None:
    """Wait until the server has acknowledged the map's last report (data-kcm-ack caught up with data-kcm-seq):
    no run of the page answering an older report is still on its way to the map."""
    page.wait_for_function(
        """(selector) => {
            const el = document.querySelector(selector);
            return Boolean(el) && el.hasAttribute("data-kcm-ack") &&
                Number(el.getAttribute("data-kcm-ack")) >= Number(el.getAttribute("data-kcm-seq"));
        }""",
        arg=MAP,
        timeout=timeout,
    )


def map_view(page) -> dict:
    return map_frame(page).evaluate("""() => { const map = KCM.controller.map;
        return {lat: map.getCenter().lat, lon: map.getCenter().lng, zoom: map.getZoom()}; }""")


def wait_map_at(page, lat: float, lon: float, zoom: int, timeout: float = STEP_MS) -> None:
    """Wait until Leaflet's map (`KCM.controller.map`) is centred at lat/lon at this zoom."""
    try:
        map_frame(page).wait_for_function(
            """([lat, lon, zoom, tol]) => {
                const map = window.KCM && KCM.controller && KCM.controller.map;
                return Boolean(map) && map.getZoom() === zoom &&
                    Math.abs(map.getCenter().lat - lat) < tol && Math.abs(map.getCenter().lng - lon) < tol;
            }""",
            arg=[lat, lon, zoom, TOL],
            timeout=timeout,
        )
    except PlaywrightTimeoutError as exc:
        raise AssertionError(f"the map is at {map_view(page)}, not lat={lat} lon={lon} zoom={zoom} "
                             f"(the address says {query(page)})") from exc


def wait_url_matches_map(page, timeout: float = STEP_MS) -> dict:
    """Wait until the URL's lat/lon/zoom say where the map is; returns the query."""
    try:
        page.wait_for_function(
            """([tol]) => {
                const map = window.KCM && KCM.controller && KCM.controller.map;
                if (!map || !map.getCenter) return false;
                const p = new URLSearchParams(window.location.search);
                const c = map.getCenter();
                return Number(p.get("zoom")) === map.getZoom() &&
                    Math.abs(Number(p.get("lat")) - c.lat) < tol && Math.abs(Number(p.get("lon")) - c.lng) < tol;
            }""",
            arg=[TOL],
            timeout=timeout,
        )
    except PlaywrightTimeoutError as exc:  # say what differs, not just "timeout"
        raise AssertionError(f"the URL {query(page)} does not say where the map is: {map_view(page)}") from exc
    return query(page)


def page_state(page) -> str:
    """What the page and the map show, for a failure message."""
    try:
        container = leaflet(page)
        attrs = {k: container.get_attribute(f"data-kcm-{k}", timeout=2_000) for k in ("date", "visible", "selected")}
        return (f"address {query(page)}; page's day {page.locator(DAY).inner_text(timeout=2_000)!r}; "
                f"map {attrs} at {map_view(page)}")
    except Exception as exc:  # noqa: BLE001 - the message must not hide the failure
        return f"(state unreadable: {exc})"


@contextlib.contextmanager
def expecting(page, what: str):
    """Turn a timeout while waiting for `what` into an assertion that says what the page shows instead."""
    try:
        yield
    except PlaywrightTimeoutError as exc:
        raise AssertionError(f"{what}: timed out; the page shows {page_state(page)}") from exc


def close_views(a: dict, b: dict) -> bool:
    """Same centre (within TOL) and zoom; values may be query strings or numbers."""
    try:
        return (abs(float(a["lat"]) - float(b["lat"])) < TOL and abs(float(a["lon"]) - float(b["lon"])) < TOL
                and int(a["zoom"]) == int(b["zoom"]))
    except (KeyError, ValueError):
        return False


def selected(page) -> set[str]:
    value = leaflet(page).get_attribute("data-kcm-selected") or ""
    return {part for part in value.split(",") if part}


def wait_whole_page(page) -> None:
    """Wait for the page's run after the map's first paint (the claims beside the map, the sidebar): it lays the
    page out anew, which moves the map, so a point measured before it may no longer be over the same shape."""
    page.locator(".st-key-claim_c04").wait_for(timeout=FIRST_LOAD_MS)
    page.locator(".st-key-layer_places").wait_for(timeout=FIRST_LOAD_MS)


def point_inside(page, css: str) -> dict:
    """A point (in the page's viewport coordinates, as page.mouse takes them) where the shape `css` is the
    topmost element of the page."""
    point = map_frame(page).evaluate(
        """(css) => {
            const el = KCM.controller.map.getContainer().querySelector("path" + css);
            const r = el.getBoundingClientRect();
            const steps = 24;
            let best = null;
            for (let i = 1; i < steps; i++) for (let j = 1; j < steps; j++) {
                const x = r.left + r.width * i / steps, y = r.top + r.height * j / steps;
                if (document.elementFromPoint(x, y) !== el) continue;
                const d = Math.hypot(i - steps / 2, j - steps / 2);
                if (!best || d < best.d) best = {x, y, d};
            }
            return best;
        }""",
        css,
    )
    assert point is not None, f"no visible point of path{css} on the map"
    return point


def assert_in_view(page, feature_ids) -> None:
    """The shapes of these features that are drawn have their centres inside the map."""
    in_view = map_frame(page).evaluate(
        """(ids) => {
            const container = KCM.controller.map.getContainer(), box = container.getBoundingClientRect();
            return ids.map(id => [id, container.querySelector("path.kcm-f-" + id)]).filter(([, el]) => el).map(([id, el]) => {
                const r = el.getBoundingClientRect();
                const x = r.left + r.width / 2, y = r.top + r.height / 2;
                return [id, x >= box.left && x <= box.right && y >= box.top && y <= box.bottom];
            });
        }""",
        list(feature_ids),
    )
    assert in_view and all(inside for _, inside in in_view), f"shapes out of view: {in_view}"


def day_text(iso: str) -> str:
    """How the page names a day above the map, e.g. "Tuesday 24 November 2020"."""
    return f"{dt.date.fromisoformat(iso):%A %d %B %Y}"


def page_day(page) -> str:
    return page.locator(DAY).inner_text().split(" · ")[0].strip()


def wait_page_day(page, iso: str, timeout: float = STEP_MS) -> None:
    page.wait_for_function(f"() => (document.querySelector({DAY!r}) || {{innerText: ''}}).innerText.trim()"
                           f".startsWith({day_text(iso)!r})", timeout=timeout)


def alerts_text(page) -> str:
    return "\n".join(page.locator(ALERT).all_inner_texts())


# --------------------------------------------------------------------------------------------- tests


def test_map_renders_its_layers_with_nothing_leaving_localhost(session):
    s = session()
    page = s.open("/?date=2020-11-24", "2020-11-24")
    for layer in ("peacekeeping_zone", "lachin_corridor", "ceded"):
        paths(page, f".kcm-layer-{layer}").first.wait_for(state="attached")
    assert paths(page, ".kcm-f-peacekeeping_zone").count() == 1
    assert paths(page, ".kcm-f-lachin_corridor").count() == 1
    assert {f"kcm-f-ceded_{d}" for d in ("agdam", "kalbajar", "lachin")} <= set(
        paths(page, ".kcm-layer-ceded").evaluate_all("els => els.flatMap(e => [...e.classList])"))
    visible = int(leaflet(page).get_attribute("data-kcm-visible"))
    assert visible == paths(page, ".kcm-feature").count() > 20
    # The address fills in the whole view, says where the map is (the default view), and never went through
    # another view on the way (a sub-pixel rounding of the centre is tolerated).
    view = wait_url_matches_map(page)
    assert close_views(view, {"lat": DEFAULT.lat, "lon": DEFAULT.lon, "zoom": DEFAULT.zoom}), view
    others = [url for url in page.evaluate("window.__kcm_urls")[1:]
              if not close_views(dict(parse_qsl(urlsplit(url).query)), view)]
    assert others == [], f"the address went through other views: {others}"
    # The page's second run (after the map's first frame) and what it loads, on a server that may still be busy
    # with its first page (the bundle is built then).
    page.locator(".st-key-claim_c04").wait_for(timeout=FIRST_LOAD_MS)
    s.wait_loaded()
    # The map's one script: Leaflet, its styles, the controller and the data (geo/mapdata.py runtime_script).
    static = [url for _, url in s.responses if "/app/static/" in url]
    assert len(static) == 1 and re.search(r"/app/static/generated/map-runtime\.[0-9a-f]{16}\.js$", static[0]), static
    assert map_frame(page).evaluate("L.version") == "1.9.3"
    assert map_frame(page).evaluate("getComputedStyle(document.querySelector('.kcm-time')).borderRadius") == "6px"
    s.assert_clean()


def test_a_layer_toggle_hides_and_shows_its_shapes(session):
    s = session()
    page = s.open("/?date=2020-11-24", "2020-11-24")
    captured = paths(page, ".kcm-layer-captured")
    captured.first.wait_for(state="attached")
    shown = captured.count()
    visible = int(leaflet(page).get_attribute("data-kcm-visible"))
    checkbox = page.locator(".st-key-layer_captured input[type=checkbox]")
    assert shown >= 6 and checkbox.is_checked()
    wait_url_matches_map(page)  # the page has settled
    assert "captured" in query(page)["layers"].split(",")
    label = page.locator(".st-key-layer_captured").get_by_text(LAYERS_BY_ID["captured"].title)

    label.click()
    with expecting(page, "unticked 'captured': its shapes gone from the map and the address"):
        wait_query_lacks_layer(page, "captured", present=False)
        captured.first.wait_for(state="detached")
        leaflet(page, f"[data-kcm-visible='{visible - shown}']").wait_for(state="attached")
    assert not checkbox.is_checked()
    assert paths(page, ".kcm-layer-peacekeeping_zone").count() == 1  # the other layers stay
    assert "peacekeeping_zone" in query(page)["layers"].split(",")

    label.click()
    with expecting(page, "ticked 'captured' again: its shapes back on the map and in the address"):
        wait_query_lacks_layer(page, "captured", present=True)
        captured.first.wait_for(state="attached")
        leaflet(page, f"[data-kcm-visible='{visible}']").wait_for(state="attached")
    assert captured.count() == shown
    assert checkbox.is_checked()
    s.assert_clean()


def test_a_step_on_the_time_bar_changes_the_shapes_without_rebuilding_the_map(session):
    s = session()
    page = s.open("/?date=2020-11-08", "2020-11-08")
    shusha = paths(page, ".kcm-f-captured_shusha-shusha")
    shusha.wait_for(state="attached")
    bar = in_map(page, ".kcm-time-range")
    assert page_day(page) == day_text("2020-11-08")
    wait_url_matches_map(page)  # the page has settled
    # Marks that a rebuilt map (a new map element, a new controller, a new Leaflet map) would not carry.
    leaflet(page).evaluate("el => { el.__kcm_marker = 1; }")
    map_frame(page).evaluate("""() => {
        KCM.controller.__marker = 1;
        window.__kcm_map = KCM.controller.map;
        const container = KCM.controller.map.getContainer();
        window.__kcm_gone = 0;
        new MutationObserver(() => { if (!container.isConnected) window.__kcm_gone += 1; })
            .observe(document, {childList: true, subtree: true});
    }""")

    def assert_same_map():
        assert leaflet(page).evaluate("el => el.__kcm_marker") == 1, "the map's element was replaced"
        assert map_frame(page).evaluate("""() => [KCM.controller.__marker, window.__kcm_map === KCM.controller.map,
            KCM.controller.map.getContainer() === document.querySelector('.kcm-map'), KCM.controllers.length,
            window.__kcm_gone]""") == [1, True, True, 1, 0], "the map was rebuilt"

    bar.focus()
    page.keyboard.press("ArrowLeft")
    with expecting(page, "ArrowLeft on the time bar: the map on 2020-11-07, then the page and its address"):
        wait_map(page, "2020-11-07")
        assert shusha.count() == 0
        wait_query(page, date="2020-11-07")
        wait_page_day(page, "2020-11-07")
    assert paths(page, ".kcm-f-captured_jabrayil-city-jabrayil").count() == 1
    assert_same_map()

    page.keyboard.press("ArrowRight")
    with expecting(page, "ArrowRight on the time bar: the map back on 2020-11-08, then the page"):
        wait_map(page, "2020-11-08")
        shusha.wait_for(state="attached")
        wait_query(page, date="2020-11-08")
        wait_page_day(page, "2020-11-08")
    assert_same_map()
    s.assert_clean()


def test_the_maps_own_time_bar_steps_plays_and_tells_the_page(session):
    s = session()
    page = s.open("/?date=2020-11-07", "2020-11-07")
    wait_url_matches_map(page)
    bar = in_map(page, ".kcm-time-range")
    bar.focus()
    page.keyboard.press("ArrowRight")
    with expecting(page, "ArrowRight on the map's time bar: the map on 2020-11-08, then the page"):
        wait_map(page, "2020-11-08")
        paths(page, ".kcm-f-captured_shusha-shusha").wait_for(state="attached")
        wait_query(page, date="2020-11-08")
        wait_page_day(page, "2020-11-08")
        wait_acknowledged(page)  # the page's answer to the step has reached the map: no echo of it is to come
    # Every day the map shows is recorded, so that a day shown for less than a polling interval still counts.
    map_frame(page).evaluate("""() => {
        const container = KCM.controller.map.getContainer();
        window.__kcm_days = [];
        new MutationObserver(() => window.__kcm_days.push(container.getAttribute("data-kcm-date")))
            .observe(container, {attributes: true, attributeFilter: ["data-kcm-date"]});
    }""")
    in_map(page, ".kcm-time-play").click()
    with expecting(page, "Play on the map's time bar: the day moves on by itself"):
        map_frame(page).wait_for_function("() => window.__kcm_days.includes('2020-11-10')", timeout=STEP_MS)
    days = map_frame(page).evaluate("window.__kcm_days")
    shown = [day for i, day in enumerate(days) if i == 0 or days[i - 1] != day]  # a re-applied day counts once
    assert shown[:2] == ["2020-11-09", "2020-11-10"], days  # one day at a time, in order
    in_map(page, ".kcm-time-play").click()  # pause
    stopped = leaflet(page).get_attribute("data-kcm-date")
    with expecting(page, f"paused at {stopped}: the page follows the map"):
        wait_query(page, date=stopped)
        wait_page_day(page, stopped)
    assert stopped >= "2020-11-10" and paths(page, ".kcm-f-peacekeeping_zone").count() == 1
    s.assert_clean()


def test_choosing_a_claim_moves_the_map_and_the_date(session, claims):
    s = session()
    page = s.open("/?date=2020-10-01", "2020-10-01")
    page.locator("[class*='st-key-claim_c']").first.wait_for()
    before = wait_url_matches_map(page)
    shown = page.locator("[class*='st-key-claim_c']").evaluate_all(
        "els => els.map(e => [...e.classList].find(c => c.startsWith('st-key-claim_')).slice('st-key-claim_'.length))")
    candidates = [c for c in shown if len(claims.loc[c, "features"]) and claims.loc[c, "map_date"] != "2020-10-01"]
    assert candidates, f"no claim with a place on the map is shown on 1 Oct: {shown}"
    claim_id = "c04" if "c04" in candidates else candidates[0]
    claim = claims.loc[claim_id]
    button = page.locator(f".st-key-show_{claim_id} button")
    button.scroll_into_view_if_needed()
    button.click()

    with expecting(page, f"claim {claim_id} chosen: the address and the map on its date {claim.map_date}"):
        wait_query(page, date=claim.map_date, claim=claim_id)
        wait_map(page, claim.map_date)
    leaflet(page, f"[data-kcm-selected='{','.join(claim.features)}']").wait_for(state="attached")
    assert selected(page) == set(claim.features)
    page.locator(".st-key-selected_claim").get_by_text(claim_id).wait_for()
    after = wait_url_matches_map(page)
    assert (after["lat"], after["lon"], after["zoom"]) != (before["lat"], before["lon"], before["zoom"])
    assert after["date"] == claim.map_date and after["claim"] == claim_id
    wait_page_day(page, claim.map_date)
    assert_in_view(page, claim.features)
    s.assert_clean()


def test_a_share_link_restores_the_view_in_a_fresh_browser(session):
    a = session(permissions=["clipboard-read", "clipboard-write"])
    page = a.open("/?date=2020-10-20", "2020-10-20")
    page.locator(".st-key-show_c16 button").click()
    with expecting(page, "claim c16 chosen: the address and the map on its date 2020-11-20"):
        wait_query(page, claim="c16", date="2020-11-20")
        wait_map(page, "2020-11-20")
    # The key-date list on the map's time bar: keeps the claim and the centre.
    in_map(page, ".kcm-time-keydate").select_option("2020-10-20")
    with expecting(page, "key date 20 Oct: the address and the map on 2020-10-20, c16 kept, then the page"):
        wait_query(page, claim="c16", date="2020-10-20")
        wait_map(page, "2020-10-20")
        wait_page_day(page, "2020-10-20")  # the page has heard of the day (a faster click: issue 9's race)
    page.locator(".st-key-layer_captured").get_by_text(LAYERS_BY_ID["captured"].title).click()
    with expecting(page, "unticked 'captured': its shapes gone from the map and the address"):
        wait_query_lacks_layer(page, "captured", present=False)
        paths(page, ".kcm-layer-captured").first.wait_for(state="detached")
    link = wait_url_matches_map(page)
    assert link["claim"] == "c16" and link["date"] == "2020-10-20"
    assert (float(link["lat"]), float(link["lon"]), int(link["zoom"])) != (DEFAULT.lat, DEFAULT.lon, DEFAULT.zoom)
    wait_page_day(page, "2020-10-20")
    a_selected = leaflet(page).get_attribute("data-kcm-selected")
    assert set(a_selected.split(",")) == {"lachin_corridor", "place_stepanakert"}

    # The "Copy link" button copies this very address.
    page.frame_locator(COPY_IFRAME).locator("button#copy").click()
    page.wait_for_function("() => document.body.dataset.kcmCopiedLink")
    share_url = page.evaluate("document.body.dataset.kcmCopiedLink")
    assert share_url == page.url
    assert page.evaluate("navigator.clipboard.readText()") == share_url

    b = session()
    other = b.open(urlsplit(share_url).path + "?" + urlsplit(share_url).query, "2020-10-20")
    wait_page_day(other, "2020-10-20")
    assert not other.locator(".st-key-layer_captured input[type=checkbox]").is_checked()
    assert other.locator(".st-key-layer_lachin_corridor input[type=checkbox]").is_checked()
    assert paths(other, ".kcm-layer-captured").count() == 0
    paths(other, ".kcm-layer-contact_line_1994").first.wait_for(state="attached")  # the other layers are drawn
    assert leaflet(other).get_attribute("data-kcm-selected") == a_selected
    wait_map_at(other, float(link["lat"]), float(link["lon"]), int(link["zoom"]))
    after = wait_url_matches_map(other)
    for key in ("date", "layers", "lat", "lon", "zoom", "base", "claim"):
        assert after.get(key) == link.get(key), (key, after.get(key), link.get(key))
    # The app may rewrite B's address, but only to the same view.
    history = other.evaluate("window.__kcm_urls")
    for url in history:
        seen = dict(parse_qsl(urlsplit(url).query))
        changed = {k: (seen[k], link[k]) for k in ("date", "lat", "lon", "zoom", "claim") if k in seen and seen[k] != link[k]}
        assert not changed, f"B's address went through {url}: {changed}"
    a.assert_clean()
    b.assert_clean()


def test_zooming_in_fetches_finer_shapes_for_the_cells_in_view_only(session):
    s = session()
    page = s.open("/?date=2020-11-24", "2020-11-24")
    wait_url_matches_map(page)
    assert leaflet(page).get_attribute("data-kcm-lod") == "0"
    lod = map_frame(page).evaluate("KCM.controller.lod")
    assert [l["min_zoom"] for l in lod["levels"]] == [0, 10, 12]
    coarse = map_frame(page).evaluate("KCM.controller.byId['ceded_lachin'].feature.geometry")
    assert not [url for _, url in s.responses if "/map-lod" in url], "nothing finer is needed at zoom 9"

    # Zoom in on Lachin town, as a reader would with the wheel or the + button.
    map_frame(page).evaluate("KCM.controller.map.setView([39.6389, 46.5464], 12)")
    with expecting(page, "zoom 12: the map fetches level 2 for the cells in view and draws it"):
        leaflet(page, "[data-kcm-lod='2']").wait_for(state="attached", timeout=STEP_MS)
    fetched = sorted({urlsplit(url).path.rsplit("/", 1)[1].split(".")[0]
                      for _, url in s.responses if "/map-lod2-" in url})
    in_view = map_frame(page).evaluate("KCM.controller.cellsInView()")
    assert fetched and {f.removeprefix("map-lod2-") for f in fetched} <= set(in_view), (fetched, in_view)
    assert len(fetched) < len(lod["cells"]) / 2, "a view at zoom 12 needs a few cells, not all of them"
    assert not [url for _, url in s.responses if "/map-lod1-" in url], "level 1 is skipped, not fetched on the way"
    lachin = map_frame(page).evaluate("[KCM.controller.byId['ceded_lachin'].level, KCM.controller.byId['ceded_lachin'].feature.geometry]")
    assert lachin[0] == 2 and len(json.dumps(lachin[1])) > len(json.dumps(coarse))
    drawn_points = map_frame(page).evaluate(
        "KCM.controller.byId['ceded_lachin'].layer.getLayers()[0].getLatLngs().flat(3).length")
    polygons = lachin[1]["coordinates"] if lachin[1]["type"] == "MultiPolygon" else [lachin[1]["coordinates"]]
    # Leaflet drops the point that closes each GeoJSON ring.
    assert drawn_points == sum(len(ring) - 1 for polygon in polygons for ring in polygon), "the drawn path has the finer points"
    assert paths(page, ".kcm-f-ceded_lachin").count() == 1  # still drawn once, never blank
    wait_query(page, zoom="12")

    assert int(leaflet(page).get_attribute("data-kcm-labels")) == len(place_label_boxes(page))
    zoomed_labels = len(place_label_boxes(page))

    # Back out: the finer shapes stay, nothing more is fetched; place names that would overlap are dropped.
    before = len(s.responses)
    map_frame(page).evaluate("KCM.controller.map.setView([39.65, 46.7], 9)")
    leaflet(page, "[data-kcm-lod='0']").wait_for(state="attached")
    wait_query(page, zoom="9")
    assert not [url for _, url in s.responses[before:] if "/map-lod" in url]
    map_frame(page).evaluate("""() => new Promise(r => { const map = KCM.controller.map;
        map.once('zoomend', () => setTimeout(r, 0)); map.setZoom(7); })""")
    boxes = place_label_boxes(page)
    assert 0 < len(boxes) < zoomed_labels
    overlapping = [(a["id"], b["id"]) for i, a in enumerate(boxes) for b in boxes[i + 1:]
                   if a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]]
    assert overlapping == [], overlapping
    s.assert_clean()


def place_label_boxes(page) -> list[dict]:
    return map_frame(page).evaluate("""() => [...KCM.controller.map.getContainer().querySelectorAll('.kcm-place-label')].map(e => {
        const r = e.getBoundingClientRect();
        return {id: e.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom}; })""")


def test_a_broken_detail_file_leaves_the_coarse_map_and_says_so_in_the_popup(session):
    s = session()
    page = s.open("/?date=2020-11-24", "2020-11-24")
    wait_url_matches_map(page)
    # Finer shapes that are not JSON, and details the server fails to give.
    page.route("**/app/static/generated/map-lod*", lambda route: route.fulfill(status=200, body="{not json",
                                                                             content_type="application/json"))
    page.route("**/app/static/generated/map-details-*", lambda route: route.fulfill(status=500, body="boom"))
    visible = leaflet(page).get_attribute("data-kcm-visible")
    map_frame(page).evaluate("KCM.controller.map.setView([39.6389, 46.5464], 12)")
    with expecting(page, "zoom 12 with broken files: the attempt ends and the coarse shapes stay"):
        leaflet(page, ":not([data-kcm-lod-loading])").wait_for(state="attached", timeout=STEP_MS)
        wait_query(page, zoom="12")
    assert leaflet(page).get_attribute("data-kcm-lod") == "0"
    assert map_frame(page).evaluate("KCM.controller.byId['ceded_lachin'].level") == 0
    assert paths(page, ".kcm-feature").count() == int(visible)

    map_frame(page).evaluate("KCM.controller.map.setView([39.65, 46.7], 9)")
    wait_query(page, zoom="9")
    point = point_inside(page, ".kcm-f-peacekeeping_zone")
    page.mouse.click(point["x"], point["y"])
    popup = in_map(page, ".kcm-pop")
    with expecting(page, "a popup whose details cannot be loaded says so"):
        popup.locator(".kcm-pop-failed").wait_for(timeout=STEP_MS)
    assert popup.get_attribute("data-feature") == "peacekeeping_zone"
    assert "Russian peacekeeping zone" in popup.inner_text()  # what the map has is still shown
    assert popup.locator(".kcm-pop-loading").count() == 0
    assert s.blocked == [] and s.page_errors == [], (s.blocked, s.page_errors)


def test_an_invalid_parameter_shows_a_notice_and_the_defaults(session):
    s = session()
    page = s.open("/?date=2020-13-45&zoom=abc&utm_source=news&embed_options=show_toolbar", "2020-11-24")
    page.locator(ALERT).first.wait_for()
    notice = alerts_text(page)
    assert "date" in notice and "2020-13-45" in notice, notice
    assert "zoom" in notice and "abc" in notice, notice
    assert page.locator(f"{ALERT}:has-text('zoom')").count() >= 1
    # A parameter that is not the view's is named in a quiet line, not a warning, and leaves the address;
    # Streamlit's own framing parameter stays.
    page.locator("[data-testid=stCaptionContainer]", has_text="utm_source").wait_for()
    assert "utm_source" not in notice
    wait_query(page, date="2020-11-24", zoom=str(DEFAULT.zoom), utm_source=None, embed_options="show_toolbar")
    wait_page_day(page, "2020-11-24")
    wait_map_at(page, DEFAULT.lat, DEFAULT.lon, DEFAULT.zoom)
    wait_url_matches_map(page)
    s.assert_clean()


def test_hover_and_click_show_a_shapes_names_status_and_sources(session):
    s = session()
    page = s.open("/?date=2020-11-24", "2020-11-24")
    zone = paths(page, ".kcm-f-peacekeeping_zone")
    zone.wait_for(state="attached")
    wait_url_matches_map(page)
    wait_whole_page(page)
    # A real pointer on a point of the zone's own fill (its bounding box's centre may be another shape).
    point = point_inside(page, ".kcm-f-peacekeeping_zone")
    x, y = point["x"], point["y"]

    page.mouse.move(x, y)
    tooltip = in_map(page, ".leaflet-tooltip")
    tooltip.wait_for()
    assert "Russian peacekeeping zone" in tooltip.inner_text()

    page.mouse.click(x, y)
    popup = in_map(page, ".kcm-pop")
    popup.wait_for()
    # The names beyond English, the sources and the quotes come with the cell's details file.
    in_map(page, ".kcm-pop .kcm-pop-loading").wait_for(state="detached")
    assert popup.get_attribute("data-feature") == "peacekeeping_zone"
    names = dict(zip(popup.locator("tr th").all_inner_texts(), popup.locator("tr td").all_inner_texts()))
    assert set(names) >= {"English", "Azerbaijani", "Armenian", "Russian"}, names
    assert re.search(r"[\u0400-\u04FF]", names["Russian"]), names["Russian"]  # Cyrillic
    assert re.search(r"[\u0530-\u058F]", names["Armenian"]), names["Armenian"]  # Armenian script
    assert "ə" in names["Azerbaijani"] or "ü" in names["Azerbaijani"], names["Azerbaijani"]
    assert "observation posts" in names["On 2020-11-24"]  # its status that day (since 15 Nov)
    assert "km²" in names["Area"]
    sources = popup.locator(".kcm-pop-sources").inner_text()
    assert sources.startswith("Sources:") and len(sources) > len("Sources: ") + 5, sources
    links = popup.locator("a.kcm-claim-link")
    assert links.count() >= 1
    for href in links.evaluate_all("els => els.map(a => a.getAttribute('href'))"):
        params = dict(parse_qsl(urlsplit(href).query))
        assert re.fullmatch(r"c\d\d", params["claim"]) and "lat" not in params, href
    s.assert_clean()


def test_hostile_text_in_a_link_stays_text(session):
    s = session()
    page = s.page
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

    page.goto(s.base_url + "/?date=" + quote("<script>alert(1)</script>"))
    wait_map(page, "2020-11-24", timeout=FIRST_LOAD_MS)
    page.locator(f"{ALERT}:has-text('date')").wait_for()
    assert "<script>alert(1)</script>" in alerts_text(page)
    assert page.locator(f"{ALERT} script").count() == 0

    page.goto(s.base_url + "/?claim=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E&layers=%3Csvg%2Fonload%3Dalert(2)%3E")
    wait_map(page, "2020-11-24")
    page.locator(f"{ALERT}:has-text('claim')").wait_for()
    page.locator(f"{ALERT}:has-text('layer')").wait_for()
    notice = alerts_text(page)
    assert "<img src=x onerror=alert(1)>" in notice and "<svg/onload=alert(2)>" in notice, notice
    for frame in page.frames:
        assert frame.evaluate("document.querySelectorAll('img[src=\"x\"], svg[onload], [onerror]').length") == 0, frame.url
    assert selected(page) == set()
    wait_query(page, claim=None)
    assert dialogs == []
    s.assert_clean()


def test_screenshot_of_the_dashboard(session):
    s = session()
    page = s.open("/?date=2020-11-20&claim=c16", "2020-11-20")
    leaflet(page, "[data-kcm-selected='lachin_corridor,place_stepanakert']").wait_for(state="attached")
    paths(page, ".kcm-f-lachin_corridor").wait_for(state="attached")
    page.locator(".st-key-selected_claim").get_by_text("c16").wait_for()
    # A claim link without a centre fits the map to the claim: the corridor fills the view, not the region.
    view = wait_url_matches_map(page)
    assert int(view["zoom"]) > DEFAULT.zoom, f"the map was not fitted to claim c16: {view}"
    assert_in_view(page, ["lachin_corridor", "place_stepanakert"])
    s.wait_loaded()  # every request ended (not network idle, which a fresh server may never reach)
    page.evaluate("document.fonts.ready.then(() => true)")
    ARTIFACTS.mkdir(exist_ok=True)
    target: Path = ARTIFACTS / "dashboard.png"
    page.screenshot(path=str(target))
    assert target.stat().st_size > 50_000
    assert page.viewport_size == {"width": 1500, "height": 1000}
    s.assert_clean()


@pytest.mark.parametrize("renderer", ["svg", "canvas"])
def test_the_standalone_export_draws_offline_with_svg_or_canvas(chromium, renderer):
    """The exported file, opened from disk: every detail inline, nothing fetched. With many features the map
    draws on a canvas (forced here with canvas_above=0): the same shapes, tooltips and popups."""
    import shapely

    from geo import layers as layers_mod, mapdata, mapview, state

    layers, base, claims_frame = layers_mod.load_layers(), layers_mod.load_base(), claims_mod.load_claims()
    runtime = mapdata.runtime_script(mapdata.to_script(mapdata.bundle(layers, base, claims_frame)))
    view = DEFAULT.replace(date=dt.date(2020, 11, 24))
    html = mapview.standalone_html(runtime, view, [], canvas_above=0 if renderer == "canvas" else None)
    context = chromium.new_context(viewport={"width": 1200, "height": 800})
    blocked = block_outside_requests(context)
    requested = []
    context.on("request", lambda r: requested.append(r.url))
    errors = []
    page = context.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_content(html)  # as a file opened from disk: no server behind it
    container = page.locator(".leaflet-container[data-kcm-date='2020-11-24']")
    container.wait_for(state="attached", timeout=STEP_MS)
    assert container.get_attribute("data-kcm-renderer") == renderer
    visible = int(container.get_attribute("data-kcm-visible"))
    assert visible > 20
    features = page.locator("path.kcm-feature")
    if renderer == "svg":
        assert features.count() == visible
    else:
        assert features.count() == 0 and page.locator(".leaflet-kcm-canvas-pane canvas").count() == 1
    # Click inside the peacekeeping zone, away from the lines and places drawn above it.
    zone = layers["peacekeeping_zone"].geometry.iloc[0]
    shown = state.state_on(layers, "2020-11-24")  # what is drawn that day (the zone's cells join "captured" in 2023)
    drawn_above = shapely.union_all([g.buffer(0.02) for g in shown[shown.layer.isin(
        ("lachin_corridor", "transport_links", "places", "settlements", "captured", "sites"))].geometry])
    spot = zone.difference(drawn_above).representative_point()
    box = container.bounding_box()

    def click_zone_spot():
        # The spot is put back in the middle before each click: an opened popup pans the map to fit itself.
        page.mouse.move(0, 0)
        page.wait_for_timeout(700)  # never a double click, which would zoom
        point = page.evaluate("""([lat, lon]) => { const map = window.KCM.controller.map;
            map.setView([lat, lon], 9, {animate: false}); return map.latLngToContainerPoint([lat, lon]); }""",
                              [spot.y, spot.x])
        page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])

    def set_day(day):
        page.evaluate("() => { window.KCM.controller.map.closePopup(); }")
        page.evaluate("""(day) => { const controller = window.KCM.controller;
            controller.apply({date: day, layers: controller.state.layers, selected: []}); }""", day)

    click_zone_spot()
    popup = page.locator(".kcm-pop")
    popup.wait_for(timeout=STEP_MS)
    assert popup.get_attribute("data-feature") == "peacekeeping_zone"
    assert page.locator(".kcm-pop-loading").count() == 0  # the export has its details inline
    names = dict(zip(popup.locator("tr th").all_inner_texts(), popup.locator("tr td").all_inner_texts()))
    assert {"English", "Azerbaijani", "Armenian", "Russian"} <= set(names)
    assert "The article says" in popup.inner_text() or "Sources" in popup.inner_text()
    # On a day before the zone existed, the same spot is not the zone's: a hidden shape takes no clicks.
    set_day("2020-10-01")
    click_zone_spot()
    page.wait_for_timeout(500)
    assert page.locator(".kcm-pop[data-feature='peacekeeping_zone']").count() == 0
    # The control: back on a day of the zone, the same click opens its popup again.
    set_day("2020-11-24")
    click_zone_spot()
    page.locator(".kcm-pop[data-feature='peacekeeping_zone']").wait_for(timeout=STEP_MS)
    assert blocked == [] and errors == []
    assert [url for url in requested if not url.startswith("data:")] == [], requested
    context.close()


# --------------------------------------------------------------------------------------------- settlements


def fill_of(page, css: str) -> str:
    return map_frame(page).evaluate(f"() => KCM.controller.map.getContainer().querySelector('path{css}').getAttribute('fill')")


def test_settlements_take_the_colour_of_their_status_and_open_their_history(session):
    from geo.catalog import STATUSES

    s = session()
    page = s.open("/?date=2020-10-08&lat=39.5167&lon=47.03&zoom=12", "2020-10-08")
    hadrut = ".kcm-f-hadrut-khojavend"
    paths(page, hadrut).wait_for(state="attached")
    assert fill_of(page, hadrut) == STATUSES["held"].colour
    bar = in_map(page, ".kcm-time-range")
    bar.focus()
    page.keyboard.press("ArrowRight")  # 9 Oct: announced by Azerbaijan, denied by the Armenian side
    with expecting(page, "9 Oct: Hadrut's point in the colour of a contested capture"):
        wait_map(page, "2020-10-09")
        paths(page, f"{hadrut}[fill='{STATUSES['contested'].colour}']").wait_for()
    # The chart of the area held marks the day, and its figures are that day's.
    leaflet(page, "[data-kcm-area-day='2020-10-09']").wait_for(state="attached")
    contested = in_map(page, ".kcm-areas-value[data-group='contested']").inner_text()
    assert contested.endswith("km²)") and not contested.startswith("0.0%")
    # Its cell appears with it: the land nearest to Hadrut, drawn as approximate.
    paths(page, ".kcm-f-captured_hadrut-khojavend").wait_for(state="attached")
    map_frame(page).evaluate("() => KCM.controller.byId['hadrut-khojavend'].layer.openPopup()")
    popup = in_map(page, ".kcm-pop[data-feature='hadrut-khojavend']")
    with expecting(page, "Hadrut's popup with its history and the sources' addresses"):
        popup.locator(".kcm-pop-history li").nth(2).wait_for()
    history = popup.locator(".kcm-pop-history").inner_text()
    assert "capture announced" in history and "denied" in history and "confirmed" in history
    links = popup.locator(".kcm-pop-history a")
    assert links.count() >= 5
    for i in range(links.count()):
        assert links.nth(i).get_attribute("href").startswith(("https://", "http://"))
        assert links.nth(i).get_attribute("target") == "_blank"
        assert "noopener" in links.nth(i).get_attribute("rel")
    s.assert_clean()


def test_the_search_box_finds_a_place_by_any_name_and_takes_the_map_there(session):
    s = session()
    page = s.open("/?date=2020-11-24", "2020-11-24")
    box = in_map(page, ".kcm-search-input")
    box.fill("Ստեփանակերտ")
    hit = in_map(page, ".kcm-search-hit[data-place='khankendi-stepanakert-khankendi']")
    with expecting(page, "the map's search box listing Stepanakert/Khankendi for its Armenian name"):
        hit.wait_for()
    hit.click()
    with expecting(page, "the map at Stepanakert with the place selected, then the page and its address"):
        # The place and its cell (which the map draws from 20 Sep 2023, when the town passed to Azerbaijan).
        leaflet(page, "[data-kcm-selected='khankendi-stepanakert-khankendi,captured_khankendi-stepanakert-khankendi']").wait_for(state="attached")
        wait_query(page, place="khankendi-stepanakert-khankendi", zoom="12")
        page.locator(".st-key-selected_place").get_by_text("Khankendi / Stepanakert").wait_for()
    assert abs(float(query(page)["lat"]) - 39.8153) < TOL and abs(float(query(page)["lon"]) - 46.7519) < TOL
    box.fill("xocavend")  # without diacritics
    with expecting(page, "Xocavənd found without its diacritics"):
        in_map(page, ".kcm-search-hit[data-place='khojavend-martuni-khojavend']").wait_for()
    box.fill("<img src=x onerror=alert(1)>")
    in_map(page, ".kcm-search-none").wait_for()
    assert in_map(page, ".kcm-search img").count() == 0  # the text shown, not run
    s.assert_clean()
