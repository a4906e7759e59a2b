"""The project as a regular (non-editable) install: a wheel built from the source tree, installed in a fresh
virtualenv, and every `python -m geo` command run from a folder outside the repository.

A checkout reads data/, static/kcm/ and vendor/node_modules/ from the repository; an installed copy must carry
them itself (pyproject.toml ships them in geo/_root/, geo/paths.py finds them there). Each command's output
must be the one the checkout gives (the commands run in this process, on the checkout, through click's test
runner), so nothing here hard-codes a result.

How the fresh virtualenv gets its dependencies with no network: it is made from the same base interpreter as
the one running the tests, and a .pth file lists that interpreter's site-packages as a plain path. A plain path
in a .pth file is only added to sys.path: the .pth files inside it are not processed, so the checkout's editable
install (a finder that __editable__...pth installs) stays inactive and `import geo` finds the installed copy.
The wheel is built with the test environment's setuptools (--no-build-isolation: pip does not check it, so the
fixture checks it against build-system.requires; scripts/setup.sh --test installs it), from a copy of the source tree, so that the build leaves nothing in
the repository and no earlier build/lib/ of it can leak stale files into the wheel.

One build and install for the whole module (about 5 s); the module takes about 30 s on an idle machine.
Run: .venv/bin/python -m pytest tests/test_packaging.py -q
"""
from __future__ import annotations

import dataclasses
import hashlib
import importlib.metadata
import json
import os
import shutil
import subprocess
import sysconfig
import tomllib
import venv
from pathlib import Path

import pytest
from click.testing import CliRunner
from packaging.requirements import Requirement

from geo import assets, mapdata, paths
from geo.cli import main as checkout_cli

# Part of the normal suite (not `browser`); `-m "not packaging"` leaves it out.
pytestmark = pytest.mark.packaging

REPO = Path(__file__).resolve().parent.parent
# Not part of a source tree: environments, caches, test output and earlier builds (see .gitignore).
NOT_SOURCE_AT_TOP = {".git", ".venv", ".cache", ".hypothesis", ".pytest_cache", ".ruff_cache", "artifacts", "build"}
NOT_SOURCE_ANYWHERE = {"__pycache__"}
DAY = "2020-11-12"  # the first full day of the ceasefire: every layer has something to say


@dataclasses.dataclass
class Installed:
    python: Path
    site_packages: Path
    source: Path  # the copy of the source tree the wheel was built from
    source_before: set[str]  # its top-level entries before the build
    workdir: Path  # outside the repository: where the commands run
    env: dict

    def geo(self, *args: str, **kwargs) -> subprocess.CompletedProcess:
        return subprocess.run([str(self.python), "-m", "geo", *args], cwd=self.workdir, env=self.env,
                              capture_output=True, text=True, timeout=300, check=False, **kwargs)

    def python_says(self, code: str) -> str:
        result = subprocess.run([str(self.python), "-c", code], cwd=self.workdir, env=self.env,
                                capture_output=True, text=True, timeout=120, check=False)
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    @property
    def root(self) -> Path:
        return self.site_packages / "geo" / "_root"


def _copy_source_tree(target: Path) -> None:
    def ignore(folder, names):
        skipped = {n for n in names if n in NOT_SOURCE_ANYWHERE or n.endswith(".egg-info")}
        if Path(folder) == REPO:
            skipped |= NOT_SOURCE_AT_TOP & set(names)
        if Path(folder) == paths.STATIC:
            skipped.add(mapdata.BUNDLE_DIR)  # the map's generated files: written at run time, never shipped
        return skipped
    shutil.copytree(REPO, target, ignore=ignore, symlinks=True)


