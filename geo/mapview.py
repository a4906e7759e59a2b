"""The map's shell, made by folium, and the standalone HTML export's page (geo/exports.py gathers what it says).

folium builds the Leaflet map itself (the base map's tiles and attribution, the scale, the zoom limits).
Nothing of the data passes through folium's templates: the shell holds the base map's options only, and the
features, the view and the claims are handed to the map as data afterwards, by the page's component
(app_pages/map_component.py, static/kcm/map-component.js) or, in the export, inserted after rendering.
"""
from __future__ import annotations

import base64
import functools
import hashlib
import html
import json
import re

import folium

from geo.view import DEFAULT, View

TILES = {
    "osm": dict(tiles="OpenStreetMap"),
    "carto": dict(tiles="CartoDB positron"),
    "satellite": dict(tiles="https://server.arcgisonline.com/ArcGIS/rest/services/World_Imagery/MapServer/tile/{z}/{y}/{x}",
                      attr="Imagery: Esri, Maxar, Earthstar Geographics"),
}
ATTRIBUTION = "Natural Earth (public domain); GeoNames (CC BY 4.0)"


def _folium_map(base: str, view: View = DEFAULT) -> folium.Map:
    tiles = TILES.get(base)
    fmap = folium.Map(location=(view.lat, view.lon), zoom_start=view.zoom, min_zoom=5, max_zoom=16,
                      control_scale=True, **(tiles if tiles else {"tiles": None}))
    fmap.options.update(minZoom=5, maxZoom=16)  # folium gives its zoom limits to the tiles; the offline map has none
    # Leaflet comes inside the map's runtime (geo/mapdata.py): none of folium's CDN links is wanted.
    fmap.default_js, fmap.default_css = [], []
    return fmap


@functools.lru_cache(maxsize=None)
def shell(base: str) -> dict:
    """The script that makes the Leaflet map for a base map, as folium writes it, and the id of its element.

    Rendered once per base map and process: a step, a claim or a pan never rebuilds the map."""
    fmap = _folium_map(base)
    figure = fmap.get_root()
    figure.render()
    return {"id": fmap.get_name(), "script": figure.script.render()}


def _script_text(code: str) -> str:
    """Code that can sit inside an inline <script> element whatever its strings hold: the only text that ends
    or changes the element there is "</script" and "<!--" (in a JS string or regex, "<\\/" is "</")."""
    return re.sub(r"</(script)", r"<\\/\1", code, flags=re.IGNORECASE).replace("<!--", "<\\!--")


def _json_text(value) -> str:
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# The standalone file names no outside script, style, image or address to fetch: only its own inline scripts
# (by hash), its inline styles (folium's, the runtime's, and the style attributes Leaflet and the controller
# write), and data: images. A link a reader clicks is navigation, which the policy does not govern.
CSP = ("default-src 'none'; script-src {scripts}; style-src 'unsafe-inline'; img-src data:; "
       "base-uri 'none'; form-action 'none'")
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)
_URL = re.compile(r"https?://[^\s<>\"']+")


