"""Checks on the article copy, its provenance record and the claims table (data only: json + stdlib).

The JSON Schema in data/claims.schema.json is checked by hand here (its enums and required fields must
match the sets below); if the optional `jsonschema` package happens to be importable, one extra test
also validates claims.json against it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from pathlib import Path

import pytest

from geo import settlements

DATA = Path(__file__).resolve().parents[1] / "data"
ARTICLE = DATA / "article" / "sputnik-2020-11-24.txt"
META = DATA / "article" / "sputnik-2020-11-24.meta.json"
CLAIMS = DATA / "claims.json"
SCHEMA = DATA / "claims.schema.json"
STATEMENT = DATA / "curated" / "statement.json"

WINDOW = (dt.date(2020, 9, 27), dt.date(2020, 12, 1))
VERDICTS = {"consistent", "imprecise", "unverified", "contradicted"}
HINDSIGHT_VERDICTS = {"stands", "overtaken", "did_not_hold", "partly_held", "still_open"}
# A verdict in hindsight is settled between the article's day and the end of the year of the latest sources.
HINDSIGHT_SPAN = (dt.date(2020, 11, 24), dt.date(2026, 12, 31))
TYPES = {"event", "agreement_term", "diplomacy", "territorial_control", "figure", "background"}
LAYERS = {
    "nkao_1991", "contact_line_1994", "armenian_held_1994", "captured", "ceded",
    "peacekeeping_zone", "lachin_corridor", "places", "transport_links",
}
PLACES = {
    "place_stepanakert", "place_shusha", "place_lachin", "place_kalbajar", "place_agdam", "place_hadrut",
    "place_martuni", "place_martakert", "place_askeran", "place_khojaly", "place_goris", "place_kornidzor",
    "place_jabrayil", "place_fuzuli", "place_zangilan", "place_qubadli", "place_yerevan", "place_baku",
}
# Non-place feature id -> the layer it is drawn in.
FEATURE_LAYER = {
    "nkao_1991": "nkao_1991",
    "contact_line_1994": "contact_line_1994",
    **{f"held_{d}": "armenian_held_1994"
       for d in ("nkao", "kalbajar", "lachin", "qubadli", "jabrayil", "zangilan", "agdam", "fuzuli")},
    # Groups: every cell of a district's land taken settlement by settlement (geo.claims.feature_groups).
    **{f"captured_{d}": "captured" for d in ("jabrayil", "khojavend", "fuzuli", "zangilan", "qubadli", "shusha")},
    **{f"ceded_{d}": "ceded" for d in ("agdam", "kalbajar", "lachin")},
    "peacekeeping_zone": "peacekeeping_zone",
    "lachin_corridor": "lachin_corridor",
    "nakhchivan_link": "transport_links",
    "new_corridor_route": "transport_links",
    **{p: "places" for p in PLACES},
}
FEATURES = set(FEATURE_LAYER)
# Polygons known to contain Stepanakert from the ceasefire on (layer -> feature).
STEPANAKERT_IN = {
    "nkao_1991": "nkao_1991",
    "armenian_held_1994": "held_nkao",
    "peacekeeping_zone": "peacekeeping_zone",
    "lachin_corridor": "lachin_corridor",
}
CLAIM_FIELDS = [
    "id", "quote", "span", "type", "summary", "dates", "map_date", "places", "layers", "features",
    "verdict", "reason", "reference", "hindsight",
]
HINDSIGHT_FIELDS = ["verdict", "settled", "reason", "ledger", "sources"]
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@pytest.fixture(scope="module")
def text() -> str:
    return ARTICLE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def data() -> dict:
    return json.loads(CLAIMS.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def claims(data) -> list[dict]:
    return data["claims"]


@pytest.fixture(scope="module")
def schema() -> dict:
    return json.loads(SCHEMA.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def ledger() -> dict:
    return json.loads(STATEMENT.read_text(encoding="utf-8"))


def _changes(ledger, number, status=None) -> list[dict]:
    """The ledger's changes of a point, in date order, optionally only those to a status."""
    point = next(p for p in ledger["points"] if p["number"] == number)
    return [c for c in point["changes"] if status is None or c["status"] == status]


