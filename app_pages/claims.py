"""Claims: every factual claim of the article, filterable, each a link to the map at its date."""
from urllib.parse import urlencode

import streamlit as st

from geo import claims as claims_mod
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


@st.cache_resource(show_spinner=False)
def hindsight_meanings() -> dict:
    return claims_mod.hindsight_meanings()


types = sorted(claims.type.unique())
verdicts = [v for v in claims_mod.VERDICTS if v in set(claims.verdict)]
hindsight_verdicts = claims.hindsight.map(lambda h: h["verdict"])
in_hindsight = [v for v in claims_mod.HINDSIGHT_VERDICTS if v in set(hindsight_verdicts)]
left, middle, right = st.columns(3)
chosen_types = left.multiselect("Type", types, default=types, key="claims_types",
                                format_func=lambda t: t.replace("_", " "))
chosen_verdicts = middle.multiselect("Verdict on 24 Nov 2020", verdicts, default=verdicts, key="claims_verdicts")
chosen_hindsight = right.multiselect("Verdict in hindsight", in_hindsight, default=in_hindsight,
                                     key="claims_hindsight", format_func=lambda v: v.replace("_", " "))
shown = claims[claims.type.isin(chosen_types) & claims.verdict.isin(chosen_verdicts)
               & hindsight_verdicts.isin(chosen_hindsight)]


def map_link(claim) -> str:
    # Keep the reader's layers and base map; the map page fits itself to the claim (no centre in the link).
    params = {k: v for k, v in view_mod.to_query(current).items() if k not in ("lat", "lon", "zoom")}
    params.update(claim=claim.id, date=claim.map_date)
    return f"./?{urlencode(params)}"  # the map is the default page, at the app's root


table = shown.assign(
    dates=[", ".join(d) for d in shown.dates],
    layers=[", ".join(LAYERS_BY_ID[l].title for l in ls) for ls in shown.layers],
    map=[map_link(c) for c in shown.itertuples()],
    hindsight=[h["verdict"].replace("_", " ") for h in shown.hindsight],
    settled=[h["settled"] or "" for h in shown.hindsight],
    hindsight_reason=[h["reason"] for h in shown.hindsight],
)[["id", "quote", "type", "dates", "verdict", "reason", "hindsight", "settled", "hindsight_reason", "layers", "map"]]
st.dataframe(
    table, hide_index=True, key="claims_table", use_container_width=True,
    column_config={
        "id": st.column_config.TextColumn("Claim", width="small"),
        "quote": st.column_config.TextColumn("Quote (verbatim)", width="large"),
        "type": "Type", "dates": "Dates", "verdict": "24 Nov 2020",
        "reason": st.column_config.TextColumn("Why (24 Nov 2020)", width="large"),
        "hindsight": "In hindsight", "settled": "Settled",
        "hindsight_reason": st.column_config.TextColumn("Why (in hindsight)", width="large"),
        "layers": "Map layers",
        "map": st.column_config.LinkColumn("Map", display_text="Open on map"),
    },
)
st.caption(f"{len(shown)} of {len(claims)} claims shown. Verdicts as of 24 Nov 2020: "
           + "; ".join(f"**{k}**: {common.md_escape(v)}" for k, v in common.verdict_meanings().items()))
st.caption("Verdicts in hindsight, with the day later events settled the claim (none when it is still open or "
           "needed no settling): " + "; ".join(f"**{common.md_escape(k.replace('_', ' '))}**: {common.md_escape(v)}"
                                               for k, v in hindsight_meanings().items()))


def later_sources(sources) -> str:
    """The later pages, each with its address written out."""
    if not sources:
        return "none needed: later events do not change the claim"
    return "; ".join(f"{common.md_link(claims_mod.source_label(s), s['url'])} ({common.md_escape(s['url'])})"
                     for s in sources)


with st.expander("The sources behind each verdict"):
    for claim in shown.itertuples():
        st.markdown(f"**{claim.id}** (24 Nov 2020: {claim.verdict}): {common.source_links(claim.reference)}  \n"
                    f"In hindsight ({claim.hindsight['verdict'].replace('_', ' ')}): "
                    f"{later_sources(claim.hindsight['sources'])}")

with st.expander("The article, with attribution"):
    st.caption(common.md_escape(meta.get("rights", "")))
    st.text(text)
