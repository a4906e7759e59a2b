"""Every source and what cites it (geo.citations): on small synthetic tables, on the real data, and on the
Sources page when the data carry markup."""
import copy
import json
import re
from urllib.parse import parse_qs, urlsplit

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point, box
from streamlit.testing.v1 import AppTest

from geo import citations, exports, settlements, statement
from geo.claims import with_groups_expanded, load_claims
from geo.errors import InvalidInput
from geo.paths import PROVENANCE
from test_app import APP

NEWS = "https://news.example/a"
LATER = "https://later.example/b"
COORDS = "https://wiki.example/Village"


def gazetteer(**over) -> pd.DataFrame:
    row = {"id": "v1", "name_en": "Village / Gyugh", "name_az": "Vilic", "name_hy": "Գյուղ (Nor Gyugh)",
           "name_ru": None, "other_names": None, "district": "D", "lat": 39.5, "lon": 46.5, "coord_url": COORDS,
           "coord_page": "Village (wiki)", "baseline": "armenian_forces", **over}
    return pd.DataFrame([row]).set_index("id", drop=False)


def sources_table(extra=()) -> pd.DataFrame:
    rows = [{"id": "news_a", "outlet": "News", "published": "2020-10-01", "title": "Village taken", "url": NEWS},
            {"id": "wiki_village", "outlet": "Wiki", "published": "", "title": "Village", "url": COORDS},
            {"id": "base_ne", "outlet": "Natural Earth", "published": "", "title": "vectors",
             "url": "https://ne.example/"},
            {"id": "orphan", "outlet": "Nobody", "published": "", "title": "Never cited", "url": "https://o.example/"},
            *extra]
    return pd.DataFrame(rows).set_index("id", drop=False)


def event_log() -> pd.DataFrame:
    return pd.DataFrame([
        {"id": "v1:announced_taken:2020-10-01", "date": "2020-10-01", "date_precision": "day", "subject": "v1",
         "event": "announced_taken", "by": "A ministry", "sources": "news_a", "note": None, "status": None},
        {"id": "ceded_x:handed_over:2020-11-20", "date": "2020-11-20", "date_precision": "day",
         "subject": "ceded_x", "event": "handed_over", "by": "An army", "sources": "news_a;wiki_village",
         "note": None, "status": "handed over: the army entered"}])


def layer_frames() -> dict:
    common = {"name_az": None, "name_hy": None, "name_ru": None, "precision": "approximate"}
    places = gpd.GeoDataFrame([{"id": "v1", "layer": "settlements", "name_en": "Village / Gyugh", **common,
                                "sources": ["base_ne", "news_a"],
                                "timeline": [{"date": None, "sources": ["base_ne"]},
                                             {"date": "2020-10-01", "sources": ["news_a"]}]}],
                              geometry=[Point(46.5, 39.5)], crs="EPSG:4326")
    ceded = gpd.GeoDataFrame([{"id": "ceded_x", "layer": "ceded", "name_en": "District X", **common,
                               "sources": ["news_a", "wiki_village"],
                               "timeline": [{"date": "2020-11-20", "sources": ["news_a", "wiki_village"]}]}],
                             geometry=[box(46.0, 39.0, 46.4, 39.3)], crs="EPSG:4326")
    return {"settlements": places, "ceded": ceded}


def claim_frame() -> pd.DataFrame:
    hindsight = {"verdict": "overtaken", "settled": "2021-01-01", "reason": "r", "ledger": [],
                 "sources": [{"outlet": "Later", "published": "2021-01-01", "title": "Later page", "url": LATER},
                             {"outlet": "News again", "published": "", "title": "Same page", "url": NEWS}]}
    return pd.DataFrame([{"id": "c01", "summary": "The district was handed over.", "map_date": "2020-11-20",
                          "layers": ["ceded"], "features": ["ceded_x"], "reference": ["news_a"],
                          "hindsight": hindsight}])


def ledger_dict() -> dict:
    later = {"outlet": "Later", "published": "2021-01-01", "title": "Later page", "url": LATER}
    return {"statement": {"in_force": "2020-11-10", "sources": [later]},
            "points": [{"number": 1, "title": "Ceasefire", "changes": [
                {"date": "2020-11-10", "status": "in_force", "by": "the statement", "sources": [later]}]}]}


