"""The map's pieces without a browser: the shell never changes with the view, updates are tiny, exports are whole."""
import datetime as dt
import json

import pytest

from geo import areas, assets, mapdata, mapview, settlements
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
                    "date_tag": "kcm-date:2020-11-08#3", "place": None, "place_tag": None}
    found = mapview.map_report(["kcm-place:hadrut-khojavend#4"])
    assert found["place"] == "hadrut-khojavend" and found["place_tag"] == "kcm-place:hadrut-khojavend#4"
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


def cited_addresses() -> set[str]:
    """The addresses of the sources the data cite: links a reader may open, never fetched by the map."""
    records = settlements.load()
    return set(records.sources.url) | set(records.settlements.coord_url.dropna())


def fetched_urls(text: str) -> list[str]:
    """URLs in `text` a browser would fetch, less the cited addresses (which the finder may cut short)."""
    cited = cited_addresses()
    return [url for url in assets.external_urls(text) if not any(c.startswith(url) for c in cited)]


def test_the_runtime_is_one_script_with_leaflet_styles_controller_and_data(layers, base, claims):
    data = mapdata.to_script(mapdata.bundle(layers, base, claims))
    runtime = mapdata.runtime_script(data)
    leaflet_at, styles_at, controller_at = (runtime.index("Leaflet 1.9.3"), runtime.index("data-kcm"),
                                            runtime.index("window.KCM = {"))
    assert leaflet_at < styles_at < controller_at < runtime.index("window.KCM_DATA=")  # the order they run in
    assert ".leaflet-container" in runtime and ".kcm-time-range" in runtime  # both stylesheets
    assert "url(images/" not in runtime and "</script" not in runtime.lower()
    assert fetched_urls(runtime) == []


def test_the_search_names_and_the_area_chart_travel_with_the_map(layers, base, claims):
    records = settlements.load()
    parts = areas.pieces(layers, base["cells"])
    full = mapdata.bundle(layers, base, claims, records.sources, areas.series(parts), records.settlements)
    names = {row[0]: row for row in full["names"]}
    assert len(names) == len(records.settlements)
    stepanakert = names["khankendi-stepanakert-khankendi"]
    assert stepanakert[2] is True and {"stepanakert", "khankendi", "xankendi", "ստեփանակերտ"} <= set(stepanakert[3])
    assert any(row[2] is False for row in full["names"])  # not on the map: found, and said so
    chart = full["areas"]
    assert chart["days"][0] == "2020-09-27" and chart["days"][-1] == "2020-12-01"
    day = chart["days"].index("2020-11-10")
    assert sum(chart["km2"][g["id"]][day] for g in chart["groups"]) == pytest.approx(parts.km2.sum(), abs=1)
    served, files = mapdata.served_bundle(full, layers)
    assert "names" not in served and json.loads(files[served["names_url"]]) == full["names"]


def test_the_runtime_file_is_named_by_its_content(tmp_path):
    url = mapdata.write_file("window.X=1;\n", "map-runtime", static_root=tmp_path)
    assert url.startswith("/app/static/generated/map-runtime.") and url.endswith(".js")
    assert mapdata.write_file("window.X=1;\n", "map-runtime", static_root=tmp_path) == url
    assert mapdata.write_file("window.X=2;\n", "map-runtime", static_root=tmp_path) != url
    assert (tmp_path / "generated" / url.rsplit("/", 1)[1]).read_text() == "window.X=1;\n"


def test_the_standalone_export_is_one_offline_file(layers, base, claims):
    runtime = mapdata.runtime_script(mapdata.to_script(mapdata.bundle(layers, base, claims)))
    page = mapview.standalone_html(runtime, view_mod.DEFAULT, [])
    assert fetched_urls(page) == []
    assert "/app/static" not in page  # nothing left to fetch from the app either
    assert "Leaflet 1.9.3" in page and "KCM.init" in page and "window.KCM_DATA=" in page
    state = json.loads(page.split('"state": ')[1].split(', "attribution"')[0])
    assert state["date"] == "2020-11-24"


