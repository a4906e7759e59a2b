"""Map: the ceasefire's geography on a day, with the article's claims about it beside the map."""
import datetime as dt

import streamlit as st

from geo import claims as claims_mod
from geo import exports, state, statement, viewsync
from geo import view as view_mod
from geo.catalog import KEY_DATES, LAYERS, TIMELINE_END, TIMELINE_START
from geo.errors import GeoError
from app_pages import common, map_component
from app_pages.ledger_panel import ledger_panel, point_line

VERDICT_BADGES, HINDSIGHT_BADGES = common.VERDICT_BADGES, common.HINDSIGHT_BADGES  # shared with the Claims page
MAP_HEIGHT = 620
CLAIMS_SHOWN = 30  # a panel, not a list: the Claims page has them all

data = common.load_or_stop()
try:
    bundle = common.map_bundle()
except GeoError as exc:
    st.error(f"The map cannot be drawn: {common.md_escape(exc)}")
    st.stop()
claims = data["claims"]


def claim_view(view: view_mod.View, claim_id: str) -> view_mod.View:
    """The view that shows a claim: its date, its layers switched on, the map fitted to its features."""
    return view_mod.claim_view(view, data["claims_by_id"].loc[claim_id], data["layers"])


# The session owns the view (common.synced); widgets and buttons change it with common.change_view, the map
# with its reports (on_report). The map's component mirrors the view in the address.
def on_layer():
    chosen = tuple(l.id for l in LAYERS if st.session_state[f"layer_{l.id}"])
    common.change_view(common.view_from_link().replace(layers=chosen))


def on_base():
    common.change_view(common.view_from_link().replace(base=st.session_state.base))


def on_lang():
    common.change_view(common.view_from_link().replace(lang=st.session_state.lang))


def sync_widget(key, value):
    """Make a widget show the view's value. Only a real difference is written: writing a widget's state on
    every run would send the old value back to a browser where the reader has just changed it."""
    if key not in st.session_state or st.session_state[key] != value:
        st.session_state[key] = value


def on_report():
    """The map reported a change made on it (a day, a pan, a place found, a claim picked, Back or Forward).

    Called as the component's callback and again at the top of the map's every run: a report is applied once
    (geo.viewsync ignores one it has acknowledged), by whichever sees it first."""
    before = common.synced()
    after = viewsync.apply_report(before, map_component.report(), claim_ids=data["claim_ids"],
                                  place_ids=data["place_ids"], claim_view=claim_view)
    # The sidebar's widgets live outside the map's fragment: a change to what they show needs a full run.
    if (after.view.layers, after.view.base, after.view.lang) != (before.view.layers, before.view.base, before.view.lang):
        st.session_state.full_rerun = True
    common.set_synced(after)


def on_select_claim(claim_id):
    before = common.view_from_link()
    chosen = claim_view(before, claim_id)
    # The sidebar's layer toggles live outside the fragment: a claim that switches layers on needs a full run.
    if chosen.layers != before.layers:
        st.session_state.full_rerun = True
    common.change_view(chosen)


def on_clear_claim():
    common.change_view(common.view_from_link().replace(claim=None))


def on_clear_place():
    common.change_view(common.view_from_link().replace(place=None))


def on_select_point(number):
    before = common.view_from_link()
    chosen = common.point_map_view(before, number)
    if chosen.layers != before.layers:  # the sidebar's toggles live outside the fragment
        st.session_state.full_rerun = True
    common.change_view(chosen)


def on_clear_point():
    common.change_view(common.view_from_link().replace(point=None))


def point_shown(view) -> int | None:
    """The point of the statement the map marks: a claim or a place in the same view comes first."""
    return None if view.claim or view.place else view.point


def selected_features(view) -> list[str]:
    if view.claim:
        return list(data["claims_by_id"].loc[view.claim, "features"])
    if view.place:
        cell = f"captured_{view.place}"
        return [view.place, *([cell] if cell in data["captured_ids"] else [])]
    if point_shown(view):
        return common.point_features(view.point)
    return []


