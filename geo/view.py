"""The view's state, which is the share link's query string: encode, decode, and fall back with a reason.

A parameter that is missing takes its default silently; one that is present but unusable takes its default
and yields a notice saying which parameter, what was wrong and what is shown instead.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import math
from typing import Mapping

from geo.catalog import ARTICLE_DATE, LAYERS, LAYER_IDS
from geo.errors import InvalidInput
from geo.state import parse_date, parse_layers

BASE_MAPS = {
    "none": "Offline: the project's own base layer",
    "osm": "OpenStreetMap (online only)",
    "carto": "CARTO light (online only)",
    "satellite": "Esri World Imagery (online only)",
}
# The languages of the place names on the map and in its popups (every place has up to four forms; the
# interface itself stays English). Each is named in English and in itself.
LANGUAGES = {
    "en": "English",
    "az": "Azerbaijani (Azərbaycan dili)",
    "hy": "Armenian (Հայերեն)",
    "ru": "Russian (Русский)",
}
DEFAULT_CENTER = (39.65, 46.70)
DEFAULT_ZOOM = 9
MIN_ZOOM, MAX_ZOOM = 5, 16
# The map's area of interest: a centre outside it is a mangled link, not a view anyone shares.
CENTER_BOUNDS = (36.0, 42.0, 42.0, 52.0)  # lat_min, lon_min, lat_max, lon_max
COORD_DECIMALS = 4  # about 10 m: finer than any view needs, short links
# The map page's free area when it is fitted to something: its width less the legend, its height less the
# time bar (app_pages/map.py MAP_HEIGHT).
MAP_AREA_PX = (520, 500)
# The parameters of a view's link, in the order the link writes them (static/kcm/map-component.js FIELDS).
PARAMETERS = ("date", "layers", "lat", "lon", "zoom", "base", "claim", "place", "point", "lang")
STATEMENT_POINTS = range(1, 10)  # the ceasefire statement's nine points (geo.statement checks the ledger has them)
# Streamlit's own: they say how the page is framed, so they stay in the address and are not the view's.
FRAME_PARAMETERS = ("embed", "embed_options")


@dataclasses.dataclass(frozen=True)
class View:
    date: dt.date = ARTICLE_DATE
    layers: tuple[str, ...] = tuple(layer.id for layer in LAYERS if layer.default_on)
    lat: float = DEFAULT_CENTER[0]
    lon: float = DEFAULT_CENTER[1]
    zoom: int = DEFAULT_ZOOM
    claim: str | None = None
    base: str = "none"
    place: str | None = None  # a settlement found by the search box, shown selected
    lang: str = "en"  # the language of the place names on the map (LANGUAGES)
    point: int | None = None  # a point of the statement (geo.statement), its features shown selected

    def replace(self, **changes) -> "View":
        return dataclasses.replace(self, **changes)


DEFAULT = View()


def to_query(view: View) -> dict[str, str]:
    """The query-string parameters for a view (every one written, so a link never depends on defaults)."""
    params = {
        "date": view.date.isoformat(),
        "layers": ",".join(view.layers) if view.layers else "none",
        "lat": f"{round(view.lat, COORD_DECIMALS):.{COORD_DECIMALS}f}",
        "lon": f"{round(view.lon, COORD_DECIMALS):.{COORD_DECIMALS}f}",
        "zoom": str(view.zoom),
        "base": view.base,
        "lang": view.lang,
    }
    if view.claim:
        params["claim"] = view.claim
    if view.place:
        params["place"] = view.place
    if view.point:
        params["point"] = str(view.point)
    return params


def _one(value):
    """st.query_params gives the last value of a repeated key; plain dicts may give lists."""
    if isinstance(value, (list, tuple)):
        return value[-1] if value else ""
    return value


def _coordinate(text, low, high, name) -> float:
    try:
        value = float(text)
    except (TypeError, ValueError):
        raise InvalidInput(f"{name} {text!r} is not a number") from None
    if not math.isfinite(value) or not low <= value <= high:
        raise InvalidInput(f"{name} {text!r} is outside the map's area ({low} to {high})")
    return round(value, COORD_DECIMALS)


NOTICE_CHARS = 160  # of what was wrong with a parameter: a notice quotes a bad value cut short, never whole


def _cut(reason) -> str:
    text = str(reason)
    return text if len(text) <= NOTICE_CHARS else text[:NOTICE_CHARS] + "…"


def from_query(params: Mapping, claim_ids=None, place_ids=None) -> tuple[View, list[str]]:
    """A view from query parameters, and a notice for each parameter that was present but unusable."""
    view, refused = parse_query(params, claim_ids, place_ids)
    return view, list(dict.fromkeys(refused.values()))


def parse_query(params: Mapping, claim_ids=None, place_ids=None) -> tuple[View, dict[str, str]]:
    """A view from query parameters, and {parameter: notice} for each one present but unusable, and for each
    one that is not a view's (Streamlit's own framing parameters aside)."""
    params = {key: _one(value) for key, value in params.items()}
    refused: dict[str, str] = {}
    fields: dict = {}

    def take(key, parse, shown):
        if key not in params:
            return
        try:
            fields[key] = parse(params[key])
        except InvalidInput as exc:
            refused[key] = f"Link parameter `{key}`: {_cut(exc)}. Showing {shown} instead."

    take("date", parse_date, DEFAULT.date.isoformat())
    take("layers", lambda t: () if t.strip() == "none" else parse_layers(t), "the default layers")
    lat_min, lon_min, lat_max, lon_max = CENTER_BOUNDS
    if "lat" in params or "lon" in params:
        try:
            fields["lat"] = _coordinate(params.get("lat"), lat_min, lat_max, "latitude")
            fields["lon"] = _coordinate(params.get("lon"), lon_min, lon_max, "longitude")
        except InvalidInput as exc:
            fields.pop("lat", None)
            refused["lat"] = refused["lon"] = f"Link parameters `lat`/`lon`: {_cut(exc)}. Showing the default centre instead."

    def zoom(text):
        try:
            value = int(text)
        except (TypeError, ValueError):
            raise InvalidInput(f"{text!r} is not a whole number") from None
        if not MIN_ZOOM <= value <= MAX_ZOOM:
            raise InvalidInput(f"{value} is outside {MIN_ZOOM} to {MAX_ZOOM}")
        return value

    take("zoom", zoom, f"zoom {DEFAULT.zoom}")

    def one_of(known, what):
        """An id that must be one of `known` (when given): a claim, a place on the map."""
        def parse(text):
            text = text.strip()
            if known is not None and text not in known:
                raise InvalidInput(f"there is no {what} {text[:60]!r}")
            return text or None
        return parse

    take("claim", one_of(claim_ids, "claim"), "no selected claim")
    take("place", one_of(place_ids, "place on the map"), "no selected place")

    def point(text):
        text = text.strip()
        if not text:
            return None
        if not text.isascii() or not text.isdigit() or int(text) not in STATEMENT_POINTS:
            raise InvalidInput(f"{text[:20]!r} is not a point of the statement (1 to {STATEMENT_POINTS[-1]})")
        return int(text)

    take("point", point, "no selected point")

    def base(text):
        if text not in BASE_MAPS:
            raise InvalidInput(f"{text!r} is not a base map; use one of {', '.join(BASE_MAPS)}")
        return text

    take("base", base, "the offline base map")

    def language(text):
        if text not in LANGUAGES:
            raise InvalidInput(f"{text[:20]!r} is not a language of the place names; use one of {', '.join(LANGUAGES)}")
        return text

    take("lang", language, "English place names")

    unread = [key for key in params if not_a_view_parameter(key)]
    if unread:  # a tracker's tag, a typo, another page's filter: left out of the address, and said so
        refused.update(dict.fromkeys(unread, unread_notice(unread)))
    return DEFAULT.replace(**fields), refused


def unread_notice(keys, reader: str = "the map") -> str:
    """What a page says of a link's parameters it does not read: their names (at most five, each cut short)."""
    keys = list(keys)
    names = ", ".join(f"`{key[:24]}`" for key in keys[:5]) + (f" and {len(keys) - 5} more" * (len(keys) > 5))
    return f"The link also had parameters {reader} does not read, left out: {names}."


