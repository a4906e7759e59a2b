"""The JavaScript that measures inside the page, so that no Playwright round trip is in any figure.

Where the map is: the dashboard's map (and the map-alone floor's) is a Streamlit component mounted in the page's
own document: `div.kcm-map` (data-testid="kcm-map"), which is itself the Leaflet container, with the controller
at `window.KCM.controller`. Only the naive page (bench/naive_app.py) has its map in an iframe (st.iframe, a
same-origin srcdoc document that is replaced on every step). FIND_MAP looks in the page first, then in its
same-origin iframes.

Clock: every time is in milliseconds on the top document's clock, its `performance.now()` (0 at the start of the
navigation). Callbacks that run in the naive page's iframe (its MutationObserver, its animation frames) call the
top document's `performance.now()` too: same-origin documents share one event loop, so no time is ever converted
between two documents' clocks.
"""
from __future__ import annotations

import json

# The dashboard's map element (app_pages/map_component.py, static/kcm/map-component.js).
MAP = ".kcm-map"
# The naive page's Streamlit slider (bench/naive_app.py). The dashboard has no page slider: its only timeline
# control is the map's own time bar (MAP_RANGE below).
SLIDER = ".st-key-date input[type=range]"
# The map's own timeline: a range input on the map (static/kcm/timeline-map.js).
MAP_RANGE = ".kcm-time-range"
# Where the map's generated files are served: the runtime (Leaflet, controller, styles and data in one script,
# map-runtime.<hash>.js) and any level-of-detail geometry the map fetches later.
GENERATED_PATH = "/app/static/generated/"
# The one line of the empty floor page (bench/floor_app.py), whose first paint TEXT_PROBE detects.
FLOOR_TEXT = "An empty Streamlit page: the benchmark's floor."

# () => {container, frame, win}: the map's container (`.kcm-map`, else any `.leaflet-container`) in the page,
# else in the first same-origin iframe that holds one (the naive page); `frame` is that iframe (null in the page),
# `win` the container's window. Documents in `dead` (a WeakSet; those whose window has fired pagehide) are
# skipped: an iframe's old document is still reachable while its replacement loads.
FIND_MAP = r"""((dead) => {
  const inDoc = (d) => d && (d.querySelector(".kcm-map") || d.querySelector(".leaflet-container"));
  const own = inDoc(document);
  if (own) return {container: own, frame: null, win: window};
  for (const f of document.querySelectorAll("iframe")) {
    let d = null;
    try { d = f.contentDocument; } catch (e) { d = null; }
    if (!d || (dead && dead.has(d))) continue;
    const c = inDoc(d);
    if (c) return {container: c, frame: f, win: f.contentWindow};
  }
  return {container: null, frame: null, win: null};
})"""

# Whether a map's container has features drawn, and how many. Two renderers (static/kcm/timeline-map.js, its
# `data-kcm-renderer`): SVG, one element per shape, so at least one `path.kcm-feature` in the container (the
# dashboard at its own data size, the naive page); and canvas, which the map uses past 1500 features (the 100x
# run): every shape on one <canvas>, no element per shape. There: the container holds a <canvas> and says it shows
# at least one feature (`data-kcm-visible`, written with `data-kcm-date` once the shapes are updated; the pixels
# follow in Leaflet's next animation frame, which the "painted" figures wait for).
DRAWN = r"""(c) => {
  if (!c) return 0;
  if (c.getAttribute("data-kcm-renderer") === "canvas")
    return c.querySelector("canvas") ? Math.max(0, Number(c.getAttribute("data-kcm-visible")) || 0) : 0;
  return c.querySelector("path.kcm-feature") ? 1 : 0;
}"""
FEATURES = r"""(c) => c.getAttribute("data-kcm-renderer") === "canvas"
  ? Number(c.getAttribute("data-kcm-visible")) || 0 : c.querySelectorAll("path.kcm-feature").length"""


def _js(source: str) -> str:
    return source.replace("/*FIND_MAP*/", FIND_MAP).replace("/*DRAWN*/", DRAWN).replace("/*FEATURES*/", FEATURES)


