"""The Claims page (app_pages/claims.py): headless with AppTest, the article's marks (geo/article.py) as a pure
function, and the page in a real browser at a desktop's and a phone's size."""
from __future__ import annotations

import dataclasses

import html
import re
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from streamlit.testing.v1 import AppTest

from app_pages import common
from browser_support import REPO_ROOT, streamlit_server
from geo import article as article_mod
from geo import claims as claims_mod
from test_app import APP

BADGE = re.compile(r":(\w+)-badge\[([^\]]*)\]")
SHOTS = Path("/tmp/shots")


def run_claims(**params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("app_pages/claims.py")
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def cards(at) -> list[str]:
    """The ids of the claims shown as cards, in page order."""
    return [h.proto.anchor.removeprefix("claim-") for h in at.subheader if h.proto.anchor.startswith("claim-")]


def bodies(at) -> list[str]:
    return [m.value for m in at.markdown] + [c.value for c in at.caption] + [s.value for s in at.subheader]


def article_html(at) -> list[str]:
    return [h.proto.body for h in at.get("html") if "kcm-article" in h.proto.body and "<style>" not in h.proto.body]


# ----------------------------------------------------------------------------------------- the marks


def span(claim, start, end, text, css=""):
    return article_mod.Span(claim, start, end, text[start:end], css)


def test_nested_and_crossing_spans_give_well_nested_marks_that_keep_the_text():
    text = "abcdefghijkl"
    spans = [span("outer", 1, 9, text), span("inner", 3, 5, text), span("cross", 7, 11, text)]
    out = article_mod.highlight(text, spans, selected="cross")
    depth = 0
    for tag in re.findall(r"</?mark\b", out):  # every mark closed, and never more than opened
        depth += -1 if tag.startswith("</") else 1
        assert depth >= 0
    assert depth == 0
    assert re.sub(r"<a [^>]*>[^<]*</a>|<[^>]+>", "", out) == text  # the text itself, untouched
    for claim in ("outer", "inner", "cross"):
        pieces = re.findall(rf'<mark [^>]*data-claim="{claim}"[^>]*>((?:(?!</?mark).)*)', out)
        assert pieces and out.count(f'href="#claim-{claim}"') == 1  # one link to the card, at its start
    # The crossing claim is split where the outer one closes; both of its pieces are marked as selected.
    assert len(re.findall(r'class="[^"]*kcm-selected[^"]*" data-claim="cross"', out)) == 2
    assert "kcm-continued" in out and 'data-claim="inner"' in out.split('data-claim="outer"')[1]


def test_hostile_text_and_ids_are_inert_in_the_marks():
    text = 'Before <script>alert(1)</script> & "quoted" <img src=x onerror=alert(1)> after'
    start = text.index("<script>")
    hostile = article_mod.Span('"><script>x</script>', start, start + 25, text[start:start + 25])
    out = article_mod.highlight(text, [hostile])
    assert "<script" not in out and "<img" not in out and 'onerror=alert' in html.unescape(out)
    assert html.unescape(re.sub(r"<a [^>]*>[^<]*</a>|<[^>]+>", "", out)) == text
    assert re.fullmatch(r"claim-[A-Za-z0-9_-]+", article_mod.anchor(hostile.claim))
    assert article_mod.anchor("c05") == "claim-c05" and article_mod.anchor("a b") != article_mod.anchor("a_b")


def test_a_span_whose_text_is_not_its_quote_is_named_and_not_marked():
    text = "The quick brown fox"
    good, problems = article_mod.check_spans(text, [
        article_mod.Span("right", 4, 9, "quick"), article_mod.Span("shifted", 5, 10, "quick"),
        article_mod.Span("outside", 10, 99, "fox"), article_mod.Span("backwards", 9, 4, "quick")])
    assert [s.claim for s in good] == ["right"]
    assert set(problems) == {"shifted", "outside", "backwards"} and "not its quote" in problems["shifted"]


def test_every_claim_of_the_article_is_marked_at_its_quote(claims):
    text, _ = claims_mod.load_article()
    spans = [article_mod.Span(c.id, c.span[0], c.span[1], c.quote) for c in claims.itertuples()]
    good, problems = article_mod.check_spans(text, spans)
    assert not problems and len(good) == len(claims)
    out = article_mod.highlight(text, good)
    for claim in claims.itertuples():
        assert f'href="#claim-{claim.id}"' in out


# ----------------------------------------------------------------------------------------- the page


def test_every_claim_is_a_card_in_full_with_both_verdicts_as_badges(claims):
    at = run_claims()
    assert cards(at) == list(claims.id)  # in the article's order
    shown = " ".join(bodies(at))
    for claim in claims.itertuples():
        assert common.md_escape(claim.quote) in shown and common.md_escape(claim.reason) in shown
        assert common.md_escape(claim.hindsight["reason"]) in shown
        assert all(f"]({s['url']})" in shown for s in claim.hindsight["sources"])  # each later source a link
        assert at.button(key=f"map_{claim.id}").label == f"Show {claim.id} on the map"
    lines = [m.value for m in at.markdown if m.value.startswith(":gray[24 Nov 2020]")]
    assert len(lines) == len(claims)
    for line, claim in zip(lines, claims.itertuples()):
        assert [b[1] for b in BADGE.findall(line)] == [claim.verdict, claim.hindsight["verdict"].replace("_", " ")]
    assert not at.warning and dict(at.query_params) == {}
    assert any(common.md_escape(claims_mod.load_article()[1]["rights"]) == c.value for c in at.caption)


def test_the_filters_come_from_the_link_and_go_back_into_it(claims):
    kind = claims.type.value_counts().index[-1]  # the rarest type
    at = run_claims(type=kind, hindsight="stands,overtaken")
    expected = claims[(claims.type == kind) & claims.hindsight.map(lambda h: h["verdict"] in ("stands", "overtaken"))]
    assert cards(at) == list(expected.id) and at.multiselect(key="claims_types").value == [kind]
    assert dict(at.query_params) == {"type": kind, "hindsight": "stands,overtaken"}
    at.multiselect(key="claims_verdicts").set_value(["contradicted"]).run()
    assert set(claims.set_index("id").loc[cards(at), "verdict"]) <= {"contradicted"}
    assert at.query_params["verdict"] == "contradicted" and at.query_params["type"] == kind
    at.multiselect(key="claims_types").set_value([]).run()
    assert cards(at) == [] and at.query_params["type"] == "none" and at.info


def test_a_selected_claim_is_in_the_link_on_its_card_and_in_the_article():
    at = run_claims(claim="c19")
    assert [s.value for s in at.subheader if "selected" in s.value] == [s.value for s in at.subheader
                                                                        if s.proto.anchor == "claim-c19"]
    for body in article_html(at):
        assert re.search(r'class="[^"]*kcm-selected[^"]*" data-claim="c19"', body)
        assert not re.search(r'kcm-selected[^"]*" data-claim="c20"', body)  # nested in c19, not selected
    at.button(key="select_c05").click().run()
    assert at.query_params["claim"] == "c05" and at.button(key="clear_c05")
    at.button(key="clear_selected").click().run()
    assert "claim" not in at.query_params and not [s for s in at.subheader if "selected" in s.value]


@pytest.mark.parametrize(("params", "name", "kept"), [
    ({"type": "moon"}, "type", {}),
    ({"type": "event,<img src=x>"}, "type", {"type": "event"}),
    ({"verdict": "x" * 5000}, "verdict", {}),
    ({"hindsight": "[x](javascript:alert(1))"}, "hindsight", {}),
    ({"type": ":smile: :red[x]"}, "type", {}),
    ({"claim": "c99" + "9" * 300, "type": "event"}, "claim", {"type": "event"}),
    ({"claim": "c05", "verdict": "contradicted"}, "claim", {"verdict": "contradicted"}),
])
def test_a_bad_link_parameter_gives_one_short_notice_and_the_address_of_what_is_shown(params, name, kept):
    at = run_claims(**params)
    notices = [w.value for w in at.warning]
    assert len(notices) == 1 and (f"\\`{name}\\`" in notices[0] or "not among the claims" in notices[0]), notices
    assert len(notices[0]) < 300 and "x" * 40 not in notices[0] and "9" * 80 not in notices[0]
    assert not re.search(r"(?<!\\)<", notices[0]) and "](javascript" not in notices[0]
    assert ":smile:" not in notices[0] and ":red[" not in notices[0]
    assert dict(at.query_params) == kept
    at.multiselect(key="claims_hindsight").set_value(["stands"]).run()  # the reader moves on: the notice goes
    assert not at.warning


def test_a_links_parameters_the_page_does_not_read_are_named_and_leave_the_address():
    at = run_claims(type="event", date="2020-11-10", fbclid="x")
    said = [c.value for c in at.caption if "does not read" in c.value]
    assert len(said) == 1 and "\\`date\\`" in said[0] and "\\`fbclid\\`" in said[0], said
    assert not at.warning and dict(at.query_params) == {"type": "event"}
    at.multiselect(key="claims_hindsight").set_value(["stands"]).run()  # the address is the page's own now
    assert not [c.value for c in at.caption if "does not read" in c.value]


def test_show_on_the_map_opens_the_map_at_the_claim_in_one_click(claims):
    claim = claims.set_index("id").loc["c05"]
    at = run_claims(type="event")
    at.button(key="map_c05").click().run()
    assert not at.exception
    assert at.query_params["claim"] == "c05" and at.query_params["date"] == claim.map_date
    assert set(claim.layers) <= set(at.query_params["layers"].split(","))
    assert (at.query_params["lat"], at.query_params["zoom"]) != ("39.6500", "9")  # fitted to the claim
    assert len(at.get("bidi_component")) == 1  # the map page


def hostile_claims(real: dict, markup: str):
    """The committed claims with every text field replaced by markup, and an article whose text is their quotes."""
    frame = real["claims"].copy()
    quotes = [f"{markup} {claim_id}" for claim_id in frame.id]
    text, spans, at = "", [], 0
    for quote in quotes:
        text += quote + "\n\n"
        spans.append([at, at + len(quote)])
        at = len(text)
    source = {"outlet": f"Outlet {markup}", "published": "", "title": f"Title {markup}",
              "url": "javascript:alert(1)"}
    frame = frame.assign(quote=quotes, span=spans, summary=f"Summary {markup}", reason=f"Reason {markup}",
                         reference=[[f"missing {markup}"]] * len(frame),
                         hindsight=[{**h, "reason": f"Later {markup}", "sources": [source]} for h in frame.hindsight])
    return frame, text


def test_markup_in_the_claims_and_the_article_is_shown_as_text(monkeypatch):
    markup = ("<script>alert(1)</script> [x](javascript:alert(1)) <https://evil.example> https://evil.example/a "
              "www.evil.example :red[red] :smile: :material/home: $x^2$ **bold** ![i](https://evil.example/i.png)")
    real = common.load()
    frame, text = hostile_claims(real, markup)
    article = (text, {"title": markup, "publisher": markup, "date_published": "2020-11-24", "rights": markup})
    monkeypatch.setattr(common, "load", lambda: {**real, "claims": frame, "claims_by_id": frame.set_index("id"),
                                                 "dataset": dataclasses.replace(real["dataset"], article=article)})
    at = run_claims(claim=frame.id.iloc[0])
    shown = bodies(at)
    assert sum("\\<script\\>" in b for b in shown) >= 4 * len(frame)  # quote, summary, both reasons
    for body in shown:
        assert "<script>" not in body and "](javascript" not in body and ":red[" not in body
        assert ":smile:" not in body and ":material/" not in body and "https://evil" not in body
        assert "www.evil" not in body
        assert not re.search(r"(?<!\\)\$", body) and "**bold" not in body and "![" not in body
    for body in article_html(at):
        assert "<script>" not in body and "&lt;script&gt;" in body and 'href="javascript' not in body
        assert body.count("<mark ") == len(frame)
    assert not at.warning  # every span matches its quote


# ----------------------------------------------------------------------------------------- in a browser

DESKTOP = {"width": 1400, "height": 900}
PHONE = {"width": 390, "height": 844}
FIRST_LOAD_MS = 90_000
STEP_MS = 30_000
# The page has drawn: the last card, the filters and the article's marks.
DRAWN = """(n) => document.querySelectorAll('[class*="st-key-card_"] h3').length === n &&
  document.querySelectorAll('[data-testid="stMultiSelect"]').length === 3 &&
  document.querySelector('mark.kcm-claim') !== null && !document.querySelector('[data-testid="stSkeleton"]')"""


@pytest.fixture(scope="module")
def base_url():
    with streamlit_server(REPO_ROOT / "app.py") as url:
        yield url




def open_claims(page, url: str, count: int):
    page.goto(url)
    page.wait_for_function(DRAWN, arg=count, timeout=FIRST_LOAD_MS)


def query(page) -> dict:
    return dict(parse_qsl(urlsplit(page.url).query))


@pytest.mark.browser
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_claims_page_in_a_browser(browse, base_url, claims, size):
    viewport = DESKTOP if size == "desktop" else PHONE
    page = browse(viewport)
    kind = "event"
    events = claims[claims.type == kind]
    open_claims(page, f"{base_url}/claims?type={kind}&claim=c05", len(events))
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"claims-{size}.png"))

    # Each quote in full, on screen width: not cut, not wider than its card.
    for claim in events.itertuples():
        card = page.locator(f".st-key-card_{claim.id}")
        quote = card.locator("blockquote")
        assert claim.quote in quote.inner_text().replace("\u2060", "")
        assert quote.evaluate("q => q.scrollWidth <= q.clientWidth + 1")
        assert card.bounding_box()["width"] <= viewport["width"]
    # The badges are coloured, each verdict its own colour.
    colours = page.locator(".st-key-card_c05 [data-testid='stMarkdownContainer'] span[class*='badge'], "
                           ".st-key-card_c05 [data-testid='stMarkdownContainer'] .stMarkdownBadge").evaluate_all(
        "els => els.map(e => getComputedStyle(e).backgroundColor)")
    assert len(colours) >= 2 and all(c not in ("rgba(0, 0, 0, 0)", "transparent") for c in colours), colours
    # A mark per shown claim in the article that is on screen (the phone's is in an expander).
    if size == "phone":
        page.locator(".st-key-article_phone summary").click()
    article = page.locator(".st-key-article_desktop" if size == "desktop" else ".st-key-article_phone")
    article.locator(".kcm-article").wait_for(state="visible", timeout=STEP_MS)
    for claim in events.itertuples():
        assert article.locator(f'mark[data-claim="{claim.id}"]').count() >= 1
    assert article.locator('mark.kcm-selected[data-claim="c05"]').count() >= 1
    assert page.locator(".st-key-card_c05").evaluate("e => getComputedStyle(e).borderTopColor") == "rgb(37, 99, 235)"
    article.locator('mark.kcm-selected').first.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / f"claims-{size}-article.png"))
    page.locator(".st-key-card_c05").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / f"claims-{size}-card.png"))

    # The filters and the selection survive a reload.
    assert query(page) == {"type": kind, "claim": "c05"}
    page.reload()
    page.wait_for_function(DRAWN, arg=len(events), timeout=FIRST_LOAD_MS)
    assert query(page) == {"type": kind, "claim": "c05"}
    assert page.locator(".st-key-card_c05 h3").inner_text().endswith("selected")

    # One click: the map, in this tab, at the claim and its date.
    pages_before = len(page.context.pages)
    page.get_by_role("button", name="Show c05 on the map").click()
    page.locator(".kcm-map[data-kcm-date]").wait_for(state="attached", timeout=FIRST_LOAD_MS)
    claim = claims.set_index("id").loc["c05"]
    page.wait_for_function("(d) => document.querySelector('.kcm-map').getAttribute('data-kcm-date') === d",
                           arg=claim.map_date, timeout=STEP_MS)
    assert len(page.context.pages) == pages_before and urlsplit(page.url).path in ("", "/")
    assert query(page)["claim"] == "c05" and query(page)["date"] == claim.map_date
    page.screenshot(path=str(SHOTS / f"claims-{size}-map.png"))


@pytest.mark.browser
def test_a_claims_id_in_the_article_leads_to_its_card(browse, base_url, claims):
    page = browse(DESKTOP)
    open_claims(page, f"{base_url}/claims", len(claims))
    page.locator('.st-key-article_desktop a.kcm-claim-tag[href="#claim-c20"]').click()
    page.wait_for_function("() => location.hash === '#claim-c20'", timeout=STEP_MS)
    page.wait_for_function("""() => { const r = document.getElementById('claim-c20').getBoundingClientRect();
        return r.top >= 0 && r.top < innerHeight / 2; }""", timeout=STEP_MS)
    # The article stays beside the cards, in view, as the reader scrolls down to them.
    assert page.locator(".st-key-article_desktop").evaluate(
        "e => { const r = e.getBoundingClientRect(); return r.top < innerHeight && r.bottom > 0; }")
    page.screenshot(path=str(SHOTS / "claims-desktop-anchor.png"))