def day_words(day) -> str:
    """"24 November 2020", in English whatever the locale."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _e(text) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def _link(url, text=None) -> str:
    """An address as a link written with the address itself (a printed page keeps it); only http(s) links."""
    url = "" if url is None else str(url)
    if not _URL.fullmatch(url):
        return _e(text if text is not None else url)
    label = _e(text) + " — " if text else ""
    return f'{label}<a href="{_e(url)}" rel="noopener noreferrer">{_e(url)}</a>'


def _cite(source) -> str:
    """A source as the sidebar and the popups cite it: outlet, date, title, and its address."""
    if not isinstance(source, dict):
        return _e(source)
    label = f"{source.get('outlet') or ''}{', ' + source['published'] if source.get('published') else ''}"
    label += f": {source['title']}" if source.get("title") else ""
    return _link(source.get("url"), label or source.get("id"))


def _words(key) -> str:
    return str(key).replace("_", " ")


def _claim_html(claim: dict, shown: bool) -> str:
    """One claim of the article with both verdicts and what they mean, the reasons and the sources."""
    hindsight = claim.get("hindsight") or {}
    settled = hindsight.get("settled")
    parts = [f'<li class="kcm-standalone-claim" id="kcm-claim-{_e(claim["id"])}" data-claim="{_e(claim["id"])}"'
             f'{"" if shown else " hidden"}>',
             f'<div class="kcm-standalone-claim-head"><b>{_e(claim["id"])}</b>'
             + (f' <span class="kcm-standalone-claim-type">{_e(_words(claim["type"]))}</span>' if claim.get("type") else "")
             + "</div>",
             f'<blockquote class="kcm-standalone-quote">“{_e(claim.get("quote"))}”</blockquote>',
             '<dl class="kcm-standalone-verdicts">',
             f'<dt>On 24 Nov 2020</dt><dd><span class="kcm-verdict kcm-verdict-{_e(claim.get("verdict"))}">'
             f'{_e(_words(claim.get("verdict")))}</span> <span class="kcm-standalone-meaning">'
             f'{_e(claim.get("verdict_meaning"))}</span>'
             + (f'<p class="kcm-standalone-reason">{_e(claim["reason"])}</p>' if claim.get("reason") else "")
             + (f'<p class="kcm-standalone-sources">Sources: {"; ".join(_cite(s) for s in claim["sources"])}</p>'
                if claim.get("sources") else "") + "</dd>"]
    if hindsight.get("verdict"):
        parts.append(
            f'<dt>In hindsight</dt><dd><span class="kcm-verdict kcm-standalone-hindsight-{_e(hindsight["verdict"])}">'
            f'{_e(_words(hindsight["verdict"]))}</span> <span class="kcm-standalone-meaning">'
            f'{_e(claim.get("hindsight_meaning"))}{f" Settled on {_e(settled)}." if settled else ""}</span>'
            + (f'<p class="kcm-standalone-reason">{_e(hindsight["reason"])}</p>' if hindsight.get("reason") else "")
            + (f'<p class="kcm-standalone-sources">Later sources: {"; ".join(_cite(s) for s in hindsight["sources"])}</p>'
               if hindsight.get("sources") else "") + "</dd>")
    parts.append("</dl>")
    if claim.get("features"):
        parts.append(f'<button type="button" class="kcm-standalone-show" data-kcm-show-claim="{_e(claim["id"])}">'
                     f'Show {_e(claim["id"])} on the map</button>')
    parts.append("</li>")
    return "".join(parts)


def _page_html(map_div: str, view: View, about: dict) -> str:
    """The file's words around the map: title and day, layer toggles, the claims, the article and the data's
    licences. Every string from the data is escaped here; the file's script only shows, hides and marks them."""
    day = view.date
    layers = about.get("layers") or []
    claims = about.get("claims") or []
    shown = set(about.get("claims_shown") or [])
    key_day = about.get("key_date")
    out = ['<div class="kcm-standalone">',
           '<header class="kcm-standalone-head">',
           f'<h1 class="kcm-standalone-title">Nagorno-Karabakh on <time class="kcm-standalone-day" '
           f'datetime="{day.isoformat()}">{day_words(day)}</time></h1>',
           f'<p class="kcm-standalone-when"><span class="kcm-standalone-weekday">{WEEKDAYS[day.weekday()]}</span>'
           f'<span class="kcm-standalone-keyday"{"" if key_day else " hidden"}>{" · " + _e(key_day) if key_day else ""}'
           '</span></p>',
           '<p class="kcm-standalone-sub">Who held what in the 2020 war, under the ceasefire and after, as dated '
           "public sources give it, and what one article of 24 November 2020 said about it. Step through the days "
           "with the time bar on the map; the claims listed follow the day and the layers shown.</p>",
           "</header>",
           '<div class="kcm-standalone-body">',
           f'<div class="kcm-standalone-map">{map_div}</div>',
           '<aside class="kcm-standalone-side">']
    if layers:
        out.append('<details class="kcm-standalone-layers" open><summary>Layers</summary><ul>')
        for layer in layers:
            on = layer["id"] in view.layers
            out.append(f'<li><label title="{_e(layer.get("description"))}"><input type="checkbox" '
                       f'class="kcm-standalone-layer" value="{_e(layer["id"])}"{" checked" if on else ""}> '
                       f'{_e(layer["title"])}</label></li>')
        out.append("</ul></details>")
    if claims:
        out.append('<section class="kcm-standalone-claims" aria-labelledby="kcm-standalone-claims-title">'
                   '<h2 id="kcm-standalone-claims-title">The article\'s claims on this day</h2>'
                   f'<p class="kcm-standalone-count"><span class="kcm-standalone-count-shown">{len(shown)}</span> of '
                   f'{len(claims)} claims bear on this day: dated that day, or about something the map shows. '
                   "A claim link in a shape's popup shows the claim on the map.</p>"
                   '<ol class="kcm-standalone-claim-list">')
        out.extend(_claim_html(claim, claim["id"] in shown) for claim in claims)
        out.append("</ol></section>")
    out.append("</aside></div>")
    out.append('<footer class="kcm-standalone-foot">')
    out.append("<p>Dates on the map are the days a capture was announced, denied or admitted, or a handover done, "
               "as the sources give them; a place no source dates shows as “day unknown”. Dashed outlines are "
               "approximate; pale fills are pending (scheduled or contested). Hover over or click a shape for its "
               "names, status, sources and the article's words about it.</p>")
    article = about.get("article")
    if article:
        address = article.get("url")
        out.append('<section class="kcm-standalone-article"><h2>The article</h2><p>'
                   f'{_e(article.get("publisher"))}, {_e(article.get("date"))}: “{_e(article.get("title"))}”. '
                   + (_link(address) if address else "No web address is recorded for the project's copy.") + "</p>"
                   + (f'<p class="kcm-standalone-rights">{_e(article["rights"])}</p>' if article.get("rights") else "")
                   + "</section>")
    verdicts, hindsight = about.get("verdicts") or {}, about.get("hindsight_verdicts") or {}
    if verdicts or hindsight:
        out.append('<section class="kcm-standalone-key"><h2>What the verdicts mean</h2>')
        for heading, meanings in (("On 24 Nov 2020, against the sources of the day", verdicts),
                                  ("In hindsight, against what happened later", hindsight)):
            if meanings:
                out.append(f"<h3>{heading}</h3><dl>" + "".join(
                    f"<dt>{_e(_words(k))}</dt><dd>{_e(v)}</dd>" for k, v in meanings.items()) + "</dl>")
        out.append("</section>")
    licences = about.get("licences") or []
    out.append('<section class="kcm-standalone-licences"><h2>Data and licences</h2><ul>')
    out.extend(f'<li>{_e(l["producer"])}: {_link(l.get("licence_url"), l.get("licence"))}. {_e(l.get("attribution"))}</li>'
               for l in licences)
    out.append("</ul>" + (f'<p>{_e(about["curated"])}</p>' if about.get("curated") else "")
               + f'<p>Map: {_e(ATTRIBUTION)}.</p></section>')
    out.append("</footer></div>")
    return "\n".join(out)


