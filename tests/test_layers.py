"""The committed layers: valid, in WGS84, traceable, and close to the official figures."""
import geopandas as gpd
import pytest
import shapely

from geo.catalog import LAYER_IDS, PRECISION
from geo.crs import EQUAL_AREA, LOCAL_METRIC, WGS84
from geo import areas, settlements
from geo.build import curated

# Official areas (facts brief §3, §5.1) and how far Natural Earth's generalized lines may take us from them.
HELD_TOTAL_KM2 = 11_926  # the brief's own cut of the NE outline along the 1994 line
NKAO_OFFICIAL_KM2 = 4_388
DISTRICT_TOLERANCE_PCT = 20  # the brief measures -18% (Jabrayil) to +25% (Shusha) on the raw NE polygons


def km2(geom_or_frame):
    series = geom_or_frame.geometry if hasattr(geom_or_frame, "geometry") else gpd.GeoSeries([geom_or_frame], crs=WGS84)
    return float(series.to_crs(EQUAL_AREA).area.sum()) / 1e6


def test_every_layer_loads_valid_and_in_wgs84(layers):
    assert set(layers) == set(LAYER_IDS)
    for layer_id, frame in layers.items():
        assert frame.crs.equals(WGS84), layer_id
        assert frame.geometry.is_valid.all() and not frame.geometry.is_empty.any(), layer_id
        assert len(frame) > 0, layer_id


def test_every_feature_carries_sources_precision_names_and_timeline(layers):
    sources = settlements.load().sources
    for frame in layers.values():
        for row in frame.itertuples():
            # Sources are ids of data/curated/sources.csv, each a public page with its address.
            assert row.sources and all(s in sources.index for s in row.sources), row.id
            assert all(sources.loc[s, "url"].startswith(("http://", "https://")) for s in row.sources), row.id
            assert row.precision in PRECISION, row.id
            assert row.name_en, row.id
            assert row.timeline and all({"date", "status", "controller", "sources"} <= set(c) for c in row.timeline)
            assert all(s in sources.index for c in row.timeline for s in c["sources"]), row.id


def test_places_have_every_name_form_they_are_known_by(places):
    stepanakert = places.loc["place_stepanakert"]
    assert "Stepanakert" in stepanakert.name_en and "Khankendi" in stepanakert.name_en
    assert stepanakert.name_az == "Xankəndi" and stepanakert.name_hy == "Ստեփանակերտ"
    assert "Степанакерт" in stepanakert.name_ru and "Ханкенди" in stepanakert.name_ru
    assert places.loc["place_lachin"].name_hy == "Բերձոր"
    for place in places.itertuples():
        if place.country == "AZ" and place.Index not in ("place_baku", "place_nakhchivan", "place_ordubad",
                                                          "place_horadiz"):
            assert place.name_az and place.name_ru, place.Index


def test_nkao_area_is_close_to_the_official_figure(layers):
    area = km2(layers["nkao_1991"])
    assert area == pytest.approx(4_281.8, abs=1.0)  # the brief's own snap-and-polygonize result
    assert abs(area - NKAO_OFFICIAL_KM2) / NKAO_OFFICIAL_KM2 < 0.03  # -2.4%, written down in SOURCES.md


def test_district_areas_within_tolerance_and_deviation_recorded(base):
    districts = base["districts"]
    measured = districts.to_crs(EQUAL_AREA).area / 1e6
    for row, area in zip(districts.itertuples(), measured):
        assert row.area_km2 == pytest.approx(area, abs=0.2)
        if row.official_area_km2 == row.official_area_km2 and row.official_area_km2 is not None:
            if row.district == "kalbajar":
                # Official 3,054 km2 includes western Mardakert, which this layer gives back to the NKAO.
                assert area < row.official_area_km2
                continue
            deviation = 100 * (area - row.official_area_km2) / row.official_area_km2
            assert abs(deviation) < DISTRICT_TOLERANCE_PCT, row.district
            assert row.area_deviation_pct == pytest.approx(deviation, abs=0.2)


