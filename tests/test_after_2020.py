"""The timeline from the eve of the war to 2026: each change of control after 2020, the corridor's move and
blockade, September 2023, the end of the peacekeeping zone, the sites and the border, on the committed data."""
import datetime as dt
import json

import pytest

from geo import areas, catalog, state
from geo.build import curated
from geo.errors import DataFileError, SourceChanged
from geo.paths import HAND_DRAWN

AZ, AM = "azerbaijan", "armenian_forces"

# (place, day, controller, peacekeepers): the day before and the day of each change after 2020.
TOWN_DAYS = [
    # The eve of the war: the status quo of the 1994 line.
    ("place_stepanakert", "2020-09-26", AM, False), ("shusha-shusha", "2020-09-26", AM, False),
    ("jabrayil-city-jabrayil", "2020-09-26", AM, False),
    # The Hadrut pocket, taken after the ceasefire.
    ("kohne-taghlar-khojavend", "2020-12-11", AM, False), ("kohne-taghlar-khojavend", "2020-12-12", AZ, False),
    ("chaylaggala-khojavend", "2020-12-11", AM, False), ("chaylaggala-khojavend", "2020-12-12", AZ, False),
    # Parukh: entered on 24 Mar 2022 (disputed), left on 27 Mar, one side says.
    ("parukh-farrukh-khojaly", "2022-03-23", AM, True), ("parukh-farrukh-khojaly", "2022-03-24", None, True),
    ("parukh-farrukh-khojaly", "2022-03-27", AM, True),
    # The old corridor's towns, handed over when the corridor moved to the new road.
    ("lachin-town-lachin", "2022-08-25", AM, True), ("lachin-town-lachin", "2022-08-26", AZ, True),
    ("lachin-town-lachin", "2022-08-31", AZ, False),
    ("zabukh-aghavno-lachin", "2022-08-25", AM, True), ("zabukh-aghavno-lachin", "2022-08-26", AZ, True),
    ("sus-lachin", "2022-08-25", AM, True), ("sus-lachin", "2022-08-26", AZ, True),
    # September 2023: the rest of the area passes to Azerbaijan; the peacekeepers stay until June 2024.
    ("place_stepanakert", "2023-09-19", AM, True), ("place_stepanakert", "2023-09-20", AZ, True),
    ("place_martakert", "2023-09-19", AM, True), ("place_martakert", "2023-09-20", AZ, True),
    ("place_khojaly", "2024-06-11", AZ, True), ("place_khojaly", "2024-06-12", AZ, False),
    ("place_stepanakert", "2026-02-17", AZ, False),
    # Outside the conflict districts nothing changes hands on the map.
    ("place_goris", "2025-01-01", None, False),
]


@pytest.mark.parametrize("town, day, controller, peacekeepers", TOWN_DAYS)
def test_town_after_2020(where_town, town, day, controller, peacekeepers):
    answer = where_town(town, day)
    assert (answer["controller"], answer["peacekeepers"]) == (controller, peacekeepers)


def status(layers, feature_id, day):
    """The feature's words that day, or None when it is not on the map."""
    features = state.all_features(layers).set_index("id")
    change = state.status_on(features.loc[feature_id, "timeline"], day)
    return None if change is None else change["status"]


def test_the_corridor_moves_to_the_new_road_and_is_blocked_then_closed(layers):
    assert status(layers, "lachin_corridor", "2022-08-30").startswith("Lachin town, Zabukh/Aghavno and Sus handed over")
    assert status(layers, "lachin_corridor", "2022-08-31") is None  # the old corridor is gone
    assert status(layers, "lachin_corridor_2022", "2022-08-29") is None
    assert status(layers, "lachin_corridor_2022", "2022-08-30").startswith("open")
    assert status(layers, "lachin_corridor_2022", "2022-12-11").startswith("open")
    assert status(layers, "lachin_corridor_2022", "2022-12-12").startswith("blocked")
    assert "checkpoint" in status(layers, "lachin_corridor_2022", "2023-04-23")
    assert status(layers, "lachin_corridor_2022", "2023-06-15").startswith("closed")
    assert status(layers, "lachin_corridor_2022", "2024-06-12") is None
    # The schematic route the statement asked for gives way to the road built.
    assert status(layers, "new_corridor_route", "2022-08-29").startswith("to be agreed")
    assert status(layers, "new_corridor_route", "2022-08-30") is None


