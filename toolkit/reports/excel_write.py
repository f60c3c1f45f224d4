"""Serialising a workbook: openpyxl's writer with a faster loop over plain cells.

Without lxml, openpyxl serialises every cell through an ElementTree element (about
10 µs a cell: most of the report's save time).  :class:`ReportWriter` writes the same
XML text for the plain cells the reports hold (numbers, text, booleans, blanks; no
formula, date, rich text, comment or hyperlink) with string formatting, and hands any
other row to openpyxl's own code.  The bytes are the same as openpyxl's
(``tests/test_reports_speed.py`` compares them).
"""

from __future__ import annotations

import math
import zipfile
from xml.etree.ElementTree import _escape_attrib, _escape_cdata

from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.dimensions import SheetDimension
from openpyxl.writer.excel import ExcelWriter

from toolkit.reports.excel_bulk import (
    Body,
    bodies,
    body_columns,
    body_rows,
    extent,
    first_styles,
    promote_all,
)

ZIP_DATE = (1980, 1, 1, 0, 0, 0)
PLAIN_TYPES = {"n": (int, float, type(None)), "s": (str, type(None)), "b": (bool, type(None))}
CELL_TYPE = {"n": "n", "s": "inlineStr", "b": "b"}


def cell_xml(cell, style_ids: dict[tuple, int]) -> str | None:
    """The ``<c>`` element of a plain cell as openpyxl writes it (``""`` for a blank
    cell openpyxl skips); None for any other cell.  ``style_ids`` caches the workbook's
    style index of each style (openpyxl's ``cell.style_id``, the same index)."""
    value, kind, data_type = cell._value, type(cell._value), cell.data_type
    if kind not in PLAIN_TYPES.get(data_type, ()) or cell._comment is not None \
            or cell.hyperlink or kind is float and not math.isfinite(value):
        return None
    style = cell._style
    key = tuple(style) if style is not None and any(style) else None
    if key is not None and key not in style_ids:
        style_ids[key] = cell.style_id
    return plain_xml(cell.coordinate, value, data_type, key and style_ids[key])


def plain_xml(coordinate: str, value, data_type: str, style_id: int | None) -> str:
    """The ``<c>`` element at ``coordinate`` of a number, text, boolean or blank
    ``value`` (``data_type`` ``n``, ``s`` or ``b``) with style index ``style_id``
    (None: unstyled); ``""`` for an unstyled blank (openpyxl skips it)."""
    if value is None and style_id is None:
        return ""
    head = f'<c r="{coordinate}"'
    if style_id is not None:
        head += f' s="{style_id}"'
    head += f' t="{CELL_TYPE[data_type]}"'
    if value is None or value == "":
        return head + " />"
    if data_type == "s":
        stripped = value.strip()
        space = ' xml:space="preserve"' if stripped and value != stripped else ""
        return f"{head}><is><t{space}>{_escape_cdata(value)}</t></is></c>"
    return f"{head}><v>{'%.16g' % value}</v></c>"  # noqa: UP031 (as openpyxl's safe_string)


CHUNK_ROWS = 4096  # held body rows made into XML at a time


def column_xml(letter: str, rows: list[int], values: list, styles: list,
               style_ids: dict[tuple, int]) -> list[str]:
    """The ``<c>`` elements of one column's cells in ``rows`` (as :func:`plain_xml`)."""
    out = []
    for r, value, key in zip(rows, values, styles, strict=True):
        if value.__class__ is float or value.__class__ is int:
            tag = f' s="{style_ids[key]}"' if key is not None else ""
            out.append(f'<c r="{letter}{r}"{tag} t="n"><v>{"%.16g" % value}</v></c>')  # noqa: UP031
        else:
            out.append(plain_xml(f"{letter}{r}", value, "s" if value is not None else "n",
                                 None if key is None else style_ids[key]))
    return out


