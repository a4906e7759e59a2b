"""The map loads every script, stylesheet, font and image from the app itself (geo/assets.py).

Unit tests render folium maps in-process; the `browser` tests run tests/apps/offline_map_app.py
under `streamlit run` and open it in Debian's headless Chromium with every outside request aborted.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import folium
import folium.folium
import folium.plugins
import pytest

from browser_support import block_outside_requests, streamlit_server
from geo import assets
from geo.assets import (
    LOCAL_ASSETS,
    STATIC_URL,
    AssetsMissing,
    external_urls,
    local_path,
    use_local_assets,
)

REPO = Path(__file__).resolve().parent.parent
VENDOR = REPO / "static" / "vendor"
APP = REPO / "tests" / "apps" / "offline_map_app.py"
LEAFLET_JS = f"{STATIC_URL}/vendor/node_modules/leaflet/dist/leaflet.js"
LEAFLET_CDN = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"


@pytest.fixture
def folium_links(monkeypatch):
    """Undo use_local_assets() after the test: it rewrites class attributes process-wide."""
    for cls in assets._PATCHED:
        monkeypatch.setattr(cls, "default_js", list(cls.default_js))
        monkeypatch.setattr(cls, "default_css", list(cls.default_css))


def _map_with_what_we_use() -> folium.Map:
    m = folium.Map(location=[39.79, 46.76], zoom_start=10, tiles=None)
    area = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": "area"},
                "geometry": {"type": "Polygon", "coordinates": [[[46.7, 39.7], [46.8, 39.7], [46.8, 39.8], [46.7, 39.7]]]},
            }
        ],
    }
    folium.GeoJson(area, tooltip=folium.GeoJsonTooltip(fields=["name"]), popup=folium.GeoJsonPopup(fields=["name"])).add_to(m)
    folium.CircleMarker([39.76, 46.75], radius=8, tooltip="Shusha").add_to(m)
    folium.Marker([39.81, 46.75], tooltip="Stepanakert").add_to(m)
    folium.Marker([39.80, 46.79], icon=folium.Icon(color="red", icon="flag", prefix="fa")).add_to(m)
    folium.FeatureGroup(name="layer").add_to(m)
    folium.LayerControl().add_to(m)
    folium.plugins.Fullscreen().add_to(m)
    folium.plugins.MousePosition().add_to(m)
    # A MiniMap needs a tile layer; a local (root-relative) template keeps it inside the app.
    folium.plugins.MiniMap(tile_layer=folium.TileLayer("/tiles/{z}/{x}/{y}.png", attr="local")).add_to(m)
    return m


# --- unit tests ------------------------------------------------------------------------------


def test_cdn_map_has_external_urls(folium_links, monkeypatch):
    """The control: folium's own links are all found, so the next test can fail."""
    monkeypatch.setattr(folium.Map, "default_js", folium.folium._default_js)
    monkeypatch.setattr(folium.Map, "default_css", folium.folium._default_css)
    found = external_urls(_map_with_what_we_use().get_root().render())
    assert LEAFLET_CDN in found
    assert set(found) >= {url for _, url in folium.folium._default_js + folium.folium._default_css}


def test_rendered_map_has_no_external_urls(folium_links):
    use_local_assets()
    html = _map_with_what_we_use().get_root().render()
    assert external_urls(html) == []
    assert f'<script src="{LEAFLET_JS}"></script>' in html


def test_every_link_after_use_local_assets_is_an_installed_file(folium_links):
    use_local_assets()
    links = [url for cls in assets._PATCHED for _, url in cls.default_js + cls.default_css]
    local = [url for url in links if not url.startswith("data:")]
    assert len(local) >= 15
    for url in local:
        assert url.startswith(STATIC_URL + "/vendor/node_modules/"), url
        assert local_path(url).is_file(), url
    for url in LOCAL_ASSETS.values():
        assert local_path(url).is_file(), url


def test_use_local_assets_is_idempotent(folium_links):
    use_local_assets()
    first = {cls: (list(cls.default_js), list(cls.default_css)) for cls in assets._PATCHED}
    use_local_assets()
    assert {cls: (cls.default_js, cls.default_css) for cls in assets._PATCHED} == first
    names = [name for name, _ in folium.Map.default_js]
    assert names == ["leaflet", "leaflet_icon_path", "jquery", "bootstrap", "awesome_markers"]


def test_missing_files_raise_naming_them_and_the_setup_script(folium_links, tmp_path):
    before = list(folium.Map.default_js)
    with pytest.raises(AssetsMissing) as caught:
        use_local_assets(static_root=tmp_path)
    message = str(caught.value)
    assert str(tmp_path / "vendor/node_modules/leaflet/dist/leaflet.js") in message
    assert "scripts/setup.sh" in message
    assert folium.Map.default_js == before  # nothing half-done


