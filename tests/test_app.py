"""The pages, run headless with Streamlit's AppTest: the query string drives what each page shows."""
import datetime as dt
import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from geo import claims as claims_mod
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
    if page == "map":
        map_painted(at)
    return at


def map_painted(at) -> AppTest:
    """The map's component says it drew its first frame, as the browser's would: the rest of the page follows."""
    at.session_state["map"] = {**(at.session_state["map"] if "map" in at.session_state else {}), "painted": True}
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_first_run_draws_the_map_and_the_rest_follows_its_first_frame():
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["date"] = "2020-11-10"
    at.run()
    assert len(at.get("bidi_component")) == 1 and day_shown(at) == "Tuesday 10 November 2020"
    assert not at.button and not at.checkbox and not at.sidebar.checkbox  # no claims, exports or layer toggles yet
    map_painted(at)
    assert at.button(key="show_c16") and at.checkbox(key="layer_captured").value


def test_the_map_page_says_which_article_it_is_about_and_what_its_verdicts_mean():
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["date"] = "2020-11-10"
    at.run()
    assert not [c for c in at.caption if "Built around an article" in c.value]  # not in the map's first run
    map_painted(at)
    about = [c.value for c in at.caption if "Built around an article" in c.value]
    _, meta = claims_mod.load_article()
    assert len(about) == 1 and "Sputnik, 24 Nov 2020" in about[0] and meta["title"].split(",")[0] in about[0]
    assert meta["url"].startswith("https://") and f"]({meta['url']})" in about[0]  # the headline links to it
    key = about[0]
    for verdict in claims_mod.VERDICTS:
        assert f"[{verdict}]" in key, verdict
    for verdict in claims_mod.HINDSIGHT_VERDICTS:
        assert f"[{verdict.replace('_', ' ')}]" in key, verdict
    assert [c for c in at.caption if c.value.startswith("Dates on the map are the days a capture was announced")]
    # Each claim's button says which claim it is for (a screen reader reads fifteen of them in a row).
    shows = [b for b in at.button if (b.key or "").startswith("show_")]
    assert shows and len({b.label for b in shows}) == len(shows)
    assert all(b.label == f"Show {b.key.removeprefix('show_').replace('_', ' ')} on the map" for b in shows)  # c05, point 6


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
    assert {"Russian peacekeeping zone", "Lachin corridor (through Lachin town, until 30 Aug 2022)", "Shusha"} <= ceasefire


def map_data(at) -> dict:
    """What the page hands the map's component on this run (app_pages/map_component.py)."""
    components = at.get("bidi_component")
    assert len(components) == 1, "expected one map component"
    return json.loads(components[0].proto.json)


def test_the_map_is_told_the_view_of_the_link():
    at = run_app(date="2020-10-20", layers="captured,places")
    told = map_data(at)
    assert told["view"] == {"date": "2020-10-20", "layers": "captured,places", "lat": "39.6500", "lon": "46.7000",
                            "zoom": "9", "base": "none", "lang": "en"}
    assert told["runtime"].startswith("/app/static/generated/map-runtime.") and told["shell"]["id"].startswith("map_")
    assert day_shown(at) == "Tuesday 20 October 2020"
    assert at.checkbox(key="layer_captured").value and not at.checkbox(key="layer_ceded").value


def test_invalid_parameters_give_a_notice_and_the_defaults():
    at = run_app(date="2020-13-45", zoom="abc", layers="captured,moon", claim="<b>c99</b>")
    warnings = " ".join(w.value for w in at.warning)
    for name in ("date", "zoom", "layers", "claim"):
        assert f"`{name}`" in warnings or name in warnings
    assert day_shown(at) == "Tuesday 24 November 2020"
    assert all(at.checkbox(key=f"layer_{l}").value for l in ("captured", "ceded", "places"))
    assert map_data(at)["view"]["date"] == "2020-11-24"  # the map is told the view shown, not the link's


def map_reports(at, seq, changed: dict) -> AppTest:
    """What the map's component would report after the reader changed `changed` on it."""
    view = {**map_data(at)["view"], **changed}
    at.session_state["map"] = {"painted": True,
                               "report": {"seq": seq, "query": view, "changed": sorted(changed), "attempt": 0}}
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_day_stepped_on_the_maps_time_bar_reaches_the_page():
    at = run_app(date="2020-11-09")
    map_reports(at, 1, {"date": "2020-11-10"})
    assert day_shown(at) == "Tuesday 10 November 2020"
    assert map_data(at)["ack"] == 1 and map_data(at)["view"]["date"] == "2020-11-10"
    assert "Russian peacekeeping zone" in shown_features(at)
    map_reports(at, 2, {"date": "2020-11-09"})
    assert day_shown(at) == "Monday 09 November 2020"


