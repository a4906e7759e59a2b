"""The command line, run as people run it: `python -m geo ...` in a subprocess."""
import json
import shutil
import subprocess
import sys

import pytest

from geo.paths import ROOT


def geo(*args, cwd=ROOT, env=None):
    return subprocess.run([sys.executable, "-m", "geo", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120, env=env)


def test_where_prints_one_json_object():
    result = geo("where", "39.8177", "46.7528", "--date", "2020-11-12")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["controller"] == "armenian_forces" and answer["peacekeepers"] is True
    assert {"peacekeeping_zone", "nkao_1991"} <= set(answer["layers"])


def test_where_outside_the_conflict_zone_has_no_controller():
    answer = json.loads(geo("where", "40.1777", "44.5126", "--date", "2020-10-01").stdout)  # Yerevan
    assert answer == {**answer, "controller": None, "peacekeepers": False, "layers": []}


def test_claims_prints_the_claim_list():
    result = geo("claims")
    assert result.returncode == 0, result.stderr
    claims = json.loads(result.stdout)
    assert len(claims) >= 15
    for claim in claims:
        assert {"id", "quote", "dates", "layers", "features", "verdict", "reason"} <= set(claim)
        assert all(len(day) == 10 and day[4] == "-" for day in claim["dates"])
        assert set(claim["place_features"]) <= set(claim["features"])
    assert any("lachin_corridor" in claim["place_features"] for claim in claims)


def test_export_gives_that_days_geojson():
    result = geo("export", "--date", "2020-11-20", "--layers", "ceded,lachin_corridor")
    collection = json.loads(result.stdout)
    assert collection["type"] == "FeatureCollection"
    by_id = {f["id"]: f["properties"] for f in collection["features"]}
    assert set(by_id) == {"ceded_agdam", "ceded_kalbajar", "ceded_lachin", "lachin_corridor"}
    assert by_id["ceded_agdam"]["status"].startswith("handed over")
    assert by_id["ceded_lachin"]["status"].startswith("scheduled")
    before = json.loads(geo("export", "--date", "2020-11-01", "--layers", "ceded").stdout)
    assert before["features"] == []


@pytest.mark.parametrize("args, says", [
    (["where", "39.8", "46.7", "--date", "2020-02-30"], "YYYY-MM-DD"),
    (["where", "39.8", "46.7", "--date", "2026-03-01"], "2020-09-26 to 2026-02-17"),
    (["where", "95", "46.7", "--date", "2020-11-10"], "latitude"),
    (["where", "39.8", "200", "--date", "2020-11-10"], "longitude"),
    (["where", "north", "46.7", "--date", "2020-11-10"], "LAT"),
    (["export", "--date", "2020-11-10", "--layers", "captured,bogus"], "peacekeeping_zone"),
    (["export"], "--date"),
    (["place", "Atlantis"], "no place is called"),
    (["place", "Hacılı"], "hajili-fuzuli"),  # same-name villages: the ids to choose from
    (["place", "   "], "give a place name"),
    (["areas", "--date", "2020-09-25"], "2020-09-26 to 2026-02-17"),
    (["areas"], "--date"),
])
def test_bad_input_exits_2_with_one_line(args, says):
    result = geo(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and says in lines[0] and "Traceback" not in result.stderr


def test_broken_data_file_is_named(tmp_path):
    copy = tmp_path / "repo"
    shutil.copytree(ROOT / "geo", copy / "geo", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "data", copy / "data")
    (copy / "data" / "layers" / "captured.geojson").write_text('{"type": "FeatureCollection", "features": [', "utf-8")
    result = geo("where", "39.8", "46.7", "--date", "2020-11-10", cwd=copy)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "captured.geojson" in result.stderr
    (copy / "data" / "layers" / "captured.geojson").unlink()
    result = geo("export", "--date", "2020-11-10", cwd=copy)
    assert result.returncode == 1 and "captured.geojson" in result.stderr and "missing" in result.stderr


def test_where_answers_at_settlement_level_and_names_the_nearest_settlement():
    answer = json.loads(geo("where", "39.51667", "47.03", "--date", "2020-10-10").stdout)  # Hadrut town
    assert answer["settlement"]["id"] == "hadrut-khojavend" and answer["settlement"]["tone"] == "contested"
    assert answer["controller"] is None  # announced by one side, denied by the other that day
    assert answer["nearest_settlement"]["id"] == "hadrut-khojavend"
    later = json.loads(geo("where", "39.51667", "47.03", "--date", "2020-10-15").stdout)
    assert later["controller"] == "azerbaijan" and later["settlement"]["since"] == "2020-10-15"


@pytest.mark.parametrize("name", ["Khankendi", "Stepanakert", "Ստեփանակերտ", "xankendi"])
def test_place_prints_one_object_with_names_coordinates_and_sourced_events(name):
    result = geo("place", name)
    assert result.returncode == 0, result.stderr
    place = json.loads(result.stdout)
    assert place["id"] == "khankendi-stepanakert-khankendi" and place["district"] == "Khankendi"
    assert place["names"]["az"] == "Xankəndi" and place["coordinates"]["source"]["url"].startswith("https://")
    assert [e["event"] for e in place["events"]] == ["stayed_held"]
    assert all(s["url"].startswith("https://") for e in place["events"] for s in e["sources"])


def test_place_lists_the_events_of_a_contested_town_with_their_sources():
    place = json.loads(geo("place", "Hadrut").stdout)
    events = [(e["date"], e["event"]) for e in place["events"]]
    assert events[:3] == [("2020-10-09", "announced_taken"), ("2020-10-09", "denied"), ("2020-10-15", "confirmed")]
    assert {"hyetert.org", "southfront.org"} <= {s["url"].split("/")[2] for e in place["events"] for s in e["sources"]}


def test_areas_gives_km2_and_shares_of_the_area_held_on_26_sep():
    figures = json.loads(geo("areas", "--date", "2020-12-01").stdout)
    assert figures["held_26_sep_km2"] == pytest.approx(11_926, rel=0.01)
    assert sum(figures["km2"].values()) == pytest.approx(figures["held_26_sep_km2"], abs=0.5)
    assert figures["share_pct"]["handed_over"] == pytest.approx(39.85, abs=3)
    before = json.loads(geo("areas", "--date", "2020-09-27").stdout)
    assert before["km2"]["handed_over"] == 0 and before["share_pct"]["armenian"] > 95


def test_a_broken_event_log_is_named_by_the_command_line(tmp_path):
    copy = tmp_path / "repo"
    shutil.copytree(ROOT / "geo", copy / "geo", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "data", copy / "data")
    events = copy / "data" / "curated" / "events.csv"
    events.write_text(events.read_text(encoding="utf-8").replace(",2020-10-09,", ",2020-10-99,", 1), "utf-8")
    result = geo("place", "Hadrut", cwd=copy)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "events.csv" in result.stderr and "column date" in result.stderr


def test_statement_prints_the_nine_points_on_a_date():
    before = geo("statement", "--date", "2020-09-26")
    assert before.returncode == 0, before.stderr
    points = json.loads(before.stdout)["points"]
    assert [p["number"] for p in points] == list(range(1, 10))
    assert {p["status"] for p in points} == {"not_agreed"}  # the eve of the war
    after = json.loads(geo("statement", "--date", "2020-11-21").stdout)["points"]
    assert after[1]["status"] == "done" and after[1]["since"] == "2020-11-20"  # Aghdam, handed over on 20 Nov
    assert all(source["url"].startswith("http") for p in after for c in p["changes"] for source in c["sources"])


def test_statement_refuses_a_day_outside_the_ledger_in_one_line():
    result = geo("statement", "--date", "2019-01-01")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("error: date 2019-01-01 is outside the ledger: use a date from 2020-09-26")
    assert len(result.stderr.strip().splitlines()) == 1


def check_rfc7946(collection: dict) -> None:
    """The parts of RFC 7946 a reader relies on: the types, [lon, lat] in range, closed rings with the exterior
    counter-clockwise, and no `crs` member (WGS84 is implied)."""
    import shapely.geometry

    assert collection["type"] == "FeatureCollection" and "crs" not in collection
    for feature in collection["features"]:
        assert feature["type"] == "Feature" and isinstance(feature["properties"], dict)
        geometry = feature["geometry"]
        assert geometry["type"] in ("Point", "LineString", "Polygon", "MultiPolygon", "MultiLineString")
        shape = shapely.geometry.shape(geometry)
        west, south, east, north = shape.bounds
        assert -180 <= west <= east <= 180 and -90 <= south <= north <= 90
        for polygon in getattr(shape, "geoms", [shape]) if geometry["type"].endswith("Polygon") else []:
            assert polygon.exterior.is_ccw and polygon.exterior.is_closed, feature["id"]


def test_export_carries_the_date_licences_sources_and_claims_of_each_feature():
    collection = json.loads(geo("export", "--date", "2020-11-24", "--layers", "lachin_corridor,ceded").stdout)
    check_rfc7946(collection)
    assert collection["date"] == "2020-11-24" and "24 November 2020" in collection["title"]
    assert {"Public domain (Natural Earth)", "CC BY 4.0"} <= {l["licence"] for l in collection["licences"]}
    assert "Natural Earth" in collection["attribution"] and "GeoNames" in collection["attribution"]
    by_id = {f["id"]: f["properties"] for f in collection["features"]}
    corridor = by_id["lachin_corridor"]
    assert corridor["sources"] and all(s["url"].startswith("http") for s in corridor["sources"] if "url" in s)
    claims = {c["id"]: c for c in corridor["claims"]}
    from geo import claims as claims_mod

    c16 = claims_mod.load_claims().set_index("id").loc["c16"]
    assert "c16" in claims and claims["c16"]["verdict_24_nov_2020"] == c16.verdict
    assert (claims["c16"]["verdict_in_hindsight"], claims["c16"]["settled"]) == (c16.hindsight["verdict"],
                                                                                 c16.hindsight["settled"])
    assert "timeline" not in corridor  # the day's state, not the whole history
