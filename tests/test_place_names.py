"""Place names in the reader's language: English, Azerbaijani, Armenian or Russian on the map and in its popups,
kept in the address; the page's own text stays English. A place with no name in that language shows its
English name, marked as such."""
from __future__ import annotations

import json

import pytest

from browser_support import REPO_ROOT, streamlit_server
from geo import mapdata
from geo import view as view_mod

FIRST_LOAD_MS = 60_000
STEP_MS = 20_000
DESKTOP = {"width": 1400, "height": 900}
PHONE = {"width": 390, "height": 844}
# Around Stepanakert/Khankendi and Shusha/Shushi at a zoom that labels the key places.
AROUND_STEPANAKERT = "lat=39.8200&lon=46.7500&zoom=11"


def test_each_language_has_the_names_the_data_give_and_no_empty_ones(layers, base):
    names = mapdata.place_names(layers, base)
    assert set(names) == set(view_mod.LANGUAGES) - {"en"}
    places = layers["places"].set_index("id")
    assert names["az"]["place_stepanakert"] == places.loc["place_stepanakert", "name_az"] == "Xankəndi"
    assert names["hy"]["place_stepanakert"] == places.loc["place_stepanakert", "name_hy"]
    assert names["ru"]["place_stepanakert"] == places.loc["place_stepanakert", "name_ru"]
    for language, found in names.items():
        for frame in layers.values():
            column = frame[f"name_{language}"]
            named = set(frame.id[column.notna() & column.astype(str).str.strip().ne("")])
            assert named <= set(found)  # every name the layers have
            assert not (set(frame.id) - named) & set(found)  # and none they lack
        assert all(isinstance(n, str) and n == n.strip() and n for n in found.values())


def test_the_dashboard_fetches_a_language_s_names_only_when_chosen(layers, base, claims):
    full = mapdata.bundle(layers, base, claims)
    data, files = mapdata.served_bundle(full, layers)
    assert "place_names" not in data
    assert set(data["place_names_urls"]) == {"az", "hy", "ru"}
    for language, stem in data["place_names_urls"].items():
        assert json.loads(files[stem]) == full["place_names"][language]


# ------------------------------------------------------------------------------------------------ browser
@pytest.fixture(scope="module")
def base_url():
    with streamlit_server(REPO_ROOT / "app.py") as url:
        yield url


def open_map(browse, url, viewport):
    page = browse(viewport)
    page.goto(url)
    return page


def wait_language(page, lang, timeout=FIRST_LOAD_MS):
    page.wait_for_selector(f".kcm-map[data-kcm-lang={lang}]", timeout=timeout)


def label_texts(page) -> list[str]:
    return page.locator(".kcm-map .kcm-place-label").all_inner_texts()


def popup_title(page, feature_id) -> str:
    """Open a feature's popup through Leaflet (as a click would) and read its title once it has its names."""
    page.evaluate("(id) => { const c = KCM.controllers[KCM.controllers.length - 1]; const e = c.byId[id];"
                  " (e.layer.getLayers ? e.layer.getLayers()[0] : e.layer).openPopup(); }", feature_id)
    title = page.locator(f".kcm-pop[data-feature='{feature_id}'] .kcm-pop-title")
    title.wait_for(timeout=STEP_MS)
    page.wait_for_function("() => !document.querySelector('.kcm-pop .kcm-pop-loading')", timeout=STEP_MS)
    return title.inner_text()


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_link_s_language_names_the_places_on_the_map_and_in_popups(browse, base_url, layers, viewport):
    places = layers["places"].set_index("id")
    page = open_map(browse, f"{base_url}/?date=2020-11-12&{AROUND_STEPANAKERT}&lang=hy", viewport)
    wait_language(page, "hy")
    page.wait_for_function("() => Number(document.querySelector('.kcm-map').getAttribute('data-kcm-labels')) > 0",
                           timeout=STEP_MS)
    shown = label_texts(page)
    assert places.loc["place_stepanakert", "name_hy"] in shown and not any("Stepanakert" in t for t in shown)
    # A place the sources name in English only keeps that name, in italics, never an invented form.
    fallback = page.locator(".kcm-map .kcm-place-label.kcm-name-fallback")
    if fallback.count():
        english = set(layers["settlements"].name_en) | set(places.name_en)
        assert set(fallback.all_inner_texts()) <= english
    assert popup_title(page, "place_shusha") == places.loc["place_shusha", "name_hy"]
    # Every name is still in the popup: the chosen one first.
    rows = page.locator(".kcm-pop[data-feature='place_shusha'] table tr").all_inner_texts()
    assert rows[0].startswith("Armenian") and any(r.startswith("Azerbaijani") for r in rows)
    assert places.loc["place_shusha", "name_az"] in " ".join(rows)
    # The interface stays English.
    assert "Legend" in page.locator(".kcm-map").inner_text()


@pytest.mark.browser
def test_choosing_a_language_in_the_sidebar_renames_the_map_and_is_a_history_entry(browse, base_url, layers):
    places = layers["places"].set_index("id")
    page = open_map(browse, f"{base_url}/?date=2020-11-12&{AROUND_STEPANAKERT}&lang=az", DESKTOP)
    wait_language(page, "az")
    page.wait_for_function("() => Number(document.querySelector('.kcm-map').getAttribute('data-kcm-labels')) > 0",
                           timeout=STEP_MS)
    assert places.loc["place_stepanakert", "name_az"] in label_texts(page)
    map_id = page.locator(".kcm-map").get_attribute("id")
    before = page.evaluate("history.length")
    page.locator("[data-testid=stSidebar] .st-key-lang").get_by_text("Russian (Русский)").click()
    wait_language(page, "ru", timeout=STEP_MS)
    page.wait_for_function("() => new URLSearchParams(location.search).get('lang') === 'ru'", timeout=STEP_MS)
    assert page.evaluate("history.length") == before + 1
    assert places.loc["place_stepanakert", "name_ru"] in label_texts(page)
    assert page.locator(".kcm-map").get_attribute("id") == map_id  # renamed in place, not made again
    assert popup_title(page, "place_stepanakert") == places.loc["place_stepanakert", "name_ru"]
    # Back: the names of the entry before, and the sidebar says so.
    page.go_back()
    wait_language(page, "az", timeout=STEP_MS)
    page.wait_for_function("() => { const all = [...document.querySelectorAll('[data-testid=stSidebar] "
                           ".st-key-lang input[type=radio]')]; return all.length === 4 && all[1].checked; }",
                           timeout=STEP_MS)
    assert places.loc["place_stepanakert", "name_az"] in label_texts(page)
    # A reload keeps the language: it is in the address.
    page.reload()
    wait_language(page, "az")
