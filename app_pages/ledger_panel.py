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


def ledger_panel(day: dt.date) -> None:
    """Each point's number, title and status on `day`, and a link to the ledger page at that day.
    Raises DataFileError (naming the file and the problem) when the ledger cannot be loaded."""
    on = statement.ledger_on(common.ledger(), day)
    lines = []
    for point in on["points"]:
        line = f"{point['number']}. {common.md_escape(point['title'])} {status_badge(point['status'])}"
        if point["disputed"]:
            line += f" :gray[disputed; per {common.md_escape(point['by'])}]"
        lines.append(line)
    st.markdown("\n".join(lines))
    st.page_link("app_pages/ledger.py", label=f"The ledger on {day:%d %b %Y}: what changed each point, and sources",
                 icon=":material/gavel:", query_params={"date": day.isoformat()})