def selected_place(view):
    """The place chosen in the map's search box (or a link), with its status that day and a way back."""
    place = data["settlements_by_id"].loc[view.place]
    change = state.status_on(place.timeline, view.date.isoformat())
    with st.container(border=True, key="selected_place"):
        st.markdown(f"**{common.md_escape(place.name_en)}** ({common.md_escape(place.district)})  \n"
                    f"On {view.date:%d %b %Y}: {common.md_escape(change['status'])}")
        st.caption("Sources: " + common.source_links(change.get("sources") or []))
        st.button("Clear selection", key="clear_place", on_click=on_clear_place)


def selected_point(view):
    """The point of the statement shown on the map, with its status that day and a way back."""
    try:
        point = statement.ledger_on(common.ledger(), view.date)["points"][view.point - 1]
    except GeoError as exc:
        st.warning(f"The statement's points cannot be shown: {common.md_escape(exc)}")
        return
    with st.container(border=True, key="selected_point"):
        st.markdown(point_line(point, view.date))
        st.page_link("app_pages/ledger.py", label=f"The ledger on {view.date:%d %b %Y}", icon=":material/gavel:",
                     query_params={"date": view.date.isoformat()})
        st.button("Clear selection", key="clear_point", on_click=on_clear_point)


# A step of the timeline, a claim chosen or the map moved reruns only this part of the page.
@st.fragment
def timeline_map_and_claims():
    on_report()
    if map_component.painted() and not st.session_state.get("map_painted"):
        # The map has drawn its first frame: now the rest of the page (see "The page's first run" below).
        st.session_state.map_painted = True
        st.rerun(scope="app")
    if st.session_state.pop("full_rerun", False):
        st.rerun(scope="app")
    synced = common.synced()
    view = synced.view
    selected = selected_features(view)

    # The date has one control, the time bar on the map: a step is drawn in the browser at once and the page
    # hears of it afterwards (on_report). A Streamlit slider here would make every step a rerun.
    with st.container(key="day"):
        st.markdown(f"**{view.date:%A %d %B %Y}**" + (f" · {common.md_escape(KEY_DATES[view.date])}"
                                                       if view.date in KEY_DATES else ""))

    map_column, claims_column = st.columns([3, 1.25])
    with map_column:
        map_component.timeline_map(bundle["url"], synced, selected, height=MAP_HEIGHT, on_report=on_report,
                                   on_painted=lambda: None)
    if not st.session_state.get("map_painted"):
        return
    day_state = state.state_on(data["features"], view.date, view.layers)
    with map_column:
        st.caption("Dates on the map are the days a capture was announced, denied or admitted, or a handover done, "
                   "as the sources give them; a place no source dates shows as “day unknown”, never a day of our own. "
                   "Step through the days with the time bar on the map (drag it, use the arrow keys, or Play), or "
                   "jump to a key date from its list. The chart at the map's corner shows the area each side held, day by "
                   "day, with the day marked. Dashed outlines are approximate; pale fills are pending "
                   "(scheduled or contested). Hover or click a shape for its names, status, sources and the "
                   "article's words about it.")
        export_row(view, selected)
        if st.toggle(f"Table: who held what on {view.date:%d %b %Y}", key="show_table"):
            day_table(view, day_state)
        # Drawn only while open: the nine points, their sources and buttons would triple what each step sends.
        # The label stays the same from day to day, so the panel stays open while the reader steps.
        points = st.expander("The statement's nine points on the map's day", key="points_panel", on_change="rerun",
                             icon=":material/gavel:")
        if points.open:
            with points:
                try:
                    ledger_panel(view.date, shown=point_shown(view), on_show=on_select_point)
                except GeoError as exc:  # a broken ledger file costs the panel, not the map
                    st.warning(f"The statement's points cannot be shown: {common.md_escape(exc)}")
    with claims_column:
        claims_panel(view, day_state)


