"""`python -m bench`: the dashboard's performance benchmark (see docs/benchmarks.md).

Starts the dashboard (and a naive single-map page, the floor pages, and the dashboard on 100x data) on
localhost, drives Debian's headless Chromium through Playwright, and measures cold load (against two floors: an
empty Streamlit page, and the dashboard's map component alone in Streamlit), timeline steps on the map's own time
bar, blank time, bytes, server memory, and at 100x data the bytes the map fetches and the zoom into full detail.
The map is a component in the page's own document (no iframe); only the naive page's map is in an iframe.
Modules:

- cli: arguments, the order of the runs, the table and the JSON
- support: tests/browser_support.py, imported (Chromium, the Streamlit server, the outside-request guard)
- servers: the Streamlit servers, started together and ended together
- probes: the JavaScript that measures inside the page
- pages: browser contexts, the websocket and CDP byte counters
- measure: cold load, zoom in, steps (on a Tab: a page with its counters), sessions
- procmem: server RSS from /proc
- scaledata: the 100x data folder
- stats, report, machine: figures, targets, the machine's description
- naive_app: the baseline Streamlit page that rebuilds the whole map each step
- floor_app: the floor pages (?floor=empty: one line of text; ?floor=map: the dashboard's map alone)
- load: `python -m bench.load`, apart from the rest: N websocket sessions stepping the time bar against one server
  (docs/reliability.md)
"""
