"""Shared fixtures: the committed layers, loaded once per test session."""
import pytest

from browser_support import launch_chromium

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
