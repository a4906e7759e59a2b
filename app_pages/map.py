"""Map: the ceasefire's geography on a day, with the article's claims about it beside the map."""
import datetime as dt
import json

import streamlit as st
from streamlit_folium import st_folium

from geo import claims as claims_mod
from geo import geojson, mapview, state
from geo import view as view_mod
from geo.catalog import KEY_DATES, LAYERS, LAYERS_BY_ID, TIMELINE_END, TIMELINE_START
from geo.errors import GeoError
from app_pages import common

VERDICT_BADGES = {"consistent": ":green-badge[consistent]", "imprecise": ":orange-badge[imprecise]",
                  "unverified": ":gray-badge[unverified]", "contradicted": ":red-badge[contradicted]"}
KEY_DATE_LABELS = {day: f"{day:%d %b}: {label}" for day, label in KEY_DATES.items()}
MAP_HEIGHT = 620

data = common.load_or_stop()
try:
    bundle = common.map_bundle()
except GeoError as exc:
    st.error(f"The map cannot be drawn: {common.md_escape(exc)}")
    st.stop()
claims = data["claims"]
current = common.read_view(data["claim_ids"])


def claim_view(view: view_mod.View, claim_id: str) -> view_mod.View:
    """The view that shows a claim: its date, its layers switched on, the map fitted to its features."""
    claim = claims.set_index("id").loc[claim_id]
    layers_on = tuple(l.id for l in LAYERS if l.id in view.layers or l.id in claim.layers)
    chosen = view.replace(claim=claim_id, date=state.parse_date(claim.map_date), layers=layers_on)
    features = [frame[frame.id.isin(claim.features)] for frame in data["layers"].values()]
    bounds = [f.total_bounds for f in features if len(f)]
    if bounds:
        lat, lon, zoom = view_mod.fit((min(b[0] for b in bounds), min(b[1] for b in bounds),
                                       max(b[2] for b in bounds), max(b[3] for b in bounds)))
        chosen = chosen.replace(lat=lat, lon=lon, zoom=zoom)
    return chosen


def current_view() -> view_mod.View:
    return view_mod.from_query(st.query_params.to_dict(), claim_ids=data["claim_ids"])[0]


# Widgets write their change into the query string; the next run reads the view back from it.
def on_date():
    common.write_view(current_view().replace(date=st.session_state.date))


def on_key_date():
    label = st.session_state.key_date
    day = next((d for d, text in KEY_DATE_LABELS.items() if text == label), None)
    if day:
        common.write_view(current_view().replace(date=day))


def on_layer():
    chosen = tuple(l.id for l in LAYERS if st.session_state[f"layer_{l.id}"])
    common.write_view(current_view().replace(layers=chosen))


def on_base():
    common.write_view(current_view().replace(base=st.session_state.base))


def on_select_claim(claim_id):
    common.write_view(claim_view(current_view(), claim_id))


def on_clear_claim():
    common.write_view(current_view().replace(claim=None))


# A claim link from a popup carries no centre: fit the map to the claim.
if current.claim and "lat" not in st.query_params:
    current = claim_view(current, current.claim)
common.write_view(current)

selected_features = list(claims.set_index("id").loc[current.claim, "features"]) if current.claim else []
day_state = state.state_on(data["layers"], current.date, current.layers)

# ------------------------------------------------------------------------------------------------ sidebar
with st.sidebar:
    st.subheader("Layers")
    for layer in LAYERS:
        st.session_state[f"layer_{layer.id}"] = layer.id in current.layers
        st.checkbox(layer.title, key=f"layer_{layer.id}", on_change=on_layer, help=layer.description)
    st.subheader("Base map")
    st.session_state.base = current.base
    st.radio("Base map", list(view_mod.BASE_MAPS), key="base", on_change=on_base,
             format_func=view_mod.BASE_MAPS.get, label_visibility="collapsed")
    if current.base != "none":
        st.caption("Web tiles need a network connection; the offline base layer stays underneath.")
    st.subheader("Share and export")
    common.copy_link_button()
    st.download_button(
        "GeoJSON of this view", on_click="ignore", mime="application/geo+json",
        file_name=f"karabakh-{current.date.isoformat()}.geojson",
        data=lambda: json.dumps(geojson.feature_collection(day_state, f"state-{current.date.isoformat()}"),
                                ensure_ascii=False))
    st.download_button(
        "Map as standalone HTML", on_click="ignore", mime="text/html",
        file_name=f"karabakh-map-{current.date.isoformat()}.html",
        data=lambda: mapview.standalone_html(bundle["script"], current, selected_features))

