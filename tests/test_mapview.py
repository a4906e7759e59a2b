"""The map's pieces without a browser: folium's shell never changes with the view, the runtime is one script,
exports are whole and no data ever passes through a template."""
import json

import pytest

from geo import areas, assets, mapdata, mapview, settlements
from geo import view as view_mod


def test_the_shell_is_folium_s_map_and_does_not_depend_on_the_view():
    shell = mapview.shell("none")
    assert shell["id"].startswith("map_") and f'L.map(\n                "{shell["id"]}"' in shell["script"]
    assert mapview.shell("none") is shell  # made once: a step, a claim or a pan never rebuilds the map
    assert mapview.shell("osm")["id"] != shell["id"]
    assert '"minZoom": 5' in shell["script"] and '"maxZoom": 16' in shell["script"]


def test_the_offline_shell_fetches_nothing_from_outside():
    assert assets.external_urls(mapview.shell("none")["script"]) == []
    assert assets.external_urls(mapview.shell("osm")["script"])  # web tiles are opt-in and do go out


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
    # The figures on the first day and on each day they change, to the last day of the timeline.
    assert chart["days"][0] == "2020-09-26" and chart["end"] == "2026-02-17"
    assert chart["days"] == sorted(chart["days"]) and "2023-09-20" in chart["days"] and "2023-09-21" not in chart["days"]
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


def export_options(page: str) -> dict:
    return json.loads(page.split('<script type="application/json" id="kcm-options">')[1].split("</script>")[0])


def test_the_standalone_export_is_one_offline_file(layers, base, claims):
    runtime = mapdata.runtime_script(mapdata.to_script(mapdata.bundle(layers, base, claims)))
    page = mapview.standalone_html(runtime, view_mod.DEFAULT, [], [{"id": "c16", "quote": "q"}])
    assert fetched_urls(page) == []
    assert "/app/static" not in page  # nothing left to fetch from the app either
    assert "Leaflet 1.9.3" in page and "KCM.standalone(" in page and "window.KCM_DATA=" in page
    options = export_options(page)
    assert options["view"]["date"] == "2020-11-24" and options["claims"] == [{"id": "c16", "quote": "q"}]
    assert options["mapId"] in page.split("<body>")[1]  # folium's element for the map
    assert "<title>Nagorno-Karabakh on 24 November 2020: Karabakh ceasefire map</title>" in page


TEMPLATE_SYNTAX = "{{7*7}} {% for x in range(3) %}x{% endfor %} {# c #} ${7*7} <%= 7*7 %>"


def test_template_syntax_in_the_data_reaches_the_export_literally(layers, base, claims):
    """Nothing of the data passes through a template engine: a name, a quote, an id with template syntax in it
    comes out as written (folium renders its Jinja2 page before any data is inserted)."""
    hostile = {name: frame.assign(name_en=TEMPLATE_SYNTAX + "</script><script>alert(1)</script>")
               for name, frame in layers.items()}
    quoted = claims.assign(quote=TEMPLATE_SYNTAX)
    runtime = mapdata.runtime_script(mapdata.to_script(mapdata.bundle(hostile, base, quoted)))
    export_claims = [{"id": "c16", "quote": TEMPLATE_SYNTAX, "reason": TEMPLATE_SYNTAX}]
    page = mapview.standalone_html(runtime, view_mod.DEFAULT, [TEMPLATE_SYNTAX], export_claims)
    data = json.loads(page.split("window.KCM_DATA=")[1].split(";\n")[0].replace("<\\/", "</"))
    names = {f["properties"]["name_en"] for c in data["features"].values() for f in c["features"]}
    assert names == {TEMPLATE_SYNTAX + "</script><script>alert(1)</script>"}
    features = sum(len(c["features"]) for c in data["features"].values())
    assert page.count(TEMPLATE_SYNTAX) >= features + 2  # every name, the quote and reason, as written
    options = export_options(page)
    assert options["claims"][0]["quote"] == TEMPLATE_SYNTAX and options["selected"] == [TEMPLATE_SYNTAX]
    assert page.count("</script><script>alert(1)") == 0  # every closing tag inside a script is escaped


# ------------------------------------------------------------------------------------- levels of detail
def test_served_bundle_keeps_what_a_step_needs_and_files_the_rest_by_cell(layers, base, claims):
    data, files = mapdata.served_bundle(mapdata.bundle(layers, base, claims), layers)
    features = [f for collection in data["features"].values() for f in collection["features"]]
    assert {f["properties"]["id"] for f in features} == {i for frame in layers.values() for i in frame.id}
    for feature in features:
        props = feature["properties"]
        assert {"id", "layer", "precision", "cell", "timeline"} <= set(props) <= {*mapdata.CORE_FIELDS, "cell", "timeline"}
        assert "sources" not in props and "name_ru" not in props
        assert all(set(change) - {"ends"} in ({"date", "status"}, {"date", "tone"}) for change in props["timeline"])
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

    from geo.paths import STATIC, VENDOR
    for url in (mapdata.KCM_JS, mapdata.KCM_COMPONENT_JS, mapdata.KCM_CSS):
        target = assets.local_path(url, tmp_path)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(assets.local_path(url, STATIC), target)
    served = mapdata.write_served(mapdata.bundle(layers, base, claims), layers, static_root=tmp_path,
                                  vendor_root=VENDOR)
    written = sorted(p.name for p in (tmp_path / "generated").iterdir())
    assert served["url"].rsplit("/", 1)[1] in written
    named = [n for n in written if n.endswith(".json")]
    assert named and all(f"/app/static/generated/{n}" in served["script"] for n in named)
    again = mapdata.write_served(mapdata.bundle(layers, base, claims), layers, static_root=tmp_path,
                                 vendor_root=VENDOR)
    assert again["url"] == served["url"] and sorted(p.name for p in (tmp_path / "generated").iterdir()) == written
