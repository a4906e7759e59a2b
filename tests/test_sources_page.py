"""The Sources page (app_pages/sources.py): headless with AppTest, then in a real browser at desktop and phone
sizes (marked `browser`)."""
from __future__ import annotations

import ast
import json
import re
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from streamlit.testing.v1 import AppTest

from browser_support import REPO_ROOT, streamlit_server
from data_support import data_copy, point_paths_at
from geo import citations, claims as claims_mod, exports, layers as layers_mod, paths, settlements, statement
from test_app import APP

GROUP_TAB = re.compile(r"^(.+) \((\d+)\)$")
SHOTS = Path("/tmp/shots")
FIRST_LOAD_MS = 120_000
STEP_MS = 30_000
DESKTOP = {"width": 1400, "height": 900}
PHONE = {"width": 390, "height": 844}
HOSTILE_NOTES = """# Notes
![tracker](https://evil.example/pixel.png)
<img src="https://evil.example/raw.png">
<script>window.kcmRan = true</script>
A bare address: https://evil.example/auto and www.evil.example/www
"""


@pytest.fixture(scope="module")
def found():
    """The citations as geo.citations finds them from the files, without the page's cache."""
    frames = layers_mod.load_layers()
    return citations.collect(settlements.load(), frames,
                             claims_mod.with_groups_expanded(claims_mod.load_claims(), frames), statement.load(),
                             json.loads(paths.PROVENANCE.read_text(encoding="utf-8")))


