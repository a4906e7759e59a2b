"""The pages, run headless with Streamlit's AppTest: the query string drives what each page shows."""
import pytest
from streamlit.testing.v1 import AppTest

from geo.catalog import LAYERS_BY_ID

from geo.paths import ROOT

APP = str(ROOT / "app.py")


def run_app(page="map", **params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if page != "map":
        at.switch_page(f"app_pages/{page}.py")
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def table_with(at, column):
    """The page's dataframe that has `column` (AppTest does not expose dataframe keys)."""
    tables = [d.value for d in at.dataframe if column in d.value.columns]
    assert len(tables) == 1, f"expected one table with a {column!r} column"
    return tables[0]


def day_shown(at) -> str:
    """The day the page says it shows, in bold above the map."""
    days = [m.value for m in at.markdown if m.value.startswith("**") and " 2020**" in m.value]
    assert len(days) == 1, "expected one day heading"
    return days[0].split("**")[1]


def shown_features(at) -> set:
    at.toggle(key="show_table").set_value(True).run()
    table = table_with(at, "Feature")
    # Settlements show every day; what changes is the land they govern (the "captured" layer) and the rest.
    return set(table[table.Layer != LAYERS_BY_ID["settlements"].title]["Feature"])


def test_a_date_in_the_query_string_gives_that_days_features():
    before = shown_features(run_app(date="2020-10-03"))
    after = shown_features(run_app(date="2020-10-05"))
    assert "Jabrayil (city)" in after - before  # its cell, taken on 4 Oct
    assert "Russian peacekeeping zone" not in after
    ceasefire = shown_features(run_app(date="2020-11-10"))
    assert {"Russian peacekeeping zone", "Lachin corridor", "Shusha"} <= ceasefire


def test_the_view_is_written_back_to_the_query_string():
    at = run_app(date="2020-10-20", layers="captured,places")
    assert at.query_params["date"] == ["2020-10-20"] or at.query_params["date"] == "2020-10-20"
    assert day_shown(at) == "Tuesday 20 October 2020"
    assert at.checkbox(key="layer_captured").value and not at.checkbox(key="layer_ceded").value
    params = {k: (v[-1] if isinstance(v, list) else v) for k, v in at.query_params.items()}
    assert params["layers"] == "captured,places" and params["zoom"] == "9" and params["base"] == "none"


def test_invalid_parameters_give_a_notice_and_the_defaults():
    at = run_app(date="2020-13-45", zoom="abc", layers="captured,moon", claim="<b>c99</b>")
    warnings = " ".join(w.value for w in at.warning)
    for name in ("date", "zoom", "layers", "claim"):
        assert f"`{name}`" in warnings or name in warnings
    assert day_shown(at) == "Tuesday 24 November 2020"
    assert all(at.checkbox(key=f"layer_{l}").value for l in ("captured", "ceded", "places"))


def map_reports(at, tags, center=(39.65, 46.7), zoom=9) -> AppTest:
    """What streamlit-folium would hand back after the map's client reported (see tag() in timeline-map.js)."""
    at.session_state["map"] = {"center": {"lat": center[0], "lng": center[1]}, "zoom": zoom, "selected_tags": tags}
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_day_stepped_on_the_maps_time_bar_reaches_the_page_and_the_link():
    at = run_app(date="2020-11-09")
    map_reports(at, ["kcm-req:39.6500,46.7000,9", "kcm-date:2020-11-10#1"])
    params = {k: (v[-1] if isinstance(v, list) else v) for k, v in at.query_params.items()}
    assert params["date"] == "2020-11-10" and day_shown(at) == "Tuesday 10 November 2020"
    assert "Russian peacekeeping zone" in shown_features(at)
    # Stepping back to the day before is news too: the report is numbered.
    map_reports(at, ["kcm-req:39.6500,46.7000,9", "kcm-date:2020-11-09#2"])
    assert day_shown(at) == "Monday 09 November 2020"


def test_a_stale_report_from_the_map_does_not_undo_a_newer_view():
    at = run_app(date="2020-11-24")
    at.button(key="show_c16").click().run()
    chosen = {k: (v[-1] if isinstance(v, list) else v) for k, v in at.query_params.items()}
    # A pan reported at the view before the claim was chosen must not move the map back.
    map_reports(at, ["kcm-req:39.6500,46.7000,9"], center=(39.9, 46.2), zoom=9)
    after = {k: (v[-1] if isinstance(v, list) else v) for k, v in at.query_params.items()}
    assert (after["lat"], after["lon"], after["zoom"]) == (chosen["lat"], chosen["lon"], chosen["zoom"])


def test_a_layer_toggle_updates_the_query_string():
    at = run_app(date="2020-11-24")
    at.checkbox(key="layer_captured").uncheck().run()
    params = {k: (v[-1] if isinstance(v, list) else v) for k, v in at.query_params.items()}
    assert "captured" not in params["layers"].split(",")
    at.toggle(key="show_table").set_value(True).run()
    layers_shown = set(table_with(at, "Layer")["Layer"])
    assert "Taken by Azerbaijani forces (27 Sep - 9 Nov)" not in layers_shown
    assert "Districts handed over under the statement" in layers_shown


def test_choosing_a_claim_sets_its_date_and_fits_the_map():
    at = run_app(date="2020-11-24")
    at.button(key="show_c16").click().run()
    params = {k: (v[-1] if isinstance(v, list) else v) for k, v in at.query_params.items()}
    assert params["claim"] == "c16" and params["date"] == "2020-11-20"
    assert (params["lat"], params["lon"], params["zoom"]) != ("39.6500", "46.7000", "9")
    assert "lachin_corridor" in params["layers"]
    assert day_shown(at) == "Friday 20 November 2020"


def test_a_claim_link_without_a_centre_fits_the_map_to_the_claim():
    at = run_app(claim="c16", date="2020-11-20")
    params = {k: (v[-1] if isinstance(v, list) else v) for k, v in at.query_params.items()}
    assert params["claim"] == "c16" and params["zoom"] != "9"


def test_claims_page_filters_by_verdict_and_links_to_the_map():
    at = run_app("claims")
    table = table_with(at, "quote")
    assert len(table) >= 15 and set(table.verdict) >= {"consistent", "contradicted"}
    at.multiselect(key="claims_verdicts").set_value(["contradicted"]).run()
    table = table_with(at, "quote")
    assert set(table.verdict) == {"contradicted"}
    assert all(link.startswith("./?") and "claim=" in link for link in table["map"])


def test_sources_page_names_every_source_and_licence():
    at = run_app("sources")
    sources = table_with(at, "Licence")
    assert {"Public domain (Natural Earth)", "CC BY 4.0"} <= set(sources["Licence"])
    assert len(table_with(at, "Method")) >= 10


@pytest.mark.parametrize("page", ["map", "claims", "sources"])
def test_every_page_survives_a_hostile_link(page):
    at = run_app(page, date="<script>alert(1)</script>", layers="'\"><img src=x>", lat="1e999", zoom="-1")
    assert at.warning, "a notice is expected for the bad parameters"
