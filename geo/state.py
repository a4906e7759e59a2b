"""The map's state on a date: which features show, with what status, and who held a point.

Every feature carries a `timeline`: a list of changes {date, status, controller, source}, oldest first, where
a null date means "before the timeline". On a date, a feature shows the last change dated on or before it, and
is hidden before its first change and from a change marked `ends` (a peacekeeping zone withdrawn, a road
replaced): it stops existing that day, and its last words say why.
"""
from __future__ import annotations

import datetime as dt
from typing import Iterable

import geopandas as gpd
import pandas as pd
import shapely

from geo.catalog import CEASEFIRE_DATE, LAYER_IDS, LAYERS_BY_ID, TIMELINE_END, TIMELINE_START
from geo.crs import LOCAL_METRIC, WGS84
from geo.errors import InvalidInput

PEACEKEEPING_LAYERS = ("peacekeeping_zone", "lachin_corridor")


def parse_date(text) -> dt.date:
    """A date on the timeline from 'YYYY-MM-DD' (or a date); anything else raises InvalidInput."""
    if isinstance(text, dt.date):
        day = text
    else:
        try:
            day = dt.date.fromisoformat(str(text).strip())
        except ValueError:
            raise InvalidInput(f"date {text!r} is not a date: use YYYY-MM-DD, "
                               f"from {TIMELINE_START} to {TIMELINE_END}") from None
    if not TIMELINE_START <= day <= TIMELINE_END:
        raise InvalidInput(f"date {day} is outside the timeline: use a date from {TIMELINE_START} to {TIMELINE_END}")
    return day


def parse_layers(text: str | Iterable[str] | None) -> tuple[str, ...]:
    """Layer ids from 'a,b' or a list; None or '' means all. Unknown ids raise InvalidInput."""
    if text is None:
        return LAYER_IDS
    items = [p.strip() for p in (text.split(",") if isinstance(text, str) else text) if p.strip()]
    unknown = [p for p in items if p not in LAYER_IDS]
    if unknown:
        raise InvalidInput(f"unknown layer {', '.join(map(repr, unknown))}: use any of {', '.join(LAYER_IDS)}")
    return tuple(dict.fromkeys(items))


def parse_point(lat, lon) -> shapely.Point:
    try:
        lat_f, lon_f = float(lat), float(lon)
    except (TypeError, ValueError):
        raise InvalidInput(f"latitude {lat!r} / longitude {lon!r} must be numbers in decimal degrees") from None
    if not -90 <= lat_f <= 90:
        raise InvalidInput(f"latitude {lat_f} is out of range: use -90 to 90 (decimal degrees)")
    if not -180 <= lon_f <= 180:
        raise InvalidInput(f"longitude {lon_f} is out of range: use -180 to 180 (decimal degrees)")
    return shapely.Point(lon_f, lat_f)


def change_on(timeline: list[dict], day: dt.date | str) -> dict | None:
    """The feature's latest change on or before `day`, even one that ended it (whose words say who holds the
    ground from then on), or None before its first change."""
    day = day.isoformat() if isinstance(day, dt.date) else day
    current = None
    for change in timeline:
        # ISO dates compare as strings; a null date is "before the timeline".
        if change["date"] is None or change["date"] <= day:
            current = change
    return current


def status_on(timeline: list[dict], day: dt.date | str) -> dict | None:
    """The change in force on `day`, or None when the feature does not exist yet or any more."""
    current = change_on(timeline, day)
    return None if current is not None and current.get("ends") else current