def test_the_peacekeeping_zone_ends_with_the_withdrawal(layers):
    assert status(layers, "peacekeeping_zone", "2020-11-09") is None
    assert status(layers, "peacekeeping_zone", "2023-09-20").startswith("under Azerbaijani control")
    assert status(layers, "peacekeeping_zone", "2024-04-17").startswith("peacekeepers withdrawing")
    assert status(layers, "peacekeeping_zone", "2024-06-11") is not None
    assert status(layers, "peacekeeping_zone", "2024-06-12") is None
    day_after = state.state_on(layers, "2024-06-12")
    assert not day_after.layer.isin(["peacekeeping_zone", "lachin_corridor"]).any()


@pytest.mark.parametrize("feature_id, opens, closes", [
    ("monitoring_centre_agdam", "2021-01-30", "2024-04-26"),
    ("peacekeepers_hq_khojaly", "2020-11-10", "2024-06-12"),
    ("tripp_route", "2025-08-08", None),
    ("lachin_road_2022", "2021-07-31", None),
])
def test_sites_and_routes_show_while_they_exist(layers, feature_id, opens, closes):
    before = (dt.date.fromisoformat(opens) - dt.timedelta(days=1)).isoformat()
    assert status(layers, feature_id, before) is None
    assert status(layers, feature_id, opens) is not None
    if closes:
        last = (dt.date.fromisoformat(closes) - dt.timedelta(days=1)).isoformat()
        assert status(layers, feature_id, last) is not None and status(layers, feature_id, closes) is None


def test_the_planned_route_is_drawn_as_approximate_and_planned(layers):
    route = layers["transport_links"].set_index("id").loc["tripp_route"]
    assert route.precision == "approximate" and "not built" in route.note
    assert status(layers, "tripp_route", "2026-02-17").startswith("planned, not built")


def test_the_exodus_figures_appear_on_their_dates(layers):
    assert status(layers, "hakari_bridge", "2023-09-23").startswith("checkpoint closed to all traffic")
    assert status(layers, "hakari_bridge", "2023-09-24").startswith("exodus begins")
    assert "2,906 people" in status(layers, "hakari_bridge", "2023-09-25")
    assert "98,625 people" in status(layers, "hakari_bridge", "2023-09-29")
    assert "100,490 people" in status(layers, "hakari_bridge", "2023-10-01")


def test_border_changes_say_whose_estimate_each_figure_is(layers):
    border = layers["border_changes"].set_index("id")
    assert set(border.precision) == {"approximate"}
    assert "Pashinyan says" in status(layers, "border_sev_lich", "2021-11-24")
    assert status(layers, "border_sev_lich", "2021-05-11") is None
    assert "an Armenian estimate" in status(layers, "border_jermuk", "2023-04-28")
    assert status(layers, "border_tavush_gazakh", "2024-05-24").startswith("handed over")
    assert all(sources for sources in border.sources)


def test_every_feature_after_2020_cites_public_sources(layers):
    hand_drawn = {f["id"] for f in json.loads(HAND_DRAWN.read_text(encoding="utf-8"))["features"]}
    features = state.all_features(layers).set_index("id")
    assert hand_drawn <= set(features.index)
    for feature_id in hand_drawn:
        assert features.loc[feature_id, "sources"], feature_id
        assert all(change["sources"] for change in features.loc[feature_id, "timeline"])


