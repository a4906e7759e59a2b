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
