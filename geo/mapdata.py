"""The map's data bundle: every feature with its timeline, the base map and the article's quotes, sent once.

The browser gets it inside the map's runtime: one static script, named by its content hash, that holds Leaflet,
the map's stylesheets, the client controller (static/kcm/timeline-map.js), the component's side of the channel
to the page (static/kcm/map-component.js) and the data (window.KCM_DATA). No step of the timeline ever resends
geometry. One file rather than five: on a cold load each file would be a round trip on the way to the first
paint.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import re
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
import shapely.geometry

from geo import areas, geojson, settlements
from geo.gazetteer import fold
from geo.assets import LEAFLET_CSS, LEAFLET_JS, STATIC_URL, local_path, vendor_file
from geo.catalog import KEY_DATES, LAYERS, PERIODS, PRECISION, STATUSES, TIMELINE_END, TIMELINE_START
from geo.paths import STATIC, VENDOR

FEATURE_FIELDS = ("id", "layer", "name_en", "name_az", "name_hy", "name_ru", "precision", "sources", "timeline",
                  "note", "figures", "area_km2", "population", "population_note", "history", "coord_url",
                  "coord_page", "coord_quality", "district")
BUNDLE_DIR = "generated"
KCM_JS = f"{STATIC_URL}/kcm/timeline-map.js"
KCM_COMPONENT_JS = f"{STATIC_URL}/kcm/map-component.js"
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
                {"id": claim.id, "quote": claim.quote, "verdict": claim.verdict,
                 "hindsight": claim.hindsight["verdict"], "map_date": claim.map_date})
    return quotes


def _cited(collection: dict, sources: pd.DataFrame | None) -> dict:
    """Each feature's source ids replaced by what a reader needs to open them: outlet, date, title, address."""
    if sources is None:
        return collection
    def cite(source_id):
        return settlements.cite_source(sources, source_id) if source_id in sources.index else source_id
    for feature in collection["features"]:
        props = feature["properties"]
        props["sources"] = [cite(s) for s in props.get("sources") or []]
    return collection


AREA_COLOURS = {"armenian": "#c2410c", "contested": "#f59e0b", "unknown": "#9ca3af", "announced": "#22d3ee",
                "confirmed": "#0e7490", "handed_over": "#15803d", "sep_2023": "#1e40af"}


def area_chart_data(series: pd.DataFrame | None) -> dict | None:
    """The chart of the area each side held (geo.areas.series), as the map draws it: the figures on the first
    day and on each day they change, which hold until the next such day (`end` is the last day)."""
    if series is None or series.empty:
        return None
    days = sorted(series.date.unique())
    table = series.pivot(index="date", columns="group", values="km2").reindex(days)
    groups = [g for g in areas.GROUPS if g in table.columns]
    values = table[groups].round(1)
    changed = values.ne(values.shift()).any(axis=1)
    kept = values[changed]
    return {"days": [d.isoformat() for d in kept.index], "end": days[-1].isoformat(),
            "groups": [{"id": g, "label": areas.SHORT[g], "title": areas.GROUPS[g], "colour": AREA_COLOURS[g]}
                       for g in groups],
            "km2": {g: [float(v) for v in kept[g]] for g in groups}}


def names_index(gazetteer: pd.DataFrame | None, located: set[str]) -> list | None:
    """For the map's search box: [id, label, on the map?, folded name forms] for every settlement."""
    if gazetteer is None:
        return None
    out = []
    for row in gazetteer.itertuples():
        forms = sorted({fold(f) for f in settlements.name_forms(row._asdict())})
        out.append([row.id, f"{row.name_en} · {row.district}", row.id in located, forms])
    return out


# The languages a reader can choose for the place names, besides English (geo.view.LANGUAGES).
NAME_LANGUAGES = ("az", "hy", "ru")


