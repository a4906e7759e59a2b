"""Who held each key town on each date, before and after every capture and handover."""
import datetime as dt

import pytest

from geo import state
from geo.errors import InvalidInput

AZ, AM = "azerbaijan", "armenian_forces"

# (town, day, controller, peacekeepers): the day before and the day of each change. Towns of the districts drawn
# settlement by settlement are asked at their own gazetteer point (their cell's settlement); a contested day
# (announced by one side, denied by the other) has no controller.
TOWN_DAYS = [
    ("jabrayil-city-jabrayil", "2020-10-03", AM, False), ("jabrayil-city-jabrayil", "2020-10-04", AZ, False),
    ("hadrut-khojavend", "2020-10-08", AM, False), ("hadrut-khojavend", "2020-10-09", None, False),
    ("hadrut-khojavend", "2020-10-14", None, False), ("hadrut-khojavend", "2020-10-15", AZ, False),
    ("fuzuli-city-fuzuli", "2020-10-16", AM, False), ("fuzuli-city-fuzuli", "2020-10-17", AZ, False),
    ("zangilan-city-zangilan", "2020-10-19", AM, False), ("zangilan-city-zangilan", "2020-10-20", AZ, False),
    ("gubadli-city-gubadli", "2020-10-24", AM, False), ("gubadli-city-gubadli", "2020-10-25", AZ, False),
    ("shusha-shusha", "2020-11-07", AM, False), ("shusha-shusha", "2020-11-08", None, False),
    ("shusha-shusha", "2020-11-09", AZ, False), ("shusha-shusha", "2020-11-24", AZ, False),
    ("place_agdam", "2020-11-09", AM, False), ("place_agdam", "2020-11-19", AM, False),
    ("place_agdam", "2020-11-20", AZ, False),
    ("place_kalbajar", "2020-11-15", AM, False), ("place_kalbajar", "2020-11-24", AM, False),
    ("place_kalbajar", "2020-11-25", AZ, False),
    # Lachin town lies on the corridor road: it stays with the corridor, under the peacekeepers, on 1 Dec.
    ("place_lachin", "2020-11-09", AM, False), ("place_lachin", "2020-11-10", AM, True),
    ("place_lachin", "2020-12-01", AM, True),
    ("place_stepanakert", "2020-09-27", AM, False), ("place_stepanakert", "2020-11-09", AM, False),
    ("place_stepanakert", "2020-11-10", AM, True), ("place_stepanakert", "2020-12-01", AM, True),
    ("place_martuni", "2020-10-20", AM, False), ("place_martuni", "2020-11-10", AM, True),
    ("place_martakert", "2020-11-10", AM, True), ("place_askeran", "2020-11-24", AM, True),
    ("place_khojaly", "2020-11-24", AM, True),
    ("place_goris", "2020-11-24", None, False), ("place_kornidzor", "2020-11-24", None, False),
    ("place_yerevan", "2020-10-01", None, False), ("place_baku", "2020-10-01", None, False),
]


@pytest.mark.parametrize("town, day, controller, peacekeepers", TOWN_DAYS)
def test_town_on_date(where_town, town, day, controller, peacekeepers):
    answer = where_town(town, day)
    assert answer["controller"] == controller
    assert answer["peacekeepers"] is peacekeepers


def test_point_on_the_corridor_in_lachin_district_after_the_handover(layers, zone):
    # On the corridor between Lachin and the Shusha district: peacekeepers, and not handed over on 1 Dec.
    answer = state.where(layers, zone, 39.68, 46.61, "2020-12-01")
    assert answer["peacekeepers"] is True
    assert "lachin_corridor" in answer["layers"] and "ceded" not in answer["layers"]


def test_point_east_of_the_1994_line_was_always_azerbaijan(layers, zone):
    answer = state.where(layers, zone, 39.885, 47.2256, "2020-09-27")  # eastern Agdam district
    assert answer["controller"] == AZ and "armenian_held_1994" not in answer["layers"]