def test_districts_tile_the_conflict_zone_without_overlaps(base):
    districts = base["districts"].to_crs(LOCAL_METRIC)
    total = districts.area.sum()
    union = shapely.union_all(districts.geometry.values)
    assert union.area == pytest.approx(total, rel=1e-4)


def test_held_area_and_shares_match_the_estimates(layers, base):
    held = km2(layers["armenian_held_1994"])
    assert held == pytest.approx(HELD_TOTAL_KM2, rel=0.01)
    parts = areas.pieces(layers, base["cells"])
    assert parts.km2.sum() == pytest.approx(held, abs=0.5)  # the pieces partition the held area
    on_10_nov, on_1_dec = areas.areas_on(parts, "2020-11-10"), areas.areas_on(parts, "2020-12-01")
    fighting = sum(on_10_nov["share_pct"][g] for g in ("contested", "unknown", "announced", "confirmed"))
    # Mikaelyan (Caucasian Knot, 21 Nov 2020): 32.5% taken in the fighting, 39.85% by the agreement, 27.7% left.
    # Ours are measured on nearest-settlement cells, so a few points off (see the closing note of issue 8).
    assert fighting == pytest.approx(32.5, abs=4)
    assert on_1_dec["share_pct"]["handed_over"] == pytest.approx(39.85, abs=3)
    assert on_1_dec["share_pct"]["armenian"] == pytest.approx(27.7, abs=4)
    assert 100 * km2(layers["peacekeeping_zone"]) / held == pytest.approx(27.7, abs=3)


def test_corridor_is_five_km_wide_measured_in_metres(layers):
    corridor = layers["lachin_corridor"].to_crs(LOCAL_METRIC).geometry.iloc[0]
    road = gpd.GeoSeries([shapely.LineString(curated.CORRIDOR_ROAD)], crs=WGS84).to_crs(LOCAL_METRIC).iloc[0]
    widths = []
    for fraction in (0.1, 0.2, 0.3, 0.45, 0.6):  # along the Stepanakert - Lachin stretch, away from the bends
        point = road.interpolate(fraction, normalized=True)
        ahead = road.interpolate(fraction + 0.001, normalized=True)
        dx, dy = ahead.x - point.x, ahead.y - point.y
        norm = (dx * dx + dy * dy) ** 0.5
        across = shapely.LineString([(point.x - dy / norm * 10_000, point.y + dx / norm * 10_000),
                                     (point.x + dy / norm * 10_000, point.y - dx / norm * 10_000)])
        widths.append(across.intersection(corridor).length)
    for width in widths:
        assert 4_500 <= width <= 5_500, widths


def test_corridor_does_not_touch_shusha_town(layers, places):
    corridor = layers["lachin_corridor"].to_crs(LOCAL_METRIC).geometry.iloc[0]
    shusha = places.to_crs(LOCAL_METRIC).loc["place_shusha"].geometry
    assert corridor.distance(shusha) > 500


def test_ceded_lachin_leaves_the_corridor_out(layers):
    ceded = layers["ceded"].set_index("id").to_crs(LOCAL_METRIC)
    corridor = layers["lachin_corridor"].to_crs(LOCAL_METRIC).geometry.iloc[0]
    assert ceded.loc["ceded_lachin"].geometry.intersection(corridor).area < 1e4  # under 0.01 km2 of rounding


def test_peacekeeping_zone_carries_the_contingent_figures(layers):
    figures = layers["peacekeeping_zone"].figures.iloc[0]
    assert figures["troops"] == 1960
    assert figures["armoured_personnel_carriers"] == 90
    assert figures["vehicles_and_special_equipment"] == 380
    assert figures["term_years"] == 5 and "automatic" in figures["renewal"]


def test_approximate_features_are_marked_as_such(layers):
    precision = {row.id: row.precision for frame in layers.values() for row in frame.itertuples()}
    for feature in ("captured_hadrut-khojavend", "peacekeeping_zone", "lachin_corridor", "nakhchivan_link",
                    "new_corridor_route", "held_nkao"):
        assert precision[feature] == "approximate", feature
    assert precision["nkao_1991"] == "exact_admin"
