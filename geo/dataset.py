"""Everything the dashboard reads, file by file: a file that cannot be used costs what rests on it, not the rest.

`load(data_dir)` reads each data file on its own. A file that is missing or broken is left out, and a
DataFileError saying which file, what is wrong and what to run (or restore) takes its place in `problems`:

- a layer of the map, or a layer of the base map: drawn as empty, the others as they are;
- the gazetteer, the events and the sources (read together, since they are checked against each other): no
  search box, sources shown by their ids;
- the claims (or the article they quote): no claims;
- the statement's ledger: no ledger (the pages say so where it would be);
- the provenance: no licences to show (the exports, which must carry them, say so and are not offered);
- SOURCES.md: the notes are not shown.

The area chart needs every layer it measures; without one of them it is left out rather than drawn wrong.
The layer catalogue (data/curated/layers.json) is read at import by geo.catalog: without it there is no map to
draw, and the pages say so instead of showing anything.

Importable without Streamlit; the command line reads the files strictly instead (one broken file it needs is
an error), through the same loaders.
"""
from __future__ import annotations

import dataclasses
import functools
import logging
import re
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo import areas, claims as claims_mod, layers as layers_mod, settlements, state, statement
from geo.catalog import BASE_LAYER_FILES, LAYER_IDS
from geo.crs import WGS84
from geo.errors import DataFileError, GeoError
from geo.tables import load_schema, read_json_object

log = logging.getLogger(__name__)

# The layers the area chart measures (geo.areas.pieces): without any of them its figures would be wrong.
AREA_LAYERS = ("settlements", "ceded", "armenian_held_1994", "lachin_corridor")
BASE_COLUMNS = {"countries": ("id", "name_en"), "districts": ("id", "name_en", "name_az", "name_hy", "name_ru"),
                "labels": ("id", "name_en", "population"), "cells": ("id", "settlement")}


# What each part of the dataset is read from, as DataFileError names the files.
PARTS = {
    "layers": re.compile(r"^data/layers/"),
    "base": re.compile(r"^data/base/"),
    "records": re.compile(r"^data/curated/(settlements|events|sources)(\.schema\.json|\.csv)$"),
    "claims": re.compile(r"^data/(claims(\.schema)?\.json|article/|curated/statement\.json)"),
    "ledger": re.compile(r"^data/curated/statement\.json$"),
    "provenance": re.compile(r"^data/provenance\.json$"),
}


@dataclasses.dataclass(frozen=True)
class Dataset:
    layers: dict[str, gpd.GeoDataFrame]  # every layer of the catalogue; an empty frame for one that failed
    base: dict[str, gpd.GeoDataFrame]
    records: settlements.Records
    claims: pd.DataFrame  # with feature groups expanded; no rows when the claims could not be read
    claims_document: dict  # data/claims.json as read: the meanings of the verdicts and the claims' types
    article: tuple[str, dict] | None  # the article's text and its attribution
    ledger: dict | None
    provenance: dict | None
    sources_notes: str | None
    area_series: pd.DataFrame | None
    problems: tuple[DataFileError, ...]

    def missing(self) -> set[str]:
        """The files left out, as the problems name them (data/...)."""
        return {str(problem.path) for problem in self.problems}

    def require(self, *parts: str) -> "Dataset":
        """This dataset, or the first problem with a file one of `parts` rests on (see PARTS): for a caller
        that cannot do without them, as a command of the command line."""
        for problem in self.problems:
            if any(PARTS[part].match(str(problem.path)) for part in parts):
                raise problem
        return self


def _guarded(problems: list, path: Path, read, fallback):
    """read(), or `fallback` with the failure kept in `problems`. Anything a broken file can raise is caught:
    a DataFileError as it is, anything else (a loader that did not foresee this breakage) named for the file,
    its details in the server's log only."""
    try:
        return read()
    except DataFileError as exc:
        problems.append(exc)
    except GeoError as exc:
        problems.append(DataFileError(path, str(exc)))
    except Exception as exc:  # noqa: BLE001 - one file must never take the rest down
        log.exception("reading %s failed", path)
        problems.append(DataFileError(path, f"cannot be read ({type(exc).__name__})"))
    return fallback() if callable(fallback) else fallback


def empty_layer(columns=tuple(sorted(layers_mod.REQUIRED_COLUMNS))) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({c: pd.Series(dtype=object) for c in columns}, geometry=gpd.GeoSeries([], crs=WGS84),
                            crs=WGS84)


def empty_records(data_dir: Path) -> settlements.Records:
    def frame(name):
        try:
            columns = [f["name"] for f in load_schema(data_dir / "curated" / f"{name}.csv")["fields"]]
        except GeoError:
            columns = ["id"]
        table = pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
        return table.set_index("id", drop=False) if name != "events" else table
    return settlements.Records(frame("settlements"), frame("events"), frame("sources"))


