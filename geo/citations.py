"""Every source the product cites and what cites it: one tidy table of citations, for the Sources page.

Pure functions over the loaded tables (no Streamlit, no file reading): `collect()` takes what geo.settlements,
geo.layers, geo.claims and geo.statement loaded, and data/provenance.json's content, and returns

- `sources`: one row per source, whether listed in sources.csv, given inline (a claim's later pages, the
  statement's ledger) or named by a settlement's coordinates; inline and coordinate pages are matched to
  sources.csv by address, so a page is one source however many files name it;
- `citations`: one row per (source, citing thing), with the group of what the source supports.

The groups (`GROUPS`):

- "events": a row of the event log (a capture announced, a handover...), about a settlement or a feature;
- "places": where a place is or what it is called: the page a settlement's coordinates come from, and what a
  map feature is drawn from when that is not base data (Wikipedia's coordinates for Hadrut, say);
- "claims": the article's claims, by their verdict of 24 Nov 2020 (sources.csv ids) and in hindsight (inline);
- "statement": the ceasefire statement's ledger (its text, and the dated change of each point). Its pages
  support neither one place nor one claim but the fate of a point of the statement, on a page of its own;
- "base data": the registry packages the map is drawn on (Natural Earth, GeoNames), cited by the files built
  from them, and the sources.csv rows of the same producers, cited by the features drawn from them.

A feature's dated changes are rows of the event log (the build derives its timeline from them), so they are
cited as events, once; a feature itself cites only what it is drawn from: the sources of its timeline's
undated first entry.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

import pandas as pd

from geo import view as view_mod
from geo.catalog import LAYERS
from geo.errors import InvalidInput
from geo.gazetteer import fold
from geo.settlements import Records, name_forms
from geo.statement import STATUSES as LEDGER_STATUSES

GROUPS = ("events", "places", "claims", "statement", "base data")
KINDS = ("event", "place", "feature", "claim", "ledger change", "statement text", "base file")
SOURCE_COLUMNS = ["source_id", "outlet", "published", "title", "url", "origin", "licence", "licence_url",
                  "attribution"]
CITATION_COLUMNS = ["source_id", "group", "cited_by_kind", "cited_by_id", "cited_by_label", "date",
                    "date_precision", "note", "link"]
# Where a source is written down: the list of pages, inline in a claim or the ledger, a settlement's
# coordinates, or data/provenance.json.
ORIGINS = ("sources list", "inline", "coordinates", "provenance")
PLACE_ZOOM = 12
EVENT_WORDS = {
    "announced_taken": "capture announced",
    "denied": "capture denied",
    "confirmed": "capture confirmed",
    "admitted": "loss admitted",
    "taken_undated": "taken, no day given",
    "taken_after_ceasefire": "taken after the ceasefire",
    "not_taken": "announced, not taken",
    "partial": "split by the line",
    "stayed_held": "stayed Armenian-held",
    "entered": "troops entered",
    "withdrew": "troops withdrew",
    "passed_to_azerbaijan": "passed to Azerbaijan",
}


@dataclass(frozen=True)
class Citations:
    sources: pd.DataFrame  # one row per source, indexed by source_id
    citations: pd.DataFrame  # one row per (source, citing thing)


# ------------------------------------------------------------------------------------------- checks
def _require_frame(name, frame, columns) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise InvalidInput(f"{name} must be a DataFrame, not {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InvalidInput(f"{name} lacks the columns {missing}")


def _check_inputs(records, layers, claims, ledger, provenance) -> None:
    if not isinstance(records, Records):
        raise InvalidInput(f"records must be geo.settlements.Records, not {type(records).__name__}")
    _require_frame("the sources table", records.sources, ["id", "outlet", "published", "title", "url"])
    _require_frame("the event log", records.events, ["id", "date", "date_precision", "subject", "event", "by",
                                                     "sources"])
    _require_frame("the gazetteer", records.settlements, ["id", "name_en", "coord_url", "coord_page"])
    if not isinstance(layers, dict) or not all(isinstance(f, pd.DataFrame) for f in layers.values()):
        raise InvalidInput("layers must be a dict of layer id to GeoDataFrame")
    for layer_id, frame in layers.items():
        _require_frame(f"layer {layer_id!r}", frame, ["id", "name_en", "sources", "timeline", "geometry"])
    _require_frame("the claims", claims, ["id", "summary", "map_date", "layers", "features", "reference",
                                         "hindsight"])
    if ledger is not None and not (isinstance(ledger, dict) and isinstance(ledger.get("points"), list)):
        raise InvalidInput("the ledger must be geo.statement.load()'s dict, or None when it could not be read")
    if not isinstance(provenance, dict) or not isinstance(provenance.get("sources"), dict) \
            or not isinstance(provenance.get("files"), dict):
        raise InvalidInput("provenance must be data/provenance.json's content, with `sources` and `files`")


# ------------------------------------------------------------------------------------------- labels
def _text(value) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def _latin(form: str) -> bool:
    return all(unicodedata.name(c, "").startswith("LATIN") for c in form if c.isalpha())


def place_label(row) -> str:
    """A place or feature by the names a reader may know it by, in Latin script: its English name (which
    gives both sides' names where they differ: Khankendi / Stepanakert), then the other names the Armenian
    name and the other names give in Latin letters (Gunashli / Norashen), each once. The Azerbaijani field
    is left out: it spells the English name in Azerbaijani letters, which adds no name."""
    row = dict(row)
    english = _text(row.get("name_en")) or _text(row.get("id"))
    seen = {fold(form) for form in name_forms({"name_en": english})} | {fold(english)}
    names = [english]
    others = {field: _text(row.get(field)) for field in ("name_hy", "other_names")}
    for form in name_forms(others):
        form = form.replace("(", "").replace(")", "").strip()  # a bracket the name fields leave open
        if form and _latin(form) and fold(form) not in seen:
            seen.add(fold(form))
            names.append(form)
    return " / ".join(names)


def event_words(event) -> str:
    """What an event of the log says happened, in words: its own status text, or its kind and who says so."""
    status = _text(getattr(event, "status", None))
    if status:
        return status
    words = EVENT_WORDS.get(event.event, event.event.replace("_", " "))
    return f"{words} ({event.by})" if _text(event.by) else words


def _site(url: str) -> str:
    host = urlsplit(url).hostname or url
    return host.removeprefix("www.")


# ------------------------------------------------------------------------------------------- links
def _layers_with(extra) -> str:
    shown = {layer.id for layer in LAYERS if layer.default_on} | set(extra)
    return ",".join(layer.id for layer in LAYERS if layer.id in shown) or "none"


def _map_link(day=None, layers=(), bounds=None, place=None, point=None, claim=None) -> str:
    """A link to the map page (the app's root) at a day, fitted to a feature or a claim's features, or
    centred on a place; a link carries its whole view, so it shows the same in a session that has one."""
    view = view_mod.View()
    if day:
        view = view.replace(date=dt.date.fromisoformat(str(day)))
    if point is not None:
        view = view.replace(lat=round(point[1], view_mod.COORD_DECIMALS),
                            lon=round(point[0], view_mod.COORD_DECIMALS), zoom=PLACE_ZOOM)
    elif bounds is not None:
        lat, lon, zoom = view_mod.fit(bounds, *view_mod.MAP_AREA_PX)
        view = view.replace(lat=lat, lon=lon, zoom=zoom)
    params = view_mod.to_query(view)
    params["layers"] = _layers_with(layers)
    if place:
        params["place"] = place
    if claim:
        params["claim"] = claim
        if bounds is None:  # the map keeps its centre for a claim about no feature
            for key in ("lat", "lon", "zoom"):
                params.pop(key)
    return f"./?{urlencode(params)}"


def _ledger_link(day: str) -> str:
    return f"./ledger?{urlencode({'date': day})}"


class _Features:
    """The map's features by id, with what a link to each needs."""

    def __init__(self, layers):
        self.rows = {}
        for layer_id, frame in layers.items():
            for row in frame.itertuples(index=False):
                self.rows[row.id] = (layer_id, row)
        self.located = set(layers["settlements"].id) if "settlements" in layers else set()

    def link(self, feature_id, day=None) -> str:
        layer_id, row = self.rows[feature_id]
        if layer_id == "settlements":
            return self.place_link(feature_id, day)
        geometry = row.geometry
        if geometry.geom_type == "Point":
            return _map_link(day, [layer_id], point=(geometry.x, geometry.y))
        return _map_link(day, [layer_id], bounds=geometry.bounds)

    def bounds(self, feature_ids):
        """The bounds (lon_min, lat_min, lon_max, lat_max) of the features, or None for none of the map's."""
        boxes = [self.rows[f][1].geometry.bounds for f in feature_ids or [] if f in self.rows]
        if not boxes:
            return None
        return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes),
                max(b[3] for b in boxes))

    def place_link(self, place_id, day=None) -> str:
        if place_id not in self.located:
            return _map_link(day)  # in the gazetteer, not on the map: the map on that day
        point = self.rows[place_id][1].geometry
        return _map_link(day, ["settlements"], place=place_id, point=(point.x, point.y))


