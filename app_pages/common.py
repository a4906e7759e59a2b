"""What the pages share: cached loaders, and the view state kept in the share link's query string."""
from __future__ import annotations

import re

import streamlit as st

from geo import areas as areas_mod, claims as claims_mod, layers as layers_mod, mapdata, state
from geo import paths, settlements as settlements_mod, statement as statement_mod, view as view_mod, viewsync
from geo.errors import GeoError

MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$])")
# What Streamlit's markdown still turns into something else when escaped, as it acts on them after escapes
# are undone: a colon opening an emoji or icon shortcode (:smile:, :material/home:), a colour directive
# (:red[x]) or a URL scheme (https://); a bare www. address; an e-mail address (a mailto: link).
_SHORTCODE_COLON = re.compile(r":(?=[\w+-]+:|[\w-]+/|//|[\w-]+\[)")
_BARE_WWW = re.compile(r"(?i)\b(www)\.")
WORD_JOINER = "\u2060"  # invisible and unbreakable: it splits a shortcode or address without changing the text shown


def md_escape(text) -> str:
    """Text (from a link, an article, a data file) shown literally in Streamlit's markdown: no markup, link,
    emoji, icon, colour or formula made out of it."""
    text = _SHORTCODE_COLON.sub(":" + WORD_JOINER, str(text))
    text = _BARE_WWW.sub(r"\1" + WORD_JOINER + ".", text).replace("@", "@" + WORD_JOINER)
    return MARKDOWN_SPECIALS.sub(r"\\\1", text)


def md_link(text, url) -> str:
    """A markdown link to a source's address; anything but an http(s) address is shown as plain text."""
    url = str(url or "")
    if not re.fullmatch(r"https?://[^\s<>\"']+", url):
        return md_escape(text)
    safe = url.replace("(", "%28").replace(")", "%29").replace("[", "%5B").replace("]", "%5D")
    return f"[{md_escape(text)}]({safe})"


def source_links(source_ids) -> str:
    """The sources, as links a reader can open: outlet, date: title."""
    sources = load()["records"].sources
    parts = []
    for source_id in source_ids:
        if source_id not in sources.index:
            parts.append(md_escape(source_id))
            continue
        row = sources.loc[source_id]
        label = f"{row.outlet}{', ' + row.published if row.published else ''}: {row.title}"
        parts.append(md_link(label, row.url))
    return "; ".join(parts)


# The loaded data are read-only (geo never mutates its inputs), so one copy serves every session.
@st.cache_resource(show_spinner=False)
def load() -> dict:
    layers = layers_mod.load_layers()
    base = layers_mod.load_base()
    claims = claims_mod.with_groups_expanded(claims_mod.load_claims(), layers)
    records = settlements_mod.load()
    parts = areas_mod.pieces(layers, base["cells"])
    return {"layers": layers, "features": state.all_features(layers), "base": base, "claims": claims,
            "claims_by_id": claims.set_index("id"), "records": records, "area_series": areas_mod.series(parts),
            "zone": state.conflict_zone(base), "claim_ids": frozenset(claims.id),
            "settlements_by_id": layers["settlements"].set_index("id"),
            "place_ids": frozenset(layers["settlements"].id), "captured_ids": frozenset(layers["captured"].id)}


def ledger() -> dict:
    """The statement's ledger (geo.statement), checked; raises DataFileError naming the file and the problem.

    The path is read on every call, not bound at import, so a test can point it elsewhere; the file's time
    of change is part of the cache's key, so an edited file is read again without restarting the server."""
    path = paths.STATEMENT
    try:
        changed = path.stat().st_mtime_ns
    except OSError:
        changed = None  # missing: load() says so
    return _ledger(str(path), changed)


@st.cache_resource(show_spinner=False)  # read-only: no copy of it on every step of the timeline
def _ledger(path: str, changed) -> dict:
    return statement_mod.load(path)