# The recorder. Defines window.__kb on the top document:
#   arm(target)   start a step: the next ArrowLeft/ArrowRight keydown (capture phase, on the top document or in a
#                 hooked iframe's) is its start; its end (`done`) is the first moment the map's container says
#                 data-kcm-date == target with features drawn (DRAWN); `paint` is the end of the next rendered
#                 frame after that (a task queued from the container's window's next requestAnimationFrame);
#   result()      {key, done, paint, blank, blanks, frameSwaps, containerSwaps, applyMs, date, ...}.
# "Blank" is any moment with no map container (FIND_MAP) or no feature drawn in it (DRAWN). A container that is
# not the element seen before is counted in containerSwaps (the dashboard's `.kcm-map` replaced, or on the naive
# page the map of a new document), an iframe holding the map that is a new element in frameSwaps.
# Watched by one MutationObserver on the top document (subtree: elements added and removed, the map's
# data-kcm-date / data-kcm-visible, an iframe's src / srcdoc), which on the dashboard sees the map itself; and,
# for a map in an iframe, one MutationObserver in each of the iframe's documents, hooked as soon as it is there:
# on the iframe's arrival and whenever its document goes (pagehide: blank from then on), its new document is
# looked for on every animation frame until found, and on every load event.
RECORDER = _js(r"""
([loadTarget]) => {
  if (window.__kb) return "already";
  const now = () => performance.now();  // the top document's clock, wherever the caller runs
  const findMap = /*FIND_MAP*/, drawnIn = /*DRAWN*/, featuresIn = /*FEATURES*/;
  const dead = new WeakSet(), hookedDocs = new WeakSet(), hookedFrames = new WeakSet();
  const K = window.__kb = {target: null, key: null, done: null, paint: null, armed: false, blankStart: null,
                           blanks: [], frame: null, container: null, frameAt: null, containerAt: null,
                           frameSwaps: 0, containerSwaps: 0, lastDate: null};

  const look = () => {
    const m = findMap(dead);
    const c = m.container;
    return {...m, drawn: !!(c && drawnIn(c) > 0), date: c ? c.getAttribute("data-kcm-date") : null};
  };

  const update = (t) => {
    const s = look();
    if (s.frame && s.frame !== K.frame) {
      if (K.frame) K.frameSwaps++; else if (K.frameAt === null) K.frameAt = t;
      K.frame = s.frame;
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
      const armedAt = K.key, win = s.win || window;
      win.requestAnimationFrame(() => win.setTimeout(() => { if (K.key === armedAt) K.paint = now(); }, 0));
    }
    K.lastDate = s.date;
  };

  function onKey(e) {
    if (K.armed && K.key === null && (e.key === "ArrowRight" || e.key === "ArrowLeft")) {
      K.key = now();
      const t = e.target;
      K.keyTarget = t && t.tagName ? `${t.tagName.toLowerCase()}[type=${t.getAttribute("type")}]` : String(t);
    }
  }

  // A same-origin iframe's document: observed like the page (the naive page's map lives there).
  const hookDoc = (frame) => {
    let w = null, d = null;
    try { w = frame.contentWindow; d = frame.contentDocument; } catch (e) { return null; }
    if (!w || !d || dead.has(d)) return null;
    if (!hookedDocs.has(d)) {
      hookedDocs.add(d);
      d.addEventListener("keydown", onKey, true);
      w.addEventListener("pagehide", () => {
        // The document goes (a new srcdoc, a reload): the map with it. Blank from now until the next one draws.
        dead.add(d);
        update(now());
        watchFrame(frame);
      });
      new w.MutationObserver(() => update(now())).observe(d, {
        subtree: true, childList: true, attributes: true, attributeFilter: ["data-kcm-date", "data-kcm-visible"]});
      update(now());
    }
    return d;
  };
  // Until the iframe holds a document of its own (not the initial about:blank, not one that has gone), look
  // on every animation frame.
  const watchFrame = (frame) => {
    const poll = () => {
      if (!frame.isConnected) return;
      const d = hookDoc(frame);
      if (!d || (d.URL === "about:blank" && !d.querySelector("script"))) requestAnimationFrame(poll);
    };
    poll();
  };
  const hookFrames = () => {
    for (const frame of document.querySelectorAll("iframe")) {
      if (hookedFrames.has(frame)) continue;
      hookedFrames.add(frame);
      frame.addEventListener("load", () => hookDoc(frame));
      watchFrame(frame);
    }
  };

  new MutationObserver((records) => {
    if (records.some((r) => r.type === "childList" && Array.from(r.addedNodes).some(
        (n) => n.nodeType === 1 && (n.tagName === "IFRAME" || n.querySelector("iframe"))))) hookFrames();
    update(now());
  }).observe(document, {subtree: true, childList: true, attributes: true,
                       attributeFilter: ["data-kcm-date", "data-kcm-visible", "src", "srcdoc"]});
  document.addEventListener("keydown", onKey, true);

  // Long tasks (50 ms or more) of the page and its same-origin frames: how long the page cannot answer.
  K.longTasks = [];
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) K.longTasks.push([e.startTime, e.startTime + e.duration]);
      if (K.longTasks.length > 2000) K.longTasks.splice(0, 1000);
    }).observe({type: "longtask"});
  } catch (e) { K.longTasks = null; }

  K.arm = (target) => {
    K.target = target; K.key = null; K.keyTarget = null; K.done = null; K.paint = null; K.applyMs = null;
    K.features = null; K.armed = true; K.blanks = []; K.frameSwaps = 0; K.containerSwaps = 0;
    if (K.blankStart !== null) K.blankStart = now();
    return look().date;
  };
  K.result = () => {
    const t = now();
    const start = K.key === null ? t : K.key;
    const spans = K.blanks.concat(K.blankStart !== null ? [[K.blankStart, t]] : []);
    const blank = spans.reduce((sum, [a, b]) => sum + Math.max(0, Math.min(b, t) - Math.max(a, start)), 0);
    let busy = null, busyUntil = null;
    if (K.longTasks) {
      const inStep = K.longTasks.filter(([a, b]) => b > start);
      busy = inStep.reduce((sum, [a, b]) => sum + b - Math.max(a, start), 0);
      busyUntil = inStep.length ? Math.max(...inStep.map(([a, b]) => b)) - start : 0;
    }
    return {key: K.key, keyTarget: K.keyTarget, busy, busyUntil, done: K.done, paint: K.paint, frameAt: K.frameAt,
            containerAt: K.containerAt, blank, blanks: spans.length, frameSwaps: K.frameSwaps,
            containerSwaps: K.containerSwaps, applyMs: K.applyMs, features: K.features, date: K.lastDate,
            inFrame: !!K.frame};
  };
  if (loadTarget) { K.arm(loadTarget); K.key = 0; }  // a load: its start is the navigation's (time 0)
  hookFrames();
  update(now());
  return "installed";
}
""")


