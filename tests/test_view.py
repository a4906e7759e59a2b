"""The share link's query string is the view: it round-trips, and any mangled link still gives a valid view."""
import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from geo import view as view_mod
from geo.catalog import LAYER_IDS, TIMELINE_END, TIMELINE_START

CLAIM_IDS = frozenset(f"c{i:02d}" for i in range(1, 24))
LAT_MIN, LON_MIN, LAT_MAX, LON_MAX = view_mod.CENTER_BOUNDS


def rounded(low, high):
    return st.floats(low, high, allow_nan=False).map(lambda v: round(v, view_mod.COORD_DECIMALS)).filter(
        lambda v: low <= v <= high)


views = st.builds(
    view_mod.View,
    date=st.dates(TIMELINE_START, TIMELINE_END),
    layers=st.lists(st.sampled_from(LAYER_IDS), unique=True).map(tuple),
    lat=rounded(LAT_MIN, LAT_MAX),
    lon=rounded(LON_MIN, LON_MAX),
    zoom=st.integers(view_mod.MIN_ZOOM, view_mod.MAX_ZOOM),
    claim=st.none() | st.sampled_from(sorted(CLAIM_IDS)),
    point=st.none() | st.integers(1, 9),
    base=st.sampled_from(sorted(view_mod.BASE_MAPS)),
    lang=st.sampled_from(sorted(view_mod.LANGUAGES)),
)


# No deadline: the first example pays for imports, and these machines are noisy; speed is not tested here.
@settings(deadline=None)
@given(views)
def test_encoding_then_decoding_gives_the_same_view(view):
    params = view_mod.to_query(view)
    assert all(isinstance(v, str) for v in params.values())
    decoded, notices = view_mod.from_query(params, claim_ids=CLAIM_IDS)
    assert notices == []
    assert decoded == view


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["date", "layers", "lat", "lon", "zoom", "claim", "base", "lang", "other"]),
                       st.text(max_size=40) | st.lists(st.text(max_size=10), max_size=3)))
def test_any_mangled_link_gives_a_valid_view_and_a_notice_per_bad_parameter(params):
    decoded, notices = view_mod.from_query(params, claim_ids=CLAIM_IDS)
    assert TIMELINE_START <= decoded.date <= TIMELINE_END
    assert set(decoded.layers) <= set(LAYER_IDS)
    assert LAT_MIN <= decoded.lat <= LAT_MAX and LON_MIN <= decoded.lon <= LON_MAX
    assert view_mod.MIN_ZOOM <= decoded.zoom <= view_mod.MAX_ZOOM
    assert decoded.claim is None or decoded.claim in CLAIM_IDS
    assert decoded.base in view_mod.BASE_MAPS and decoded.lang in view_mod.LANGUAGES
    # Decoding what we encode is stable even when the input was not.
    assert view_mod.from_query(view_mod.to_query(decoded), claim_ids=CLAIM_IDS) == (decoded, [])


def test_missing_parameters_take_defaults_silently():
    assert view_mod.from_query({}) == (view_mod.DEFAULT, [])


def test_each_bad_parameter_is_named_with_what_is_shown_instead():
    decoded, notices = view_mod.from_query(
        {"date": "2020-02-30", "layers": "captured,moon", "lat": "95", "lon": "46", "zoom": "x", "claim": "c99",
         "base": "tiles", "lang": "tlh"}, claim_ids=CLAIM_IDS)
    assert decoded == view_mod.DEFAULT
    text = "\n".join(notices)
    for name in ("`date`", "`layers`", "`lat`/`lon`", "`zoom`", "`claim`", "`base`", "`lang`"):
        assert name in text
    assert "Showing 2020-11-24 instead" in text and "Showing English place names instead" in text
    assert len(notices) == 7


def test_the_place_names_language_is_part_of_the_link():
    view, notices = view_mod.from_query({"lang": "hy"})
    assert (view.lang, notices) == ("hy", [])
    assert view_mod.to_query(view)["lang"] == "hy" and view_mod.to_query(view_mod.DEFAULT)["lang"] == "en"
    # A long bad value is quoted cut short in the notice.
    _, notices = view_mod.from_query({"lang": "x" * 500})
    assert len(notices) == 1 and len(notices[0]) < 200


