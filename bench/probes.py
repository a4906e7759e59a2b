"""The JavaScript that measures inside the page, so that no Playwright round trip is in any figure.

Clocks: every time is in milliseconds on the top document's clock (its `performance.now()`, 0 at the start of
the navigation). A time taken in the map's iframe is converted through the wall clock both documents share:
`iframe.performance.timeOrigin + iframe.performance.now() - top.performance.timeOrigin`. The iframe is
same-origin (Streamlit serves the component), so the top document can reach into it.
"""
from __future__ import annotations

import json

MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
SLIDER = ".st-key-date input[type=range]"

# The recorder. Defines window.__kb on the top document:
#   arm(target)   start a step: the next ArrowLeft/ArrowRight keydown (capture phase, on the top document) is
#                 its start; its end (`done`) is the first moment the map's container says
#                 data-kcm-date == target with at least one path.kcm-feature drawn; `paint` is the end of the
#                 next rendered frame after that (a task queued from the next requestAnimationFrame);
#   result()      {key, done, paint, blank, blanks, frameSwaps, containerSwaps, applyMs, date}.
# "Blank" is any moment with no map iframe, no .leaflet-container in it, or no path.kcm-feature: watched by
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

  const look = () => {
    const frame = document.querySelector(sel);
    let doc = null;
    try { doc = frame && frame.contentDocument; } catch (e) { doc = null; }
    const container = doc ? doc.querySelector(".leaflet-container") : null;
    const drawn = !!(container && doc.querySelector("path.kcm-feature"));
    return {frame, container, drawn, date: container ? container.getAttribute("data-kcm-date") : null};
  };

  const update = (t) => {
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
      K.features = s.container.ownerDocument.querySelectorAll("path.kcm-feature").length;
      K.applyMs = Number(s.container.getAttribute("data-kcm-apply-ms")) || null;
      const armedAt = K.key;
      requestAnimationFrame(() => setTimeout(() => { if (K.key === armedAt) K.paint = performance.now(); }, 0));
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
      new w.MutationObserver(() => update(clock(w))).observe(d, {subtree: true, childList: true, attributes: true,
                                                                  attributeFilter: ["data-kcm-date"]});
      update(clock(w));
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
"""


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

# The slider gets the focus from inside the page (no click: a click would move it).
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
