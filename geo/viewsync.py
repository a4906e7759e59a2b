"""One owner of the view: the session's view, numbered, and the map's reports folded into it.

The dashboard's view (date, layers, centre, zoom, base map, selected claim or place, names' language) is owned by the session.
The map (static/kcm/map-component.js) draws what the session says and reports what the reader changes on it.
Two counters keep the two in step whatever the network does:

- `rev` counts the changes the session made itself (a claim chosen beside the map, a layer switched in the
  sidebar, a claim picked on the map and fitted here). The map moves to the session's centre only when `rev`
  grows, so a pan the session has not heard of yet is never undone by an older state.
- `ack` is the sequence number of the last report from the map that was applied. A report whose `seq` is not
  above it is late or repeated and changes nothing; the map keeps sending a report until it is acknowledged.

A report names the parameters the reader changed (`changed`); only those are taken, so a change the session
made meanwhile survives. Reports come from the browser: they are checked like a share link (geo.view), and a
value that does not parse is left out. Importable without Streamlit.
"""
from __future__ import annotations

import dataclasses
from typing import Callable, Collection, Mapping

from geo.view import DEFAULT, PARAMETERS, View, parse_query, to_query  # the map reports the parameters its address holds

MAX_VALUE_CHARS = 2_000  # a report's value beyond this is not a view anyone made on the map


@dataclasses.dataclass(frozen=True)
class Synced:
    view: View = DEFAULT
    rev: int = 0
    ack: int = 0
    push: bool = False  # the last change the session made itself is a deliberate one: a browser history entry

    def changed_here(self, view: View, push: bool = True) -> "Synced":
        """The session changes the view itself: the map must show it, centre included."""
        return dataclasses.replace(self, view=view, rev=self.rev + 1, push=push)


def _report_parts(report) -> tuple[int, dict[str, str], list[str]] | None:
    """seq, query, changed of a well-formed report; None for anything else (it is ignored)."""
    if not isinstance(report, Mapping):
        return None
    seq, query, changed = report.get("seq"), report.get("query"), report.get("changed")
    if isinstance(seq, bool) or not isinstance(seq, int) or seq < 0:
        return None
    if not isinstance(query, Mapping) or not isinstance(changed, list):
        return None
    clean = {key: value for key, value in query.items()
             if key in PARAMETERS and isinstance(value, str) and len(value) <= MAX_VALUE_CHARS}
    return seq, clean, [name for name in changed if name in PARAMETERS]


def apply_report(synced: Synced, report, *, claim_ids: Collection[str] | None = None,
                 place_ids: Collection[str] | None = None,
                 claim_view: Callable[[View, str], View] | None = None) -> Synced:
    """Fold a report from the map into the session's view.

    `claim_view(view, claim_id)` gives the view that shows a claim the reader picked on the map (its date, its
    layers, the map fitted to it). When the result differs from what the map reported, `rev` grows so that the
    map takes the session's view, centre included.
    """
    parts = _report_parts(report)
    if parts is None:
        return synced
    seq, query, changed = parts
    if seq <= synced.ack:
        return synced  # late or repeated: a newer report has been applied
    reported, refused = parse_query(query, claim_ids=claim_ids, place_ids=place_ids)
    taken = {name: getattr(reported, name) for name in changed if name not in refused}
    if "lat" in taken or "lon" in taken:  # a centre is one value
        taken.update(lat=reported.lat, lon=reported.lon)
    view = synced.view.replace(**taken)
    # A claim picked on the map is fitted here; one in a history entry that Back or Forward restores is not:
    # the entry says its own day and centre.
    restore = isinstance(report, Mapping) and report.get("restore") is True
    if "claim" in taken and view.claim and view.claim != synced.view.claim and claim_view and not restore:
        view = claim_view(view, view.claim)
    # The map must take the session's view when it differs from what the map shows: a change made here
    # meanwhile, a claim fitted here, or a value of the map's that was refused.
    differs = view != reported or any(name in refused for name in changed)
    new_rev = synced.rev + (1 if differs else 0)
    return dataclasses.replace(synced, view=view, ack=seq, rev=new_rev,
                               push=False if new_rev != synced.rev else synced.push)


def component_data(synced: Synced, selected: list[str]) -> dict:
    """What the map is told on a run: the view as link parameters, the selection and the counters."""
    return {"view": to_query(synced.view), "selected": list(selected), "rev": synced.rev, "ack": synced.ack,
            "push": synced.push}
