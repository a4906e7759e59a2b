"""A copy of data/ with hostile text planted in every text field a reader sees: names in every language, notes,
statuses, quotes, reasons, sources' titles and outlets, the statement's ledger, the layer catalogue's titles,
the article itself and its attribution, the licences and SOURCES.md.

What is planted (PAYLOAD) is markup, template, markdown and spreadsheet syntax at once. Ids, dates, addresses
and the values the loaders check against a list stay as they are, so the copy loads with no problem and every
planted string reaches the pages.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

from data_support import DATA, data_copy

EVIL = "evil.example"
# Each part is something a context would act on if it were not escaped: HTML elements and attributes (an
# image fetched from outside, a script, a javascript: link), template syntax (Jinja, JS template literals),
# Streamlit markdown (a link, an image, an autolink, an e-mail, a colour, an icon, an emoji, LaTeX, bold, a
# dash made of "--"), and a spreadsheet formula (the text starts with "=").
PAYLOAD = (f'=HYPERLINK("http://{EVIL}/csv") <img src="http://{EVIL}/i.png" onerror="window.kcmPwned=1">'
           f'<script>window.kcmPwned=2</script> {{{{7*7}}}} {{% raw %}} ${{7*7}} :red[red] :material/home: :smile: '
           f'$x^2$ [link](http://{EVIL}/md) ![image](http://{EVIL}/md.png) www.{EVIL} a@{EVIL} **bold** '
           f'<a href="javascript:window.kcmPwned=3">js</a> a--b &amp;')


def plant(text):
    """The payload in front of a text (a name in a table's first column then starts with "="); empty text
    and missing values stay as they are, as the loaders treat them as absent."""
    return f"{PAYLOAD} {text}" if isinstance(text, str) and text.strip() else text


def _plant_keys(record: dict, keys) -> None:
    for key in keys:
        if key in record:
            record[key] = plant(record[key])


# An address that would run if it became a link: the pages link http(s) addresses only. The curated tables'
# schemas, the claims and the statement's ledger refuse it at load; the layers built from the tables carry it
# here, as a hand edit would.
SCRIPT_URL = "javascript:window.kcmPwned=4"


def _sources(items, addresses=False) -> None:
    for source in items or []:
        if isinstance(source, dict):
            _plant_keys(source, ("title", "outlet"))
            if addresses and "url" in source:
                source["url"] = SCRIPT_URL


def _json(relative: str) -> dict:
    return json.loads((DATA / relative).read_text(encoding="utf-8"))


def _dump(document) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _layer(relative: str) -> bytes:
    document = _json(relative)
    for feature in document["features"]:
        props = feature["properties"]
        _plant_keys(props, ("name_en", "name_az", "name_hy", "name_ru", "note", "population_note", "coord_page",
                            "other_names"))
        for change in props.get("timeline") or []:
            _plant_keys(change, ("status",))
        if props.get("coord_url"):
            props["coord_url"] = SCRIPT_URL
        for event in props.get("history") or []:
            _plant_keys(event, ("note", "by"))
            _sources(event.get("sources"), addresses=True)
    return _dump(document)


def _table(relative: str, columns) -> bytes:
    rows = list(csv.DictReader(io.StringIO((DATA / relative).read_text(encoding="utf-8"))))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: plant(value) if key in columns else value for key, value in row.items()})
    return out.getvalue().encode("utf-8")


def _statement() -> bytes:
    document = _json("curated/statement.json")
    _plant_keys(document, ("about",))
    _plant_keys(document["statement"], ("title",))
    _sources(document["statement"].get("sources"))
    for point in document["points"]:
        _plant_keys(point, ("title", "text"))
        for change in point.get("changes") or []:
            _plant_keys(change, ("by", "event", "note"))
            _sources(change.get("sources"))  # an address other than http(s) here is refused at load
    return _dump(document)


def _catalogue() -> bytes:
    document = _json("curated/layers.json")
    for part, keys in (("layers", ("title", "description")), ("statuses", ("short", "label")),
                       ("periods", ("label", "title")), ("key_dates", ("label",))):
        for item in document[part]:
            _plant_keys(item, keys)
    return _dump(document)


def _claims_and_article() -> dict[str, bytes]:
    """The payload inside every claim's quote: put into the article at the middle of each claim's span, every
    span moved to match, so each quote is still the article's text at its span."""
    document = _json("claims.json")
    meta_path = next((DATA / "article").glob("*.meta.json"))
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    text = (DATA / "article" / meta["copy"]).read_text(encoding="utf-8")
    inserts = sorted({(claim["span"][0] + claim["span"][1]) // 2 for claim in document["claims"]})
    pieces, here = [], 0
    for at in inserts:
        pieces += [text[here:at], f" {PAYLOAD} "]
        here = at
    new_text = "".join(pieces) + text[here:]
    grown = len(PAYLOAD) + 2

    def moved(offset, inclusive):  # an insert at a span's start goes before it; at its end, inside it
        return offset + grown * sum(1 for at in inserts if (at <= offset if inclusive else at < offset))

    for claim in document["claims"]:
        start, end = claim["span"]
        claim["span"] = [moved(start, True), moved(end, False)]
        claim["quote"] = new_text[claim["span"][0]:claim["span"][1]]
        _plant_keys(claim, ("summary", "reason"))
        _plant_keys(claim["hindsight"], ("reason",))
        _sources(claim["hindsight"].get("sources"))
    for part in ("verdicts", "hindsight_verdicts", "claim_types"):
        document[part] = {key: plant(meaning) for key, meaning in document[part].items()}
    raw = new_text.encode("utf-8")
    _plant_keys(meta, ("title", "publisher", "rights"))
    meta.update(sha256=hashlib.sha256(raw).hexdigest(), bytes=len(raw), characters=len(new_text))
    article = meta_path.relative_to(DATA).as_posix()
    return {"claims.json": _dump(document), article: _dump(meta),
            f"article/{meta['copy']}": raw}


def _provenance() -> bytes:
    document = _json("provenance.json")
    for source in document["sources"].values():
        _plant_keys(source, ("producer", "licence", "citation"))
    for entry in document["files"].values():
        _plant_keys(entry, ("method",))
    document["precision_classes"] = {key: plant(meaning) for key, meaning in document["precision_classes"].items()}
    return _dump(document)


def _sources_md() -> bytes:
    text = (DATA / "SOURCES.md").read_text(encoding="utf-8")
    return (text + f"\n## {PAYLOAD}\n\n{PAYLOAD}\n\n![tracker](http://{EVIL}/sources.png)\n"
            f"<iframe src=\"http://{EVIL}/frame\"></iframe>\n").encode("utf-8")


def hostile_data(folder: Path) -> Path:
    """`folder` laid out like data/, with PAYLOAD planted in every text field a reader sees."""
    replaced = {relative: _layer(relative) for relative in
                [p.relative_to(DATA).as_posix() for p in sorted((DATA / "layers").glob("*.geojson"))]}
    for relative in ("base/countries.geojson", "base/districts.geojson", "base/labels.geojson"):
        document = _json(relative)
        for feature in document["features"]:
            _plant_keys(feature["properties"], ("name_en", "name_az", "name_hy", "name_ru"))
        replaced[relative] = _dump(document)
    replaced["curated/sources.csv"] = _table("curated/sources.csv", {"outlet", "title"})
    replaced["curated/settlements.csv"] = _table("curated/settlements.csv",
                                                 {"name_en", "name_az", "name_hy", "name_ru", "other_names",
                                                  "coord_page"})
    replaced["curated/events.csv"] = _table("curated/events.csv", {"by", "note", "status"})
    replaced["curated/statement.json"] = _statement()
    replaced["curated/layers.json"] = _catalogue()
    replaced |= _claims_and_article()
    replaced["provenance.json"] = _provenance()
    replaced["SOURCES.md"] = _sources_md()
    return data_copy(folder, replaced)
