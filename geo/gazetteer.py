"""Find places by any of their names: Stepanakert = Khankendi = Ստեփանակերտ, Lachin = Berdzor = Laçın."""
from __future__ import annotations

import re
import unicodedata

import geopandas as gpd

MIN_NAME_LENGTH = 4  # shorter alternate names ("EVN", "Baki") match ordinary words too often


def fold(text: str) -> str:
    """Case- and accent-insensitive form: 'Laçın' = 'Lacin', 'Xocavənd' = 'xocavend', 'Şuşa' = 'susa'.

    The map's search box folds the same way (fold() in static/kcm/timeline-map.js)."""
    decomposed = unicodedata.normalize("NFKD", str(text).casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return plain.replace("ı", "i").replace("ə", "e").replace("ʼ", "'").strip()


def name_index(places: gpd.GeoDataFrame) -> dict[str, str]:
    """Every folded name form to its place id; a form two places share is left out as ambiguous."""
    owners: dict[str, set[str]] = {}
    for place_id, names in zip(places.id, places.search_names):
        for name in names:
            if len(name) >= MIN_NAME_LENGTH:
                owners.setdefault(fold(name), set()).add(place_id)
    return {name: next(iter(ids)) for name, ids in owners.items() if len(ids) == 1}


def resolve(name: str, places: gpd.GeoDataFrame) -> str | None:
    """The place id for one name form, or None."""
    return name_index(places).get(fold(name.strip()))


def places_named_in(text: str, places: gpd.GeoDataFrame) -> list[str]:
    """Ids of the places whose names occur in `text` as whole words, in order of first mention."""
    folded = fold(text)
    found: dict[str, int] = {}
    for name, place_id in name_index(places).items():
        match = re.search(rf"(?<!\w){re.escape(name)}(?!\w)", folded)
        if match and (place_id not in found or match.start() < found[place_id]):
            found[place_id] = match.start()
    return sorted(found, key=found.get)