# ------------------------------------------------------------------------------------------- sources
class _SourceBook:
    """The sources, keyed by id, with inline pages matched to the list by address."""

    def __init__(self, listed: pd.DataFrame, provenance: dict):
        self.rows: dict[str, dict] = {}
        self.by_url: dict[str, str] = {}
        base = [s for s in provenance["sources"].values() if isinstance(s, dict)]
        for row in listed.itertuples(index=False):
            record = {"source_id": row.id, "outlet": _text(row.outlet), "published": _text(row.published),
                      "title": _text(row.title), "url": _text(row.url), "origin": "sources list",
                      **_licence_of(_text(row.outlet), base)}
            self.rows[row.id] = record
            self.by_url.setdefault(record["url"], row.id)
        for key, package in provenance["sources"].items():
            self.rows[key] = {
                "source_id": key, "outlet": _text(package.get("producer")), "published": "",
                "title": f"{_text(package.get('package'))} {_text(package.get('version'))} "
                         f"({_text(package.get('registry'))})".strip(),
                "url": "", "origin": "provenance", "licence": _text(package.get("licence")),
                "licence_url": _text(package.get("licence_url")), "attribution": _text(package.get("citation"))}

    def inline(self, source: dict, origin: str = "inline") -> str:
        """The id of an inline page: the listed source at the same address, or one made from the address."""
        url = _text(source.get("url"))
        if url in self.by_url:
            return self.by_url[url]
        source_id = "page_" + hashlib.sha1(url.encode("utf-8")).hexdigest()[:10]
        self.rows[source_id] = {"source_id": source_id, "outlet": _text(source.get("outlet")) or _site(url),
                                "published": _text(source.get("published")), "title": _text(source.get("title")),
                                "url": url, "origin": origin, "licence": "", "licence_url": "", "attribution": ""}
        self.by_url[url] = source_id
        return source_id

    def is_base_data(self, source_id: str) -> bool:
        return bool(self.rows[source_id]["licence"])

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(list(self.rows.values()), columns=SOURCE_COLUMNS).set_index("source_id", drop=False)


