"""`python -m geo build` is deterministic: rebuilding from the pinned sources gives the committed bytes."""
import filecmp

from geo.build import pipeline
from geo.paths import DATA


def test_rebuild_gives_the_committed_files(tmp_path):
    pipeline.run(tmp_path)
    built = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*.geojson"))
    assert len(built) == 16
    for relative in built:
        assert filecmp.cmp(tmp_path / relative, DATA / relative, shallow=False), relative
