"""A data folder with FACTOR times the features and claims, in the layout of data/, for the scale run.

Each layer feature is copied FACTOR times as `<id>__<k>` (k = 0..FACTOR-1), its geometry shifted by a small
offset (at most about 0.03 degrees), its properties kept. Each claim is copied FACTOR times as `<id>__<k>`, with
the same quote and span into the copied article, pointing at copy k of its features and places. The base map,
the article and the other files are copied as they are. The app reads the folder through KCM_DATA_DIR.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from bench.support import REPO_ROOT

DATA = REPO_ROOT / "data"
STEP_DEGREES = 0.003  # copies sit on a 10 x 10 grid of this spacing
LINKS = ("settlement", "group")  # properties that name another feature (a cell's settlement, a claim's group)


def _shift(coords, dx: float, dy: float):
    if coords and isinstance(coords[0], (int, float)):
        return [round(coords[0] + dx, 7), round(coords[1] + dy, 7), *coords[2:]]
    return [_shift(c, dx, dy) for c in coords]


def _shift_geometry(geometry: dict | None, dx: float, dy: float) -> dict | None:
    if geometry is None:
        return None
    if geometry["type"] == "GeometryCollection":
        return {**geometry, "geometries": [_shift_geometry(g, dx, dy) for g in geometry["geometries"]]}
    return {**geometry, "coordinates": _shift(geometry["coordinates"], dx, dy)}


def copy_id(original: str, k: int) -> str:
    return f"{original}__{k}"


def scale_layer(collection: dict, factor: int) -> dict:
    features = []
    for k in range(factor):
        dx, dy = (k % 10) * STEP_DEGREES, (k // 10) * STEP_DEGREES
        for feature in collection["features"]:
            original = feature["properties"]["id"]
            props = {**feature["properties"], "id": copy_id(original, k)}
            for link in LINKS:  # what the copy refers to is the copy of the same k
                if props.get(link):
                    props[link] = copy_id(props[link], k)
            copy = {**feature, "properties": props, "geometry": _shift_geometry(feature["geometry"], dx, dy)}
            if "id" in feature:
                copy["id"] = copy_id(original, k)
            features.append(copy)
    return {**collection, "features": features}


def scale_claims(document: dict, factor: int) -> dict:
    claims = []
    for claim in document["claims"]:
        for k in range(factor):
            claims.append({**claim, "id": copy_id(claim["id"], k),
                           "features": [copy_id(f, k) for f in claim["features"]],
                           "places": [copy_id(p, k) for p in claim["places"]]})
    return {**document, "claims": claims}


def build(target: Path, factor: int = 100, source: Path = DATA) -> dict:
    """Write the scaled folder at `target`; returns counts of what it holds."""
    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    (target / "layers").mkdir(exist_ok=True)
    features = 0
    for path in sorted((source / "layers").glob("*.geojson")):
        scaled = scale_layer(json.loads(path.read_text(encoding="utf-8")), factor)
        features += len(scaled["features"])
        (target / "layers" / path.name).write_text(json.dumps(scaled, ensure_ascii=False), encoding="utf-8")
    shutil.copytree(source / "base", target / "base", dirs_exist_ok=True)
    cells = source / "base" / "cells.geojson"
    if cells.exists():  # each copy of a settlement governs the copy of its cell
        scaled_cells = scale_layer(json.loads(cells.read_text(encoding="utf-8")), factor)
        (target / "base" / "cells.geojson").write_text(json.dumps(scaled_cells, ensure_ascii=False), encoding="utf-8")
    shutil.copytree(source / "curated", target / "curated", dirs_exist_ok=True)
    shutil.copytree(source / "article", target / "article", dirs_exist_ok=True)
    claims = scale_claims(json.loads((source / "claims.json").read_text(encoding="utf-8")), factor)
    (target / "claims.json").write_text(json.dumps(claims, ensure_ascii=False, indent=1), encoding="utf-8")
    for name in ("claims.schema.json", "provenance.json", "SOURCES.md"):
        if (source / name).exists():
            shutil.copy2(source / name, target / name)
    return {"factor": factor, "features": features, "claims": len(claims["claims"]),
            "layer_bytes": sum(p.stat().st_size for p in (target / "layers").glob("*.geojson"))}