def _licence_of(outlet: str, packages: list[dict]) -> dict:
    """A listed page is base data when a base data package comes from the same producer (its producer's name
    begins with the page's outlet, e.g. "Natural Earth"): it takes that package's licence."""
    folded = fold(outlet)
    same = [p for p in packages if folded and fold(_text(p.get("producer"))).startswith(folded)]
    same = [p for p in same if fold(_text(p.get("producer")))[len(folded):][:1] in ("", " ", "(")]

    def joined(field):
        return "; ".join(dict.fromkeys(_text(p.get(field)) for p in same if _text(p.get(field))))
    return {"licence": joined("licence"), "licence_url": joined("licence_url").split("; ")[0],
            "attribution": joined("citation")}


# ------------------------------------------------------------------------------------------- citing things
def _event_rows(records: Records, features: _Features) -> list[dict]:
    places = records.settlements
    rows = []
    for event in records.events.itertuples(index=False):
        if event.subject in places.index:
            subject = place_label(places.loc[event.subject])
            link = features.place_link(event.subject, event.date)
        elif event.subject in features.rows:
            subject = place_label(features.rows[event.subject][1]._asdict())
            link = features.link(event.subject, event.date)
        else:
            subject, link = event.subject, _map_link(event.date)
        for source_id in _text(event.sources).split(";"):
            rows.append({"source_id": source_id, "group": "events", "cited_by_kind": "event",
                         "cited_by_id": event.id, "cited_by_label": f"{subject}: {event_words(event)}",
                         "date": event.date, "date_precision": event.date_precision, "note": _text(event.note),
                         "link": link})
    return rows


