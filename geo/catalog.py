"""What the map can show: layer ids, their titles and drawing order, precision classes and the timeline."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

TIMELINE_START = dt.date(2020, 9, 27)
TIMELINE_END = dt.date(2020, 12, 1)
ARTICLE_DATE = dt.date(2020, 11, 24)
# 00:00 Moscow time on 10 Nov 2020 is 21:00 UTC on 9 Nov: the first whole day under the ceasefire is 10 Nov.
CEASEFIRE_UTC = dt.datetime(2020, 11, 9, 21, 0, tzinfo=dt.timezone.utc)
CEASEFIRE_DATE = dt.date(2020, 11, 10)

PRECISION = {
    "exact_admin": "An administrative line as Natural Earth 1:10m draws it (generalized: vertices about 1-9 km apart)",
    "district_level": "Drawn as a whole district or district part: the event is dated per district, not per village",
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


LAYERS = (
    Layer("armenian_held_1994", "Armenian-held on 26 Sep 2020", "polygon",
          "The NKAO and the seven districts cut along the 1994 line of contact", "#c2410c", True),
    Layer("nkao_1991", "Nagorno-Karabakh Autonomous Oblast (1991)", "polygon",
          "The Soviet oblast boundary, closed from Natural Earth's lines", "#111827", True),
    Layer("contact_line_1994", "Line of contact (1994)", "line",
          "The 1994 ceasefire line as Natural Earth draws it", "#1d4ed8", True),
    Layer("captured", "Taken by Azerbaijani forces (27 Sep - 9 Nov)", "polygon",
          "Territory taken in the fighting, by the date Azerbaijan announced it", "#0e7490", True),
    Layer("ceded", "Districts handed over under the statement", "polygon",
          "Agdam, Kalbajar and Lachin: scheduled from 10 Nov, handed over on their dates", "#15803d", True),
    Layer("peacekeeping_zone", "Russian peacekeeping zone", "polygon",
          "The area left under Armenian control on 10 Nov, where the Russian contingent deployed", "#7c3aed", True),
    Layer("lachin_corridor", "Lachin corridor (5 km)", "polygon",
          "The 5 km corridor along the Stepanakert - Lachin - Kornidzor road", "#be123c", True),
    Layer("transport_links", "Transport links (point 9 and the new route)", "line",
          "Links the statement names, drawn schematically: their routes were not fixed", "#4b5563", True),
    Layer("places", "Places", "point", "Key towns with their names in every language", "#111827", True),
)
LAYER_IDS = tuple(layer.id for layer in LAYERS)
LAYERS_BY_ID = {layer.id: layer for layer in LAYERS}
BASE_LAYER_FILES = ("countries", "districts", "labels")

# Dates a person scrubbing the timeline will want to land on.
KEY_DATES = {
    dt.date(2020, 9, 27): "Hostilities begin",
    dt.date(2020, 10, 4): "Jabrayil taken",
    dt.date(2020, 10, 9): "Hadrut capture announced",
    dt.date(2020, 10, 15): "Hadrut under Azerbaijani control",
    dt.date(2020, 10, 17): "Fuzuli taken",
    dt.date(2020, 10, 20): "Zangilan taken",
    dt.date(2020, 10, 25): "Qubadli taken",
    dt.date(2020, 11, 8): "Shusha taken",
    dt.date(2020, 11, 10): "Ceasefire (00:00 Moscow time)",
    dt.date(2020, 11, 20): "Agdam handed over",
    dt.date(2020, 11, 24): "Article published",
    dt.date(2020, 11, 25): "Kalbajar handed over",
    dt.date(2020, 12, 1): "Lachin handed over",
}
