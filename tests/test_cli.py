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
    (["where", "39.8", "46.7", "--date", "2021-01-01"], "2020-09-27 to 2020-12-01"),
    (["where", "95", "46.7", "--date", "2020-11-10"], "latitude"),
    (["where", "39.8", "200", "--date", "2020-11-10"], "longitude"),
    (["where", "north", "46.7", "--date", "2020-11-10"], "LAT"),
    (["export", "--date", "2020-11-10", "--layers", "captured,bogus"], "peacekeeping_zone"),
    (["export"], "--date"),
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
