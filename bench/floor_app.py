"""The floor pages of `python -m bench`: how much of the dashboard's cold load is Streamlit's, and the map's alone.

`?floor=empty` (the default): an empty Streamlit page, one line of text (bench.probes.FLOOR_TEXT, which the
benchmark's probe waits for) and nothing else.
`?floor=map`: a page whose only element is the dashboard's own map, mounted exactly as app_pages/map.py mounts it
(app_pages.map_component.timeline_map: the same component, the same cached loaders of app_pages/common.py, the
same runtime script under /app/static/generated/, the same key and height), at the view of the link's `date`,
`layers`, ... (no selection; its reports are not acted on). No sidebar, no claims, no other widget.

Neither calls st.set_page_config: the default centred layout makes the map about as wide as the dashboard's map
column. Run it with `streamlit run` from the repository root beside the repository's static/ folder (bench.servers
does, through tests/browser_support.py, like bench/naive_app.py), so that .streamlit/config.toml applies and
/app/static/ serves the map's files exactly as for the dashboard; `app_pages` and `geo` are imported from the
working directory (`python -m streamlit` puts it on sys.path).
"""
import streamlit as st

from bench.probes import FLOOR_TEXT

MAP_HEIGHT = 620  # app_pages/map.py's

if st.query_params.get("floor", "empty") == "map":
    from app_pages import common, map_component

    bundle = common.map_bundle()
    map_component.timeline_map(bundle["url"], common.synced(), [], height=MAP_HEIGHT, on_report=lambda: None,
                               on_painted=lambda: None)
else:
    st.text(FLOOR_TEXT)