def test_layers_appear_on_their_dates(layers):
    before = set(state.state_on(layers, "2020-11-09").layer)
    after = set(state.state_on(layers, "2020-11-10").layer)
    assert {"peacekeeping_zone", "lachin_corridor", "ceded", "transport_links"} <= after - before
    # The land taken grows place by place, on the days the places were announced.
    days = ("2020-09-27", "2020-10-03", "2020-10-04", "2020-10-15", "2020-10-17", "2020-10-20", "2020-10-25",
            "2020-11-08", "2020-11-09")
    shown = {day: set(state.state_on(layers, day, ["captured"]).id) for day in days}
    assert all(shown[a] <= shown[b] for a, b in zip(days, days[1:]))
    assert len(shown["2020-11-09"]) > 2 * len(shown["2020-10-20"]) > 4 * len(shown["2020-09-27"]) > 0
    for cell, day in [("captured_sugovushan-tartar", "2020-10-03"), ("captured_jabrayil-city-jabrayil", "2020-10-04"),
                      ("captured_hadrut-khojavend", "2020-10-09"), ("captured_fuzuli-city-fuzuli", "2020-10-17"),
                      ("captured_shusha-shusha", "2020-11-08")]:
        before = (dt.date.fromisoformat(day) - dt.timedelta(days=1)).isoformat()
        assert cell in set(state.state_on(layers, day, ["captured"]).id), cell
        assert cell not in set(state.state_on(layers, before, ["captured"]).id), cell


def test_ceded_status_turns_from_scheduled_to_handed_over(layers):
    def status(day):
        frame = state.state_on(layers, day, ["ceded"]).set_index("id")
        return frame.loc["ceded_kalbajar", "status"]
    assert status("2020-11-10").startswith("scheduled") and "15 Nov" in status("2020-11-10")
    assert status("2020-11-15").startswith("scheduled") and "25 Nov" in status("2020-11-15")
    assert status("2020-11-25").startswith("handed over")


def test_state_on_does_not_mutate_its_input(layers):
    columns = {k: list(v.columns) for k, v in layers.items()}
    state.state_on(layers, "2020-11-24")
    assert {k: list(v.columns) for k, v in layers.items()} == columns


@pytest.mark.parametrize("bad", ["2020-13-01", "yesterday", "2020-09-25", "2026-02-18", "", "2020/11/10"])
def test_bad_dates_say_what_is_accepted(bad):
    with pytest.raises(InvalidInput, match="2020-09-26 to 2026-02-17"):
        state.parse_date(bad)


def test_the_timeline_runs_from_the_eve_of_the_war_to_the_latest_event():
    assert state.parse_date("2020-09-26") == dt.date(2020, 9, 26)
    assert state.parse_date("2026-02-17") == dt.date(2026, 2, 17)


@pytest.mark.parametrize("lat, lon", [(91, 46), (-91, 46), (40, 181), (40, -181), ("north", 46)])
def test_bad_coordinates_are_refused(lat, lon):
    with pytest.raises(InvalidInput):
        state.parse_point(lat, lon)


def test_unknown_layer_lists_the_known_ones():
    with pytest.raises(InvalidInput, match="peacekeeping_zone"):
        state.parse_layers("captured,nonsense")
    assert state.parse_layers("captured, ceded,captured") == ("captured", "ceded")
    assert state.parse_date(dt.date(2020, 11, 10)) == dt.date(2020, 11, 10)


DAYS_ACROSS = ["2020-09-26", "2020-10-04", "2020-11-09", "2020-11-26", "2020-12-12", "2022-03-25", "2022-08-27",
               "2022-12-12", "2023-09-20", "2024-06-12", "2026-02-17"]


@pytest.mark.parametrize("day", DAYS_ACROSS)
def test_the_days_table_never_shows_a_status_that_ended_before_the_day(layers, day):
    from geo.catalog import LAYERS_BY_ID

    table = state.holding_on(layers, day)
    features = state.all_features(layers)
    assert not any(LAYERS_BY_ID[layer].reference for layer in table.layer_id)
    in_force = {row.id: state.status_on(row.timeline, day) for row in features.itertuples()
                if not LAYERS_BY_ID[row.layer].reference}
    assert set(table.id) == {i for i, change in in_force.items() if change is not None}
    for row in table.itertuples():
        change = in_force[row.id]
        assert row.status == change["status"], row.id
        assert (row.since is None or row.since != row.since) if change["date"] is None else row.since == change["date"]
        assert row.since is None or row.since != row.since or row.since <= day


def test_on_26_nov_kalbajar_is_handed_over_in_the_days_table(layers):
    table = state.holding_on(layers, "2020-11-26")
    kalbajar = table[table.feature.str.startswith("Kalbajar")]
    assert len(kalbajar) >= 2 and set(kalbajar.controller) == {"azerbaijan"}
    assert not table.status.str.contains("26 Sep 2020").any()  # no row of the reference layer of 26 Sep