def _place_rows(records: Records, features: _Features, book: _SourceBook) -> list[dict]:
    rows = []
    for place in records.settlements.itertuples(index=False):
        url = _text(place.coord_url)
        if not url:
            continue
        source_id = book.inline({"url": url, "title": _text(place.coord_page) or url}, origin="coordinates")
        rows.append({"source_id": source_id, "group": "places", "cited_by_kind": "place",
                     "cited_by_id": place.id, "cited_by_label": place_label(place._asdict()), "date": "",
                     "date_precision": "", "note": "coordinates", "link": features.place_link(place.id)})
    return rows


def _feature_rows(layers, features: _Features, book: _SourceBook) -> list[dict]:
    """What each feature is drawn from: the sources of its timeline's undated entry, and any source of its own
    that no dated change gives (the dated changes are events, cited as such)."""
    rows = []
    for frame in layers.values():
        for feature in frame.itertuples(index=False):
            timeline = list(feature.timeline) if feature.timeline is not None else []
            dated = {s for entry in timeline if entry.get("date") for s in entry.get("sources") or []}
            undated = [s for entry in timeline if not entry.get("date") for s in entry.get("sources") or []]
            own = [s for s in (feature.sources if feature.sources is not None else []) if s not in dated]
            label = place_label(feature._asdict())
            for source_id in dict.fromkeys([*undated, *own]):
                group = "base data" if source_id in book.rows and book.is_base_data(source_id) else "places"
                rows.append({"source_id": str(source_id), "group": group, "cited_by_kind": "feature",
                             "cited_by_id": feature.id, "cited_by_label": label, "date": "",
                             "date_precision": "", "note": "drawn from", "link": features.link(feature.id)})
    return rows


def _claim_rows(claims: pd.DataFrame, features: _Features, book: _SourceBook) -> list[dict]:
    rows = []
    for claim in claims.itertuples(index=False):
        # As the map shows a claim: its date, its layers beside the default ones, fitted to its features.
        link = _map_link(claim.map_date, list(claim.layers or []), bounds=features.bounds(claim.features),
                         claim=claim.id)
        label = f"{claim.id}: {claim.summary}"
        hindsight = claim.hindsight if isinstance(claim.hindsight, dict) else {}
        cited = [(s, "verdict of 24 Nov 2020") for s in claim.reference or []]
        cited += [(book.inline(s), "verdict in hindsight") for s in hindsight.get("sources") or []]
        for source_id, note in cited:
            rows.append({"source_id": source_id, "group": "claims", "cited_by_kind": "claim",
                         "cited_by_id": claim.id, "cited_by_label": label, "date": claim.map_date,
                         "date_precision": "day", "note": note, "link": link})
    return rows


def _ledger_rows(ledger: dict | None, book: _SourceBook) -> list[dict]:
    if ledger is None:
        return []
    rows = []
    statement = ledger.get("statement") or {}
    in_force = _text(statement.get("in_force"))
    for source in statement.get("sources") or []:
        rows.append({"source_id": book.inline(source), "group": "statement", "cited_by_kind": "statement text",
                     "cited_by_id": "statement", "cited_by_label": "The statement's text", "date": in_force,
                     "date_precision": "day", "note": "", "link": _ledger_link(in_force) if in_force else ""})
    for point in ledger["points"]:
        for change in point.get("changes") or []:
            status = LEDGER_STATUSES.get(change.get("status"), _text(change.get("status")))
            label = f"Point {point['number']} ({point.get('title', '')}): {status}"
            for source in change.get("sources") or []:
                rows.append({"source_id": book.inline(source), "group": "statement",
                             "cited_by_kind": "ledger change",
                             "cited_by_id": f"point {point['number']}, {change['date']}", "cited_by_label": label,
                             "date": change["date"], "date_precision": change.get("date_precision", "day"),
                             "note": _text(change.get("event")), "link": _ledger_link(change["date"])})
    return rows


