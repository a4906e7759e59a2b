"""The JavaScript that measures inside the page, so that no Playwright round trip is in any figure.

Clocks: every time is in milliseconds on the top document's clock (its `performance.now()`, 0 at the start of
the navigation). A time taken in the map's iframe is converted through the wall clock both documents share:
`iframe.performance.timeOrigin + iframe.performance.now() - top.performance.timeOrigin`. The iframe is
same-origin (Streamlit serves the component), so the top document can reach into it.
"""
from __future__ import annotations

import json

MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
# The naive page's Streamlit slider (bench/naive_app.py). The dashboard has no page slider: its only timeline
# control is the map's own time bar (MAP_RANGE below).
SLIDER = ".st-key-date input[type=range]"
# Where the map's generated files are served: the runtime (Leaflet, controller, styles and data in one script,
# map-runtime.<hash>.js; formerly map-data.<hash>.js beside leaflet.js and timeline-map.js) and any level-of-detail
# geometry the map fetches later.
GENERATED_PATH = "/app/static/generated/"
# The one line of the empty floor page (bench/floor_app.py), whose first paint TEXT_PROBE detects.
FLOOR_TEXT = "An empty Streamlit page: the benchmark's floor."

# Whether a map's container has features drawn, and how many. Two renderers (static/kcm/timeline-map.js, its
# `data-kcm-renderer`): SVG, one element per shape, so at least one `path.kcm-feature` in the document (the
# dashboard at its own data size, the naive page); and canvas, which the map uses past 1500 features (the 100x
# run): every shape on one <canvas>, no element per shape. There: the container holds a <canvas> and says it shows
# at least one feature (`data-kcm-visible`, written with `data-kcm-date` once the shapes are updated; the pixels
# follow in Leaflet's next animation frame, which the "painted" figures wait for).
DRAWN = r"""(c) => {
  if (!c) return 0;
  if (c.getAttribute("data-kcm-renderer") === "canvas")
    return c.querySelector("canvas") ? Math.max(0, Number(c.getAttribute("data-kcm-visible")) || 0) : 0;
  return c.ownerDocument.querySelector("path.kcm-feature") ? 1 : 0;
}"""
FEATURES = r"""(c) => c.getAttribute("data-kcm-renderer") === "canvas"
  ? Number(c.getAttribute("data-kcm-visible")) || 0 : c.ownerDocument.querySelectorAll("path.kcm-feature").length"""

