"""The command line: thin commands over the same functions the dashboard calls.

Domain errors become one-line messages: bad input exits with status 2, a broken data file with status 1.
"""
from __future__ import annotations

import json
import os
import sys

import click

from geo import claims as claims_mod
from geo import paths, settlements, state
from geo.catalog import TIMELINE_END, TIMELINE_START
from geo.errors import DataFileError, GeoError, InvalidInput


def _print_json(value) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=None))


class _GeoGroup(click.Group):
    """Turns every expected failure into one line on stderr, never a traceback."""

    def main(self, *args, **kwargs):
        try:
            super().main(*args, standalone_mode=False, **kwargs)
        except (InvalidInput, click.UsageError) as exc:
            message = exc.format_message() if isinstance(exc, click.UsageError) else str(exc)
            click.echo(f"error: {message}", err=True)
            sys.exit(2)
        except DataFileError as exc:
            click.echo(f"error: data file {exc}", err=True)
            sys.exit(1)
        except GeoError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)
        except click.exceptions.Abort:
            sys.exit(1)
        except Exception as exc:  # noqa: BLE001 - a failure no check foresaw is still one line, not a traceback
            if os.environ.get("KCM_DEBUG"):
                raise
            click.echo(f"error: unexpected failure ({type(exc).__name__}); set KCM_DEBUG=1 to see where", err=True)
            sys.exit(1)
        sys.exit(0)


class _DateType(click.ParamType):
    name = "YYYY-MM-DD"

    def convert(self, value, param, ctx):
        return state.parse_date(value)  # InvalidInput says what is accepted


class _LayersType(click.ParamType):
    name = "LAYER[,LAYER...]"

    def convert(self, value, param, ctx):
        return state.parse_layers(value)


def _data(*parts: str):
    """The data under geo.paths.DATA (read when a command runs), or the one-line error of the first file that
    one of `parts` rests on (geo.dataset.PARTS): a command reads what it needs, and fails on nothing else."""
    from geo import dataset

    return dataset.load_cached(paths.DATA).require(*parts)


@click.group(cls=_GeoGroup)
def main():
    """The 2020 Nagorno-Karabakh ceasefire: layers, claims and the state of the map on a date."""


@main.command()
def build():
    """Regenerate the layers under data/ from Natural Earth and GeoNames (registry packages)."""
    from geo.build import pipeline, provenance

    report = pipeline.run()
    provenance.write(report)
    click.echo(f"built {sum(report['layers'].values())} features in {len(report['layers'])} layers; "
               f"NKAO {report['nkao_km2']} km2; border corrected at {', '.join(report['corrected_villages'])}")


@main.command()
@click.argument("lat", type=float)
@click.argument("lon", type=float)
@click.option("--date", "day", type=_DateType(), required=True, help=f"A day from {TIMELINE_START} to {TIMELINE_END}.")
def where(lat, lon, day):
    """Who held the point LAT LON (decimal degrees) on a date, and which layers contain it."""
    loaded = _data("layers", "base")
    _print_json(state.where(loaded.layers, state.conflict_zone(loaded.base), lat, lon, day, cells=loaded.base["cells"]))


@main.command()
@click.argument("name")
def place(name):
    """One place by any of its names (Khankendi, Stepanakert, Ստեփանակերտ) or its id: names, coordinates,
    district and its dated events with their sources, as one JSON object."""
    records = _data("records").records
    found = settlements.find(name, records)
    if not found:
        close = settlements.search(name, records, limit=5)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise InvalidInput(f"no place is called {name!r}{hint}")
    if len(found) > 1:
        raise InvalidInput(f"{len(found)} places are called {name!r}: give one of the ids {', '.join(found)}")
    _print_json(settlements.describe(found[0], records))


@main.command()
@click.option("--date", "day", type=_DateType(), required=True, help=f"A day from {TIMELINE_START} to {TIMELINE_END}.")
def areas(day):
    """The km² held that day by each side (and contested or of unknown date), and each as a share of the area
    held by Armenian forces on 26 Sep 2020."""
    from geo import areas as areas_mod

    loaded = _data("layers", "base")
    _print_json(areas_mod.areas_on(areas_mod.pieces(loaded.layers, loaded.base["cells"]), day))


@main.command()
def claims():
    """The article's claims as a JSON list, with the features their places fall in."""
    loaded = _data("layers", "claims")
    table = loaded.claims
    joins = claims_mod.place_joins(table, loaded.layers)
    records = claims_mod.to_records(table)
    for record in records:
        found = joins[joins.claim == record["id"]]
        record["place_features"] = sorted(set(found.feature))  # found by geometry: must agree with `features`
    _print_json(records)


@main.command()
@click.option("--date", "day", type=_DateType(), required=True, help=f"A day from {TIMELINE_START} to {TIMELINE_END}.")
@click.option("--layers", "layer_ids", type=_LayersType(), default=None, help="Comma-separated layer ids (default: all).")
@click.option("--html", "as_html", is_flag=True,
              help="Write the map as one standalone HTML file instead of GeoJSON: the file the dashboard's "
                   "download gives for the same view (default centre and zoom), which works offline.")
@click.option("--out", "out", type=click.Path(dir_okay=False, allow_dash=True), default=None,
              help="With --html: the file to write, or - for standard output (default: karabakh-DATE.html in "
                   "the current folder).")
def export(day, layer_ids, as_html, out):
    """That day's features as a GeoJSON FeatureCollection on standard output, with the date, the data's
    licences and attribution, and per feature its sources and the article's claims about it.

    With --html, the map of that day as one standalone HTML file (time bar, layer toggles, legend, the
    article's claims about the day, attribution and licences); the path written is printed."""
    from geo import exports

    if out is not None and not as_html:
        raise click.UsageError("--out goes with --html (the GeoJSON goes to standard output)")
    if as_html:
        from geo.catalog import LAYER_IDS
        from geo.view import DEFAULT

        shown = LAYER_IDS if layer_ids is None else tuple(i for i in LAYER_IDS if i in layer_ids)  # the page's order
        page = exports.standalone_for_view(DEFAULT.replace(date=day, layers=shown),
                                           _data("layers", "base", "claims", "records", "provenance"))
        if out == "-":
            click.echo(page, nl=False)
            return
        target = out or exports.html_file_name(day)
        try:
            with open(target, "w", encoding="utf-8", newline="") as f:
                f.write(page)
        except OSError as exc:
            raise InvalidInput(f"cannot write {target}: {exc.strerror or exc}") from None
        click.echo(target)
        return
    loaded = _data("layers", "claims", "records", "provenance")
    _print_json(exports.view_geojson(loaded.layers, day, layer_ids, loaded.claims, loaded.records.sources,
                                     licences=exports.licences_from(loaded.provenance)))


@main.command()
@click.option("--date", "day", required=True, help=f"A day from {TIMELINE_START} to {TIMELINE_END}.")
def statement(day):
    """The ceasefire statement's nine points with their status that day (in force, done, done late, violated
    and per whom, broken, ended early, pending, moot), the changes that led to it and their sources, as JSON."""
    from geo import statement as statement_mod

    ledger = _data("ledger").ledger
    _print_json(statement_mod.ledger_on(ledger, statement_mod.parse_day(day, ledger)))


if __name__ == "__main__":
    main()
