"""Settlements and the event log: the gazetteer, what happened to each place on which day, and its sources.

`data/curated/settlements.csv` (the gazetteer), `events.csv` (the event log) and `sources.csv` (every page
cited, with its address) are hand-curated tables with a schema each (geo/tables.py). `load()` reads and
cross-checks them; `timeline()` turns a place's events into the dated statuses the map draws (`STATUSES` in
data/curated/layers.json), by these rules:

- A place starts as its `baseline` says (Armenian-held, Azerbaijani-held before the war, or in Armenia).
- An announced capture makes it "claimed"; "contested" if the other side denied it that day; "confirmed" if the
  other side later admitted the loss without giving a day of its own (the Armenian government's list of lost
  communities), unless it had denied it: then it stays contested until a dated confirmation.
- A dated confirmation (third parties, an admission on a given day) makes it "confirmed" from that day.
- A place no announcement names, but which was Azerbaijani-held when the ceasefire began, has no date of
  capture: it is "unknown" from the first announced capture in its district until the day the sources vouch for
  (10 Nov, or the pull-back of 17-19 Dec 2020 along the Syunik border), never a date of our own.
- "not taken", "split", "stayed held" (the peacekeeping zone), "scheduled" and "handed over" apply from their day.
- After 2020: "handed over with the old corridor" (Aug 2022) and "entered" apply from their day; "withdrew" puts
  back the status from before "entered". The peacekeeping zone's "passed to Azerbaijan" (20 Sep 2023) applies to
  every place still on the Armenian side (or split, or contested) that day: it is one event of the zone, not a
  row per village, because no source dates the villages one by one.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from geo.catalog import STATUSES
from geo.errors import DataFileError, InvalidInput
from geo.gazetteer import fold
from geo.paths import EVENTS, SETTLEMENTS, SOURCES
from geo.tables import read_table

TAKING = ("announced_taken", "taken_undated")
ZONE = "peacekeeping_zone"
# The statuses a place still on the Armenian side (or undecided) can have when the zone passes to Azerbaijan.
PASSES_WITH_ZONE = ("held", "peacekeeping", "partial", "not_taken", "contested", "entered_2022", "scheduled")
AT_TIMELINE_START = "2020-09-26"


@dataclass(frozen=True)
class Records:
    settlements: pd.DataFrame  # indexed by id
    events: pd.DataFrame  # oldest first
    sources: pd.DataFrame  # indexed by id


def load(settlements_path: Path = SETTLEMENTS, events_path: Path = EVENTS, sources_path: Path = SOURCES,
         feature_ids=frozenset()) -> Records:
    """The three tables, checked against each other: every cited source exists and has an address, no two
    places share an id, and (given `feature_ids`) every event's subject is a settlement or one of them."""
    sources = read_table(sources_path).set_index("id", drop=False)
    settlements = read_table(settlements_path).set_index("id", drop=False)
    events = read_table(events_path)
    if feature_ids:
        check_subjects(Records(settlements, events, sources), feature_ids, events_path)
    cited = {s for text in events.sources for s in text.split(";")}
    missing = sorted(cited - set(sources.index))
    if missing:
        raise DataFileError(events_path, f"events cite sources missing from {Path(sources_path).name}: {missing[:5]}")
    located = settlements.lat.notna() != settlements.lon.notna()
    if located.any():
        raise DataFileError(settlements_path, f"rows with only one coordinate: {sorted(settlements.index[located])[:5]}")
    no_page = settlements.lat.notna() & settlements.coord_url.isna()
    if no_page.any():
        raise DataFileError(settlements_path, f"coordinates without the page they come from: "
                                              f"{sorted(settlements.index[no_page])[:5]}")
    order = {"day": 0, "unverified": 0, "by": 1, "month": 1}
    events = events.assign(_order=[order[p] for p in events.date_precision]).sort_values(
        ["date", "_order"], kind="stable").drop(columns="_order").reset_index(drop=True)
    return Records(settlements, events, sources)