# The recorder. Defines window.__kb on the top document:
#   arm(target)   start a step: the next ArrowLeft/ArrowRight keydown (capture phase, on the top document) is
#                 its start; its end (`done`) is the first moment the map's container says
#                 data-kcm-date == target with features drawn (DRAWN); `paint` is the end of the
#                 next rendered frame after that (a task queued from the next requestAnimationFrame);
#   result()      {key, done, paint, blank, blanks, frameSwaps, containerSwaps, applyMs, date}.
# "Blank" is any moment with no map iframe, no .leaflet-container in it, or no feature drawn (DRAWN): watched by
# a MutationObserver on the top document (the iframe removed or replaced) and one in every document the
# iframe holds. A new iframe starts on about:blank and then loads the component's page, before its load
# event the map may already be drawn: so its documents are looked for on every animation frame until the
# component's own document is there, and hooked at once.
RECORDER = r"""
([sel, loadTarget]) => {
  if (window.__kb) return "already";
  const T0 = performance.timeOrigin;
  const hookedFrames = new WeakSet(), hookedDocs = new WeakSet();
  const K = window.__kb = {target: null, key: null, done: null, paint: null, armed: false, blankStart: null,
                           blanks: [], frame: null, container: null, frameAt: null, containerAt: null, frameSwaps: 0, containerSwaps: 0, lastDate: null};
  const clock = (w) => w.performance.timeOrigin + w.performance.now() - T0;
  const drawnIn = /*DRAWN*/, featuresIn = /*FEATURES*/;

  const look = () => {
    const frame = document.querySelector(sel);
    let doc = null;
    try { doc = frame && frame.contentDocument; } catch (e) { doc = null; }
    const container = doc ? doc.querySelector(".leaflet-container") : null;
    const drawn = !!(container && drawnIn(container) > 0);
    return {frame, container, drawn, date: container ? container.getAttribute("data-kcm-date") : null};
  };

  const update = (t, w) => {
    const s = look();
    if (s.frame && s.frame !== K.frame) {
      if (K.frame) K.frameSwaps++; else K.frameAt = t;
      K.frame = s.frame; hook(s.frame);
    }
    if (s.container && s.container !== K.container) {
      if (K.container) K.containerSwaps++; else K.containerAt = t;
      K.container = s.container;
    }
    if (!s.drawn && K.blankStart === null) K.blankStart = t;
    if (s.drawn && K.blankStart !== null) { K.blanks.push([K.blankStart, t]); K.blankStart = null; }
    if (K.armed && K.key !== null && K.done === null && s.drawn && s.date === K.target) {
      K.done = t;
      K.features = featuresIn(s.container);
      K.applyMs = Number(s.container.getAttribute("data-kcm-apply-ms")) || null;
      const armedAt = K.key;
      // Timed on the clock of the document whose change it waits for (the key's, in a step on the map's own
      // bar): two documents' timeOrigin + now() can disagree by tens of milliseconds.
      const win = w || window;
      win.requestAnimationFrame(() => win.setTimeout(() => { if (K.key === armedAt) K.paint = clock(win); }, 0));
    }
    K.lastDate = s.date;
  };

  const hookDoc = (frame) => {
    let w = null, d = null;
    try { w = frame.contentWindow; d = frame.contentDocument; } catch (e) { return null; }
    if (!w || !d) return null;
    if (!hookedDocs.has(d)) {
      hookedDocs.add(d);
      // A key pressed on the map's own timeline (inside the iframe) starts a step too.
      d.addEventListener("keydown", (e) => onKey(e, clock(w)), true);
      new w.MutationObserver(() => update(clock(w), w)).observe(d, {
        subtree: true, childList: true, attributes: true, attributeFilter: ["data-kcm-date", "data-kcm-visible"]});
      update(clock(w), w);
    }
    return d;
  };

  function hook(frame) {
    if (hookedFrames.has(frame)) return;
    hookedFrames.add(frame);
    frame.addEventListener("load", () => hookDoc(frame));
    const poll = () => {
      if (!frame.isConnected) return;
      const d = hookDoc(frame);
      if (!d || d.URL === "about:blank") requestAnimationFrame(poll);
    };
    poll();
  }

  // The top document: only whether the map's iframe is still the same element matters, which is cheap to ask.
  new MutationObserver(() => {
    const frame = document.querySelector(sel);
    if (frame !== K.frame || !frame || !frame.isConnected) update(clock(window));
  }).observe(document, {subtree: true, childList: true});

  // Long tasks (50 ms or more) of the page and its same-origin frames: how long the page cannot answer.
  K.longTasks = [];
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) K.longTasks.push([e.startTime, e.startTime + e.duration]);
      if (K.longTasks.length > 2000) K.longTasks.splice(0, 1000);
    }).observe({type: "longtask"});
  } catch (e) { K.longTasks = null; }

  function onKey(e, at) {
    if (K.armed && K.key === null && (e.key === "ArrowRight" || e.key === "ArrowLeft")) {
      K.key = at;
      const t = e.target;
      K.keyTarget = t && t.tagName ? `${t.tagName.toLowerCase()}[type=${t.getAttribute("type")}]` : String(t);
    }
  }
  document.addEventListener("keydown", (e) => onKey(e, performance.now()), true);

  K.arm = (target) => {
    K.target = target; K.key = null; K.keyTarget = null; K.done = null; K.paint = null; K.applyMs = null; K.features = null;
    K.armed = true; K.blanks = []; K.frameSwaps = 0; K.containerSwaps = 0;
    if (K.blankStart !== null) K.blankStart = performance.now();
    return look().date;
  };
  K.result = () => {
    const now = performance.now();
    const start = K.key === null ? now : K.key;
    const spans = K.blanks.concat(K.blankStart !== null ? [[K.blankStart, now]] : []);
    const blank = spans.reduce((sum, [a, b]) => sum + Math.max(0, Math.min(b, now) - Math.max(a, start)), 0);
    let busy = null, busyUntil = null;
    if (K.longTasks) {
      const inStep = K.longTasks.filter(([a, b]) => b > start);
      busy = inStep.reduce((sum, [a, b]) => sum + b - Math.max(a, start), 0);
      busyUntil = inStep.length ? Math.max(...inStep.map(([a, b]) => b)) - start : 0;
    }
    return {key: K.key, keyTarget: K.keyTarget, busy, busyUntil, done: K.done, paint: K.paint, frameAt: K.frameAt,
            containerAt: K.containerAt, blank, blanks: spans.length, frameSwaps: K.frameSwaps,
            containerSwaps: K.containerSwaps, applyMs: K.applyMs, features: K.features, date: K.lastDate};
  };
  if (loadTarget) { K.arm(loadTarget); K.key = 0; }  // a load: its start is the navigation's (time 0)
  update(performance.now());
  return "installed";
}
""".replace("/*DRAWN*/", DRAWN).replace("/*FEATURES*/", FEATURES)


