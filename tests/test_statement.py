"""The statement's ledger (geo/statement.py): nine points, each with dated changes of status and their sources."""
import copy
import datetime as dt
import json
import re

import pytest

from geo import statement
from geo.errors import DataFileError, InvalidInput

SOURCE = [{"outlet": "Outlet", "published": "2020-11-10", "title": "A page", "url": "https://example.org/a"}]


def change(day, status, by="the statement", **extra):
    return {"date": day, "date_precision": "day", "status": status, "by": by, "event": f"{status} on {day}",
            "note": "", "disputed": False, "sources": SOURCE, **extra}


def synthetic() -> dict:
    """Nine points: point 2 pending then done, point 1 in force then violated (per one side) then moot."""
    points = [{"number": n, "title": f"Point {n}", "text": "", "features": [], "changes": [change("2020-11-10", "in_force")]}
              for n in range(1, 10)]
    points[0]["changes"] += [change("2020-12-11", "violated", by="Armenia", disputed=True),
                             change("2024-01-01", "moot", by="third parties")]
    points[1]["changes"] = [change("2020-11-10", "pending"), change("2020-11-20", "done")]
    return {"about": "test", "statement": {"title": "Statement", "signed": "2020-11-09", "in_force": "2020-11-10",
                                           "sources": SOURCE}, "points": points}


def written(tmp_path, ledger) -> str:
    path = tmp_path / "statement.json"
    path.write_text(json.dumps(ledger), encoding="utf-8")
    return path


def test_each_point_takes_the_change_in_force_that_day(tmp_path):
    ledger = statement.load(written(tmp_path, synthetic()))
    before = statement.ledger_on(ledger, dt.date(2020, 9, 26))
    assert [p["status"] for p in before["points"]] == ["not_agreed"] * 9 and before["points"][0]["changes"] == []
    on = {p["number"]: p for p in statement.ledger_on(ledger, dt.date(2020, 11, 19))["points"]}
    assert on[2]["status"] == "pending" and on[1]["status"] == "in_force" and on[1]["since"] == "2020-11-10"
    after = {p["number"]: p for p in statement.ledger_on(ledger, dt.date(2021, 5, 1))["points"]}
    assert after[2]["status"] == "done" and [c["status"] for c in after[2]["changes"]] == ["pending", "done"]
    assert (after[1]["status"], after[1]["by"], after[1]["disputed"]) == ("violated", "Armenia", True)
    assert after[1]["status_label"] == "violated" and after[1]["changes"][-1]["sources"] == SOURCE
    assert statement.ledger_on(ledger, dt.date(2024, 1, 1))["points"][0]["status"] == "moot"


def test_a_day_outside_the_ledger_is_refused_with_its_range(tmp_path):
    ledger = statement.load(written(tmp_path, synthetic()))
    assert statement.parse_day("2020-09-26", ledger) == dt.date(2020, 9, 26)
    assert statement.parse_day("2026-02-17", ledger) == dt.date(2026, 2, 17)  # the map's timeline, past the last change
    for bad in ("2020-09-25", "2026-02-18", "soon", "2020-13-01"):
        with pytest.raises(InvalidInput, match="2020-09-26 to 2026-02-17"):
            statement.parse_day(bad, ledger)


BROKEN = [
    (lambda d: d["points"].pop(), "must be numbered 1 to 9"),
    (lambda d: d["points"][3]["changes"][0].update(status="forgotten"), "point 4, change 1: status 'forgotten'"),
    (lambda d: d["points"][0]["changes"][1].update(date="2020-11-01"), "before the statement came into force"),
    (lambda d: d["points"][0]["changes"][2].update(date="2020-12-01"), "comes before the change above it"),
    (lambda d: d["points"][1]["changes"][1].update(sources=[]), "point 2, change 2: needs at least one source"),
    (lambda d: d["points"][1]["changes"][1]["sources"].__setitem__(0, {**SOURCE[0], "url": "javascript:alert(1)"}),
     "is not an http(s) address"),
    (lambda d: d["points"][5]["changes"][0].update(by=""), "point 6, change 1: needs `by`"),
    (lambda d: d["points"][5]["changes"][0].update(date="10 Nov"), "is not YYYY-MM-DD"),
]


