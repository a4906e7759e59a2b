"""The statement's ledger: on a chosen day, each of the ceasefire statement's nine points with its status, who
says so, the events that changed it and their sources, and a link to the map at that day.

The ledger's days (geo.statement) are the map's timeline, from the eve of the war to the latest event. The page
reads the link's `date` itself, with a notice of its own when it cannot be used, and writes the chosen day back.
"""
from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import streamlit as st

from geo import statement as statement_mod, view as view_mod
from geo.errors import GeoError, InvalidInput
from app_pages import common
from app_pages.ledger_panel import point_heading, status_badge

try:
    ledger = common.ledger()
except GeoError as exc:
    st.error(f"The statement's ledger could not be loaded: {common.md_escape(exc)}")
    st.stop()
common.load_or_stop()  # the points' map buttons fit the map on the layers
current = common.view_from_link()
first_day, last_day = statement_mod.FIRST_DAY, statement_mod.last_day(ledger)


def day_from_link(text) -> tuple[dt.date, str | None]:
    """The link's day, or (with a notice saying why) the day the session's view shows."""
    fallback = min(max(current.date, first_day), last_day)
    if text is None:
        return fallback, None
    try:
        return statement_mod.parse_day(text, ledger), None
    except InvalidInput as exc:
        return fallback, f"Link parameter `date`: {exc}. Showing {fallback:%d %b %Y} instead."


def on_day():
    st.session_state.ledger_notice = None  # the reader chose a day: the link's problem is past


# A link is read when the page opens it (a shared link, the map's panel); after that the date input owns
# the day and the page writes it to the link, so a reload or a copied address shows the same day.
link_day = st.query_params.get("date")
if "ledger_day" not in st.session_state or link_day != st.session_state.get("ledger_link_day"):
    st.session_state.ledger_day, st.session_state.ledger_notice = day_from_link(link_day)
if st.session_state.get("ledger_notice"):
    st.warning(common.md_escape(st.session_state.ledger_notice), icon=":material/link_off:")

st.markdown("#### The statement's ledger: what became of each of its nine points")
chooser, summary = st.columns([1, 3], vertical_alignment="bottom")
chooser.date_input("Day", key="ledger_day", min_value=first_day, max_value=last_day, on_change=on_day,
                   format="DD/MM/YYYY",
                   help=f"Any day from {first_day:%d %b %Y} (the eve of the war) to {last_day:%d %b %Y}")
day = st.session_state.ledger_day or day_from_link(None)[0]  # a cleared field shows the session's day
st.session_state.ledger_link_day = day.isoformat()
# The page shows a day and nothing else of a link: the address says that day, and no other parameter stays
# (the map's view is the session's; its links below carry it).
if st.query_params.to_dict() != {"date": day.isoformat()}:
    st.query_params.from_dict({"date": day.isoformat()})
on = statement_mod.ledger_on(ledger, day)

counts = {}
for point in on["points"]:
    counts[point["status"]] = counts.get(point["status"], 0) + 1
summary.markdown(f"On **{day:%A %d %B %Y}**: " + " ".join(f"{status_badge(s)} {counts[s]}"
                                                    for s in statement_mod.STATUSES if s in counts))


def source_link(source: dict) -> str:
    """A source as a link: outlet, date: title, and the site it is on."""
    published = f", {source['published']}" if source.get("published") else ""
    site = urlsplit(source["url"]).netloc
    return common.md_link(f"{source['outlet']}{published}: {source['title']} ({site})", source["url"])


def shown_date(change: dict) -> str:
    day_of = dt.date.fromisoformat(change["date"])
    return f"{day_of:%B %Y}" if change.get("date_precision") == "month" else f"{day_of:%d %b %Y}"


def change_line(change: dict) -> str:
    """One change: its date, status, event, note, who says so, whether it is disputed, and its sources."""
    parts = [f"**{shown_date(change)}** {status_badge(change['status'])}"]
    if change.get("disputed"):
        parts.append(":red-badge[disputed]")
    if change.get("event"):
        parts.append(common.md_escape(change["event"]))
    text = " ".join(parts) + f"  \nPer {common.md_escape(change['by'])}."
    if change.get("note"):
        text += f" _{common.md_escape(change['note'])}_"
    return text + "  \nSources: " + "; ".join(source_link(s) for s in change["sources"])


st.caption(f"{common.md_escape(ledger['statement'].get('title', ''))}, signed on "
           f"{dt.date.fromisoformat(ledger['statement']['signed']):%d %B %Y} and in force from "
           f"{dt.date.fromisoformat(ledger['statement']['in_force']):%d %B %Y} (00:00 Moscow time). Each point is "
           "paraphrased; its status on the chosen day is the latest change up to that day, with who says so. "
           "Where the sides disagree, the change is marked disputed.  \nThe statement's text: "
           + "; ".join(source_link(s) for s in ledger["statement"]["sources"]))


def open_on_map(number: int) -> None:
    """The map, in this tab, at the day with the point selected: its layers switched on beside the reader's,
    its features marked and the map fitted to them."""
    view = common.point_map_view(current.replace(date=day), number)
    common.change_view(view)
    st.switch_page("app_pages/map.py", query_params=view_mod.to_query(view))


for point, whole in zip(on["points"], ledger["points"]):
    with st.container(border=True, key=f"point_{point['number']}"):
        st.markdown(point_heading(point))
        if point["text"]:
            st.markdown(common.md_escape(point["text"]))
        if point["changes"]:
            st.markdown(f"**Up to {day:%d %b %Y}**")
            for change in point["changes"]:
                st.markdown(change_line(change))
        else:
            st.caption(f"Nothing yet on {day:%d %b %Y}: the statement came into force on "
                       f"{dt.date.fromisoformat(on['statement']['in_force']):%d %b %Y}.")
        later = [c for c in whole["changes"] if c["date"] > on["date"]]
        if later:
            with st.expander(f"Still to come after {day:%d %b %Y}: {len(later)} change{'s' if len(later) > 1 else ''}"):
                for change in later:
                    st.caption(change_line(change))
        if point["features"]:
            if st.button(f"Show point {point['number']} on the map", key=f"map_point_{point['number']}",
                         icon=":material/map:", help=f"Opens the map in this tab on {day:%d %b %Y}, with the "
                                                     "point's places and lines marked"):
                open_on_map(point["number"])
        else:
            st.caption("Nothing on the map: the point concerns no place the map draws.")
