"""The ceasefire statement's ledger: its nine points, and what became of each, day by day.

The ledger is curated data (data/curated/statement.json): per point, the dated changes of its status, each
with who says so and the public pages that say it. `ledger_on(ledger, day)` gives every point's status that day
with the changes that led to it; before the statement came into force each point is "not yet agreed".
Importable without Streamlit; the command line's `statement` and (later) the map's ledger panel call it.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from geo.catalog import TIMELINE_END, TIMELINE_START
from geo.errors import DataFileError, InvalidInput
from geo.paths import STATEMENT

STATUSES = {
    "not_agreed": "not yet agreed",
    "in_force": "in force",
    "pending": "pending",
    "partial": "partly done",
    "done": "done",
    "done_late": "done late",
    "violated": "violated",
    "broken": "broken",
    "superseded": "superseded",
    "ended_early": "ended early",
    "moot": "moot",
}
PRECISIONS = ("day", "month")
# The ledger runs over the map's timeline (geo.catalog), from the eve of the war to the latest event.
FIRST_DAY = TIMELINE_START
_URL = re.compile(r"https?://[^\s<>\"']+")


def _fail(path, where: str, problem: str):
    raise DataFileError(path, f"{where}: {problem}")


def _check_sources(path, where, sources):
    if not isinstance(sources, list) or not sources:
        _fail(path, where, "needs at least one source")
    for k, source in enumerate(sources, start=1):
        if not isinstance(source, dict) or not all(isinstance(source.get(f), str) for f in ("outlet", "title", "url")):
            _fail(path, f"{where}, source {k}", "needs outlet, title and url as text")
        if not _URL.fullmatch(source["url"]):
            _fail(path, f"{where}, source {k}", f"url {source['url'][:80]!r} is not an http(s) address")


def _day(path, where, text) -> dt.date:
    try:
        return dt.date.fromisoformat(str(text))
    except ValueError:
        _fail(path, where, f"date {str(text)[:20]!r} is not YYYY-MM-DD")


def load(path: Path | str = STATEMENT) -> dict:
    """The ledger, checked: nine points numbered 1-9, each with dated changes (in order, from the day the
    statement came into force) of a known status, each change with at least one http(s) source."""
    path = Path(path)
    try:
        ledger = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataFileError(path, "is missing; restore it from the repository") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataFileError(path, f"is not valid UTF-8 JSON ({exc})") from None
    if not isinstance(ledger, dict) or not isinstance(ledger.get("points"), list):
        _fail(path, "the file", "needs a list of points")
    statement = ledger.get("statement") or {}
    in_force = _day(path, "statement", statement.get("in_force"))
    _check_sources(path, "statement", statement.get("sources"))
    numbers = [p.get("number") if isinstance(p, dict) else None for p in ledger["points"]]
    if numbers != list(range(1, 10)):
        _fail(path, "points", f"must be numbered 1 to 9 in order, not {numbers}")
    for point in ledger["points"]:
        where = f"point {point['number']}"
        if not isinstance(point.get("title"), str) or not point["title"].strip():
            _fail(path, where, "needs a title")
        if not isinstance(point.get("features", []), list):
            _fail(path, where, "features must be a list of ids")
        changes = point.get("changes")
        if not isinstance(changes, list) or not changes:
            _fail(path, where, "needs at least one change")
        previous = None
        for k, change in enumerate(changes, start=1):
            at = f"{where}, change {k}"
            if not isinstance(change, dict):
                _fail(path, at, "must be an object")
            day = _day(path, at, change.get("date"))
            if day < in_force:
                _fail(path, at, f"{day} is before the statement came into force ({in_force})")
            if previous and day < previous:
                _fail(path, at, f"{day} comes before the change above it ({previous})")
            previous = day
            if change.get("status") not in STATUSES or change["status"] == "not_agreed":
                _fail(path, at, f"status {str(change.get('status'))[:30]!r} is not one of "
                                f"{', '.join(s for s in STATUSES if s != 'not_agreed')}")
            if change.get("date_precision", "day") not in PRECISIONS:
                _fail(path, at, f"date_precision must be one of {', '.join(PRECISIONS)}")
            if not isinstance(change.get("by"), str) or not change["by"].strip():
                _fail(path, at, "needs `by`: who says so")
            _check_sources(path, at, change.get("sources"))
    return ledger


def last_day(ledger: dict) -> dt.date:
    latest = max(dt.date.fromisoformat(c["date"]) for p in ledger["points"] for c in p["changes"])
    return max(latest, TIMELINE_END)


def parse_day(text, ledger: dict) -> dt.date:
    """A day of the ledger's span from 'YYYY-MM-DD'; anything else raises InvalidInput saying what is accepted."""
    end = last_day(ledger)
    try:
        day = text if isinstance(text, dt.date) else dt.date.fromisoformat(str(text).strip())
    except ValueError:
        raise InvalidInput(f"date {str(text)[:40]!r} is not a date: use YYYY-MM-DD, from {FIRST_DAY} to {end}") from None
    if not FIRST_DAY <= day <= end:
        raise InvalidInput(f"date {day} is outside the ledger: use a date from {FIRST_DAY} to {end}")
    return day


def _change_record(change: dict) -> dict:
    return {"date": change["date"], "date_precision": change.get("date_precision", "day"),
            "status": change["status"], "status_label": STATUSES[change["status"]], "by": change["by"],
            "event": change.get("event", ""), "note": change.get("note", ""),
            "disputed": bool(change.get("disputed")), "sources": change["sources"]}


def ledger_on(ledger: dict, day: dt.date) -> dict:
    """Every point's status on `day`: the change in force (by date), who says so, the changes up to that day
    and the features the point concerns."""
    iso = day.isoformat()
    points = []
    for point in ledger["points"]:
        past = [c for c in point["changes"] if c["date"] <= iso]
        current = past[-1] if past else None
        points.append({
            "number": point["number"], "title": point["title"], "text": point.get("text", ""),
            "features": list(point.get("features", [])),
            "status": current["status"] if current else "not_agreed",
            "status_label": STATUSES[current["status"] if current else "not_agreed"],
            "since": current["date"] if current else None,
            "by": current["by"] if current else None,
            "disputed": bool(current and current.get("disputed")),
            "changes": [_change_record(c) for c in past],
        })
    statement = ledger["statement"]
    return {"date": iso, "statement": {"title": statement.get("title", ""), "in_force": statement["in_force"],
                                       "sources": statement["sources"]}, "points": points}