def _unmet_build_requirements() -> list[str]:
    """What pyproject.toml's build-system asks for that this environment lacks: with --no-build-isolation
    pip builds with what is installed here, and does not check it."""
    with open(REPO / "pyproject.toml", "rb") as f:
        wanted = [Requirement(r) for r in tomllib.load(f)["build-system"]["requires"]]
    unmet = []
    for requirement in wanted:
        try:
            have = importlib.metadata.version(requirement.name)
        except importlib.metadata.PackageNotFoundError:
            have = None
        if have is None or not requirement.specifier.contains(have, prereleases=True):
            unmet.append(f"{requirement} (installed: {have or 'none'})")
    return unmet


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Installed:
    unmet = _unmet_build_requirements()
    if unmet:
        pytest.fail(f"this environment cannot build the wheel offline, it lacks {', '.join(unmet)}: run "
                    "scripts/setup.sh --test (the test extra asks for it)")
    tmp = tmp_path_factory.mktemp("packaging")
    source = tmp / "source"
    _copy_source_tree(source)
    source_before = {p.name for p in source.iterdir()}

    env_dir = tmp / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)  # from this interpreter's base interpreter
    python = env_dir / "bin" / "python"
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "KCM_DATA_DIR", "XDG_CACHE_HOME")}
    env["PIP_NO_INPUT"] = "1"
    # The build's source packages: the user's cache of an installed copy (geo/paths.py), here one for the test
    # that reuses the checkout's downloads, so that `build` needs no network when the checkout has built before.
    env["XDG_CACHE_HOME"] = str(tmp / "xdg-cache")
    (tmp / "xdg-cache" / "karabakh-ceasefire-map").mkdir(parents=True)
    paths.SOURCE_CACHE.mkdir(parents=True, exist_ok=True)
    (tmp / "xdg-cache" / "karabakh-ceasefire-map" / "sources").symlink_to(paths.SOURCE_CACHE)

    site_packages = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                        capture_output=True, text=True, check=True, env=env).stdout.strip())
    dependencies = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    (site_packages / "test_environment_dependencies.pth").write_text("\n".join(dependencies) + "\n", "utf-8")

    workdir = tmp / "elsewhere"
    workdir.mkdir()
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--no-deps", "--no-build-isolation", "--no-index", "--ignore-installed",
         str(source)], cwd=workdir, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert install.returncode == 0, install.stdout + install.stderr
    return Installed(python, site_packages, source, source_before, workdir, env)


def checkout_says(*args: str) -> str:
    """The same command on the checkout, in this process."""
    result = CliRunner().invoke(checkout_cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def installed_says(installed: Installed, *args: str) -> str:
    result = installed.geo(*args)
    assert result.returncode == 0, result.stderr
    return result.stdout


def _files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts}


# ------------------------------------------------------------------------------------------ what is installed


def test_the_fresh_environment_imports_the_installed_copy_not_the_checkout(installed):
    where = json.loads(installed.python_says(
        "import json, geo, geo.build, geo.paths as p; print(json.dumps([geo.__file__, geo.build.__file__, "
        "str(p.ROOT), str(p.DATA), str(p.STATIC), str(p.VENDOR), str(p.SOURCE_CACHE), p.IS_INSTALLED]))"))
    *files, source_cache, is_installed = where
    for path in files:
        assert Path(path).is_relative_to(installed.site_packages), path
        assert not Path(path).is_relative_to(REPO), path
    assert is_installed
    assert Path(source_cache) == Path(installed.env["XDG_CACHE_HOME"]) / "karabakh-ceasefire-map" / "sources"
    assert not paths.IS_INSTALLED and paths.ROOT == REPO  # and this process runs the checkout


def test_every_subpackage_is_installed(installed):
    subpackages = {p.parent.relative_to(REPO).as_posix() for p in (REPO / "geo").rglob("__init__.py")
                   if "__pycache__" not in p.parts}
    assert "geo/build" in subpackages
    for package in subpackages:
        assert (installed.site_packages / package / "__init__.py").is_file(), package
        modules = {p.name for p in (REPO / package).glob("*.py")}
        assert modules <= {p.name for p in (installed.site_packages / package).glob("*.py")}, package


def test_every_file_the_package_reads_is_installed_and_no_other(installed):
    assert _files(installed.root / "data") == _files(paths.DATA)
    assert _files(installed.root / "static") == {f"kcm/{name}" for name in _files(paths.STATIC / "kcm")}
    for name in _files(paths.STATIC / "kcm"):
        assert (installed.root / "static" / "kcm" / name).read_bytes() == (paths.STATIC / "kcm" / name).read_bytes()
    # Of node_modules, only what the runtime reads (geo/assets.py) and the licence that goes with it.
    read = {assets.LEAFLET_JS.as_posix(), assets.LEAFLET_CSS.as_posix()}
    assert _files(installed.root / "vendor" / "node_modules") == read | {"leaflet/LICENSE"}
    for name in read:
        assert (installed.root / "vendor" / "node_modules" / name).read_bytes() == (paths.VENDOR / name).read_bytes()


def test_the_installed_copy_makes_the_same_map_runtime(installed):
    """The runtime script (Leaflet, the styles, the controller) read from the installed static/ and vendor/."""
    digest = installed.python_says(
        "import hashlib; from geo import mapdata; "
        "print(hashlib.sha256(mapdata.runtime_script('').encode()).hexdigest())")
    assert digest == hashlib.sha256(mapdata.runtime_script("").encode()).hexdigest()


