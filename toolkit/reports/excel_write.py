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
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.writer.excel import ExcelWriter

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
    styled = style is not None and any(style)
    if value is None and not styled:
        return ""
    head = f'<c r="{cell.coordinate}"'
    if styled:
        key = tuple(style)
        if key not in style_ids:
            style_ids[key] = cell.style_id
        head += f' s="{style_ids[key]}"'
    head += f' t="{CELL_TYPE[data_type]}"'
    if value is None or value == "":
        return head + " />"
    if data_type == "s":
        stripped = value.strip()
        space = ' xml:space="preserve"' if stripped and value != stripped else ""
        return f"{head}><is><t{space}>{_escape_cdata(value)}</t></is></c>"
    return f"{head}><v>{'%.16g' % value}</v></c>"  # noqa: UP031 (as openpyxl's safe_string)


class SheetWriter(WorksheetWriter):
    """openpyxl's worksheet writer; rows of plain cells are written as text."""

    def __init__(self, ws, out=None) -> None:
        super().__init__(ws, out)
        self.style_ids: dict[tuple, int] = {}

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
