"""The map's front-end files come from the project itself: Leaflet at its pinned version, read into the
runtime; nothing of node_modules is served; the finder of outside addresses that the other tests rely on."""

from __future__ import annotations

import json

import pytest

from browser_support import block_outside_requests
from geo import assets
from geo.assets import STATIC_URL, AssetsMissing, external_urls
from geo.paths import ROOT, STATIC

VENDOR = ROOT / "vendor"


def test_the_one_pin_is_exact_and_installed():
    manifest = json.loads((VENDOR / "package.json").read_text())
    assert manifest["private"] is True
    assert manifest["dependencies"] == {"leaflet": "1.9.3"}  # the map needs nothing else
    installed = json.loads((VENDOR / "node_modules" / "leaflet" / "package.json").read_text())["version"]
    assert installed == "1.9.3", f"leaflet {installed} installed, 1.9.3 pinned: run scripts/setup.sh"
    assert not (VENDOR / "package-lock.json").exists()


def test_nothing_of_the_packages_is_served():
    assert not (STATIC / "vendor").exists()  # static/ is what Streamlit serves at /app/static/
    assert assets.vendor_file(assets.LEAFLET_JS).is_relative_to(VENDOR)


def test_a_missing_file_is_named_with_the_fix(tmp_path):
    with pytest.raises(AssetsMissing, match=r"vendor/node_modules/leaflet/dist/leaflet\.js is not installed: "
                                            r"run scripts/setup.sh"):
        assets.vendor_file(assets.LEAFLET_JS, tmp_path)


def test_folium_s_leaflet_is_the_pinned_one():
    import folium

    leaflet = dict(folium.Map.default_js)["leaflet"]
    assert "leaflet@1.9.3/" in leaflet  # folium's map script is written for the Leaflet the runtime carries


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('<script src="https://cdn.example.org/a.js"></script>', ["https://cdn.example.org/a.js"]),
        ('<link rel="stylesheet" href="//cdn.example.org/a.css"/>', ["//cdn.example.org/a.css"]),
        ("L.tileLayer('https://{s}.tile.example.org/{z}/{x}/{y}.png')", ["https://{s}.tile.example.org/{z}/{x}/{y}.png"]),
        ('L.tileLayer("//{s}.tile.example.org/{z}/{x}/{y}.png")', ["//{s}.tile.example.org/{z}/{x}/{y}.png"]),
        (".a{background:url(//fonts.example.org/f.woff2)}", ["//fonts.example.org/f.woff2"]),
        ("@import 'http://example.org/b.css';", ["http://example.org/b.css"]),
        ('<img src="https://example.org/i.png"><img src="https://example.org/i.png">', ["https://example.org/i.png"]),
        ('attribution: "&copy; <a href=\\"https://www.openstreetmap.org/copyright\\">OSM</a>"', []),
        ("""<svg xmlns="http://www.w3.org/2000/svg"></svg> url("data:image/svg+xml,%3csvg xmlns='http://www.w3.org/2000/svg'%3e")""", []),
        ("/*! Bootstrap (https://getbootstrap.com/) */ <!-- https://example.org --> x = a // b", []),
        (f'<script src="{STATIC_URL}/generated/map-runtime.0.js"></script> .x{{behavior:url(#default#VML)}}', []),
    ],
)
def test_external_urls(text, expected):
    assert external_urls(text) == expected


@pytest.mark.browser
def test_guard_catches_outside_links(chromium):
    """The control for every browser test: a page that asks for a CDN script has the request aborted and
    recorded, so a test asserting that nothing was blocked can fail."""
    context = chromium.new_context()
    blocked = block_outside_requests(context)
    page = context.new_page()
    cdn = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"
    with page.expect_event("requestfailed", lambda r: r.url == cdn, timeout=30_000):
        page.set_content(f'<script src="{cdn}"></script>')
    assert blocked == [cdn]
    context.close()


def test_the_server_serves_the_map_s_files_and_nothing_of_the_packages():
    """Asked over HTTP: the map's own files are there; Leaflet's package, its examples and the repository's
    other folders are not, by any path (the map reads Leaflet into its runtime; nothing under vendor/ is served)."""
    import urllib.error
    import urllib.request

    from browser_support import REPO_ROOT, streamlit_server

    def status(url):
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code

    with streamlit_server(REPO_ROOT / "app.py") as url:
        assert status(f"{url}{assets.STATIC_URL}/kcm/timeline-map.js") == 200
        for path in ("vendor/node_modules/leaflet/dist/leaflet.js", "../vendor/node_modules/leaflet/dist/leaflet.js",
                     "..%2Fvendor%2Fnode_modules%2Fleaflet%2Fdist%2Fleaflet.js", "node_modules/leaflet/package.json",
                     "../data/claims.json", "..%2F.streamlit%2Fconfig.toml", "../app.py"):
            assert 400 <= status(f"{url}{assets.STATIC_URL}/{path}") < 500, path  # refused, whatever the code