def test_a_late_report_from_the_map_does_not_undo_a_newer_view():
    at = run_app(date="2020-11-24")
    map_reports(at, 5, {"date": "2020-11-01"})
    at.button(key="show_c16").click().run()
    chosen = map_data(at)
    assert chosen["rev"] >= 1 and chosen["view"]["claim"] == "c16"
    # A report the page has already applied, arriving again late: nothing changes.
    map_reports(at, 5, {"date": "2020-10-01", "lat": "39.9000", "lon": "46.2000"})
    assert map_data(at)["view"] == chosen["view"]
    # A newer report that changed only the day keeps the claim and the centre the page chose.
    map_reports(at, 6, {"date": "2020-11-21"})
    after = map_data(at)["view"]
    assert after["date"] == "2020-11-21" and after["claim"] == "c16"
    assert (after["lat"], after["lon"], after["zoom"]) == (chosen["view"]["lat"], chosen["view"]["lon"],
                                                          chosen["view"]["zoom"])


def test_a_claim_picked_on_the_map_is_fitted_by_the_page():
    at = run_app(date="2020-11-24")
    map_reports(at, 1, {"claim": "c16"})
    told = map_data(at)
    assert told["view"]["claim"] == "c16" and told["view"]["date"] == "2020-11-20" and told["view"]["zoom"] != "9"
    assert told["rev"] == 1 and told["push"] is False  # the map moves; its own click made the history entry
    assert "lachin_corridor" in told["selected"]


def test_a_layer_toggle_is_a_change_of_the_page():
    at = run_app(date="2020-11-24")
    at.checkbox(key="layer_captured").uncheck().run()
    told = map_data(at)
    assert "captured" not in told["view"]["layers"].split(",") and told["push"] is True and told["rev"] == 1
    at.toggle(key="show_table").set_value(True).run()
    layers_shown = set(table_with(at, "Layer")["Layer"])
    assert LAYERS_BY_ID["captured"].title not in layers_shown
    assert "Districts handed over under the statement" in layers_shown


def test_choosing_a_claim_sets_its_date_and_fits_the_map():
    at = run_app(date="2020-11-24")
    at.button(key="show_c16").click().run()
    view = map_data(at)["view"]
    assert view["claim"] == "c16" and view["date"] == "2020-11-20"
    assert (view["lat"], view["lon"], view["zoom"]) != ("39.6500", "46.7000", "9")
    assert "lachin_corridor" in view["layers"]
    assert day_shown(at) == "Friday 20 November 2020"


def test_a_claim_link_without_a_centre_fits_the_map_to_the_claim_at_the_links_date():
    view = map_data(run_app(claim="c16", date="2020-11-12"))["view"]
    assert view["claim"] == "c16" and view["zoom"] != "9" and view["date"] == "2020-11-12"
    assert map_data(run_app(claim="c16"))["view"]["date"] == "2020-11-20"  # no date: the claim's own


def claim_box(at, claim_id) -> str:
    """The selected claim's heading in the panel beside the map: its id, quote and both verdicts."""
    boxes = [m.value for m in at.markdown if m.value.startswith(f"**{claim_id}** “")]
    assert len(boxes) == 1, f"expected one box for the selected claim {claim_id}"
    return boxes[0]


def test_a_chosen_claim_shows_its_verdict_of_24_nov_and_in_hindsight():
    claims = claims_mod.load_claims()
    # A claim shown on the map on a day on or after later events settled it.
    chosen = next(c for c in claims.itertuples()
                  if c.features and c.hindsight["settled"] and c.hindsight["settled"] <= c.map_date)
    hindsight = chosen.hindsight
    settled = dt.date.fromisoformat(hindsight["settled"])
    at = run_app(claim=chosen.id)
    box = claim_box(at, chosen.id)
    assert "24 Nov 2020] :" in box and f"[{chosen.verdict}]" in box
    assert "In hindsight] :" in box and f"[{hindsight['verdict'].replace('_', ' ')}]" in box
    assert f"settled {settled:%d %b %Y}" in box and "not yet settled" not in box
    captions = " ".join(c.value for c in at.caption)
    assert "In hindsight: " in captions
    assert all(f"]({source['url']})" in captions for source in hindsight["sources"])  # each a link
    # On a day before later events settled it, the panel says so.
    before = settled - dt.timedelta(days=1)
    map_reports(at, 1, {"date": before.isoformat()})
    assert f"not yet settled on {before:%d %b %Y}" in claim_box(at, chosen.id)


