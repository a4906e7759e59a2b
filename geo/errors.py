"""Domain errors. The core raises these; the CLI and the pages turn them into clear messages."""
from __future__ import annotations

import os
import re
from pathlib import Path

from geo import paths


class GeoError(Exception):
    """Base class for every error the `geo` package raises on purpose."""


class InvalidInput(GeoError, ValueError):
    """A value from a user (CLI argument, share link) that cannot be used; the message says what is accepted."""


# Files `python -m geo build` writes: the fix for a broken one is to build again. Every other file under data/
# is curated by hand and committed: the fix is to restore it.
BUILT = re.compile(r"^data/(layers/[^/]+\.geojson|base/[^/]+\.geojson|provenance\.json|SOURCES\.md)$")
# An absolute path in a message from a library (pyogrio, json, csv name the file they read): a reader of the
# page must not learn where the server keeps its files. Not a URL's path (after "//" or a host).
ABSOLUTE_PATH = re.compile(r"(?<![\w.:/~-])/(?:[^\s'\"/:]+/)+([^\s'\"/:,;)]+)")


def shown_path(path) -> str:
    """A data file as a reader and a maintainer know it: data/... (whatever folder KCM_DATA_DIR names), or
    relative to the project, or its name alone."""
    path = Path(path)
    if not path.is_absolute():
        return path.as_posix()
    for folder, prefix in ((paths.DATA, "data"), (paths.ROOT, "")):
        try:
            relative = Path(os.path.abspath(path)).relative_to(folder)
        except ValueError:
            continue
        return f"{prefix}/{relative.as_posix()}".lstrip("/")
    return path.name


def without_server_paths(text: str) -> str:
    """`text` with every absolute path cut to the project-relative path, or to the file's name."""
    text = str(text)
    for folder, shown in ((paths.DATA, "data"), (paths.ROOT, ".")):
        text = text.replace(str(folder), shown)
    return ABSOLUTE_PATH.sub(lambda m: m.group(1), text)


def remedy(shown: str) -> str:
    if BUILT.match(shown):
        return "run `python -m geo build` to regenerate it"
    if shown.startswith("data/"):
        return f"restore it from the repository (`git checkout -- {shown}`)"
    return "restore it from the repository"


class DataFileError(GeoError):
    """A committed data file is missing or malformed; the message names the file (relative to the project, never
    a server path), the problem, and what to run or restore."""

    def __init__(self, path, problem: str):
        self.path = shown_path(path)
        self.problem = without_server_paths(problem)
        self.remedy = remedy(self.path)
        said = "python -m geo build" in self.problem or "restore it" in self.problem
        super().__init__(f"{self.path}: {self.problem}" + ("" if said else f"; {self.remedy}"))


class SourceChanged(GeoError):
    """A build source no longer looks as the build expects (a new version, a renamed field)."""