def not_a_view_parameter(key: str) -> bool:
    """A parameter that parse_query leaves out for not being one of a view's (rather than for its value)."""
    return key not in PARAMETERS and key not in FRAME_PARAMETERS


def fit(bounds, width_px: int = 800, height_px: int = 600) -> tuple[float, float, int]:
    """Centre and the largest zoom at which `bounds` (lon_min, lat_min, lon_max, lat_max) fit a map this size."""
    lon_min, lat_min, lon_max, lat_max = bounds

    def mercator_y(lat):
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    lon_span = max(lon_max - lon_min, 1e-6) / 360
    lat_span = max(mercator_y(lat_max) - mercator_y(lat_min), 1e-6) / (2 * math.pi)
    zoom = math.floor(min(math.log2(width_px / 256 / lon_span), math.log2(height_px / 256 / lat_span)))
    zoom = max(MIN_ZOOM, min(MAX_ZOOM - 4, zoom))
    return round((lat_min + lat_max) / 2, COORD_DECIMALS), round((lon_min + lon_max) / 2, COORD_DECIMALS), zoom


def claim_view(view: View, claim, layers: Mapping) -> View:
    """The view that shows a claim (a row of geo.claims.load_claims()): its date, its layers switched on beside
    the view's, nothing else selected, the map fitted to its features (found in `layers`, by id) when it has
    any; otherwise the view keeps its centre. A row taken by id from a frame indexed by id has it as its name."""
    claim_id = getattr(claim, "id", None) or claim.name
    layers_on = tuple(layer.id for layer in LAYERS if layer.id in view.layers or layer.id in claim.layers)
    chosen = view.replace(claim=claim_id, place=None, point=None, date=parse_date(claim.map_date), layers=layers_on)
    return _fitted(chosen, [frame[frame.id.isin(claim.features)] for frame in layers.values()])


