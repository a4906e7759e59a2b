"""The map as one Streamlit component (st.components.v2): the page's only channel to the map.

The component is mounted in the page itself, not in an iframe. Its module (static/kcm/component-loader.js)
loads the map's runtime once and hands each run's data to KCM.mount (static/kcm/map-component.js); the map
reports what the reader changes in one state value, `report`, which geo.viewsync folds into the session's view,
and sets `painted` once it has drawn its first frame.
"""
from __future__ import annotations

import streamlit as st

from geo import mapview, viewsync
from geo.paths import STATIC

KEY = "map"
LOADER_JS = (STATIC / "kcm" / "component-loader.js").read_text(encoding="utf-8")

# isolate_styles=False: folium's shell finds its element by id in the page, and Leaflet's stylesheet (in the
# runtime) applies to the page; every rule of both is scoped to the map's own classes.
_timeline_map = st.components.v2.component("kcm_timeline_map", js=LOADER_JS, isolate_styles=False)


def _state(name: str):
    state = st.session_state.get(KEY)
    return state.get(name) if state is not None else None


def report() -> dict | None:
    """The map's last report, as the component's state holds it (read in on_report's callback)."""
    return _state("report")


def painted() -> bool:
    """Whether the map has said it drew its first frame (or could not load: the page must go on)."""
    return bool(_state("painted"))


def timeline_map(runtime_url: str, synced: viewsync.Synced, selected: list[str], *, height: int, on_report,
                 on_painted) -> None:
    """Mount the map: the runtime's address, folium's shell for the base map, the view and its counters."""
    view = synced.view
    _timeline_map(
        key=KEY,
        data={"runtime": runtime_url, "shell": mapview.shell(view.base), "height": height,
              "offline": view.base not in mapview.TILES, "attribution": mapview.ATTRIBUTION,
              **viewsync.component_data(synced, selected)},
        on_report_change=on_report,
        on_painted_change=on_painted,
    )