def test_fit_contains_the_bounds():
    lat, lon, zoom = view_mod.fit((46.5, 39.5, 46.8, 39.85), width_px=800, height_px=600)
    assert (lat, lon) == (39.675, 46.65)
    assert zoom == 10  # 0.3 degrees of longitude fit 800 px at zoom 10, not at 11
    assert view_mod.fit((46.0, 39.0, 47.5, 40.5))[2] < zoom
    assert view_mod.from_query({"date": dt.date(2020, 10, 1).isoformat()})[0].date == dt.date(2020, 10, 1)


def test_a_claim_s_view_has_its_day_and_layers_and_fits_its_features():
    import geopandas as gpd
    import pandas as pd
    from shapely.geometry import box

    layers = {"captured": gpd.GeoDataFrame({"id": ["a", "b"]}, geometry=[box(46.5, 39.5, 46.8, 39.85),
                                                                          box(45.0, 39.0, 45.1, 39.1)], crs=4326)}
    claim = pd.Series({"map_date": "2020-11-10", "layers": ["ceded"], "features": ["a"]}, name="c07")
    shown = view_mod.claim_view(view_mod.DEFAULT.replace(layers=("places",), place="x"), claim, layers)
    assert (shown.claim, shown.place, shown.date) == ("c07", None, dt.date(2020, 11, 10))
    assert set(shown.layers) == {"places", "ceded"}
    assert (shown.lat, shown.lon, shown.zoom) == view_mod.fit((46.5, 39.5, 46.8, 39.85), *view_mod.MAP_AREA_PX)
    # A claim about no feature keeps the view's centre.
    unplaced = pd.Series({"map_date": "2020-11-24", "layers": [], "features": []}, name="c01")
    kept = view_mod.claim_view(view_mod.DEFAULT, unplaced, layers)
    assert (kept.claim, kept.lat, kept.lon, kept.zoom) == ("c01", view_mod.DEFAULT.lat, view_mod.DEFAULT.lon,
                                                          view_mod.DEFAULT.zoom)


def test_a_point_s_view_keeps_its_day_switches_its_layers_on_and_fits_what_it_names():
    import geopandas as gpd
    from shapely.geometry import Point, box

    layers = {"ceded": gpd.GeoDataFrame({"id": ["ceded_a", "ceded_b"]}, geometry=[box(46.5, 39.5, 46.8, 39.85),
                                                                             box(45.0, 39.0, 45.1, 39.1)], crs=4326),
              "sites": gpd.GeoDataFrame({"id": ["centre"]}, geometry=[Point(46.9, 40.0)], crs=4326),
              "places": gpd.GeoDataFrame({"id": ["town"]}, geometry=[Point(47.5, 41.0)], crs=4326)}
    before = view_mod.DEFAULT.replace(date=dt.date(2022, 3, 1), layers=("places",), claim="c07")
    # A feature named by id: its layer switched on, the map fitted to it and nothing else of its layer.
    shown = view_mod.point_view(before, {"number": 5, "features": ["ceded_a", "centre"]}, layers)
    assert (shown.point, shown.claim, shown.place, shown.date) == (5, None, None, dt.date(2022, 3, 1))
    assert set(shown.layers) == {"places", "ceded", "sites"}
    assert (shown.lat, shown.lon, shown.zoom) == view_mod.fit((46.5, 39.5, 46.9, 40.0), *view_mod.MAP_AREA_PX)
    assert view_mod.point_features({"features": ["ceded_a", "centre", "sites"]}, layers) == ["ceded_a", "centre"]
    # A layer named whole, with none of its features named: switched on and fitted to the whole layer.
    whole = view_mod.point_view(before, {"number": 2, "features": ["ceded"]}, layers)
    assert (whole.lat, whole.lon, whole.zoom) == view_mod.fit((45.0, 39.0, 46.8, 39.85), *view_mod.MAP_AREA_PX)
    assert view_mod.point_features({"features": ["ceded"]}, layers) == []  # a whole layer is not marked
    # A point about nothing on the map keeps the view's centre.
    kept = view_mod.point_view(before, {"number": 8, "features": []}, layers)
    assert (kept.point, kept.lat, kept.lon, kept.zoom) == (8, before.lat, before.lon, before.zoom)


def test_a_point_in_a_link_is_one_of_the_nine():
    assert view_mod.from_query({"point": "6"})[0].point == 6
    assert view_mod.to_query(view_mod.DEFAULT.replace(point=6))["point"] == "6"
    assert "point" not in view_mod.to_query(view_mod.DEFAULT)
    for bad in ("10", "0", "-1", "6.0", "٦", "six"):
        view, notices = view_mod.from_query({"point": bad})
        assert view.point is None and notices and "`point`" in notices[0], bad


