"""The baseline for `python -m bench`: the map page most Streamlit-Folium apps ship.

Every step of its Streamlit slider reruns the script, which builds a new folium.Map holding that day's features
as GeoJSON, renders the whole map to an HTML document and hands it to st.iframe (as its srcdoc) again: each new
day is a new document in the iframe, and the map is drawn from scratch. (Formerly through streamlit-folium, which
the project no longer depends on; its st_folium did the same: a new component, hence a new iframe, per day.)

The map carries the same marks as the dashboard's, so that the benchmark's observers find it (bench/probes.py
looks for the map in the page and, failing that, in a same-origin iframe: here): each feature's path has the
class `kcm-feature`, and once the layers are added a script writes `data-kcm-date` on the Leaflet container.
Leaflet is the one the dashboard uses (vendor/node_modules, installed by scripts/setup.sh, which nothing serves):
its script and stylesheet go inline into every document, as the dashboard's runtime script carries them, instead
of folium's CDN links (there is no network; folium's jQuery, Bootstrap and icon fonts are not wanted). So each
step's payload holds Leaflet as well as the day's GeoJSON, and the new document fetches nothing. Run it with
`streamlit run` from the repository root (bench.servers does, through tests/browser_support.py); the initial
date comes from `?date=YYYY-MM-DD`.
"""
import datetime as dt

import folium
import streamlit as st
from branca.element import Element, MacroElement
from jinja2 import Template

from geo import assets, mapdata, state
from geo import layers as layers_mod
from geo.catalog import LAYERS, TIMELINE_END, TIMELINE_START

MAP_HEIGHT = 620


@st.cache_resource(show_spinner=False)
def load():
    return state.all_features(layers_mod.load_layers())


@st.cache_resource(show_spinner=False)
def leaflet_inline() -> str:
    """Leaflet's script and stylesheet as inline elements (its stylesheet's images, which no map here uses,
    dropped, as geo/mapdata.py runtime_script does)."""
    js = assets.vendor_file(assets.LEAFLET_JS).read_text(encoding="utf-8")
    css = mapdata.LEAFLET_IMAGE_URL.sub("none", assets.vendor_file(assets.LEAFLET_CSS).read_text(encoding="utf-8"))
    js = js.replace("</script", "<\\/script").replace("<!--", "<\\!--")
    return f"<style>{css}</style>\n<script>{js}</script>"


class MarkDate(MacroElement):
    """Written after the layers: `data-kcm-date` on the map's container."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "{{ this._parent.get_name() }}.getContainer().setAttribute('data-kcm-date', {{ this.day|tojson }});"
        "{% endmacro %}")

    def __init__(self, day: str):
        super().__init__()
        self._name = "MarkDate"
        self.day = day


if "date" not in st.session_state:
    try:
        st.session_state.date = state.parse_date(st.query_params.get("date", "2020-11-09"))
    except Exception:  # noqa: BLE001 - a bad link shows the default day
        st.session_state.date = dt.date(2020, 11, 9)

day = st.slider("Date", min_value=TIMELINE_START, max_value=TIMELINE_END, step=dt.timedelta(days=1), key="date",
                format="ddd D MMM YYYY")
features = state.state_on(load(), day)

m = folium.Map(location=(39.75, 46.65), zoom_start=8, tiles=None, control_scale=True)
m.default_js, m.default_css = [], []  # no CDN links: Leaflet is inline (leaflet_inline)
m.get_root().header.add_child(Element(leaflet_inline()), name="leaflet_inline")
for layer in LAYERS:
    frame = features[features.layer == layer.id]
    if frame.empty:
        continue
    frame = frame[["id", "name_en", "status", "status_since", "precision", "geometry"]]
    folium.GeoJson(
        frame.to_json(drop_id=True),
        name=layer.title,
        style_function=lambda f, colour=layer.colour: {
            "className": "kcm-feature", "color": colour, "weight": 2, "fillColor": colour, "fillOpacity": 0.3},
        marker=folium.CircleMarker(radius=5, fill=True, fill_color="#ffffff", fill_opacity=1, color="#111827")
        if layer.kind == "point" else None,
        tooltip=folium.GeoJsonTooltip(fields=["name_en", "status"], aliases=["", ""]),
    ).add_to(m)
MarkDate(day.isoformat()).add_to(m)

st.iframe(m.get_root().render(), height=MAP_HEIGHT)
st.caption(f"{day:%A %d %B %Y}: {len(features)} features")