@pytest.mark.parametrize(("breaks", "message"), BROKEN)
def test_a_broken_ledger_is_refused_naming_the_point_and_the_problem(tmp_path, breaks, message):
    ledger = copy.deepcopy(synthetic())
    breaks(ledger)
    with pytest.raises(DataFileError, match=re.escape(message)):
        statement.load(written(tmp_path, ledger))


def test_a_file_that_is_not_json_is_named(tmp_path):
    path = tmp_path / "statement.json"
    path.write_bytes(b"\xff{")
    with pytest.raises(DataFileError, match="statement.json: is not valid UTF-8 JSON"):
        statement.load(path)
    with pytest.raises(DataFileError, match="is missing"):
        statement.load(tmp_path / "gone.json")


@pytest.fixture(scope="module")
def ledger():
    return statement.load()


def status(ledger, number, day) -> str:
    return statement.ledger_on(ledger, dt.date.fromisoformat(day))["points"][number - 1]["status"]


@pytest.mark.parametrize(("number", "day_before", "before", "day_after", "after"), [
    (2, "2020-11-19", "pending", "2020-11-20", "done"),  # Aghdam, on its deadline
    (6, "2020-11-24", "pending", "2020-11-25", "done_late"),  # Kalbajar, ten days late by agreement
    (6, "2022-12-11", "done", "2022-12-12", "broken"),  # the blockade of the corridor
    (5, "2021-01-29", "pending", "2021-01-30", "done"),  # the monitoring centre opens in Aghdam
    (5, "2024-04-25", "done", "2024-04-26", "ended_early"),  # ... and closes
    (3, "2024-04-16", "partial", "2024-04-17", "ended_early"),  # the peacekeepers' withdrawal begins
    (1, "2023-09-18", "violated", "2023-09-19", "superseded"),  # the offensive of September 2023
    (1, "2020-12-10", "in_force", "2020-12-11", "violated"),  # the Hadrut pocket, after the ceasefire
    (1, "2023-12-31", "superseded", "2024-01-01", "moot"),  # the Karabakh Armenian institutions dissolved
    (3, "2023-10-04", "in_force", "2023-10-05", "partial"),  # the posts on the former line removed
    (4, "2020-11-30", "in_force", "2020-12-01", "done"),  # the Armenian army out of the districts
    (4, "2023-09-19", "done", "2023-09-20", "superseded"),  # the Karabakh forces disarm under the 20 Sep terms
    (6, "2023-09-23", "broken", "2023-09-24", "moot"),  # the corridor carries the exodus, then a border post
    (7, "2022-07-18", "pending", "2022-07-19", "partial"),  # the first Azerbaijani families return (Aghali)
    (8, "2020-12-13", "pending", "2020-12-14", "partial"),  # the first exchange of prisoners
    (9, "2025-08-07", "pending", "2025-08-08", "superseded"),  # Washington: the route without the FSB
    (9, "2025-10-20", "superseded", "2025-10-21", "partial"),  # Azerbaijan lifts the ban on transit to Armenia
])
def test_the_points_change_on_the_days_the_sources_give(ledger, number, day_before, before, day_after, after):
    assert (status(ledger, number, day_before), status(ledger, number, day_after)) == (before, after)


def test_every_point_is_not_yet_agreed_on_the_eve_of_the_war_and_dated_after(ledger):
    assert {p["status"] for p in statement.ledger_on(ledger, dt.date(2020, 9, 26))["points"]} == {"not_agreed"}
    today = statement.ledger_on(ledger, statement.last_day(ledger))["points"]
    assert all(p["status"] != "not_agreed" and p["changes"] for p in today)
    for point in ledger["points"]:  # each change is in force from its day until the next one
        for change, following in zip(point["changes"], point["changes"][1:] + [None]):
            if following and following["date"] == change["date"]:
                continue
            assert status(ledger, point["number"], change["date"]) == change["status"]
