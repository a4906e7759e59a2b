"""The statement's nine points on a day, one line each, for the map page; the ledger page has the details."""
from __future__ import annotations

import datetime as dt

import streamlit as st

from geo import statement
from app_pages import common

# Streamlit's badge colours: green for carried out, red and orange for the ways a point failed, blue and
# violet for still running, grey where the point no longer applies (or did not yet).
STATUS_COLOURS = {
    "not_agreed": "gray", "in_force": "blue", "pending": "violet", "partial": "yellow", "done": "green",
    "done_late": "green", "violated": "orange", "broken": "red", "superseded": "gray", "ended_early": "orange",
    "moot": "gray",
}


def status_badge(status: str) -> str:
    """A status as a coloured badge in Streamlit's markdown."""
    return f":{STATUS_COLOURS.get(status, 'gray')}-badge[{common.md_escape(statement.STATUSES[status])}]"


def point_heading(point: dict) -> str:
    """A point on a day (a point of geo.statement.ledger_on): its number, title and status with who says so."""
    line = f"**{point['number']}\\. {common.md_escape(point['title'])}** {status_badge(point['status'])}"
    if point["by"]:
        line += f" :gray[per {common.md_escape(point['by'])}{'; disputed' if point['disputed'] else ''}]"
    return line


def point_line(point: dict, day: dt.date) -> str:
    """A point's heading on `day`, then the change that set its status, with its sources."""
    line = point_heading(point)
    if not point["changes"]:
        return line + f"  \n:gray[Not yet agreed on {day:%d %b %Y}.]"
    latest = point["changes"][-1]
    since = dt.date.fromisoformat(latest["date"])
    shown = f"{since:%B %Y}" if latest.get("date_precision") == "month" else f"{since:%d %b %Y}"
    sources = ", ".join(common.md_link(s["outlet"], s["url"]) for s in latest["sources"])
    return (line + f"  \n:gray[Since {shown}:] {common.md_escape(latest.get('event') or '')}"
            + (f" :gray[Sources:] {sources}" if sources else ""))


def ledger_panel(day: dt.date, shown: int | None = None, on_show=None) -> None:
    """Each point on `day`: its status, the change that set it and its sources, and a button that shows the
    map features it concerns (`on_show(number)`; `shown` is the point the map shows). A link goes to the
    ledger page at that day. Raises DataFileError (naming the file and the problem) when the ledger cannot
    be loaded."""
    on = statement.ledger_on(common.ledger(), day)
    st.caption(f"On {day:%A %d %B %Y}: each point's status, who says so, and the change that set it with its "
               "sources.")
    for point in on["points"]:
        words, action = st.columns([2.5, 1.2], vertical_alignment="center")
        words.markdown(point_line(point, day))
        if point["features"] and on_show is not None:
            action.button(f"Show point {point['number']} on the map", key=f"show_point_{point['number']}",
                          on_click=on_show, args=(point["number"],), disabled=point["number"] == shown,
                          help="Its places and lines marked on the map, on this day")
    st.page_link("app_pages/ledger.py", label=f"The ledger to {day:%d %b %Y}, change by change",
                 icon=":material/gavel:", query_params={"date": day.isoformat()})
