"""The statement's ledger as a page (app_pages/ledger.py) and as a panel on the map, run headless with AppTest."""
import datetime as dt
import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from geo.catalog import TIMELINE_END, TIMELINE_START
from streamlit.testing.v1 import AppTest

from data_support import data_copy, point_paths_at
from test_app import APP, map_painted

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


def map_links(at) -> list[dict]:
    """The "Show on the map" links, as their query parameters."""
    links = []
    for body in (m.value for m in at.markdown if m.value.startswith("[Show on the map")):
        url = re.fullmatch(r"\[[^\]]*\]\((\./\?[^)]*)\)", body).group(1)
        links.append({k: v[-1] for k, v in parse_qs(urlsplit(url).query).items()})
    return links


def test_before_the_statement_every_point_is_not_yet_agreed():
    at = run_ledger(date="2020-11-01")
    assert [status(at, n) for n in range(1, 10)] == ["not yet agreed"] * 9
    assert at.date_input(key="ledger_day").value == dt.date(2020, 11, 1)
    assert not at.warning
    # The later changes wait in each point's expander; none is shown as happened yet.
    assert all("changes" in e.label for e in at.expander if e.label.startswith("Still to come"))
    assert len([e for e in at.expander if e.label.startswith("Still to come after 01 Nov 2020")]) == 9


def test_after_the_handovers_aghdam_is_done_and_kalbajar_was_done_late():
    at = run_ledger(date="2020-12-05")
    assert status(at, 2) == "done" and status(at, 6) == "done"
    point_6 = [b for b in bodies(at) if b.startswith("**25 Nov 2020** :green-badge[done late]")]
    assert len(point_6) == 1 and "Per news reports \\(JAMnews\\)" in point_6[0]
    assert "](https://jam-news.net/" in point_6[0]  # its sources, as links
    to_come = [c.value for e in at.expander if e.label.startswith("Still to come") for c in e.caption]
    assert any(c.startswith("**12 Dec 2022** :red-badge[broken]") for c in to_come)  # the blockade, greyed


@pytest.mark.parametrize(("day", "number", "expected"), [
    ("2023-01-15", 6, "broken"),  # the corridor's blockade
    ("2024-07-01", 3, "ended early"),  # the peacekeepers have left
    ("2023-09-19", 1, "superseded"),
])
def test_points_on_later_days_take_their_later_status(day, number, expected):
    at = run_ledger(date=day)
    assert status(at, number) == expected
    assert not at.warning, "the ledger's days run past the map's timeline: no notice"
    assert at.query_params["date"] == day


def test_a_disputed_status_says_per_whom():
    assert ":gray[per Armenia and Karabakh Armenian authorities; disputed]" in heading(run_ledger(date="2023-01-15"), 6)


def test_the_map_links_open_the_map_at_the_day_with_the_points_layers():
    at = run_ledger(date="2020-12-05", layers="captured")
    links = map_links(at)
    assert len(links) == 8  # point 8 (prisoners) concerns no place on the map
    assert all(link["date"] == "2020-12-05" for link in links)
    point_6 = links[5]
    assert set(point_6["layers"].split(",")) == {"captured", "ceded", "lachin_corridor", "transport_links", "sites"}  # the reader's and its own
    assert set(links[1]["layers"].split(",")) == {"captured", "ceded"}  # Aghdam: ceded_agdam is a ceded feature
    assert links[1]["zoom"] != "9" and "claim" not in links[1]  # fitted to Aghdam


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


def ledger_expander(at):
    found = [e for e in at.expander if e.label.startswith("The statement's nine points on")]
    assert len(found) == 1, "expected the ledger's expander on the map page"
    return found[0]


def test_the_map_shows_the_nine_points_on_its_day_after_it_has_painted():
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["date"] = "2020-11-20"
    at.run()
    assert not [e for e in at.expander if e.label.startswith("The statement's nine points")]  # the map goes first
    map_painted(at)
    panel = ledger_expander(at)
    assert panel.label == "The statement's nine points on 20 Nov 2020"
    lines = panel.markdown[0].value.split("\n")
    assert len(lines) == 9 and lines[1].startswith("2. Aghdam") and ":green-badge[done]" in lines[1]
    assert ":violet-badge[pending]" in lines[5]  # Kalbajar: due on 15 Nov, handed over on 25 Nov
    page_links = panel.get("page_link")
    assert len(page_links) == 1 and "20 Nov 2020" in page_links[0].proto.label
    assert (page_links[0].proto.page, page_links[0].proto.query_string) == ("ledger", "date=2020-11-20")


def test_a_broken_ledger_file_costs_the_panel_not_the_map(tmp_path, monkeypatch):
    point_paths_at(monkeypatch, data_copy(tmp_path / "data", {
        "curated/statement.json": json.dumps({"statement": {}, "points": []}).encode()}))
    at = run_map(date="2020-11-20")
    warning = ledger_expander(at).warning[0].value
    assert "statement\\.json: statement: date 'None' is not YYYY\\-MM\\-DD" in warning  # the file and the problem
    assert len(at.get("bidi_component")) == 1 and at.button(key="show_c16")  # the map and its claims stay