def load_probe(date: str) -> str:
    """An init script for the top document of a fresh page: the recorder, armed for a load showing `date`."""
    return f"if (window === window.top) ({RECORDER})([{json.dumps(date)}]);"


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
# The map's own time bar, in the map's document (the page's own, on the dashboard).
FOCUS_MAP_RANGE = _js("""(sel) => {
  const c = (/*FIND_MAP*/)(null).container;
  const e = c && c.querySelector(sel);
  if (!e) return false;
  e.focus();
  return e.ownerDocument.activeElement === e;
}""")

# What a timeline control says when a step is lost: the page's slider if there is one (the naive page), the
# map's time bar, the map, and the date in the address.
STEP_STATE = _js("""([sliderSel, rangeSel]) => {
  const s = document.querySelector(sliderSel);
  const c = (/*FIND_MAP*/)(null).container;
  const range = c && c.querySelector(rangeSel);
  return {slider: s && s.getAttribute("aria-valuetext"), map_range: range && range.value,
          map_range_focused: !!(range && range.ownerDocument.activeElement === range),
          map_date: c && c.getAttribute("data-kcm-date"),
          url_date: new URLSearchParams(location.search).get("date")};
}""")

# Every file the page and its same-origin iframes have loaded from GENERATED_PATH (scripts, stylesheets,
# fetches), as absolute URLs without query strings: the runtime and any level-of-detail file.
GENERATED_URLS = """(prefix) => {
  const urls = new Set();
  const scan = (w, d) => {
    const add = (u) => {
      if (!u) return;
      try { const x = new URL(u, d.baseURI); if (x.pathname.startsWith(prefix)) urls.add(x.origin + x.pathname); }
      catch (e) {}
    };
    d.querySelectorAll("script[src]").forEach((s) => add(s.src));
    d.querySelectorAll("link[href]").forEach((l) => add(l.href));
    for (const e of w.performance.getEntriesByType("resource")) add(e.name);
  };
  scan(window, document);
  for (const f of document.querySelectorAll("iframe")) {
    try { if (f.contentWindow && f.contentDocument) scan(f.contentWindow, f.contentDocument); } catch (e) {}
  }
  return Array.from(urls).sort();
}"""