def load_probe(date: str) -> str:
    """An init script for the top document of a fresh page: the recorder, armed for a load showing `date`.

    (Init scripts are not run in the component's iframe document here, so everything starts from the top.)
    """
    return f"if (window === window.top) ({RECORDER})([{json.dumps(MAP_IFRAME)}, {json.dumps(date)}]);"


# An init script for the step pages: the arrival time (top clock) of every websocket message, in order, in
# window.__kbWs. Matched by position with the frames Playwright reports (bench/pages.py), which says what each
# one is, it splits a step into server and browser time.
WS_TIMES = r"""
if (window === window.top && !window.__kbWs) {
  const log = window.__kbWs = [];
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) { super(...args); this.addEventListener("message", () => log.push(performance.now())); }
  };
}
"""

# The naive page's slider gets the focus from inside the page (no click: a click would move it).
FOCUS_SLIDER = "(sel) => { const e = document.querySelector(sel); if (!e) return false; e.focus(); return document.activeElement === e; }"
# The map's own timeline: a range input inside the map's iframe (static/kcm/timeline-map.js).
MAP_RANGE = ".kcm-time-range"
FOCUS_MAP_RANGE = """(sel) => {
  const f = document.querySelector(sel);
  const d = f && f.contentDocument;
  const e = d && d.querySelector(".kcm-time-range");
  if (!e) return false;
  e.focus();
  return d.activeElement === e;
}"""

# What a timeline control says when a step is lost: the page's slider if there is one (the naive page), the
# map's time bar, the map, and the date in the address.
STEP_STATE = """([frameSel, sliderSel]) => {
  const s = document.querySelector(sliderSel);
  const f = document.querySelector(frameSel);
  let d = null;
  try { d = f && f.contentDocument; } catch (e) { d = null; }
  const range = d && d.querySelector(".kcm-time-range");
  const c = d && d.querySelector(".leaflet-container");
  return {slider: s && s.getAttribute("aria-valuetext"), map_range: range && range.value,
          map_range_focused: !!(range && d.activeElement === range),
          map_date: c && c.getAttribute("data-kcm-date"),
          url_date: new URLSearchParams(location.search).get("date")};
}"""

# Every file the map's iframe has loaded from GENERATED_PATH (scripts, stylesheets, fetches), as absolute URLs
# without query strings: the runtime (or the older data bundle) and any level-of-detail file.
GENERATED_URLS = """([sel, prefix]) => {
  const f = document.querySelector(sel);
  let w = null, d = null;
  try { w = f && f.contentWindow; d = f && f.contentDocument; } catch (e) { return []; }
  if (!w || !d) return [];
  const urls = new Set();
  const add = (u) => {
    if (!u) return;
    try { const x = new URL(u, d.baseURI); if (x.pathname.startsWith(prefix)) urls.add(x.origin + x.pathname); }
    catch (e) {}
  };
  d.querySelectorAll("script[src]").forEach((s) => add(s.src));
  d.querySelectorAll("link[href]").forEach((l) => add(l.href));
  for (const e of w.performance.getEntriesByType("resource")) add(e.name);
  return Array.from(urls).sort();
}"""

# A floor page's cold load (an empty Streamlit page): the first moment a node holding `text` is in the top
# document, seen by a MutationObserver installed before the page's own scripts run, and the end of the next
# rendered frame (a task queued from the next requestAnimationFrame): the same clock and the same definition of
# "painted" as the map's cold load (RECORDER armed for a load).
TEXT_PROBE = r"""
([text]) => {
  if (window.__kbText) return;
  const K = window.__kbText = {done: null, paint: null};
  const has = (n) => !!(n && n.textContent && n.textContent.includes(text));
  const seen = () => {
    K.done = performance.now();
    observer.disconnect();
    requestAnimationFrame(() => setTimeout(() => { K.paint = performance.now(); }, 0));
  };
  const observer = new MutationObserver((records) => {
    if (K.done !== null) return;
    for (const r of records) {
      if (r.type === "characterData" ? has(r.target) : Array.from(r.addedNodes).some(has)) { seen(); return; }
    }
  });
  observer.observe(document, {subtree: true, childList: true, characterData: true});
  if (document.body && has(document.body)) seen();
}
"""