# ------------------------------------------------------------------------------------------------ timeline
st.markdown("#### Nagorno-Karabakh, 27 Sep - 1 Dec 2020: the war, the ceasefire of 10 Nov and the handovers")
timeline, controls = st.columns([5, 1], vertical_alignment="bottom")
with timeline:
    st.session_state.date = current.date
    st.slider("Date", min_value=TIMELINE_START, max_value=TIMELINE_END, step=dt.timedelta(days=1), key="date",
              format="ddd D MMM YYYY", on_change=on_date,
              help="Drag, or focus the slider and use the arrow keys to step a day at a time.")
with controls:
    playing = st.toggle("Play", key="playing", help="Step through the timeline, one day a second")

st.session_state.key_date = KEY_DATE_LABELS.get(current.date)
st.pills("Key dates", list(KEY_DATE_LABELS.values()), key="key_date", on_change=on_key_date,
         label_visibility="collapsed")


@st.fragment(run_every=1.0 if playing else None)
def play_ticker():
    if not st.session_state.get("playing"):
        return
    now = current_view()
    if now.date >= TIMELINE_END:
        st.session_state.playing = False
    else:
        common.write_view(now.replace(date=now.date + dt.timedelta(days=1)))
    st.rerun(scope="app")


play_ticker()

# ------------------------------------------------------------------------------------------------ map and claims
map_column, claims_column = st.columns([3, 1.25])
with map_column:
    returned = st_folium(
        mapview.timeline_map(bundle["url"], current.base),
        key="map", height=MAP_HEIGHT, use_container_width=True,
        center=(current.lat, current.lon), zoom=current.zoom,
        feature_group_to_add=mapview.state_update(current, selected_features),
        returned_objects=["center", "zoom"],
    )
    if returned and returned.get("center") and returned.get("zoom"):
        moved = current.replace(lat=round(returned["center"]["lat"], view_mod.COORD_DECIMALS),
                                lon=round(returned["center"]["lng"], view_mod.COORD_DECIMALS),
                                zoom=int(returned["zoom"]))
        if moved != current:
            common.write_view(moved)
    st.caption(f"{current.date:%A %d %B %Y}" + (f" — {KEY_DATES[current.date]}" if current.date in KEY_DATES else "")
               + ". Dashed outlines are approximate; pale fills are pending (scheduled or contested). "
               "Hover or click a shape for its names, status, sources and the article's words about it.")
    with st.expander(f"Who held what on {current.date:%d %b %Y} ({len(day_state)} features shown)"):
        table = day_state[["name_en", "layer", "status", "status_since", "precision", "area_km2"]].copy()
        table["layer"] = [LAYERS_BY_ID[l].title for l in table.layer]
        st.dataframe(table.rename(columns={"name_en": "Feature", "layer": "Layer", "status": "Status",
                                           "status_since": "Since", "precision": "Precision",
                                           "area_km2": "Area (km²)"}), hide_index=True, key="state_table")

with claims_column:
    relevant = claims_mod.claims_on(claims, day_state, current.date)
    st.markdown(f"**The article's claims ({len(relevant)} of {len(claims)} bear on this day)**")
    if current.claim:
        chosen = claims.set_index("id").loc[current.claim]
        with st.container(border=True, key="selected_claim"):
            st.markdown(f"**{current.claim}** {VERDICT_BADGES[chosen.verdict]} "
                        f"“{common.md_escape(chosen.quote)}”")
            st.caption(common.md_escape(chosen.reason))
            st.button("Clear selection", key="clear_claim", on_click=on_clear_claim)
    with st.container(height=MAP_HEIGHT - 40, border=False):
        for claim in relevant.itertuples():
            with st.container(border=True, key=f"claim_{claim.id}"):
                st.markdown(f"**{claim.id}** {VERDICT_BADGES[claim.verdict]} :gray[{claim.type.replace('_', ' ')}]"
                            f"  \n“{common.md_escape(claim.quote)}”")
                if claim.features:
                    st.button("Show on map", key=f"show_{claim.id}", on_click=on_select_claim, args=(claim.id,),
                              disabled=claim.id == current.claim)
