"""What the pages share: cached loaders, and the view state kept in the share link's query string."""
from __future__ import annotations

import gc
import hashlib
import re
import time
from pathlib import Path

import streamlit as st

from geo import claims as claims_mod, dataset as dataset_mod, exports, mapdata, state
from geo import paths, view as view_mod, viewsync
from geo.errors import DataFileError, GeoError

from app_pages.text import MARKDOWN_SPECIALS, WORD_JOINER, cells_inert, md_escape, md_link  # noqa: F401 (used by the pages)


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


def load() -> dict:
    """Everything the pages read (geo.dataset), file by file: a broken file is left out and named in
    `problems`; never raises for a data file. The folder is read on every call (a test may point it
    elsewhere), and its files' stamps key the cache."""
    return _load(str(paths.DATA), _stamp(paths.DATA))


_STAMP_EVERY_S = 1.0
_last_stamp: tuple = (None, 0.0, "")  # (folder, when, stamp): one tuple, replaced whole, so threads share it safely


def _stamp(folder) -> str:
    """The data files' stamps (geo.dataset.stamp), looked at again at most once a second: a run of a page asks
    for the data several times, and a file changed by hand is seen within a second. As one digest: the caches
    keyed on it hash their arguments on every call, and a tuple of 31 files' stamps cost about 1 ms each time."""
    global _last_stamp
    seen_folder, when, stamp = _last_stamp
    now = time.monotonic()
    if seen_folder != str(folder) or now - when > _STAMP_EVERY_S:
        stamp = hashlib.sha256(repr(dataset_mod.stamp(folder)).encode()).hexdigest()
        _last_stamp = (str(folder), now, stamp)
    return stamp


# The loaded data are read-only (geo never mutates its inputs), so one copy serves every session.
@st.cache_resource(show_spinner=False, max_entries=2)
def _load(folder: str, stamp: str) -> dict:
    loaded = dataset_mod.load(Path(folder))
    layers, claims = loaded.layers, loaded.claims
    out = {"dataset": loaded, "problems": loaded.problems, "stamp": stamp,
            "layers": layers, "features": state.all_features(layers), "base": loaded.base, "claims": claims,
            "claims_by_id": claims.set_index("id"), "records": loaded.records, "area_series": loaded.area_series,
            "zone": dataset_mod.zone_of(loaded.base), "claim_ids": frozenset(claims.id),
            "settlements_by_id": layers["settlements"].set_index("id"),
            "place_ids": frozenset(layers["settlements"].id), "captured_ids": frozenset(layers["captured"].id)}
    out["licences"], out["licences_problem"] = _licences_of(out)
    _out_of_collection()
    return out


def _out_of_collection() -> None:
    """Leave what is loaded once per server out of the garbage collector's full passes (gc.freeze): it lives
    as long as the server, and a pass over it cost about 87 ms here. Streamlit's pass after every run is off
    too (.streamlit/config.toml, runner.postScriptGC); without the freeze, Python's own full passes would
    still walk the data. Freed as ever by reference counting; bench/load.py checks that memory stays bounded."""
    gc.freeze()


def ledger() -> dict:
    """The statement's ledger (geo.statement), checked; raises the DataFileError that left it out."""
    data = load()
    if data["dataset"].ledger is None:
        raise _problem_with(data, "statement.json")
    return data["dataset"].ledger


def _problem_with(data, name: str, *also: str):
    """The problem with the file `name` (the end of its path), or failing that one of the files in `also`."""
    for wanted in (name, *also):
        found = [p for p in data["problems"] if wanted in str(p.path)]
        if found:
            return found[0]
    return DataFileError(f"data/{name}", "could not be read")


def data_problem(name: str, *also: str) -> DataFileError:
    """What left out the data file whose path ends with `name` (data/SOURCES.md: "SOURCES.md"), or one of
    `also` (the claims rest on the article's files: "article/")."""
    return _problem_with(load(), name, *also)


def data_problems(context: str = "") -> None:
    """Say which data files could not be used and what is shown without them (at most once per page run)."""
    problems = load()["problems"]
    if not problems:
        return
    lines = [f"- {md_escape(problem)}" for problem in problems]
    st.warning(f"Some of the data could not be read, so {md_escape(context or 'this page')} shows what could be: "
               f"\n" + "\n".join(lines), icon=":material/report:")


