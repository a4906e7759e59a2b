"""A data folder for a test: the committed files, some of them replaced, that geo.paths is pointed at."""
from __future__ import annotations

from pathlib import Path

from geo import paths

DATA = paths.DATA


def data_copy(folder: Path, replaced: dict[str, bytes | None]) -> Path:
    """`folder` laid out like data/: a link to each committed file, except those in `replaced` (path relative
    to data/ -> the bytes to write, or None for a file that is gone)."""
    for path in DATA.rglob("*"):
        if path.is_file():
            relative = path.relative_to(DATA).as_posix()
            target = folder / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            if relative not in replaced:
                target.symlink_to(path)
    for relative, content in replaced.items():
        if content is not None:
            (folder / relative).parent.mkdir(parents=True, exist_ok=True)
            (folder / relative).write_bytes(content)
    return folder


def point_paths_at(monkeypatch, folder: Path) -> None:
    """geo.paths as if KCM_DATA_DIR named `folder`: what the dashboard's loaders and the commands read when
    they run (geo.dataset, app_pages.common.load)."""
    monkeypatch.setattr(paths, "DATA", folder)
    for name in ("LAYERS_DIR", "BASE_DIR", "ARTICLE_DIR", "CLAIMS", "CURATED", "CATALOG", "SETTLEMENTS", "EVENTS",
                 "SOURCES", "STATEMENT", "HAND_DRAWN", "PROVENANCE", "SOURCES_MD"):
        monkeypatch.setattr(paths, name, folder / getattr(paths, name).relative_to(DATA))
