"""What the map can show: layer ids, their titles and drawing order, precision classes and the timeline."""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from geo.errors import DataFileError
from geo.paths import CATALOG

TIMELINE_START = dt.date(2020, 9, 27)
TIMELINE_END = dt.date(2020, 12, 1)
ARTICLE_DATE = dt.date(2020, 11, 24)
# 00:00 Moscow time on 10 Nov 2020 is 21:00 UTC on 9 Nov: the first whole day under the ceasefire is 10 Nov.
CEASEFIRE_UTC = dt.datetime(2020, 11, 9, 21, 0, tzinfo=dt.timezone.utc)
CEASEFIRE_DATE = dt.date(2020, 11, 10)

PRECISION = {
    "exact_admin": "An administrative line as Natural Earth 1:10m draws it (generalized: vertices about 1-9 km apart)",
    "district_level": "Drawn as a whole district or district part: the event is dated per district, not per village",
    "settlement_point": "A settlement's point as a Wikipedia infobox gives it (to the second or the minute)",
    "approximate": "Hand-built from the sources to show where, not exactly where: do not measure from it",
}


@dataclass(frozen=True)
class Layer:
    id: str
    title: str
    kind: str  # polygon, line or point
    description: str
    colour: str
    default_on: bool = True
    style: str = "fixed"  # "status": drawn in the colour of each feature's status that day (STATUSES)
    label_min_zoom: int | None = None  # points only: from which zoom their names are drawn


@dataclass(frozen=True)
class Status:
    """What is known of a settlement (or the land nearest it) on a day: see data/curated/layers.json."""
    id: str
    label: str
    controller: str | None  # who held it: azerbaijan, armenian_forces, or None where unknown or disputed
    colour: str
    group: str  # the area chart's series
    short: str = ""  # the legend's words
    legend: bool = True


def _load_catalog(path: Path = CATALOG) -> dict:
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
        layers = tuple(Layer(**entry) for entry in document["layers"])
        statuses = tuple(Status(**entry) for entry in document["statuses"])
        key_dates = {dt.date.fromisoformat(entry["date"]): entry["label"] for entry in document["key_dates"]}
    except FileNotFoundError:
        raise DataFileError(path, "file is missing; restore it from the repository") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise DataFileError(path, f"not a valid layer catalogue ({exc})") from None
    if len({layer.id for layer in layers}) != len(layers):
        raise DataFileError(path, "two layers share an id")
    unknown_kind = [layer.id for layer in layers if layer.kind not in ("polygon", "line", "point")]
    if unknown_kind:
        raise DataFileError(path, f"layers {unknown_kind} have a kind other than polygon, line or point")
    return {"layers": layers, "statuses": statuses, "key_dates": key_dates}


_CATALOG = _load_catalog()
LAYERS = _CATALOG["layers"]
LAYER_IDS = tuple(layer.id for layer in LAYERS)
LAYERS_BY_ID = {layer.id: layer for layer in LAYERS}
STATUSES = {status.id: status for status in _CATALOG["statuses"]}
BASE_LAYER_FILES = ("countries", "districts", "labels", "cells")

# Dates a person scrubbing the timeline will want to land on.
KEY_DATES = _CATALOG["key_dates"]
