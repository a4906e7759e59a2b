"""The smallest page that shows a folium map through streamlit-folium with local assets only.

tests/test_assets.py opens it in Chromium with every outside request blocked. With
OFFLINE_MAP_APP_CDN=1 it keeps folium's CDN links, so the test can show that the guard
catches them.
"""

import os

import folium
from streamlit_folium import st_folium

from geo.assets import use_local_assets

if os.environ.get("OFFLINE_MAP_APP_CDN") != "1":
    use_local_assets()

# A rough outline around Shusha/Stepanakert: a GeoJson polygon, drawn as an SVG path.
area = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"name": "Test area"},
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[46.70, 39.74], [46.82, 39.74], [46.82, 39.84], [46.70, 39.84], [46.70, 39.74]]],
            },
        }
    ],
}

m = folium.Map(location=[39.79, 46.76], zoom_start=11, tiles=None)
folium.GeoJson(area, name="area", tooltip=folium.GeoJsonTooltip(fields=["name"])).add_to(m)
folium.CircleMarker([39.76, 46.75], radius=8, color="#b22222", fill=True, tooltip="Shusha").add_to(m)
# Two image markers, to check what the stylesheets pull in: Leaflet's default icon (its
# image path is found from leaflet.css) and an awesome marker (sprite and Font Awesome font).
folium.Marker([39.815, 46.752], tooltip="Stepanakert").add_to(m)
folium.Marker([39.80, 46.79], icon=folium.Icon(color="red", icon="flag", prefix="fa")).add_to(m)

st_folium(m, key="map", returned_objects=[], height=400)
