"""The map's front-end files, and a finder of the outside addresses a page would fetch.

The map draws with no network: its only front-end package, Leaflet, is installed at set-up from the exact
version pinned in vendor/package.json (scripts/setup.sh) and read into the map's runtime (geo/mapdata.py),
which the app serves as one file under /app/static/generated/. Nothing under vendor/ is served, and the map
loads none of folium's CDN scripts (jQuery, Bootstrap, icon fonts): geo/mapview.py empties them.

Importable without Streamlit.
"""

from __future__ import annotations

import re
from pathlib import Path

from geo.errors import GeoError
from geo.paths import STATIC, VENDOR

# Where Streamlit serves the repository's static/ folder (`server.enableStaticServing`). This assumes the app
# runs at the server root (no server.baseUrlPath).
STATIC_URL = "/app/static"
LEAFLET_JS = Path("leaflet/dist/leaflet.js")
LEAFLET_CSS = Path("leaflet/dist/leaflet.css")


class AssetsMissing(GeoError, RuntimeError):
    """A front-end file the map needs is not installed."""


def vendor_file(relative: Path | str, vendor_root: Path | str = VENDOR) -> Path:
    """An installed front-end file (under vendor/node_modules/); AssetsMissing names it and the fix."""
    path = Path(vendor_root) / relative
    if not path.is_file():
        raise AssetsMissing(f"{Path('vendor/node_modules') / relative} is not installed: run scripts/setup.sh "
                            "(it runs npm install for vendor/package.json)")
    return path


def local_path(url: str, static_root: Path | str = STATIC) -> Path:
    """The file under `static_root` that Streamlit serves at the local `url`."""
    if not url.startswith(STATIC_URL + "/"):
        raise ValueError(f"not a local asset URL: {url}")
    return Path(static_root) / url[len(STATIC_URL) + 1 :]


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
