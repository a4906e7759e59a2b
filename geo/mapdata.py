"""The map's data bundle: every feature with its timeline, the base map and the article's quotes, sent once.

The browser gets it as a static script (window.KCM_DATA), cached by its content hash, so that no step of the
timeline ever resends geometry.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo import geojson
from geo.catalog import KEY_DATES, LAYERS, PRECISION, TIMELINE_END, TIMELINE_START
from geo.paths import STATIC

FEATURE_FIELDS = ("id", "layer", "name_en", "name_az", "name_hy", "name_ru", "precision", "sources", "timeline",
                  "note", "figures", "area_km2", "population", "population_note")
BUNDLE_DIR = "generated"


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


def write_bundle(data: dict, static_root: Path = STATIC) -> str:
    """Write the bundle under static/generated/ (named by its hash) and return the URL the app serves it at."""
    script = to_script(data)
    digest = hashlib.sha256(script.encode("utf-8")).hexdigest()[:16]
    folder = Path(static_root) / BUNDLE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"map-data.{digest}.js"
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        tmp.write_text(script, encoding="utf-8")
        tmp.replace(path)  # atomic: a browser never gets half a file
    return f"/app/static/{BUNDLE_DIR}/{path.name}"
