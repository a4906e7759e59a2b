"""The folium map: built once per base map, then driven by small state updates.

`timeline_map` draws nothing itself: it loads the map's runtime (Leaflet, its stylesheets, the client controller
static/kcm/timeline-map.js and the data bundle, in one script: geo/mapdata.py) and starts the controller. `state_update` is the tiny FeatureGroup the dashboard hands to
streamlit-folium on every change; it only calls KCM.apply with the view's date, layers and selection.
"""
from __future__ import annotations

import json

import folium
from branca.element import Element, MacroElement
from jinja2 import Template

from geo.errors import InvalidInput
from geo.state import parse_date
from geo.view import DEFAULT, View

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
    map or None, "date_tag": the raw numbered tag, to tell a new step from an old one, "place": a place chosen
    in the map's search box or None, "place_tag": its raw numbered tag}.
    """
    found = {"requested": None, "date": None, "date_tag": None, "place": None, "place_tag": None}
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
        elif tag.startswith("kcm-place:"):
            found["place_tag"] = tag
            found["place"] = tag[len("kcm-place:"):].split("#")[0][:120] or None
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
    """A folium Map that loads one script, the map's runtime: no jQuery, Bootstrap or icon fonts."""

    default_js: list = []
    default_css: list = []

    def __init__(self, runtime_url: str | None, **kwargs):
        super().__init__(**kwargs)
        if runtime_url:
            # Per map, not per class: the runtime's name changes with the data and the code.
            self.default_js = [("kcm_runtime", runtime_url)]


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


def timeline_map(runtime_url: str, base: str) -> TimelineMap:
    """The map shell. Its script depends only on the base map and the bundle: the component is never rebuilt
    by a change of date, layers, selection or view."""
    tiles = TILES.get(base)
    # Starts where a link with no view would: the requested view follows in the first state update.
    fmap = TimelineMap(runtime_url, location=(DEFAULT.lat, DEFAULT.lon), zoom_start=DEFAULT.zoom, min_zoom=5, max_zoom=16,
                       control_scale=True, **(tiles if tiles else {"tiles": None}))
    Controller({"offline": tiles is None, "attribution": ATTRIBUTION}).add_to(fmap)
    return fmap


def state_update(view: View, selected: list[str]) -> folium.FeatureGroup:
    """What the dashboard sends on a step: an empty feature group whose only script calls KCM.apply."""
    group = folium.FeatureGroup(name="kcm-state", control=False)
    ApplyState(client_state(view, selected)).add_to(group)
    return group


def standalone_html(runtime_script: str, view: View, selected: list[str], canvas_above: int | None = None) -> str:
    """The map as one self-contained HTML file: the runtime (Leaflet, styles, controller, data) inline; works
    offline. `canvas_above` overrides the feature count above which the map draws on a canvas (tests)."""
    fmap = folium.Map(location=(view.lat, view.lon), zoom_start=view.zoom, tiles=None, control_scale=True)
    fmap.default_js, fmap.default_css = [], []
    fmap.get_root().header.add_child(
        Element("<script>" + runtime_script.replace("</script", "<\\/script") + "</script>"), name="kcm_runtime")
    options = {"offline": True, "state": client_state(view, selected), "attribution": ATTRIBUTION}
    if canvas_above is not None:
        options["canvasAbove"] = canvas_above
    Controller(options).add_to(fmap)
    return fmap.get_root().render()