@st.cache_resource(show_spinner=False)
def map_bundle() -> dict:
    """Write the map's runtime (Leaflet, controller, data) once per server; fails if Leaflet is not installed."""
    data = load()
    full = mapdata.bundle(data["layers"], data["base"], data["claims"], data["records"].sources,
                          data["area_series"], data["records"].settlements)
    served = mapdata.write_served(full, data["layers"])
    # The standalone export cannot fetch anything: it carries every detail inline.
    return {"url": served["url"], "standalone_script": mapdata.runtime_script(mapdata.to_script(full))}


def load_or_stop() -> dict:
    try:
        return load()
    except GeoError as exc:
        st.error(f"The map's data could not be loaded: {md_escape(exc)}")
        st.stop()


def synced() -> viewsync.Synced:
    """The session's view and its counters (geo.viewsync): read from the link when the session opens, then
    owned here. The map's component mirrors it in the address; no page writes the address itself.

    The link is not read again on later runs: every rerun request carries the browser's address as it was when
    the request left, which can predate the last change. Back and Forward reach the view as reports of the map.
    """
    if "synced" not in st.session_state:
        data = load()
        view = view_mod.from_query(st.query_params.to_dict(), claim_ids=data["claim_ids"],
                                   place_ids=data["place_ids"])[0]
        st.session_state.synced = viewsync.Synced(view=view)
    return st.session_state.synced


def view_from_link() -> view_mod.View:
    return synced().view


def set_synced(new: viewsync.Synced) -> None:
    st.session_state.synced = new


def change_view(view: view_mod.View, push: bool = True) -> None:
    """The page changes the view itself (a widget, a button): the map is told to show it."""
    if view != synced().view:
        set_synced(synced().changed_here(view, push=push))


def notify_bad_link(skip=()) -> None:
    """Say which link parameters could not be used, and what is shown instead: on every run until the reader
    changes the view the link opened (the map page draws itself in two runs, and a layer toggle reruns it).

    `skip`: parameters the page reads and reports itself (the ledger's `date` has a range of its own)."""
    if "link_notices" not in st.session_state:
        try:
            data = load()
        except GeoError:
            return  # the page itself reports the broken data
        st.session_state.link_notices = view_mod.parse_query(
            st.query_params.to_dict(), claim_ids=data["claim_ids"], place_ids=data["place_ids"])[1]
    opened = st.session_state.get("synced")
    if opened is not None and (opened.rev, opened.ack) != (0, 0):
        return  # the view has changed since the link opened it
    notices = {key: notice for key, notice in st.session_state.link_notices.items() if key not in skip}
    for notice in dict.fromkeys(notices.values()):  # lat and lon share one notice
        st.warning(md_escape(notice), icon=":material/link_off:")


# The button reads the link from the page's own address when clicked, so its HTML never changes and the
# frame is not redrawn on every step; the query string already is the view.
COPY_LINK_HTML = """<button type="button" id="copy" style="font:14px system-ui,sans-serif;padding:5px 12px;
border:1px solid #d1d5db;border-radius:8px;background:#fff;cursor:pointer">Copy link</button>
<span id="done" style="font:12px system-ui,sans-serif;color:#15803d"></span>
<script>
document.getElementById("copy").addEventListener("click", async () => {
  const url = window.parent.location.href;
  try { await navigator.clipboard.writeText(url); }
  catch (e) {
    const area = document.createElement("textarea"); area.value = url; document.body.appendChild(area);
    area.select(); document.execCommand("copy"); area.remove();
  }
  document.getElementById("done").textContent = "Link copied";
  window.parent.document.body.dataset.kcmCopiedLink = url;
});
</script>"""


def copy_link_button() -> None:
    st.iframe(COPY_LINK_HTML, height=42)


@st.cache_resource(show_spinner=False)
def article() -> tuple[str, dict]:
    return claims_mod.load_article()


@st.cache_resource(show_spinner=False)
def verdict_meanings() -> dict:
    import json

    from geo.paths import CLAIMS
    return json.loads(CLAIMS.read_text(encoding="utf-8")).get("verdicts", {})