def provenance_dict() -> dict:
    return {"sources": {"ne_package": {"producer": "Natural Earth (1:10m), in a package", "package": "pkg",
                                       "registry": "PyPI", "version": "1.0", "licence": "Public domain",
                                       "licence_url": "https://ne.example/terms", "citation": "Made with NE."}},
            "files": {"base/countries.geojson": {"sources": ["ne_package"], "method": "clipped"},
                      "layers/ceded.geojson": {"sources": ["curated/events.csv"], "method": "drawn"}}}


@pytest.fixture
def synthetic():
    records = settlements.Records(gazetteer(), event_log(), sources_table())
    return records, layer_frames(), claim_frame(), ledger_dict(), provenance_dict()


def rows(found, **match) -> pd.DataFrame:
    table = found.citations
    for column, value in match.items():
        table = table[table[column] == value]
    return table


def query(link: str) -> dict:
    return {k: v[-1] for k, v in parse_qs(urlsplit(link).query).items()}


# ------------------------------------------------------------------------------------------- synthetic
def test_an_event_cites_its_sources_under_events_with_the_places_names_and_a_map_link(synthetic):
    found = citations.collect(*synthetic)
    taken = rows(found, group="events", cited_by_id="v1:announced_taken:2020-10-01")
    assert list(taken.source_id) == ["news_a"]
    assert taken.cited_by_label.iloc[0] == "Village / Gyugh / Nor Gyugh: capture announced (A ministry)"
    link = query(taken.link.iloc[0])
    assert (link["date"], link["place"], link["zoom"]) == ("2020-10-01", "v1", str(citations.PLACE_ZOOM))
    handed = rows(found, group="events", cited_by_id="ceded_x:handed_over:2020-11-20")
    assert set(handed.source_id) == {"news_a", "wiki_village"}
    assert handed.cited_by_label.iloc[0] == "District X: handed over: the army entered"
    assert "ceded" in query(handed.link.iloc[0])["layers"].split(",")


def test_a_features_dated_changes_are_cited_once_as_events_and_its_drawing_as_base_data(synthetic):
    found = citations.collect(*synthetic)
    by_features = rows(found, cited_by_kind="feature")
    assert list(zip(by_features.cited_by_id, by_features.source_id, by_features.group)) == [
        ("v1", "base_ne", "base data")]  # ceded_x has only dated changes: no citation as a feature
    assert found.sources.loc["base_ne", "licence"] == "Public domain"  # the package of the same producer's


def test_coordinate_and_inline_pages_are_matched_to_the_list_by_address(synthetic):
    found = citations.collect(*synthetic)
    coordinates = rows(found, cited_by_kind="place")
    assert list(coordinates.source_id) == ["wiki_village"] and coordinates.group.iloc[0] == "places"
    claimed = rows(found, group="claims")
    assert set(zip(claimed.source_id, claimed.note)) >= {("news_a", "verdict of 24 Nov 2020"),
                                                         ("news_a", "verdict in hindsight")}
    later = found.sources[found.sources.url == LATER]
    assert len(later) == 1 and later.origin.iloc[0] == "inline"  # one source for the claim and the ledger
    later_id = later.source_id.iloc[0]
    assert set(rows(found, source_id=later_id).group) == {"claims", "statement"}
    addresses = found.sources.url[found.sources.url != ""]
    assert not addresses.duplicated().any()


def test_a_claims_link_opens_the_map_at_the_claim_fitted_to_its_features(synthetic):
    found = citations.collect(*synthetic)
    link = query(rows(found, group="claims").link.iloc[0])
    assert (link["claim"], link["date"]) == ("c01", "2020-11-20")
    assert 39.0 <= float(link["lat"]) <= 39.3 and 46.0 <= float(link["lon"]) <= 46.4
    assert "ceded" in link["layers"].split(",")


def test_the_ledgers_sources_go_to_the_statement_with_a_link_to_the_ledger_at_the_day(synthetic):
    found = citations.collect(*synthetic)
    ledger = rows(found, group="statement")
    assert set(ledger.cited_by_kind) == {"statement text", "ledger change"}
    change = ledger[ledger.cited_by_kind == "ledger change"].iloc[0]
    assert change.cited_by_label == "Point 1 (Ceasefire): in force" and change.link == "./ledger?date=2020-11-10"


