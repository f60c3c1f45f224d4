"""A long table's body held as columns (toolkit.reports.excel_bulk) saves the same bytes
as the same table written cell by cell, and holds no cells until it is saved."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook

from toolkit.reports import excel_bulk
from toolkit.reports.excel_bulk import bodies
from toolkit.reports.excel_print import fit_widths, setup_print, shown, widest_shown
from toolkit.reports.excel_report import workbook_bytes
from toolkit.reports.excel_tables import note, table_sheet

STAMP = dt.datetime(2026, 1, 1, 12, 0, 0)
ROWS = 1500


def _tricky_table(rows: int = ROWS, seed: int = 3) -> pd.DataFrame:
    """Every kind of value the report tables hold, and texts that wrap."""
    rng = np.random.default_rng(seed)
    served = rng.uniform(-50, 5e6, rows)
    served[::97] = np.nan
    served[5] = -0.0
    served[6] = -0.04  # shows as "-0.0"
    loose = rng.lognormal(0, 4, rows) * rng.choice([-1, 1], rows)  # no rule: per value
    loose[::13] = np.round(loose[::13])
    loose[7] = 1e-7
    loose[8] = 3e16
    names = np.array(["top_country_loss:mine", "CHN Ga/Ge export licensing (2023)",
                      "=SUM(A1:A2)", "  spaced  ", "a\x01control", "+44 line",
                      "a very long scenario name that has to wrap across several lines "
                      "of its column because nothing else would make it fit"], dtype=object)
    mixed = [("text" if i % 5 == 0 else float(i) if i % 5 == 1 else None) for i in range(rows)]
    return pd.DataFrame({
        "case": pd.array(["base" if i % 3 else "joint case" for i in range(rows)],
                         dtype="string"),
        "scenario": names[rng.integers(0, len(names), rows)],
        "buyer": pd.array([["GBR", "JPN", None][i % 3] for i in range(rows)],
                          dtype="string"),
        "served_t": served,
        "served_share": rng.uniform(0, 1, rows),
        "probability": rng.uniform(0, 1e-3, rows),
        "count": rng.integers(-5, 10**7, rows),
        "year": rng.integers(2024, 2036, rows),
        "multiplier_x": loose,
        "delta_pp": rng.normal(0, 3, rows),
        "mixed": mixed,
    })


def _workbook(table: pd.DataFrame, bulk_rows: int, monkeypatch) -> tuple[bytes, Workbook]:
    """A workbook of sheets built as the report builds them, with tables of at least
    ``bulk_rows`` rows held as columns."""
    monkeypatch.setattr(excel_bulk, "BULK_ROWS", bulk_rows)
    monkeypatch.setattr("toolkit.reports.excel_tables.BULK_ROWS", bulk_rows)
    wb = Workbook()
    wb.active.title = "Summary"
    wb.active["A1"] = "summary"
    table_sheet(wb, "Plain", table.head(40))
    ws = table_sheet(wb, "Disruptions", table, fit=False)
    note(ws, len(table) + 3, "A note under the table, long enough to be merged across "
         "the table's columns when the sheet is set up for printing.")
    fit_widths(ws)
    table_sheet(wb, "Second", table.iloc[::-1].reset_index(drop=True))
    for sheet in wb.worksheets:
        setup_print(sheet)
    return workbook_bytes(wb, STAMP), wb


def test_a_held_body_saves_the_bytes_of_the_table_written_cell_by_cell(monkeypatch):
    table = _tricky_table()
    by_cells, wb_cells = _workbook(table, 10**9, monkeypatch)
    held, wb_held = _workbook(table, 1000, monkeypatch)
    assert not bodies(wb_cells["Disruptions"])
    assert bodies(wb_held["Disruptions"]) and bodies(wb_held["Second"])
    assert held == by_cells
    # the held body's rows are not cells, but the rows that wrap are
    ws = wb_held["Disruptions"]
    rows = {r for r, _c in ws._cells}
    assert len(ws._cells) < len(wb_cells["Disruptions"]._cells) / 2
    tall = {r for r, d in wb_cells["Disruptions"].row_dimensions.items() if d.height}
    assert tall and tall - {1} <= rows


def test_a_table_the_body_cannot_hold_is_written_cell_by_cell(monkeypatch):
    table = _tricky_table(1200)
    lone = table.copy()
    lone.loc[10, [c for c in lone.columns if c != "case"]] = None  # a row of one value
    infinite = table.assign(served_t=table["served_t"].where(table.index != 4, np.inf))
    for case in (lone, infinite):
        by_cells, _ = _workbook(case, 10**9, monkeypatch)
        held, wb = _workbook(case, 1000, monkeypatch)
        assert not bodies(wb["Disruptions"])
        assert held == by_cells


@pytest.mark.parametrize("fmt", ["#,##0.0", "#,##0", "0.0%", "0", "#,##0.00",
                                 "+0.0;-0.0;0.0", "0.00E+00", "#,##0.0000"])
def test_widest_shown_is_the_longest_text_of_every_number(fmt):
    rng = np.random.default_rng(11)
    for _ in range(30):
        values = (rng.lognormal(0, 6, 40) * rng.choice([-1, 1], 40)).tolist()
        values += [-0.0, 0.0, 9.96, -9.96, 999.95, 0.0005] if rng.random() < 0.5 else []
        values = [v for v in values if rng.random() < 0.7] or [1.0]
        assert widest_shown(values, fmt) == max(len(shown(v, fmt)) for v in values)
    assert widest_shown([0.0, -0.0], "#,##0.0") == len("-0.0")


def test_a_missing_value_of_a_pandas_column_is_a_blank_cell_not_the_text_na():
    from toolkit.reports.safety import esc

    wb = Workbook()
    table = pd.DataFrame({"buyer": pd.array(["GBR", None], dtype="string"),
                          "tonnes": pd.array([1, None], dtype="Int64")})
    ws = table_sheet(wb, "T", table)
    assert [ws.cell(3, c).value for c in (1, 2)] == [None, None]
    assert ws.cell(2, 1).value == "GBR" and ws.cell(2, 2).value == 1
    assert esc(pd.NA) == ""
