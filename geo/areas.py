"""Who held how much of the area held by Armenian forces on 26 Sep 2020, day by day.

The area is measured on three kinds of pieces that partition it: the settlements' cells (base/cells.geojson,
each with its settlement's status that day), the three districts handed over under the statement (`ceded`,
Armenian-held until their handover), and the part of Lachin district inside the corridor (Armenian-held, under
the peacekeepers). Areas are in km² of an equal-area projection (EPSG:6933).
"""
from __future__ import annotations

import datetime as dt

import geopandas as gpd
import pandas as pd
import shapely

from geo.catalog import STATUSES, TIMELINE_END, TIMELINE_START
from geo.crs import EQUAL_AREA
from geo.errors import DataFileError
from geo.state import parse_date, status_on

# The chart's series, in stacking order, with what each means.
GROUPS = {
    "armenian": "Armenian-held",
    "contested": "Announced by Azerbaijan, denied or split",
    "unknown": "Changed hands on a date no source gives",
    "announced": "Azerbaijani: announced by Azerbaijan only",
    "confirmed": "Azerbaijani: admitted by the other side or placed by third parties",
    "handed_over": "Handed over under the statement",
    "sep_2023": "Passed to Azerbaijan after the offensive of 19-20 Sep 2023",
}


# The chart's words, where room is short.
SHORT = {"armenian": "Armenian-held", "contested": "Contested or split", "unknown": "Changed hands, day unknown",
         "announced": "Azerbaijani (announced)", "confirmed": "Azerbaijani (confirmed)",
         "handed_over": "Handed over", "sep_2023": "Azerbaijani (Sep 2023)"}


def pieces(layers: dict[str, gpd.GeoDataFrame], cells: gpd.GeoDataFrame) -> pd.DataFrame:
    """The partition the areas are measured on: one row per piece with its km² and its dated statuses."""
    settlements = layers["settlements"].set_index("id")
    missing = sorted(set(cells.settlement) - set(settlements.index))
    if missing:
        raise DataFileError("data/base/cells.geojson", f"cells of settlements not in the settlements layer: {missing[:5]}")
    rows = [{"id": c.id, "kind": "cell", "km2": a, "timeline": settlements.loc[c.settlement, "timeline"]}
            for c, a in zip(cells.itertuples(), cells.geometry.to_crs(EQUAL_AREA).area / 1e6)]
    ceded = layers["ceded"]
    rows += [{"id": c.id, "kind": "district", "km2": a, "timeline": c.timeline}
             for c, a in zip(ceded.itertuples(), ceded.geometry.to_crs(EQUAL_AREA).area / 1e6)]
    held = layers["armenian_held_1994"].set_index("id")
    if "held_lachin" in held.index:
        corridor_part = held.loc["held_lachin", "geometry"].difference(
            shapely.union_all(ceded.loc[ceded.id == "ceded_lachin"].geometry.values))
        km2 = float(gpd.GeoSeries([corridor_part], crs=held.crs).to_crs(EQUAL_AREA).area.iloc[0]) / 1e6
        rows.append({"id": "corridor_lachin", "kind": "corridor", "km2": km2, "timeline": corridor_timeline(layers)})
    return pd.DataFrame(rows)


def corridor_timeline(layers: dict[str, gpd.GeoDataFrame]) -> list[dict]:
    """The part of Lachin district inside the old corridor: Armenian-held under the peacekeepers until the corridor
    feature's first change to Azerbaijani control (its towns handed over in Aug 2022)."""
    timeline = [{"date": None, "status": "under the peacekeepers from 10 Nov 2020", "tone": "held"}]
    corridor = layers.get("lachin_corridor")
    if corridor is not None and "lachin_corridor" in set(corridor.id):
        changes = corridor.set_index("id").loc["lachin_corridor", "timeline"]
        handed = next((c for c in changes if c.get("controller") == "azerbaijan"), None)
        if handed:
            timeline.append({"date": handed["date"], "status": handed["status"], "tone": "handed_over_2022"})
    return timeline


def group_of(change: dict | None) -> str:
    if change is None:
        return "armenian"
    if change.get("tone"):
        # Cells are made only for settlements held on 26 Sep, so every tone they take is one of GROUPS.
        return STATUSES[change["tone"]].group
    return "handed_over" if change.get("controller") == "azerbaijan" else "armenian"


def areas_on(parts: pd.DataFrame, day) -> dict:
    """km² per group on `day`, and each as a share of the area held on 26 Sep."""
    day = parse_date(day).isoformat()
    km2 = {group: 0.0 for group in GROUPS}
    for timeline, area in zip(parts.timeline, parts.km2):
        km2[group_of(status_on(timeline, day))] += area
    total = float(parts.km2.sum())
    return {"date": day, "held_26_sep_km2": round(total, 1), "km2": {g: round(v, 1) for g, v in km2.items()},
            "share_pct": {g: round(100 * v / total, 2) for g, v in km2.items()}, "groups": GROUPS}


def series(parts: pd.DataFrame, start: dt.date = TIMELINE_START, end: dt.date = TIMELINE_END) -> pd.DataFrame:
    """One row per day and group: date, group, label, km2 (for the chart beside the map).

    The figures change only on the days some piece's status changes, so they are measured on those days and
    carried over the days between: over five years of timeline that is a hundred measures, not two thousand.
    """
    changes = sorted({c["date"] for timeline in parts.timeline for c in timeline
                      if c["date"] and start.isoformat() < c["date"] <= end.isoformat()})
    measured = {start: areas_on(parts, start)["km2"]}
    measured.update({dt.date.fromisoformat(d): areas_on(parts, d)["km2"] for d in changes})
    rows = []
    day, current = start, measured[start]
    while day <= end:
        current = measured.get(day, current)
        rows += [{"date": day, "group": g, "label": GROUPS[g], "km2": v} for g, v in current.items()]
        day += dt.timedelta(days=1)
    return pd.DataFrame(rows)