def check_subjects(records: Records, feature_ids, events_path: Path = EVENTS) -> None:
    """Every event is about a settlement of the gazetteer or one of `feature_ids` (the map's features)."""
    unknown = sorted(set(records.events.subject) - set(records.settlements.index) - set(feature_ids))
    if unknown:
        raise DataFileError(events_path, f"events about places or features that do not exist: {unknown[:5]}")


def first_announcements(records: Records) -> dict[str, str]:
    """The day of the first announced capture in each district (gazetteer district)."""
    taken = records.events[records.events.event == "announced_taken"]
    districts = records.settlements.district.reindex(taken.subject).values
    return taken.assign(district=districts).groupby("district").date.min().to_dict()


def _entry(date, status: str, sources, note="") -> dict:
    info = STATUSES[status]
    return {"date": date, "status": info.label + (f" ({note})" if note else ""), "tone": status,
            "controller": info.controller, "sources": list(sources)}


def timeline(place_id: str, records: Records, district_start: dict[str, str] | None = None) -> list[dict]:
    """The place's dated statuses, oldest first; the first has date None (before the timeline)."""
    place = records.settlements.loc[place_id]
    events = records.events[(records.events.subject == place_id) |
                            ((records.events.subject == ZONE) & (records.events.event == "passed_to_azerbaijan"))]
    baseline = {"armenian_forces": "held", "azerbaijan": "az_before", "outside": "outside"}[place.baseline]
    out = [_entry(None, baseline, ["natural_earth"])]  # which side of the 1994 line (or the border) it lies on
    kinds = set(events.event)
    denied = "denied" in kinds
    admitted = events[events.event == "admitted"]

    def current():
        return out[-1]["tone"]

    for row in events.itertuples():
        sources = row.sources.split(";")
        if row.event == "announced_taken":
            if current() in ("held", "unknown"):
                if denied and row.date in set(events[events.event == "denied"].date):
                    out.append(_entry(row.date, "contested", sources, "denied at the time"))
                elif len(admitted) and not denied:
                    out.append(_entry(row.date, "confirmed", sources + admitted.sources.iloc[0].split(";"),
                                      "the Armenian government later listed it as lost"))
                else:
                    out.append(_entry(row.date, "claimed", sources))
            elif current() == "contested" and not (events[(events.event == "denied")].date == row.date).any():
                out.append(_entry(row.date, "claimed", sources, "announced again"))
        elif row.event == "confirmed":
            out.append(_entry(row.date, "confirmed", sources))
        elif row.event == "taken_undated":
            start = (district_start or {}).get(place.district)
            if current() == "held" and start and start < row.date:
                out.append(_entry(start, "unknown", sources, "first capture announced in the district"))
            if row.date_precision == "by" and row.date == "2020-11-10":
                out.append(_entry(row.date, "taken_undated", sources))
        elif row.event in ("not_taken", "partial", "scheduled", "handed_over"):
            out.append(_entry(row.date, {"partial": "partial"}.get(row.event, row.event), sources))
        elif row.event == "stayed_held":
            out.append(_entry(row.date, "peacekeeping", sources))
        elif row.event == "taken_after_ceasefire":
            out.append(_entry(row.date, "taken_after", sources))
        elif row.event == "corridor_handed_over":
            out.append(_entry(row.date, "handed_over_2022", sources))
        elif row.event == "entered":
            out.append(_entry(row.date, "entered_2022", sources))
        elif row.event == "withdrew":
            before = next((e["tone"] for e in reversed(out) if e["tone"] != "entered_2022"), baseline)
            out.append(_entry(row.date, before, sources, "troops withdrew, one side says"))
        elif row.event == "passed_to_azerbaijan" and current() in PASSES_WITH_ZONE:
            out.append(_entry(row.date, "passed_2023", sources))
    return out


def history(place_id: str, records: Records) -> list[dict]:
    """Every event about the place, oldest first, with its sources spelled out (outlet, date, title, address)."""
    events = records.events[records.events.subject == place_id]
    return [{"date": row.date, "date_precision": row.date_precision, "event": row.event, "by": row.by,
             "note": row.note or "", "sources": [cite(s, records) for s in row.sources.split(";")]}
            for row in events.itertuples()]


def cite(source_id: str, records: Records) -> dict:
    return cite_source(records.sources, source_id)