def _by_quote(claims, fragment):
    found = [c for c in claims if fragment in c["quote"]]
    assert found, f"no claim quotes {fragment!r}"
    return found


# --- article copy and provenance ------------------------------------------------------------------

def test_article_sha256_matches_meta():
    meta = json.loads(META.read_text(encoding="utf-8"))
    assert hashlib.sha256(ARTICLE.read_bytes()).hexdigest() == meta["sha256"]


def test_meta_fields(text):
    meta = json.loads(META.read_text(encoding="utf-8"))
    assert meta["publisher"] == "Sputnik"
    assert meta["date_published"] == "2020-11-24"
    assert meta["language"] == "en"
    # The article's address: Sputnik's own page of that day, named by its headline.
    slug = re.sub(r"[^a-z0-9]+", "-", meta["title"].lower()).strip("-")
    assert re.fullmatch(rf"https://sputnikglobe\.com/(amp/)?20201124/{slug}-\d+\.html", meta["url"]), meta["url"]
    assert meta["url_note"]
    assert meta["source_file"] == "000_69bebb4d7b4def2e.txt"
    assert meta["title"] in text.splitlines()
    assert meta["rights"] and "Sputnik" in meta["rights"]
    assert meta["characters"] == len(text)
    assert meta["bytes"] == len(ARTICLE.read_bytes())


def test_article_keeps_original_typos(text):
    for typo in ("looke into", "Sopviet", "terrotory"):
        assert typo in text


# --- top level --------------------------------------------------------------------------------------

def test_top_level(data):
    assert set(data) == {"article", "verdicts", "hindsight_verdicts", "claim_types", "claims"}
    assert (DATA / data["article"]).resolve() == ARTICLE.resolve()
    assert set(data["verdicts"]) == VERDICTS
    assert set(data["hindsight_verdicts"]) == HINDSIGHT_VERDICTS
    assert set(data["claim_types"]) == TYPES
    for meaning in [*data["verdicts"].values(), *data["hindsight_verdicts"].values(), *data["claim_types"].values()]:
        assert isinstance(meaning, str) and meaning.strip() and "\n" not in meaning
    assert 15 <= len(data["claims"]) <= 30


# --- claims -----------------------------------------------------------------------------------------

def test_fields_exact(claims):
    for c in claims:
        assert list(c) == CLAIM_FIELDS, c.get("id")


def test_ids_unique_and_sequential(claims):
    ids = [c["id"] for c in claims]
    assert len(set(ids)) == len(ids)
    assert ids == [f"c{i:02d}" for i in range(1, len(claims) + 1)]


def test_quotes_equal_article_slices(text, claims):
    for c in claims:
        start, end = c["span"]
        assert isinstance(start, int) and isinstance(end, int)
        assert 0 <= start < end <= len(text), c["id"]
        assert text[start:end] == c["quote"], c["id"]
        assert c["quote"] == c["quote"].strip(), c["id"]


def test_spans_in_article_order(claims):
    starts = [c["span"][0] for c in claims]
    assert starts == sorted(starts)
    assert len(set(starts)) == len(starts)


def test_enumerations(claims):
    for c in claims:
        assert c["type"] in TYPES, c["id"]
        assert c["verdict"] in VERDICTS, c["id"]
        for key, allowed in (("layers", LAYERS), ("places", PLACES), ("features", FEATURES)):
            assert isinstance(c[key], list), c["id"]
            assert set(c[key]) <= allowed, (c["id"], key, set(c[key]) - allowed)
            assert len(set(c[key])) == len(c[key]), (c["id"], key)


