"""`python -m bench`: the dashboard's performance benchmark (see docs/benchmarks.md).

Starts the dashboard (and a naive single-map page, and the dashboard on 100x data) on localhost, drives
Debian's headless Chromium through Playwright, and measures cold load, timeline steps, blank time, bytes
and server memory. Modules:

- cli: arguments, the order of the runs, the table and the JSON
- support: tests/browser_support.py, imported (Chromium, the Streamlit server, the outside-request guard)
- servers: the Streamlit servers, started together and ended together
- probes: the JavaScript that measures inside the page
- pages: browser contexts, the websocket and CDP byte counters
- measure: cold load, steps (on a Tab: a page with its counters), sessions
- procmem: server RSS from /proc
- scaledata: the 100x data folder
- stats, report, machine: figures, targets, the machine's description
- naive_app: the baseline Streamlit page that rebuilds the whole map each step
"""
