"""How every workbook sheet looks on screen and on paper: number formats, column widths,
wrapped notes and page setup.

A sheet of the report (or of a report added later) gets all of it from two calls:
:func:`fit_widths` once its cells are written, and :func:`setup_print` (called for every
sheet by :func:`toolkit.reports.excel_report.build_workbook`).  The page setup is A4,
fitted to the page width (landscape when the sheet is wider than a portrait page), the
table's header row repeated on every page, each chart moved onto a page of its own, and
long one-cell lines (findings, notes) wrapped across the table's width.

Widths are in Excel's character units (the width of one ``0`` in the default font).
"""

from __future__ import annotations

import math
import re
from collections import Counter

import numpy as np
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from toolkit.reports.excel_looks import Looks, written

DEFAULT_WIDTH = 8.43  # Excel's default column width
MAX_WIDTH = 40  # a text column wider than this wraps
MIN_WIDTH = 6
MIN_TEXT = 14  # text columns are not narrowed below this
TARGET_CHARS = 170  # fit_widths narrows text columns to bring a sheet to this width
PORTRAIT_CHARS = 90  # character widths that fit A4 portrait at 100 % (narrow margins)
LANDSCAPE_CHARS = 135  # ... and A4 landscape
PAGE_HEIGHT_CM = 17.0  # printable height of A4 landscape with the margins below
CM_PER_CHAR = 0.19  # one character unit of column width, in cm (7 px at 96 dpi)
PROSE = 1.2  # characters of prose per character unit of width (proportional font)
LINE_PT = 15.0  # row height of one line of 11 pt text
LONE_TEXT = 24  # a lone text cell longer than this is a note, not a table value
MARGINS_IN = {"left": 0.4, "right": 0.4, "top": 0.5, "bottom": 0.6, "header": 0.25,
              "footer": 0.3}


# ----------------------------------------------------------------------------- formats


def number_format(column: str) -> str | None:
    """The Excel number format of a column, from its name and unit suffix.

    Shares (``*share*``, ``*_reliance``...) as percentages, USD and tonnes with
    thousands separators; None for a column with no rule (then
    :func:`value_format` formats each number).
    """
    rules = [
        (lambda c: c == "year" or c.endswith("_year"), "0"),
        (lambda c: c.endswith("_pp") and "usd" in c, "#,##0.00"),
        (lambda c: c.endswith("_pp"), "+0.0;-0.0;0.0"),
        (lambda c: "share" in c or "premium" in c and "usd" not in c
         or c in ("capacity_loss", "probability", "epsilon", "own_cap", "saving_share")
         or c.startswith("china_") and not c.endswith("_t")
         or c.endswith(("_touch", "_touch_any", "_reliance", "_mix", "_plan")), "0.0%"),
        (lambda c: "usd" in c, "#,##0"),
        (lambda c: c.endswith("_t") or c == "tonnes", "#,##0.0"),
        (lambda c: c in ("hhi", "n_countries", "minerals", "minerals_compared", "problems",
                         "infeasible_minerals"), "#,##0"),
        (lambda c: c in ("hhi_wgi", "multiplier"), "0.00"),
        (lambda c: c.endswith("_seconds"), "0.0"),
    ]
    for test, fmt in rules:
        if test(column):
            return fmt
    return None


def value_format(value: float) -> str:
    """A readable format for a number in a column without a rule (no 15-digit decimals).

    Whole numbers with thousands separators; others to four significant figures.
    """
    size = abs(float(value))
    if size == 0 or float(value).is_integer() and size < 1e15:
        return "#,##0"
    if size < 1e-3 or size >= 1e15:
        return "0.00E+00"
    decimals = max(0, 3 - int(math.floor(math.log10(size))))
    return "#,##0" + ("." + "0" * decimals if decimals else "")


# ----------------------------------------------------------------------------- widths


def shown(value: object, fmt: str) -> str:
    """About the text a number format shows (for widths)."""
    if isinstance(value, float | int) and not isinstance(value, bool):
        if "%" in fmt:
            return f"{100 * value:.1f}%"
        if "E" in fmt:
            return f"{value:.2E}"
        decimals = len(fmt.split(".")[1]) if "." in fmt else 0
        return f"{value:,.{decimals}f}" if "," in fmt or fmt.startswith("0") \
            else f"{value:.4g}"
    return str(value)


def widest_shown(values: list, fmt: str) -> int:
    """The length of the longest :func:`shown` text of the numbers ``values`` in format
    ``fmt``.  Where the format has a fixed number of decimals (or is a percentage), the
    text grows with the size of the number and by its sign alone, so only the largest
    number of each sign is shown (negative zero counts as negative: it shows a sign)."""
    if not ("%" in fmt or "E" not in fmt and ("," in fmt or fmt.startswith("0"))):
        return max(len(shown(v, fmt)) for v in values)
    array = np.asarray(values, dtype=float)
    negative = np.signbit(array)
    ends = [float(part.max()) for part in [array[~negative]] if part.size] \
        + [float(part.min()) for part in [array[negative]] if part.size]
    return max(len(shown(end, fmt)) for end in ends)


