"""The dashboard's entry point: a router. Pages live in app_pages/; all logic lives in geo/.

The folder is not called pages/: Streamlit treats that name as legacy multipage mode and runs a page
directly, without this router, when a share link opens /map or /claims.
"""
import streamlit as st

from geo.errors import GeoError

st.set_page_config(page_title="Karabakh ceasefire map: 2020 and after", page_icon="static/kcm/favicon.png", layout="wide")
try:
    from app_pages import common
except GeoError as exc:
    # The layer catalogue (data/curated/layers.json) is read on import, and every page rests on it: the
    # page says which file and what to do, with no code or server path.
    from app_pages.text import md_escape
    st.error(f"The dashboard cannot start: a data file it needs could not be read. {md_escape(exc)}",
             icon=":material/report:")
    st.stop()

navigation = st.navigation([
    st.Page("app_pages/map.py", title="Map", icon=":material/map:", default=True),
    st.Page("app_pages/claims.py", title="Claims", icon=":material/fact_check:", url_path="claims"),
    st.Page("app_pages/ledger.py", title="The statement's ledger", icon=":material/gavel:", url_path="ledger"),
    st.Page("app_pages/sources.py", title="Sources and method", icon=":material/menu_book:", url_path="sources"),
])
# A link's map parameters are the map's and the ledger's (which reads its `date` itself and says what is wrong
# with it in its own words); the Claims and Sources pages read their own and rewrite the address.
if navigation.url_path in ("", "ledger"):
    common.notify_bad_link(skip=("date",) if navigation.url_path == "ledger" else ())
if navigation.url_path != "":  # the map says it above itself, under its title
    common.data_problems("this page")
navigation.run()