def test_kcm_data_dir_still_points_an_installed_copy_elsewhere(installed, tmp_path):
    env = {**installed.env, "KCM_DATA_DIR": str(tmp_path)}
    result = subprocess.run([str(installed.python), "-c", "import geo.paths as p; print(p.DATA, p.CLAIMS)"],
                            cwd=installed.workdir, env=env, capture_output=True, text=True, check=True)
    assert result.stdout.split() == [str(tmp_path), str(tmp_path / "claims.json")]


def test_pip_install_leaves_nothing_in_the_tree_that_git_would_see(installed):
    made = sorted({p.name for p in installed.source.iterdir()} - installed.source_before)
    assert made, "expected the build's own folders (build/, *.egg-info/) in the source tree"
    # The tests run from a checkout (CI clones the repository): git says what .gitignore leaves out.
    assert shutil.which("git") and (REPO / ".git").exists(), "run the tests from a git checkout"
    for name in made:
        entry = name + "/" if (installed.source / name).is_dir() else name
        ignored = subprocess.run(["git", "-C", str(REPO), "check-ignore", "--quiet", "--no-index", entry], check=False)
        assert ignored.returncode == 0, f"`pip install .` leaves {entry} in the repository, and .gitignore misses it"


# ------------------------------------------------------------------------------- every command, installed


def test_place_finds_stepanakert_by_its_azerbaijani_name(installed):
    output = installed_says(installed, "place", "Khankendi")
    assert output == checkout_says("place", "Khankendi")
    place = json.loads(output)
    assert "Stepanakert" in json.dumps(place["names"], ensure_ascii=False)


def test_where_answers_at_stepanakert_as_the_checkout_does(installed):
    coordinates = json.loads(checkout_says("place", "Stepanakert"))["coordinates"]
    at = (str(coordinates["lat"]), str(coordinates["lon"]), "--date", DAY)
    output = installed_says(installed, "where", *at)
    assert output == checkout_says("where", *at)
    answer = json.loads(output)
    assert answer["controller"] and answer["layers"]  # in the conflict zone: somebody held it


def test_areas_claims_and_statement_answer_as_the_checkout_does(installed):
    outputs = {}
    for command in (["areas", "--date", DAY], ["claims"], ["statement", "--date", "2021-01-01"]):
        outputs[command[0]] = installed_says(installed, *command)
        assert outputs[command[0]] == checkout_says(*command), command
    ledger = json.loads(outputs["statement"])
    with open(paths.STATEMENT, encoding="utf-8") as f:
        points = json.load(f)["points"]
    assert [p["number"] for p in ledger["points"]] == [p["number"] for p in points]
    assert len(points) == 9  # the statement of 9-10 November 2020 has nine points


def test_export_is_that_days_feature_collection(installed):
    output = installed_says(installed, "export", "--date", DAY)
    assert output == checkout_says("export", "--date", DAY)
    collection = json.loads(output)
    assert collection["type"] == "FeatureCollection" and collection["features"]


def test_export_html_writes_a_standalone_map(installed):
    """`export --html` puts the map's runtime (from static/ and vendor/) inline in one HTML file."""
    target = installed.workdir / "map.html"
    result = installed.geo("export", "--date", DAY, "--html", "--out", target.name)
    assert result.returncode == 0, result.stderr
    page = target.read_text(encoding="utf-8")
    assert "<html" in page
    leaflet = (paths.VENDOR / assets.LEAFLET_JS).read_text(encoding="utf-8")
    assert leaflet[-2000:] in page  # the installed Leaflet, inline
    # The same file as the checkout writes for that day.
    checkout = installed.workdir / "checkout.html"
    checkout_says("export", "--date", DAY, "--html", "--out", str(checkout))
    assert page == checkout.read_text(encoding="utf-8")


# Last: it rewrites the installed data, which the tests above read.
def test_build_rewrites_the_installed_data_byte_for_byte(installed):
    data = installed.root / "data"
    written_by_build = sorted({p.relative_to(paths.DATA).as_posix() for p in
                               [*paths.LAYERS_DIR.glob("*.geojson"), *paths.BASE_DIR.glob("*.geojson"),
                                paths.PROVENANCE, paths.SOURCES_MD]})
    for name in written_by_build:
        (data / name).unlink()
    result = installed.geo("build")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("built ")
    assert _files(data) == _files(paths.DATA)
    for name in written_by_build:
        assert (data / name).read_bytes() == (paths.DATA / name).read_bytes(), name
