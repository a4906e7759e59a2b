"""Serve the map's scripts and stylesheets from the app itself instead of CDNs.

folium (and streamlit-folium, which reads the same class attributes) makes the
browser load Leaflet, jQuery, Bootstrap, the awesome-markers plugin and icon
fonts from public CDNs. The dashboard must draw its map with no network, so
`use_local_assets()` points those links at copies that scripts/setup.sh
installs from static/vendor/package.json (exact versions) and that Streamlit
serves at /app/static/ (`server.enableStaticServing` in .streamlit/config.toml).

Not covered on purpose:
- branca ColorMaps: streamlit_folium adds two d3 CDN scripts whenever one is on
  the map, outside any class attribute we could rewrite, so the app uses none.
- Tile layers: maps are drawn with `tiles=None`; a tile URL template would be
  an outside request like any other (`external_urls` reports it).
- folium plugins not listed in `_PATCHED` keep their CDN links; adding one
  means a package in static/vendor/package.json and its URLs in `LOCAL_ASSETS`.

Importable without Streamlit.
"""

from __future__ import annotations

import re
from pathlib import Path

import folium
import folium.plugins

from geo.errors import GeoError
from geo.paths import STATIC

# Where Streamlit serves the repository's static/ folder. This assumes the app
# runs at the server root (no server.baseUrlPath).
STATIC_URL = "/app/static"
_NPM = f"{STATIC_URL}/vendor/node_modules"

# Every CDN URL we replace, and the local copy that replaces it. The versions in
# the CDN URLs are the ones pinned in static/vendor/package.json.
LOCAL_ASSETS: dict[str, str] = {
    # folium.Map
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js": f"{_NPM}/leaflet/dist/leaflet.js",
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css": f"{_NPM}/leaflet/dist/leaflet.css",
    "https://code.jquery.com/jquery-3.7.1.min.js": f"{_NPM}/jquery/dist/jquery.min.js",
    "https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/js/bootstrap.bundle.min.js": f"{_NPM}/bootstrap/dist/js/bootstrap.bundle.min.js",
    "https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/css/bootstrap.min.css": f"{_NPM}/bootstrap/dist/css/bootstrap.min.css",
    # Only the glyphicon rules and fonts of Bootstrap 3, like the file folium names;
    # all of Bootstrap 3 would restyle the page on top of Bootstrap 5.
    "https://netdna.bootstrapcdn.com/bootstrap/3.0.0/css/bootstrap-glyphicons.css": f"{_NPM}/glyphicons-only-bootstrap/css/bootstrap.min.css",
    "https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@6.2.0/css/all.min.css": f"{_NPM}/@fortawesome/fontawesome-free/css/all.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.js": f"{_NPM}/drmonty-leaflet-awesome-markers/js/leaflet.awesome-markers.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.css": f"{_NPM}/drmonty-leaflet-awesome-markers/css/leaflet.awesome-markers.css",
    # folium.plugins.Fullscreen (the npm package has no .min.js; the CDN minifies on the fly)
    "https://cdn.jsdelivr.net/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.min.js": f"{_NPM}/leaflet.fullscreen/Control.FullScreen.js",
    "https://cdn.jsdelivr.net/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.css": f"{_NPM}/leaflet.fullscreen/Control.FullScreen.css",
    # folium.plugins.MiniMap
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet-minimap/3.6.1/Control.MiniMap.js": f"{_NPM}/leaflet-minimap/dist/Control.MiniMap.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet-minimap/3.6.1/Control.MiniMap.css": f"{_NPM}/leaflet-minimap/dist/Control.MiniMap.min.css",
    # folium.plugins.MousePosition (folium takes the plugin's unversioned GitHub head;
    # the npm package wraps its last release)
    "https://cdn.jsdelivr.net/gh/ardhi/Leaflet.MousePosition/src/L.Control.MousePosition.min.js": f"{_NPM}/leaflet-mouse-position/src/L.Control.MousePosition.js",
    "https://cdn.jsdelivr.net/gh/ardhi/Leaflet.MousePosition/src/L.Control.MousePosition.min.css": f"{_NPM}/leaflet-mouse-position/src/L.Control.MousePosition.css",
}

# Links dropped rather than replaced. folium's awesome-rotate css is its own
# generated file (.fa-rotate-1 ... .fa-rotate-359, ~40 kB) published on no
# registry; only folium.Icon(angle=...) uses it, and Font Awesome 6 itself
# already has .fa-rotate-90/180/270. We draw no rotated icons.
DROPPED_ASSETS: frozenset[str] = frozenset(
    {
        "https://cdn.jsdelivr.net/gh/python-visualization/folium/folium/templates/leaflet.awesome.rotate.min.css",
    }
)

# Leaflet finds its default marker images from leaflet.css, but streamlit-folium
# adds the stylesheets only after the scripts and runs the map at once; Leaflet
# 1.9.3's fallback then builds ".../leaflet/distmarker-icon.png" (a 404, with the
# CDN as well). Setting the path outright avoids both. A data: URL runs it right
# after leaflet.js without a file of our own to serve; nothing is fetched.
LEAFLET_IMAGES_URL = f"{_NPM}/leaflet/dist/images/"
_ICON_PATH_LINK = (
    "leaflet_icon_path",
    f"data:text/javascript,L.Icon.Default.imagePath%3D%22{LEAFLET_IMAGES_URL}%22%3B",
)

