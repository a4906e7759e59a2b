"""The baseline for `python -m bench`: the map page most Streamlit-Folium apps ship.

Every step of the slider reruns the script, which builds a new folium.Map holding that day's features as
GeoJSON and hands the whole map to st_folium again. streamlit-folium keys its component by a hash of the
map's script, so a new day is a new component: the iframe is replaced and the map drawn from scratch.

The map carries the same marks as the dashboard's, so that the benchmark's observers work unchanged: each
feature's path has the class `kcm-feature`, and once the layers are added a script writes `data-kcm-date` on
the Leaflet container. Run it with `streamlit run` beside the repository's static/ folder (bench.servers
does, through tests/browser_support.py); the initial date comes from `?date=YYYY-MM-DD`.
"""
import datetime as dt

import folium
import streamlit as st
from branca.element import MacroElement
from jinja2 import Template
from streamlit_folium import st_folium

from geo import assets, state
from geo import layers as layers_mod
from geo.catalog import LAYERS, TIMELINE_END, TIMELINE_START

assets.use_local_assets()  # Leaflet and folium's other scripts from the app's static/, not from CDNs


@st.cache_resource(show_spinner=False)
def load():
    return state.all_features(layers_mod.load_layers())


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

st_folium(m, key="naive", height=620)
st.caption(f"{day:%A %d %B %Y}: {len(features)} features")