# When the map's runtime script (the first script under GENERATED_PATH) finished arriving, on the page's clock,
# from the page's resource timing; null if it was not fetched by the page itself.
RUNTIME_AT = """(prefix) => {
  const e = performance.getEntriesByType("resource").find((r) => {
    try { const u = new URL(r.name); return u.pathname.startsWith(prefix) && u.pathname.endsWith(".js"); }
    catch (x) { return false; }
  });
  return e ? {start: e.startTime, end: e.responseEnd} : null;
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


# Whether the map (FIND_MAP) says `date` with features drawn (DRAWN).
MAP_DRAWN = _js("""(date) => {
  const c = (/*FIND_MAP*/)(null).container;
  return !!(c && c.getAttribute("data-kcm-date") === date && (/*DRAWN*/)(c) > 0);
}""")
# What the page shows of the map, for an error message: the container, its day and renderer, features shown,
# whether it is in an iframe, and any error or exception Streamlit shows.
MAP_STATE = _js("""() => {
  const m = (/*FIND_MAP*/)(null), c = m.container;
  return {map: !!c, in_iframe: !!m.frame, date: c && c.getAttribute("data-kcm-date"),
          renderer: c && c.getAttribute("data-kcm-renderer"), visible: c && c.getAttribute("data-kcm-visible"),
          errors: Array.from(document.querySelectorAll('[data-testid="stException"], [data-testid="stAlert"], .kcm-load-failed'))
            .map((e) => e.innerText.slice(0, 300))};
}""")
# The map's data-kcm-lod now (null without a map or without levels of detail).
LOD_NOW = _js("""() => { const c = (/*FIND_MAP*/)(null).container; return c ? c.getAttribute("data-kcm-lod") : null; }""")

# Zoom in on a drawn map that has levels of detail. Feature-detects `data-kcm-lod` on the map's container (the
# level fully drawn for the current view: "0" coarsest .. "2" full); without it returns {lod: null} and does
# nothing. Otherwise takes the Leaflet map whose container that is (the controller's KCM.controller.map, another
# of KCM.controllers, or any L.Map among the container's window's globals), centres it on (lat, lon) without
# timing that, then calls map.setZoom(z) (no animation: the figure is the app's fetching and drawing, not
# Leaflet's 250 ms zoom animation). z is `zoom`, or, when the map's data say from which zoom level 2 is drawn
# (KCM_DATA.lod.levels) and that is further in, that zoom: at a zoom that needs less, data-kcm-lod never says "2".
# window.__kbZoom then records, on the top document's clock, the call (`start`) and the first moment after it that
# the container says data-kcm-lod == "2" at zoom z (`done`, by a MutationObserver on the attribute, or at once if
# it already said so when setZoom returned and was not "2" before), and the end of the next rendered frame
# (`paint`).
ZOOM_IN = _js(r"""
([lat, lon, zoom]) => {
  const found = (/*FIND_MAP*/)(null);
  const c = found.container, w = found.win;
  if (!c) return {error: "no map container"};
  if (!c.hasAttribute("data-kcm-lod")) return {lod: null};
  const L = w.L;
  const isMap = (m) => !!(m && L && m instanceof L.Map && m.getContainer && m.getContainer() === c);
  let map = null;
  const controllers = (w.KCM && w.KCM.controllers) || [];
  if (w.KCM && w.KCM.controller && isMap(w.KCM.controller.map)) map = w.KCM.controller.map;
  else map = (controllers.find((k) => isMap(k.map)) || {}).map || null;
  if (!map) {
    for (const k of Object.keys(w)) {
      let v = null;
      try { v = w[k]; } catch (e) { continue; }
      if (isMap(v)) { map = v; break; }
    }
  }
  if (!map) return {error: "the Leaflet map of the container was not found in its window"};
  let levels = null;
  try { levels = w.KCM_DATA.lod.levels; } catch (e) { levels = null; }
  const full = Array.isArray(levels) ? levels.find((l) => l.level === 2) : null;
  const target = full && typeof full.min_zoom === "number" ? Math.max(zoom, full.min_zoom) : zoom;
  const now = () => performance.now();
  const before = c.getAttribute("data-kcm-lod"), zoomBefore = map.getZoom();
  map.setView([lat, lon], zoomBefore, {animate: false});
  const Z = window.__kbZoom = {start: null, done: null, paint: null, mutations: 0, lods: []};
  const finish = (t) => {
    Z.done = t;
    observer.disconnect();
    w.requestAnimationFrame(() => w.setTimeout(() => { Z.paint = now(); }, 0));
  };
  const observer = new w.MutationObserver(() => {
    Z.mutations++;
    const lod = c.getAttribute("data-kcm-lod");
    Z.lods.push(lod);
    if (Z.done === null && lod === "2" && map.getZoom() === target) finish(now());
  });
  observer.observe(c, {attributes: true, attributeFilter: ["data-kcm-lod"]});
  Z.start = now();
  map.setZoom(target, {animate: false});
  Z.returned = now();
  if (Z.done === null && Z.mutations === 0 && before !== "2" && c.getAttribute("data-kcm-lod") === "2"
      && map.getZoom() === target) finish(Z.returned);
  return {lod: before, zoom_before: zoomBefore, zoom_asked: zoom, zoom_target: target, zoom_after: map.getZoom(),
          levels: levels};
}
""")
