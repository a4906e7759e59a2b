"""Every path the project reads or writes, in one place (no imports from the rest of the package)."""
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
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
VENDOR = ROOT / "vendor" / "node_modules"
SOURCE_CACHE = ROOT / ".cache" / "sources"
