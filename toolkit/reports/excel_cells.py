"""Writing a table's cells: the cells :func:`toolkit.reports.safety.put_cell` writes, fast.

A report table has tens of thousands of numbers and words.  ``put_cell`` goes through
openpyxl's general setters (type inference, a style array and a number-format lookup
per cell); :class:`TableCells` sets a number's or a text's cell directly, with each
number format looked up once, and leaves every other value (booleans, blanks, dates...)
to ``put_cell``.  The cells are the same (``tests/test_reports_speed.py`` compares the
saved workbooks).
"""

from __future__ import annotations

import math

from openpyxl.cell.cell import Cell
from openpyxl.styles.numbers import BUILTIN_FORMATS_MAX_SIZE, BUILTIN_FORMATS_REVERSE
from openpyxl.worksheet.worksheet import Worksheet

from toolkit.reports.excel_looks import own_style
from toolkit.reports.excel_print import value_format
from toolkit.reports.safety import cell_value, clean_text, is_formula_like, put_cell

MAX_TEXT = 32767  # Excel's longest cell text (openpyxl truncates to it)


class TableCells:
    """Writes values into the cells of one worksheet as ``put_cell`` would."""

    def __init__(self, ws: Worksheet) -> None:
        self.ws = ws
        self._format_ids: dict[str, int] = {}

    def put(self, row: int, column: int, value: object, rule: str | None) -> None:
        """``put_cell(ws, row, column, value, fmt)`` with ``fmt`` the column's ``rule``
        or, without one, :func:`value_format` of a finite number (as
        :func:`toolkit.reports.excel_tables.write_table` chooses it)."""
        kind = type(value)
        if kind is float:
            if value != value:  # NaN: a blank cell
                put_cell(self.ws, row, column, None)
            else:
                self._number(row, column, value, rule or (
                    value_format(value) if math.isfinite(value) else None))
        elif kind is int:
            self._number(row, column, value, rule or value_format(value))
        elif kind is str:
            self._text(row, column, clean_text(value))
        else:
            number = isinstance(value, int | float) and not isinstance(value, bool) \
                and math.isfinite(value)
            self._any(row, column, cell_value(value),
                      rule or (value_format(value) if number else None))

    def _any(self, row: int, column: int, value: object, number_format: str | None) -> None:
        kind = type(value)
        if kind is float or kind is int:
            self._number(row, column, value, number_format)
        elif kind is str:
            self._text(row, column, value)
        else:
            put_cell(self.ws, row, column, value, number_format)

    def _number(self, row: int, column: int, value: float, number_format: str | None) -> None:
        cell = self._cell(row, column)
        cell._value, cell.data_type = value, "n"
        if number_format:
            own_style(cell).numFmtId = self._format_id(number_format)

    def _text(self, row: int, column: int, value: str) -> None:
        cell = self._cell(row, column)
        # clean_text removed the characters openpyxl refuses; "s" even for "=..."
        cell._value, cell.data_type = value[:MAX_TEXT], "s"
        if is_formula_like(value):
            cell.quotePrefix = True

    def _cell(self, row: int, column: int) -> Cell:
        """The cell at (row, column), created as ``ws.cell`` creates it."""
        cell = self.ws._cells.get((row, column))
        if cell is None:
            if row < 1 or column < 1 or row > 1048576:
                raise ValueError(f"no cell at row {row}, column {column}")
            cell = self.ws._cells[(row, column)] = Cell(self.ws, row=row, column=column)
            if row > self.ws._current_row:  # what ws._add_cell keeps
                self.ws._current_row = row
        return cell

    def _format_id(self, number_format: str) -> int:
        """The style index of a number format (as openpyxl's ``number_format`` setter)."""
        if number_format not in self._format_ids:
            if number_format in BUILTIN_FORMATS_REVERSE:
                index = BUILTIN_FORMATS_REVERSE[number_format]
            else:
                index = self.ws.parent._number_formats.add(number_format) \
                    + BUILTIN_FORMATS_MAX_SIZE
            self._format_ids[number_format] = index
        return self._format_ids[number_format]
