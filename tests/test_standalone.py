"""The standalone HTML export: one file a reader publishes without a server, made alike by the page's download
and `python -m geo export --html`; what it shows, that no template ever sees its data, its content security
policy, and the file opened from disk in a browser with every outside request aborted."""
from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import hashlib
import html.parser
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from geo import areas, assets, cli, exports, mapdata, mapview, settlements, state
from geo import claims as claims_mod
from geo.catalog import LAYERS
from geo.view import DEFAULT

DAY = dt.date(2020, 11, 12)
PLANT = "{{7*7}} {% raw %} {# x #} </script><img src=x onerror=alert(1)> ${7*7} <!-- &amp;"


@pytest.fixture(scope="module")
def data(layers, base):
    claims = claims_mod.with_groups_expanded(claims_mod.load_claims(), layers)
    records = settlements.load()
    return {"layers": layers, "base": base, "claims": claims, "records": records,
            "features": state.all_features(layers), "series": areas.series(areas.pieces(layers, base["cells"]))}


@pytest.fixture(scope="module")
def runtime(data):
    return exports.standalone_runtime(data["layers"], data["base"], data["claims"], data["records"], data["series"])


def export(data, runtime, view=DEFAULT.replace(date=DAY), **kwargs) -> str:
    return exports.standalone_html(runtime, view, [], data["claims"], data["features"], data["records"].sources,
                                   **kwargs)


class Page(html.parser.HTMLParser):
    """The parsed file: its elements (tag, attributes, whether inside a hidden element) and its text."""

    VOID = {"meta", "link", "input", "img", "br", "hr", "source", "area", "base", "col", "embed", "wbr"}

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.elements, self.stack, self.text, self.scripts = [], [], [], []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.elements.append((tag, attrs))
        if tag not in self.VOID:
            self.stack.append((tag, attrs))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        inside = [t for t, _ in self.stack]
        if inside and inside[-1] == "script":
            self.scripts.append((self.stack[-1][1], data))
        elif "style" not in inside and "title" not in inside:
            self.text.append(data)

    def all_text(self) -> str:
        return " ".join(self.text)


def claim_items(page: Page) -> dict[str, bool]:
    """Each claim of the list: whether it is shown (not hidden)."""
    return {a["data-claim"]: "hidden" not in a for t, a in page.elements
            if t == "li" and "kcm-standalone-claim" in a.get("class", "").split()}


# ------------------------------------------------------------------------------------------- what it shows
def test_the_file_has_the_title_day_layers_claims_article_and_licences(data, runtime):
    view = DEFAULT.replace(date=DAY, layers=("captured", "lachin_corridor", "places"))
    text = export(data, runtime, view)
    page = Page(text)
    words = page.all_text()
    assert f"Nagorno-Karabakh on {DAY.day} November 2020" in re.sub(r"\s+", " ", words)
    assert [a["datetime"] for t, a in page.elements if t == "time"] == [DAY.isoformat()]
    toggles = {a["value"]: "checked" in a for t, a in page.elements if t == "input" and a.get("type") == "checkbox"}
    assert toggles == {layer.id: layer.id in view.layers for layer in LAYERS}
    # The claims listed are the claims of the view; every other claim is there, hidden, for another day.
    bearing = claims_mod.claims_on(data["claims"], state.state_on(data["features"], DAY, view.layers), DAY)
    items = claim_items(page)
    assert set(items) == set(data["claims"].id)
    assert {i for i, shown in items.items() if shown} == set(bearing.id) and 0 < len(bearing) < len(items)
    meanings = json.loads(Path(claims_mod.CLAIMS).read_text(encoding="utf-8"))
    for claim in bearing.itertuples():
        assert claim.quote in words
        assert meanings["verdicts"][claim.verdict] in words
        assert meanings["hindsight_verdicts"][claim.hindsight["verdict"]] in words
    # Sources are links written with their addresses, and only http(s) addresses are links.
    links = {a["href"] for t, a in page.elements if t == "a" and "href" in a}
    cited = {data["records"].sources.loc[s, "url"] for refs in bearing.reference for s in refs}
    assert cited <= links and all(url in words for url in cited)
    assert all(re.match(r"https?://", href) for href in links)
    _, meta = claims_mod.load_article()
    assert meta["title"] in words and meta["publisher"] in words
    for licence in exports.data_licences():
        assert licence["producer"] in words and licence["licence_url"] in links and licence["attribution"] in words
    # The file fetches nothing: the only addresses in it are those it cites, as links and their text.
    written = cited_addresses() | links
    assert [url for url in assets.external_urls(text) if not any(c.startswith(html.unescape(url)) for c in written)] == []