HEADER_ALIGN = Alignment(wrap_text=True, vertical="bottom")
WRAP_TOP = Alignment(wrap_text=True, vertical="top")


def _lone(ws: Worksheet) -> set[int]:
    """Rows holding a single cell (titles, notes, findings)."""
    count = Counter(row for (row, _col), cell in ws._cells.items() if cell.value is not None)
    return {r for r, n in count.items() if n == 1}


def fit_widths(ws: Worksheet, skip_rows: set[int] | None = None) -> None:
    """Column widths from each column's values (headers wrapped at spaces; notes and
    titles ignored); text columns are narrowed and wrapped until the sheet is at most
    :data:`TARGET_CHARS` wide (or they are :data:`MIN_TEXT` wide)."""
    from toolkit.reports import excel_bulk  # it builds on this module's formats

    lone, skip = _lone(ws), skip_rows or set()
    cells, looks = written(ws), Looks(ws)
    widths: dict[int, float] = {}
    text: dict[int, list[int]] = {}
    texts = []  # the text cells outside skip_rows
    for cell in cells:
        value = cell._value
        if value is None or cell.row in skip:
            continue
        if isinstance(value, str):
            texts.append(cell)
            if cell.row in lone and len(value) > LONE_TEXT:
                continue
            shown_ = str(value)
        else:
            shown_ = shown(value, looks.number_format(cell))
        if looks.header(cell):
            size = max(len(w) for w in shown_.split()) + 2
            looks.align(cell, HEADER_ALIGN)
        else:
            size = len(shown_) + 2
            if isinstance(value, str):
                text.setdefault(cell.column, []).append(size)
        widths[cell.column] = max(widths.get(cell.column, MIN_WIDTH), size)
    held = excel_bulk.bodies(ws)
    for body in held:  # a long table's body held as columns: measured as its cells
        excel_bulk.measure(body, skip, widths, text, MIN_WIDTH)
    longest = dict(widths)
    widths = {c: min(w, MAX_WIDTH) for c, w in widths.items()}
    _narrow_text(widths, text)
    _widen_text(widths, {c: longest[c] for c in text})
    for column, size in sorted(widths.items()):
        ws.column_dimensions[get_column_letter(column)].width = size
    if held:  # the body rows with a text that wraps become cells, fitted as cells
        for body in held:
            excel_bulk.promote(ws, body, widths, MAX_WIDTH, skip)
        cells = written(ws)
        texts = [c for c in cells if isinstance(c._value, str) and c.row not in skip]
    texts = [c for c in texts if c.row not in lone]
    _wrap_long(texts, looks, widths)
    _row_heights(ws, texts, cells, looks)


def _narrow_text(widths: dict[int, float], text: dict[int, list[int]]) -> None:
    """Narrow text columns until the columns add up to :data:`TARGET_CHARS`: first each
    to the length of its 90th-percentile value (only its longest values wrap), then the
    widest of them together, never below :data:`MIN_TEXT`."""
    if sum(widths.values()) <= TARGET_CHARS:
        return
    for column, sizes in text.items():
        p90 = sorted(sizes)[int(0.9 * (len(sizes) - 1))]
        widths[column] = min(widths[column], max(p90, MIN_TEXT))
    cap = max((widths[c] for c in text), default=0.0)
    while sum(widths.values()) > TARGET_CHARS and cap > MIN_TEXT:
        cap -= 1
        for column in text:
            widths[column] = min(widths[column], max(cap, MIN_TEXT))


def _widen_text(widths: dict[int, float], longest: dict[int, float]) -> None:
    """Share the room left under :data:`TARGET_CHARS` among text columns that wrap."""
    while sum(widths.values()) < TARGET_CHARS - 1:
        short = [c for c in longest if widths[c] < min(longest[c], 2 * MAX_WIDTH)]
        if not short:
            return
        room = (TARGET_CHARS - sum(widths.values())) / len(short)
        for column in short:
            widths[column] = min(widths[column] + max(room, 1.0), longest[column],
                                 2 * MAX_WIDTH)


def _wrap_long(texts: list, looks: Looks, widths: dict[int, float]) -> None:
    """Wrap text cells longer than their column (``texts``: the text cells of the rows
    fitted)."""
    for cell in texts:
        if not looks.header(cell) and len(cell.value) + 2 > widths.get(cell.column, MAX_WIDTH):
            looks.align(cell, WRAP_TOP)


def width(ws: Worksheet, column: int) -> float:
    """The width of ``column`` (1-based) in character units."""
    letter = get_column_letter(column)
    dim = ws.column_dimensions.get(letter) if letter in ws.column_dimensions else None
    return float(dim.width) if dim is not None and dim.width else DEFAULT_WIDTH


def _lines(text: str, chars: float, split: str = " ") -> int:
    """Lines ``text`` takes wrapped at ``split`` in a ``chars``-wide cell."""
    chars = max(chars, 4.0)
    lines, used = 1, 0.0
    for part in text.split("\n"):
        for word in part.split(split):
            size = len(word) + 1
            if used and used + size > chars:
                lines, used = lines + 1, 0.0
            used += size
            while used > chars + 1:  # a word longer than the line
                lines, used = lines + 1, used - chars
        lines, used = lines + 1, 0.0
    return lines - 1