def place_names(layers: dict[str, gpd.GeoDataFrame], base: dict[str, gpd.GeoDataFrame]) -> dict[str, dict]:
    """{language: {feature id: name}} for every feature that has a name in that language; a feature without one
    is left out, and the map shows its English name marked as such."""
    frames = [*layers.values(), base["districts"]]
    names: dict[str, dict] = {}
    for language in NAME_LANGUAGES:
        column = f"name_{language}"
        found = {}
        for frame in frames:
            if column not in frame.columns:
                continue
            for feature_id, name in zip(frame["id"], frame[column]):
                if isinstance(name, str) and name.strip():
                    found[feature_id] = name.strip()
        names[language] = dict(sorted(found.items()))
    return names


def bundle(layers: dict[str, gpd.GeoDataFrame], base: dict[str, gpd.GeoDataFrame], claims: pd.DataFrame,
           sources: pd.DataFrame | None = None, area_series: pd.DataFrame | None = None,
           gazetteer: pd.DataFrame | None = None) -> dict:
    located = set(layers["settlements"].id) if "settlements" in layers else set()
    return {
        "areas": area_chart_data(area_series),
        "names": names_index(gazetteer, located),
        "place_names": place_names(layers, base),
        "layers": [{"id": l.id, "title": l.title, "kind": l.kind, "colour": l.colour, "style": l.style,
                    "label_min_zoom": l.label_min_zoom} for l in LAYERS],
        # A list, in the legend's order (a JSON object's keys are written sorted).
        "statuses": [{"id": s.id, "label": s.label, "short": s.short, "colour": s.colour, "legend": s.legend}
                     for s in STATUSES.values()],
        "features": {layer_id: _cited(_collection(frame, layer_id, FEATURE_FIELDS), sources)
                     for layer_id, frame in layers.items()},
        "base": {
            "countries": _collection(base["countries"], "countries", ("id", "name_en")),
            "districts": _collection(base["districts"], "districts", ("id", "name_en")),
            "labels": _collection(base["labels"], "labels", ("id", "name_en")),
        },
        "precision": PRECISION,
        "quotes": quotes_by_feature(claims),
        "timeline": {"start": TIMELINE_START.isoformat(), "end": TIMELINE_END.isoformat(),
                     "key_dates": {day.isoformat(): label for day, label in KEY_DATES.items()},
                     "periods": [{"id": p.id, "label": p.label, "title": p.title, "start": p.start.isoformat(),
                                  "end": p.end.isoformat(), "share": p.share, "play_days": p.play_days}
                                 for p in PERIODS]},
    }


# ------------------------------------------------------------------------------------- levels of detail
# What the dashboard serves is lighter than `bundle()`: the runtime holds each feature's coarsest geometry and
# only what a step needs (its layer, precision, English name and dated statuses). Finer geometry and the rest
# of the properties (other names, sources, notes, figures, the article's quotes) sit in small files, one per
# level and grid cell, that the map fetches for the cells in view when the zoom needs them or a popup opens.
@dataclasses.dataclass(frozen=True)
class DetailLevel:
    level: int
    min_zoom: int  # the first zoom level drawn with this geometry
    tolerance: float  # Douglas-Peucker tolerance, degrees: under a pixel at the zooms the level serves
    decimals: int  # coordinates kept: a fraction of a pixel at those zooms


# A degree of longitude is 256 * 2**z / 360 pixels at zoom z: 0.0012 deg is 0.9 px at zoom 9, 0.0003 deg is
# 0.9 px at zoom 11; from zoom 12 on the map draws the stored geometry (5 decimals, about 1 m).
LEVELS = (DetailLevel(0, 0, 0.0012, 3), DetailLevel(1, 10, 0.0003, 4), DetailLevel(2, 12, 0.0, geojson.DECIMALS))
CELL_DEGREES = 0.25  # the grid the files are cut on: a view at zoom 12 spans a few cells
CORE_FIELDS = ("id", "layer", "precision", "name_en", "population")  # population: which place name wins room
DETAIL_FIELDS = tuple(f for f in FEATURE_FIELDS if f not in CORE_FIELDS)


def is_point(geometry) -> bool:
    return geometry.geom_type in ("Point", "MultiPoint")


