"""Each known defect of the source data (facts brief §5.3) is fixed in the committed layers."""
import pytest
import shapely

from geo.crs import LOCAL_METRIC


def district_of(base, point):
    hits = base["districts"][base["districts"].contains(point)]
    return list(hits.district)


def test_lachin_district_is_named_lachin_not_lankaran(base):
    names = set(base["districts"].name_en)
    assert "Lachin" in names and not any("Lankaran" in n for n in names)


def test_khojaly_and_stepanakert_are_not_swapped(base, places):
    districts = base["districts"].set_index("district")
    assert districts.loc["khankendi"].geometry.contains(places.loc["place_stepanakert"].geometry)
    assert districts.loc["khankendi"].area_km2 < 30  # the small city polygon, not the rayon
    for town in ("place_khojaly", "place_askeran"):
        assert districts.loc["khojaly"].geometry.contains(places.loc[town].geometry), town


@pytest.mark.parametrize("town, district", [
    ("place_lachin", "lachin"), ("place_jabrayil", "jabrayil"), ("place_shusha", "shusha"),
    ("place_kalbajar", "kalbajar"), ("place_agdam", "agdam"), ("place_fuzuli", "fuzuli"),
    ("place_zangilan", "zangilan"), ("place_qubadli", "qubadli"), ("place_martuni", "khojavend"),
    ("place_hadrut", "khojavend"), ("place_martakert", "martakert")])
def test_towns_fall_in_their_own_district(base, places, town, district):
    assert district_of(base, places.loc[town].geometry) == [district]


def test_kornidzor_is_in_armenia(base, places):
    kornidzor = places.loc["place_kornidzor"].geometry
    countries = base["countries"].set_index("id")
    assert countries.loc["ARM"].geometry.contains(kornidzor)
    assert not countries.loc["AZE"].geometry.contains(kornidzor)
    assert district_of(base, kornidzor) == []


def test_nkao_lines_are_closed_into_one_polygon(layers):
    nkao = layers["nkao_1991"].geometry.iloc[0]
    assert nkao.geom_type == "Polygon" and nkao.is_valid


def test_districts_do_not_spill_across_the_nkao_boundary(base, layers):
    nkao = layers["nkao_1991"].to_crs(LOCAL_METRIC).geometry.iloc[0]
    for row in base["districts"].to_crs(LOCAL_METRIC).itertuples():
        outside = row.geometry.difference(nkao).area / 1e6
        inside = row.geometry.intersection(nkao).area / 1e6
        spill = outside if row.in_nkao else inside
        assert spill < 0.05, (row.district, spill)  # km2: rounding only


def test_stepanakert_population_is_corrected(places):
    stepanakert = places.loc["place_stepanakert"]
    assert stepanakert.population == 49_986
    assert "2,100" in stepanakert.population_note


def test_districts_reach_the_full_resolution_border(base):
    """Along Azerbaijan's borders with Armenia and Iran, the districts run right up to the full-resolution line."""
    countries = base["countries"].to_crs(LOCAL_METRIC).set_index("id")
    districts = shapely.union_all(base["districts"].to_crs(LOCAL_METRIC).geometry.values)
    border = countries.loc["AZE"].geometry.boundary.intersection(
        shapely.union_all([countries.loc["ARM"].geometry, countries.loc["IRN"].geometry]).buffer(10))
    near = border.intersection(districts.buffer(2_000)).length
    on_edge = border.intersection(districts.buffer(50)).length
    assert near > 200_000  # from Kalbajar round to Zangilan and along the Araks
    # What is within 2 km but not on the edge is where the border leaves the zone at its two ends.
    assert on_edge / near > 0.97, (on_edge, near)
    # Both layers are rounded to 1e-5 degree on their own: a few hundredths of a km2 along 300 km is rounding.
    assert districts.difference(countries.loc["AZE"].geometry).area < 5e4
