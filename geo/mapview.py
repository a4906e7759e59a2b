"""The map's shell, made by folium, and the standalone HTML export.

folium builds the Leaflet map itself (the base map's tiles and attribution, the scale, the zoom limits).
Nothing of the data passes through folium's templates: the shell holds the base map's options only, and the
features, the view and the claims are handed to the map as data afterwards, by the page's component
(app_pages/map_component.py, static/kcm/map-component.js) or, in the export, inserted after rendering.
"""
from __future__ import annotations

import functools
import html
import json
import re

import folium

from geo.view import DEFAULT, View

TILES = {
    "osm": dict(tiles="OpenStreetMap"),
    "carto": dict(tiles="CartoDB positron"),
    "satellite": dict(tiles="https://server.arcgisonline.com/ArcGIS/rest/services/World_Imagery/MapServer/tile/{z}/{y}/{x}",
                      attr="Imagery: Esri, Maxar, Earthstar Geographics"),
}
ATTRIBUTION = "Natural Earth (public domain); GeoNames (CC BY 4.0)"


def _folium_map(base: str, view: View = DEFAULT) -> folium.Map:
    tiles = TILES.get(base)
    fmap = folium.Map(location=(view.lat, view.lon), zoom_start=view.zoom, min_zoom=5, max_zoom=16,
                      control_scale=True, **(tiles if tiles else {"tiles": None}))
    fmap.options.update(minZoom=5, maxZoom=16)  # folium gives its zoom limits to the tiles; the offline map has none
    # Leaflet comes inside the map's runtime (geo/mapdata.py): none of folium's CDN links is wanted.
    fmap.default_js, fmap.default_css = [], []
    return fmap


@functools.lru_cache(maxsize=None)
def shell(base: str) -> dict:
    """The script that makes the Leaflet map for a base map, as folium writes it, and the id of its element.

    Rendered once per base map and process: a step, a claim or a pan never rebuilds the map."""
    fmap = _folium_map(base)
    figure = fmap.get_root()
    figure.render()
    return {"id": fmap.get_name(), "script": figure.script.render()}


def _script_text(code: str) -> str:
    """Code that can sit inside an inline <script> element whatever its strings hold: the only text that ends
    or changes the element there is "</script" and "<!--" (in a JS string or regex, "<\\/" is "</")."""
    return re.sub(r"</(script)", r"<\\/\1", code, flags=re.IGNORECASE).replace("<!--", "<\\!--")


def _json_text(value) -> str:
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def standalone_html(runtime_script: str, view: View, selected: list[str], claims: list[dict] | None = None,
                    canvas_above: int | None = None) -> str:
    """The map as one self-contained HTML file that works offline: folium's page with the map's runtime
    (Leaflet, styles, controller, data) and the view inserted after rendering, as a script and as JSON.

    `claims` are the article's claims the popups link to ({id, quote, verdict, reason, map_date, features,
    layers}); a claim picked in a popup is shown in place. `canvas_above` overrides the feature count above
    which the map draws on a canvas (tests)."""
    fmap = _folium_map("none", view)
    page = fmap.get_root().render()
    options = {"mapId": fmap.get_name(), "attribution": ATTRIBUTION, "claims": claims or [],
               "view": {"date": view.date.isoformat(), "layers": list(view.layers), "claim": view.claim},
               "selected": list(selected)}
    if canvas_above is not None:
        options["canvasAbove"] = canvas_above
    title = f"Karabakh ceasefire map, {view.date:%d %B %Y}"
    head = (f"<title>{html.escape(title)}</title>\n"
            f"<script>{_script_text(runtime_script)}</script>\n")
    body = (f'<script type="application/json" id="kcm-options">{_json_text(options)}</script>\n'
            "<script>KCM.standalone(JSON.parse(document.getElementById(\"kcm-options\").textContent));</script>\n")
    # The rendered page is folium's, with no data in it: its one </head> and its last </html> are its own.
    at_head, at_end = page.index("</head>"), page.rindex("</html>")
    return page[:at_head] + head + page[at_head:at_end] + body + page[at_end:]
