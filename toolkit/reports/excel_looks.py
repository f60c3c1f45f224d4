"""Reading and setting the look of worksheet cells by their style indices.

openpyxl keeps a cell's style as indices into the workbook's style lists
(``cell._style``, a :class:`StyleArray`); ``cell.fill`` or ``cell.alignment`` builds a
proxy object at each read and hashes the style at each write.  The report's width,
height and wrapping rules (:mod:`toolkit.reports.excel_print`) read a few looks of
every cell: :class:`Looks` reads each index once.
"""

from __future__ import annotations

from openpyxl.styles import Alignment
from openpyxl.styles.cell_style import StyleArray
from openpyxl.worksheet.worksheet import Worksheet

from toolkit.reports import palette

HEADER_COLOUR = palette.excel(palette.NAVY)
NO_STYLE = StyleArray()  # a cell never styled has no style array (all indices 0)


def is_header(cell) -> bool:
    """True for a table header cell (the navy fill of :func:`write_table`)."""
    return cell.fill is not None and str(cell.fill.fgColor.rgb)[-6:] == HEADER_COLOUR


def written(ws: Worksheet) -> list:
    """The cells created on ``ws``, row by row, left to right.

    Unlike ``ws.iter_rows()`` (and ``ws[row]``, ``ws.max_column``), this neither visits
    nor creates the blank cells of the used rectangle: one pass over the cells written.
    """
    return [cell for _key, cell in sorted(ws._cells.items())]


class Looks:
    """A cell's header fill, number format and wrapping, each looked up once per style
    index; an alignment set by its index."""

    def __init__(self, ws: Worksheet) -> None:
        self.wb = ws.parent
        self._header: dict[int, bool] = {}
        self._format: dict[int, str] = {}
        self._wraps: dict[int, bool] = {}
        self._ids: dict[int, int] = {}
        self._top: dict[int, int] = {}

    def header(self, cell) -> bool:
        """:func:`is_header` of ``cell``."""
        key = (cell._style or NO_STYLE).fillId
        if key not in self._header:
            self._header[key] = is_header(cell)
        return self._header[key]

    def number_format(self, cell) -> str:
        """``cell.number_format``."""
        key = (cell._style or NO_STYLE).numFmtId
        if key not in self._format:
            self._format[key] = cell.number_format
        return self._format[key]

    def wraps(self, cell) -> bool:
        """True when ``cell``'s alignment wraps text."""
        key = (cell._style or NO_STYLE).alignmentId
        if key not in self._wraps:
            self._wraps[key] = bool(cell.alignment and cell.alignment.wrap_text)
        return self._wraps[key]

    def align(self, cell, alignment: Alignment) -> None:
        """``cell.alignment = alignment`` (one of the module's shared alignments)."""
        key = id(alignment)
        if key not in self._ids:
            self._ids[key] = self.wb._alignments.add(alignment)
        own_style(cell).alignmentId = self._ids[key]

    def align_top(self, cell) -> None:
        """``cell`` aligned at the top, keeping its wrapping."""
        key = (cell._style or NO_STYLE).alignmentId
        if key not in self._top:
            self._top[key] = self.wb._alignments.add(
                Alignment(wrap_text=cell.alignment.wrap_text, vertical="top"))
        own_style(cell).alignmentId = self._top[key]


def own_style(cell) -> StyleArray:
    """The style indices of ``cell``, created as openpyxl does when it has none."""
    if not cell._style:
        cell._style = StyleArray()
    return cell._style