def test_dates_parse_and_map_date_in_window(claims):
    for c in claims:
        for d in [*c["dates"], c["map_date"]]:
            assert ISO_DATE.match(d), (c["id"], d)
            dt.date.fromisoformat(d)
        assert WINDOW[0] <= dt.date.fromisoformat(c["map_date"]) <= WINDOW[1], c["id"]


def test_text_fields_non_empty(claims):
    for c in claims:
        assert c["summary"].strip(), c["id"]
        assert c["reason"].strip(), c["id"]
        assert len(c["reason"]) <= 200, c["id"]
        assert "\n" not in c["reason"], c["id"]
        assert c["reference"] and all(isinstance(r, str) and r.strip() for r in c["reference"]), c["id"]
        assert "brief" not in c["reason"].lower(), c["id"]  # a reader cannot open an internal document


def test_every_verdict_cites_public_sources_with_their_address(claims):
    sources = settlements.load().sources
    for c in claims:
        assert all(r in sources.index for r in c["reference"]), (c["id"], set(c["reference"]) - set(sources.index))
        assert all(sources.loc[r, "url"].startswith(("https://", "http://")) for r in c["reference"]), c["id"]


def test_claim_groups_stand_for_cells_of_their_district(claims):
    from geo import claims as claims_mod, layers as layers_mod

    layers = layers_mod.load_layers()
    groups = claims_mod.feature_groups(layers)
    cells = layers["captured"].set_index("id")
    for c in claims:
        for f in c["features"]:
            if f.startswith("captured_"):
                assert f in groups and all(cells.loc[m, "group"] == f for m in groups[f]), f


def test_features_lie_in_the_claims_layers(claims):
    for c in claims:
        for f in c["features"]:
            assert FEATURE_LAYER[f] in c["layers"], (c["id"], f)


def test_places_are_features_and_need_places_layer(claims):
    for c in claims:
        assert set(c["places"]) <= set(c["features"]), c["id"]
        if c["places"]:
            assert "places" in c["layers"], c["id"]


def test_stepanakert_lists_its_containing_polygons(claims):
    for c in claims:
        if "place_stepanakert" in c["places"] and c["map_date"] >= "2020-11-10":
            for layer, feature in STEPANAKERT_IN.items():
                if layer in c["layers"]:
                    assert feature in c["features"], (c["id"], feature)


# --- verdicts the public sources settle -------------------------------------------------------------

def test_known_verdicts(claims):
    assert {c["verdict"] for c in _by_quote(claims, "overseen by the Russian peacekeeper")} == {"contradicted"}
    # 121: the Armenian government's list of communities lost in the fighting and by the statement together.
    assert {c["verdict"] for c in _by_quote(claims, "121 settlements") if c["type"] == "figure"} == {"imprecise"}
    # Agenzia Nova and Nouvelles d'Armenie date the two calls to 23 and 24 Nov.
    assert {c["verdict"] for c in _by_quote(claims, "23 November and 24 November")} == {"consistent"}
    # The Kremlin: the leaders "touched upon issues of economic interaction" - not "dwelled on major" ones.
    assert {c["verdict"] for c in _by_quote(claims, "dwelled on major economic issues")} == {"imprecise"}
    assert {c["verdict"] for c in _by_quote(claims, "were ceded")} == {"imprecise"}
    assert {c["verdict"] for c in _by_quote(claims, "the sides to the conflict, Armenia and Azerbaijan")} == {
        "imprecise"}
    assert {c["verdict"] for c in _by_quote(claims, "collapse of the Sopviet Union")} == {"imprecise"}
    assert all("2020-09-27" in c["dates"] for c in _by_quote(claims, "late September"))


# --- verdicts in hindsight ---------------------------------------------------------------------------

