"""The GeoJSON of a view, as a reader downloads it: the day's features with what they need to be reused and
checked elsewhere — the date, the licences and attributions of the data, and per feature its sources (outlet,
date, title, address) and the article's claims about it with both verdicts.

RFC 7946 allows members beyond its own ("foreign members") at the top of a FeatureCollection and in each
feature's properties: the metadata go there, so any GeoJSON reader still reads the file.
"""
from __future__ import annotations

import datetime as dt
import json

import geopandas as gpd
import pandas as pd

from geo import geojson, settlements, state
from geo.crs import WGS84
from geo.paths import PROVENANCE

TITLE = "Karabakh ceasefire map"
# The properties a reader of the file needs; the dated timeline stays in the map (its state that day is here).
FEATURE_PROPERTIES = ("id", "layer", "name_en", "name_az", "name_hy", "name_ru", "status", "controller",
                      "status_since", "precision", "area_km2", "note")
CURATED_LICENCE = ("The dated events, names and claims are compiled by the project from the public pages cited "
                   "with each feature; the article's quotes are quoted for fact-checking, criticism and review.")


def data_licences(provenance_path=PROVENANCE) -> list[dict]:
    """Each base data source with its licence and how to credit it (data/provenance.json)."""
    sources = json.loads(provenance_path.read_text(encoding="utf-8"))["sources"]
    return [{"producer": s["producer"], "licence": s["licence"], "licence_url": s["licence_url"],
             "attribution": s["citation"]} for s in sources.values()]


def _cite(source_id: str, sources: pd.DataFrame | None):
    if sources is None or source_id not in sources.index:
        return {"id": source_id}
    return settlements.cite_source(sources, source_id)


def view_geojson(features: gpd.GeoDataFrame | dict, day, layer_ids, claims: pd.DataFrame,
                 sources: pd.DataFrame | None = None, provenance_path=PROVENANCE) -> dict:
    """The features shown on `day` (on `layer_ids`) as a FeatureCollection with the metadata above.

    `claims` is geo.claims.load_claims()'s frame; `sources` is the sources table (indexed by id)."""
    day = state.parse_date(day)
    shown = state.state_on(features, day, layer_ids)
    keep = [c for c in FEATURE_PROPERTIES if c in shown.columns]
    frame = gpd.GeoDataFrame(shown[[*keep, "sources", "geometry"]], geometry="geometry", crs=shown.crs)
    collection = geojson.feature_collection(frame.to_crs(WGS84), f"karabakh-{day.isoformat()}")
    about = {}
    for claim in claims.itertuples():
        hindsight = getattr(claim, "hindsight", None) or {}
        for feature_id in claim.features:
            about.setdefault(feature_id, []).append(
                {"id": claim.id, "quote": claim.quote, "verdict_24_nov_2020": claim.verdict,
                 "verdict_in_hindsight": hindsight.get("verdict"), "settled": hindsight.get("settled")})
    for feature in collection["features"]:
        props = feature["properties"]
        props["sources"] = [_cite(s, sources) for s in props.get("sources") or []]
        props["claims"] = about.get(props["id"], [])
    licences = data_licences(provenance_path)
    return {
        "type": "FeatureCollection", "name": collection["name"],
        "title": f"{TITLE}: what held on {day:%d %B %Y}",
        "date": day.isoformat(),
        "layers": list(layer_ids) if layer_ids is not None else None,
        "licences": licences,
        "curated_data": CURATED_LICENCE,
        "attribution": "; ".join(dict.fromkeys(licence["attribution"] for licence in licences)),
        "features": collection["features"],
    }


def dumps(collection: dict) -> str:
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":"))


def file_name(day: dt.date) -> str:
    return f"karabakh-{day.isoformat()}.geojson"
