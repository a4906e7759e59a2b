"""The map as one component of the page, in a real browser: one owner of the view, Back and Forward, reports
lost or reordered on the wire, popups that fit, claim links that select, and the phone layout.

One `streamlit run app.py` serves the module; each test takes a fresh browser context in which any request
that would leave this machine is aborted. Waits are on conditions only.
"""
from __future__ import annotations

import contextlib
import re
import time
from urllib.parse import parse_qsl, urlsplit

import pytest

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from browser_support import REPO_ROOT, block_outside_requests, streamlit_server
from geo import areas, claims as claims_mod, layers as layers_mod, mapdata, mapview, settlements, state
from geo import view as view_mod

pytestmark = pytest.mark.browser

FIRST_LOAD_MS = 60_000
STEP_MS = 20_000
DESKTOP = {"width": 1400, "height": 900}
PHONE = {"width": 390, "height": 844}
DAY = ".st-key-day"


@pytest.fixture(scope="module")
def base_url(chromium):
    """The server, once its first page has been drawn: that page builds the map's files (tens of seconds on a
    clean clone), and the tests here time what a reader does on a running dashboard, not that."""
    with streamlit_server(REPO_ROOT / "app.py") as url:
        ctx = chromium.new_context()
        block_outside_requests(ctx)
        page = ctx.new_page()
        page.goto(url + "/")
        page.locator(".st-key-claim_c04").wait_for(timeout=3 * FIRST_LOAD_MS)
        ctx.close()
        yield url


@pytest.fixture
def context(chromium):
    made = []

    def make(viewport=DESKTOP):
        ctx = chromium.new_context(viewport=viewport)
        ctx.kcm_blocked = block_outside_requests(ctx)
        ctx.kcm_errors = []
        made.append(ctx)
        return ctx

    yield make
    for ctx in made:
        assert ctx.kcm_blocked == [], ctx.kcm_blocked
        assert ctx.kcm_errors == [], ctx.kcm_errors
        ctx.close()


def open_page(ctx, url: str):
    page = ctx.new_page()
    page.on("pageerror", lambda e: ctx.kcm_errors.append(str(e)))
    page.goto(url)
    page.locator(".leaflet-container[data-kcm-date]").wait_for(state="attached", timeout=FIRST_LOAD_MS)
    return page


def query(page) -> dict:
    return dict(parse_qsl(urlsplit(page.url).query))


# Where the map, the page and the address all say the same day: the view has one owner.
AGREE = """(day) => {
  const map = document.querySelector(".leaflet-container");
  const shown = document.querySelector(".st-key-day");
  const element = document.querySelector(".kcm-map");
  const address = new URLSearchParams(location.search).get("date");
  const spoken = new Date(day + "T00:00:00Z").toLocaleDateString("en-GB", {day: "2-digit", month: "long", year: "numeric", timeZone: "UTC"});
  return map && shown && map.getAttribute("data-kcm-date") === day && address === day &&
    shown.innerText.includes(spoken) && element.getAttribute("data-kcm-ack") === element.getAttribute("data-kcm-seq");
}"""


def wait_agree(page, day: str, timeout: float = STEP_MS) -> None:
    try:
        page.wait_for_function(AGREE, arg=day, timeout=timeout)
    except Exception as exc:
        state = page.evaluate("""() => ({address: location.search, map: document.querySelector('.leaflet-container').getAttribute('data-kcm-date'),
            page: document.querySelector('.st-key-day').innerText, seq: document.querySelector('.kcm-map').getAttribute('data-kcm-seq'),
            ack: document.querySelector('.kcm-map').getAttribute('data-kcm-ack')})""")
        raise AssertionError(f"map, page and address do not all say {day}: {state}") from exc


def map_centre(page) -> tuple[float, float, int]:
    return tuple(page.evaluate("() => { const m = KCM.controller.map, c = m.getCenter(); return [c.lat, c.lng, m.getZoom()]; }"))


# ------------------------------------------------------------------------------------ history and the wire