def test_the_area_chart_follows_the_years_after_2020(layers, base):
    parts = areas.pieces(layers, base["cells"])
    before, handover = areas.areas_on(parts, "2022-08-25"), areas.areas_on(parts, "2022-08-26")
    assert handover["km2"]["handed_over"] > before["km2"]["handed_over"]
    assert handover["km2"]["armenian"] < before["km2"]["armenian"]
    eve, after = areas.areas_on(parts, "2023-09-19"), areas.areas_on(parts, "2023-09-20")
    assert eve["km2"]["armenian"] > 2000 and after["km2"]["armenian"] == 0
    assert after["km2"]["sep_2023"] == pytest.approx(eve["km2"]["armenian"] + eve["km2"]["contested"], abs=1)
    assert areas.areas_on(parts, "2026-02-17")["share_pct"]["armenian"] == 0


def test_the_area_series_is_measured_on_change_days_and_carried_between(layers, base):
    parts = areas.pieces(layers, base["cells"])
    series = areas.series(parts, dt.date(2023, 9, 15), dt.date(2023, 9, 25))
    armenian = series[series.group == "armenian"].set_index("date").km2
    assert len(armenian) == 11
    assert armenian[dt.date(2023, 9, 19)] == areas.areas_on(parts, "2023-09-19")["km2"]["armenian"]
    assert armenian[dt.date(2023, 9, 22)] == armenian[dt.date(2023, 9, 20)] == 0


# ------------------------------------------------------------------------------------- the timeline's periods
def test_the_periods_cover_the_timeline_without_a_gap():
    periods = catalog.PERIODS
    assert periods[0].start == catalog.TIMELINE_START == dt.date(2020, 9, 26)
    assert periods[-1].end == catalog.TIMELINE_END
    assert sum(p.days for p in periods) == (catalog.TIMELINE_END - catalog.TIMELINE_START).days + 1
    assert sum(p.share for p in periods) == pytest.approx(1)
    war = catalog.period_of(dt.date(2020, 10, 15))
    quiet = catalog.period_of(dt.date(2021, 6, 1))
    # The 44 days of the war get more of the bar per day than the years after, and Play goes slower there.
    assert war.share / war.days > 10 * quiet.share / quiet.days and war.play_days < quiet.play_days
    assert all(catalog.TIMELINE_START <= day <= catalog.TIMELINE_END for day in catalog.KEY_DATES)


def write_catalog(tmp_path, change):
    document = json.loads(catalog.CATALOG.read_text(encoding="utf-8"))
    change(document)
    path = tmp_path / "layers.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


@pytest.mark.parametrize("change, says", [
    (lambda d: d["periods"][1].update(start="2020-11-12"), "does not start the day after"),
    (lambda d: d["periods"][0].update(share=0.5), "add up to 1"),
    (lambda d: d["periods"][2].update(play_days=0), "play_days"),
    (lambda d: d["key_dates"].append({"date": "2027-01-01", "label": "later"}), "outside the timeline"),
    (lambda d: d.pop("periods"), "not a valid layer catalogue"),
])
def test_a_broken_period_table_is_named(tmp_path, change, says):
    with pytest.raises(DataFileError, match=says):
        catalog._load_catalog(write_catalog(tmp_path, change))


@pytest.mark.parametrize("change, says", [
    (lambda f: f.update(layer="nowhere"), "unknown layer"),
    (lambda f: f.update(geometry={"point": [46.5, 39.5], "line": [[46.5, 39.5], [46.6, 39.6]]}), "exactly one"),
    (lambda f: f.update(colour="red"), "unknown"),
])
def test_a_broken_hand_drawn_feature_is_named(tmp_path, change, says):
    document = json.loads(HAND_DRAWN.read_text(encoding="utf-8"))
    change(document["features"][0])
    path = tmp_path / "hand_drawn.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises((DataFileError, SourceChanged), match=says):
        curated.load_hand_drawn(path)
