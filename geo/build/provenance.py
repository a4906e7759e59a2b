"""Provenance next to the data: data/provenance.json (machine-readable) and data/SOURCES.md (for people)."""
from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from geo.build import sources
from geo.catalog import LAYERS, PRECISION
from geo.paths import DATA

METHODS = {
    "base/countries.geojson": (["natural_earth_admin0", "geonames_cities500"],
        "Full-resolution admin-0 polygons clipped to the region. Where a GeoNames village of Armenia lies inside "
        "the 1:10m Azerbaijan polygon (Kornidzor, Khnatsakh), a disc reaching 300 m past the border moves it to Armenia."),
    "base/districts.geojson": (["natural_earth_qgis", "natural_earth_admin0"],
        "Rayons matched on gn_name (the name field is wrong for Laçın, and gn_name is swapped between Xocalı and the "
        "Stepanakert city polygon), cut at the NKAO boundary; spill across it goes to the neighbour sharing the longest "
        "edge; clipped to the full-resolution border and widened to it. The NKAO's Martakert district is rebuilt "
        "from the parts of Tartar and Kalbajar inside the NKAO. Areas in EPSG:6933 with the deviation from the "
        "official figure."),
    "base/labels.geojson": (["geonames_cities500"], "Towns of 15,000 people or more in the region, for map labels."),
    "layers/nkao_1991.geojson": (["natural_earth_qgis"],
        "The 'Former USSR oblast in 1991' lines, endpoints within 500 m snapped together, then polygonized."),
    "layers/contact_line_1994.geojson": (["natural_earth_qgis"], "The 'Ceasefire Line 1994' parts merged into one line."),
    "layers/armenian_held_1994.geojson": (["natural_earth_qgis", "natural_earth_admin0"],
        "The NKAO plus the seven districts, split along the 1994 line prolonged 5 km at each end; the western side, "
        "cut per district."),
    "base/cells.geojson": (["natural_earth_qgis", "curated/settlements.csv"],
        "Voronoi cells of the located settlements, per district, clipped to the district's part west of the 1994 "
        "line: they partition the area held on 26 Sep in the four southern districts and the former oblast."),
    "layers/settlements.geojson": (["curated/settlements.csv", "curated/events.csv", "curated/sources.csv"],
        "The gazetteer's located settlements, each with its dated statuses derived from the event log "
        "(rules in geo/settlements.py) and every event with its sources."),
    "layers/captured.geojson": (["base/cells.geojson", "curated/events.csv"],
        "The cells whose settlement's capture was announced, admitted or is undated, with the statuses from the "
        "first change on (approximate)."),
    "layers/ceded.geojson": (["natural_earth_qgis"],
        "Armenian-held parts of Agdam, Kalbajar (Soviet-era, outside the NKAO) and Lachin (less the corridor)."),
    "layers/peacekeeping_zone.geojson": (["natural_earth_qgis"],
        "The cells of the former oblast whose settlement was still Armenian-held (or split) on 10 Nov, and the "
        "corridor (approximate)."),
    "layers/lachin_corridor.geojson": (["natural_earth_admin0"],
        "A hand-drawn Stepanakert - Lachin - Kornidzor road buffered 2.5 km each side in a local LAEA projection, "
        "clipped to Azerbaijan."),
    "layers/transport_links.geojson": ([], "Schematic lines for the links of statement points 6 and 9."),
    "layers/places.geojson": (["geonames_cities500"],
        "Key towns from GeoNames with curated names in four languages (each checked against GeoNames' alternate "
        "names unless marked unverified); Hadrut and Martakert from Wikipedia coordinates; Stepanakert's population "
        "corrected (GeoNames: 2,100)."),
    "claims.json": (["curated/sources.csv"], "Hand-curated from the article; each verdict cites public sources."),
}


def _source_record(source: sources.Source) -> dict:
    return {**asdict(source)}


def write(report: dict, data_dir: Path = DATA) -> None:
    files = {}
    for name, (keys, method) in METHODS.items():
        path = data_dir / name
        files[name] = {"sources": keys, "method": method, "sha256": sources.sha256_of(path) if path.exists() else None}
    document = {
        "sources": {s.key: _source_record(s) for s in sources.ALL_SOURCES},
        "curated_evidence": "data/curated/events.csv (one row per event, with source ids) and "
                            "data/curated/sources.csv (outlet, date, title and address of every source)",
        "settlements": report.get("settlements", {}),
        "precision_classes": PRECISION,
        "files": files,
        "build": {"nkao_km2": report["nkao_km2"], "border_corrected_at": report["corrected_villages"]},
    }
    (data_dir / "provenance.json").write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", "utf-8")
    (data_dir / "SOURCES.md").write_text(_markdown(document), "utf-8")


def _settlement_summary(figures: dict) -> str:
    if not figures:
        return ""
    return (f"{figures['settlements']} settlements, {figures['located']} of them located; "
            f"{figures['events']} events citing {figures['sources']} sources; {figures['cells']} cells.")


def _markdown(document: dict) -> str:
    lines = ["# Sources and method", "",
             "Generated by `python -m geo build` from the registry packages below; do not edit by hand.", "",
             "## Sources", "", "| key | producer | package (registry, version) | licence | data file sha256 |",
             "|---|---|---|---|---|"]
    for key, s in document["sources"].items():
        lines.append(f"| {key} | {s['producer']} | {s['package']} ({s['registry']}, {s['version']}) | "
                     f"[{s['licence']}]({s['licence_url']}) | `{s['sha256'][:16]}…` |")
    lines += ["", "GeoNames data: " + sources.GEONAMES.citation, "",
              "The article (data/article/) is © Sputnik, kept verbatim and quoted for fact-checking; "
              "see its .meta.json.", "", "## Precision classes", ""]
    lines += [f"- `{k}`: {v}" for k, v in document["precision_classes"].items()]
    lines += ["", "## Files", "", "| file | sources | method |", "|---|---|---|"]
    for name, f in document["files"].items():
        lines.append(f"| `{name}` | {', '.join(f['sources']) or 'curated'} | {f['method']} |")
    lines += ["", "## Layers", ""]
    lines += [f"- `{layer.id}`: {layer.title}. {layer.description}." for layer in LAYERS]
    lines += ["", "## Settlements and events", "",
              "The gazetteer (`curated/settlements.csv`), the event log (`curated/events.csv`) and the sources "
              "(`curated/sources.csv`, each with its address) are hand-curated and checked by the build against "
              "their schemas (`*.schema.json`). " + _settlement_summary(document["settlements"]), ""]
    lines += ["", "## Known limitations", "",
              "- Natural Earth 1:10m is generalized: district edges are 1-9 km between vertices, so district areas "
              "deviate from official figures (see `area_deviation_pct` in base/districts.geojson).",
              "- Captures are dated settlement by settlement, by the day Azerbaijan announced them; that is one side's "
              "word, and the map says where the other side denied or admitted it. Land is given to the nearest "
              "located settlement: where few settlements are located, cells are large and their dates coarse.",
              "- The peacekeeping zone, the corridor road and the transport links are approximations "
              "(precision `approximate`).",
              "- Positions changed after 10 Nov (e.g. Khtsaberd and Hin Tagher on 12 Dec) are outside the timeline.",
              f"- The NKAO polygon is {document['build']['nkao_km2']} km2 against 4,388 km2 official.", ""]
    return "\n".join(lines)