def day_table(view, day_state):
    """What holds on the day: the area each side held, then each feature in force with its status and since
    when. Reference layers (how things stood before the war) are left out: their words are not the day's."""
    series = data["area_series"]
    if series is None:
        st.caption("The area each side held cannot be measured: a file it is measured on could not be read "
                   "(see the notice above the map).")
    else:
        held = series[series.date == view.date][["label", "km2"]]
        total = float(held.km2.sum()) or 1.0
        common.dataframe(held.assign(share=[round(100 * v / total, 1) for v in held.km2]).rename(
            columns={"label": f"Of the area Armenian-held on 26 Sep 2020, on {view.date:%d %b %Y}", "km2": "km²",
                     "share": "%"}), hide_index=True, key="areas_table")
    table = state.holding_table(day_state)
    common.dataframe(table[["feature", "layer", "status", "since", "precision", "area_km2"]].rename(
        columns={"feature": "Feature", "layer": "Layer", "status": f"Status on {view.date:%d %b %Y}",
                 "since": "Since", "precision": "Precision", "area_km2": "Area (km²)"}),
        hide_index=True, key="state_table")
    st.caption("“Since” is the day of the change in force; empty where it has held since before the war. The area "
               "held on 26 Sep 2020, the 1991 oblast, the 1994 line and the key towns' names are left out: they say "
               "how things stood before the war, not on this day.")


def export_row(view, selected):
    geojson_col, html_col, link_col = st.columns(3)
    loaded = data["dataset"]
    # An export carries the data's licences and the article's attribution: without them it does not go out.
    licences, _ = common.licences()  # what left them out is in the notice above the map
    ready = licences is not None and loaded.article is not None
    geojson_col.download_button(
        "GeoJSON of this view", on_click="ignore", mime="application/geo+json", key="export_geojson",
        file_name=exports.file_name(view.date), disabled=not ready,
        data=lambda: exports.dumps(exports.view_geojson(data["features"], view.date, view.layers, claims,
                                                         data["records"].sources, licences=licences)))
    html_col.download_button(
        "Map as standalone HTML", on_click="ignore", mime="text/html", key="export_html",
        file_name=exports.html_file_name(view.date), disabled=not ready,
        data=lambda: exports.standalone_html(bundle["standalone_script"], view, selected, claims, data["features"],
                                             data["records"].sources, loaded.article and loaded.article[1],
                                             licences=licences, meanings=exports.meanings_from(loaded.claims_document)))
    with link_col:
        common.copy_link_button()
    if not ready:
        st.caption("The exports need the data's licences (data/provenance.json) and the article's attribution, "
                   "one of which could not be read (see the notice above the map).")


def claims_panel(view, day_state):
    if claims.empty:
        st.markdown("**The article's claims**")
        st.caption("The claims could not be read (see the notice above the map); the map shows the days without them.")
        return
    relevant = claims_mod.claims_on(claims, day_state, view.date)
    if view.place:
        selected_place(view)
    if point_shown(view):
        selected_point(view)
    st.markdown(f"**The article's claims ({len(relevant)} of {len(claims)} bear on this day)**")

    def verdicts(claim) -> str:
        """Both verdicts: as of the article's day, and in hindsight with the day later events settled it."""
        hindsight = claim.hindsight
        line = (f":gray[24 Nov 2020] {VERDICT_BADGES[claim.verdict]} "
                f":gray[In hindsight] {HINDSIGHT_BADGES[hindsight['verdict']]}")
        settled = claims_mod.settled_day(hindsight)
        if settled and view.date < settled:
            line += f" :gray[settled {settled:%d %b %Y}; not yet settled on {view.date:%d %b %Y}]"
        elif settled:
            line += f" :gray[settled {settled:%d %b %Y}]"
        return line

    if view.claim:
        chosen = data["claims_by_id"].loc[view.claim]
        hindsight = chosen.hindsight
        with st.container(border=True, key="selected_claim"):
            st.markdown(f"**{view.claim}** “{common.md_escape(chosen.quote)}”  \n{verdicts(chosen)}")
            st.caption("On 24 Nov 2020: " + common.md_escape(chosen.reason) + "  \nSources: "
                       + common.source_links(chosen.reference))
            later = "; ".join(common.md_link(claims_mod.source_label(s), s["url"]) for s in hindsight["sources"])
            st.caption("In hindsight: " + common.md_escape(hindsight["reason"])
                       + (f"  \nLater sources: {later}" if later else ""))
            st.button("Clear selection", key="clear_claim", on_click=on_clear_claim)
    with st.container(height=MAP_HEIGHT - 40, border=False):
        for claim in relevant.head(CLAIMS_SHOWN).itertuples():
            with st.container(border=True, key=f"claim_{claim.id}"):
                st.markdown(f"**{claim.id}** :gray[{claim.type.replace('_', ' ')}]  \n{verdicts(claim)}"
                            f"  \n“{common.md_escape(claim.quote)}”")
                if claim.features:
                    st.button(f"Show {claim.id} on the map", key=f"show_{claim.id}", on_click=on_select_claim, args=(claim.id,),
                              disabled=claim.id == view.claim)
        if len(relevant) > CLAIMS_SHOWN:
            st.page_link("app_pages/claims.py", label=f"{len(relevant) - CLAIMS_SHOWN} more on the Claims page")


