"""Every path the project reads or writes, in one place (no imports from the rest of the package)."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
LAYERS_DIR = DATA / "layers"
BASE_DIR = DATA / "base"
ARTICLE_DIR = DATA / "article"
CLAIMS = DATA / "claims.json"
PROVENANCE = DATA / "provenance.json"
SOURCES_MD = DATA / "SOURCES.md"
STATIC = ROOT / "static"
SOURCE_CACHE = ROOT / ".cache" / "sources"