def test_base_files_cite_their_packages_and_curated_files_are_not_sources(synthetic):
    found = citations.collect(*synthetic)
    files = rows(found, cited_by_kind="base file")
    assert list(zip(files.source_id, files.cited_by_id)) == [("ne_package", "base/countries.geojson")]
    assert "curated/events.csv" not in set(found.sources.index)


def test_a_source_cited_by_nothing_is_reported_and_every_citation_names_a_known_source(synthetic):
    found = citations.collect(*synthetic)
    assert list(citations.uncited(found).source_id) == ["orphan"]
    assert citations.unknown_sources(found) == []
    records, layers, claims, ledger, provenance = synthetic
    claims = claims.assign(reference=[["news_a", "missing_id"]])
    assert citations.unknown_sources(citations.collect(records, layers, claims, ledger, provenance)) == ["missing_id"]


def test_the_summary_per_group_counts_each_source_once_and_lists_what_cites_it(synthetic):
    found = citations.collect(*synthetic)
    counts = citations.group_counts(found)
    assert counts == {group: found.citations[found.citations.group == group].source_id.nunique()
                      for group in citations.GROUPS}
    events = citations.cited_in_group(found, "events").set_index("source_id")
    assert events.loc["news_a", "cited_by_count"] == 2
    assert events.loc["news_a", "dates"] == ["2020-10-01", "2020-11-20"]  # by date
    claims = citations.cited_in_group(found, "claims").set_index("source_id")
    assert claims.loc["news_a", "cited_by_count"] == 1  # one claim, though it cites the page for both verdicts
    with pytest.raises(InvalidInput):
        citations.cited_in_group(found, "rumours")


def test_without_a_readable_ledger_the_statements_group_is_empty(synthetic):
    records, layers, claims, _, provenance = synthetic
    found = citations.collect(records, layers, claims, None, provenance)
    assert citations.group_counts(found)["statement"] == 0 and citations.group_counts(found)["claims"] > 0


def test_the_inputs_are_checked_and_left_as_they_were(synthetic):
    before = copy.deepcopy(synthetic)
    citations.collect(*synthetic)
    records, layers, claims, ledger, provenance = synthetic
    for name in ("settlements", "events", "sources"):
        pd.testing.assert_frame_equal(getattr(records, name), getattr(before[0], name))
    for layer_id in layers:
        pd.testing.assert_frame_equal(layers[layer_id], before[1][layer_id])
    pd.testing.assert_frame_equal(claims, before[2])
    assert (ledger, provenance) == (before[3], before[4])
    with pytest.raises(InvalidInput, match="Records"):
        citations.collect({"sources": []}, layers, claims, ledger, provenance)
    with pytest.raises(InvalidInput, match="claims lacks"):
        citations.collect(records, layers, claims.drop(columns="reference"), ledger, provenance)
    with pytest.raises(InvalidInput, match="provenance"):
        citations.collect(records, layers, claims, ledger, {"sources": {}})


# ------------------------------------------------------------------------------------------- the real data
@pytest.fixture(scope="module")
def real(layers):
    frames = layers
    records = settlements.load()
    claims = with_groups_expanded(load_claims(), frames)
    found = citations.collect(records, frames, claims, statement.load(),
                              json.loads(PROVENANCE.read_text(encoding="utf-8")))
    return {"records": records, "layers": frames, "claims": claims, "found": found}


def test_every_listed_source_is_cited_or_reported_and_the_reported_are_cited_nowhere(real):
    found, records = real["found"], real["records"]
    cited = set(found.citations.source_id)
    reported = set(citations.uncited(found).source_id)
    assert set(records.sources.index) <= cited | reported and not cited & reported
    # Checked against the files themselves, not the module's own reading of them.
    named = {s for text in records.events.sources for s in text.split(";")}
    named |= {str(s) for frame in real["layers"].values() for ss in frame.sources for s in ss}
    named |= {s for ids in real["claims"].reference for s in ids}
    addresses = set(records.settlements.coord_url.dropna())
    addresses |= {s["url"] for h in real["claims"].hindsight for s in h["sources"]}
    ledger = statement.load()
    addresses |= {s["url"] for p in ledger["points"] for c in p["changes"] for s in c["sources"]}
    addresses |= {s["url"] for s in ledger["statement"]["sources"]}
    for source_id in reported & set(records.sources.index):
        assert source_id not in named and records.sources.loc[source_id, "url"] not in addresses, source_id


