"""The article's claims: loaded, checked against the article, and joined to the map's features."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo import statement as statement_mod
from geo.catalog import LAYER_IDS
from geo.errors import DataFileError
from geo.paths import CLAIMS, DATA, STATEMENT
from geo.tables import read_json_object
from geo.state import parse_date, state_on

VERDICTS = ("consistent", "imprecise", "unverified", "contradicted")
# The second verdict, in hindsight: what later events made of the claim (meanings in claims.json).
HINDSIGHT_VERDICTS = ("stands", "overtaken", "did_not_hold", "partly_held", "still_open")
HINDSIGHT_FIELDS = ("verdict", "settled", "reason", "ledger", "sources")
# From the article's day to the end of the year of the latest sources.
HINDSIGHT_SPAN = (dt.date(2020, 11, 24), dt.date(2026, 12, 31))
SOURCE_FIELDS = ("outlet", "published", "title", "url")
_URL = re.compile(r"https?://[^\s<>\"']+")
CLAIM_FIELDS = ("id", "quote", "span", "type", "summary", "dates", "map_date", "places", "layers", "features",
                "verdict", "reason", "reference", "hindsight")


def load_article(claims_path: Path = CLAIMS) -> tuple[str, dict]:
    """The article's text and its attribution, as named by the claims file."""
    claims_path = Path(claims_path)
    document = read_json_object(claims_path)
    text_path = claims_path.parent / document.get("article", "")
    meta_path = text_path.with_suffix(".meta.json")
    if not document.get("article") or not text_path.is_file():
        raise DataFileError(text_path, "the article text named by the claims file is missing")
    meta = read_json_object(meta_path)
    raw = text_path.read_bytes()
    # The copy is kept byte for byte (its .meta.json says so): a changed byte is a broken copy, not a new text.
    if hashlib.sha256(raw).hexdigest() != meta.get("sha256"):
        raise DataFileError(text_path, "differs from the copy its .meta.json describes (sha256)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataFileError(text_path, f"not UTF-8 text ({exc})") from None
    for field in ("title", "publisher", "date_published", "rights"):
        if not isinstance(meta.get(field), str) or not meta[field].strip():
            raise DataFileError(meta_path, f"needs the article's {field!r}")
    try:
        dt.date.fromisoformat(meta["date_published"])
    except ValueError:
        raise DataFileError(meta_path, f"date_published {meta['date_published'][:20]!r} is not a YYYY-MM-DD date") from None
    return text, meta


def hindsight_meanings(claims_path: Path = CLAIMS) -> dict:
    """Each hindsight verdict with its one-line meaning, as the claims file gives them."""
    return read_json_object(Path(claims_path)).get("hindsight_verdicts", {})


def settled_day(hindsight: dict) -> dt.date | None:
    """The day later events settled a claim, or None when still open or when it needed no settling."""
    return dt.date.fromisoformat(hindsight["settled"]) if hindsight.get("settled") else None


def source_label(source: dict) -> str:
    """A later source as a reader cites it: outlet, date (when known): title."""
    published = source.get("published") or ""
    return f"{source['outlet']}{', ' + published if published else ''}: {source['title']}"


def _ledger_changes(statement_path: Path) -> set[tuple[int, str]]:
    ledger = statement_mod.load(statement_path)
    return {(point["number"], change["date"]) for point in ledger["points"] for change in point["changes"]}


def _check_hindsight(claims_path: Path, where: str, hindsight, changes: set[tuple[int, str]] | None) -> None:
    """The claim's verdict in hindsight: a known verdict, the day it was settled (or null), a reason, the
    ledger's changes it rests on (which must exist) and the public pages that say so."""
    def fail(problem):
        raise DataFileError(claims_path, f"{where}: hindsight {problem}")

    if not isinstance(hindsight, dict):
        fail("is not an object")
    missing = [f for f in HINDSIGHT_FIELDS if f not in hindsight]
    if missing:
        fail(f"lacks fields {missing}")
    verdict = hindsight["verdict"]
    if verdict not in HINDSIGHT_VERDICTS:
        fail(f"verdict {str(verdict)[:30]!r} is not one of {HINDSIGHT_VERDICTS}")
    settled = hindsight["settled"]
    if settled is not None:
        try:
            day = dt.date.fromisoformat(str(settled))
        except ValueError:
            fail(f"settled date {str(settled)[:20]!r} is not YYYY-MM-DD")
        if not HINDSIGHT_SPAN[0] <= day <= HINDSIGHT_SPAN[1]:
            fail(f"settled date {day} is outside {HINDSIGHT_SPAN[0]}..{HINDSIGHT_SPAN[1]}")
        if verdict == "still_open":
            fail(f"is still open, so it has no settled date (not {day})")
    if not isinstance(hindsight["reason"], str) or not hindsight["reason"].strip():
        fail("needs a reason")
    refs = hindsight["ledger"]
    if not isinstance(refs, list):
        fail("ledger must be a list of {point, date}")
    for ref in refs:
        point = ref.get("point") if isinstance(ref, dict) else None
        if type(point) is not int or changes is not None and (point, ref.get("date")) not in changes:
            fail(f"names a change of the statement's ledger that does not exist: {str(ref)[:60]}")
    sources = hindsight["sources"]
    if not isinstance(sources, list):
        fail("sources must be a list")
    # Only a claim that later events leave as it was needs no later source.
    if not sources and not (verdict == "stands" and settled is None):
        fail(f"{verdict!r} needs at least one source")
    for k, source in enumerate(sources, start=1):
        if not isinstance(source, dict) or not all(isinstance(source.get(f), str) for f in SOURCE_FIELDS):
            fail(f"source {k} needs {', '.join(SOURCE_FIELDS)} as text")
        if not _URL.fullmatch(source["url"]):
            fail(f"source {k}: url {source['url'][:80]!r} is not an http(s) address")


def load_claims(claims_path: Path = CLAIMS, statement_path: Path | None = None, check_ledger: bool = True) -> pd.DataFrame:
    """Every claim as a row, checked: fields present, quote equal to the article at its span, known values,
    and a verdict in hindsight whose ledger references exist in the statement's ledger (by default the one
    beside the claims file, as data/curated/statement.json is beside data/claims.json)."""
    claims_path = Path(claims_path)
    document = read_json_object(claims_path)
    text, _ = load_article(claims_path)
    rows = document.get("claims")
    if not isinstance(rows, list) or not rows:
        raise DataFileError(claims_path, "no list of claims under 'claims'")
    meanings = document.get("hindsight_verdicts")
    if not isinstance(meanings, dict) or set(meanings) != set(HINDSIGHT_VERDICTS) or not all(
            isinstance(m, str) and m.strip() for m in meanings.values()):
        raise DataFileError(claims_path, f"'hindsight_verdicts' must give a meaning for each of {HINDSIGHT_VERDICTS}")
    for index, claim in enumerate(rows):
        where = f"claim {claim.get('id', index)!r}" if isinstance(claim, dict) else f"claim #{index}"
        if not isinstance(claim, dict):
            raise DataFileError(claims_path, f"{where} is not an object")
        missing = [f for f in CLAIM_FIELDS if f not in claim]
        if missing:
            raise DataFileError(claims_path, f"{where} lacks fields {missing}")
        start, end = claim["span"]
        if text[start:end] != claim["quote"]:
            raise DataFileError(claims_path, f"{where}: the quote is not the article's text at {start}-{end}")
        if claim["verdict"] not in VERDICTS:
            raise DataFileError(claims_path, f"{where}: verdict {claim['verdict']!r} is not one of {VERDICTS}")
        unknown = set(claim["layers"]) - set(LAYER_IDS)
        if unknown:
            raise DataFileError(claims_path, f"{where}: unknown layers {sorted(unknown)}")
        try:
            parse_date(claim["map_date"])
            for day in claim["dates"]:
                dt.date.fromisoformat(day)
        except ValueError as exc:
            raise DataFileError(claims_path, f"{where}: {exc}") from exc
    # The statement's ledger is read once the claims themselves hold together.
    # Without it (`check_ledger` false: the ledger could not be read, and says so itself) the verdicts in
    # hindsight are checked for everything but the ledger's changes they name.
    changes = _ledger_changes(Path(statement_path) if statement_path else
                              claims_path.parent / STATEMENT.relative_to(DATA)) if check_ledger else None
    for claim in rows:
        _check_hindsight(claims_path, f"claim {claim['id']!r}", claim["hindsight"], changes)
    frame = pd.DataFrame(rows, columns=list(CLAIM_FIELDS))
    if frame.id.duplicated().any():
        raise DataFileError(claims_path, f"duplicate claim ids {sorted(frame.id[frame.id.duplicated()])}")
    return frame


def place_joins(claims: pd.DataFrame, layers: dict[str, gpd.GeoDataFrame]) -> pd.DataFrame:
    """Spatial join of each claim's places with the polygons of its layers on the claim's map date.

    Returns one row per (claim, place, feature) with the feature's layer: the features a claim's places
    fall in, found by geometry rather than by the claim's explicit links.
    """
    places = layers["places"].set_index("id")
    pairs = claims[["id", "map_date", "places", "layers"]].explode("places").dropna(subset=["places"])
    out = []
    for map_date, group in pairs.groupby("map_date"):
        points = gpd.GeoDataFrame({"claim": group.id.values, "place": group.places.values,
                                   "claim_layers": group.layers.values},
                                  geometry=places.loc[group.places.values].geometry.values, crs=places.crs)
        state = state_on(layers, map_date)
        polygons = state[state.geometry.geom_type.isin(("Polygon", "MultiPolygon"))][["id", "layer", "geometry"]]
        joined = gpd.sjoin(points, polygons, predicate="within", how="inner")
        joined = joined[[layer in claim_layers for layer, claim_layers in zip(joined.layer, joined.claim_layers)]]
        out.append(pd.DataFrame({"claim": joined.claim, "place": joined.place, "feature": joined.id,
                                 "layer": joined.layer}))
    columns = ["claim", "place", "feature", "layer"]
    return pd.concat(out, ignore_index=True)[columns] if out else pd.DataFrame(columns=columns)


def feature_groups(layers: dict[str, gpd.GeoDataFrame]) -> dict[str, list[str]]:
    """Names that stand for several features (`captured_jabrayil`: every cell of Jabrayil district taken)."""
    groups: dict[str, list[str]] = {}
    for frame in layers.values():
        if "group" in frame.columns:
            for feature_id, group in zip(frame.id, frame.group):
                if group:
                    groups.setdefault(group, []).append(feature_id)
    return groups


def with_groups_expanded(claims: pd.DataFrame, layers: dict[str, gpd.GeoDataFrame], missing=()) -> pd.DataFrame:
    """The claims with each group in `features` replaced by its members; an unknown id raises DataFileError,
    unless some layers could not be read (`missing`, their ids): then it may be one of theirs, and is left out."""
    groups = feature_groups(layers)
    known = {i for frame in layers.values() for i in frame.id}
    expanded = []
    for claim_id, features in zip(claims.id, claims.features):
        out = []
        for feature in features:
            if feature in groups:
                out += groups[feature]
            elif feature in known:
                out.append(feature)
            elif not missing:
                raise DataFileError(CLAIMS, f"claim {claim_id!r} names a feature that does not exist: {feature!r}")
        expanded.append(list(dict.fromkeys(out)))
    return claims.assign(features=expanded)


def claims_on(claims: pd.DataFrame, state: gpd.GeoDataFrame, day) -> pd.DataFrame:
    """Claims relevant to a day: those dated that day, or about a feature that shows that day."""
    day = parse_date(day).isoformat()
    visible = set(state.id)
    keep = [day in dates or bool(visible & set(features)) for dates, features in zip(claims.dates, claims.features)]
    return claims[keep]


def claims_about(claims: pd.DataFrame, feature_id: str) -> pd.DataFrame:
    return claims[[feature_id in features for features in claims.features]]


def to_records(claims: pd.DataFrame) -> list[dict]:
    """The claims as JSON-ready dicts, each with its verdict of 24 Nov 2020 and its `hindsight`."""
    return json.loads(claims.to_json(orient="records", force_ascii=False))
