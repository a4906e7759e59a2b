"""The session owns the view; the map's reports are folded in by sequence number (geo.viewsync)."""
import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from geo import view as view_mod
from geo.viewsync import Synced, apply_report, component_data

DEFAULT = view_mod.DEFAULT
CLAIMS = {"c16", "c04"}
PLACES = {"shusha", "hadrut"}


def report(seq, changed: dict, base: view_mod.View = DEFAULT, attempt=0) -> dict:
    """What the map sends: its whole view as link parameters, with `changed` applied and named."""
    return {"seq": seq, "query": {**view_mod.to_query(base), **changed}, "changed": sorted(changed),
            "attempt": attempt}


def fold(synced, sent, **kwargs):
    return apply_report(synced, sent, claim_ids=CLAIMS, place_ids=PLACES, **kwargs)


def test_a_report_is_applied_once_and_acknowledged():
    after = fold(Synced(), report(1, {"date": "2020-11-10"}))
    assert after.view.date == dt.date(2020, 11, 10) and after.ack == 1 and after.rev == 0
    assert fold(after, report(1, {"date": "2020-10-01"})) == after  # the same report again
    assert fold(after, report(1, {"date": "2020-10-01"}, attempt=3)) == after  # a resend
    assert component_data(after, [])["ack"] == 1 and component_data(after, [])["view"]["date"] == "2020-11-10"


def test_a_late_report_never_undoes_a_newer_one():
    newer = fold(Synced(), report(7, {"date": "2020-11-10"}))
    assert fold(newer, report(6, {"date": "2020-10-01"})) == newer


def test_only_the_changed_parameters_are_taken_so_a_change_of_the_page_survives():
    claimed = Synced().changed_here(DEFAULT.replace(claim="c16", lat=39.7, lon=46.6, zoom=10))
    assert claimed.rev == 1 and claimed.push is True
    # The map stepped a day before it heard of the claim: its report carries the old centre and no claim.
    after = fold(claimed, report(1, {"date": "2020-11-21"}))
    assert after.view == claimed.view.replace(date=dt.date(2020, 11, 21))
    assert after.rev == 2 and after.push is False  # the map's view differs from the session's: it must follow


def test_a_report_that_matches_the_result_needs_no_move():
    after = fold(Synced(), report(1, {"lat": "39.9000", "lon": "46.2000", "zoom": "10"}))
    assert (after.view.lat, after.view.lon, after.view.zoom, after.rev) == (39.9, 46.2, 10, 0)


def test_a_claim_picked_on_the_map_gets_the_pages_fit():
    fitted = DEFAULT.replace(claim="c16", date=dt.date(2020, 11, 20), lat=39.5, lon=46.5, zoom=11)
    calls = []

    def claim_view(view, claim_id):
        calls.append((view.claim, claim_id))
        return fitted

    after = fold(Synced(), report(1, {"claim": "c16"}), claim_view=claim_view)
    assert calls == [("c16", "c16")] and after.view == fitted and after.rev == 1
    # Already selected: a report that keeps it (a pan) does not fit again.
    fold(after, report(2, {"lat": "39.6000", "lon": "46.6000"}, base=fitted), claim_view=claim_view)
    assert len(calls) == 1


def test_a_history_entry_restored_keeps_its_own_day_and_centre():
    entry = {"claim": "c16", "date": "2020-11-25", "lat": "39.6000", "lon": "46.5000", "zoom": "11"}
    sent = {**report(1, entry), "restore": True}
    after = fold(Synced(), sent, claim_view=lambda view, claim_id: DEFAULT)
    assert after.view == DEFAULT.replace(claim="c16", date=dt.date(2020, 11, 25), lat=39.6, lon=46.5, zoom=11)
    assert after.rev == 0


def test_values_that_do_not_parse_are_left_out_and_the_rest_taken():
    after = fold(Synced(), report(1, {"date": "2031-01-01", "zoom": "11", "claim": "c99", "place": "shusha"}))
    assert after.view.date == DEFAULT.date and after.view.claim is None
    assert after.view.zoom == 11 and after.view.place == "shusha" and after.ack == 1
    assert after.rev == 1  # the map shows a day the session refused: it must come back to the session's


def test_malformed_reports_change_nothing():
    synced = Synced(ack=3)
    for sent in (None, "seq=9", [], {"seq": "9"}, {"seq": True, "query": {}, "changed": []}, {"seq": -1},
                 {"seq": 9, "query": "date=2020-11-10", "changed": ["date"]},
                 {"seq": 9, "query": {"date": "2020-11-10"}, "changed": "date"}):
        assert fold(synced, sent) == synced, sent
    odd = fold(synced, {"seq": 9, "query": {"date": ["2020-11-10"], "moon": "1", "zoom": "9" * 5000},
                        "changed": ["date", "moon", "zoom", 5]})
    assert odd.view == DEFAULT and odd.ack == 9  # a non-string, an unknown name, a 5,000-character value


DAYS = [f"2020-11-{day:02d}" for day in range(1, 29)]


@given(st.lists(st.sampled_from(DAYS), min_size=1, max_size=12), st.randoms(use_true_random=False),
       st.integers(min_value=0, max_value=3))
def test_reports_delivered_in_any_order_with_losses_end_at_the_last_one(days, rng, lost):
    """The map steps through `days`, reporting each; the network reorders, repeats and drops reports, but the
    last one (which the map resends until acknowledged) arrives: the session ends at the map's last day."""
    sent = [report(seq, {"date": day}) for seq, day in enumerate(days, start=1)]
    delivered = sent[:-1] + sent[:-1]  # every earlier report, twice
    rng.shuffle(delivered)
    delivered = delivered[lost:] + [sent[-1]]
    rng.shuffle(delivered)
    synced = Synced()
    for one in delivered:
        synced = fold(synced, one)
    assert synced.view.date == dt.date.fromisoformat(days[-1]) and synced.ack == len(days)
