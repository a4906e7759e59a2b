"""Sources and method: every page the map cites, grouped by what it supports, with what cites each; the base
data with its licences; how each file was built and how precise it is.

Text from the data reaches Streamlit's markdown only through common.md_escape and common.md_link (which makes
a link of an http(s) address and of nothing else); the tables show their cells as plain text. The notes file
is shown as plain text, never rendered: no image, markup or address in it can load anything. The page reads
no link parameter: those a link brought are removed from the address once the page is drawn.
"""
from urllib.parse import parse_qsl, urlsplit

import streamlit as st

from geo import citations as citations_mod, claims as claims_mod, exports, view as view_mod
from geo.catalog import PRECISION
from geo.errors import GeoError
from app_pages import common

GROUP_TITLES = {"events": "Events", "places": "Places", "claims": "Claims", "statement": "The statement",
                "base data": "Base data"}
GROUP_NOTES = {
    "events": "Pages that date what happened to a settlement or a map feature: a capture announced, denied or "
              "admitted, a handover, a checkpoint, a withdrawal. Each dated change on the map cites them.",
    "places": "Pages that say where a place is: most give a settlement's coordinates (an encyclopaedia "
              "article or a copy of one); a few give a town's point or its population.",
    "claims": "Pages behind the verdicts on the article's claims, as of 24 Nov 2020 and in hindsight.",
    "statement": "Pages behind the statement's ledger: the text of the ceasefire statement and each dated "
                 "change in the status of its nine points.",
    "base data": "The data the map is drawn on (borders, districts, the 1994 line, town points), with their "
                 "licences: each cited by the files built from it and by the features drawn from it.",
}
# What the things that cite a group's pages are, for "cited by 3 claims".
CITED_BY_WORDS = {"events": ("event", "events"), "places": ("place or feature", "places and features"),
                  "claims": ("claim", "claims"), "statement": ("entry of the ledger", "entries of the ledger"),
                  "base data": ("file or feature", "files and features")}
TABLE_HEIGHT = 360


def day_text(day, precision) -> str:
    """A citation's day as the reader reads it: 10 Nov 2020, Dec 2020 (a month), by 10 Nov 2020."""
    if not day:
        return ""
    text = f"{int(day[8:10])} {MONTHS[int(day[5:7]) - 1]} {day[:4]}"
    return {"month": text.split(" ", 1)[1], "by": f"by {text}"}.get(precision, text)


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def entries(row) -> list[str]:
    """Each thing that cites a source, as one line: its day (when it has one) and what it is."""
    return [" · ".join(p for p in (day_text(day, precision), label) if p)
            for day, precision, label in zip(row.dates, row.precisions, row.cited_by)]


def group_table(group: str, cited):
    """The group's sources as a table, one row per source; a row can be selected to open what cites it."""
    shown = cited.assign(cited_list=["; ".join(entries(row)) for row in cited.itertuples()],
                         url=cited.url.map(common.web_address), licence_url=cited.licence_url.map(common.web_address))
    if group == "base data":
        names = {"outlet": "Source", "title": "Package", "licence": "Licence", "licence_url": "Terms",
                 "attribution": "Credit"}
    else:
        names = {"outlet": "Outlet", "title": "Title", "published": "Date"}
    names |= {"cited_by_count": "Cited by", "cited_list": "What cites it", "url": "Address"}
    # Widths in pixels: the page's identity columns first, so a phone shows whose page it is and its title.
    config = {"Outlet": st.column_config.TextColumn(width=140), "Title": st.column_config.TextColumn(width=240),
              "Date": st.column_config.TextColumn(width=90), "Source": st.column_config.TextColumn(width=240),
              "Package": st.column_config.TextColumn(width=200),
              "Terms": st.column_config.LinkColumn(display_text="licence terms", width=110),
              "Credit": st.column_config.TextColumn(width=240),
              "Cited by": st.column_config.NumberColumn(width=70, format="%d"),
              "What cites it": st.column_config.TextColumn(width=360),
              # The site's name stands for the address: the whole address is long, and the site says whose page it is.
              "Address": st.column_config.LinkColumn(display_text=r"https?://(?:www\.)?([^/?#]+)", width=140)}
    return common.dataframe(shown[list(names)].rename(columns=names), hide_index=True, width="stretch",
                        height=TABLE_HEIGHT, column_config={k: v for k, v in config.items() if k in names.values()},
                        key=f"cited_{group.replace(' ', '_')}", on_select="rerun", selection_mode="single-row")


def open_citing(link: str) -> None:
    """Open a citing thing's page in this tab: the ledger at its day, or the map at the link's view (told
    to the session, which owns the map's view: a link's parameters are read only when a session opens)."""
    parts = urlsplit(link)
    params = dict(parse_qsl(parts.query))
    if parts.path.rstrip("/").endswith("ledger"):
        st.switch_page("app_pages/ledger.py", query_params=params)
    view, _ = view_mod.from_query(params, claim_ids=data["claim_ids"], place_ids=data["place_ids"])
    common.change_view(view)
    st.switch_page("app_pages/map.py")


