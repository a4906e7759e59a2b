"""Shared fixtures: the committed layers, loaded once per test session."""
import pytest

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