def run_sources(**params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("app_pages/sources.py")
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def select(at, group: str, row: int) -> AppTest:
    at.session_state[f"cited_{group.replace(' ', '_')}"] = {"selection": {"rows": [row], "columns": [],
                                                                          "cells": []}}
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture(scope="module")
def page_titles():
    # The page module runs Streamlit calls when imported: read its titles from the source instead.
    text = (REPO_ROOT / "app_pages" / "sources.py").read_text(encoding="utf-8")
    return ast.literal_eval(re.search(r"GROUP_TITLES = (\{.*?\})\n", text, re.S).group(1))


def test_each_group_has_a_tab_and_a_table_of_its_sources(found, page_titles, monkeypatch):
    at = run_sources()
    counts = citations.group_counts(found)
    labels = [GROUP_TAB.match(t.label).groups() for t in at.tabs]
    assert labels == [(page_titles[g], str(counts[g])) for g in citations.GROUPS]
    for tab, group in zip(at.tabs, citations.GROUPS):
        assert len(tab.dataframe) == 1, group
        table = tab.dataframe[0].value
        assert len(table) == counts[group] > 0, group
        expected = citations.cited_in_group(found, group)
        assert table["Cited by"].tolist() == expected.cited_by_count.tolist()
        # Each row lists what cites the page, and its address is an http(s) one or none.
        assert all(text for text in table["What cites it"])
        assert all(a is None or a != a or re.match(r"https?://", a) for a in table["Address"])


def test_the_sources_cited_by_nothing_are_listed(found):
    at = run_sources()
    nowhere = citations.uncited(found)
    heading = [m.value for m in at.markdown if m.value.startswith("**Listed but cited by nothing**")]
    assert heading == [f"**Listed but cited by nothing** ({len(nowhere)})"]
    if len(nowhere):
        table = [d.value for d in at.dataframe if list(d.value.columns) == ["Outlet", "Date", "Title", "Address"]]
        assert len(table) == 1 and set(table[0].Title) == set(nowhere.title)


def test_the_licences_of_the_base_data_and_the_curated_data_are_shown():
    at = run_sources()
    licences = "\n".join(m.value for m in at.markdown)
    for licence in exports.data_licences():
        assert f"]({licence['licence_url']})" in licences
    captions = " ".join(c.value for c in at.caption)
    assert "compiled by the project from the public pages cited" in captions
    assert "© Sputnik" in captions


def test_stray_link_parameters_are_removed_from_the_address_and_named():
    at = run_sources(date="2020-11-10", claim="c04", utm_source="somewhere")
    assert dict(at.query_params) == {}
    said = [c.value for c in at.caption if "does not read" in c.value]
    assert len(said) == 1 and all(name in said[0] for name in ("date", "claim", "utm\\_source")), said
    assert not [c.value for c in run_sources().caption if "does not read" in c.value]  # a bare link: nothing


def test_the_notes_are_shown_as_text_and_never_rendered(tmp_path, monkeypatch):
    point_paths_at(monkeypatch, data_copy(tmp_path / "data", {"SOURCES.md": HOSTILE_NOTES.encode()}))
    at = run_sources()
    shown = [c.value for c in at.code]
    assert shown == [HOSTILE_NOTES.strip()]  # st.code trims the last newline
    assert not [m.value for m in at.markdown if "evil.example" in m.value]


def test_opening_what_cites_an_event_page_shows_the_map_at_that_event_in_this_session(found):
    at = select(run_sources(), "events", 0)
    expected = citations.cited_in_group(found, "events").iloc[0]
    choice = at.selectbox(key="cited_events_choice")
    # Pick the first event of the page that is about a settlement on the map.
    wanted = next(i for i, link in enumerate(expected.links) if "place=" in link)
    choice.set_value(wanted).run()
    at.button(key="cited_events_open").click().run()
    assert not at.exception, [e.value for e in at.exception]
    view = at.session_state["synced"].view
    params = dict(parse_qsl(urlsplit(expected.links[wanted]).query))
    assert (view.date.isoformat(), view.place) == (params["date"], params["place"])
    assert at.session_state["synced"].rev >= 1  # told to the map, which follows the session
    assert len(at.get("bidi_component")) == 1  # the map page is shown


def test_opening_what_cites_a_ledger_page_shows_the_ledger_at_that_day(found):
    at = select(run_sources(), "statement", 0)
    expected = citations.cited_in_group(found, "statement").iloc[0]
    at.selectbox(key="cited_statement_choice").set_value(0).run()
    at.button(key="cited_statement_open").click().run()
    assert not at.exception, [e.value for e in at.exception]
    day = dict(parse_qsl(urlsplit(expected.links[0]).query))["date"]
    assert at.date_input(key="ledger_day").value.isoformat() == day


# ------------------------------------------------------------------------------------------- in a browser
@pytest.fixture(scope="module")
def hostile_data_dir(tmp_path_factory):
    """The repository's data, with notes that try to load an image, run a script and make links."""
    folder = tmp_path_factory.mktemp("data")
    for entry in (REPO_ROOT / "data").iterdir():
        if entry.name != "SOURCES.md":
            (folder / entry.name).symlink_to(entry, target_is_directory=entry.is_dir())
    (folder / "SOURCES.md").write_text(HOSTILE_NOTES, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def base_url(hostile_data_dir):
    with streamlit_server(REPO_ROOT / "app.py", env={"KCM_DATA_DIR": str(hostile_data_dir)}) as url:
        yield url




def grid(page, group: str):
    return page.locator(f".st-key-cited_{group.replace(' ', '_')} [role=grid]")


@pytest.mark.browser
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_sources_page_in_a_browser(browse, base_url, found, size):
    viewport = DESKTOP if size == "desktop" else PHONE
    page = browse(viewport)
    page.goto(f"{base_url}/sources?date=2020-11-10&claim=c04&utm_source=elsewhere")
    tabs = page.get_by_role("tab")
    tabs.first.wait_for(timeout=FIRST_LOAD_MS)
    # The link's parameters go once the page is drawn: the page has none of its own.
    page.wait_for_function("() => location.search === ''", timeout=STEP_MS)
    assert urlsplit(page.url).path == "/sources"
    SHOTS.mkdir(exist_ok=True)
    counts = citations.group_counts(found)
    assert tabs.count() == len(citations.GROUPS)
    for index, group in enumerate(citations.GROUPS):
        tabs.nth(index).click()
        shown = page.locator(f".st-key-cited_{group.replace(' ', '_')}")
        shown.wait_for(state="visible", timeout=STEP_MS)
        # The grid draws on a canvas; its accessible table (hidden) holds the rows it has drawn.
        table = grid(page, group)
        assert table.get_attribute("aria-rowcount") == str(counts[group] + 1)  # its rows and the header
        first = citations.cited_in_group(found, group).iloc[0]
        table.locator("[role=gridcell]").first.wait_for(state="attached", timeout=STEP_MS)
        assert first.outlet in table.text_content()
        assert shown.bounding_box()["width"] <= viewport["width"]
        if index == 0:
            page.screenshot(path=str(SHOTS / f"sources-{size}.png"))

    # Select the first source of the events and open the first thing that cites it.
    tabs.nth(0).click()
    box = page.locator(".st-key-cited_events").bounding_box()
    page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)  # the first row's checkbox, under the header
    detail = page.locator(".st-key-cited_events_detail")
    detail.locator(".st-key-cited_events_open button").wait_for(state="visible", timeout=STEP_MS)
    detail.locator(".st-key-cited_events_choice").get_by_text("Open one of them").wait_for(timeout=STEP_MS)
    detail.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / f"sources-{size}-selected.png"))
    assert detail.locator("a").first.get_attribute("href").startswith("http")

    # The notes: plain text, nothing loaded from them, no script run.
    notes = page.locator("[data-testid=stExpander]").filter(has_text="The full notes")
    notes.locator("summary").click()
    code = notes.locator("code")
    code.wait_for(state="visible", timeout=STEP_MS)
    assert "![tracker](https://evil.example/pixel.png)" in code.inner_text()
    assert page.locator('img[src*="evil.example"], a[href*="evil.example"]').count() == 0
    assert page.evaluate("() => window.kcmRan === undefined")
    notes.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / f"sources-{size}-notes.png"))

    # A thing that cites the page opens in this tab, at its view.
    detail.scroll_into_view_if_needed()
    detail.get_by_role("button", name=re.compile("Open on the map|Open in the ledger")).click()
    page.wait_for_function("() => location.pathname === '/' || location.pathname === '/ledger'",
                           timeout=FIRST_LOAD_MS)
    link = citations.cited_in_group(found, "events").iloc[0].links[0]
    wanted = dict(parse_qsl(urlsplit(link).query))
    page.wait_for_function("(day) => new URLSearchParams(location.search).get('date') === day",
                           arg=wanted["date"], timeout=FIRST_LOAD_MS)
    assert len(page.context.pages) == 1