def all_features(layers: dict[str, gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    """Every layer's features in one GeoDataFrame (in LAYER_IDS order), for callers that ask many dates."""
    frames = [layers[layer_id] for layer_id in LAYER_IDS if layer_id in layers]
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs=frames[0].crs)


def state_on(features, day, layer_ids=None) -> gpd.GeoDataFrame:
    """The features that show on `day`, with their status, as one GeoDataFrame in the input's CRS.

    `features` is either the dict of layers or `all_features(layers)`; the second is faster when the same
    features are asked about many dates (the dashboard does it on every timeline step).
    """
    day = parse_date(day).isoformat()
    chosen = set(parse_layers(layer_ids))
    if isinstance(features, dict):
        features = all_features(features)
    changes = [status_on(timeline, day) if layer in chosen else None
               for timeline, layer in zip(features.timeline, features.layer)]
    shown = [change for change in changes if change is not None]
    visible = features.loc[[change is not None for change in changes]]
    return visible.assign(
        status=[c["status"] for c in shown], controller=[c["controller"] for c in shown],
        status_since=[c["date"] for c in shown], valid_from=[t[0]["date"] if t else None for t in visible.timeline],
    ).reset_index(drop=True)


def conflict_zone(base: dict[str, gpd.GeoDataFrame]):
    """The NKAO plus the seven districts: where `controller` has a meaning."""
    return shapely.union_all(base["districts"].geometry.values)


def nearest_settlement(settlements: gpd.GeoDataFrame, point: shapely.Point) -> dict | None:
    """The located settlement nearest to `point` (WGS84), with its distance in km (measured in LOCAL_METRIC)."""
    if settlements is None or settlements.empty:
        return None
    here = gpd.GeoSeries([point], crs=WGS84).to_crs(LOCAL_METRIC).iloc[0]
    distances = settlements.geometry.to_crs(LOCAL_METRIC).distance(here)
    best = distances.idxmin()
    return {"id": settlements.loc[best, "id"], "name_en": settlements.loc[best, "name_en"],
            "distance_km": round(float(distances.loc[best]) / 1000, 2)}


def where(layers: dict[str, gpd.GeoDataFrame], zone, lat, lon, day, cells: gpd.GeoDataFrame | None = None) -> dict:
    """Who held the point on `day`, whether peacekeepers were there, and which layers contain it.

    Inside the area drawn settlement by settlement (`cells`), the answer is the status of the settlement whose
    cell holds the point (`settlement`), which says whether the capture was announced, denied or admitted;
    `nearest_settlement` is the closest located one, which need not be the same where points are sparse.
    """
    point = parse_point(lat, lon)
    day = parse_date(day)
    features = all_features(layers)
    state = state_on(features, day)
    # Containment is for areas: a town or a road line does not "contain" a point someone asks about.
    polygons = state[state.geometry.geom_type.isin(("Polygon", "MultiPolygon"))]
    hits = polygons[polygons.geometry.intersects(point)]
    controller = None
    settlement = None
    places = layers.get("settlements")
    cell = cells[cells.geometry.intersects(point)] if cells is not None else None
    if cell is not None and len(cell) and places is not None:
        place = places.set_index("id").loc[cell.settlement.iloc[0]]
        change = status_on(place.timeline, day.isoformat())
        settlement = {"id": cell.settlement.iloc[0], "name_en": place.name_en, "status": change["status"],
                      "tone": change["tone"], "since": change["date"], "sources": change.get("sources", [])}
        controller = change["controller"]
    elif zone.intersects(point):
        # The latest change among the areas covering the point decides, "before the timeline" being oldest. An
        # area the map no longer draws still counts: the change that ended it (the old corridor given up in
        # Aug 2022) says who held the ground from then on.
        areas = features[features.geometry.geom_type.isin(("Polygon", "MultiPolygon"))]
        covering = areas[areas.geometry.intersects(point)]
        changes = [change_on(timeline, day) for timeline in covering.timeline]
        dated = sorted(((c["date"] or "0000-00-00", feature_id), c["controller"])
                       for c, feature_id in zip(changes, covering.id) if c is not None and c.get("controller"))
        controller = dated[-1][1] if dated else "azerbaijan"
    peacekeepers = day >= CEASEFIRE_DATE and bool(hits.layer.isin(PEACEKEEPING_LAYERS).any())
    return {"lat": point.y, "lon": point.x, "date": day.isoformat(), "controller": controller,
            "peacekeepers": peacekeepers, "settlement": settlement,
            "nearest_settlement": nearest_settlement(places, point),
            "layers": sorted(set(hits.layer)), "features": sorted(hits.id)}


def holding_on(features, day, layer_ids=None) -> pd.DataFrame:
    """The day's table (holding_table) of the features shown on `day`."""
    return holding_table(state_on(features, day, layer_ids))


def holding_table(shown: gpd.GeoDataFrame) -> pd.DataFrame:
    """The day's table from `state_on`'s frame: each feature in force on a layer that says who holds what
    (reference layers, which show how things stood before the war, are left out), with its status and since
    when, in layer order.

    Columns: id, feature (its English name), layer (its title), status, since (the day of the change in force,
    or None when it has held since before the timeline), controller, precision, area_km2.
    """
    shown = shown[[not LAYERS_BY_ID[layer].reference for layer in shown.layer]]
    order = {layer: i for i, layer in enumerate(LAYER_IDS)}
    table = pd.DataFrame({
        "id": shown.id.values, "feature": shown.name_en.values, "layer_id": shown.layer.values,
        "layer": [LAYERS_BY_ID[layer].title for layer in shown.layer], "status": shown.status.values,
        "since": shown.status_since.values, "controller": shown.controller.values,
        "precision": shown.precision.values,
        "area_km2": shown.area_km2.values if "area_km2" in shown.columns else None,
    })
    table["_order"] = [order[layer] for layer in table.layer_id]
    return table.sort_values(["_order", "feature"], kind="stable").drop(columns=["_order"]).reset_index(drop=True)