# The folium classes whose `default_js`/`default_css` class attributes we rewrite.
_PATCHED: tuple[type, ...] = (
    folium.Map,
    folium.plugins.Fullscreen,
    folium.plugins.MiniMap,
    folium.plugins.MousePosition,
)

_LOCAL_URLS = frozenset(LOCAL_ASSETS.values())


class AssetsMissing(GeoError, RuntimeError):
    """The local copies of the map's scripts and stylesheets are not installed (or not known)."""


def local_path(url: str, static_root: Path | str = STATIC) -> Path:
    """The file under `static_root` that Streamlit serves at the local `url`."""
    if not url.startswith(STATIC_URL + "/"):
        raise ValueError(f"not a local asset URL: {url}")
    return Path(static_root) / url[len(STATIC_URL) + 1 :]


def _localized(links: list[tuple[str, str]], owner: type) -> list[tuple[str, str]]:
    out = []
    for name, url in links:
        if url in DROPPED_ASSETS:
            continue
        if url in _LOCAL_URLS:  # already rewritten: calling twice changes nothing
            out.append((name, url))
        elif url in LOCAL_ASSETS:
            out.append((name, LOCAL_ASSETS[url]))
        else:
            # A folium upgrade changed a pinned URL: fail loudly rather than let the
            # browser go to a CDN it cannot reach.
            raise AssetsMissing(
                f"{owner.__module__}.{owner.__name__} loads {url}, which has no local copy; "
                "pin its package in static/vendor/package.json, map it in geo/assets.py LOCAL_ASSETS, "
                "then run scripts/setup.sh"
            )
    return out


def use_local_assets(static_root: Path | str = STATIC) -> None:
    """Make folium's maps (and the plugins in `_PATCHED`) load their scripts and styles from the app.

    Rewrites the classes' `default_js`/`default_css`, so it affects every map made
    afterwards in this process. Idempotent. Raises AssetsMissing, naming the
    files, when the installed copies are not under `static_root`; nothing is
    changed then.
    """
    new = {
        cls: (
            _localized([link for link in cls.default_js if link != _ICON_PATH_LINK], cls),
            _localized(cls.default_css, cls),
        )
        for cls in _PATCHED
    }
    map_js = new[folium.Map][0]
    map_js.insert(next(i for i, (name, _) in enumerate(map_js) if name == "leaflet") + 1, _ICON_PATH_LINK)
    wanted = sorted({url for js, css in new.values() for _, url in js + css if url.startswith(STATIC_URL)})
    missing = [str(p) for p in (local_path(u, static_root) for u in wanted) if not p.is_file()]
    if missing:
        raise AssetsMissing(
            f"{len(missing)} front-end file(s) the map needs are not installed: "
            + ", ".join(missing)
            + ". Run scripts/setup.sh (it runs npm install for static/vendor/package.json)."
        )
    for cls, (js, css) in new.items():
        cls.default_js = js
        cls.default_css = css


# URLs a browser never fetches, removed before searching: anchor targets (navigation),
# XML namespace names, and data: URIs (their content is inline). Comments go too.
_NOT_FETCHED = [
    re.compile(r"/\*.*?\*/", re.S),  # CSS/JS block comments (licence banners)
    re.compile(r"<!--.*?-->", re.S),
    re.compile(r"<a\b[^>]*>", re.I),
    re.compile(r"""\bxmlns(?::\w+)?\s*=\s*\\?(["'])[^"'\\]*\\?\1""", re.I),
    re.compile(r"""\bdata:[^"')\s\\]*""", re.I),
    # Namespace names in code (Leaflet's createElementNS("http://www.w3.org/2000/svg", ...)): never fetched.
    re.compile(r"""(["'])https?://www\.w3\.org/(?:2000/svg|1999/xhtml|1999/xlink|1998/Math/MathML)\1"""),
]
# An absolute (http/https) or protocol-relative URL. A protocol-relative one must
# follow a quote, "(", "=" or whitespace and name a dotted host, so that
# "a // comment" is not taken for one; "{s}" stands for a tile sub-domain.
_URL = re.compile(
    r"""(?:\bhttps?:|(?<=["'(=\s])(?=//[\w{}-]+(?:\.[\w{}-]+)+))//[^\s"'<>()\\]+""",
    re.I,
)


def external_urls(html: str) -> list[str]:
    """Every absolute or protocol-relative URL in `html` (HTML, JS or CSS) that a browser would fetch.

    Errs towards reporting: script/img src, link href, CSS url() and @import,
    tile URL templates and any other URL in code count; anchor hrefs, xmlns
    names, data: URIs and comments do not. Root-relative paths such as
    /app/static/... are the app's own and never reported. In order of
    appearance, without repeats.
    """
    for pattern in _NOT_FETCHED:
        html = pattern.sub(" ", html)
    return list(dict.fromkeys(_URL.findall(html)))