def point_view(view: View, point: Mapping, layers: Mapping) -> View:
    """The view that shows a point of the statement (geo.statement's point, whose `features` name map layers
    and features by id) on the view's day: its layers switched on beside the view's, nothing else selected,
    the map fitted to the features it names, and to the whole of each layer it names none of."""
    names = set(point["features"])
    wanted, fitted_to = names & set(LAYER_IDS), []
    for layer_id, frame in layers.items():
        named = frame[frame.id.isin(names)]
        if len(named) or layer_id in names:
            wanted.add(layer_id)
            fitted_to.append(named if len(named) else frame)
    layers_on = tuple(layer.id for layer in LAYERS if layer.id in view.layers or layer.id in wanted)
    return _fitted(view.replace(point=point["number"], claim=None, place=None, layers=layers_on), fitted_to)


def point_features(point: Mapping, layers: Mapping) -> list[str]:
    """The features a point of the statement names by id (not the layers it names whole): shown selected."""
    return [fid for frame in layers.values() for fid in frame.id[frame.id.isin(point["features"])]]


def _fitted(view: View, frames) -> View:
    """The view centred and zoomed on the frames' features, or unchanged when they have none."""
    bounds = [frame.total_bounds for frame in frames if len(frame)]
    bounds = [b for b in bounds if all(math.isfinite(v) for v in b)]  # an empty geometry's bounds are NaN
    if not bounds:
        return view
    lat, lon, zoom = fit((min(b[0] for b in bounds), min(b[1] for b in bounds),
                          max(b[2] for b in bounds), max(b[3] for b in bounds)), *MAP_AREA_PX)
    return view.replace(lat=lat, lon=lon, zoom=zoom)


__all__ = ["View", "DEFAULT", "BASE_MAPS", "LANGUAGES", "to_query", "from_query", "parse_query", "fit", "claim_view", "point_view", "point_features",
           "LAYER_IDS"]
