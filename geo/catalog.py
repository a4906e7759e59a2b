"""What the map can show: layer ids, their titles and drawing order, precision classes and the timeline."""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from geo.errors import DataFileError
from geo.paths import CATALOG

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
    reference: bool = False  # how things stood before the war (26 Sep 2020, 1991, 1994), not on the day


@dataclass(frozen=True)
class Period:
    """A stretch of the timeline with its share of the time bar: the 44 days of the war get as much room as
    the two years after them. Play moves `play_days` at a step (never past a key date)."""
    id: str
    label: str
    title: str
    start: dt.date
    end: dt.date
    share: float
    play_days: int

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


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
        periods = tuple(Period(**{**entry, "start": dt.date.fromisoformat(entry["start"]),
                                  "end": dt.date.fromisoformat(entry["end"])}) for entry in document["periods"])
    except FileNotFoundError:
        raise DataFileError(path, "file is missing; restore it from the repository") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise DataFileError(path, f"not a valid layer catalogue ({exc})") from None
    if len({layer.id for layer in layers}) != len(layers):
        raise DataFileError(path, "two layers share an id")
    unknown_kind = [layer.id for layer in layers if layer.kind not in ("polygon", "line", "point")]
    if unknown_kind:
        raise DataFileError(path, f"layers {unknown_kind} have a kind other than polygon, line or point")
    _check_periods(path, periods, key_dates)
    return {"layers": layers, "statuses": statuses, "key_dates": key_dates, "periods": periods}


def _check_periods(path, periods, key_dates) -> None:
    """The periods follow each other without a gap, each at least a day, with a share of the bar and a pace."""
    if not periods:
        raise DataFileError(path, "the timeline needs at least one period")
    for before, after in zip(periods, periods[1:]):
        if after.start != before.end + dt.timedelta(days=1):
            raise DataFileError(path, f"period {after.id!r} does not start the day after {before.id!r} ends")
    for period in periods:
        if period.end < period.start or not 0 < period.share <= 1 or period.play_days < 1:
            raise DataFileError(path, f"period {period.id!r} needs start <= end, a share in (0, 1] and play_days >= 1")
    if abs(sum(p.share for p in periods) - 1) > 1e-6:
        raise DataFileError(path, "the periods' shares of the time bar must add up to 1")
    outside = [d.isoformat() for d in key_dates if not periods[0].start <= d <= periods[-1].end]
    if outside:
        raise DataFileError(path, f"key dates outside the timeline: {outside[:3]}")


_CATALOG = _load_catalog()
LAYERS = _CATALOG["layers"]
LAYER_IDS = tuple(layer.id for layer in LAYERS)
LAYERS_BY_ID = {layer.id: layer for layer in LAYERS}
STATUSES = {status.id: status for status in _CATALOG["statuses"]}
BASE_LAYER_FILES = ("countries", "districts", "labels", "cells")

# Dates a person scrubbing the timeline will want to land on.
KEY_DATES = _CATALOG["key_dates"]
# From the eve of the war (the status quo before it) to the latest dated event the product shows.
PERIODS = _CATALOG["periods"]
TIMELINE_START = PERIODS[0].start
TIMELINE_END = PERIODS[-1].end


def period_of(day: dt.date) -> Period:
    return next(p for p in PERIODS if p.start <= day <= p.end)