# ------------------------------------------------------------------------------------- levels of detail
def test_served_bundle_keeps_what_a_step_needs_and_files_the_rest_by_cell(layers, base, claims):
    data, files = mapdata.served_bundle(mapdata.bundle(layers, base, claims), layers)
    features = [f for collection in data["features"].values() for f in collection["features"]]
    assert {f["properties"]["id"] for f in features} == {i for frame in layers.values() for i in frame.id}
    for feature in features:
        props = feature["properties"]
        assert {"id", "layer", "precision", "cell", "timeline"} <= set(props) <= {*mapdata.CORE_FIELDS, "cell", "timeline"}
        assert "sources" not in props and "name_ru" not in props
        assert all(set(change) in ({"date", "status"}, {"date", "tone"}) for change in props["timeline"])
    details = {}
    quotes = {}
    for key, cell in data["lod"]["cells"].items():
        found = json.loads(files[cell["details"]])
        details.update(found["features"])
        quotes.update(found["quotes"])
        members = [f for f in features if f["properties"]["cell"] == key]
        assert set(found["features"]) == {f["properties"]["id"] for f in members}
    assert details["place_stepanakert"]["name_az"] == "Xankəndi"
    assert any(q["id"] == "c16" for q in quotes["lachin_corridor"])
    assert data["lod"]["levels"] == [{"level": 0, "min_zoom": 0}, {"level": 1, "min_zoom": 10},
                                     {"level": 2, "min_zoom": 12}]


def test_each_level_is_within_its_tolerance_and_finer_than_the_last(layers, base, claims):
    import shapely
    from shapely.geometry import shape

    data, files = mapdata.served_bundle(mapdata.bundle(layers, base, claims), layers)
    stored = {row.id: row.geometry for frame in layers.values() for row in frame.itertuples()}
    level0 = {f["properties"]["id"]: shape(f["geometry"]) for c in data["features"].values() for f in c["features"]}
    by_level = {0: level0, 1: {}, 2: {}}
    for cell in data["lod"]["cells"].values():
        for level, stem in cell["geometry"].items():
            by_level[int(level)].update({i: shape(g) for i, g in json.loads(files[stem]).items()})
    lines = [i for i, g in stored.items() if g.geom_type not in ("Point", "MultiPoint")]
    assert set(by_level[1]) == set(by_level[2]) == set(lines)
    for level in mapdata.LEVELS:
        # Simplification moves a line by at most the tolerance; rounding by half a unit of the last decimal.
        allowed = level.tolerance + 0.75 * 10 ** -level.decimals
        worst = max(shapely.hausdorff_distance(by_level[level.level][i], stored[i]) for i in lines)
        assert worst <= allowed, (level, worst)
    vertices = [sum(shapely.get_num_coordinates(by_level[n][i]) for i in lines) for n in (0, 1, 2)]
    assert vertices[0] < vertices[1] < vertices[2] == sum(shapely.get_num_coordinates(stored[i]) for i in lines)
    for i, geometry in stored.items():  # places are exact at level 0
        if geometry.geom_type == "Point":
            assert level0[i].distance(geometry) < 1e-9


def test_cells_cover_their_features_and_are_found_from_a_view(layers, base, claims):
    data, _ = mapdata.served_bundle(mapdata.bundle(layers, base, claims), layers)
    for collection in data["features"].values():
        for feature in collection["features"]:
            frame = layers[feature["properties"]["layer"]]
            west, south, east, north = frame[frame.id == feature["properties"]["id"]].total_bounds
            bbox = data["lod"]["cells"][feature["properties"]["cell"]]["bbox"]
            assert bbox[0] <= west + 1e-4 and bbox[1] <= south + 1e-4 and bbox[2] >= east - 1e-4 and bbox[3] >= north - 1e-4
    assert mapdata.cell_of((46.70, 39.75, 46.80, 39.85)) == "187_159"  # centre 46.75, 39.80 on a 0.25 grid


def test_served_files_are_written_by_content_and_named_in_the_runtime(layers, base, claims, tmp_path):
    import shutil

    from geo.paths import STATIC
    for url in (mapdata.LEAFLET_JS, mapdata.LEAFLET_CSS, mapdata.KCM_JS, mapdata.KCM_CSS):
        target = assets.local_path(url, tmp_path)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(assets.local_path(url, STATIC), target)
    served = mapdata.write_served(mapdata.bundle(layers, base, claims), layers, static_root=tmp_path)
    written = sorted(p.name for p in (tmp_path / "generated").iterdir())
    assert served["url"].rsplit("/", 1)[1] in written
    named = [n for n in written if n.endswith(".json")]
    assert named and all(f"/app/static/generated/{n}" in served["script"] for n in named)
    again = mapdata.write_served(mapdata.bundle(layers, base, claims), layers, static_root=tmp_path)
    assert again["url"] == served["url"] and sorted(p.name for p in (tmp_path / "generated").iterdir()) == written
