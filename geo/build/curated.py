"""Hand-curated inputs: place names, dated events and the hand-built geometry, each row with its evidence.

Sources are ids of data/curated/sources.csv, where each has its address. Coordinates are (lon, lat).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from geo.catalog import LAYERS_BY_ID, PRECISION
from geo.errors import DataFileError, SourceChanged

GEONAMES = "geonames"


@dataclass(frozen=True)
class Place:
    id: str
    geonameid: int | None
    name_en: str
    name_az: str | None
    name_hy: str | None
    name_ru: str | None
    country: str  # ISO 3166 alpha-2 of the de jure country
    role: str
    sources: tuple[str, ...] = (GEONAMES,)
    lonlat: tuple[float, float] | None = None  # only for places GeoNames lacks
    population: int | None = None  # only where GeoNames' figure is wrong
    population_note: str | None = None
    notes: str | None = None
    unverified: tuple[str, ...] = ()  # name fields whose form no source confirmed


PLACES = (
    Place("place_stepanakert", 146970, "Stepanakert / Khankendi", "Xankəndi", "Ստեփանակերտ", "Степанакерт; Ханкенди",
          "AZ", "capital of the self-proclaimed Nagorno-Karabakh Republic; command post of the peacekeepers",
          sources=(GEONAMES, "wp_stepanakert"),
          population=49986, population_note="2005 NKR census; GeoNames stores 2,100 under 'Khankendi'",
          notes="GeoNames stores the city as 'Khankendi' with a population of 2,100, which is wrong."),
    Place("place_shusha", 147105, "Shusha / Shushi", "Şuşa", "Շուշի", "Шуша; Шуши", "AZ", "town taken on 8 Nov 2020",
          unverified=("name_ru",)),
    Place("place_lachin", 147625, "Lachin / Berdzor", "Laçın", "Բերձոր", "Лачин; Бердзор", "AZ",
          "town on the corridor road; district handed over on 1 Dec 2020", unverified=("name_ru",),
          notes="Old name Abdallar; the Armenian district was called Kashatagh."),
    Place("place_kalbajar", 586268, "Kalbajar / Karvachar", "Kəlbəcər", "Քարվաճառ", "Кельбаджар", "AZ",
          "town of the district handed over on 25 Nov 2020"),
    Place("place_agdam", 148619, "Agdam / Akna", "Ağdam", "Աղդամ; Ակնա", "Агдам", "AZ",
          "town of the district handed over on 20 Nov 2020; ruined and empty since 1993",
          notes="GeoNames' population (37,700) predates 1993; the town has been empty since."),
    Place("place_hadrut", None, "Hadrut", "Hadrut", "Հադրութ", "Гадрут", "AZ", "town taken in October 2020",
          sources=("wp_hadrut",), lonlat=(47.03, 39.51667),
          unverified=("name_ru",), notes="Not in GeoNames cities500; Azerbaijani alternative name Ağoğlan."),
    Place("place_martuni", 146969, "Martuni / Khojavend", "Xocavənd", "Մարտունի", "Мартуни; Ходжавенд", "AZ",
          "town left under Armenian control"),
    Place("place_martakert", None, "Martakert / Aghdara", "Ağdərə", "Մարտակերտ", "Мардакерт", "AZ",
          "town left under Armenian control", sources=("wp_martakert",),
          lonlat=(46.81278, 40.21528), notes="Not in GeoNames cities500."),
    Place("place_askeran", 148450, "Askeran", "Əsgəran", "Ասկերան", "Аскеран", "AZ", "town left under Armenian control",
          notes="GeoNames' main name is 'Askyaran'; a different town from Khojaly, 4.4 km away."),
    Place("place_khojaly", 147774, "Khojaly / Ivanyan", "Xocalı", "Խոջալը; Իվանյան", "Ходжалы", "AZ",
          "town left under Armenian control", notes="GeoNames mixes the town's and the district's names."),
    Place("place_goris", 174895, "Goris", None, "Գորիս", "Горис", "AM", "Armenian town on the road to the corridor"),
    Place("place_kornidzor", 174840, "Kornidzor", None, "Կոռնիձոր", "Корнидзор", "AM",
          "Armenian village where the corridor road enters Armenia", unverified=("name_ru",)),
    Place("place_jabrayil", 148141, "Jabrayil", "Cəbrayıl", None, "Джебраил", "AZ", "town taken on 4 Oct 2020"),
    Place("place_fuzuli", 148106, "Fuzuli", "Füzuli", None, "Физули", "AZ", "town taken on 17 Oct 2020",
          notes="A second 'Fuzuli' in GeoNames (8630550, in Şəmkir) is a different place."),
    Place("place_zangilan", 146901, "Zangilan", "Zəngilan", None, "Зангелан", "AZ", "town taken on 20 Oct 2020"),
    Place("place_qubadli", 147305, "Qubadli", "Qubadlı", None, "Кубатлы", "AZ", "town taken on 25 Oct 2020"),
    Place("place_yerevan", 616052, "Yerevan", "İrəvan", "Երևան", "Ереван", "AM", "capital of Armenia"),
    Place("place_baku", 587084, "Baku", "Bakı", "Բաքու", "Баку", "AZ", "capital of Azerbaijan"),
    Place("place_nakhchivan", 147429, "Nakhchivan", "Naxçıvan", None, "Нахичевань", "AZ",
          "capital of the Nakhchivan Autonomous Republic (statement point 9)"),
    Place("place_ordubad", 147368, "Ordubad", "Ordubad", "Օրդուբադ", "Ордубад", "AZ", "Nakhchivan town on the Araks"),
    Place("place_meghri", 174823, "Meghri", "Meğri", "Մեղրի", "Мегри", "AM", "Armenian town on the Araks"),
    Place("place_horadiz", 148003, "Horadiz", None, "Հորադիզ", "Горадиз", "AZ", "Azerbaijani town on the Araks"),
)


@dataclass(frozen=True)
class Event:
    """A feature drawn by hand or per district: the rule that builds its geometry. Its dated changes, with
    their sources, are rows of the event log (data/curated/events.csv) whose subject is the feature's id."""
    id: str
    layer: str
    name_en: str
    district: str | None
    precision: str
    note: str = ""
    figures: dict = field(default_factory=dict)