# Both verdicts as coloured badges (Streamlit's :color-badge[...] markdown), shared by the map and the Claims page.
VERDICT_BADGES = {"consistent": ":green-badge[consistent]", "imprecise": ":orange-badge[imprecise]",
                  "unverified": ":gray-badge[unverified]", "contradicted": ":red-badge[contradicted]"}
HINDSIGHT_BADGES = {"stands": ":green-badge[stands]", "overtaken": ":violet-badge[overtaken]",
                    "did_not_hold": ":red-badge[did not hold]", "partly_held": ":orange-badge[partly held]",
                    "still_open": ":gray-badge[still open]"}
def address_link(url) -> str:
    """A source's address as a link whose text is the address itself; anything but http(s) is plain text."""
    url = str(url or "")
    return md_link(url, url) if re.fullmatch(r"https?://[^\s<>\"']+", url) else md_escape(url)


def sources_with_addresses(source_ids) -> list[str]:
    """The sources a verdict cites (ids of data/curated/sources.csv): outlet, date: title, then its address
    as a link."""
    sources = load()["records"].sources
    lines = []
    for source_id in source_ids:
        if source_id not in sources.index:
            lines.append(f"{md_escape(source_id)} (not in the list of sources)")
            continue
        row = sources.loc[source_id]
        label = f"{row.outlet}{', ' + row.published if row.published else ''}: {row.title}"
        lines.append(f"{md_escape(label)}: {address_link(row.url)}")
    return lines


def later_sources_with_addresses(sources) -> list[str]:
    """Sources given inline (a verdict in hindsight's): outlet, date: title, then its address as a link."""
    return [f"{md_escape(claims_mod.source_label(s))}: {address_link(s.get('url'))}" for s in sources]


def cut(value, limit: int = 24) -> str:
    """A link's bad value as a notice quotes it: its first `limit` characters, in quotes."""
    text = str(value)
    return repr(text if len(text) <= limit else text[:limit] + "…")


def take_link_notice(key: str) -> str | None:
    """For a page that reads the link parameter `key` itself: the notice notify_bad_link gave for it on this
    run, if it did; from now on notify_bad_link leaves `key` to the page."""
    notices = st.session_state.get("link_notices") or {}
    opened = st.session_state.get("synced")
    shown = notices.get(key) if opened is None or (opened.rev, opened.ack) == (0, 0) else None
    if key in notices:
        st.session_state.link_notices = {k: v for k, v in notices.items() if k != key}
    return shown


def claim_map_view(view: view_mod.View, claim_id: str) -> view_mod.View:
    """The map's view of a claim, as the map page shows it (geo.view.claim_view)."""
    data = load()
    return view_mod.claim_view(view, data["claims_by_id"].loc[claim_id], data["layers"])


@st.cache_resource(show_spinner=False)
def claim_type_meanings() -> dict:
    import json

    from geo.paths import CLAIMS
    return json.loads(CLAIMS.read_text(encoding="utf-8")).get("claim_types", {})


@st.cache_resource(show_spinner=False)
def provenance() -> dict:
    """data/provenance.json: the base data packages with their licences, and how each file was built.
    Raises DataFileError naming the file when it cannot be read."""
    import json

    from geo.errors import DataFileError
    try:
        return json.loads(paths.PROVENANCE.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataFileError(paths.PROVENANCE, f"could not be read ({exc})") from None


def citations():
    """Every source the product cites and what cites it (geo.citations), built once per server. Without a
    readable statement's ledger the statement's group is empty (the ledger's own page says why)."""
    try:
        statement = ledger()
    except GeoError:
        statement = None
    return _citations(id(statement) if statement is not None else None, statement, provenance())


@st.cache_resource(show_spinner=False)  # keyed on the ledger read (common.ledger re-reads an edited file)
def _citations(ledger_key, _ledger, _provenance):
    from geo import citations as citations_mod

    data = load()
    return citations_mod.collect(data["records"], data["layers"], data["claims"], _ledger, _provenance)


def web_address(url) -> str | None:
    """The address when it is an http(s) one (a table's link column may open it), else None: no other scheme
    becomes a link."""
    url = str(url or "")
    return url if re.fullmatch(r"https?://[^\s<>\"']+", url) else None