def _row_heights(ws: Worksheet, texts: list, cells: list, looks: Looks) -> None:
    """Row heights for header rows and rows with wrapped long text (``texts``: the text
    cells of the rows fitted; ``cells``: every cell of the sheet)."""
    need: dict[int, int] = {}
    widths: dict[int, float] = {}
    for cell in texts:
        if not looks.wraps(cell):
            continue
        if cell.column not in widths:
            widths[cell.column] = width(ws, cell.column)
        chars = (widths[cell.column] - 1) * (1.0 if looks.header(cell) else PROSE)
        n = _lines(cell.value, chars)
        need[cell.row] = max(need.get(cell.row, 1), n)
    tall = {row for row, n in need.items() if n > 1}
    for row in sorted(tall):
        ws.row_dimensions[row].height = LINE_PT * need[row]
    for cell in cells if tall else []:
        if cell.row in tall and cell.value is not None and not looks.header(cell):
            looks.align_top(cell)


# ----------------------------------------------------------------------------- print


def used_columns(ws: Worksheet, lone: set[int] | None = None) -> int:
    """The last column holding a value outside lone-cell rows (charts excluded;
    ``lone``: the sheet's lone-cell rows when known)."""
    lone = _lone(ws) if lone is None else lone
    return max((col for (row, col), cell in ws._cells.items()
                if cell.value is not None and row not in lone), default=1)


def table_width(ws: Worksheet, columns: int) -> float:
    """The width of the first ``columns`` columns, in character units."""
    return sum(width(ws, c) for c in range(1, columns + 1))


def header_row(ws: Worksheet) -> int | None:
    """The first row (of the first 60) holding a table header, or None."""
    looks = Looks(ws)
    rows = [row for (row, _col), cell in ws._cells.items()
            if row <= 60 and cell.value is not None and looks.header(cell)]
    return min(rows, default=None)


def wrap_notes(ws: Worksheet, columns: int, lone: set[int] | None = None) -> None:
    """Merge each long lone text cell of column A across the table and wrap it.

    Findings, notes and titles then print inside the page width; the row height is
    set from the text's length (spreadsheet programs do not size merged rows).
    """
    span = max(1, columns)
    chars = min(table_width(ws, span), LANDSCAPE_CHARS * 1.6)
    while span > 1 and table_width(ws, span - 1) >= chars:
        span -= 1
    for row in sorted(_lone(ws) if lone is None else lone):
        cell = ws.cell(row, 1)
        if not isinstance(cell.value, str) or len(cell.value) <= width(ws, 1):
            continue
        size = (cell.font.sz or 11) / 11
        lines = _lines(cell.value, chars * PROSE / size - 2)
        if span > 1:
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=span)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[row].height = LINE_PT * size * lines + 2


def _chart_rows(chart) -> float:
    """Rows (default height) a chart covers."""
    return chart.height / 2.54 * 72 / LINE_PT


def _anchor_row(chart) -> int:
    anchor = chart.anchor
    if isinstance(anchor, str):
        return int(re.sub(r"[A-Z]+", "", anchor))
    return anchor._from.row + 1


def keep_charts_whole(ws: Worksheet, lone: set[int] | None = None) -> None:
    """Each chart (with a caption line just above it) starts a new page.

    Charts sit in column A below any table; a chart is at most :data:`PAGE_HEIGHT_CM`
    high, so it then prints whole on its page.
    """
    lone = _lone(ws) if lone is None else lone
    for row in sorted({_anchor_row(c) for c in ws._charts}):
        if row - 1 in lone and ws.cell(row - 1, 1).value is not None:
            row -= 1  # its caption line starts the page
        if row > 1:
            ws.row_breaks.append(Break(id=row - 1))
    for chart in ws._charts:
        chart.height = min(chart.height, PAGE_HEIGHT_CM)


def setup_print(ws: Worksheet) -> None:
    """A4, fitted to the page width, landscape when wide, header row on every page,
    charts whole, notes wrapped, footer with the sheet name and page number."""
    lone = _lone(ws)  # merging a note across the table leaves the lone rows as they are
    columns = used_columns(ws, lone)
    wrap_notes(ws, columns, lone)
    chart_chars = max((c.width / CM_PER_CHAR for c in ws._charts), default=0.0)
    wide = max(table_width(ws, columns), chart_chars)
    setup = ws.page_setup
    setup.paperSize = ws.PAPERSIZE_A4
    setup.orientation = "landscape" if wide > PORTRAIT_CHARS else "portrait"
    setup.fitToWidth, setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    for side, inches in MARGINS_IN.items():
        setattr(ws.page_margins, side, inches)
    head = header_row(ws)
    if head is not None and head > 3:  # a report page (title, notes, tables): its title
        head = 1
    if head is not None:
        ws.print_title_rows = f"{head}:{head}"
    ws.print_options.horizontalCentered = False
    ws.oddFooter.center.text = "&A — page &P of &N"
    ws.oddFooter.center.size = 8
    keep_charts_whole(ws, lone)