MAP_PARAMETERS = ("date", "layers", "lat", "lon", "zoom", "claim", "base", "lang", "place", "point")


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(st.sampled_from([*MAP_PARAMETERS, "utm_source"]),
                       st.text(max_size=30) | st.sampled_from(["2020-11-10", "captured,places", "39.8", "46.7",
                                                               "11", "c05", "osm", "hy", "none", " "])))
def test_the_decoder_never_raises_and_reports_every_parameter_it_drops(params):
    """Whatever a link holds: a valid view, and each parameter present is either used (decoding it alone gives
    the same value) or named in a notice and left at its default."""
    view, refused = view_mod.parse_query(params, claim_ids=CLAIM_IDS, place_ids={"x"})
    centre = {"lat", "lon"} if {"lat", "lon"} & set(params) else set()  # a centre is one value: both go
    assert set(refused) <= set(params) | centre
    # A parameter that is not a view's is left out, and named.
    assert {key for key in params if key not in MAP_PARAMETERS} <= set(refused)
    for key in set(params) - set(MAP_PARAMETERS):
        assert f"`{key}`" in refused[key]
    for key in set(params) & set(MAP_PARAMETERS) - {"lat", "lon"}:
        field = "place" if key == "place" else key
        if key in refused:
            assert getattr(view, field) == getattr(view_mod.DEFAULT, field), key
            assert f"`{key}`" in refused[key] and len(refused[key]) < 400  # named, and the bad value cut short
        else:
            alone, nothing = view_mod.parse_query({key: params[key]}, claim_ids=CLAIM_IDS, place_ids={"x"})
            assert nothing == {} and getattr(alone, field) == getattr(view, field), key
            # Used means taken as given, not swapped for a default without a word.
            given = params[key].strip()
            if key in ("base", "lang", "claim", "place"):
                assert getattr(view, field) == (given or None if key in ("claim", "place") else given), key
            elif key in ("zoom", "point"):
                assert getattr(view, key) == (int(given) if given else None), key
            elif key == "date":
                assert view.date.isoformat() == given
    if {"lat", "lon"} & set(params) and "lat" not in refused:  # a centre is both, or neither
        assert (view.lat, view.lon) == (round(float(params["lat"]), view_mod.COORD_DECIMALS),
                                        round(float(params["lon"]), view_mod.COORD_DECIMALS))


def test_a_parameter_that_is_not_the_views_is_named_and_left_out():
    view, notices = view_mod.from_query({"date": "2020-11-10", "fbclid": "x", "dat": "2020-11-09",
                                         "embed": "true", "embed_options": "dark_theme"})
    assert view == view_mod.DEFAULT.replace(date=dt.date(2020, 11, 10))
    assert notices == ["The link also had parameters the map does not read, left out: `fbclid`, `dat`."]
    # Many, and long names: five named, each cut short, and a count of the rest.
    _, notices = view_mod.from_query({f"{'p' * 40}{i}": "" for i in range(8)})
    assert notices == [f"The link also had parameters the map does not read, left out: {', '.join(['`' + 'p' * 24 + '`'] * 5)} and 3 more."]
    assert view_mod.not_a_view_parameter("fbclid") and not view_mod.not_a_view_parameter("embed")
    assert not any(view_mod.not_a_view_parameter(key) for key in view_mod.PARAMETERS)


def test_a_huge_value_is_quoted_cut_short():
    for key in MAP_PARAMETERS:
        _, notices = view_mod.from_query({key: "<b>x" * 25_000}, claim_ids=CLAIM_IDS, place_ids={"x"})
        assert len(notices) == 1 and len(notices[0]) < 300, key  # one notice, short, whatever the value


def test_the_map_writes_the_same_parameters_the_decoder_reads():
    """The address is written in the browser (static/kcm/map-component.js) and read here: one list each side."""
    import json
    import re
    from geo import paths
    script = (paths.ROOT / "static" / "kcm" / "map-component.js").read_text(encoding="utf-8")

    def array(name):
        return tuple(json.loads(re.search(rf"var {name} = (\[[^\]]*\]);", script).group(1)))

    assert array("FIELDS") == view_mod.PARAMETERS
    assert array("FRAME_FIELDS") == view_mod.FRAME_PARAMETERS