def test_every_claim_beside_the_map_shows_both_verdicts():
    claims = claims_mod.load_claims().set_index("id")
    at = run_app(date="2020-11-24")
    listed = [m.value for m in at.markdown if m.value.startswith("**c") and " :gray[" in m.value.split("\n")[0]]
    assert listed
    for entry in listed:
        claim = claims.loc[entry[2:].split("**")[0]]
        assert f"[{claim.verdict}]" in entry
        assert "In hindsight] :" in entry and f"[{claim.hindsight['verdict'].replace('_', ' ')}]" in entry


def claim_cards(at) -> list[str]:
    """The ids of the claims the Claims page shows, one card each (its heading's anchor is claim-<id>)."""
    return [h.proto.anchor.removeprefix("claim-") for h in at.subheader if h.proto.anchor.startswith("claim-")]


def test_claims_page_filters_by_verdict_in_hindsight():
    claims = claims_mod.load_claims().set_index("id")
    at = run_app("claims")
    assert claim_cards(at) == list(claims.index)
    chosen = min(set(claims.hindsight.map(lambda h: h["verdict"])))
    at.multiselect(key="claims_hindsight").set_value([chosen]).run()
    shown = claim_cards(at)
    assert shown and {claims.loc[c, "hindsight"]["verdict"] for c in shown} == {chosen}
    assert at.query_params["hindsight"] == chosen


def test_claims_page_filters_by_verdict_and_links_to_the_map():
    claims = claims_mod.load_claims().set_index("id")
    at = run_app("claims")
    assert len(claim_cards(at)) >= 15 and set(claims.verdict) >= {"consistent", "contradicted"}
    at.multiselect(key="claims_verdicts").set_value(["contradicted"]).run()
    shown = claim_cards(at)
    assert shown and set(claims.loc[shown, "verdict"]) == {"contradicted"}
    at.button(key=f"map_{shown[0]}").click().run()  # the map, at the claim
    assert at.query_params["claim"] == shown[0] and at.query_params["date"] == claims.loc[shown[0], "map_date"]


def test_sources_page_names_every_source_and_licence():
    at = run_app("sources")
    sources = table_with(at, "Licence")
    assert {"Public domain (Natural Earth)", "CC BY 4.0"} <= set(sources["Licence"])
    assert len(table_with(at, "Method")) >= 10


@pytest.mark.parametrize("page", ["map", "claims", "sources"])
def test_every_page_survives_a_hostile_link(page):
    at = run_app(page, date="<script>alert(1)</script>", layers="'\"><img src=x>", lat="1e999", zoom="-1")
    assert not at.exception
    shown = "\n".join(e.value for e in (*at.markdown, *at.caption, *at.warning) if isinstance(e.value, str))
    assert not re.search(r"(?<!\\)<(script|img)", shown)  # markup reaches markdown escaped, if at all
    if page == "map":
        assert at.warning, "a notice is expected for the bad parameters"
    else:
        # The map's parameters mean nothing here: no notice of them, and they leave the address.
        assert not [w for w in at.warning if "Link parameter" in w.value]
        assert not {"date", "layers", "lat", "zoom"} & set(at.query_params)


def test_the_days_table_says_what_holds_that_day_and_the_area_each_side_held():
    at = run_app(date="2020-11-26")
    at.toggle(key="show_table").set_value(True).run()
    features = table_with(at, "Feature")
    kalbajar = features[features.Feature.str.startswith("Kalbajar")]
    assert set(kalbajar["Status on 26 Nov 2020"].str.lower().str.startswith("handed over")) == {True}
    assert LAYERS_BY_ID["armenian_held_1994"].title not in set(features.Layer)  # how things stood on 26 Sep
    held = table_with(at, "km²")
    assert held["%"].sum() == pytest.approx(100, abs=0.5) and "Handed over under the statement" in set(held.iloc[:, 0])
