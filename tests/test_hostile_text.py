"""Hostile text through every text path, in a browser at both sizes: the dashboard on a copy of data/ with
markup, template, markdown and spreadsheet syntax planted in every text field a reader sees (tests/hostile_data.py),
and share links carrying the same.

On every page and in every frame: nothing planted runs (no script, no handler, no dialog), nothing is fetched
from outside (the `browse` fixture aborts and records every outside request), markdown makes nothing of it (no
link, image, colour, icon, emoji or formula), and each planted string shows whole, as text. Downloads carry it
inert too: the tables' CSV (formulas made text) and the standalone HTML file.
"""
from __future__ import annotations

import csv
import io
from urllib.parse import quote

import pytest

from geo import dataset
from hostile_data import EVIL, PAYLOAD, hostile_data

pytestmark = pytest.mark.browser

SIZES = [{"width": 1400, "height": 900}, {"width": 390, "height": 844}]
START = PAYLOAD.split(" ")[0]  # the payload's first word: where a planted string starts, whole or not
WAIT_MS = 120_000

# What a planted string would leave in a frame if any context acted on it.
ACTED = """() => ({
    pwned: window.kcmPwned === undefined ? null : String(window.kcmPwned),
    acted: [...document.querySelectorAll('[src*="evil.example"], [href*="evil.example"], [href^="javascript:"], ' +
                                         '[srcdoc*="evil.example"], [onerror], [onload], .katex')]
        .map(e => e.outerHTML.slice(0, 160)),
    text: document.body ? document.body.innerText.replace(/\\u2060/g, '') : ''
})"""
# A planted "</script>" that ended a script early would leave the rest as elements, handlers and all: found
# here. (The standalone file carries its data as JSON inside scripts; only "</script" and "<!--" act there,
# and both are escaped.) Markdown's colours, icons and emoji leave no mark the DOM can be asked for that our own words do not also
# make; they change the text instead (":red[red]" shows as "red"), which the whole-payload count catches.


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    from browser_support import REPO_ROOT, streamlit_server

    folder = hostile_data(tmp_path_factory.mktemp("hostile") / "data")
    # The payload passes every check the loaders make: it reaches the pages rather than being refused.
    assert dataset.load(folder).problems == ()
    with streamlit_server(REPO_ROOT / "app.py", env={"KCM_DATA_DIR": str(folder)}) as url:
        yield url


def inert_text(page) -> str:
    """Every frame's text, once it is checked that nothing planted acted in it (the text as a reader sees it:
    the word joiners that break markdown's shortcodes are invisible)."""
    texts = []
    for frame in page.frames:
        found = frame.evaluate(ACTED)
        assert found["pwned"] is None, (frame.url, found["pwned"])
        assert found["acted"] == [], (frame.url, found["acted"])
        texts.append(found["text"])
    return "\n".join(texts)


def assert_shown_whole(text: str, at_least: int, where: str) -> None:
    """Each planted string shows whole and literally: as many whole payloads as starts of one."""
    assert text.count(PAYLOAD) == text.count(START), (where, text.count(PAYLOAD), text.count(START))
    assert text.count(PAYLOAD) >= at_least, (where, text.count(PAYLOAD))


def csv_of_table(grid) -> list[list[str]]:
    """The rows of a table (a locator) as its toolbar's "Download as CSV" gives them (the file, not the page)."""
    page = grid.page
    grid.evaluate("e => e.scrollIntoView({block: 'center'})")
    grid.hover()  # the toolbar shows on hover; the click goes to the button itself, wherever the page's
    # header or the grid lie over it as the page settles
    with page.expect_download(timeout=WAIT_MS) as download:
        grid.get_by_role("button", name="Download as CSV").dispatch_event("click")
    text = open(download.value.path(), encoding="utf-8-sig").read()
    return list(csv.reader(io.StringIO(text)))


def wait_text(page, selector: str, text: str) -> None:
    """Wait until an element shows `text` as a reader sees it (word joiners are invisible)."""
    page.wait_for_function("([selector, text]) => { const e = document.querySelector(selector); "
                           "return !!e && e.innerText.replace(/\\u2060/g, '').includes(text); }",
                           arg=[selector, text], timeout=WAIT_MS)


