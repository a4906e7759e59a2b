"""Claims joined to the map: names resolve in every form, and the spatial join agrees with the explicit links."""
import pytest

from geo import claims as claims_mod
from geo import gazetteer
from geo.errors import DataFileError

POLYGON_LAYERS = {"nkao_1991", "armenian_held_1994", "captured", "ceded", "peacekeeping_zone", "lachin_corridor"}


@pytest.mark.parametrize("name, place", [
    ("Stepanakert", "place_stepanakert"), ("Khankendi", "place_stepanakert"), ("Xankəndi", "place_stepanakert"),
    ("Ստեփանակերտ", "place_stepanakert"), ("Ханкенди", "place_stepanakert"),
    ("Lachin", "place_lachin"), ("Berdzor", "place_lachin"), ("Laçın", "place_lachin"), ("Lacin", "place_lachin"),
    ("Shushi", "place_shusha"), ("Karvachar", "place_kalbajar"), ("Akna", "place_agdam"),
    ("Khojavend", "place_martuni"), ("Aghdara", "place_martakert")])
def test_every_name_form_resolves_to_one_place(layers, name, place):
    assert gazetteer.resolve(name, layers["places"]) == place


def test_places_named_in_a_sentence(layers):
    text = "Peacekeepers drove from Khankendi to Berdzor, not through Şuşa."
    assert gazetteer.places_named_in(text, layers["places"]) == ["place_stepanakert", "place_lachin", "place_shusha"]


def test_every_listed_place_is_named_in_its_quote(claims, layers):
    for claim in claims.itertuples():
        found = gazetteer.places_named_in(claim.quote, layers["places"])
        assert set(claim.places) <= set(found), claim.id


def test_spatial_join_agrees_with_the_explicit_links(claims, layers):
    joined = claims_mod.place_joins(claims, layers)
    assert not joined.empty
    for claim in claims.itertuples():
        found = set(joined.loc[joined.claim == claim.id, "feature"])
        explicit = {f for f in claim.features if f in set().union(*(set(layers[l].id) for l in POLYGON_LAYERS))}
        assert found <= set(claim.features), (claim.id, found - set(claim.features))
        for place in claim.places:
            assert place in claim.features, (claim.id, place)
            polygon_layers = set(claim.layers) & POLYGON_LAYERS
            if polygon_layers:
                # A named place must fall in at least one explicitly linked polygon of the claim's layers.
                assert set(joined.loc[(joined.claim == claim.id) & (joined.place == place), "feature"]) & explicit


def test_corridor_claim_joins_stepanakert_to_the_corridor(claims, layers):
    joined = claims_mod.place_joins(claims, layers)
    corridor_claims = set(joined.loc[(joined.place == "place_stepanakert") & (joined.feature == "lachin_corridor"),
                                     "claim"])
    assert corridor_claims, "Stepanakert should fall in the corridor on the corridor claim's date"


def test_claims_of_a_day(claims, layers):
    from geo import state
    before = claims_mod.claims_on(claims, state.state_on(layers, "2020-10-01"), "2020-10-01")
    after = claims_mod.claims_on(claims, state.state_on(layers, "2020-11-24"), "2020-11-24")
    assert len(after) > len(before)
    assert "c23" in set(after.id) and "c23" not in set(before.id)  # the peacekeepers exist from 10 Nov


def test_verdicts_cover_the_known_problems(claims):
    by_id = claims.set_index("id")
    contradicted = by_id[by_id.verdict == "contradicted"]
    assert any("UNHCR" in reason for reason in contradicted.reason)
    assert (claims.verdict == "imprecise").any() and (claims.verdict == "consistent").any()


def test_a_quote_that_moved_is_refused(tmp_path):
    document = (claims_mod.CLAIMS).read_text(encoding="utf-8")
    (tmp_path / "article").mkdir()
    for name in ("sputnik-2020-11-24.txt", "sputnik-2020-11-24.meta.json"):
        (tmp_path / "article" / name).write_bytes((claims_mod.CLAIMS.parent / "article" / name).read_bytes())
    broken = tmp_path / "claims.json"
    broken.write_text(document.replace('"span": [7, 32]', '"span": [8, 33]'), encoding="utf-8")
    with pytest.raises(DataFileError, match="claims.json.*c01.*not the article's text"):
        claims_mod.load_claims(broken)
    broken.write_text(document[:200], encoding="utf-8")
    with pytest.raises(DataFileError, match="not valid JSON"):
        claims_mod.load_claims(broken)