def level_geometry(geometry, level: DetailLevel) -> dict:
    """A GeoJSON geometry simplified and rounded for `level`. A point is where it is at every level: it is
    never simplified nor rounded below the stored precision."""
    decimals = geojson.DECIMALS if is_point(geometry) else level.decimals
    if level.tolerance and not is_point(geometry):
        geometry = shapely.simplify(geometry, level.tolerance, preserve_topology=True)
    mapped = shapely.geometry.mapping(geometry)
    return {"type": mapped["type"], "coordinates": geojson.rounded(mapped["coordinates"], decimals)}


def cell_of(bounds) -> str:
    """The grid cell a feature is filed under: the one holding the centre of its bounding box."""
    west, south, east, north = bounds
    return f"{math.floor((west + east) / 2 / CELL_DEGREES)}_{math.floor((south + north) / 2 / CELL_DEGREES)}"


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _step(change: dict) -> dict:
    """What a step needs of a change: its date and its tone (whose label the client has), or its words."""
    step = {"date": change["date"], "tone": change["tone"]} if change.get("tone") else \
        {"date": change["date"], "status": change["status"]}
    return {**step, "ends": True} if change.get("ends") else step


def served_bundle(full: dict, layers: dict[str, gpd.GeoDataFrame]) -> tuple[dict, dict[str, str]]:
    """The runtime's data and the files the map fetches on demand, as {file stem: JSON text}, from `full`
    (what `bundle()` gives, left as it is: the standalone export is made from it too) and the layers it came from.

    The data is `full`, with each feature's properties cut to CORE_FIELDS plus a `cell` and its timeline to
    dates and statuses, its geometry at level 0, and `lod`: the levels (from which zoom each serves) and the
    cells (bounding box of their features; the stems of their geometry and details files).
    """
    quotes = full["quotes"]
    shapes = {row.id: row.geometry for frame in layers.values() for row in frame.itertuples()}
    cells: dict[str, dict] = {}
    served_features = {}
    for layer_id, collection in full["features"].items():
        lean = []
        for feature in collection["features"]:
            props, geometry = feature["properties"], shapes[feature["properties"]["id"]]
            key = cell_of(geometry.bounds)
            cell = cells.setdefault(key, {"bounds": [], "details": {}, "quotes": {},
                                          "levels": {level.level: {} for level in LEVELS[1:]}})
            cell["bounds"].append(geometry.bounds)
            cell["details"][props["id"]] = {k: props[k] for k in DETAIL_FIELDS if k in props}
            if props["id"] in quotes:
                cell["quotes"][props["id"]] = quotes[props["id"]]
            for level in LEVELS[1:] if not is_point(geometry) else ():
                cell["levels"][level.level][props["id"]] = level_geometry(geometry, level)
            lean.append({**feature, "geometry": level_geometry(geometry, LEVELS[0]),
                         "properties": {**{k: props[k] for k in CORE_FIELDS if k in props}, "cell": key,
                                        "timeline": [_step(c) for c in props.get("timeline") or []]}})
        served_features[layer_id] = {**collection, "features": lean}
    files: dict[str, str] = {}
    index = {}
    for key in sorted(cells):
        cell = cells[key]
        entry = {"bbox": [round(min(b[0] for b in cell["bounds"]), 4), round(min(b[1] for b in cell["bounds"]), 4),
                          round(max(b[2] for b in cell["bounds"]), 4), round(max(b[3] for b in cell["bounds"]), 4)],
                 "geometry": {}}
        for level, geometries in cell["levels"].items():
            if not geometries:  # a cell of places only
                continue
            stem = f"map-lod{level}-{key}"
            files[stem] = _json(geometries)
            entry["geometry"][str(level)] = stem
        files[f"map-details-{key}"] = _json({"features": cell["details"], "quotes": cell["quotes"]})
        entry["details"] = f"map-details-{key}"
        index[key] = entry
    lod = {"levels": [{"level": l.level, "min_zoom": l.min_zoom} for l in LEVELS], "cells": index}
    data = {k: v for k, v in full.items() if k not in ("quotes", "names", "place_names")}
    # The base map (countries, districts) is drawn at level 0 only: it is a backdrop, not data to measure.
    data["base"] = {name: {**collection, "features": [
        {**f, "geometry": level_geometry(shapely.geometry.shape(f["geometry"]), LEVELS[0])}
        for f in collection["features"]]} for name, collection in full["base"].items()}
    if full.get("names"):
        # The search box's names are fetched when it is first used: nothing of them on the way to first paint.
        files["map-names"] = _json(full["names"])
        data["names_url"] = "map-names"
    # Names in another language than English are fetched when a reader chooses it.
    data["place_names_urls"] = {}
    for language, names in (full.get("place_names") or {}).items():
        files[f"map-names-{language}"] = _json(names)
        data["place_names_urls"][language] = f"map-names-{language}"
    return {**data, "features": served_features, "lod": lod}, files


