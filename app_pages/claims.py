"""Claims: every factual claim of the article in full, each as a card with both verdicts and their sources,
beside the article with each claim's words marked.

The page's view is its link: `type`, `verdict` (on 24 Nov 2020) and `hindsight` are comma-separated lists of
what the filters show (left out when every value is shown, `none` when none is) and `claim` is the selected
claim. The page reads the link when it opens it, says what it could not use, and writes back what it shows,
so a reload or a copied address shows the same claims. A claim's "Show on the map" button opens the map in
the same tab, at the claim's date with the map fitted to it.
"""
from __future__ import annotations

import dataclasses
import datetime as dt

import streamlit as st

from geo import article as article_mod
from geo import claims as claims_mod
from geo import view as view_mod
from app_pages import common

PARAMETERS = ("type", "verdict", "hindsight", "claim")
MAX_LIST_CHARS = 200  # longer than every value of a filter written out: not a list anyone chose
MAX_CLAIM_CHARS = 40
PHONE_MAX_PX = 640  # below this Streamlit stacks columns: the article goes into an expander above the claims

data = common.load_or_stop()
claims = data["claims"]
if claims.empty or data["dataset"].article is None:
    st.markdown("#### The article's claims, checked against public sources")
    st.error("The claims cannot be shown: their file, or the article they quote, could not be read (the notice "
             "above says which, and what to do).", icon=":material/report:")
    st.query_params.clear()  # nothing this page reads can be shown: the address says so
    st.stop()
text, meta = data["dataset"].article


@dataclasses.dataclass(frozen=True)
class Filter:
    param: str  # in the link
    key: str  # the widget's
    label: str
    what: str  # one value, as a notice names it
    options: tuple[str, ...]

    def show(self, value: str) -> str:
        return value.replace("_", " ")


def in_order(known, present) -> tuple[str, ...]:
    """The values present in the claims, in the order the data file defines them (others after, sorted)."""
    present = set(present)
    return tuple(v for v in known if v in present) + tuple(sorted(present - set(known)))


def day(iso) -> str:
    try:
        return f"{dt.date.fromisoformat(str(iso)):%d %b %Y}"
    except ValueError:
        return common.md_escape(iso)


hindsight_verdicts = [h["verdict"] for h in claims.hindsight]
FILTERS = (
    Filter("type", "claims_types", "Type", "claim type", in_order(common.claim_type_meanings(), claims.type)),
    Filter("verdict", "claims_verdicts", "Verdict on 24 Nov 2020", "verdict", in_order(claims_mod.VERDICTS, claims.verdict)),
    Filter("hindsight", "claims_hindsight", "Verdict in hindsight", "verdict in hindsight",
           in_order(claims_mod.HINDSIGHT_VERDICTS, hindsight_verdicts)),
)


def parse_list(flt: Filter, value) -> tuple[list[str], str | None]:
    """The values a link asks a filter to show, and a notice when some cannot be used."""
    every = list(flt.options)
    if value is None or not value.strip():
        return every, None
    if len(value) > MAX_LIST_CHARS:
        return every, (f"Link parameter `{flt.param}` is too long ({len(value)} characters, beginning "
                       f"{common.cut(value)}). Showing every {flt.what}.")
    if value.strip() == "none":
        return [], None
    asked = [v.strip() for v in value.split(",") if v.strip()]
    unknown = [v for v in asked if v not in flt.options]
    chosen = [v for v in every if v in asked]
    if not unknown:
        return chosen, None
    more = f" (nor {len(unknown) - 1} more)" if len(unknown) > 1 else ""
    shown = ", ".join(flt.show(v) for v in chosen) if chosen else f"every {flt.what}"
    return chosen or every, (f"Link parameter `{flt.param}`: {common.cut(unknown[0])} is not a {flt.what}{more}; "
                             f"use {', '.join(flt.options)}. Showing {shown}.")


