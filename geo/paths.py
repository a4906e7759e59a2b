"""Every path the project reads or writes, in one place (no imports from the rest of the package).

They hang off ROOT, a folder laid out like the repository: data/ (or KCM_DATA_DIR), static/kcm/,
vendor/node_modules/. In a checkout (or an editable install) ROOT is the repository root. An installed wheel
has no repository around it, so pyproject.toml ships those files inside the package, in geo/_root/, and ROOT
is that folder. Only the build's download cache (SOURCE_CACHE) lives elsewhere in an installed copy.
"""
import os
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
# Only a wheel has geo/_root/ (pyproject.toml maps the repository's folders there; the checkout never has it).
INSTALLED_ROOT = PACKAGE / "_root"
IS_INSTALLED = INSTALLED_ROOT.is_dir()
ROOT = INSTALLED_ROOT if IS_INSTALLED else PACKAGE.parent
# KCM_DATA_DIR points the app at another data folder of the same layout (the benchmark's scaled data).
DATA = Path(os.environ.get("KCM_DATA_DIR") or ROOT / "data").resolve()
LAYERS_DIR = DATA / "layers"
BASE_DIR = DATA / "base"
ARTICLE_DIR = DATA / "article"
CLAIMS = DATA / "claims.json"
CURATED = DATA / "curated"
CATALOG = CURATED / "layers.json"
SETTLEMENTS = CURATED / "settlements.csv"
EVENTS = CURATED / "events.csv"
SOURCES = CURATED / "sources.csv"
STATEMENT = CURATED / "statement.json"
HAND_DRAWN = CURATED / "hand_drawn.json"
PROVENANCE = DATA / "provenance.json"
SOURCES_MD = DATA / "SOURCES.md"
STATIC = ROOT / "static"
# Front-end packages installed at set-up (scripts/setup.sh, vendor/package.json): read, never served.
# A wheel carries only the files the map's runtime reads (pyproject.toml, package-data).
VENDOR = ROOT / "vendor" / "node_modules"


def _user_cache() -> Path:
    """The user's cache folder (XDG Base Directory): shared by every installed copy, kept across upgrades."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "karabakh-ceasefire-map"


# The registry packages `python -m geo build` reads (about 270 MB) are a download cache, not data: an installed
# copy keeps them in the user's cache, not in site-packages, where each environment would download its own and
# `pip uninstall` would leave them behind. A checkout keeps them in the repository (.cache/, git-ignored).
SOURCE_CACHE = _user_cache() / "sources" if IS_INSTALLED else ROOT / ".cache" / "sources"