def write_served(full: dict, layers: dict[str, gpd.GeoDataFrame], static_root: Path = STATIC,
                 vendor_root: Path = VENDOR) -> dict:
    """Write the files of `served_bundle` and the runtime that names them; returns {"url", "script"}."""
    data, files = served_bundle(full, layers)
    urls = {stem: write_file(text, stem, "json", static_root) for stem, text in files.items()}
    for entry in data["lod"]["cells"].values():
        entry["geometry"] = {level: urls[stem] for level, stem in entry["geometry"].items()}
        entry["details"] = urls[entry["details"]]
    if "names_url" in data:
        data["names_url"] = urls[data["names_url"]]
    data["place_names_urls"] = {language: urls[stem] for language, stem in data.get("place_names_urls", {}).items()}
    script = runtime_script(to_script(data), static_root, vendor_root)
    return {"url": write_file(script, "map-runtime", "js", static_root), "script": script}


def to_script(data: dict) -> str:
    # "</" is escaped so that the same text can also sit inside an inline <script> element.
    text = _json(data).replace("</", "<\\/")
    return f"window.KCM_DATA={text};\n"


def _read(url: str, static_root: Path) -> str:
    return local_path(url, static_root).read_text(encoding="utf-8")


def runtime_script(data_script: str, static_root: Path = STATIC, vendor_root: Path = VENDOR) -> str:
    """Leaflet, the map's stylesheets, the controller and the data, as one script (see the module's docstring).

    The stylesheets are added by the script itself, before any map is made. Leaflet's stylesheet names its
    images (the layer switcher's, the default marker's) relative to its own folder, which a <style> element does
    not have; the map uses neither, so those URLs are dropped rather than left to point nowhere.
    """
    leaflet_css = vendor_file(LEAFLET_CSS, vendor_root).read_text(encoding="utf-8")
    css = LEAFLET_IMAGE_URL.sub("none", leaflet_css) + _read(KCM_CSS, static_root)
    css_json = json.dumps(css, ensure_ascii=False).replace("</", "<\\/")
    add_styles = ("(function(){var s=document.createElement('style');s.setAttribute('data-kcm','styles');"
                  f"s.textContent={css_json};(document.head||document.documentElement).appendChild(s);}})();\n")
    return "\n".join([vendor_file(LEAFLET_JS, vendor_root).read_text(encoding="utf-8"), add_styles,
                      _read(KCM_JS, static_root),
                      _read(KCM_COMPONENT_JS, static_root), data_script])


def write_file(text: str, stem: str, extension: str = "js", static_root: Path = STATIC) -> str:
    """Write `text` under static/generated/ as `<stem>.<hash>.<extension>`; returns the URL the app serves it at.

    Named by content, so a browser may cache it for good, and a server never rewrites a file another serves.
    """
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    folder = Path(static_root) / BUNDLE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{stem}.{digest}.{extension}"
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)  # atomic: a browser never gets half a file
    return f"{STATIC_URL}/{BUNDLE_DIR}/{path.name}"
