"""Load the committed layers under data/ and check them: a broken file gives an error naming it."""
from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import shapely

from geo.catalog import BASE_LAYER_FILES, LAYER_IDS, PRECISION
from geo.crs import WGS84
from geo.errors import DataFileError
from geo.paths import DATA

REQUIRED_COLUMNS = {"id", "layer", "name_en", "name_az", "name_hy", "name_ru", "precision", "sources", "timeline"}


def layer_path(layer_id: str, data_dir: Path = DATA) -> Path:
    return Path(data_dir) / "layers" / f"{layer_id}.geojson"


def base_path(name: str, data_dir: Path = DATA) -> Path:
    return Path(data_dir) / "base" / f"{name}.geojson"


def _read(path: Path) -> gpd.GeoDataFrame:
    if not path.exists():
        raise DataFileError(path, "file is missing; run `python -m geo build` to regenerate it")
    try:
        frame = gpd.read_file(path, engine="pyogrio")
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, pyogrio.errors.FieldError,
            ValueError, UnicodeDecodeError) as exc:
        raise DataFileError(path, f"not a readable GeoJSON file ({exc})") from None
    if frame.crs is None or not frame.crs.equals(WGS84):
        raise DataFileError(path, f"expected WGS84 coordinates, got {frame.crs}")
    if "id" not in frame.columns:
        raise DataFileError(path, "features lack an `id`")
    if frame.geometry.isna().any() or not frame.geometry.is_valid.all():
        bad = frame.loc[frame.geometry.isna() | ~frame.geometry.is_valid, "id"].tolist()
        raise DataFileError(path, f"missing or invalid geometry in features {bad[:5]}")
    # NaN or infinite coordinates pass shapely's validity check and would be drawn nowhere, or everywhere.
    unfinite = [i for i, g in zip(frame.id, frame.geometry) if not np.isfinite(shapely.get_coordinates(g)).all()]
    if unfinite:
        raise DataFileError(path, f"coordinates that are not finite numbers in features {unfinite[:5]}")
    return frame


def read_layer(layer_id: str, data_dir: Path = DATA) -> gpd.GeoDataFrame:
    path = layer_path(layer_id, data_dir)
    frame = _read(path)
    missing = REQUIRED_COLUMNS - set(frame.columns)
    if missing:
        raise DataFileError(path, f"features lack the fields {sorted(missing)}")
    wrong_layer = set(frame.layer) - {layer_id}
    if wrong_layer:
        raise DataFileError(path, f"features say they belong to layers {sorted(wrong_layer)}, not {layer_id!r}")
    bad_precision = set(frame.precision) - set(PRECISION)
    if bad_precision:
        raise DataFileError(path, f"unknown precision classes {sorted(bad_precision)}; known: {sorted(PRECISION)}")
    if frame.id.duplicated().any():
        raise DataFileError(path, f"duplicate feature ids {sorted(frame.id[frame.id.duplicated()])}")
    # pyogrio hands JSON arrays of strings back as numpy arrays: plain lists are simpler for everyone after.
    frame["sources"] = [list(s) for s in frame.sources]
    return frame


def load_layers(data_dir: Path = DATA, layer_ids=LAYER_IDS) -> dict[str, gpd.GeoDataFrame]:
    """Every conflict layer by id, in WGS84."""
    return {layer_id: read_layer(layer_id, data_dir) for layer_id in layer_ids}


def load_base(data_dir: Path = DATA) -> dict[str, gpd.GeoDataFrame]:
    """The base map: countries, districts and town labels, in WGS84."""
    return {name: _read(base_path(name, data_dir)) for name in BASE_LAYER_FILES}