def sidebar(view):
    with st.sidebar:
        st.subheader("Layers")
        for layer in LAYERS:
            sync_widget(f"layer_{layer.id}", layer.id in view.layers)
            # A widget's label and help are markdown: the catalogue's words are shown as written.
            st.checkbox(common.md_escape(layer.title), key=f"layer_{layer.id}", on_change=on_layer,
                        help=common.md_escape(layer.description))
        st.subheader("Place names")
        sync_widget("lang", view.lang)
        st.radio("Place names", list(view_mod.LANGUAGES), key="lang", on_change=on_lang,
                 format_func=view_mod.LANGUAGES.get, label_visibility="collapsed",
                 help="The names of places on the map and in its popups. A place the sources give no name for "
                      "in that language shows its English name, in italics. The page's own text stays English.")
        st.subheader("Base map")
        sync_widget("base", view.base)
        st.radio("Base map", list(view_mod.BASE_MAPS), key="base", on_change=on_base,
                 format_func=view_mod.BASE_MAPS.get, label_visibility="collapsed")
        if view.base != "none":
            st.caption("Web tiles need a network connection; the offline base layer stays underneath.")


def about_the_article():
    """Which article the map is about and a key to its verdicts, in two short lines above the map."""
    if data["dataset"].article is None:
        return  # the notice above says which file could not be read
    _, meta = data["dataset"].article
    published = dt.date.fromisoformat(meta["date_published"])
    st.caption(f"Built around an article: **{common.md_escape(meta['publisher'])}, {published:%-d %b %Y}**, "
               f"“{common.md_link(meta['title'], meta.get('url'))}”, whose statements are claims to check (the "
               "article in full, each claim marked in it: [Claims page](./claims)).  \nVerdicts on 24 Nov 2020: "
               + " ".join(VERDICT_BADGES.values())
               + "; in hindsight: " + " ".join(HINDSIGHT_BADGES.values())
               + " (what each means: [Claims page](./claims)).")


def opening_view():
    """A link with a claim and no centre (the Claims page's links) fits the map to the claim, at the link's
    date when it has one; one with a point of the statement and no centre, to the point's features."""
    if "synced" in st.session_state:
        return
    opened = common.view_from_link()
    if "lat" in st.query_params:
        return
    if opened.claim:
        fitted = claim_view(opened, opened.claim)
        if "date" in st.query_params:
            fitted = fitted.replace(date=opened.date)
    elif point_shown(opened):
        try:
            fitted = common.point_map_view(opened, opened.point)
        except GeoError:
            return  # the panel under the map says the ledger could not be read
    else:
        return
    common.set_synced(viewsync.Synced(view=fitted))  # still the view the link opened


# The page's first run draws the title, the day and the map only. The claims, the exports and the sidebar's
# widgets follow in the run after the map reports its first painted frame: each of them loads and lays out
# code of Streamlit's own that would otherwise hold the map's first paint back (about 0.6 s here).
opening_view()
title = st.empty()  # above the map, written after it: the map's element goes out first
# Once the map has painted, the sidebar goes out ahead of the map: a new map (another base map) reports its
# first frame at once, and that report carries the browser's widget values. Were the sidebar's new values still
# on their way, Streamlit would take the old ones for a change made by the reader and undo the view.
if st.session_state.get("map_painted"):
    sidebar(common.view_from_link())
timeline_map_and_claims()
with title.container():
    st.markdown(f"#### Nagorno-Karabakh, {TIMELINE_START:%b %Y} - {TIMELINE_END:%b %Y}: the war, the ceasefire and after")
    common.data_problems("the map")
    if st.session_state.get("map_painted"):
        about_the_article()