@st.cache_resource(show_spinner=False, max_entries=2)
def _map_bundle(stamp: str) -> dict:
    data = load()
    full = mapdata.bundle(data["layers"], data["base"], data["claims"], data["records"].sources,
                          data["area_series"], data["records"].settlements)
    served = mapdata.write_served(full, data["layers"])
    # The standalone export cannot fetch anything: it carries every detail inline.
    out = {"url": served["url"], "standalone_script": mapdata.runtime_script(mapdata.to_script(full))}
    _out_of_collection()
    return out


def map_bundle() -> dict:
    """Write the map's runtime (Leaflet, controller, data) once per server and data; fails if Leaflet is not
    installed."""
    return _map_bundle(load()["stamp"])


def load_or_stop() -> dict:
    try:
        return load()
    except GeoError as exc:
        st.error(f"The map's data could not be loaded: {md_escape(exc)}")
        st.stop()


def dataframe(table, **options):
    """st.dataframe, every page's tables: its rows can be downloaded as CSV, so its text cells are made inert
    in a spreadsheet first (a cell starting with = is a formula there)."""
    return st.dataframe(cells_inert(table), **options)


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
    bad = {key: notice for key, notice in notices.items() if not view_mod.not_a_view_parameter(key)}
    for notice in dict.fromkeys(bad.values()):  # lat and lon share one notice
        st.warning(md_escape(notice), icon=":material/link_off:")
    # Parameters that are not the view's (a tracker's tag, most often) cost nothing shown: a quiet line.
    for notice in dict.fromkeys(notice for key, notice in notices.items() if key not in bad):
        st.caption(md_escape(notice))


def note_unread_parameters(read, reader: str) -> None:
    """A quiet line naming the link's parameters a page does not read (`read`: the ones it does), which its
    address is about to lose. Streamlit's own framing parameters never reach st.query_params."""
    unread = [key for key in st.query_params if key not in read]
    if unread:
        st.caption(md_escape(view_mod.unread_notice(unread, reader)))


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


def licences() -> tuple[list[dict] | None, GeoError | None]:
    """The data's licences (geo.exports.licences_from of data/provenance.json, worked out once per load), or
    None and what left them out: the file could not be read, or a source lacks its licence's fields."""
    data = load()
    return data["licences"], data["licences_problem"]


def _licences_of(data: dict) -> tuple[list[dict] | None, GeoError | None]:
    provenance = data["dataset"].provenance
    if provenance is None:
        return None, _problem_with(data, "provenance.json")
    try:
        return exports.licences_from(provenance), None
    except GeoError as exc:
        return None, exc


def verdict_meanings() -> dict:
    return load()["dataset"].claims_document.get("verdicts", {})


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


def ledger_point(number: int) -> dict:
    """A point of the statement, as the ledger has it; raises the DataFileError that left the ledger out."""
    return ledger()["points"][number - 1]  # the ledger's points are 1 to 9 in order (geo.statement checks)


def point_map_view(view: view_mod.View, number: int) -> view_mod.View:
    """The map's view of a point of the statement, on the view's day (geo.view.point_view)."""
    return view_mod.point_view(view, ledger_point(number), load()["layers"])


def point_features(number: int) -> list[str]:
    """The features a point of the statement names, shown selected on the map; none when the ledger is broken
    (the page says so where the points are listed)."""
    try:
        return view_mod.point_features(ledger_point(number), load()["layers"])
    except GeoError:
        return []


def claim_type_meanings() -> dict:
    return load()["dataset"].claims_document.get("claim_types", {})


def hindsight_meanings() -> dict:
    return load()["dataset"].claims_document.get("hindsight_verdicts", {})


def citations():
    """Every source the product cites and what cites it (geo.citations), built once per server and data.
    Without a readable statement's ledger the statement's group is empty (the ledger's own page says why)."""
    return _citations(load()["stamp"])


@st.cache_resource(show_spinner=False, max_entries=2)
def _citations(stamp):
    from geo import citations as citations_mod

    data = load()
    loaded = data["dataset"]
    return citations_mod.collect(data["records"], data["layers"], data["claims"], loaded.ledger,
                                 loaded.provenance or {"sources": {}, "files": {}})


def web_address(url) -> str | None:
    """The address when it is an http(s) one (a table's link column may open it), else None: no other scheme
    becomes a link."""
    url = str(url or "")
    return url if re.fullmatch(r"https?://[^\s<>\"']+", url) else None
