"""The land nearest each settlement: Voronoi cells of the located settlements, clipped to the area held on 26 Sep.

Each district's part west of the 1994 line is cut into the cells of the settlements whose points lie in it
(shapely's voronoi_polygons), so that the cells partition the held area: no overlaps, no gaps. A settlement's
cell takes its status on each day. The cells are approximate by construction (they say which land is nearest
to which village, not where a front ran) and are drawn as such.

A point is filed under the district polygon that contains it, which is not always its gazetteer district:
Natural Earth's district edges are coarse (vertices 1-9 km apart) and a few villages fall a km or two across
them. Points on the Azerbaijani side of Natural Earth's 1994 line get no cell; two settlements at the same
point share the first one's cell.
"""
from __future__ import annotations

import geopandas as gpd
import shapely
from shapely.ops import unary_union

from geo.crs import LOCAL_METRIC
from geo.errors import SourceChanged

# Districts drawn settlement by settlement; the three handed over under the statement stay whole.
CELL_DISTRICTS = ("jabrayil", "fuzuli", "zangilan", "qubadli", "khojavend", "khojaly", "khankendi", "shusha",
                  "martakert")
MIN_PART_M2 = 1.0


def held_parts(districts: gpd.GeoDataFrame, held) -> dict[str, object]:
    """Each cell district's part of the area held on 26 Sep, in the districts' (metric) CRS."""
    by_id = districts.set_index("district").geometry
    parts = {d: shapely.make_valid(by_id[d].intersection(held)) for d in CELL_DISTRICTS}
    return {d: shapely.union_all([p for p in shapely.get_parts(g) if p.area > MIN_PART_M2 and
                                  p.geom_type == "Polygon"]) for d, g in parts.items()}


def build_cells(points: gpd.GeoDataFrame, parts: dict[str, object]) -> gpd.GeoDataFrame:
    """One cell per generating settlement: columns id (the settlement's), district (the polygon's), geometry.

    `points` has columns id and geometry (in the metric CRS), in the order that decides which of two
    settlements at the same point gets the cell. Returns also the settlements left without a cell and why,
    as `frame.attrs["uncelled"]` ({id: reason}).
    """
    if points.crs is None or not points.crs.equals(LOCAL_METRIC):
        raise ValueError("build_cells: points must be in the local metric CRS")
    uncelled: dict[str, str] = {}
    seen: dict[tuple, str] = {}
    rows = []
    for district, area in parts.items():
        inside = points[points.within(area)]
        generators = []
        for row in inside.itertuples():
            key = (round(row.geometry.x), round(row.geometry.y))
            if key in seen:
                uncelled[row.id] = f"shares its point with {seen[key]}"
                continue
            seen[key] = row.id
            generators.append(row)
        if not generators:
            raise SourceChanged(f"no located settlement in the held part of {district}: its land would have no cell")
        if len(generators) == 1:
            rows.append({"id": generators[0].id, "district": district, "geometry": area})
            continue
        multipoint = shapely.MultiPoint([g.geometry for g in generators])
        regions = shapely.voronoi_polygons(multipoint, extend_to=area.envelope.buffer(10_000), ordered=True)
        for generator, region in zip(generators, shapely.get_parts(regions)):
            if not region.contains(generator.geometry):
                raise SourceChanged(f"voronoi region out of order at {generator.id}")
            cell = shapely.make_valid(region.intersection(area))
            cell = shapely.union_all([p for p in shapely.get_parts(cell) if p.geom_type == "Polygon"])
            rows.append({"id": generator.id, "district": district, "geometry": cell})
    celled = {r["id"] for r in rows}
    for row in points.itertuples():
        if row.id not in celled and row.id not in uncelled:
            uncelled[row.id] = "its point lies outside the area held on 26 Sep as Natural Earth's lines draw it"
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=LOCAL_METRIC)
    frame.attrs["uncelled"] = uncelled
    return frame


def check_partition(cells: gpd.GeoDataFrame, parts: dict[str, object], tolerance_m2: float = 1000.0) -> None:
    """The cells cover the held area exactly: their areas add up to it and no two overlap."""
    total = sum(p.area for p in parts.values())
    covered = cells.geometry.area.sum()
    union = unary_union(list(cells.geometry)).area
    if abs(covered - total) > tolerance_m2 or abs(union - total) > tolerance_m2:
        raise SourceChanged(f"cells cover {covered / 1e6:.3f} km2 (union {union / 1e6:.3f}) of a held area of "
                            f"{total / 1e6:.3f} km2")