def watch(page) -> list[str]:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    # Without the File System Access API, Streamlit's CSV download falls back to a download Playwright sees.
    page.add_init_script("delete window.showSaveFilePicker;")
    return dialogs


@pytest.mark.parametrize("viewport", SIZES, ids=["desktop", "phone"])
def test_planted_text_on_the_map_page_shows_as_text_and_runs_nothing(browse, hostile_server, viewport, tmp_path):
    page = browse(viewport)
    dialogs = watch(page)
    page.goto(hostile_server + "/?date=2020-11-10&claim=c05&layers=captured,settlements,peacekeeping_zone,places")
    page.locator(".kcm-map[data-kcm-date='2020-11-10']").wait_for(timeout=WAIT_MS)
    page.locator(".st-key-claim_c05").wait_for(timeout=WAIT_MS)
    page.locator(".st-key-layer_places input").wait_for(timeout=WAIT_MS)  # the sidebar: once the map has painted
    text = inert_text(page)
    # The headline, the day's events, the layers' names and help, the claim's quote, reason and sources, the
    # legend and the key dates on the map.
    assert_shown_whole(text, 20, "map page")
    assert PAYLOAD in page.locator("[data-testid=stSidebar]").inner_text().replace("\u2060", "")
    assert PAYLOAD in page.locator(".st-key-claim_c05").inner_text().replace("\u2060", "")

    # A place found by a planted name in the map's search box: the list and the page's place panel.
    page.locator(".kcm-search-input").fill("Martakert")
    hit = page.locator(".kcm-search-hit[data-place='aghdara-martakert-tartar']")
    hit.wait_for(timeout=WAIT_MS)
    assert PAYLOAD in hit.inner_text()
    hit.click()
    wait_text(page, ".st-key-selected_place", PAYLOAD)
    # Its tooltip and popup: every name, the status, the history's notes and sources, the quotes.
    page.evaluate("KCM.controller.byId['aghdara-martakert-tartar'].layer.openTooltip()")
    tooltip = page.locator(".leaflet-tooltip", has_text="Martakert")
    assert PAYLOAD in tooltip.inner_text() and tooltip.locator("b").count() == 1  # its own bold name only
    page.evaluate("KCM.controller.byId['aghdara-martakert-tartar'].layer.openPopup()")
    page.locator(".kcm-pop").wait_for()
    page.locator(".kcm-pop .kcm-pop-loading").wait_for(state="detached", timeout=WAIT_MS)
    assert_shown_whole(page.locator(".kcm-pop").inner_text(), 6, "popup")
    assert_shown_whole(inert_text(page), 25, "map page with the place chosen")

    # The statement's nine points under the map: titles, texts, who says what.
    page.locator("[data-testid=stExpander]", has_text="The statement's nine points").locator("summary").click()
    wait_text(page, "[data-testid=stExpanderDetails]", PAYLOAD)
    assert_shown_whole(inert_text(page), 30, "map page with the ledger open")

    # The day's table, downloaded as CSV: every feature's name is text in a spreadsheet.
    page.locator(".st-key-show_table").get_by_text("Table: who held what").click()
    # A table without selection has no key class: the day's table is the second, after the areas'.
    tables = page.locator("[data-testid=stDataFrame]")
    tables.nth(1).wait_for(timeout=WAIT_MS)
    rows = csv_of_table(tables.nth(1))
    assert rows[0][0] == "Feature" and len(rows) > 20
    assert all(row[0].startswith("'" + START) for row in rows[1:]), [row[0][:30] for row in rows[1:4]]

    # The place names in Armenian (fetched when chosen): the labels, and the tooltip.
    page.goto(hostile_server + "/?date=2020-11-10&lang=hy&layers=places&zoom=10")
    page.locator(".leaflet-container[data-kcm-lang='hy']").wait_for(timeout=WAIT_MS)
    page.wait_for_function("() => [...document.querySelectorAll('.kcm-place-label')].some(e => e.innerText.includes('Ստեփանակերտ'))",
                           timeout=WAIT_MS)
    assert_shown_whole(inert_text(page), 3, "map page in Armenian")

    # The standalone file, as the page's button gives it, opened from disk.
    with page.expect_download(timeout=WAIT_MS) as download:
        page.locator(".st-key-export_html button").click()
    saved = tmp_path / "standalone.html"
    download.value.save_as(saved)
    page.goto(saved.as_uri())
    page.locator(".leaflet-container[data-kcm-visible]").wait_for(timeout=WAIT_MS)
    page.locator(".kcm-legend").wait_for(timeout=WAIT_MS)
    assert_shown_whole(inert_text(page), 10, "standalone file")
    assert dialogs == []


