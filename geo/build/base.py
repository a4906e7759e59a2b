"""Base layers from Natural Earth: countries, the NKAO of 1991, the 1994 line of contact and the districts.

Natural Earth's rayon layer is generalized (5-9 km between vertices) and mislabelled, and its NKAO lines do
not close. The defects are fixed here, each by a named step:
- `_label_districts`: rows are matched on `gn_name`, the one field that is right for every rayon (Laçın is
  labelled "Lankaran" in `name`; `gn_name` of Xocalı and of the Stepanakert city polygon are swapped).
- `nkao_polygon`: endpoints closer than 500 m are snapped together before polygonizing.
- `_partition_conflict_zone`: districts are cut at the NKAO boundary, and pieces that spill across it are
  given to the neighbour they share the longest edge with.
- `_fit_to_national_border`: districts are clipped to, and widened up to, the full-resolution border.
"""
from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import LineString, Polygon
from shapely.ops import linemerge, polygonize, split, unary_union

from geo.crs import LOCAL_METRIC, WGS84
from geo.errors import SourceChanged

REGION_BBOX = (43.0, 37.5, 50.5, 42.0)  # lon/lat window for the base map: Armenia, Azerbaijan and neighbours
SNAP_TOLERANCE_M = 500.0
SLIVER_NEIGHBOUR_M = 50.0


@dataclass(frozen=True)
class District:
    id: str
    gn_name: str  # the Natural Earth field that identifies the rayon reliably
    name_en: str
    name_az: str
    name_hy: str | None
    name_ru: str | None
    in_nkao: bool  # True for the NKAO's own districts, False for the seven around it
    official_km2: float | None
    official_source: str | None


# Natural Earth rows by gn_name. The NKAO's districts in Azerbaijan's post-1991 division are Shusha, Khojaly
# (the NKAO's Askeran district), Khojavend (Martuni and Hadrut) and Khankendi city; the NKAO's Martakert
# district was split between Tartar and Kalbajar in 1992, so it is rebuilt here as their part inside the NKAO.
DISTRICTS = (
    District("kalbajar", "Kalbacar Rayonu", "Kalbajar", "Kəlbəcər", "Քարվաճառ (Karvachar)", "Кельбаджарский район",
             False, 3054, "virtualkarabakh.az, Occupation in Figures (post-1992 boundaries, incl. western Mardakert)"),
    District("lachin", "Lacin Rayonu", "Lachin", "Laçın", "Քաշաթաղ (Kashatagh)", "Лачинский район",
             False, 1840, "virtualkarabakh.az, Occupation in Figures"),
    District("qubadli", "Qubadli Rayon", "Qubadli", "Qubadlı", None, "Кубатлинский район",
             False, 802, "virtualkarabakh.az, Occupation in Figures"),
    District("jabrayil", "Cabrayil Rayonu", "Jabrayil", "Cəbrayıl", None, "Джебраильский район",
             False, 1050, "virtualkarabakh.az, Occupation in Figures"),
    District("zangilan", "Zangilan Rayon", "Zangilan", "Zəngilan", None, "Зангеланский район",
             False, 707, "virtualkarabakh.az, Occupation in Figures"),
    District("agdam", "Aghdam Rayon", "Agdam", "Ağdam", "Աղդամ (Akna)", "Агдамский район",
             False, 1150, "virtualkarabakh.az, Occupation in Figures (post-1991 boundaries)"),
    District("fuzuli", "Fizuli Rayon", "Fuzuli", "Füzuli", None, "Физулинский район",
             False, 1390, "virtualkarabakh.az, Occupation in Figures"),
    District("shusha", "Susa Rayonu", "Shusha / Shushi", "Şuşa", "Շուշի", "Шушинский район",
             True, 289, "virtualkarabakh.az, Occupation in Figures"),
    District("khojaly", "Xankandi Sahari", "Khojaly / Askeran", "Xocalı", "Ասկերան (Askeran)", "Ходжалинский район",
             True, 1000, "en.wikipedia, Khojaly District (rounded)"),
    District("khankendi", "Xocali Rayonu", "Stepanakert / Khankendi (city)", "Xankəndi", "Ստեփանակերտ",
             "Степанакерт; Ханкенди", True, None, None),
    District("khojavend", "Xocavand Rayonu", "Khojavend / Martuni and Hadrut", "Xocavənd", "Մարտունի, Հադրութ",
             "Ходжавендский район", True, 1458, "news.az (2018)"),
    District("martakert", "Tartar Rayon", "Martakert / Aghdara (NKAO part)", "Ağdərə", "Մարտակերտ", "Мардакерт",
             True, None, None),
)
# Shusha city is a separate Natural Earth polygon; it belongs to the Shusha district.
EXTRA_PARTS = {"Susa Sahari": "shusha", "Kalbacar Rayonu": "martakert"}
# Natural Earth's NKAO part of these rayons is the former Martakert district (see above).
NKAO_PART_OWNER = {"Tartar Rayon": "martakert", "Kalbacar Rayonu": "martakert"}