def standalone_html(runtime_script: str, view: View, selected: list[str], claims: list[dict] | None = None,
                    canvas_above: int | None = None, about: dict | None = None) -> str:
    """The map as one self-contained HTML file that works offline: folium's page with the map's runtime
    (Leaflet, styles, controller, data), the view and the words around the map inserted after rendering.

    `claims` are the article's claims the popups link to ({id, quote, verdict, reason, map_date, features,
    layers, dates, hindsight}); a claim picked in a popup is shown in place. `about` holds what the page says
    beside the map (geo.exports.standalone_html gathers it): layers, claims with their sources and the
    verdicts' meanings, `claims_shown`, `key_date`, the article, the licences. `canvas_above` overrides the
    feature count above which the map draws on a canvas (tests).

    The same arguments give the same bytes: the map's element has a fixed name, and nothing is dated."""
    fmap = _folium_map("none", view)
    fmap._id = "kcm"  # branca names an element by a random id; a fixed one keeps the file reproducible
    page = fmap.get_root().render()
    # folium's viewport forbids zooming the page; a reader of the claims on a phone may need to.
    page = re.sub(r'<meta name="viewport"[^>]*>', '<meta name="viewport" content="width=device-width, initial-scale=1">',
                  page, count=1)
    options = {"mapId": fmap.get_name(), "attribution": ATTRIBUTION, "claims": claims or [],
               "view": {"date": view.date.isoformat(), "layers": list(view.layers), "claim": view.claim,
                        "lang": view.lang},
               "selected": list(selected)}
    if canvas_above is not None:
        options["canvasAbove"] = canvas_above
    title = f"Nagorno-Karabakh on {day_words(view.date)}: Karabakh ceasefire map"
    head = (f"<title>{html.escape(title)}</title>\n"
            f"<script>{_script_text(runtime_script)}</script>\n")
    body = (f'<script type="application/json" id="kcm-options">{_json_text(options)}</script>\n'
            "<script>KCM.standalone(JSON.parse(document.getElementById(\"kcm-options\").textContent));</script>\n")
    # The rendered page is folium's, with no data in it: its one </head>, its map's element and its last
    # </html> are its own, found before anything is inserted.
    map_div = f'<div class="folium-map" id="{fmap.get_name()}" ></div>'
    at_head, at_div, at_end = page.index("</head>"), page.index(map_div), page.rindex("</html>")
    words = _page_html(map_div, view, about or {})
    page = (page[:at_head] + head + page[at_head:at_div] + words + page[at_div + len(map_div):at_end] + body
            + page[at_end:])
    return _with_policy(page)


def _with_policy(page: str) -> str:
    """The page with its content security policy first in its head: its inline scripts by their hashes.

    A browser reads a carriage return in a page as a line feed before it hashes a script: the file is written
    with line feeds only, so that the hashes are those of what the browser reads."""
    page = page.replace("\r\n", "\n").replace("\r", "\n")
    hashes = [base64.b64encode(hashlib.sha256(code.encode("utf-8")).digest()).decode("ascii")
              for code in _INLINE_SCRIPT.findall(page)]
    policy = CSP.format(scripts=" ".join(f"'sha256-{h}'" for h in dict.fromkeys(hashes)) or "'none'")
    meta = f'<meta http-equiv="Content-Security-Policy" content="{html.escape(policy, quote=False)}">\n'
    at = page.index("<head>") + len("<head>")
    charset = re.compile(r'\s*<meta http-equiv="content-type"[^>]*>').match(page, at)
    at = charset.end() if charset else at
    return page[:at] + "\n" + meta + page[at:]
