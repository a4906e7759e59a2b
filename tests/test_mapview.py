"""The map's pieces without a browser: the shell never changes with the view, updates are tiny, exports are whole."""
import datetime as dt
import json

from geo import assets, mapdata, mapview
from geo import view as view_mod


from streamlit_folium import _get_feature_group_string, _get_map_string, generate_js_hash


def shell_script(runtime_url="/app/static/generated/map-runtime.x.js", base="none"):
    fmap = mapview.timeline_map(runtime_url, base)
    return fmap.get_root().render()


def test_the_shell_does_not_depend_on_the_view():
    # streamlit-folium remounts the map when the hash of its script changes; the view travels separately.
    def component_key(base="none"):
        return generate_js_hash(_get_map_string(mapview.timeline_map("/x.js", base)), "map")
    assert component_key() == component_key()
    assert component_key("osm") != component_key()
    assert "KCM.init" in shell_script()


def test_the_offline_shell_fetches_nothing_from_outside():
    assets.use_local_assets()
    assert assets.external_urls(shell_script()) == []
    assert assets.external_urls(shell_script(base="osm"))  # web tiles are opt-in and do go out


def test_a_state_update_is_small_and_escaped():
    view = view_mod.DEFAULT.replace(date=dt.date(2020, 11, 10), claim="c16")
    group = mapview.state_update(view, ["lachin_corridor", "place_stepanakert"])
    script = _get_feature_group_string(group, mapview.timeline_map("/x.js", "none"))
    assert "KCM.apply" in script and '"2020-11-10"' in script and "lachin_corridor" in script
    assert len(script.encode()) < 1_000
    hostile = mapview.state_update(view, ["</script><script>alert(1)</script>"])
    assert "</script>" not in _get_feature_group_string(hostile, mapview.timeline_map("/x.js", "none"))


def test_the_map_report_is_read_back():
    said = mapview.map_report(["kcm-req:39.6500,46.7000,9", "kcm-date:2020-11-08#3", None, 5])
    assert said == {"requested": "39.6500,46.7000,9", "date": dt.date(2020, 11, 8),
                    "date_tag": "kcm-date:2020-11-08#3"}
    assert mapview.view_key(view_mod.DEFAULT) == "39.6500,46.7000,9"
    assert mapview.map_report(["kcm-date:2031-01-01#1"])["date"] is None


def test_the_bundle_has_every_feature_with_its_timeline_and_quotes(layers, base, claims):
    bundle = mapdata.bundle(layers, base, claims)
    ids = {f["id"] for collection in bundle["features"].values() for f in collection["features"]}
    assert ids == {i for frame in layers.values() for i in frame.id}
    corridor = bundle["features"]["lachin_corridor"]["features"][0]["properties"]
    assert corridor["timeline"][0]["date"] == "2020-11-10"
    assert any(q["id"] == "c16" for q in bundle["quotes"]["lachin_corridor"])
    script = mapdata.to_script(bundle)
    assert script.startswith("window.KCM_DATA=") and "</" not in script


def test_the_runtime_is_one_script_with_leaflet_styles_controller_and_data(layers, base, claims):
    data = mapdata.to_script(mapdata.bundle(layers, base, claims))
    runtime = mapdata.runtime_script(data)
    leaflet_at, styles_at, controller_at = (runtime.index("Leaflet 1.9.3"), runtime.index("data-kcm"),
                                            runtime.index("window.KCM = {"))
    assert leaflet_at < styles_at < controller_at < runtime.index("window.KCM_DATA=")  # the order they run in
    assert ".leaflet-container" in runtime and ".kcm-time-range" in runtime  # both stylesheets
    assert "url(images/" not in runtime and "</script" not in runtime.lower()
    assert assets.external_urls(runtime) == []


def test_the_runtime_file_is_named_by_its_content(tmp_path):
    url = mapdata.write_script("window.X=1;\n", "map-runtime", static_root=tmp_path)
    assert url.startswith("/app/static/generated/map-runtime.") and url.endswith(".js")
    assert mapdata.write_script("window.X=1;\n", "map-runtime", static_root=tmp_path) == url
    assert mapdata.write_script("window.X=2;\n", "map-runtime", static_root=tmp_path) != url
    assert (tmp_path / "generated" / url.rsplit("/", 1)[1]).read_text() == "window.X=1;\n"


def test_the_standalone_export_is_one_offline_file(layers, base, claims):
    runtime = mapdata.runtime_script(mapdata.to_script(mapdata.bundle(layers, base, claims)))
    page = mapview.standalone_html(runtime, view_mod.DEFAULT, [])
    assert assets.external_urls(page) == []
    assert "/app/static" not in page  # nothing left to fetch from the app either
    assert "Leaflet 1.9.3" in page and "KCM.init" in page and "window.KCM_DATA=" in page
    state = json.loads(page.split('"state": ')[1].split(', "attribution"')[0])
    assert state["date"] == "2020-11-24"
