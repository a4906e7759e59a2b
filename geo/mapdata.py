"""The map's data bundle: every feature with its timeline, the base map and the article's quotes, sent once.

The browser gets it inside the map's runtime: one static script, named by its content hash, that holds Leaflet,
the map's stylesheets, the client controller (static/kcm/timeline-map.js) and the data (window.KCM_DATA). No
step of the timeline ever resends geometry. One file rather than four, because streamlit-folium loads a map's
scripts one after the other and its stylesheets only after them: on a cold load each file was a round trip
on the way to the first paint.
"""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo import geojson
from geo.assets import LOCAL_ASSETS, STATIC_URL, local_path
from geo.catalog import KEY_DATES, LAYERS, PRECISION, TIMELINE_END, TIMELINE_START
from geo.paths import STATIC

FEATURE_FIELDS = ("id", "layer", "name_en", "name_az", "name_hy", "name_ru", "precision", "sources", "timeline",
                  "note", "figures", "area_km2", "population", "population_note")
BUNDLE_DIR = "generated"
LEAFLET_JS = LOCAL_ASSETS["https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"]
LEAFLET_CSS = LOCAL_ASSETS["https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css"]
KCM_JS = f"{STATIC_URL}/kcm/timeline-map.js"
KCM_CSS = f"{STATIC_URL}/kcm/timeline-map.css"
LEAFLET_IMAGE_URL = re.compile(r"url\(images/[^)]*\)")


def _collection(frame: gpd.GeoDataFrame, name: str, fields) -> dict:
    keep = [f for f in fields if f in frame.columns]
    return geojson.feature_collection(frame[[*keep, "geometry"]], name)


def quotes_by_feature(claims: pd.DataFrame) -> dict[str, list[dict]]:
    quotes: dict[str, list[dict]] = {}
    for claim in claims.itertuples():
        for feature in claim.features:
            quotes.setdefault(feature, []).append(
                {"id": claim.id, "quote": claim.quote, "verdict": claim.verdict, "map_date": claim.map_date})
    return quotes


def bundle(layers: dict[str, gpd.GeoDataFrame], base: dict[str, gpd.GeoDataFrame], claims: pd.DataFrame) -> dict:
    return {
        "layers": [{"id": l.id, "title": l.title, "kind": l.kind, "colour": l.colour} for l in LAYERS],
        "features": {layer_id: _collection(frame, layer_id, FEATURE_FIELDS) for layer_id, frame in layers.items()},
        "base": {
            "countries": _collection(base["countries"], "countries", ("id", "name_en")),
            "districts": _collection(base["districts"], "districts", ("id", "name_en")),
            "labels": _collection(base["labels"], "labels", ("id", "name_en")),
        },
        "precision": PRECISION,
        "quotes": quotes_by_feature(claims),
        "timeline": {"start": TIMELINE_START.isoformat(), "end": TIMELINE_END.isoformat(),
                     "key_dates": {day.isoformat(): label for day, label in KEY_DATES.items()}},
    }


def to_script(data: dict) -> str:
    # "</" is escaped so that the same text can also sit inside an inline <script> element.
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True).replace("</", "<\\/")
    return f"window.KCM_DATA={text};\n"


def _read(url: str, static_root: Path) -> str:
    return local_path(url, static_root).read_text(encoding="utf-8")


def runtime_script(data_script: str, static_root: Path = STATIC) -> str:
    """Leaflet, the map's stylesheets, the controller and the data, as one script (see the module's docstring).

    The stylesheets are added by the script itself, before any map is made. Leaflet's stylesheet names its
    images (the layer switcher's, the default marker's) relative to its own folder, which a <style> element does
    not have; the map uses neither, so those URLs are dropped rather than left to point nowhere.
    """
    css = LEAFLET_IMAGE_URL.sub("none", _read(LEAFLET_CSS, static_root)) + _read(KCM_CSS, static_root)
    css_json = json.dumps(css, ensure_ascii=False).replace("</", "<\\/")
    add_styles = ("(function(){var s=document.createElement('style');s.setAttribute('data-kcm','styles');"
                  f"s.textContent={css_json};(document.head||document.documentElement).appendChild(s);}})();\n")
    return "\n".join([_read(LEAFLET_JS, static_root), add_styles, _read(KCM_JS, static_root), data_script])


def write_script(script: str, stem: str, static_root: Path = STATIC) -> str:
    """Write a script under static/generated/ as `<stem>.<hash>.js` and return the URL the app serves it at."""
    digest = hashlib.sha256(script.encode("utf-8")).hexdigest()[:16]
    folder = Path(static_root) / BUNDLE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{stem}.{digest}.js"
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        tmp.write_text(script, encoding="utf-8")
        tmp.replace(path)  # atomic: a browser never gets half a file
    return f"{STATIC_URL}/{BUNDLE_DIR}/{path.name}"