def test_back_and_forward_walk_through_deliberate_changes_and_not_through_steps(context, base_url):
    page = open_page(context(), base_url + "/?date=2020-11-09")
    wait_agree(page, "2020-11-09")
    start_length = page.evaluate("history.length")
    page.locator(".kcm-time-keydate").select_option("2020-10-20")  # a key date: an entry
    wait_agree(page, "2020-10-20")
    for _ in range(4):  # steps: no entries
        page.locator(".kcm-time-next").click()
    wait_agree(page, "2020-10-24")
    assert page.evaluate("history.length") == start_length + 1
    page.locator(".st-key-claim_c16 button").click()  # a claim beside the map: an entry, with its date and fit
    wait_agree(page, "2020-11-20")
    page.wait_for_function("() => new URLSearchParams(location.search).get('claim') === 'c16'", timeout=STEP_MS)
    fitted = query(page)
    assert page.evaluate("history.length") == start_length + 2 and fitted["zoom"] != "9"

    page.go_back()
    wait_agree(page, "2020-10-24")
    page.wait_for_function("() => !new URLSearchParams(location.search).has('claim')", timeout=STEP_MS)
    page.locator(".st-key-selected_claim").wait_for(state="detached", timeout=STEP_MS)
    assert map_centre(page)[2] == 9
    page.go_back()
    wait_agree(page, "2020-11-09")
    page.go_forward()
    wait_agree(page, "2020-10-24")
    page.go_forward()
    wait_agree(page, "2020-11-20")
    page.locator(".st-key-selected_claim").get_by_text("c16").first.wait_for(timeout=STEP_MS)
    page.wait_for_function("""([lat, lon, zoom]) => { const m = KCM.controller.map, c = m.getCenter();
        return m.getZoom() === zoom && Math.abs(c.lat - lat) < 1e-3 && Math.abs(c.lng - lon) < 1e-3; }""",
                           arg=[float(fitted["lat"]), float(fitted["lon"]), int(fitted["zoom"])], timeout=STEP_MS)


REPORT = re.compile(rb'"seq":(\d+),"query"')


class Wire:
    """The page's websocket to Streamlit, routed through the test: reports of the map can be dropped or held."""

    def __init__(self, page):
        self.drop_next = 0
        self.hold_next = 0
        self.held: list = []
        self.dropped: list[int] = []
        self.forwarded: list[int] = []
        self.server = None
        self.runs_finished = 0
        page.route_web_socket(re.compile(r"/_stcore/stream"), self.route)

    def route(self, ws):
        server = ws.connect_to_server()
        self.server = server

        def from_page(message):
            found = REPORT.search(message) if isinstance(message, bytes) else None
            if found and self.drop_next:
                self.drop_next -= 1
                self.dropped.append(int(found.group(1)))
                return
            if found and self.hold_next:
                self.hold_next -= 1
                self.held.append((int(found.group(1)), message))
                return
            if found:
                self.forwarded.append(int(found.group(1)))
            server.send(message)

        def from_server(message):
            if isinstance(message, bytes):
                with contextlib.suppress(Exception):  # not a ForwardMsg: forwarded all the same
                    if ForwardMsg.FromString(message).WhichOneof("type") == "script_finished":
                        self.runs_finished += 1
            ws.send(message)

        ws.on_message(from_page)
        server.on_message(from_server)

    def release(self):
        for seq, message in self.held:
            self.forwarded.append(seq)
            self.server.send(message)
        self.held = []


