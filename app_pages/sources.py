"""Sources and method: where every layer comes from, how it was built, how precise it is."""
import json

import streamlit as st

from geo.catalog import PRECISION
from geo.paths import PROVENANCE, SOURCES_MD
from app_pages import common

st.markdown("#### Sources and method")
try:
    provenance = json.loads(PROVENANCE.read_text(encoding="utf-8"))
except (OSError, json.JSONDecodeError) as exc:
    st.error(f"{PROVENANCE.name} could not be read: {common.md_escape(exc)}")
    st.stop()

st.markdown("**Data sources**")
st.dataframe(
    [{"Source": s["producer"], "Package": f"{s['package']} ({s['registry']})", "Version": s["version"],
      "Licence": s["licence"], "Citation": s["citation"]} for s in provenance["sources"].values()],
    hide_index=True, use_container_width=True, key="sources_table")
st.markdown("**Precision classes** (how each feature is drawn: approximate ones have dashed outlines)")
for key, meaning in PRECISION.items():
    st.markdown(f"- `{key}`: {common.md_escape(meaning)}")
st.markdown("**How each file was built**")
st.dataframe(
    [{"File": name, "Sources": ", ".join(f["sources"]) or "curated", "Method": f["method"]}
     for name, f in provenance["files"].items()],
    hide_index=True, use_container_width=True, key="files_table")
records = common.load_or_stop()["records"]
st.markdown("**Settlements: how many are on the map**")
st.caption("A settlement is drawn where a public page gives its coordinates (never guessed); the others are in the "
           "gazetteer and the search, without a point. Each located settlement governs the land nearest to it.")
gazetteer = records.settlements
coverage = gazetteer.assign(located=gazetteer.lat.notna(), announced=gazetteer.id.isin(
    records.events[records.events.event == "announced_taken"].subject))
st.dataframe(
    coverage.groupby("district").agg(settlements=("id", "size"), located=("located", "sum"),
                                     announced=("announced", "sum"),
                                     announced_and_located=("located", lambda s: int((s & coverage.loc[s.index,
                                                                                      "announced"]).sum())))
    .reset_index().rename(columns={"district": "District", "settlements": "Settlements", "located": "Located",
                                   "announced": "Capture announced", "announced_and_located": "Announced and located"}),
    hide_index=True, use_container_width=True, key="coverage_table")
st.markdown(f"**Pages cited** ({len(records.sources)}): every dated change, feature and verdict cites these")
st.dataframe(
    records.sources[["outlet", "published", "title", "url"]].rename(
        columns={"outlet": "Outlet", "published": "Published", "title": "Title", "url": "Address"}),
    hide_index=True, use_container_width=True, key="pages_table",
    column_config={"Address": st.column_config.LinkColumn("Address")})
with st.expander("Full notes: dated events, known limitations (data/SOURCES.md)"):
    st.markdown(SOURCES_MD.read_text(encoding="utf-8"))
st.caption("Base data: Natural Earth (public domain). Places: GeoNames, CC BY 4.0. Article: © Sputnik, quoted for "
           "fact-checking. The map runs offline: its scripts are served by the app itself.")
