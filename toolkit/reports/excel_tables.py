"""The workbook's building blocks: styled tables, notes, titles, one-table sheets and
the Charts sheet, shared by every sheet writer (:mod:`toolkit.reports.excel_report` and
the ``excel_*`` sheet modules)."""

from __future__ import annotations

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from toolkit.reports import palette, words
from toolkit.reports.excel_bulk import BULK_ROWS, hold_body
from toolkit.reports.excel_cells import TableCells
from toolkit.reports.excel_print import fit_widths, number_format
from toolkit.reports.findings import (
    JOINT_SPLIT_NOTE,
    Tables,
    is_joint,
)
from toolkit.reports.safety import put_cell

NAVY = palette.excel(palette.NAVY)
HEADER_FILL = PatternFill("solid", fgColor=NAVY)
HEADER_FONT = Font(bold=True, color="FFFFFF")
TITLE_FONT = Font(bold=True, size=14, color=NAVY)
SECTION_FONT = Font(bold=True, size=12, color=NAVY)
NOTE_FONT = Font(italic=True)
CARE_FONT = Font(bold=True, color=palette.excel(palette.RED))
BAND_FILLS = (("high", "F4CCCC"), ("moder", "FCE5CD"), ("low", "D9EAD3"))


# columns holding a scenario name: generated ones (``top_country_loss:mine``) are written
# in words ("loss of the largest mining country"), as in the brief
SCENARIO_COLUMNS = frozenset({"scenario", "worst_scenario"})


def write_table(ws: Worksheet, table: pd.DataFrame, row: int = 1, col: int = 1,
                bulk: bool = False) -> int:
    """Write ``table`` with a styled header at (row, col); return its last row.

    An empty table gets one ``none`` line under its header.  ``bulk``: a table of at
    least :data:`~toolkit.reports.excel_bulk.BULK_ROWS` rows keeps its body as columns
    until the workbook is saved (:mod:`toolkit.reports.excel_bulk`; the same workbook).
    """
    for j, name in enumerate(table.columns):
        cell = put_cell(ws, row, col + j, header_label(name))
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
    formats = [number_format(str(c)) for c in table.columns]
    named = [str(c) in SCENARIO_COLUMNS for c in table.columns]
    if bulk and len(table) >= BULK_ROWS and hold_body(ws, _columns(table, named), formats,
                                                      row + 1, col):
        return row + len(table)
    cells = TableCells(ws)
    for i, values in enumerate(table.itertuples(index=False), start=row + 1):
        for j, value in enumerate(values):
            if named[j] and isinstance(value, str):
                value = words.scenario(value)  # a generated scenario's id in words
            cells.put(i, col + j, value, formats[j])  # a number without a rule: value_format
    if table.empty:
        put_cell(ws, row + 1, col, "none").font = NOTE_FONT
        return row + 1
    return row + len(table)


def _columns(table: pd.DataFrame, named: list[bool]) -> list[list]:
    """Each column's values as the cells get them (a scenario's id in words)."""
    out = []
    for j in range(table.shape[1]):
        values = table.iloc[:, j].tolist()
        if named[j]:
            values = [words.scenario(v) if isinstance(v, str) else v for v in values]
        out.append(values)
    return out


def header_label(column: object) -> str:
    """A column name as its printed header: ``cost_usd`` → ``cost usd`` (wraps at spaces)."""
    return str(column).replace("_", " ")


def note(ws: Worksheet, row: int, text: str) -> None:
    """An italic note line in column A (wrapped across the table when printed)."""
    put_cell(ws, row, 1, text).font = NOTE_FONT


def title(ws: Worksheet, text: str, row: int = 1, font: Font = SECTION_FONT) -> None:
    """A bold title cell."""
    put_cell(ws, row, 1, text).font = font


# ----------------------------------------------------------------------------- sheets

CHART_ROWS = 40  # rows between the charts of sheet Charts (each starts a page)


def chart_page(wb: Workbook, chart, caption: str) -> None:
    """Put ``chart`` on sheet Charts (after Summary), under a caption line naming its
    data; :func:`toolkit.reports.excel_print.keep_charts_whole` starts a page there."""
    ws = wb["Charts"] if "Charts" in wb.sheetnames else wb.create_sheet("Charts", 1)
    row = 1 + CHART_ROWS * len(ws._charts)
    put_cell(ws, row, 1, f"Chart {len(ws._charts) + 1} — {caption}").font = NOTE_FONT
    ws.add_chart(chart, f"A{row + 1}")
    ws.column_dimensions["A"].width = 40

def table_sheet(wb: Workbook, name: str, table: pd.DataFrame, freeze: str = "A2",
                fit: bool = True) -> Worksheet:
    """A sheet holding one table, header frozen, widths fitted (unless not ``fit``: the
    caller adds lines under the table first, then calls :func:`fit_widths`)."""
    ws = wb.create_sheet(name)
    write_table(ws, table, bulk=True)
    ws.freeze_panes = freeze
    if fit:
        fit_widths(ws)
    return ws


def joint_note(ws: Worksheet, t: Tables, table: pd.DataFrame, row: int) -> int:
    """If ``table`` has rows of a joint case, the buyer-split note in column A at ``row``
    (under the table). Returns the next free row (``row`` when no note is written)."""
    joint = {c.name for c in t.cases if is_joint(c)}
    if table.empty or not table["case"].isin(joint).any():
        return row
    note(ws, row, "Joint cases (" + ", ".join(sorted(joint)) + "): " + JOINT_SPLIT_NOTE)
    return row + 2

def noted_sheet(wb: Workbook, name: str, table: pd.DataFrame, t: Tables,
                freeze: str = "A2") -> None:
    """A one-table sheet with the joint buyer-split note under it when it applies."""
    ws = table_sheet(wb, name, table, freeze, fit=False)
    joint_note(ws, t, table, max(len(table), 1) + 3)
    fit_widths(ws)  # the note is a lone line: it takes no part in the widths
