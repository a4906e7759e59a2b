"""Every data file broken in turn, in each way a file gets broken (deleted, truncated, not UTF-8, the wrong
shape, an invalid geometry, NaN coordinates): the command line gives one line and exits 1 for the commands
that need that file and works for the others; the pages show what they could load and name the file; nothing
shows a traceback or a server path.

The data folder is a copy (links to the committed files, the broken one written anew) that geo.paths is
pointed at; the layer catalogue, which geo.catalog reads on import, is broken in a fresh process instead.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from streamlit.testing.v1 import AppTest

from data_support import DATA, data_copy, point_paths_at
from geo import dataset
from geo.cli import main as cli

REPO = Path(__file__).resolve().parent.parent
FILES = sorted(p.relative_to(DATA).as_posix() for p in DATA.rglob("*") if p.is_file())
CATALOG = "curated/layers.json"
# Read by `python -m geo build` (and the tests of the data), not by the dashboard or the other commands.
BUILD_INPUTS = {"curated/hand_drawn.json", "claims.schema.json"}
STEPANAKERT = ("39.8153", "46.7519")


def _geojson_with(text: str, change) -> bytes:
    document = json.loads(text)
    change(document["features"][0]["geometry"])
    return json.dumps(document, allow_nan=True).encode()


def _first_position(geometry):
    coords = geometry["coordinates"]
    while isinstance(coords[0], list):
        coords = coords[0]
    return coords


def _bowtie(geometry):
    geometry.update(type="Polygon", coordinates=[[[46.0, 39.0], [47.0, 40.0], [47.0, 39.0], [46.0, 40.0], [46.0, 39.0]]])


def _nan(geometry):
    _first_position(geometry)[0] = float("nan")


def _cut_short(raw: bytes) -> bytes:
    """The first half of a file, stopping mid-line as a write cut short does (not on a line's end, where a table
    would still be a table, only shorter)."""
    end = len(raw) // 2
    while end > 1 and raw[end - 1:end] == b"\n":
        end -= 1
    return raw[:end]


def _wrong_shape(relative: str, raw: bytes) -> bytes:
    if relative.endswith(".csv"):
        return b"name,value\nsomething,else\n"
    if relative.endswith((".json", ".geojson")):
        return b'["a list", "not the object this file holds"]'
    return b""  # text: nothing left of it


BREAKAGES = {
    "deleted": None,
    "truncated": lambda relative, raw: _cut_short(raw),
    "not_utf8": lambda relative, raw: raw[: len(raw) // 2] + b"\xff\xfe\xc3(" + raw[len(raw) // 2:],
    "wrong_shape": _wrong_shape,
    "invalid_geometry": lambda relative, raw: _geojson_with(raw.decode("utf-8"), _bowtie),
    "nan_coordinates": lambda relative, raw: _geojson_with(raw.decode("utf-8"), _nan),
}
VARIANTS = [(f, b) for f in FILES for b in BREAKAGES
            if f != CATALOG and (f.endswith(".geojson") or b not in ("invalid_geometry", "nan_coordinates"))]
# Commands, and the files each rests on (geo.dataset.PARTS): a broken file fails those that need it, only.
COMMANDS = {
    "where": (["where", *STEPANAKERT, "--date", "2020-11-12"], ("layers", "base")),
    "place": (["place", "Khankendi"], ("records",)),
    "export": (["export", "--date", "2020-11-12"], ("layers", "claims", "records", "provenance")),
    "statement": (["statement", "--date", "2021-06-01"], ("ledger",)),
}


def broken_copy(folder: Path, relative: str, breakage: str) -> Path:
    """The data folder with one file broken: every other file a link to the committed one."""
    broken = BREAKAGES[breakage]
    return data_copy(folder, {relative: None if broken is None else broken(relative, (DATA / relative).read_bytes())})


def no_server_path(text: str, *folders: Path) -> bool:
    return not any(str(f) in text for f in (*folders, REPO, Path.home())) and "Traceback" not in text


@pytest.fixture(scope="module")
def intact():
    return dataset.load(DATA)


def test_the_committed_data_load_with_no_problem(intact):
    assert intact.problems == ()
    assert len(VARIANTS) > 100 and {b for _, b in VARIANTS} == set(BREAKAGES)


@pytest.mark.parametrize("relative,breakage", VARIANTS, ids=[f"{f}:{b}" for f, b in VARIANTS])
def test_a_broken_file_costs_only_itself(tmp_path, monkeypatch, intact, relative, breakage):
    folder = broken_copy(tmp_path / "data", relative, breakage)
    point_paths_at(monkeypatch, folder)
    loaded = dataset.load(folder)  # never raises
    named = {str(p.path) for p in loaded.problems}
    # What is wrong is said of the broken file (the claims rest on the article and the statement's ledger:
    # a broken one of those is named, not the claims file).
    assert named <= {f"data/{relative}"}, named
    for problem in loaded.problems:
        assert no_server_path(str(problem), tmp_path) and str(problem).startswith(f"data/{relative}: ")
        assert "python -m geo build" in str(problem) or "restore it" in str(problem)
    if breakage == "deleted" and relative not in BUILD_INPUTS:
        assert named == {f"data/{relative}"}  # a missing file is always noticed
    # Every other layer is there whole.
    for layer_id, frame in loaded.layers.items():
        if f"data/layers/{layer_id}.geojson" not in named:
            assert len(frame) == len(intact.layers[layer_id]), layer_id

    for name, (args, needs) in COMMANDS.items():
        result = CliRunner().invoke(cli, args)
        needed = any(dataset.PARTS[part].match(f"data/{relative}") for part in needs) and named
        if needed:
            assert result.exit_code == 1, (name, result.output)
            lines = result.stderr.strip().splitlines()
            assert len(lines) == 1 and lines[0].startswith(f"error: data file data/{relative}: "), (name, lines)
        else:
            assert result.exit_code == 0, (name, result.stderr)
        assert no_server_path(result.stderr, tmp_path), result.stderr


# ------------------------------------------------------------------------------------------------ the pages
APP = str(REPO / "app.py")
PAGES = {"map": None, "claims": "app_pages/claims.py", "sources": "app_pages/sources.py",
         "ledger": "app_pages/ledger.py"}


def page_text(at) -> str:
    parts = []
    for kind in ("markdown", "caption", "warning", "error", "info", "title", "header", "subheader"):
        parts += [str(e.value) for e in getattr(at, kind)]
    return "\n".join(parts)


def run_page(page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    if PAGES[page]:
        at.switch_page(PAGES[page])
    at.run()
    if page == "map" and not at.exception:
        # The map's first frame: the rest of the page follows (app_pages/map.py).
        state = at.session_state
        state["map"] = {"painted": True}
        at.run()
    return at


@pytest.mark.parametrize("relative", [f for f in FILES if f != CATALOG])
def test_each_page_draws_what_it_can_without_a_file(tmp_path, monkeypatch, relative):
    folder = broken_copy(tmp_path / "data", relative, "deleted")
    point_paths_at(monkeypatch, folder)
    for page in PAGES:
        at = run_page(page)
        assert not at.exception, (page, [e.value for e in at.exception])
        text = page_text(at)
        assert no_server_path(text, tmp_path), page
        if page == "map":
            assert len(at.get("bidi_component")) == 1  # the map is still drawn
        # The file is named (escaped for markdown: its dots and underscores carry a backslash).
        shown = re.sub(r"\\(.)", r"\1", text)
        if relative not in BUILD_INPUTS:
            assert f"data/{relative}" in shown, (page, relative)


def test_a_broken_layer_catalogue_stops_every_command_and_page_with_one_line(tmp_path):
    folder = broken_copy(tmp_path / "data", CATALOG, "truncated")
    env = {**os.environ, "KCM_DATA_DIR": str(folder)}
    result = subprocess.run([sys.executable, "-m", "geo", "where", *STEPANAKERT, "--date", "2020-11-12"],
                            capture_output=True, text=True, env=env, cwd=REPO)
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 1 and len(lines) == 1 and lines[0].startswith(f"error: data file data/{CATALOG}: ")
    assert no_server_path(result.stderr, tmp_path)
    script = (f"import json\nfrom streamlit.testing.v1 import AppTest\nat = AppTest.from_file({APP!r}, default_timeout=120)\n"
              "at.run()\nprint(json.dumps({'errors': [e.value for e in at.error], "
              "'exceptions': [e.value for e in at.exception]}))")
    shown = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=REPO)
    assert shown.returncode == 0, shown.stderr[-2000:]
    page = json.loads(shown.stdout.strip().splitlines()[-1])
    assert page["exceptions"] == [] and len(page["errors"]) == 1, page
    said = re.sub(r"\\(.)", r"\1", page["errors"][0])  # as the reader sees it, markdown's escapes undone
    assert "cannot start" in said and f"data/{CATALOG}: " in said and "restore it" in said
    assert no_server_path(shown.stdout, tmp_path)


# ---------------------------------------------------------------------------------------------- in a browser
@pytest.fixture(scope="module")
def broken_server(tmp_path_factory):
    """The dashboard on data with a layer gone and the claims cut short."""
    from browser_support import REPO_ROOT, streamlit_server

    folder = tmp_path_factory.mktemp("broken") / "data"
    claims = (DATA / "claims.json").read_bytes()
    data_copy(folder, {"layers/sites.geojson": None, "claims.json": _cut_short(claims)})
    with streamlit_server(REPO_ROOT / "app.py", env={"KCM_DATA_DIR": str(folder)}) as url:
        yield url, folder


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [{"width": 1400, "height": 900}, {"width": 390, "height": 844}],
                         ids=["desktop", "phone"])
def test_the_dashboard_on_broken_data_draws_the_rest_and_names_the_files(browse, broken_server, viewport):
    url, folder = broken_server
    page = browse(viewport)
    page.goto(url + "/?date=2020-11-12")
    page.locator(".kcm-map[data-kcm-date='2020-11-12']").wait_for(timeout=120_000)
    notice = page.locator("[data-testid=stAlert]", has_text="Some of the data could not be read")
    notice.wait_for(timeout=60_000)
    said = notice.inner_text()
    assert "data/layers/sites.geojson" in said and "data/claims.json" in said and "python -m geo build" in said
    # The command to restore it reads as typed: markdown's typography must not make its "--" a dash.
    assert "git checkout -- data/claims.json" in said.replace("\u2060", "")
    assert int(page.locator(".kcm-map").get_attribute("data-kcm-visible")) > 100  # every other layer is drawn
    page.get_by_text("The claims could not be read").wait_for(timeout=30_000)
    body = page.locator("body").inner_text()
    assert no_server_path(body, folder) and "Traceback" not in body
    # The Claims page says why it has nothing to show, and the other pages still work.
    page.goto(url + "/claims")
    page.get_by_text("The claims cannot be shown").wait_for(timeout=60_000)
    assert "data/claims.json" in page.locator("[data-testid=stAlert]").first.inner_text()
    page.goto(url + "/ledger?date=2021-01-01")
    page.locator(".st-key-point_9").wait_for(timeout=60_000)  # all nine points
    assert no_server_path(page.locator("body").inner_text(), folder)