def parse_claim(value) -> tuple[str | None, str | None]:
    if value is None or not value.strip():
        return None, None
    value = value.strip()
    if len(value) > MAX_CLAIM_CHARS:
        return None, f"Link parameter `claim` is too long ({len(value)} characters). No claim is selected."
    if value not in data["claim_ids"]:
        return None, f"Link parameter `claim`: there is no claim {common.cut(value)}. No claim is selected."
    return value, None


def read_link(link: dict) -> None:
    """Take the page's view from the link, with a notice for each parameter that could not be used."""
    notices = []
    for flt in FILTERS:
        st.session_state[flt.key], notice = parse_list(flt, link.get(flt.param))
        notices += [notice] if notice else []
    selected, notice = parse_claim(link.get("claim"))
    # The router may have said so already (the map's view has a `claim` too): one notice, not two.
    if not common.take_link_notice("claim") and notice:
        notices.append(notice)
    if selected and not matches(claims[claims.id == selected]).any():
        notices.append(f"Claim {selected} is not among the claims these filters show. No claim is selected.")
        selected = None
    st.session_state.claims_selected = selected
    st.session_state.claims_notices = notices


def matches(frame):
    return (frame.type.isin(st.session_state.claims_types) & frame.verdict.isin(st.session_state.claims_verdicts)
            & frame.hindsight.map(lambda h: h["verdict"]).isin(st.session_state.claims_hindsight))


def link_of_view() -> dict[str, str]:
    params = {}
    for flt in FILTERS:
        chosen = st.session_state[flt.key]
        if list(chosen) != list(flt.options):
            params[flt.param] = ",".join(chosen) if chosen else "none"
    if st.session_state.claims_selected:
        params["claim"] = st.session_state.claims_selected
    return params


def on_change():
    """The reader changed the view: the link's problems are past."""
    st.session_state.claims_notices = []


def on_select(claim_id):
    on_change()
    st.session_state.claims_selected = claim_id


# The link is read when the page opens it: a share link, a reload, or the page reached from another with
# a link of its own. A bare link from elsewhere in the session (the navigation, the map's "Claims page")
# keeps the view the reader left here. After that the widgets own the view and the page writes it back.
link = {key: st.query_params.get(key) for key in PARAMETERS if key in st.query_params}
written = st.session_state.get("claims_written")
if written is None or (link and link != written):
    read_link(link)
elif link != written:
    st.session_state.claims_notices = []  # a bare link: what an earlier link could not use is past
for flt in FILTERS:
    # Streamlit forgets a widget's value while another page is shown: the view keeps its own copy.
    if flt.key not in st.session_state:
        st.session_state[flt.key] = st.session_state.claims_view[flt.param]

st.markdown("#### The article's claims, checked against public sources")
st.caption(f"“{common.md_escape(meta.get('title', ''))}”, {common.md_escape(meta.get('publisher', ''))}, "
           f"{day(meta.get('date_published', ''))}. Each of its factual statements is a claim to check, "
           "not a fact. Every claim is shown in full, with its verdict as of the article's day, its verdict in "
           "hindsight, and the sources of each.")
for notice in st.session_state.claims_notices:
    st.warning(common.md_escape(notice), icon=":material/link_off:")
common.note_unread_parameters(PARAMETERS, "this page")

for flt, column in zip(FILTERS, st.columns(3)):
    column.multiselect(flt.label, flt.options, key=flt.key, format_func=flt.show, on_change=on_change,
                       placeholder=f"None: choose a {flt.what}")
shown = claims[matches(claims)]
if st.session_state.claims_selected not in set(shown.id):
    st.session_state.claims_selected = None  # the reader's filters hide it
selected = st.session_state.claims_selected
st.session_state.claims_view = {flt.param: list(st.session_state[flt.key]) for flt in FILTERS}
params = link_of_view()
if st.query_params.to_dict() != params:
    st.query_params.from_dict(params)
st.session_state.claims_written = params


def badge_key(badges: dict, meanings: dict, show) -> str:
    return "\n".join(f"- {badges.get(v, common.md_escape(show(v)))} {common.md_escape(meanings[v])}" for v in meanings)