def to_local(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return gdf.to_crs(LOCAL_METRIC)


def load_countries(admin0_zip, gpkg) -> gpd.GeoDataFrame:
    """Full-resolution admin-0 polygons of the region, in the local metric CRS."""
    countries = gpd.read_file(f"zip://{admin0_zip}", bbox=REGION_BBOX, engine="pyogrio")
    needed = {"ADM0_A3", "ADMIN"}
    if not needed <= set(countries.columns):
        raise SourceChanged(f"admin-0 countries lack fields {needed - set(countries.columns)}")
    countries = countries[["ADM0_A3", "ADMIN", "geometry"]].rename(columns={"ADM0_A3": "iso_a3", "ADMIN": "name_en"})
    for iso in ("AZE", "ARM", "IRN", "GEO", "TUR", "RUS"):
        if iso not in set(countries.iso_a3):
            raise SourceChanged(f"admin-0 countries: {iso} is missing in the region window")
    if countries.crs is None or not countries.crs.equals(WGS84):
        raise SourceChanged(f"admin-0 countries: expected WGS84, got {countries.crs}")
    # Only the region is drawn; clipping before reprojecting keeps far-off rings (Russia's) out of the LAEA.
    return to_local(countries.clip(shapely.box(*REGION_BBOX)))


def load_rayons(gpkg) -> gpd.GeoDataFrame:
    rayons = gpd.read_file(gpkg, layer="states_provinces", engine="pyogrio", where="iso_a2 = 'AZ'")
    expected = {d.gn_name for d in DISTRICTS} | set(EXTRA_PARTS)
    missing = expected - set(rayons.gn_name)
    if missing:
        raise SourceChanged(f"states_provinces: no AZ rows with gn_name {sorted(missing)}")
    # The defects this build fixes must still be there; if upstream fixed them, the fixes must be reviewed.
    lachin = rayons[rayons.gn_name == "Lacin Rayonu"].iloc[0]
    if lachin["name"] != "Lankaran":
        raise SourceChanged(f"states_provinces: the Laçın rayon is now named {lachin['name']!r}, not 'Lankaran'")
    swapped = rayons[rayons.gn_name == "Xocali Rayonu"].iloc[0]
    if swapped["name"] != "Stepanakert":
        raise SourceChanged("states_provinces: gn_name of Xocalı and Stepanakert are no longer swapped")
    return to_local(rayons)


def load_disputed_lines(gpkg, name: str) -> gpd.GeoSeries:
    lines = gpd.read_file(gpkg, layer="disputed_borders", engine="pyogrio")
    lines = lines[lines["name"] == name]
    if lines.empty:
        raise SourceChanged(f"disputed_borders: no rows named {name!r}")
    return to_local(lines).geometry


def _parts(geoms) -> list[LineString]:
    return [part for geom in geoms for part in shapely.get_parts(geom)]


def nkao_polygon(nkao_lines: gpd.GeoSeries, tolerance_m: float = SNAP_TOLERANCE_M) -> Polygon:
    """Close Natural Earth's 1991 oblast lines: snap endpoints within `tolerance_m`, then polygonize.

    The raw lines leave gaps of up to 244 m, so a plain polygonize gives nothing.
    """
    lines = _parts(nkao_lines)
    ends = np.array([c for line in lines for c in (line.coords[0], line.coords[-1])])
    # Each endpoint moves to the mean of all endpoints within the tolerance: gaps close, nothing else moves.
    snapped_ends = []
    for end in ends:
        near = ends[np.hypot(*(ends - end).T) <= tolerance_m]
        snapped_ends.append(near.mean(axis=0))
    closed = []
    for i, line in enumerate(lines):
        coords = np.array(line.coords)
        coords[0], coords[-1] = snapped_ends[2 * i], snapped_ends[2 * i + 1]
        closed.append(LineString(coords))
    polygons = list(polygonize(unary_union(closed)))
    if len(polygons) != 1:
        raise SourceChanged(f"NKAO lines polygonize into {len(polygons)} polygons after snapping, expected 1")
    return shapely.make_valid(polygons[0])


def contact_line(lines: gpd.GeoSeries) -> LineString:
    merged = linemerge(unary_union(_parts(lines)))
    if not isinstance(merged, LineString):
        raise SourceChanged(f"the 1994 line of contact no longer merges into one line ({merged.geom_type})")
    # Natural Earth draws it north to south; the build relies on that to tell the two sides apart.
    start, end = merged.coords[0], merged.coords[-1]
    return merged if start[1] > end[1] else LineString(merged.coords[::-1])


def extend_line(line: LineString, metres: float) -> LineString:
    """Prolong both ends along their last segment, so the line reaches the national border."""
    coords = np.array(line.coords)

    def prolong(tip, before):
        direction = (tip - before) / np.hypot(*(tip - before))
        return tip + direction * metres

    return LineString([prolong(coords[0], coords[1]), *coords, prolong(coords[-1], coords[-2])])


def _shared_edge(a, b) -> float:
    """Length of boundary `a` shares with `b`, tolerant of the gaps and overlaps of generalized data."""
    return a.boundary.intersection(b.buffer(SLIVER_NEIGHBOUR_M)).length


def _give_to_neighbours(pieces: list, owners: dict) -> dict:
    """Add each piece to the owner it shares the longest edge with; pieces touching no owner are dropped."""
    owners = dict(owners)
    for piece in sorted(pieces, key=lambda p: -p.area):
        edges = {key: _shared_edge(piece, geom) for key, geom in owners.items()}
        best = max(edges, key=lambda key: (edges[key], key))
        if edges[best] > 0:
            owners[best] = unary_union([owners[best], piece])
    return owners


def _polygon_parts(geom, min_area: float = 1.0):
    return [p for p in shapely.get_parts(geom) if p.area >= min_area]


def _label_districts(rayons: gpd.GeoDataFrame) -> dict[str, object]:
    by_gn = {row.gn_name: row.geometry for row in rayons.itertuples()}
    raw = {d.id: by_gn[d.gn_name] for d in DISTRICTS}
    raw["shusha"] = unary_union([raw["shusha"], by_gn["Susa Sahari"]])
    return raw


def _partition_conflict_zone(raw: dict, nkao: Polygon) -> dict[str, object]:
    """Cut every district at the NKAO boundary so that the districts tile the NKAO plus the seven around it."""
    inside_ids = [d.id for d in DISTRICTS if d.in_nkao]
    outside_ids = [d.id for d in DISTRICTS if not d.in_nkao]
    inside = {i: raw[i].intersection(nkao) for i in inside_ids if i != "martakert"}
    inside["martakert"] = unary_union([raw["martakert"], raw["kalbajar"]]).intersection(nkao)
    outside = {i: raw[i].difference(nkao) for i in outside_ids}
    # Spill of the NKAO's own districts beyond the NKAO (e.g. 84 km2 of Shusha, with Lachin town in it).
    spill = [p for i in inside_ids if i != "martakert" for p in _polygon_parts(raw[i].difference(nkao))]
    # Parts of the NKAO not covered by its districts (e.g. the 11% of Agdam's polygon that lies inside it).
    covered = unary_union(list(inside.values()))
    gaps = _polygon_parts(nkao.difference(covered))
    # Ties between overlapping outside districts: first listed keeps the overlap.
    taken = None
    for key in outside_ids:
        if taken is not None:
            outside[key] = outside[key].difference(taken)
        taken = outside[key] if taken is None else unary_union([taken, outside[key]])
    spill = [p for piece in spill for p in _polygon_parts(piece.difference(taken))]
    outside = _give_to_neighbours(spill, outside)
    inside = _give_to_neighbours(gaps, inside)
    return {**outside, **inside}


def _fit_to_national_border(districts: dict, azerbaijan, all_rayons) -> dict:
    """Clip the districts to the full-resolution border, and give them the slivers between it and the rayons."""
    fitted = {key: geom.intersection(azerbaijan) for key, geom in districts.items()}
    slivers = _polygon_parts(azerbaijan.difference(all_rayons), min_area=100.0)
    zone = unary_union(list(fitted.values())).buffer(SLIVER_NEIGHBOUR_M)
    near_zone = [s for s in slivers if s.intersects(zone)]
    return _give_to_neighbours(near_zone, fitted)


def armenian_settlements_inside(azerbaijan, settlements: gpd.GeoDataFrame):
    """Discs that move Armenian villages to Armenia's side where the 1:10m border puts them in Azerbaijan.

    GeoNames' coordinates are finer than the 1:10m border (e.g. Kornidzor lies 0.42 km inside it); a disc
    reaching 300 m past the border around each such village corrects the border locally.
    """
    inside = settlements[(settlements.countrycode == "AM") & settlements.within(azerbaijan)]
    discs = [pt.buffer(azerbaijan.exterior.distance(pt) + 300.0) if isinstance(azerbaijan, Polygon)
             else pt.buffer(azerbaijan.boundary.distance(pt) + 300.0) for pt in inside.geometry]
    return unary_union(discs) if discs else Polygon(), sorted(inside["name"])


def build_districts(rayons, nkao, azerbaijan) -> gpd.GeoDataFrame:
    raw = _label_districts(rayons)
    districts = _partition_conflict_zone(raw, nkao)
    all_rayons = unary_union(list(rayons.geometry))
    districts = _fit_to_national_border(districts, azerbaijan, all_rayons)
    rows = []
    for d in DISTRICTS:
        geom = shapely.make_valid(districts[d.id])
        geom = unary_union(_polygon_parts(geom, min_area=1000.0))
        rows.append({"id": f"district_{d.id}", "district": d.id, "name_en": d.name_en, "name_az": d.name_az,
                     "name_hy": d.name_hy, "name_ru": d.name_ru, "in_nkao": d.in_nkao,
                     "official_area_km2": d.official_km2, "official_area_source": d.official_source,
                     "geometry": geom})
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=LOCAL_METRIC)


def split_by_contact_line(zone, line: LineString):
    """Return (west, east) of the conflict zone along the 1994 line (west: the side Armenian forces held)."""
    pieces = list(shapely.get_parts(split(zone, extend_line(line, 5000.0))))
    if len(pieces) < 2:
        raise SourceChanged("the 1994 line of contact no longer splits the conflict zone in two")
    # A piece is on the west if its representative point lies west of the line at that latitude.
    def is_west(piece):
        probe = piece.representative_point()
        ray = LineString([probe, (probe.x + 400_000, probe.y)])
        return ray.intersects(line)

    west = unary_union([p for p in pieces if is_west(p)])
    east = unary_union([p for p in pieces if not is_west(p)])
    return west, east