def _base_file_rows(provenance: dict) -> list[dict]:
    rows = []
    for name, built in provenance["files"].items():
        for source_id in built.get("sources") or []:
            if source_id in provenance["sources"]:  # the others are the project's own curated files
                rows.append({"source_id": source_id, "group": "base data", "cited_by_kind": "base file",
                             "cited_by_id": name, "cited_by_label": name, "date": "", "date_precision": "",
                             "note": _text(built.get("method")), "link": ""})
    return rows


def collect(records: Records, layers: dict, claims: pd.DataFrame, ledger: dict | None,
            provenance: dict) -> Citations:
    """Every source and every citation of one (see the module's notes). `ledger` may be None (unreadable):
    the statement's group is then empty. The inputs are not changed."""
    _check_inputs(records, layers, claims, ledger, provenance)
    book = _SourceBook(records.sources, provenance)
    features = _Features(layers)
    rows = (_event_rows(records, features) + _place_rows(records, features, book)
            + _feature_rows(layers, features, book) + _claim_rows(claims, features, book) + _ledger_rows(ledger, book)
            + _base_file_rows(provenance))
    table = pd.DataFrame(rows, columns=CITATION_COLUMNS).drop_duplicates(
        ["source_id", "group", "cited_by_kind", "cited_by_id", "note"]).reset_index(drop=True)
    return Citations(sources=book.frame(), citations=table)


# ------------------------------------------------------------------------------------------- summaries
def unknown_sources(result: Citations) -> list[str]:
    """Source ids cited but not known: a defect of the data (geo.settlements.load refuses most of them)."""
    return sorted(set(result.citations.source_id) - set(result.sources.index))


def uncited(result: Citations) -> pd.DataFrame:
    """The sources cited by nothing: listed pages no event, place, feature, claim or ledger change cites."""
    return result.sources[~result.sources.source_id.isin(set(result.citations.source_id))]


def group_counts(result: Citations) -> dict[str, int]:
    """How many sources each group cites (a source can support several groups)."""
    counts = result.citations.groupby("group").source_id.nunique()
    return {group: int(counts.get(group, 0)) for group in GROUPS}


def cited_in_group(result: Citations, group: str) -> pd.DataFrame:
    """One row per source the group cites: the source's fields, how many things cite it and which (labels,
    ids, dates and links, each a list in the same order: by date, then label)."""
    if group not in GROUPS:
        raise InvalidInput(f"no group {group!r}: use one of {', '.join(GROUPS)}")
    rows = result.citations[result.citations.group == group]
    rows = rows.sort_values(["date", "cited_by_label"], kind="stable")
    # One entry per citing thing: a claim citing a page for both verdicts is listed once.
    rows = rows.drop_duplicates(["source_id", "cited_by_kind", "cited_by_id"])
    grouped = rows.groupby("source_id", sort=False).agg(
        cited_by_count=("cited_by_id", "size"), cited_by=("cited_by_label", list), cited_by_ids=("cited_by_id", list),
        cited_by_kinds=("cited_by_kind", list), dates=("date", list), precisions=("date_precision", list),
        links=("link", list))
    # A source cited by an id the list of sources lacks (unknown_sources: a defect, or the list unreadable)
    # has no outlet, date or address to show.
    out = result.sources.loc[grouped.index.intersection(result.sources.index, sort=False)].join(grouped)
    return out.sort_values(["cited_by_count", "outlet"], ascending=[False, True], kind="stable").reset_index(drop=True)