def cite_source(sources: pd.DataFrame, source_id: str) -> dict:
    """A source of the sources table (indexed by id) as a reader needs it: outlet, date, title, address."""
    source = sources.loc[source_id]
    return {"id": source_id, "outlet": source.outlet, "published": source.published or "", "title": source.title,
            "url": source.url}


# ------------------------------------------------------------------------------------------- names
# Words of a district's or country's name, which the gazetteer writes beside a village's name to tell apart
# villages that share one: they are not names of the village.
NOT_NAMES = {"xocavend", "khojavend", "cebrayil", "jabrayil", "fuzuli", "zengilan", "zangilan", "qubadli", "gubadli",
             "xocali", "khojaly", "susa", "shusha", "lacin", "lachin", "kelbecer", "kalbajar", "terter", "tartar",
             "agdam", "armenia", "martuni", "martakert", "askeran", "village", "town", "city"}


def name_forms(row) -> list[str]:
    """Every name a place is known by, from its four name fields and its other names. A bracket holds either
    another name (Xırmancıq (Tsaghkavank)) or a remark (Ağbulaq (Xocavənd)); remarks are left out."""
    forms = []

    def add(part):
        part = part.strip(" ,.\"'")
        if len(part) >= 3 and part not in forms:
            forms.append(part)

    for field in ("name_en", "name_az", "name_hy", "name_ru", "other_names"):
        for piece in re.split(r"\s*(?:;|/| = |\+)\s*", (row[field] if field in row else None) or ""):
            outside = re.sub(r"\([^()]*\)?", " ", piece)
            add(re.sub(r"\s+", " ", outside))
            for inner in re.findall(r"\(([^()]*)\)?", piece):
                first = fold(re.split(r"[,;]", inner)[0])
                if first not in NOT_NAMES and "," not in inner and \
                        not re.search(r"\b(?:name|Soviet|NKR|until|also|ex|former|part)\b", inner):
                    add(inner)
    return forms


def find(name: str, records: Records) -> list[str]:
    """Ids of the places one of whose names is `name` (folded); an id is accepted as it is."""
    if name in records.settlements.index:
        return [name]
    wanted = fold(name)
    if not wanted:
        raise InvalidInput("give a place name, e.g. Hadrut, Stepanakert or Ստեփանակերտ")
    return [row.id for row in records.settlements.itertuples()
            if any(fold(form) == wanted for form in name_forms(row._asdict()))]


def search(text: str, records: Records, limit: int = 20) -> list[str]:
    """Ids of places whose names start with (then contain) `text`, folded; for the map's search box."""
    wanted = fold(text)
    if len(wanted) < 2:
        return []
    starts, contains = [], []
    for row in records.settlements.itertuples():
        forms = [fold(f) for f in name_forms(row._asdict())]
        if any(f.startswith(wanted) for f in forms):
            starts.append(row.id)
        elif any(wanted in f for f in forms):
            contains.append(row.id)
    return (starts + contains)[:limit]


def describe(place_id: str, records: Records) -> dict:
    """One place as the command line prints it: names, where it is, what became of it and who says so."""
    row = records.settlements.loc[place_id]
    return {
        "id": place_id,
        "names": {"en": row.name_en, "az": row.name_az, "hy": row.name_hy, "ru": row.name_ru,
                  "other": [n for n in (row.other_names or "").split("; ") if n]},
        "district": row.district, "nkr_region": row.nkr_region,
        "coordinates": None if row.lat is None else {"lat": row.lat, "lon": row.lon, "quality": row.coord_quality,
                                                     "source": {"title": row.coord_page, "url": row.coord_url}},
        "held_on_26_sep_2020_by": row.baseline,
        "events": history(place_id, records),
    }


def check_dates(records: Records, start: dt.date, end: dt.date) -> None:
    """Settlement events inside [start, end] (the build's range check)."""
    days = pd.to_datetime(records.events.date)
    outside = records.events[(days < pd.Timestamp(start)) | (days > pd.Timestamp(end))]
    if len(outside):
        raise DataFileError(EVENTS, f"events dated outside {start} to {end}: {outside.id.tolist()[:5]}")
