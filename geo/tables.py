"""Hand-curated tables (CSV) read against the schema that sits next to them (`<name>.schema.json`).

A schema lists the columns in order with their type (string, number, date), whether a value is required,
whether it must be unique, and an enum, a pattern or a range. A file that breaks it raises DataFileError
naming the file, the row and the column, so a hand edit that goes wrong says where.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import re
from pathlib import Path

import pandas as pd

from geo.errors import DataFileError


def schema_path(path: Path) -> Path:
    return Path(path).with_suffix(".schema.json")


def read_json_object(path: Path) -> dict:
    """A data file holding one JSON object; DataFileError (missing, not JSON, not an object) otherwise."""
    path = Path(path)
    if not path.is_file():
        raise DataFileError(path, "file is missing")
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DataFileError(path, f"not valid JSON ({exc})") from None
    if not isinstance(document, dict):
        raise DataFileError(path, f"must hold a JSON object, not a {type(document).__name__}")
    return document


def load_schema(path: Path) -> dict:
    schema_file = schema_path(path)
    try:
        schema = json.loads(schema_file.read_text(encoding="utf-8"))
        fields = schema["fields"]
        if not all(isinstance(f, dict) and "name" in f for f in fields):
            raise ValueError("every field needs a name")
    except FileNotFoundError:
        raise DataFileError(schema_file, "schema file is missing; restore it from the repository") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise DataFileError(schema_file, f"not a valid table schema ({exc})") from None
    return schema


def _check(value: str, field: dict):
    """The value converted to the field's type; raises ValueError saying what is wrong."""
    if value == "":
        if field.get("required"):
            raise ValueError("a value is required")
        return None
    kind = field.get("type", "string")
    if kind == "number":
        number = float(value)
        if not math.isfinite(number):
            raise ValueError(f"{value!r} is not a finite number")
        if "minimum" in field and number < field["minimum"] or "maximum" in field and number > field["maximum"]:
            raise ValueError(f"{number} is outside {field.get('minimum')} to {field.get('maximum')}")
        return number
    if kind == "date":
        day = dt.date.fromisoformat(value)
        low, high = field.get("minimum"), field.get("maximum")
        if low and day < dt.date.fromisoformat(low) or high and day > dt.date.fromisoformat(high):
            raise ValueError(f"{day} is outside {low} to {high}")
        return value
    if "enum" in field and value not in field["enum"]:
        raise ValueError(f"{value!r} is not one of {', '.join(field['enum'])}")
    if "pattern" in field and not re.fullmatch(field["pattern"], value):
        raise ValueError(f"{value!r} does not match {field['pattern']}")
    return value


def read_table(path: Path) -> pd.DataFrame:
    """The rows of a curated CSV file, checked against its schema; numbers as floats, blanks as None."""
    path = Path(path)
    schema = load_schema(path)
    fields = schema["fields"]
    names = [f["name"] for f in fields]
    try:
        text = path.read_text(encoding="utf-8")
        # strict: a quoted cell still open at the end of the file is an error, not a cell that runs to the end.
        reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
        header = reader.fieldnames or []
        rows = list(reader)
    except FileNotFoundError:
        raise DataFileError(path, "file is missing; restore it from the repository") from None
    except (UnicodeDecodeError, csv.Error) as exc:
        raise DataFileError(path, f"not a readable UTF-8 CSV file ({exc})") from None
    # Every line of a curated table ends with a newline, the last one too: a file that stops mid-line was cut
    # short, and its last rows would be lost without a word.
    if text and not text.endswith("\n"):
        raise DataFileError(path, "stops in the middle of a line: the file looks cut short")
    if header != names:
        raise DataFileError(path, f"columns {header} differ from the schema's {names}")
    out = []
    for number, row in enumerate(rows, start=2):  # line 1 is the header
        if None in row or any(v is None for v in row.values()):
            raise DataFileError(path, f"line {number} has {len(row)} cells, the header {len(names)}")
        record = {}
        for field in fields:
            try:
                record[field["name"]] = _check(row[field["name"]].strip(), field)
            except ValueError as exc:
                raise DataFileError(path, f"line {number}, column {field['name']}: {exc}") from None
        out.append(record)
    frame = pd.DataFrame(out, columns=names).astype(object)
    frame = frame.where(frame.notna(), None)
    for field in fields:
        if field.get("unique"):
            repeated = frame[field["name"]][frame[field["name"]].duplicated()].tolist()
            if repeated:
                raise DataFileError(path, f"column {field['name']} repeats {sorted(set(repeated))[:5]}")
    return frame
