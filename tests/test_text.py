"""Tables' cells made inert in a spreadsheet (app_pages/text.py): what Streamlit's CSV download would carry."""
import csv
import io

import pandas as pd
import pytest

from app_pages.text import cell_inert, cells_inert

FORMULAS = ["=1+1", "+1", "-1+2", "@SUM(A1:A2)", "\t=1", "\r=1", "\n=1", "  =HYPERLINK(\"http://x\")", "＝1+1"]
TEXTS = ["Stepanakert / Khankendi", "Ağdam", "1 Dec 2020", "e-mail", "a=b", "", "Lachin – Goris road"]


@pytest.mark.parametrize("text", FORMULAS)
def test_a_cell_that_would_start_a_formula_gets_an_apostrophe(text):
    assert cell_inert(text) == "'" + text


@pytest.mark.parametrize("value", [*TEXTS, -5, 3.5, None, pd.Timestamp("2020-11-10")])
def test_anything_else_is_left_as_it_is(value):
    assert cell_inert(value) is value


def test_a_tables_text_columns_are_inert_and_the_table_itself_untouched():
    table = pd.DataFrame({"name": ["=cmd|' /C calc'!A0", "Shusha / Shushi"], "km2": [-1.5, 2.0],
                          "since": pd.to_datetime(["2020-11-08", "2020-11-10"])})
    before = table.copy()
    inert = cells_inert(table)
    pd.testing.assert_frame_equal(table, before)  # never mutated
    assert list(inert.name) == ["'=cmd|' /C calc'!A0", "Shusha / Shushi"]
    pd.testing.assert_series_equal(inert.km2, table.km2)
    pd.testing.assert_series_equal(inert.since, table.since)
    # Written as CSV and read back as a spreadsheet reads the first character of a cell: text, not a formula.
    rows = list(csv.reader(io.StringIO(inert.to_csv(index=False))))[1:]
    assert all(not row[0].startswith(("=", "+", "-", "@")) for row in rows)


def test_rows_as_dicts_are_made_inert_too():
    rows = [{"File": "layers/x.geojson", "Method": "@import"}, {"File": "-", "Method": "curated"}]
    assert cells_inert(rows) == [{"File": "layers/x.geojson", "Method": "'@import"},
                                 {"File": "'-", "Method": "curated"}]
    assert rows[0]["Method"] == "@import"