with st.expander("What the types and verdicts mean"):
    type_column, verdict_column, hindsight_column = st.columns(3)
    type_column.markdown("**Types**\n\n" + "\n".join(f"- **{common.md_escape(t.replace('_', ' '))}**: {common.md_escape(m)}"
                                                     for t, m in common.claim_type_meanings().items()))
    verdict_column.markdown("**Verdict on 24 Nov 2020**, from the sources public by then\n\n"
                            + badge_key(common.VERDICT_BADGES, common.verdict_meanings(), str))
    hindsight_column.markdown("**Verdict in hindsight**, from what happened later, with the day later events "
                              "settled the claim\n\n"
                              + badge_key(common.HINDSIGHT_BADGES, common.hindsight_meanings(),
                                          lambda v: v.replace("_", " ")))


def verdicts_line(claim) -> str:
    hindsight = claim.hindsight
    settled = claims_mod.settled_day(hindsight)
    line = (f":gray[24 Nov 2020] {common.VERDICT_BADGES.get(claim.verdict, common.md_escape(claim.verdict))} "
            f":gray[In hindsight] {common.HINDSIGHT_BADGES.get(hindsight['verdict'], common.md_escape(hindsight['verdict']))}")
    if settled:
        line += f" :gray[settled {settled:%d %b %Y}]"
    return line


def bullets(lines) -> str:
    return "\n".join(f"- {line}" for line in lines)


def open_on_map(claim_id: str) -> None:
    """The map, in this tab, at the claim: its date, its layers beside the reader's, fitted to its features."""
    view = common.claim_map_view(common.view_from_link(), claim_id)
    common.change_view(view)
    st.switch_page("app_pages/map.py", query_params=view_mod.to_query(view))


def card(claim) -> None:
    slug = article_mod.anchor(claim.id).removeprefix("claim-")
    is_selected = claim.id == selected
    hindsight = claim.hindsight
    with st.container(border=True, key=f"card_{slug}"):
        st.subheader(f"{common.md_escape(claim.id)} :gray[· {common.md_escape(claim.type.replace('_', ' '))}]"
                     + (" :blue-badge[selected]" if is_selected else ""), anchor=article_mod.anchor(claim.id))
        st.markdown(verdicts_line(claim))
        dates = ", ".join(day(d) for d in claim.dates) or "none given"
        st.caption(f"Dates in the claim: {dates} · shown on the map on {day(claim.map_date)}")
        st.markdown("> “" + common.md_escape(claim.quote) + "”")
        st.markdown(common.md_escape(claim.summary))
        st.markdown(f"**As of 24 Nov 2020:** {common.md_escape(claim.reason)}\n\n"
                    + bullets(common.sources_with_addresses(claim.reference)))
        settled = claims_mod.settled_day(hindsight)
        when = (f"Settled on {settled:%d %b %Y}." if settled else
                "Still open." if hindsight["verdict"] == "still_open" else "Needed no settling.")
        later = common.later_sources_with_addresses(hindsight["sources"])
        st.markdown(f"**In hindsight:** {common.md_escape(hindsight['reason'])} {when}\n\n"
                    + (bullets(later) if later else "No later source needed: later events leave the claim as it was."))
        with st.container(horizontal=True, key=f"actions_{slug}"):
            if st.button(f"Show {claim.id} on the map", key=f"map_{slug}", icon=":material/map:",
                         help="Opens the map in this tab at the claim's date, fitted to what the claim is about"):
                open_on_map(claim.id)
            if is_selected:
                st.button("Clear selection", key=f"clear_{slug}", on_click=on_select, args=(None,))
            else:
                st.button(f"Select {claim.id}", key=f"select_{slug}", on_click=on_select, args=(claim.id,),
                          help="Marks the claim here and in the article, and puts it in the page's address")
        if not claim.features:
            st.caption("The map draws nothing of this claim: it opens at the claim's date.")