def test_only_the_absent_file_is_named(folium_links, tmp_path):
    static = tmp_path / "static"
    for url in LOCAL_ASSETS.values():
        target = local_path(url, static)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("")
    local_path(LEAFLET_JS, static).unlink()
    with pytest.raises(AssetsMissing, match=r"1 front-end file\(s\).*leaflet/dist/leaflet\.js\. Run scripts/setup\.sh"):
        use_local_assets(static_root=static)


def test_a_link_without_a_local_copy_is_refused(folium_links, monkeypatch):
    unknown = "https://cdn.jsdelivr.net/npm/leaflet.fullscreen@9.9.9/Control.FullScreen.min.js"
    monkeypatch.setattr(folium.plugins.Fullscreen, "default_js", [("Control.Fullscreen.js", unknown)])
    with pytest.raises(AssetsMissing, match=re.escape(unknown)):
        use_local_assets()


def test_vendor_stylesheets_fetch_nothing_outside_and_their_files_exist():
    """Fonts and images that the CSS pulls in must be installed too."""
    stylesheets = [url for url in LOCAL_ASSETS.values() if url.endswith(".css")]
    assert len(stylesheets) >= 7
    for url in stylesheets:
        css_file = local_path(url)
        css = css_file.read_text(encoding="utf-8")
        assert external_urls(css) == [], url
        for ref in re.findall(r"""url\(\s*['"]?([^'")]+)""", css):
            if ref.startswith(("data:", "#")):
                continue
            path = urlsplit(ref).path
            assert (css_file.parent / path).resolve().is_file(), f"{url} refers to missing {ref}"


def test_pins_are_exact_and_installed():
    manifest = json.loads((VENDOR / "package.json").read_text())
    assert manifest["private"] is True
    pins = manifest["dependencies"]
    assert pins["leaflet"] == "1.9.3" and pins["jquery"] == "3.7.1" and pins["bootstrap"] == "5.2.2"
    for name, version in pins.items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"{name}: {version} is not an exact version"
        installed = json.loads((VENDOR / "node_modules" / name / "package.json").read_text())["version"]
        assert installed == version, f"{name} {installed} installed, {version} pinned: run scripts/setup.sh"
    assert not (VENDOR / "package-lock.json").exists()


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
        (f'<script src="{LEAFLET_JS}"></script> .x{{behavior:url(#default#VML)}}', []),
    ],
)
def test_external_urls(text, expected):
    assert external_urls(text) == expected


# --- browser tests ---------------------------------------------------------------------------

FOLIUM_FRAME = 'iframe[title="streamlit_folium.st_folium"]'


@pytest.mark.browser
def test_map_draws_offline_from_local_assets(chromium):
    with streamlit_server(APP) as base_url:
        context = chromium.new_context()
        blocked = block_outside_requests(context)
        page = context.new_page()
        responses = []
        page.on("response", lambda r: responses.append(r))
        page.goto(base_url)

        frame = page.frame_locator(FOLIUM_FRAME)
        frame.locator(".leaflet-container").wait_for(timeout=60_000)
        frame.locator("svg path.leaflet-interactive").first.wait_for(timeout=30_000)
        frame.locator("img.leaflet-marker-icon").first.wait_for(timeout=30_000)
        frame.locator(".awesome-marker i.fa-flag").wait_for(timeout=30_000)
        page.wait_for_load_state("networkidle")  # images and fonts the stylesheets pulled in

        assert blocked == []
        # the polygon and the circle marker
        assert frame.locator("svg path.leaflet-interactive").count() == 2
        map_frame = next(f for f in page.frames if "/component/streamlit_folium.st_folium/" in f.url)
        assert map_frame.evaluate("L.version") == "1.9.3"
        leaflet_src = map_frame.evaluate("document.querySelector('script[src$=\"/leaflet.js\"]').src")
        assert leaflet_src == base_url + LEAFLET_JS
        assert map_frame.evaluate("document.querySelector('img.leaflet-marker-icon').naturalWidth") > 0

        local = {r.url: r.status for r in responses}
        assert local[base_url + LEAFLET_JS] == 200
        assert all(urlsplit(url).hostname == "127.0.0.1" for url in local), local
        assert {url: s for url, s in local.items() if s >= 400} == {}
        vendor = [url for url in local if url.startswith(base_url + STATIC_URL + "/vendor/")]
        assert any(url.endswith("/webfonts/fa-solid-900.woff2") for url in vendor)
        assert any(url.endswith("/leaflet/dist/images/marker-icon.png") for url in vendor)
        context.close()


@pytest.mark.browser
def test_guard_catches_cdn_links(chromium):
    """The control: with folium's CDN links the guard aborts them, so the test above can fail."""
    with streamlit_server(APP, env={"OFFLINE_MAP_APP_CDN": "1"}) as base_url:
        context = chromium.new_context()
        blocked = block_outside_requests(context)
        page = context.new_page()
        with page.expect_event("requestfailed", lambda r: r.url == LEAFLET_CDN, timeout=60_000):
            page.goto(base_url)
        assert LEAFLET_CDN in blocked
        context.close()