@pytest.mark.parametrize("viewport", SIZES, ids=["desktop", "phone"])
def test_planted_text_on_the_claims_sources_and_ledger_pages_shows_as_text(browse, hostile_server, viewport):
    page = browse(viewport)
    dialogs = watch(page)
    # The Claims page: the article with every claim marked (each quote holds a payload), the cards.
    page.goto(hostile_server + "/claims?claim=c05")
    page.locator(".st-key-card_c23").wait_for(timeout=WAIT_MS)
    assert_shown_whole(inert_text(page), 23 * 3, "claims page")

    # The Sources page: SOURCES.md as text (its image and frame never fetched), the licences; the tables' CSV.
    page.goto(hostile_server + "/sources")
    page.get_by_text("How the map was made").wait_for(timeout=WAIT_MS)
    page.locator(".st-key-cited_events").wait_for(timeout=WAIT_MS)
    page.get_by_text("The full notes on sources and method").click()
    page.get_by_text("![tracker]", exact=False).wait_for(timeout=WAIT_MS)
    text = inert_text(page)
    assert_shown_whole(text, 5, "sources page")
    assert f"![tracker](http://{EVIL}/sources.png)" in text
    rows = csv_of_table(page.locator(".st-key-cited_events"))
    titles = [row[rows[0].index("Title")] for row in rows[1:]]
    assert titles and all(title.startswith("'" + START) for title in titles), titles[:3]
    # The grid draws on a canvas; its accessible table holds the rows drawn, as text.
    assert PAYLOAD in page.locator(".st-key-cited_events [role=grid]").text_content()
    # A source selected: its title linked to its address, what cites it, by name.
    box = page.locator(".st-key-cited_events").bounding_box()
    page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)  # the first row's checkbox, under the header
    page.locator(".st-key-cited_events_open button").wait_for(timeout=WAIT_MS)
    assert_shown_whole(page.locator(".st-key-cited_events_detail").inner_text().replace("\u2060", ""), 2,
                       "a source's panel")
    inert_text(page)

    # The ledger: the nine points, their changes, who says so and the sources.
    page.goto(hostile_server + "/ledger?date=2023-09-20")
    page.locator(".st-key-point_9").wait_for(timeout=WAIT_MS)
    assert_shown_whole(inert_text(page), 9 * 2, "ledger page")
    assert dialogs == []


@pytest.mark.parametrize("viewport", SIZES, ids=["desktop", "phone"])
def test_a_hostile_share_link_is_quoted_cut_short_and_leaves_the_address(browse, hostile_server, viewport):
    """The payload in a link's values and in a parameter's name, on each page: a notice quotes a short prefix
    as text, and the address is rewritten to the view shown."""
    page = browse(viewport)
    dialogs = watch(page)
    hostile = quote(PAYLOAD, safe="")
    for path, ready in (("/", ".kcm-map[data-kcm-date='2020-11-24']"), ("/claims", ".st-key-card_c23"),
                        ("/ledger", ".st-key-point_9"), ("/sources", ".st-key-cited_events")):
        page.goto(f"{hostile_server}{path}?date={hostile}&claim={hostile}&type={hostile}&{hostile}=1")
        page.locator(ready).wait_for(timeout=WAIT_MS)
        page.wait_for_function(f"() => !window.location.search.includes({EVIL!r})", timeout=WAIT_MS)
        inert_text(page)
        if path != "/sources":  # the Sources page reads no parameter: it drops them all without a word
            notices = "\n".join(page.locator("[data-testid=stAlert]").all_inner_texts() + page.locator(
                "[data-testid=stCaptionContainer]", has_text="The link also had").all_inner_texts()).replace("\u2060", "")
            # Quoted, as text, and cut short: no notice holds a whole payload.
            assert PAYLOAD[:20] in notices and PAYLOAD not in notices, (path, notices[:300])
    assert dialogs == []
