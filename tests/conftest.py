"""Shared fixtures: the committed layers, loaded once per test session."""
import pytest

import re
from urllib.parse import urlsplit

from browser_support import block_outside_requests, launch_chromium

from geo import claims as claims_mod
from geo import layers as layers_mod
from geo import state


@pytest.fixture(scope="session")
def layers():
    return layers_mod.load_layers()


@pytest.fixture(scope="session")
def base():
    return layers_mod.load_base()


@pytest.fixture(scope="session")
def zone(base):
    return state.conflict_zone(base)


@pytest.fixture(scope="session")
def claims():
    return claims_mod.load_claims()


@pytest.fixture(scope="session")
def places(layers):
    return layers["places"].set_index("id")


@pytest.fixture(scope="session")
def where_town(layers, base, zone, places):
    """`where` asked at a key place's point, or at a settlement's gazetteer point (its cell's settlement)."""
    settlements = layers["settlements"].set_index("id")

    def ask(town: str, day: str) -> dict:
        point = (places if town in places.index else settlements).loc[town].geometry
        return state.where(layers, zone, point.y, point.x, day, cells=base["cells"])
    return ask


@pytest.fixture(scope="session")
def chromium():
    """One headless Debian Chromium for every browser test (each test takes a fresh context)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


# Streamlit's frontend probes these and takes a 404 for "not there": not a failure of the page.
STREAMLIT_PROBE = re.compile(r"^/[^/]+(?:/[^/]+)*/_stcore/(?:health|host-config)$")


@pytest.fixture
def browse(chromium):
    """browse(viewport) -> a page in a fresh context where every request that would leave this machine is
    aborted. At the end of the test each page must have tried no outside request, thrown no script error and
    had no failed response (HTTP 400 and above, Streamlit's own probes aside)."""
    made = []

    def make(viewport):
        ctx = chromium.new_context(viewport=viewport)
        ctx.kcm_blocked = block_outside_requests(ctx)
        page = ctx.new_page()
        page.kcm_errors, page.kcm_failed = [], []
        page.on("pageerror", lambda e: page.kcm_errors.append(str(e)))
        page.on("response", lambda r: page.kcm_failed.append((r.status, r.url)) if r.status >= 400 and not (
            r.status == 404 and STREAMLIT_PROBE.match(urlsplit(r.url).path)) else None)
        made.append((ctx, page))
        return page

    yield make
    for ctx, page in made:
        assert ctx.kcm_blocked == [], ctx.kcm_blocked
        assert page.kcm_errors == [], page.kcm_errors
        assert page.kcm_failed == [], page.kcm_failed
        ctx.close()