def test_every_claim_has_a_verdict_in_hindsight(claims, ledger):
    changes = {(p["number"], c["date"]) for p in ledger["points"] for c in p["changes"]}
    for c in claims:
        hindsight = c["hindsight"]
        assert list(hindsight) == HINDSIGHT_FIELDS, c["id"]
        assert hindsight["verdict"] in HINDSIGHT_VERDICTS, c["id"]
        if hindsight["settled"] is not None:
            assert ISO_DATE.match(hindsight["settled"]), c["id"]
            assert HINDSIGHT_SPAN[0] <= dt.date.fromisoformat(hindsight["settled"]) <= HINDSIGHT_SPAN[1], c["id"]
        if hindsight["verdict"] == "still_open":
            assert hindsight["settled"] is None, c["id"]
        for ref in hindsight["ledger"]:
            assert (ref["point"], ref["date"]) in changes, (c["id"], ref)
        if not hindsight["sources"]:  # only a claim later events leave as it was needs no later source
            assert hindsight["verdict"] == "stands" and hindsight["settled"] is None, c["id"]
        for source in hindsight["sources"]:
            assert set(source) == {"outlet", "published", "title", "url"}, c["id"]
            assert source["url"].startswith(("https://", "http://")), c["id"]
            assert source["published"] == "" or ISO_DATE.match(source["published"]), c["id"]


def test_hindsight_reasons_are_for_readers(claims):
    for c in claims:
        reason = c["hindsight"]["reason"]
        assert reason.strip() and "\n" not in reason and len(reason) <= 420, c["id"]
        # A reader cannot open an internal document.
        assert not re.search(r"\b(brief|reference|ledger)\b", reason, re.IGNORECASE), c["id"]
        if not c["hindsight"]["sources"]:
            assert "no later source" in reason, c["id"]  # says why none is given


def test_hindsight_sources_agree_with_the_ledger(claims, ledger):
    """A later page that the statement's ledger also cites is described as the ledger describes it."""
    cited = {s["url"]: s for p in ledger["points"] for c in p["changes"] for s in c["sources"]}
    for c in claims:
        for source in c["hindsight"]["sources"]:
            if source["url"] in cited:
                assert source == {k: cited[source["url"]].get(k, "") for k in source}, (c["id"], source["url"])


def test_the_peacekeepers_two_verdicts(claims, ledger):
    """Deployed as the article says; the five-year term was cut short in 2024."""
    in_force = dt.date.fromisoformat(ledger["statement"]["in_force"])
    term_end = in_force.replace(year=in_force.year + 5)
    ended_early = _changes(ledger, 4, "ended_early")[0]
    for claim in _by_quote(claims, "deployed its peacekeepers"):
        hindsight = claim["hindsight"]
        assert claim["verdict"] in {"consistent", "imprecise"}
        assert hindsight["verdict"] == "overtaken", claim["id"]
        settled = dt.date.fromisoformat(hindsight["settled"])
        assert settled.year == 2024 and settled < term_end, claim["id"]
        assert settled == dt.date.fromisoformat(ended_early["date"]), claim["id"]
        assert hindsight["sources"], claim["id"]


def test_the_corridors_two_verdicts(claims, ledger):
    """On 24 Nov the corridor linked Stepanakert with Armenia; from the blockade of Dec 2022 it did not."""
    broken = _changes(ledger, 6, "broken")
    (claim,) = _by_quote(claims, "Lachin corridor, which connects")
    assert claim["verdict"] == "consistent"
    assert claim["hindsight"]["verdict"] == "overtaken"
    assert claim["hindsight"]["settled"] == broken[0]["date"] and broken[0]["date"].startswith("2022-12")
    assert {"point": 6, "date": broken[0]["date"]} in claim["hindsight"]["ledger"]


def test_the_return_of_the_displaced_in_hindsight(claims, ledger):
    (agreed,) = _by_quote(claims, "safe return of hitherto displaced")
    assert agreed["verdict"] == "consistent" and agreed["hindsight"]["verdict"] == "partly_held"
    assert agreed["hindsight"]["settled"] is None  # returns still under way by the latest sources
    assert {r["date"] for r in agreed["hindsight"]["ledger"]} <= {c["date"] for c in _changes(ledger, 7)}
    (overseen,) = _by_quote(claims, "overseen by the Russian peacekeeper")
    assert overseen["verdict"] == "contradicted" and overseen["hindsight"]["verdict"] == "did_not_hold"