CEDED = (
    Event("ceded_agdam", "ceded", "Agdam district (Armenian-held part)", "agdam", "district_level",
          "The part east of the 1994 line was never Armenian-held and is not drawn."),
    Event("ceded_kalbajar", "ceded", "Kalbajar district (Soviet-era area)", "kalbajar", "district_level",
          "The district's Soviet-era area: the former Martakert land added to Kalbajar in 1992 stayed in the peacekeeping zone."),
    Event("ceded_lachin", "ceded", "Lachin district (outside the corridor)", "lachin", "district_level",
          "The 5 km corridor is not part of the handover: it stays under the peacekeepers."),
)
PEACEKEEPING = Event(
    "peacekeeping_zone", "peacekeeping_zone", "Russian peacekeeping zone", None, "approximate",
    "The settlements' areas of the former oblast still Armenian-held on 10 Nov; the Lachin corridor is drawn as a "
    "layer of its own. The pocket west of Hadrut, taken on 12 Dec 2020, is left out (whether the peacekeepers covered "
    "it is DISPUTED). No source gives the zone's boundary: it follows the nearest-settlement areas, so it is "
    "approximate.",
    {"troops": 1960, "armoured_personnel_carriers": 90, "vehicles_and_special_equipment": 380,
     "term_years": 5, "renewal": "automatic for further 5-year periods unless a Party gives notice 6 months before expiry",
     "observation_posts_15_nov": 18},
)
CORRIDOR = Event(
    "lachin_corridor", "lachin_corridor", "Lachin corridor", None, "approximate",
    "A 5 km buffer of a hand-drawn road line; the corridor does not touch Shusha town (statement point 6).",
    {"width_km": 5, "temporary_posts_15_nov": 7},
)
# The Stepanakert - Lachin - Kornidzor road, hand-drawn from the towns' coordinates, passing west of Shusha and
# through Lachin town, Sus and Zabukh/Aghavno: the sources say those three stayed under the peacekeepers on
# 1 Dec 2020 because the road ran through them.
CORRIDOR_ROAD = ((46.7528, 39.8177), (46.7300, 39.7930), (46.7000, 39.7600), (46.6650, 39.7250),
                 (46.6100, 39.6800), (46.5498, 39.6374), (46.5128, 39.6269), (46.5433, 39.5897),
                 (46.5305, 39.5580))

TRANSPORT = (
    Event("nakhchivan_link", "transport_links", "Nakhchivan link (statement point 9)", None, "approximate",
          "Schematic: the statement names no route; drawn along the Araks through Meghri."),
    Event("new_corridor_route", "transport_links", "New corridor route (to be agreed within three years)", None,
          "approximate", "Schematic: only its ends (Stepanakert/Khankendi and Armenia) are known from the statement."),
)
TRANSPORT_LINES = {
    "nakhchivan_link": ((47.33496, 39.45015), (46.90, 39.20), (46.66, 39.05), (46.45, 38.95),
                        (46.24308, 38.90123), (46.02274, 38.90961), (45.41222, 39.20889)),
    "new_corridor_route": ((46.7528, 39.8177), (46.66, 39.70), (46.58, 39.60), (46.5305, 39.5580)),
}


# ------------------------------------------------------------------------------------ after 2020
# The features of the changes after 2020 are data (data/curated/hand_drawn.json), not literals here.
HAND_DRAWN_FIELDS = {"id", "layer", "precision", "names", "geometry", "note", "figures"}
GEOMETRY_KINDS = ("geonames", "point", "line", "corridor_of")


def load_hand_drawn(path) -> list[dict]:
    """The hand-drawn features, checked: known fields, a layer and precision the catalogue has, one geometry rule."""
    try:
        features = json.loads(Path(path).read_text(encoding="utf-8"))["features"]
    except FileNotFoundError:
        raise DataFileError(path, "file is missing; restore it from the repository") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise DataFileError(path, f"not a list of hand-drawn features ({exc})") from None
    seen = set()
    for feature in features:
        where = f"feature {feature.get('id')!r}"
        unknown = set(feature) - HAND_DRAWN_FIELDS
        if unknown or not {"id", "layer", "precision", "names", "geometry"} <= set(feature):
            raise DataFileError(path, f"{where}: needs id, layer, precision, names and geometry (unknown: {sorted(unknown)})")
        if feature["id"] in seen:
            raise DataFileError(path, f"{where}: two features share the id")
        seen.add(feature["id"])
        if feature["layer"] not in LAYERS_BY_ID or feature["precision"] not in PRECISION:
            raise DataFileError(path, f"{where}: unknown layer {feature['layer']!r} or precision {feature['precision']!r}")
        kinds = [k for k in GEOMETRY_KINDS if k in feature["geometry"]]
        if len(kinds) != 1:
            raise SourceChanged(f"{path}: {where}: give exactly one of {GEOMETRY_KINDS} as its geometry")
    return features
