"""Claims: every factual claim of the article, filterable, each a link to the map at its date."""
from urllib.parse import urlencode

import streamlit as st

from geo import view as view_mod
from geo.catalog import LAYERS_BY_ID
from app_pages import common

data = common.load_or_stop()
claims = data["claims"]
current = common.view_from_link()
text, meta = common.article()

st.markdown("#### The article's claims, checked against public sources")
st.caption(f"“{common.md_escape(meta.get('title', ''))}”, {common.md_escape(meta.get('publisher', ''))}, "
           f"{common.md_escape(meta.get('date_published', ''))}. Each statement is a claim to check, not a fact.")

types = sorted(claims.type.unique())
verdicts = [v for v in ("consistent", "imprecise", "unverified", "contradicted") if v in set(claims.verdict)]
left, right = st.columns(2)
chosen_types = left.multiselect("Type", types, default=types, key="claims_types",
                                format_func=lambda t: t.replace("_", " "))
chosen_verdicts = right.multiselect("Verdict", verdicts, default=verdicts, key="claims_verdicts")
shown = claims[claims.type.isin(chosen_types) & claims.verdict.isin(chosen_verdicts)]


def map_link(claim) -> str:
    # Keep the reader's layers and base map; the map page fits itself to the claim (no centre in the link).
    params = {k: v for k, v in view_mod.to_query(current).items() if k not in ("lat", "lon", "zoom")}
    params.update(claim=claim.id, date=claim.map_date)
    return f"./?{urlencode(params)}"  # the map is the default page, at the app's root


table = shown.assign(
    dates=[", ".join(d) for d in shown.dates],
    layers=[", ".join(LAYERS_BY_ID[l].title for l in ls) for ls in shown.layers],
    map=[map_link(c) for c in shown.itertuples()],
)[["id", "quote", "type", "dates", "verdict", "reason", "layers", "map"]]
st.dataframe(
    table, hide_index=True, key="claims_table", use_container_width=True,
    column_config={
        "id": st.column_config.TextColumn("Claim", width="small"),
        "quote": st.column_config.TextColumn("Quote (verbatim)", width="large"),
        "type": "Type", "dates": "Dates", "verdict": "Verdict",
        "reason": st.column_config.TextColumn("Why", width="large"),
        "layers": "Map layers",
        "map": st.column_config.LinkColumn("Map", display_text="Open on map"),
    },
)
st.caption(f"{len(shown)} of {len(claims)} claims shown. Verdicts: "
           + "; ".join(f"**{k}**: {common.md_escape(v)}" for k, v in common.verdict_meanings().items()))

with st.expander("The sources behind each verdict"):
    for claim in shown.itertuples():
        st.markdown(f"**{claim.id}** ({claim.verdict}): {common.source_links(claim.reference)}")

with st.expander("The article, with attribution"):
    st.caption(common.md_escape(meta.get("rights", "")))
    st.text(text)