def text_probe(text: str) -> str:
    """An init script for the top document of a fresh page: TEXT_PROBE, watching for `text`."""
    return f"if (window === window.top) ({TEXT_PROBE})([{json.dumps(text)}]);"


# Zoom in on a drawn map that has levels of detail. Feature-detects `data-kcm-lod` on the map's container (the
# level fully drawn for the current view: "0" coarsest .. "2" full); without it returns {lod: null} and does
# nothing. Otherwise finds the Leaflet map whose container that is (streamlit-folium's window.map, the
# controller's KCM.controller.map, or any L.Map among the iframe window's globals), centres it on (lat, lon)
# without timing that, then calls map.setZoom(z) (no animation: the figure is the app's fetching and drawing,
# not Leaflet's 250 ms zoom animation). z is `zoom`, or, when the map's data say from which zoom level 2 is drawn
# (KCM_DATA.lod.levels) and that is further in, that zoom: at a zoom that needs less, data-kcm-lod never says "2".
# window.__kbZoom then records, on the top document's clock, the call (`start`) and the first moment after it that
# the container says data-kcm-lod == "2" at zoom z (`done`, by a MutationObserver on the attribute, or at once if
# it already said so when setZoom returned and was not "2" before), and the end of the next rendered frame
# (`paint`).
ZOOM_IN = r"""
([sel, lat, lon, zoom]) => {
  const f = document.querySelector(sel);
  let w = null, d = null;
  try { w = f && f.contentWindow; d = f && f.contentDocument; }
  catch (e) { return {error: "the map's iframe cannot be reached"}; }
  const c = d && d.querySelector(".leaflet-container");
  if (!c) return {error: "no map container"};
  if (!c.hasAttribute("data-kcm-lod")) return {lod: null};
  const L = w.L;
  const isMap = (m) => !!(m && L && m instanceof L.Map && m.getContainer && m.getContainer() === c);
  let map = null;
  if (isMap(w.map)) map = w.map;
  else if (w.KCM && w.KCM.controller && isMap(w.KCM.controller.map)) map = w.KCM.controller.map;
  else {
    for (const k of Object.keys(w)) {
      let v = null;
      try { v = w[k]; } catch (e) { continue; }
      if (isMap(v)) { map = v; break; }
    }
  }
  if (!map) return {error: "the Leaflet map of the container was not found in the iframe's window"};
  let levels = null;
  try { levels = w.KCM_DATA.lod.levels; } catch (e) { levels = null; }
  const full = Array.isArray(levels) ? levels.find((l) => l.level === 2) : null;
  const target = full && typeof full.min_zoom === "number" ? Math.max(zoom, full.min_zoom) : zoom;
  const T0 = performance.timeOrigin;
  const clock = () => w.performance.timeOrigin + w.performance.now() - T0;
  const before = c.getAttribute("data-kcm-lod"), zoomBefore = map.getZoom();
  map.setView([lat, lon], zoomBefore, {animate: false});
  const Z = window.__kbZoom = {start: null, done: null, paint: null, mutations: 0, lods: []};
  const finish = (t) => {
    Z.done = t;
    observer.disconnect();
    requestAnimationFrame(() => setTimeout(() => { Z.paint = performance.now(); }, 0));
  };
  const observer = new w.MutationObserver(() => {
    Z.mutations++;
    const lod = c.getAttribute("data-kcm-lod");
    Z.lods.push(lod);
    if (Z.done === null && lod === "2" && map.getZoom() === target) finish(clock());
  });
  observer.observe(c, {attributes: true, attributeFilter: ["data-kcm-lod"]});
  Z.start = clock();
  map.setZoom(target, {animate: false});
  Z.returned = clock();
  if (Z.done === null && Z.mutations === 0 && before !== "2" && c.getAttribute("data-kcm-lod") === "2"
      && map.getZoom() === target) finish(Z.returned);
  return {lod: before, zoom_before: zoomBefore, zoom_asked: zoom, zoom_target: target, zoom_after: map.getZoom(),
          levels: levels};
}
"""