def cited_addresses() -> set[str]:
    records = settlements.load()
    return set(records.sources.url) | set(records.settlements.coord_url.dropna())


def test_the_same_view_gives_the_same_bytes_and_another_day_another_file(data, runtime):
    first = export(data, runtime)
    assert export(data, runtime) == first
    assert export(data, runtime, DEFAULT.replace(date=DAY + dt.timedelta(days=1))) != first


def test_the_policy_allows_the_file_s_own_scripts_only(data, runtime):
    text = export(data, runtime)
    page = Page(text)
    metas = [a for t, a in page.elements if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert len(metas) == 1
    policy = dict(part.strip().split(" ", 1) for part in metas[0]["content"].split(";"))
    assert policy["default-src"] == "'none'" and "http" not in metas[0]["content"] and "*" not in metas[0]["content"]
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    # Before any script, and naming each of the file's inline scripts by its hash.
    assert text.index("Content-Security-Policy") < text.index("<script")
    inline = [code for attrs, code in page.scripts if "type" not in attrs]
    hashes = {"'sha256-" + base64.b64encode(hashlib.sha256(code.encode()).digest()).decode() + "'" for code in inline}
    assert len(inline) == 4 and hashes == set(policy["script-src"].split())
    assert [attrs.get("type") for attrs, _ in page.scripts if "type" in attrs] == ["application/json"]


# ------------------------------------------------------------------------------------ no template sees data
def planted(layers, base, claims, records):
    """The data with template syntax and markup in every text field the export shows."""
    def history(items):
        return [{**h, "note": PLANT, "by": PLANT, "sources": [{**s, "title": PLANT} for s in h.get("sources") or []]}
                for h in items or []]

    hostile = {}
    for name, frame in layers.items():
        changed = frame.assign(name_en=PLANT, name_az=PLANT, name_hy=PLANT, name_ru=PLANT, note=PLANT,
                               timeline=[[{**c, "status": PLANT} for c in t] for t in frame.timeline])
        if "history" in changed.columns:
            changed = changed.assign(history=[history(h) for h in changed.history])
        hostile[name] = changed
    sources = records.sources.assign(title=PLANT, outlet=PLANT)
    quoted = claims.assign(quote=PLANT, reason=PLANT, type=PLANT,
                           hindsight=[{**h, "reason": PLANT, "sources": [{**s, "title": PLANT} for s in h["sources"]]}
                                      for h in claims.hindsight])
    return hostile, quoted, dataclasses.replace(records, sources=sources)


@pytest.fixture(scope="module")
def hostile_file(layers, base, data):
    hostile, quoted, records = planted(layers, base, data["claims"], data["records"])
    runtime = exports.standalone_runtime(hostile, base, quoted, records, data["series"])
    article = {**claims_mod.load_article()[1], "title": PLANT, "publisher": PLANT, "rights": PLANT}
    return exports.standalone_html(runtime, DEFAULT.replace(date=DAY), [], quoted, state.all_features(hostile),
                                   records.sources, article=article)


def test_template_syntax_and_markup_in_every_text_field_come_out_literally(hostile_file, data, runtime):
    page = Page(hostile_file)
    clean = Page(export(data, runtime))
    # Inert: no element, attribute or script that the data brought.
    assert [t for t, _ in page.elements] == [t for t, _ in clean.elements]
    assert not any(t == "img" for t, _ in page.elements)
    assert not any(name.startswith("on") for _, attrs in page.elements for name in attrs)
    assert len(page.scripts) == len(clean.scripts)
    # Literal in the page's words: the article, and each listed claim's type, quote, reasons and sources.
    words = page.all_text()
    listed = sum(claim_items(page).values())
    assert words.count(PLANT) >= 3 + listed * 4
    # Literal in the data the map draws from: names, statuses, notes, events, sources.
    found = json.loads(hostile_file.split("window.KCM_DATA=")[1].split(";\n")[0].replace("<\\/", "</")
                       .replace("<\\!--", "<!--"))
    for collection in found["features"].values():
        for feature in collection["features"]:
            props = feature["properties"]
            assert {props[k] for k in ("name_en", "name_az", "name_hy", "name_ru", "note")} == {PLANT}
            assert {c["status"] for c in props["timeline"]} <= {PLANT}
            assert all(s["title"] == PLANT for s in props["sources"] if isinstance(s, dict))
            assert all(h["note"] == PLANT for h in props.get("history") or [])
    options = json.loads(next(code for attrs, code in page.scripts if attrs.get("id") == "kcm-options"))
    assert {c["quote"] for c in options["claims"]} == {c["reason"] for c in options["claims"]} == {PLANT}
    # Every "</script" the data brought is escaped: the file closes its own scripts only.
    assert hostile_file.lower().count("</script") == len(clean.scripts)


# ---------------------------------------------------------------------------------------- the command line
def page_download(view):
    """The file the map page's download button gives for `view` (app_pages/map.py export_row)."""
    from app_pages import common

    data = common.load()
    return exports.standalone_html(common.map_bundle()["standalone_script"], view, [], data["claims"],
                                   data["features"], data["records"].sources)


@pytest.fixture
def no_served_files(monkeypatch):
    """The page's bundle without writing the dashboard's served files into static/ (not part of the export)."""
    monkeypatch.setattr(mapdata, "write_served", lambda full, layers, **kw: {"url": "/app/static/generated/x.js"})


def test_the_command_writes_the_page_s_download(tmp_path, monkeypatch, no_served_files):
    runner = CliRunner()
    out = tmp_path / "map.html"
    result = runner.invoke(cli.main, ["export", "--date", DAY.isoformat(), "--layers", "places,captured", "--html",
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == str(out)
    view = DEFAULT.replace(date=DAY, layers=("captured", "places"))  # as the sidebar orders them
    assert out.read_bytes() == page_download(view).encode("utf-8")
    # Without --out, the file is named as the page's download names it, in the current folder.
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli.main, ["export", "--date", DAY.isoformat(), "--html"])
    assert result.exit_code == 0, result.output
    written = tmp_path / exports.html_file_name(DAY)
    assert result.output.strip() == written.name
    assert written.read_bytes() == page_download(DEFAULT.replace(date=DAY)).encode("utf-8")


def test_the_command_writes_to_standard_output_with_out_dash(no_served_files):
    result = CliRunner().invoke(cli.main, ["export", "--date", DAY.isoformat(), "--html", "--out", "-"])
    assert result.exit_code == 0
    assert result.output == page_download(DEFAULT.replace(date=DAY))


@pytest.mark.parametrize("args, status, says", [
    (["--date", "2020-11-31", "--html"], 2, "is not a date"),
    (["--date", "2020-11-12", "--layers", "roads", "--html"], 2, "unknown layer 'roads'"),
    (["--date", "2020-11-12", "--out", "x.html"], 2, "--out goes with --html"),
    (["--date", "2020-11-12", "--html", "--out", "/nonexistent-folder/x.html"], 2, "cannot write"),
])
def test_bad_input_gives_one_line(args, status, says):
    result = CliRunner().invoke(cli.main, ["export", *args])
    assert result.exit_code == status
    assert says in result.stderr and len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_missing_vendor_files_give_one_line(monkeypatch, tmp_path):
    monkeypatch.setattr(mapdata, "vendor_file", lambda relative, root=None: assets.vendor_file(relative, tmp_path))
    result = CliRunner().invoke(cli.main, ["export", "--date", DAY.isoformat(), "--html",
                                                           "--out", str(tmp_path / "x.html")])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ") and "leaflet" in result.stderr and "scripts/setup.sh" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and not (tmp_path / "x.html").exists()


# ------------------------------------------------------------------------------------------- in a browser
STEP_MS = 20_000
SIZES = {"desktop": {"width": 1400, "height": 900}, "phone": {"width": 390, "height": 844}}
SHOTS = Path("/tmp/shots")
WATCH_POLICY = """document.addEventListener('securitypolicyviolation', e => {
  (window.kcmViolations = window.kcmViolations || []).push(e.violatedDirective + ' ' + e.blockedURI); });"""


def open_file(chromium, path: Path, size: str):
    """The file from disk, every request that is not file: or data: aborted and recorded, errors collected."""
    from browser_support import block_outside_requests

    context = chromium.new_context(viewport=SIZES[size])
    blocked = block_outside_requests(context)
    requested, errors, dialogs = [], [], []
    context.on("request", lambda r: requested.append(r.url))
    page = context.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.add_init_script(WATCH_POLICY)
    page.goto(path.as_uri())
    page.locator(".leaflet-container[data-kcm-date]").wait_for(state="attached", timeout=STEP_MS)
    return context, page, {"blocked": blocked, "requested": requested, "errors": errors, "dialogs": dialogs}


def day_title(day: dt.date) -> str:
    return f"Nagorno-Karabakh on {day.day} {mapview.MONTHS[day.month - 1]} {day.year}"


@pytest.mark.browser
@pytest.mark.parametrize("size", list(SIZES))
def test_the_file_opened_from_disk_works_offline(chromium, data, runtime, tmp_path, size):
    view = DEFAULT.replace(date=DAY, lang="hy" if size == "phone" else "en")  # the view's place names, too
    path = tmp_path / exports.html_file_name(DAY)
    path.write_text(export(data, runtime, view), encoding="utf-8")
    context, page, seen = open_file(chromium, path, size)
    width = SIZES[size]["width"]
    container = page.locator(".leaflet-container")
    assert container.get_attribute("data-kcm-lang") == view.lang
    # Title and day, in view and readable; nothing scrolls sideways.
    title = page.locator("h1.kcm-standalone-title")
    assert title.is_visible() and " ".join(title.inner_text().split()) == day_title(DAY)
    box = title.bounding_box()
    assert box["y"] >= 0 and box["x"] + box["width"] <= width
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.locator("meta[http-equiv='Content-Security-Policy']").count() == 1
    # The legend, the time bar and the claims of the view.
    legend = page.locator(".kcm-legend")
    assert legend.is_visible() and legend.locator("[data-layer]").count() == len(LAYERS)
    assert page.locator(".kcm-time-range").is_visible()
    bearing = claims_mod.claims_on(data["claims"], state.state_on(data["features"], DAY, view.layers), DAY)
    listed = page.locator(".kcm-standalone-claim:not([hidden])")
    assert sorted(listed.evaluate_all("items => items.map(i => i.dataset.claim)")) == sorted(bearing.id)
    assert float(listed.first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 12
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"standalone-{size}.png"))
    # A layer switched off takes its shapes off the map; on again, they come back.
    layer = "lachin_corridor"
    drawn = f"path.kcm-f-{layer}"
    assert container.get_attribute("data-kcm-renderer") == "svg"  # each shape its own path: countable
    toggle = page.locator(f"input.kcm-standalone-layer[value='{layer}']")
    before = int(container.get_attribute("data-kcm-visible"))
    assert page.locator(drawn).count() > 0
    toggle.uncheck()
    page.wait_for_function(f"() => document.querySelectorAll(\"path.kcm-f-{layer}\").length === 0", timeout=STEP_MS)
    assert int(container.get_attribute("data-kcm-visible")) < before
    assert "kcm-off" in legend.locator(f"[data-layer='{layer}']").get_attribute("class").split()
    toggle.check()
    page.wait_for_function(f"() => document.querySelectorAll(\"path.kcm-f-{layer}\").length > 0", timeout=STEP_MS)
    assert int(container.get_attribute("data-kcm-visible")) == before
    # The time bar steps the day; the title follows it.
    next_day = DAY + dt.timedelta(days=1)
    page.locator(".kcm-time-next").click()
    page.locator(f".leaflet-container[data-kcm-date='{next_day.isoformat()}']").wait_for(state="attached", timeout=STEP_MS)
    assert " ".join(title.inner_text().split()) == day_title(next_day)
    page.locator(".kcm-time-prev").click()
    page.locator(f".leaflet-container[data-kcm-date='{DAY.isoformat()}']").wait_for(state="attached", timeout=STEP_MS)
    # A claim picked in a popup: shown in a box on the map and marked in the list, at the claim's day.
    claim = claims_mod.claims_about(data["claims"], layer).iloc[0]
    page.evaluate(f"() => KCM.controller.byId['{layer}'].layer.openPopup()")
    page.locator(f".kcm-pop a.kcm-claim-link[data-claim='{claim.id}']").click()
    page.locator(f".leaflet-container[data-kcm-claim='{claim.id}'][data-kcm-date='{claim.map_date}']").wait_for(
        state="attached", timeout=STEP_MS)
    claim_box = page.locator(".kcm-claim-box")
    assert claim_box.is_visible() and claim.quote in claim_box.inner_text()
    marked = page.locator(".kcm-standalone-claim-on")
    assert marked.count() == 1 and marked.get_attribute("data-claim") == claim.id
    assert page.evaluate("location.hash") == f"#claim={claim.id}"
    assert claim_box.bounding_box()["x"] + claim_box.bounding_box()["width"] <= width
    page.screenshot(path=str(SHOTS / f"standalone-{size}-claim.png"))
    page.screenshot(path=str(SHOTS / f"standalone-{size}-page.png"), full_page=True)
    # Nothing asked of the network, nothing refused by the policy, no error.
    assert seen["blocked"] == [] and all(url.startswith(("file:", "data:")) for url in seen["requested"])
    assert page.evaluate("window.kcmViolations || []") == []
    assert seen["errors"] == [] and seen["dialogs"] == []
    # The policy does refuse a request out: a fetch never reaches the network.
    refused = page.evaluate("() => fetch('https://example.org/kcm').then(() => 'fetched', () => 'refused')")
    assert refused == "refused" and seen["blocked"] == [] and page.evaluate("window.kcmViolations.length") == 1
    context.close()


@pytest.mark.browser
def test_planted_markup_shows_literally_in_the_browser(chromium, hostile_file, tmp_path):
    path = tmp_path / "planted.html"
    path.write_text(hostile_file, encoding="utf-8")
    context, page, seen = open_file(chromium, path, "phone")
    layer = "lachin_corridor"
    page.evaluate(f"() => KCM.controller.byId['{layer}'].layer.openPopup()")
    popup = page.locator(".kcm-pop")
    popup.wait_for(timeout=STEP_MS)
    assert popup.locator(".kcm-pop-title").text_content() == PLANT
    assert PLANT in popup.locator(".kcm-pop-sources").text_content()
    link = popup.locator("a.kcm-claim-link").first
    chosen = link.get_attribute("data-claim")
    link.click()
    page.locator(f".leaflet-container[data-kcm-claim='{chosen}']").wait_for(state="attached", timeout=STEP_MS)
    assert page.locator(".kcm-claim-box .kcm-claim-quote").text_content() == f"“{PLANT}”"
    assert page.locator(".kcm-claim-box .kcm-claim-reason").text_content() == PLANT
    item = page.locator(f".kcm-standalone-claim[data-claim='{chosen}']")
    assert item.locator(".kcm-standalone-quote").text_content() == f"“{PLANT}”"
    assert page.locator(".kcm-standalone-article").text_content().count(PLANT) == 3
    # Inert: no element the data brought, nothing run, nothing refused by the policy.
    assert page.evaluate("document.querySelectorAll('img, [onerror]').length") == 0
    assert seen["dialogs"] == [] and seen["errors"] == [] and page.evaluate("window.kcmViolations || []") == []
    assert seen["blocked"] == []
    context.close()


def test_the_exports_use_the_licences_and_meanings_already_loaded(data, runtime, tmp_path):
    """The map page hands the exports what it loaded (one owner): given them, they read no file."""
    gone = tmp_path / "gone.json"  # reading this would fail
    licences = [{"producer": "Producer P", "licence": "Licence L", "licence_url": "https://example.org/l",
                 "attribution": "Credit C"}]
    meanings = ({"consistent": "Meaning M"}, {"stands": "Meaning H"})
    collection = exports.view_geojson(data["features"], DAY, DEFAULT.layers, data["claims"],
                                      data["records"].sources, provenance_path=gone, licences=licences)
    assert collection["licences"] == licences and collection["attribution"] == "Credit C"
    article = claims_mod.load_article()[1]
    text = export(data, runtime, article=article, provenance_path=gone, claims_path=gone, licences=licences,
                  meanings=meanings)
    words = Page(text).all_text()
    assert "Producer P" in words and "Credit C" in words
    assert "Meaning M" in words or "Meaning H" in words
    with pytest.raises(Exception, match="gone.json"):
        exports.view_geojson(data["features"], DAY, DEFAULT.layers, data["claims"], provenance_path=gone)