def test_what_stands(claims, ledger):
    # A report of the calls: nothing later touches it, so it needs neither a settling day nor a later source.
    (calls,) = _by_quote(claims, "23 November and 24 November")
    assert calls["verdict"] == "consistent"
    assert calls["hindsight"]["verdict"] == "stands"
    assert calls["hindsight"]["settled"] is None and not calls["hindsight"]["sources"]
    # Ran ahead of events on 24 Nov; borne out when Lachin district was handed over.
    (ceded,) = _by_quote(claims, "were ceded")
    lachin = [c for c in _changes(ledger, 6, "done") if c["date"] < "2021-01-01"][-1]
    assert ceded["verdict"] == "imprecise" and ceded["hindsight"]["verdict"] == "stands"
    assert ceded["hindsight"]["settled"] == lachin["date"]


def test_the_vocabulary_fits_the_claims(claims):
    used = {c["hindsight"]["verdict"] for c in claims}
    assert used <= HINDSIGHT_VERDICTS
    assert {"stands", "overtaken", "did_not_hold", "partly_held"} <= used


# --- schema -----------------------------------------------------------------------------------------

def test_schema_matches_the_data_rules(schema):
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert set(schema["required"]) == {"article", "verdicts", "hindsight_verdicts", "claim_types", "claims"}
    assert set(schema["properties"]["hindsight_verdicts"]["required"]) == HINDSIGHT_VERDICTS
    hindsight = schema["$defs"]["hindsight"]
    assert hindsight["required"] == HINDSIGHT_FIELDS and hindsight["additionalProperties"] is False
    assert set(hindsight["properties"]["verdict"]["enum"]) == HINDSIGHT_VERDICTS
    settled_re = re.compile(hindsight["properties"]["settled"]["oneOf"][0]["allOf"][1]["pattern"])
    for day, inside in ((HINDSIGHT_SPAN[0], True), (HINDSIGHT_SPAN[1], True),
                        (HINDSIGHT_SPAN[0] - dt.timedelta(days=1), False),
                        (HINDSIGHT_SPAN[1] + dt.timedelta(days=1), False)):
        assert bool(settled_re.match(day.isoformat())) is inside, day
    claim = schema["$defs"]["claim"]
    props = claim["properties"]
    assert claim["required"] == CLAIM_FIELDS and set(props) == set(CLAIM_FIELDS)
    assert claim["additionalProperties"] is False
    assert set(props["type"]["enum"]) == TYPES
    assert set(props["verdict"]["enum"]) == VERDICTS
    assert set(props["layers"]["items"]["enum"]) == LAYERS
    assert set(props["places"]["items"]["enum"]) == PLACES
    assert set(props["features"]["items"]["enum"]) == FEATURES
    id_re = re.compile(props["id"]["pattern"])
    assert id_re.match("c07") and not id_re.match("c7") and not id_re.match("claim01")
    date_re = re.compile(schema["$defs"]["date"]["pattern"])
    assert date_re.match("2020-11-24") and not date_re.match("24 Nov 2020") and not date_re.match("2020-13-01")
    window_re = re.compile(props["map_date"]["allOf"][1]["pattern"])
    day = WINDOW[0]
    while day <= WINDOW[1]:
        assert window_re.match(day.isoformat()), day
        day += dt.timedelta(days=1)
    for outside in ("2020-09-26", "2020-12-02", "2021-11-10"):
        assert not window_re.match(outside)


def test_claims_validate_against_schema(schema, data):
    import jsonschema  # a test dependency (pyproject's `test` extra)

    jsonschema.Draft202012Validator.check_schema(schema)
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(data))
    assert not errors, [e.message for e in errors]