def cited_by_panel(group: str, row) -> None:
    """The selected source: where to read it, and what cites it, each of which opens where it is shown."""
    slug = group.replace(" ", "_")
    label = claims_mod.source_label({"outlet": row.outlet, "published": row.published, "title": row.title})
    lines = entries(row)
    with st.container(border=True, key=f"cited_{slug}_detail"):
        one, many = CITED_BY_WORDS[group]
        st.markdown(f"**{common.md_link(label, row.url)}**  \nCited by {len(lines)} {one if len(lines) == 1 else many}.")
        linked = [i for i, link in enumerate(row.links) if link]
        if linked:
            choice = st.selectbox("Open one of them", linked, format_func=lambda i: lines[i],
                                  key=f"cited_{slug}_choice")
            to_ledger = urlsplit(row.links[choice]).path.rstrip("/").endswith("ledger")
            if st.button("Open in the ledger" if to_ledger else "Open on the map", key=f"cited_{slug}_open",
                         icon=":material/gavel:" if to_ledger else ":material/map:"):
                open_citing(row.links[choice])
        unlinked = [lines[i] for i, link in enumerate(row.links) if not link]
        if unlinked:
            st.caption("Files built from it: " + "; ".join(common.md_escape(line) for line in unlinked)
                       + ". How each was built is in the table under “How the map was made”.")


data = common.load_or_stop()
provenance = data["dataset"].provenance  # None when it could not be read: the page says so where it is used
try:
    found = common.citations()
except GeoError as exc:
    st.error(f"The list of sources could not be put together: {common.md_escape(exc)}")
    st.stop()
counts = citations_mod.group_counts(found)
cited_nowhere = citations_mod.uncited(found)

st.markdown("#### Sources and method")
st.caption("Every page the map cites, grouped by what it supports, with what cites it; then the data the map is "
           "drawn on, the licences, and how each layer was made. Select a row of a table to open what cites "
           "that page.")
common.note_unread_parameters((), "this page")
st.markdown(f"**{len(found.sources)} sources**: "
            + ", ".join(f"{counts[g]} for {GROUP_TITLES[g].lower()}" for g in citations_mod.GROUPS)
            + " (a page can support more than one group).")

for group, tab in zip(citations_mod.GROUPS, st.tabs([f"{GROUP_TITLES[g]} ({counts[g]})"
                                                     for g in citations_mod.GROUPS])):
    with tab:
        st.caption(GROUP_NOTES[group])
        if group == "statement" and not counts[group]:
            st.warning("The statement's ledger could not be read; its page says why.")
            continue
        cited = citations_mod.cited_in_group(found, group)
        picked = group_table(group, cited).selection.rows
        if picked:
            cited_by_panel(group, cited.iloc[picked[0]])

st.markdown(f"**Listed but cited by nothing** ({len(cited_nowhere)})")
if len(cited_nowhere):
    st.caption("These pages are in the list of sources, but no event, place, feature, claim or change of the "
               "ledger cites them.")
    common.dataframe(cited_nowhere.assign(url=cited_nowhere.url.map(common.web_address))[
                     ["outlet", "published", "title", "url"]].rename(
                     columns={"outlet": "Outlet", "published": "Date", "title": "Title", "url": "Address"}),
                 hide_index=True, width="stretch", key="uncited_table",
                 column_config={"Address": st.column_config.LinkColumn()})
else:
    st.caption("Every page in the list of sources is cited by something on the map or its pages.")

st.markdown("**Licences**")
article_meta = data["dataset"].article[1] if data["dataset"].article else {}
licences, unreadable = common.licences()
if licences is None:
    st.warning(f"The data's licences could not be read: {common.md_escape(unreadable)}", icon=":material/report:")
else:
    st.markdown("\n".join(
        f"- {common.md_escape(licence['producer'])}: {common.md_link(licence['licence'], licence['licence_url'])}. "
        f"Credit: {common.md_escape(licence['attribution'])}" for licence in licences))
st.caption(f"{common.md_escape(exports.CURATED_LICENCE)} {common.md_escape(article_meta.get('rights', ''))} "
           "The map runs offline: its scripts are served by the app itself.")

st.markdown("**How the map was made**")
st.markdown("Precision classes (how each feature is drawn: approximate ones have dashed outlines)")
for key, meaning in PRECISION.items():
    st.markdown(f"- `{key}`: {common.md_escape(meaning)}")
st.markdown("How each file was built")
if provenance is not None and isinstance(provenance.get("files"), dict):
    common.dataframe(
        [{"File": name, "Sources": ", ".join(f.get("sources") or []) or "curated", "Method": f.get("method", "")}
         for name, f in provenance["files"].items() if isinstance(f, dict)],
        hide_index=True, width="stretch", key="files_table",
        column_config={"Method": st.column_config.TextColumn("Method", width="large")})
else:
    st.caption("How each file was built is in data/provenance.json, which could not be read.")
records = data["records"]
st.markdown("Settlements: how many are on the map")
st.caption("A settlement is drawn where a public page gives its coordinates (never guessed); the others are in the "
           "gazetteer and the search, without a point. Each located settlement governs the land nearest to it.")
gazetteer = records.settlements
coverage = gazetteer.assign(located=gazetteer.lat.notna(), announced=gazetteer.id.isin(
    records.events[records.events.event == "announced_taken"].subject))
common.dataframe(
    coverage.groupby("district").agg(settlements=("id", "size"), located=("located", "sum"),
                                     announced=("announced", "sum"),
                                     announced_and_located=("located", lambda s: int((s & coverage.loc[s.index,
                                                                                      "announced"]).sum())))
    .reset_index().rename(columns={"district": "District", "settlements": "Settlements", "located": "Located",
                                   "announced": "Capture announced", "announced_and_located": "Announced and located"}),
    hide_index=True, width="stretch", key="coverage_table")
with st.expander("The full notes on sources and method, as written (plain text)"):
    # Shown, not rendered: an image, markup or address in the notes stays text and loads nothing.
    notes = data["dataset"].sources_notes
    if notes is None:
        st.caption(f"The notes could not be read: {common.md_escape(common.data_problem('SOURCES.md'))}")
    else:
        st.code(notes, language=None, wrap_lines=True)

# The page has no parameters of its own: what a link brought goes, so the address says what is shown.
st.query_params.clear()
