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
with st.expander("Full notes: dated events, known limitations (data/SOURCES.md)"):
    st.markdown(SOURCES_MD.read_text(encoding="utf-8"))
st.caption("Base data: Natural Earth (public domain). Places: GeoNames, CC BY 4.0. Article: © Sputnik, quoted for "
           "fact-checking. The map runs offline: its scripts are served by the app itself.")