def article_block(where: str) -> None:
    """The article in full, each shown claim's words marked with a link to its card; the selected claim's
    marks stand out."""
    spans = [article_mod.Span(c.id, c.span[0], c.span[1], c.quote, c.verdict) for c in shown.itertuples()]
    good, problems = article_mod.check_spans(text, spans)
    st.caption("Each claim's words are marked in the colour of its verdict on 24 Nov 2020; its id, before them, "
               "leads to its card. The marks follow the filters.")
    st.html(f'<div class="kcm-article" data-kcm-article="{where}">{article_mod.highlight(text, good, selected)}</div>')
    for claim_id, problem in problems.items():
        st.warning(f"{common.md_escape(claim_id)} is not marked: {common.md_escape(problem)}.", icon=":material/error:")
    st.caption(common.md_escape(meta.get("rights", "")))


SELECTED_CARD = (f".st-key-card_{article_mod.anchor(selected).removeprefix('claim-')} "
                 "{border: 2px solid #2563eb; background: #eff6ff;}" if selected else "")
st.html(f"""<style>
.kcm-article {{ white-space: pre-wrap; line-height: 1.75; font-size: 0.95rem; }}
mark.kcm-claim {{ background: #e5e7eb; color: inherit; border-radius: 3px; padding: 1px 0; }}
mark.kcm-claim-consistent {{ background: #dcfce7; }}
mark.kcm-claim-imprecise {{ background: #ffedd5; }}
mark.kcm-claim-unverified {{ background: #e5e7eb; }}
mark.kcm-claim-contradicted {{ background: #fee2e2; }}
mark.kcm-claim mark.kcm-claim {{ border-bottom: 2px solid #57534e; border-radius: 0; }}
mark.kcm-selected {{ background: #bfdbfe; box-shadow: 0 0 0 2px #2563eb; }}
a.kcm-claim-tag {{ font-size: 0.72em; font-weight: 600; vertical-align: super; line-height: 0; margin: 0 2px;
  color: #1e3a8a; text-decoration: none; }}
a.kcm-claim-tag:hover {{ text-decoration: underline; }}
/* The article's column stays in view beside the cards as the reader scrolls them. */
div[data-testid="stColumn"]:has(.st-key-article_desktop) {{ position: sticky; top: 3.75rem; align-self: flex-start;
  max-height: calc(100vh - 5rem); overflow-y: auto; }}
[class*="st-key-card_"] a {{ overflow-wrap: anywhere; }}
[class*="st-key-card_"] h3 {{ font-size: 1.15rem; padding: 0; scroll-margin-top: 4rem; }}
[class*="st-key-card_"] blockquote {{ font-size: 1.02rem; color: inherit; }}
/* The filters' chips in a neutral colour: red, the theme's, is the colour of a contradicted claim here. */
[data-testid="stMultiSelect"] [data-tag] {{ background-color: #e0e7ff; color: #1e3a8a; }}
{SELECTED_CARD}
@media (max-width: {PHONE_MAX_PX}px) {{ .st-key-article_desktop {{ display: none; }} }}
@media (min-width: {PHONE_MAX_PX + 1}px) {{ .st-key-article_phone {{ display: none; }} }}
</style>""")

if selected:
    chosen = data["claims_by_id"].loc[selected]
    with st.container(key="selected_claim", horizontal=True, vertical_alignment="center"):
        st.markdown(f"Selected: **{common.md_escape(selected)}**: {common.md_escape(chosen.summary)} "
                    f"[Go to its card](#{article_mod.anchor(selected)})")
        st.button("Clear selection", key="clear_selected", on_click=on_select, args=(None,))
st.caption(f"Showing {len(shown)} of {len(claims)} claims, in the order they come in the article.")

with st.expander("The article, with each claim's words marked", key="article_phone"):
    article_block("phone")
cards, article_column = st.columns([1.15, 1], gap="large")
with cards:
    if shown.empty:
        st.info("No claim matches these filters.")
    for claim in shown.itertuples():
        card(claim)
with article_column:
    with st.container(key="article_desktop"):
        st.markdown(f"**The article**: {common.md_escape(meta.get('publisher', ''))}, "
                    f"{day(meta.get('date_published', ''))}")
        article_block("desktop")