def until(page, condition, timeout_s: float = STEP_MS / 1000) -> None:
    """Wait for a condition on the test's side of the wire, letting the page's events run meanwhile."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        page.wait_for_timeout(20)  # hands control to Playwright's event loop: the wire's handlers run


def open_wired(ctx, url: str, day: str):
    """A page whose websocket goes through a Wire, opened at `day` and settled there."""
    page = ctx.new_page()
    page.on("pageerror", lambda e: ctx.kcm_errors.append(str(e)))
    wire = Wire(page)
    page.goto(f"{url}/?date={day}")
    wait_agree(page, day, timeout=FIRST_LOAD_MS)
    return page, wire


def test_a_lost_report_is_sent_again_and_the_page_catches_up(context, base_url):
    page, wire = open_wired(context(), base_url, "2020-11-09")
    wire.drop_next = 1
    page.locator(".kcm-time-next").click()
    page.wait_for_function("() => document.querySelector('.leaflet-container').getAttribute('data-kcm-date') === '2020-11-10'")
    wait_agree(page, "2020-11-10")  # after the map sent it again
    assert wire.dropped == [1] and 1 in wire.forwarded


def test_a_late_report_arriving_after_a_newer_one_changes_nothing(context, base_url):
    page, wire = open_wired(context(), base_url, "2020-11-09")
    wire.hold_next = 1
    page.locator(".kcm-time-next").click()  # report 1 (10 Nov) is held on the wire
    until(page, lambda: wire.held)  # its debounced send went out and is held
    page.locator(".kcm-time-next").click()  # report 2 (11 Nov) goes through
    wait_agree(page, "2020-11-11")
    finished = wire.runs_finished
    wire.release()  # report 1 arrives late
    until(page, lambda: wire.runs_finished > finished)  # the server has run with it
    wait_agree(page, "2020-11-11")
    assert [seq for seq in wire.forwarded if seq in (1, 2)] == [2, 1]


# ------------------------------------------------------------------------------------------ popups

def popup_fits(page) -> dict:
    return page.evaluate("""() => {
      const map = document.querySelector(".leaflet-container").getBoundingClientRect();
      const popup = document.querySelector(".leaflet-popup");
      if (!popup) return {open: false};
      const box = popup.querySelector(".leaflet-popup-content-wrapper").getBoundingClientRect();
      const overlaps = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
      const covering = [...document.querySelectorAll(".leaflet-control")].filter(c => overlaps(c.getBoundingClientRect(), box))
        .map(c => c.className);
      return {open: true, inside: box.left >= map.left - 1 && box.right <= map.right + 1 && box.top >= map.top - 1 &&
                                  box.bottom <= map.bottom + 1,
              narrowEnough: box.width <= window.innerWidth, covering, height: box.height, width: box.width};
    }""")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("feature", ["hadrut-khojavend", "lachin_corridor", "ceded_kalbajar"])
def test_popups_stay_inside_the_map_clear_of_its_controls(context, base_url, viewport, feature):
    page = open_page(context(viewport), base_url + "/?date=2020-11-24")
    page.locator(".kcm-map").scroll_into_view_if_needed()
    page.evaluate("(id) => KCM.controller.byId[id].layer.openPopup()", feature)
    page.locator(f".kcm-pop[data-feature='{feature}']").wait_for(timeout=STEP_MS)
    page.wait_for_function("() => !document.querySelector('.kcm-pop-loading')", timeout=STEP_MS)
    try:
        page.wait_for_function("""() => { const map = document.querySelector('.leaflet-container').getBoundingClientRect();
            const box = document.querySelector('.leaflet-popup-content-wrapper').getBoundingClientRect();
            const clear = [...document.querySelectorAll('.leaflet-control')].every(c => { const r = c.getBoundingClientRect();
              return !(r.left < box.right && box.left < r.right && r.top < box.bottom && box.top < r.bottom); });
            return clear && box.top >= map.top - 1 && box.bottom <= map.bottom + 1 && box.left >= map.left - 1 &&
              box.right <= map.right + 1; }""", timeout=STEP_MS)
    except Exception as exc:
        raise AssertionError(f"the popup of {feature} does not fit: {popup_fits(page)}") from exc
    fit = popup_fits(page)
    assert fit["narrowEnough"] and fit["covering"] == []
    # It scrolls rather than grow: its content is no taller than the room it was given.
    assert page.evaluate("() => { const c = document.querySelector('.leaflet-popup-content'); return c.scrollHeight >= c.clientHeight; }")
    page.locator(".leaflet-popup-close-button").click()
    if viewport is DESKTOP:  # the legend folded for the popup comes back when it closes
        page.locator(".kcm-legend:not(.kcm-legend-closed)").wait_for(timeout=STEP_MS)


def test_a_claim_link_in_a_popup_selects_the_claim_in_the_page(context, base_url):
    page = open_page(context(), base_url + "/?date=2020-11-24")
    before = page.evaluate("history.length")
    page.evaluate("() => KCM.controller.byId['lachin_corridor'].layer.openPopup()")
    link = page.locator(".kcm-pop a.kcm-claim-link[data-claim='c16']")
    link.wait_for(timeout=STEP_MS)
    assert "claim=c16" in link.get_attribute("href")  # for a reader who opens it in a new tab
    link.click()
    wait_agree(page, "2020-11-20")
    page.wait_for_function("() => new URLSearchParams(location.search).get('claim') === 'c16'", timeout=STEP_MS)
    page.locator(".st-key-selected_claim").get_by_text("c16").first.wait_for(timeout=STEP_MS)
    page.wait_for_function("() => document.querySelector('.leaflet-container').getAttribute('data-kcm-selected').split(',').includes('lachin_corridor')",
                           timeout=STEP_MS)
    assert page.url.startswith(base_url + "/?")  # the same page, not the component's own index.html
    assert page.evaluate("history.length") == before + 1


def export_file(tmp_path, date="2020-11-24") -> str:
    loaded = layers_mod.load_layers()
    base = layers_mod.load_base()
    claims = claims_mod.with_groups_expanded(claims_mod.load_claims(), loaded)
    records = settlements.load()
    full = mapdata.bundle(loaded, base, claims, records.sources, areas.series(areas.pieces(loaded, base["cells"])),
                          records.settlements)
    listed = claims_mod.to_records(claims)  # as the page's export button passes them
    view = view_mod.DEFAULT.replace(date=state.parse_date(date))
    page = mapview.standalone_html(mapdata.runtime_script(mapdata.to_script(full)), view, [], listed)
    path = tmp_path / "export.html"
    path.write_text(page, encoding="utf-8")
    return path.as_uri()


def test_a_claim_link_in_the_exported_file_selects_the_claim_in_place(context, tmp_path):
    ctx = context()
    page = ctx.new_page()
    page.on("pageerror", lambda e: ctx.kcm_errors.append(str(e)))
    page.goto(export_file(tmp_path))
    page.locator(".leaflet-container[data-kcm-date='2020-11-24']").wait_for(state="attached", timeout=STEP_MS)
    page.evaluate("() => KCM.controller.byId['lachin_corridor'].layer.openPopup()")
    page.locator(".kcm-pop a.kcm-claim-link[data-claim='c16']").click()
    page.locator(".leaflet-container[data-kcm-claim='c16'][data-kcm-date='2020-11-20']").wait_for(state="attached",
                                                                                                   timeout=STEP_MS)
    box = page.locator(".kcm-claim-box")
    assert "c16" in box.inner_text() and box.is_visible()
    assert page.evaluate("location.hash") == "#claim=c16" and page.url.startswith("file://")
    assert "lachin_corridor" in page.locator(".leaflet-container").get_attribute("data-kcm-selected").split(",")
    # The file reopens at the claim.
    page.reload()
    page.locator(".leaflet-container[data-kcm-claim='c16'][data-kcm-date='2020-11-20']").wait_for(state="attached",
                                                                                                   timeout=STEP_MS)
    box.locator(".kcm-claim-close").click()
    page.locator(".leaflet-container[data-kcm-claim='']").wait_for(state="attached", timeout=STEP_MS)


# ------------------------------------------------------------------------------------------ the phone

def test_the_phone_layout(context, base_url):
    page = open_page(context(PHONE), base_url + "/?date=2020-11-24")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # nothing scrolls sideways
    assert page.locator(".kcm-legend").get_attribute("class").split().count("kcm-legend-closed") == 1
    boxes = page.evaluate("""() => Object.fromEntries([['map', '.leaflet-container'], ['zoom', '.leaflet-control-zoom'],
        ['time', '.kcm-time'], ['attribution', '.leaflet-control-attribution'], ['search', '.kcm-search']]
        .map(([k, s]) => [k, document.querySelector(s).getBoundingClientRect().toJSON()]))""")
    map_box, zoom, time_bar, attribution = boxes["map"], boxes["zoom"], boxes["time"], boxes["attribution"]
    assert time_bar["top"] >= zoom["bottom"]  # below the zoom buttons
    assert time_bar["width"] >= map_box["width"] - 30 and time_bar["right"] <= map_box["right"]  # spans the map
    assert time_bar["bottom"] <= attribution["top"] and boxes["search"]["top"] >= time_bar["bottom"]
    # "Show on map" below the map brings the map into view.
    button = page.locator(".st-key-claim_c16 button")
    button.scroll_into_view_if_needed()
    assert page.locator(".kcm-map").bounding_box()["y"] + 200 < 0  # the map is out of sight above
    button.click()
    page.wait_for_function("() => { const r = document.querySelector('.kcm-map').getBoundingClientRect();"
                           " return r.top > -5 && r.top < window.innerHeight / 3; }", timeout=STEP_MS)
    wait_agree(page, "2020-11-20")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


# ------------------------------------------------------------------------------------------ the base map

def test_a_web_base_map_rebuilds_the_map_on_its_shell_and_keeps_the_view(chromium, base_url):
    """Another base map is another folium shell: the map is made again with it, at the same day and view, and
    the choice is a history entry. Its tiles are outside requests, which the guard aborts (no network here)."""
    ctx = chromium.new_context(viewport=DESKTOP)
    blocked = block_outside_requests(ctx)
    errors = []
    page = ctx.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(base_url + "/?date=2020-11-12")
    wait_agree(page, "2020-11-12", timeout=FIRST_LOAD_MS)
    offline_id = page.locator(".kcm-map").get_attribute("id")
    before = page.evaluate("history.length")
    page.locator("[data-testid=stSidebar]").get_by_text("OpenStreetMap (online only)").click()
    page.wait_for_function("(id) => { const m = document.querySelector('.kcm-map'); return m && m.id !== id &&"
                           " Number(m.getAttribute('data-kcm-visible')) > 20; }", arg=offline_id, timeout=STEP_MS)
    wait_agree(page, "2020-11-12")
    assert query(page)["base"] == "osm" and page.evaluate("history.length") == before + 1
    assert page.locator(".kcm-map").count() == 1 and page.evaluate("KCM.controllers.length") == 1
    assert blocked and all("tile.openstreetmap.org" in url for url in blocked)
    # The tiles cannot load (no network): the map says so, and its own offline layer is still drawn.
    notice = page.locator(".kcm-map .kcm-tiles-failed")
    notice.wait_for(timeout=STEP_MS)
    assert "cannot be loaded" in notice.inner_text() and notice.get_attribute("role") == "status"
    assert page.locator(".kcm-map").get_attribute("data-kcm-tiles") == "failed"
    page.wait_for_function("() => [...document.querySelectorAll('.kcm-map path.kcm-base-country')].some("
                           "p => p.getAttribute('fill-opacity') === '1')", timeout=STEP_MS)
    page.go_back()
    page.wait_for_function("(id) => document.querySelector('.kcm-map').id === id", arg=offline_id, timeout=STEP_MS)
    page.wait_for_function("() => new URLSearchParams(location.search).get('base') === 'none'", timeout=STEP_MS)
    # The sidebar follows: its base map choice is the offline one again.
    page.wait_for_function("() => { const r = document.querySelector('[data-testid=stSidebar] .st-key-base "
                           "input[type=radio]'); return r && r.checked; }", timeout=STEP_MS)
    assert page.locator(".kcm-map .kcm-tiles-failed").count() == 0  # the offline map has no tiles to miss
    assert errors == []
    ctx.close()


# ------------------------------------------------------------------------------------ the timeline to 2026

def test_the_time_bar_gives_the_war_room_and_steps_through_the_years_after(context, base_url):
    page = open_page(context(), base_url + "/?date=2021-06-01")
    wait_agree(page, "2021-06-01")
    # The periods under the bar, each as wide as its share; the day's period is marked.
    strip = page.evaluate("""() => [...document.querySelectorAll('.kcm-time-period')].map(b => ({
        id: b.dataset.period, width: b.getBoundingClientRect().width, on: b.classList.contains('kcm-on'),
        right: b.getBoundingClientRect().right}))""")
    bar = page.locator(".kcm-time").bounding_box()
    assert [p["id"] for p in strip] == ["war", "handovers", "2021-22", "blockade", "sep-2023", "withdrawal", "2025"]
    assert [p["id"] for p in strip if p["on"]] == ["2021-22"]
    assert strip[0]["width"] > strip[2]["width"] and max(p["right"] for p in strip) <= bar["x"] + bar["width"]
    # Every day of the war has positions of its own on the bar; a position maps back to its day.
    scale = page.evaluate("""() => { const s = KCM.controller.scale;
        const war = s.days.filter(d => d <= '2020-11-09');
        return {distinct: new Set(war.map(d => s.positionOf(d))).size, war: war.length,
                back: war.every(d => s.dayAt(s.positionOf(d)) === d),
                monotonic: s.days.every((d, i) => i === 0 || s.positionOf(d) >= s.positionOf(s.days[i - 1])),
                first: s.days[0], last: s.days[s.days.length - 1]}; }""")
    assert scale == {"distinct": 45, "war": 45, "back": True, "monotonic": True, "first": "2020-09-26",
                     "last": "2026-02-17"}
    # The arrow keys still go a day at a time in the years after, where a position spans several days.
    page.locator(".kcm-time-range").focus()
    page.keyboard.press("ArrowRight")
    wait_agree(page, "2021-06-02")
    page.keyboard.press("PageUp")  # a step of Play's in 2021-22: a week
    wait_agree(page, "2021-06-09")
    # Play moves a week at a time here, but stops on each key date on its way.
    page.evaluate("""() => { const c = KCM.controller.map.getContainer(); window.__days = [];
        new MutationObserver(() => window.__days.push(c.getAttribute('data-kcm-date')))
          .observe(c, {attributes: true, attributeFilter: ['data-kcm-date']}); }""")
    page.evaluate("() => KCM.controller.setDate('2022-03-10')")
    wait_agree(page, "2022-03-10")
    page.evaluate("() => { window.__days = []; }")
    page.locator(".kcm-time-play").click()
    page.wait_for_function("() => window.__days.includes('2022-03-31')", timeout=STEP_MS)
    page.locator(".kcm-time-play").click()
    shown = [d for i, d in enumerate(page.evaluate("window.__days")) if i == 0 or page.evaluate("window.__days")[i - 1] != d]
    assert shown[:3] == ["2022-03-17", "2022-03-24", "2022-03-31"], shown  # 24 Mar is a key date and a week on
    # A period's button is a deliberate change: the map goes to its first day, with a history entry.
    length = page.evaluate("history.length")
    page.locator(".kcm-time-period[data-period='sep-2023']").click()
    wait_agree(page, "2023-09-19")
    assert page.evaluate("history.length") == length + 1
    assert page.locator(".kcm-time-period.kcm-on").get_attribute("data-period") == "sep-2023"
    # The area chart goes to the day's figures: nothing Armenian-held after 20 Sep 2023.
    page.locator(".kcm-time-next").click()
    wait_agree(page, "2023-09-20")
    assert page.locator(".kcm-areas-value[data-group='armenian']").inner_text().startswith("0.0%")


def test_changes_after_2020_show_on_their_days(context, base_url):
    page = open_page(context(), base_url + "/?date=2022-08-29&lat=39.68&lon=46.62&zoom=10")
    wait_agree(page, "2022-08-29")
    old, new = ".kcm-f-lachin_corridor", ".kcm-f-lachin_corridor_2022"
    assert page.locator(old).count() == 1 and page.locator(new).count() == 0
    page.locator(".kcm-time-next").click()
    wait_agree(page, "2022-08-30")
    page.locator(new).wait_for(state="attached", timeout=STEP_MS)
    page.locator(".kcm-time-next").click()
    wait_agree(page, "2022-08-31")
    page.locator(old).wait_for(state="detached", timeout=STEP_MS)
    # The blockade: the corridor is drawn as blocked from 12 Dec 2022.
    page.locator(".kcm-time-keydate").select_option("2022-12-12")
    wait_agree(page, "2022-12-12")
    page.wait_for_function("() => document.querySelector('.kcm-f-lachin_corridor_2022').getAttribute('stroke') === '#7f1d1d'",
                           timeout=STEP_MS)
    # The zone and the corridor are gone once the peacekeepers have left.
    page.locator(".kcm-time-keydate").select_option("2024-06-12")
    wait_agree(page, "2024-06-12")
    assert page.locator(".kcm-f-peacekeeping_zone").count() == 0 and page.locator(new).count() == 0
    assert page.locator(".kcm-f-tripp_route").count() == 0
    page.locator(".kcm-time-keydate").select_option("2025-08-08")
    wait_agree(page, "2025-08-08")
    page.locator(".kcm-f-tripp_route").wait_for(state="attached", timeout=STEP_MS)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_every_day_the_map_changes_is_in_the_key_date_list(context, base_url, viewport):
    page = open_page(context(viewport), base_url + "/?date=2020-11-24")
    wait_agree(page, "2020-11-24")
    listed = set(page.evaluate("() => [...document.querySelectorAll('.kcm-time-keydate option')].map(o => o.value)"))
    features = state.all_features(layers_mod.load_layers())
    change_days = {c["date"] for timeline in features.timeline for c in timeline if c["date"]}
    assert change_days and change_days <= listed, sorted(change_days - listed)[:5]
    assert {"2020-10-03", "2020-11-09", "2020-11-15"} <= listed  # days the map changes that were missing
    # A day that is not a key date says what it is, and choosing it is a deliberate change of the map.
    option = page.locator(".kcm-time-keydate option[value='2020-11-15']")
    on_15_nov = sum(c["date"] == "2020-11-15" for timeline in features.timeline for c in timeline)
    assert option.inner_text() == f"15 Nov 2020: {on_15_nov} changes on the map"
    page.locator(".kcm-time-keydate").select_option("2020-11-15")
    wait_agree(page, "2020-11-15")
    assert page.locator(".kcm-time-keydate").input_value() == "2020-11-15"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_geojson_of_the_view_downloads_with_its_date_licences_and_claims(context, base_url, viewport):
    import json

    page = open_page(context(viewport), base_url + "/?date=2020-11-24")
    wait_agree(page, "2020-11-24")
    button = page.locator(".st-key-export_geojson button")
    button.wait_for(timeout=FIRST_LOAD_MS)
    with page.expect_download(timeout=STEP_MS) as download:
        button.click()
    assert download.value.suggested_filename == "karabakh-2020-11-24.geojson"
    collection = json.loads(open(download.value.path(), encoding="utf-8").read())
    assert collection["type"] == "FeatureCollection" and collection["date"] == "2020-11-24"
    assert collection["licences"] and "GeoNames" in collection["attribution"]
    shown = {f["id"]: f["properties"] for f in collection["features"]}
    assert len(shown) == int(page.locator(".kcm-map").get_attribute("data-kcm-visible"))  # what the map draws
    assert {c["id"] for c in shown["lachin_corridor"]["claims"]} >= {"c16"}


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_first_tab_reaches_a_skip_link_to_the_time_bar(context, base_url, viewport):
    page = open_page(context(viewport), base_url + "/?date=2020-11-24")
    wait_agree(page, "2020-11-24")
    page.locator(".st-key-claim_c04").wait_for(timeout=FIRST_LOAD_MS)  # the whole page, sidebar included
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.className") == "kcm-skip"
    box = page.locator(".kcm-skip").bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0  # seen once focused
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.classList.contains('kcm-time-range')", timeout=STEP_MS)
    # Focus shows, and the arrow keys then step the day.
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", "")
    page.keyboard.press("ArrowRight")
    wait_agree(page, "2020-11-25")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_browsers_print_keeps_the_map_its_legend_and_the_day(context, base_url, viewport):
    page = open_page(context(viewport), base_url + "/?date=2020-11-24")
    wait_agree(page, "2020-11-24")
    page.locator(".st-key-claim_c04").wait_for(timeout=FIRST_LOAD_MS)
    if not page.evaluate("() => document.querySelector('.kcm-legend').classList.contains('kcm-legend-closed')"):
        page.locator(".kcm-legend-title").click()  # folded by the reader (a phone starts folded): print unfolds it
    page.wait_for_function("() => document.querySelector('.kcm-legend').classList.contains('kcm-legend-closed')")
    page.emulate_media(media="print")
    shown = page.evaluate("""() => {
        const visible = (el) => !!el && getComputedStyle(el).display !== "none" && el.getBoundingClientRect().height > 0;
        return {map: visible(document.querySelector(".kcm-map")),
                legend: visible(document.querySelector(".kcm-legend-body")),
                day: visible(document.querySelector(".st-key-day")),
                label: document.querySelector(".kcm-time-label").innerText,
                sidebar: visible(document.querySelector("[data-testid=stSidebar]")),
                play: visible(document.querySelector(".kcm-time-play")),
                search: visible(document.querySelector(".kcm-search"))}; }""")
    assert shown["map"] and shown["legend"] and shown["day"] and "24 Nov 2020" in shown["label"], shown
    assert not (shown["sidebar"] or shown["play"] or shown["search"]), shown
    legend, frame = page.locator(".kcm-legend").bounding_box(), page.locator(".kcm-map").bounding_box()
    assert frame["y"] <= legend["y"] and legend["y"] + legend["height"] <= frame["y"] + frame["height"]  # all of it
    pdf = page.pdf()
    assert pdf.startswith(b"%PDF") and len(pdf) > 50_000


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_around_the_map_the_article_the_verdicts_the_dates_and_the_day_s_table(context, base_url, viewport):
    """Above the map, the article it is built around (linked) and a key to the verdicts; near the time bar,
    how dates are known; below it, the day's table with only what holds that day."""
    _, meta = claims_mod.load_article()
    page = open_page(context(viewport), base_url + "/?date=2020-11-26")
    wait_agree(page, "2020-11-26")
    headline = page.get_by_role("link", name=meta["title"])
    headline.wait_for(timeout=FIRST_LOAD_MS)
    assert headline.get_attribute("href") == meta["url"] and headline.is_visible()
    about = page.locator("[data-testid=stCaptionContainer]", has_text="Built around an article").inner_text()
    assert "Sputnik, 24 Nov 2020" in about
    for verdict in (*claims_mod.VERDICTS, *(v.replace("_", " ") for v in claims_mod.HINDSIGHT_VERDICTS)):
        assert verdict in about, verdict
    assert page.get_by_text("Dates on the map are the days a capture was announced").is_visible()
    # The day's table: what holds that day, in the order geo.state.holding_table gives (the grid draws the rows
    # in view; the AppTest of the table checks every row, Kalbajar's "handed over" on 26 Nov among them).
    page.locator(".st-key-show_table").get_by_text("Table: who held what").click()
    tables = page.locator("[data-testid=stDataFrame]")
    page.wait_for_function("() => document.querySelectorAll('[data-testid=stDataFrame]').length >= 2", timeout=STEP_MS)
    tables.last.scroll_into_view_if_needed()  # the grid draws itself once it is in view (a phone's is far down)
    grid = page.locator("[data-testid=stDataFrame]", has_text="Feature").locator("[role=grid]")
    grid.wait_for(state="attached", timeout=STEP_MS)  # the grid's accessible table: hidden, in the page
    shown = state.state_on(state.all_features(layers_mod.load_layers()), "2020-11-26", view_mod.DEFAULT.layers)
    expected = state.holding_table(shown).head(3)
    text = grid.text_content()
    # The grid puts in the page the cells in view: on a phone the first columns only.
    cells = [f"{row.feature}{row.layer}{row.status}" if "Status on 26 Nov 2020" in text else row.feature
             for row in expected.itertuples()]
    at = [text.find(cell) for cell in cells]
    assert all(i >= 0 for i in at) and at == sorted(at), (at, text[:400])
    if viewport == DESKTOP:
        assert "Status on 26 Nov 2020" in text
    areas_grid = page.locator("[data-testid=stDataFrame]", has_text="Of the area Armenian-held on 26 Sep 2020")
    assert "Armenian-held" in areas_grid.text_content()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_link_to_a_web_base_map_offline_says_why_the_map_is_plain(chromium, base_url, viewport):
    ctx = chromium.new_context(viewport=viewport)
    blocked = block_outside_requests(ctx)  # the tiles are outside requests, aborted: as with no network
    page = ctx.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(base_url + "/?date=2020-11-12&base=carto")
    wait_agree(page, "2020-11-12", timeout=FIRST_LOAD_MS)
    notice = page.locator(".kcm-map .kcm-tiles-failed")
    notice.wait_for(timeout=STEP_MS)
    assert "cannot be loaded" in notice.inner_text()
    box, frame = notice.bounding_box(), page.locator(".kcm-map").bounding_box()
    assert frame["x"] <= box["x"] and box["x"] + box["width"] <= frame["x"] + frame["width"] + 1  # on the map
    page.wait_for_function("() => [...document.querySelectorAll('.kcm-map path.kcm-base-country')].some("
                           "p => p.getAttribute('fill-opacity') === '1')", timeout=STEP_MS)
    assert blocked and all("basemaps.cartocdn.com" in url for url in blocked) and errors == []
    ctx.close()


