"""The statement's ledger as a page (app_pages/ledger.py) and as a panel on the map, run headless with AppTest."""
import datetime as dt
import json
import re

import pytest

from geo.catalog import TIMELINE_END, TIMELINE_START
from streamlit.testing.v1 import AppTest

from data_support import data_copy, point_paths_at
from test_app import APP, map_data, map_painted

BADGE = re.compile(r":(\w+)-badge\[([^\]]*)\]")


def run_ledger(**params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("app_pages/ledger.py")
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def bodies(at) -> list[str]:
    """Every markdown and caption body on the page, as Streamlit receives it."""
    return [m.value for m in at.markdown] + [c.value for c in at.caption]


def heading(at, number) -> str:
    """A point's heading: its number, title, status badge and who says so."""
    found = [m.value for m in at.markdown if m.value.startswith(f"**{number}\\. ")]
    assert len(found) == 1, f"expected one heading for point {number}"
    return found[0]


def status(at, number) -> str:
    return BADGE.search(heading(at, number)).group(2)


def test_a_disputed_status_says_per_whom():
    assert ":gray[per Armenia and Karabakh Armenian authorities; disputed]" in heading(run_ledger(date="2023-01-15"), 6)


def test_a_points_button_opens_the_map_in_this_tab_at_the_day_with_the_point_marked():
    at = run_ledger(date="2020-12-05", layers="captured")
    shown = [b.key for b in at.button if (b.key or "").startswith("map_point_")]
    assert shown == [f"map_point_{n}" for n in (1, 2, 3, 4, 5, 6, 7, 9)]  # point 8 (prisoners): nothing on the map
    at.button(key="map_point_2").click().run()
    assert not at.exception and len(at.get("bidi_component")) == 1  # the map page
    told = map_data(at)
    assert (told["view"]["point"], told["view"]["date"]) == ("2", "2020-12-05")
    assert set(told["view"]["layers"].split(",")) == {"captured", "ceded"}  # the reader's and its own
    assert told["view"]["zoom"] != "9" and "claim" not in told["view"]  # fitted to Aghdam
    assert told["selected"] == ["ceded_agdam"]
    assert at.query_params["point"] == "2" and at.query_params["date"] == "2020-12-05"


def test_the_corridors_button_switches_on_its_layers_beside_the_readers():
    at = run_ledger(date="2020-12-05", layers="captured")
    at.button(key="map_point_6").click().run()
    assert set(map_data(at)["view"]["layers"].split(",")) == {"captured", "ceded", "lachin_corridor",
                                                                "transport_links", "sites"}


@pytest.mark.parametrize("bad", ["2020-13-45", "2031-01-01", "<script>alert(1)</script>", "[x](javascript:1)"])
def test_a_bad_date_in_the_link_gives_a_notice_and_the_default(bad):
    at = run_ledger(date=bad, layers="'\"><img src=x>")
    notices = [w.value for w in at.warning]
    assert len([n for n in notices if "date" in n]) == 1, notices  # the page's own, not the map's as well
    span = f"{TIMELINE_START} to {TIMELINE_END}".replace("-", "\\-")  # as the notice escapes it for markdown
    assert span in " ".join(notices)
    assert at.date_input(key="ledger_day").value == dt.date(2020, 11, 24)
    # The address now says what is shown, and only that: the link's other parameters are gone.
    assert dict(at.query_params) == {"date": "2020-11-24"}
    assert [status(at, n) for n in (2, 6)] == ["done", "pending"]  # the article's day: Aghdam done, Kalbajar late


def test_a_day_chosen_on_the_page_goes_into_the_link_and_clears_the_notice():
    at = run_ledger(date="someday")
    assert at.warning
    at.date_input(key="ledger_day").set_value(dt.date(2023, 1, 15)).run()
    assert at.query_params["date"] == "2023-01-15" and status(at, 6) == "broken"
    assert not [w for w in at.warning if "date" in w.value]


def synthetic_ledger(markup: str) -> dict:
    source = {"outlet": f"Outlet {markup}", "published": "2020-11-10", "title": f"Page {markup}",
              "url": "https://example.org/a"}
    change = {"date": "2020-11-10", "date_precision": "day", "status": "in_force", "by": f"side {markup}",
              "event": f"event {markup}", "note": f"note {markup}", "disputed": True, "sources": [source]}
    points = [{"number": n, "title": f"Point {n} {markup}", "text": f"text {markup}", "features": ["ceded"],
               "changes": [change]} for n in range(1, 10)]
    return {"statement": {"title": f"Statement {markup}", "signed": "2020-11-09", "in_force": "2020-11-10",
                          "sources": [source]}, "points": points}


def test_markup_in_the_ledgers_text_is_shown_as_text(tmp_path, monkeypatch):
    markup = "<script>alert(1)</script> [x](javascript:alert(1)) :red[x] **bold**"
    point_paths_at(monkeypatch, data_copy(tmp_path / "data", {
        "curated/statement.json": json.dumps(synthetic_ledger(markup)).encode()}))
    at = run_ledger(date="2020-11-20")
    shown = bodies(at)
    assert sum("\\<script\\>" in body for body in shown) == 9 * 3 + 1  # each heading, text and change; the statement
    for body in shown:
        assert "<script>" not in body and "](javascript" not in body and ":red[" not in body and "**bold" not in body


def test_a_broken_ledger_file_is_named_on_the_page(tmp_path, monkeypatch):
    point_paths_at(monkeypatch, data_copy(tmp_path / "data", {"curated/statement.json": b"{"}))
    at = run_ledger(date="2020-11-20")
    assert "statement\\.json: is not valid UTF\\-8 JSON" in at.error[0].value


def run_map(**params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return map_painted(at)


def ledger_expander(at, opened=True):
    """The panel of the nine points under the map, opened as the reader would (it is drawn only when open)."""
    found = [e for e in at.expander if e.label == "The statement's nine points on the map's day"]
    assert len(found) == 1, "expected the ledger's expander on the map page"
    if opened and not ("points_panel" in at.session_state and at.session_state["points_panel"]):
        at.session_state["points_panel"] = True
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        return ledger_expander(at, opened=False)
    return found[0]


def test_the_map_shows_the_nine_points_on_its_day_after_it_has_painted():
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["date"] = "2020-11-20"
    at.run()
    assert not [e for e in at.expander if e.label.startswith("The statement's nine points")]  # the map goes first
    map_painted(at)
    closed = ledger_expander(at, opened=False)
    assert not closed.markdown and not closed.button  # nothing of it is sent until it is opened
    panel = ledger_expander(at)
    assert panel.caption[0].value.startswith("On Friday 20 November 2020: each point's status")
    points = [m.value for m in panel.markdown if m.value.startswith("**")]
    assert [p[2] for p in points] == list("123456789")
    assert points[1].startswith("**2\\. Aghdam") and ":green-badge[done]" in points[1]
    # Each point says the change that set its status that day, with the change's sources.
    assert ":gray[Since 20 Nov 2020:] " in points[1] and "(https://artsakhinfo.am/" in points[1]
    assert ":violet-badge[pending]" in points[5]  # Kalbajar: due on 15 Nov, handed over on 25 Nov
    # A button per point that concerns something the map draws: all but point 8 (the prisoners).
    assert [b.key for b in panel.button] == [f"show_point_{n}" for n in (1, 2, 3, 4, 5, 6, 7, 9)]
    page_links = panel.get("page_link")
    assert len(page_links) == 1 and "20 Nov 2020" in page_links[0].proto.label
    assert (page_links[0].proto.page, page_links[0].proto.query_string) == ("ledger", "date=2020-11-20")


def test_a_point_shown_from_the_panel_selects_its_features_on_its_day():
    at = run_map(date="2020-12-05", layers="places")
    ledger_expander(at)
    at.button(key="show_point_5").click().run()
    told = map_data(at)
    assert told["view"]["point"] == "5" and told["view"]["date"] == "2020-12-05"  # the day stays the reader's
    assert set(told["view"]["layers"].split(",")) == {"places", "ceded", "sites"}  # the reader's and its own
    assert told["selected"] == ["ceded_agdam", "monitoring_centre_agdam"]
    assert told["view"]["zoom"] != "9" and 39.9 < float(told["view"]["lat"]) < 40.2  # fitted to Aghdam
    assert at.checkbox(key="layer_ceded").value  # the sidebar follows
    box = at.get("flex_container")  # the chosen point above the claims, with its status that day
    shown = [m.value for m in at.markdown if m.value.startswith("**5\\. ")]
    assert len(shown) == 2 and ":violet-badge[pending]" in shown[0]  # the box and the panel: not yet open
    assert box is not None and at.button(key="show_point_5").disabled
    at.button(key="clear_point").click().run()
    assert "point" not in map_data(at)["view"] and map_data(at)["selected"] == []


def test_a_claim_chosen_after_a_point_replaces_it():
    at = run_map(date="2020-11-24")
    ledger_expander(at)
    at.button(key="show_point_6").click().run()
    assert map_data(at)["view"]["point"] == "6"
    at.button(key="show_c16").click().run()
    told = map_data(at)
    assert told["view"]["claim"] == "c16" and "point" not in told["view"]


def test_a_link_with_a_point_and_no_centre_opens_fitted_to_it():
    told = map_data(run_map(date="2022-09-01", point="6"))
    assert told["view"]["point"] == "6" and told["view"]["date"] == "2022-09-01"
    assert {"lachin_corridor_2022", "lachin_road_2022", "hakari_bridge", "ceded_lachin"} <= set(told["selected"])
    assert {"ceded", "lachin_corridor", "transport_links", "sites"} <= set(told["view"]["layers"].split(","))


@pytest.mark.parametrize("bad", ["10", "0", "two", "<b>1</b>"])
def test_a_bad_point_in_the_link_gives_a_notice_and_no_selection(bad):
    at = run_map(date="2020-11-24", point=bad)
    assert any(w.value.startswith("Link parameter \\`point\\`: ") and "a point of the statement \\(1 to 9\\)" in w.value
               for w in at.warning)
    assert "point" not in map_data(at)["view"] and map_data(at)["selected"] == []


def test_a_broken_ledger_file_costs_the_panel_not_the_map(tmp_path, monkeypatch):
    point_paths_at(monkeypatch, data_copy(tmp_path / "data", {
        "curated/statement.json": json.dumps({"statement": {}, "points": []}).encode()}))
    at = run_map(date="2020-11-20")
    warning = ledger_expander(at).warning[0].value
    assert "statement\\.json: statement: date 'None' is not YYYY\\-MM\\-DD" in warning  # the file and the problem
    assert len(at.get("bidi_component")) == 1 and at.button(key="show_c16")  # the map and its claims stay
