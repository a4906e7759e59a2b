"""The article's claims: loaded, checked against the article, and joined to the map's features."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo.catalog import LAYER_IDS
from geo.errors import DataFileError
from geo.paths import CLAIMS
from geo.state import parse_date, state_on

VERDICTS = ("consistent", "imprecise", "unverified", "contradicted")
CLAIM_FIELDS = ("id", "quote", "span", "type", "summary", "dates", "map_date", "places", "layers", "features",
                "verdict", "reason", "reference")


def load_article(claims_path: Path = CLAIMS) -> tuple[str, dict]:
    """The article's text and its attribution, as named by the claims file."""
    claims_path = Path(claims_path)
    document = _read_json(claims_path)
    text_path = claims_path.parent / document.get("article", "")
    meta_path = text_path.with_suffix(".meta.json")
    if not text_path.is_file():
        raise DataFileError(text_path, "the article text named by the claims file is missing")
    return text_path.read_text(encoding="utf-8"), _read_json(meta_path)


def _read_json(path: Path) -> dict:
    if not path.is_file():
        raise DataFileError(path, "file is missing")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DataFileError(path, f"not valid JSON ({exc})") from exc


def load_claims(claims_path: Path = CLAIMS) -> pd.DataFrame:
    """Every claim as a row, checked: fields present, quote equal to the article at its span, known values."""
    claims_path = Path(claims_path)
    document = _read_json(claims_path)
    text, _ = load_article(claims_path)
    rows = document.get("claims")
    if not isinstance(rows, list) or not rows:
        raise DataFileError(claims_path, "no list of claims under 'claims'")
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


def with_groups_expanded(claims: pd.DataFrame, layers: dict[str, gpd.GeoDataFrame]) -> pd.DataFrame:
    """The claims with each group in `features` replaced by its members; an unknown id raises DataFileError."""
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
            else:
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
    return json.loads(claims.to_json(orient="records", force_ascii=False))