class SheetWriter(WorksheetWriter):
    """openpyxl's worksheet writer; rows of plain cells are written as text, and so are
    the rows of a body held as columns (:mod:`toolkit.reports.excel_bulk`)."""

    def __init__(self, ws, out=None) -> None:
        super().__init__(ws, out)
        self.style_ids: dict[tuple, int] = {}

    def rows(self):
        """openpyxl's rows of cells, and the held body rows as ``(row, Body)``."""
        held = dict(body_rows(self.ws))
        if not held:
            return super().rows()
        cells = [(r, row) for r, row in super().rows() if row or r not in held]
        return sorted(cells + list(held.items()), key=lambda item: item[0])

    def write_rows(self) -> None:
        """openpyxl's ``write_rows``, with held body rows written as text (or, where the
        XML output is not a plain file, made cells first)."""
        xf = self.xf.send(True)
        write = getattr(xf, "_file", None)
        if write is None:
            promote_all(self.ws)
        rows = self.rows()
        if write is not None and bodies(self.ws):
            self._register_styles(rows)
        with xf.element("sheetData"):
            chunk: dict[int, str] = {}
            for at, (row_idx, row) in enumerate(rows):
                if isinstance(row, Body):
                    if row_idx not in chunk:
                        chunk = self._body_chunk(row, row_idx, rows, at)
                    write(chunk[row_idx])
                else:
                    self.write_row(xf, row, row_idx)
        self.xf.send(None)

    def _register_styles(self, rows: list) -> None:
        """Each style of the sheet added to the workbook's styles in the order the cells
        meet it row by row (a style's index is its place in that order)."""
        first = {id(body): first_styles(body) for body in bodies(self.ws)}
        for row_idx, row in rows:
            if isinstance(row, Body):
                keys = first[id(row)].get(row_idx, ())
                for key in keys:
                    if key not in self.style_ids:
                        self.style_ids[key] = self.ws.parent._cell_styles.add(
                            StyleArray(key))
                continue
            for cell in row:
                style = cell._style
                if style is not None and any(style) and tuple(style) not in self.style_ids:
                    self.style_ids[tuple(style)] = cell.style_id

    def _body_chunk(self, body: Body, row_idx: int, rows: list, at: int) -> dict[int, str]:
        """The XML of the run of held rows of ``body`` from ``row_idx`` on (at most
        :data:`CHUNK_ROWS`), by row."""
        run = [row_idx]
        while len(run) < CHUNK_ROWS and at + len(run) < len(rows) \
                and rows[at + len(run)][1] is body:
            run.append(rows[at + len(run)][0])
        columns = [column_xml(letter, run, values, styles, self.style_ids)
                   for letter, values, styles in body_columns(body, run)]
        return {r: f'<row r="{r}">' + "".join(parts) + "</row>"
                for r, parts in zip(run, zip(*columns, strict=True), strict=True)}

    def write_dimensions(self) -> None:
        """The sheet's used range, held bodies included."""
        held = extent(self.ws)
        if held is None:
            super().write_dimensions()
            return
        keys = list(self.ws._cells)
        rows = [r for r, _c in keys] + [held[0], held[2]]
        cols = [c for _r, c in keys] + [held[1], held[3]]
        ref = f"{get_column_letter(min(cols))}{min(rows)}:" \
              f"{get_column_letter(max(cols))}{max(rows)}"
        self.xf.send(SheetDimension(ref).to_tree())

    def write_row(self, xf, row, row_idx) -> None:
        write = getattr(xf, "_file", None)  # et_xmlfile's output (absent under lxml)
        parts = [] if write is not None else None
        for cell in row if parts is not None else ():
            text = cell_xml(cell, self.style_ids)
            if text is None:  # openpyxl writes the row (styles already met keep their index)
                parts = None
                break
            parts.append(text)
        if parts is None:
            super().write_row(xf, row, row_idx)
            return
        attrs = {"r": f"{row_idx}"}
        attrs.update(self.ws.row_dimensions.get(row_idx, {}))
        head = "".join(f' {k}="{_escape_attrib(v)}"' for k, v in attrs.items())
        write(f"<row{head}>" + "".join(parts) + "</row>")


class ReportWriter(ExcelWriter):
    """openpyxl's ``ExcelWriter`` writing worksheets with :class:`SheetWriter`."""

    def write_worksheet(self, ws) -> None:
        if self.workbook.write_only:
            super().write_worksheet(ws)
            return
        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        writer = SheetWriter(ws)
        writer.write()
        ws._rels = writer._rels
        self._archive.write(writer.out, ws.path[1:])
        self.manifest.append(ws)
        writer.cleanup()


class FixedDateZip(zipfile.ZipFile):
    """A zip archive (for writing) whose entries all have one fixed date, deflate
    compression and owner read/write permissions: the same inputs, the same bytes."""

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None) -> None:
        name = zinfo_or_arcname.filename if isinstance(zinfo_or_arcname, zipfile.ZipInfo) \
            else zinfo_or_arcname
        info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
        info.compress_type, info.external_attr = zipfile.ZIP_DEFLATED, 0o600 << 16
        super().writestr(info, data)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None) -> None:
        with open(filename, "rb") as file:
            self.writestr(arcname or str(filename), file.read())