SELECTED = "(id) => (document.querySelector('.leaflet-container').getAttribute('data-kcm-selected') || '').split(',').includes(id)"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_point_of_the_statement_shown_from_the_panel_is_marked_on_the_map(context, base_url, viewport):
    page = open_page(context(viewport), base_url + "/?date=2022-09-01")
    wait_agree(page, "2022-09-01")
    before, centre = page.evaluate("history.length"), map_centre(page)
    page.get_by_text("The statement's nine points on the map's day").click()
    button = page.locator(".st-key-show_point_6").get_by_role("button", name="Show point 6 on the map")
    button.wait_for(timeout=STEP_MS)
    button.click()
    # The corridor's point: the new road, its corridor and the bridge marked, on the reader's day.
    for feature in ("lachin_corridor_2022", "lachin_road_2022", "hakari_bridge"):
        page.wait_for_function(SELECTED, arg=feature, timeout=STEP_MS)
    page.wait_for_function("() => new URLSearchParams(location.search).get('point') === '6'", timeout=STEP_MS)
    wait_agree(page, "2022-09-01")
    assert map_centre(page) != centre and page.evaluate("history.length") == before + 1
    box = page.locator(".st-key-selected_point")
    box.wait_for(timeout=STEP_MS)
    assert "6. Kalbajar and Lachin handed over; Lachin corridor" in box.inner_text()
    # The map came into view (on a phone the panel is far below it).
    assert page.evaluate("() => { const r = document.querySelector('.leaflet-container').getBoundingClientRect();"
                         " return r.top < innerHeight && r.bottom > 0; }")
    box.get_by_role("button", name="Clear selection").click()
    page.wait_for_function("() => !new URLSearchParams(location.search).has('point')", timeout=STEP_MS)
    page.wait_for_function("() => document.querySelector('.leaflet-container').getAttribute('data-kcm-selected') === ''",
                           timeout=STEP_MS)


def test_a_point_s_button_on_the_ledger_page_opens_the_map_in_the_same_tab_with_it_marked(context, base_url):
    ctx = context()
    page = ctx.new_page()
    page.on("pageerror", lambda e: ctx.kcm_errors.append(str(e)))
    page.goto(base_url + "/ledger?date=2023-01-05")
    page.locator(".st-key-point_5").get_by_role("button", name="Show point 5 on the map").click()
    page.locator(".leaflet-container[data-kcm-date]").wait_for(state="attached", timeout=FIRST_LOAD_MS)
    wait_agree(page, "2023-01-05")
    page.wait_for_function(SELECTED, arg="monitoring_centre_agdam", timeout=STEP_MS)
    assert query(page)["point"] == "5" and "sites" in query(page)["layers"].split(",")
    assert urlsplit(page.url).path == "/" and len(ctx.pages) == 1
    assert "5. Peacekeeping centre to monitor the ceasefire" in page.locator(".st-key-selected_point").inner_text()
