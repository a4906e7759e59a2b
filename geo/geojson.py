"""Deterministic GeoJSON: the same layer always gives the same bytes (rounded, sorted, one feature a line)."""
from __future__ import annotations

import json
import math
from pathlib import Path

import geopandas as gpd
import shapely

from geo.crs import WGS84

DECIMALS = 5  # 1e-5 degree is about 1 m here: finer than any source we draw


def rounded(coords, decimals: int = DECIMALS):
    """Coordinates (nested lists) rounded to `decimals`, with no negative zero."""
    if isinstance(coords, (float, int)):
        value = round(coords, decimals)
        return 0.0 if value == 0 else value
    return [rounded(c, decimals) for c in coords]


def _clean(value):
    """Plain JSON values from what pandas and pyogrio hand back (NaN, numpy scalars and arrays)."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "tolist") and not isinstance(value, (list, dict, str)):
        return _clean(value.tolist())
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    return value


def feature_collection(gdf: gpd.GeoDataFrame, name: str) -> dict:
    if gdf.crs is None or not gdf.crs.equals(WGS84):
        raise ValueError(f"{name}: GeoJSON is written in WGS84, got {gdf.crs}")
    features = []
    for row in gdf.sort_values("id").itertuples(index=False):
        geometry = shapely.set_precision(row.geometry, 10 ** -DECIMALS)
        if geometry.geom_type in ("Polygon", "MultiPolygon"):
            geometry = shapely.orient_polygons(geometry)  # RFC 7946: exterior rings counter-clockwise
        geojson = shapely.geometry.mapping(geometry)
        props = {key: _clean(getattr(row, key)) for key in gdf.columns if key != "geometry"}
        features.append({"type": "Feature", "id": row.id, "properties": props,
                         "geometry": {"type": geojson["type"], "coordinates": rounded(geojson["coordinates"])}})
    return {"type": "FeatureCollection", "name": name, "features": features}


def dumps(collection: dict) -> str:
    head = {key: value for key, value in collection.items() if key != "features"}
    lines = [json.dumps(feature, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
             for feature in collection["features"]]
    opening = json.dumps(head, ensure_ascii=False, sort_keys=True)[:-1]
    return opening + ',"features":[\n' + ",\n".join(lines) + "\n]}\n"


def write(gdf: gpd.GeoDataFrame, path: Path, name: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dumps(feature_collection(gdf, name)), encoding="utf-8")