def test_every_citation_names_a_known_source_with_an_address_or_a_licence(real):
    found = real["found"]
    assert citations.unknown_sources(found) == []
    cited = found.sources.loc[sorted(set(found.citations.source_id))]
    assert (cited.url.str.match(r"https?://") | (cited.licence != "")).all()
    assert set(found.citations.group) == set(citations.GROUPS)
    assert set(found.citations.cited_by_kind) <= set(citations.KINDS)


def test_a_real_event_shows_under_events_with_that_event(real):
    events = real["records"].events
    event = events[events.subject.isin(real["records"].settlements.index)].iloc[len(events) // 3]
    found = real["found"]
    shown = citations.cited_in_group(found, "events").set_index("source_id")
    for source_id in event.sources.split(";"):
        assert event.id in shown.loc[source_id, "cited_by_ids"]
    row = rows(found, group="events", cited_by_id=event.id).iloc[0]
    assert real["records"].settlements.loc[event.subject, "name_en"] in row.cited_by_label
    assert query(row.link)["date"] == event.date


def test_a_real_claims_references_and_later_pages_show_under_claims(real):
    claim = real["claims"].iloc[-1]
    found = real["found"]
    shown = citations.cited_in_group(found, "claims").set_index("source_id")
    for source_id in claim.reference:
        assert claim.id in shown.loc[source_id, "cited_by_ids"]
    for page in claim.hindsight["sources"]:
        source_id = found.sources.index[found.sources.url == page["url"]]
        assert len(source_id) == 1 and claim.id in shown.loc[source_id[0], "cited_by_ids"]
    assert query(rows(found, cited_by_id=claim.id).link.iloc[0])["claim"] == claim.id


def test_base_data_rows_carry_the_licences_of_the_provenance(real):
    found = real["found"]
    base = citations.cited_in_group(found, "base data")
    assert len(base) and (base.licence != "").all()
    assert set(base.licence) <= {licence["licence"] for licence in exports.data_licences()}
    packages = json.loads(PROVENANCE.read_text(encoding="utf-8"))["sources"]
    assert set(packages) <= set(base.source_id)


# ------------------------------------------------------------------------------------------- the page
HOSTILE = "<img src=https://evil.example/x.png> ![i](https://evil.example/y.png) [x](javascript:alert(1)) **b** :red[r]"


def test_markup_in_the_sources_is_shown_as_text_on_the_page(synthetic, monkeypatch):
    from app_pages import common

    records, layers, claims, ledger, provenance = synthetic
    hostile = sources_table([{"id": "evil", "outlet": HOSTILE, "published": "", "title": HOSTILE,
                              "url": "javascript:alert(1)"}])
    events = event_log()
    events.loc[0, "sources"] = "evil"
    events.loc[0, "by"] = HOSTILE
    fake = citations.collect(settlements.Records(gazetteer(name_en=HOSTILE), events, hostile), layers, claims,
                             ledger, provenance)
    monkeypatch.setattr(common, "citations", lambda: fake)
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("app_pages/sources.py")
    at.run()
    table = [d.value for d in at.dataframe if "What cites it" in d.value.columns][0]
    evil_row = [i for i, outlet in enumerate(table.Outlet) if outlet == HOSTILE]
    assert evil_row and pd.isna(table.Address[evil_row[0]])  # not an http(s) address: no link
    at.session_state["cited_events"] = {"selection": {"rows": evil_row, "columns": [], "cells": []}}
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    bodies = [m.value for m in at.markdown] + [c.value for c in at.caption]
    assert any("evil\\.example" in body for body in bodies)  # the selected source is shown, escaped
    for body in bodies:  # every markup character of the data comes escaped
        assert not re.search(r"(?<!\\)<img|(?<!\\)!\[|\]\(javascript|:red\[|\*\*b\*\*", body), body
