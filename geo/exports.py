"""What a reader downloads of a view: its GeoJSON, and the map as one standalone HTML file.

The GeoJSON holds the day's features with what they need to be reused and checked elsewhere — the date, the
licences and attributions of the data, and per feature its sources (outlet, date, title, address) and the
article's claims about it with both verdicts. RFC 7946 allows members beyond its own ("foreign members") at the
top of a FeatureCollection and in each feature's properties: the metadata go there, so any GeoJSON reader
still reads the file.

The standalone HTML (standalone_html) is the map with its time bar, legend and layer toggles, the article's
claims about the day, the article's attribution and the data's licences, for a reader who publishes a map
without running a server. The page's download and `python -m geo export --html` both call it.
"""
from __future__ import annotations

import datetime as dt
import json

import geopandas as gpd
import pandas as pd

from geo import claims as claims_mod
from geo import geojson, mapview, settlements, state
from geo.catalog import KEY_DATES, LAYERS
from geo.crs import WGS84
from geo.errors import DataFileError
from geo.paths import CLAIMS, PROVENANCE
from geo.tables import read_json_object
from geo.view import View

TITLE = "Karabakh ceasefire map"
# The properties a reader of the file needs; the dated timeline stays in the map (its state that day is here).
FEATURE_PROPERTIES = ("id", "layer", "name_en", "name_az", "name_hy", "name_ru", "status", "controller",
                      "status_since", "precision", "area_km2", "note")
CURATED_LICENCE = ("The dated events, names and claims are compiled by the project from the public pages cited "
                   "with each feature; the article's quotes are quoted for fact-checking, criticism and review.")


def data_licences(provenance_path=PROVENANCE) -> list[dict]:
    """Each base data source with its licence and how to credit it (data/provenance.json)."""
    return licences_from(read_json_object(provenance_path), provenance_path)


def licences_from(provenance: dict, provenance_path=PROVENANCE) -> list[dict]:
    """data_licences() of a provenance already read; a source without its licence fields is an error, since
    no export may go out without them."""
    try:
        return [{"producer": s["producer"], "licence": s["licence"], "licence_url": s["licence_url"],
                 "attribution": s["citation"]} for s in provenance["sources"].values()]
    except (KeyError, TypeError, AttributeError):
        raise DataFileError(provenance_path, "each data source needs its producer, licence, licence_url and "
                                             "citation") from None


def _cite(source_id: str, sources: pd.DataFrame | None):
    if sources is None or source_id not in sources.index:
        return {"id": source_id}
    return settlements.cite_source(sources, source_id)


def view_geojson(features: gpd.GeoDataFrame | dict, day, layer_ids, claims: pd.DataFrame,
                 sources: pd.DataFrame | None = None, provenance_path=PROVENANCE, licences=None) -> dict:
    """The features shown on `day` (on `layer_ids`) as a FeatureCollection with the metadata above.

    `claims` is geo.claims.load_claims()'s frame; `sources` is the sources table (indexed by id); `licences`
    licences_from() of a provenance already loaded, or else read from `provenance_path`."""
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
    licences = data_licences(provenance_path) if licences is None else licences
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


def html_file_name(day: dt.date) -> str:
    return f"karabakh-{day.isoformat()}.html"


def standalone_runtime(layers: dict[str, gpd.GeoDataFrame], base: dict[str, gpd.GeoDataFrame], claims: pd.DataFrame,
                       records, area_series: pd.DataFrame) -> str:
    """The map's runtime with every detail inline (the file can fetch nothing), made as the dashboard makes
    the one its download uses (app_pages/common.py map_bundle)."""
    from geo import mapdata

    full = mapdata.bundle(layers, base, claims, records.sources, area_series, records.settlements)
    return mapdata.runtime_script(mapdata.to_script(full))


def standalone_html(runtime_script: str, view: View, selected, claims: pd.DataFrame, features,
                    sources: pd.DataFrame | None, article: dict | None = None, provenance_path=PROVENANCE,
                    claims_path=CLAIMS, canvas_above: int | None = None, licences=None, meanings=None) -> str:
    """The standalone HTML file of a view (geo.mapview.standalone_html lays it out).

    `runtime_script` is standalone_runtime()'s; `claims` the claims with their groups expanded (the map's);
    `features` the layers or state.all_features(); `article` the article's attribution (its .meta.json, read
    from beside the claims file when not given). `licences` (licences_from()) and `meanings` (the claims
    file's verdicts and hindsight_verdicts) from data already loaded, or else read from the two paths."""
    if article is None:
        article = claims_mod.load_article(claims_path)[1]
    try:
        published = mapview.day_words(dt.date.fromisoformat(article.get("date_published") or ""))
    except ValueError:
        published = article.get("date_published")
    verdicts, hindsight = meanings_from(read_json_object(claims_path)) if meanings is None else meanings
    shown = claims_mod.claims_on(claims, state.state_on(features, view.date, view.layers), view.date)
    records = claims_mod.to_records(claims)
    listed = []
    for claim in records:
        later = (claim.get("hindsight") or {})
        listed.append({**claim, "sources": [_cite(s, sources) for s in claim.get("reference") or []],
                       "verdict_meaning": verdicts.get(claim["verdict"], ""),
                       "hindsight_meaning": hindsight.get(later.get("verdict"), "")})
    about = {
        "layers": [{"id": l.id, "title": l.title, "description": l.description} for l in LAYERS],
        "claims": listed, "claims_shown": list(shown.id), "key_date": KEY_DATES.get(view.date),
        "article": {"publisher": article.get("publisher"), "title": article.get("title"), "url": article.get("url"),
                    "date": published, "rights": article.get("rights")},
        "verdicts": verdicts, "hindsight_verdicts": hindsight,
        "licences": data_licences(provenance_path) if licences is None else licences,
        "curated": CURATED_LICENCE,
    }
    return mapview.standalone_html(runtime_script, view, list(selected), records, canvas_above=canvas_above,
                                   about=about)


def standalone_for_view(view: View, loaded) -> str:
    """The standalone HTML of a view, as `python -m geo export --html` writes it, from a geo.dataset.Dataset
    that has every part it needs (layers, base, claims, records, provenance)."""
    runtime = standalone_runtime(loaded.layers, loaded.base, loaded.claims, loaded.records, loaded.area_series)
    return standalone_html(runtime, view, [], loaded.claims, state.all_features(loaded.layers),
                           loaded.records.sources, loaded.article[1] if loaded.article else None,
                           licences=licences_from(loaded.provenance), meanings=meanings_from(loaded.claims_document))


def meanings_from(claims_document: dict) -> tuple[dict, dict]:
    """The verdicts' meanings, as of the article's day and in hindsight, from the claims file already read."""
    return claims_document.get("verdicts") or {}, claims_document.get("hindsight_verdicts") or {}
