"""Claims joined to the map: names resolve in every form, and the spatial join agrees with the explicit links."""
import json

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


# --- verdicts in hindsight: checked on load -----------------------------------------------------------

SOURCE = {"outlet": "Example outlet", "published": "2024-04-17", "title": "A report", "url": "https://example.org/a"}


def _small_ledger() -> dict:
    """Nine points, each in force from the statement's day; point 3 also ends early in 2024."""
    points = [{"number": n, "title": f"Point {n}", "changes": [
        {"date": "2020-11-10", "status": "in_force", "by": "the statement", "sources": [SOURCE]}]}
        for n in range(1, 10)]
    points[2]["changes"].append({"date": "2024-04-17", "status": "ended_early", "by": "a report", "sources": [SOURCE]})
    return {"statement": {"in_force": "2020-11-10", "sources": [SOURCE]}, "points": points}


def _small_claims(tmp_path, **hindsight):
    """A claims file of one claim (the article's headline) beside a copy of the article and a small ledger,
    with its hindsight changed by `hindsight`."""
    real = json.loads(claims_mod.CLAIMS.read_text(encoding="utf-8"))
    (tmp_path / "article").mkdir(exist_ok=True)
    for name in ("sputnik-2020-11-24.txt", "sputnik-2020-11-24.meta.json"):
        (tmp_path / "article" / name).write_bytes((claims_mod.CLAIMS.parent / "article" / name).read_bytes())
    (tmp_path / "curated").mkdir(exist_ok=True)
    (tmp_path / "curated" / "statement.json").write_text(json.dumps(_small_ledger()), encoding="utf-8")
    headline = real["claims"][0]
    claim = {**headline, "hindsight": {"verdict": "overtaken", "settled": "2024-04-17", "reason": "Later events.",
                                       "ledger": [{"point": 3, "date": "2024-04-17"}], "sources": [SOURCE],
                                       **hindsight}}
    document = {k: real[k] for k in ("article", "verdicts", "hindsight_verdicts", "claim_types")}
    path = tmp_path / "claims.json"
    path.write_text(json.dumps({**document, "claims": [claim]}), encoding="utf-8")
    return path


def test_a_sound_hindsight_loads_and_travels_with_the_records(tmp_path):
    loaded = claims_mod.load_claims(_small_claims(tmp_path))
    (record,) = claims_mod.to_records(loaded)
    assert record["hindsight"]["verdict"] == "overtaken" and record["hindsight"]["ledger"] == [
        {"point": 3, "date": "2024-04-17"}]
    assert claims_mod.settled_day(record["hindsight"]).isoformat() == record["hindsight"]["settled"]
    assert set(claims_mod.hindsight_meanings()) == set(claims_mod.HINDSIGHT_VERDICTS)


@pytest.mark.parametrize("hindsight, problem", [
    ({"verdict": "vindicated"}, "hindsight verdict 'vindicated' is not one of"),
    ({"settled": "2024-13-01"}, "settled date '2024-13-01' is not YYYY-MM-DD"),
    ({"settled": "17 Apr 2024"}, "is not YYYY-MM-DD"),
    ({"settled": "2020-11-01"}, "settled date 2020-11-01 is outside"),
    ({"settled": "2027-01-01"}, "settled date 2027-01-01 is outside"),
    ({"verdict": "still_open"}, "still open, so it has no settled date"),
    ({"ledger": [{"point": 3, "date": "2024-04-18"}]}, "change of the statement's ledger that does not exist"),
    ({"ledger": [{"point": 10, "date": "2020-11-10"}]}, "change of the statement's ledger that does not exist"),
    ({"ledger": [{"point": "3", "date": "2024-04-17"}]}, "change of the statement's ledger that does not exist"),
    ({"sources": [{**SOURCE, "url": "javascript:alert(1)"}]}, "url 'javascript:alert\\(1\\)' is not an http"),
    ({"sources": [{**SOURCE, "url": "ftp://example.org/a"}]}, "is not an http\\(s\\) address"),
    ({"sources": [{"outlet": "Example outlet", "url": "https://example.org/a"}]}, "source 1 needs outlet"),
    ({"sources": []}, "'overtaken' needs at least one source"),
    ({"reason": " "}, "needs a reason"),
])
def test_a_bad_hindsight_is_refused_naming_the_claim(tmp_path, hindsight, problem):
    path = _small_claims(tmp_path, **hindsight)
    with pytest.raises(DataFileError, match=f"claims.json.*claim 'c01'.*{problem}"):
        claims_mod.load_claims(path)


def test_a_claim_that_stands_may_need_no_later_source(tmp_path):
    path = _small_claims(tmp_path, verdict="stands", settled=None, ledger=[], sources=[])
    assert claims_mod.load_claims(path).hindsight[0]["sources"] == []


def test_a_claim_without_hindsight_or_ledger_is_refused(tmp_path):
    path = _small_claims(tmp_path)
    document = json.loads(path.read_text(encoding="utf-8"))
    del document["claims"][0]["hindsight"]
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(DataFileError, match="claim 'c01' lacks fields \\['hindsight'\\]"):
        claims_mod.load_claims(path)
    path = _small_claims(tmp_path)
    (tmp_path / "curated" / "statement.json").unlink()
    with pytest.raises(DataFileError, match="statement.json.*missing"):
        claims_mod.load_claims(path)


def test_the_committed_claims_name_ledger_changes_that_exist(claims):
    from geo import statement

    changes = {(p["number"], c["date"]) for p in statement.load()["points"] for c in p["changes"]}
    assert all(h["verdict"] in claims_mod.HINDSIGHT_VERDICTS for h in claims.hindsight)
    assert all((r["point"], r["date"]) in changes for h in claims.hindsight for r in h["ledger"])
