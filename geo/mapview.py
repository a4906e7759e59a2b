"""The folium map: built once per base map, then driven by small state updates.

`timeline_map` draws nothing itself: it loads Leaflet, the client controller (static/kcm/timeline-map.js) and
the data bundle, and starts the controller. `state_update` is the tiny FeatureGroup the dashboard hands to
streamlit-folium on every change; it only calls KCM.apply with the view's date, layers and selection.
"""
from __future__ import annotations

import json

import folium
from branca.element import Element, MacroElement
from jinja2 import Template

from geo.assets import LOCAL_ASSETS, STATIC_URL, local_path
from geo.errors import InvalidInput
from geo.paths import STATIC
from geo.state import parse_date
from geo.view import DEFAULT, View

LEAFLET_JS = LOCAL_ASSETS["https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"]
LEAFLET_CSS = LOCAL_ASSETS["https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css"]
KCM_JS = f"{STATIC_URL}/kcm/timeline-map.js"
KCM_CSS = f"{STATIC_URL}/kcm/timeline-map.css"

TILES = {
    "osm": dict(tiles="OpenStreetMap"),
    "carto": dict(tiles="CartoDB positron"),
    "satellite": dict(tiles="https://server.arcgisonline.com/ArcGIS/rest/services/World_Imagery/MapServer/tile/{z}/{y}/{x}",
                      attr="Imagery: Esri, Maxar, Earthstar Geographics"),
}
ATTRIBUTION = "Natural Earth (public domain); GeoNames (CC BY 4.0)"


def map_report(tags) -> dict:
    """What the map's client said in streamlit-folium's `selected_tags` (see tag() in timeline-map.js).

    Returns {"requested": "lat,lon,zoom" the map had applied when it reported, "date": a day stepped on the
    map or None, "date_tag": the raw numbered tag, to tell a new step from an old one}.
    """
    found = {"requested": None, "date": None, "date_tag": None}
    for tag in tags or ():
        if not isinstance(tag, str):
            continue
        if tag.startswith("kcm-req:"):
            found["requested"] = tag[len("kcm-req:"):]
        elif tag.startswith("kcm-date:"):
            found["date_tag"] = tag
            try:
                found["date"] = parse_date(tag[len("kcm-date:"):].split("#")[0])
            except InvalidInput:
                found["date"] = None
    return found


def view_key(view: View) -> str:
    """The requested view as the client writes it back: 4 decimals, as in the share link."""
    return f"{view.lat:.4f},{view.lon:.4f},{view.zoom}"


def client_state(view: View, selected: list[str]) -> dict:
    return {"date": view.date.isoformat(), "layers": list(view.layers), "selected": list(selected),
            "view": {"lat": view.lat, "lon": view.lon, "zoom": view.zoom}}


def _js(value) -> str:
    return json.dumps(value, ensure_ascii=False).replace("</", "<\\/")


class TimelineMap(folium.Map):
    """A folium Map that loads only Leaflet and the controller: no jQuery, Bootstrap or icon fonts."""

    default_js = [("leaflet", LEAFLET_JS), ("kcm", KCM_JS)]
    default_css = [("leaflet_css", LEAFLET_CSS), ("kcm_css", KCM_CSS)]

    def __init__(self, bundle_url: str | None, **kwargs):
        super().__init__(**kwargs)
        if bundle_url:
            # Per map, not per class: the bundle's name changes with the data.
            self.default_js = [*type(self).default_js, ("kcm_data", bundle_url)]


class Controller(MacroElement):
    _template = Template(
        "{% macro script(this, kwargs) %}KCM.init({{ this._parent.get_name() }}, {{ this.options }});{% endmacro %}")

    def __init__(self, options: dict):
        super().__init__()
        self._name = "KcmController"
        self.options = _js(options)


class ApplyState(MacroElement):
    _template = Template("{% macro script(this, kwargs) %}KCM.apply(null, {{ this.state }});{% endmacro %}")

    def __init__(self, state: dict):
        super().__init__()
        self._name = "KcmApply"
        self.state = _js(state)


def timeline_map(bundle_url: str, base: str, initial: dict | None = None) -> TimelineMap:
    """The map shell. Its script depends only on the base map and the bundle: the component is never rebuilt
    by a change of date, layers, selection or view."""
    tiles = TILES.get(base)
    # Starts where a link with no view would: the requested view follows in the first state update.
    fmap = TimelineMap(bundle_url, location=(DEFAULT.lat, DEFAULT.lon), zoom_start=DEFAULT.zoom, min_zoom=5, max_zoom=16,
                       control_scale=True, **(tiles if tiles else {"tiles": None}))
    Controller({"offline": tiles is None, "state": initial, "attribution": ATTRIBUTION}).add_to(fmap)
    return fmap


def state_update(view: View, selected: list[str]) -> folium.FeatureGroup:
    """What the dashboard sends on a step: an empty feature group whose only script calls KCM.apply."""
    group = folium.FeatureGroup(name="kcm-state", control=False)
    ApplyState(client_state(view, selected)).add_to(group)
    return group


def standalone_html(bundle_script: str, view: View, selected: list[str], static_root=STATIC) -> str:
    """The map as one self-contained HTML file: Leaflet, the controller and the data inline; works offline."""
    fmap = folium.Map(location=(view.lat, view.lon), zoom_start=view.zoom, tiles=None, control_scale=True)
    fmap.default_js, fmap.default_css = [], []
    inline_css = "".join(local_path(u, static_root).read_text(encoding="utf-8") for u in (LEAFLET_CSS, KCM_CSS))
    inline_js = [local_path(u, static_root).read_text(encoding="utf-8") for u in (LEAFLET_JS, KCM_JS)]
    header = fmap.get_root().header
    header.add_child(Element(f"<style>{inline_css}</style>"), name="kcm_css")
    for index, script in enumerate([*inline_js, bundle_script]):
        header.add_child(Element("<script>" + script.replace("</script", "<\\/script") + "</script>"),
                         name=f"kcm_js_{index}")
    Controller({"offline": True, "state": client_state(view, selected), "attribution": ATTRIBUTION}).add_to(fmap)
    return fmap.get_root().render()