def empty_claims() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in claims_mod.CLAIM_FIELDS})


def load(data_dir: Path) -> Dataset:
    data_dir = Path(data_dir)
    problems: list[DataFileError] = []
    layers = {layer_id: _guarded(problems, layers_mod.layer_path(layer_id, data_dir),
                                 lambda layer_id=layer_id: layers_mod.read_layer(layer_id, data_dir), empty_layer)
              for layer_id in LAYER_IDS}
    base = {name: _guarded(problems, layers_mod.base_path(name, data_dir),
                           lambda name=name: layers_mod._read(layers_mod.base_path(name, data_dir)),
                           lambda name=name: empty_layer(BASE_COLUMNS.get(name, ("id",))))
            for name in BASE_LAYER_FILES}
    curated = data_dir / "curated"
    records = _guarded(problems, curated / "settlements.csv", lambda: settlements.load(
        curated / "settlements.csv", curated / "events.csv", curated / "sources.csv"),
        lambda: empty_records(data_dir))
    # The settlements layer is built from the gazetteer: a place on the map that the gazetteer lacks means the
    # gazetteer lost rows (or the layers are older than it).
    lacking = sorted(set(layers["settlements"].id) - set(records.settlements.index))
    if lacking and len(records.settlements):
        problems.append(DataFileError(curated / "settlements.csv",
                                      f"lacks {len(lacking)} places the settlements layer has ({', '.join(lacking[:3])}"
                                      "...): the file looks cut short; restore it, or if it was edited on purpose "
                                      "run `python -m geo build`"))
        records = empty_records(data_dir)
    claims_path = data_dir / "claims.json"
    article = _guarded(problems, claims_path, lambda: claims_mod.load_article(claims_path), None)
    claims_document = _guarded(problems, claims_path, lambda: read_json_object(claims_path), {})
    ledger = _guarded(problems, curated / "statement.json", lambda: statement.load(curated / "statement.json"), None)
    # The claims' verdicts in hindsight name changes of the ledger: checked against it when it could be read.
    claims = _guarded(problems, claims_path, lambda: claims_mod.with_groups_expanded(
        claims_mod.load_claims(claims_path, check_ledger=ledger is not None), layers,
        missing=_failed_layers(problems, data_dir)), empty_claims)
    provenance = _guarded(problems, data_dir / "provenance.json", lambda: _read_provenance(data_dir / "provenance.json"),
                          None)
    notes = _guarded(problems, data_dir / "SOURCES.md",
                     lambda: (data_dir / "SOURCES.md").read_text(encoding="utf-8"), None)
    failed = _failed_layers(problems, data_dir)
    if failed & set(AREA_LAYERS) or any(str(p.path).endswith("base/cells.geojson") for p in problems):
        area_series = None
    else:
        area_series = _guarded(problems, data_dir / "base" / "cells.geojson",
                               lambda: areas.series(areas.pieces(layers, base["cells"])), None)
    unique = list({str(p): p for p in problems}.values())  # the claims and the article can fail on one file
    return Dataset(layers=layers, base=base, records=records, claims=claims, claims_document=claims_document,
                   article=article, ledger=ledger, provenance=provenance, sources_notes=notes,
                   area_series=area_series, problems=tuple(unique))


def stamp(folder) -> tuple:
    """Every data file's name, size and time of change: a file edited, broken or restored is read again on the
    next call of a cache keyed on it (a few dozen stat calls)."""
    out = []
    for path in sorted(Path(folder).rglob("*")):
        try:
            info = path.stat()
        except OSError:
            continue
        if path.is_file():
            out.append((str(path), info.st_size, info.st_mtime_ns))
    return tuple(out)


@functools.lru_cache(maxsize=4)
def _cached(folder: str, files: tuple) -> Dataset:
    return load(Path(folder))


def load_cached(folder) -> Dataset:
    """load(folder), read again only when a file under it changes."""
    return _cached(str(folder), stamp(folder))


def _failed_layers(problems, data_dir: Path) -> set[str]:
    names = {str(p.path) for p in problems}
    return {layer_id for layer_id in LAYER_IDS
            if any(name.endswith(f"layers/{layer_id}.geojson") for name in names)}


def _read_provenance(path: Path) -> dict:
    value = read_json_object(path)
    if not isinstance(value.get("sources"), dict):
        raise DataFileError(path, "needs an object with the data's 'sources'")
    return value


def zone_of(base: dict[str, gpd.GeoDataFrame]):
    """The conflict zone, or None when the districts could not be read (the map still draws)."""
    return state.conflict_zone(base) if len(base["districts"]) else None
