"""A long table's body held as columns, not as openpyxl cells, until it is saved.

A large run's sheets Disruptions and Disruption totals hold 50,000-100,000 rows (every
scenario, buyer and mineral); as openpyxl cells they cost about 10 µs and 400 bytes a
cell to write, measure and save, most of a large run's report time and memory.
:func:`hold_body` keeps the body of a one-table sheet (:func:`toolkit.reports.
excel_tables.table_sheet`) as the values and styles its cells would have had:

* :func:`measure` gives :func:`toolkit.reports.excel_print.fit_widths` each column's
  shown widths, exactly as it reads them from cells;
* :func:`promote` makes real cells of the rows whose text is wider than its column
  (they wrap, their row may grow taller: the width rules then treat them as any cell);
* :func:`body_rows` gives the saved sheet (:mod:`toolkit.reports.excel_write`) each
  remaining row's XML, the text openpyxl would have written for its cells.

The saved workbook is byte for byte the one written cell by cell
(``tests/test_excel_bulk.py``).  A body is held only when every value is a finite
number, a text or blank, and every row has at least two values (no row of it can be
taken for a note or a title); otherwise the table is written cell by cell.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from toolkit.reports.excel_cells import MAX_TEXT, TableCells
from toolkit.reports.excel_print import value_format, widest_shown
from toolkit.reports.safety import clean_text, is_formula_like

BULK_ROWS = 1000  # a one-table sheet with at least this many rows holds its body
QUOTED = (0, 0, 0, 0, 0, 0, 0, 1, 0)  # the style array of a formula-like text
NA = type(pd.NA)  # a missing value of a pandas string column: a blank cell


@dataclass
class Body:
    """The body of one table: rows ``first_row``.. and columns ``first_col``..; per
    column the cells' values (None: blank), number formats (None: not a number) and
    style arrays as tuples (None: no style); ``promoted``: rows now held as cells."""

    first_row: int
    first_col: int
    values: list[list]
    formats: list[list]
    styles: list[list]
    promoted: set[int] = field(default_factory=set)

    @property
    def last_row(self) -> int:
        """The body's last row (its first when it has none)."""
        return self.first_row + max(len(self.values[0]) if self.values else 0, 1) - 1


def bodies(ws: Worksheet) -> list[Body]:
    """The bodies held for ``ws`` (none for a sheet written cell by cell)."""
    return getattr(ws, "_toolkit_bodies", [])


def hold_body(ws: Worksheet, columns: list[list], rules: list[str | None], row: int,
              col: int) -> bool:
    """Hold ``columns`` (per column, the values of rows ``row``..) as a body of ``ws``;
    False (nothing held) when some value or row rules it out (module docstring).
    Number formats are registered in the order the cells would have met them."""
    held = [_column(values, rule) for values, rule in zip(columns, rules, strict=True)]
    if not held or any(h is None for h in held) or not _two_per_row(held):
        return False
    first_seen: dict[str, tuple[int, int]] = {}
    for j, (_values, formats) in enumerate(held):
        for fmt in set(formats) - {None}:
            first_seen[fmt] = min(first_seen.get(fmt, (len(formats), j)),
                                  (formats.index(fmt), j))
    cells = TableCells(ws)
    ids = {fmt: cells._format_id(fmt)
           for fmt in sorted(first_seen, key=first_seen.__getitem__)}
    looks = {fmt: (0, 0, 0, i, 0, 0, 0, 0, 0) if i else None for fmt, i in ids.items()}
    looks[None] = None
    styles = [[QUOTED if f is None and v.__class__ is str and is_formula_like(v)
               else looks[f] for v, f in zip(*h, strict=True)] for h in held]
    body = Body(row, col, [h[0] for h in held], [h[1] for h in held], styles)
    ws._toolkit_bodies = [*bodies(ws), body]
    return True


def _column(values: list, rule: str | None) -> tuple[list, list] | None:
    """(values, number formats) of one column's cells as :class:`TableCells` writes them;
    None when a value is not a finite number, a text, None, NaN or ``pd.NA``."""
    kinds = set(map(type, values))
    if not kinds <= {float, int, str, type(None), NA}:
        return None
    numbers = [v for v in values if v.__class__ is float]
    if numbers and not np.isfinite(np.array(numbers)[~np.isnan(numbers)]).all():
        return None
    out = [None if v is None or v.__class__ is NA or v != v else clean_text(v)[:MAX_TEXT]
           if v.__class__ is str else v for v in values]
    if rule is not None:
        formats = [rule if v is not None and v.__class__ is not str else None for v in out]
    else:
        formats = [value_format(v) if v is not None and v.__class__ is not str else None
                   for v in out]
    return out, formats


def _two_per_row(held: list[tuple[list, list]]) -> bool:
    """True when every row holds at least two values."""
    filled = np.zeros(len(held[0][0]), dtype=np.int64)
    for values, _formats in held:
        filled += np.fromiter((v is not None for v in values), bool, len(values))
    return bool(len(filled) == 0 or filled.min() >= 2)


def measure(body: Body, skip: set[int], widths: dict[int, float],
            text: dict[int, list[int]], floor: float) -> None:
    """Add the body's shown widths to ``widths`` (at least ``floor`` in a column with a
    value) and its text sizes to ``text``, as
    :func:`~toolkit.reports.excel_print.fit_widths` does per cell (rows in ``skip``
    and promoted rows left out: their cells are measured as cells)."""
    rows = range(body.first_row, body.first_row + len(body.values[0]))
    out = {r - body.first_row for r in (skip | body.promoted) if r in rows}
    for j, (values, formats) in enumerate(zip(body.values, body.formats, strict=True)):
        if out:
            kept = [i for i in range(len(values)) if i not in out]
            values, formats = [values[i] for i in kept], [formats[i] for i in kept]
        sizes = [len(v) + 2 for v in values if v.__class__ is str]
        by_format: dict[str, list] = {}
        for v, f in zip(values, formats, strict=True):
            if f is not None:
                by_format.setdefault(f, []).append(v)
        widest = max([widest_shown(v, f) + 2 for f, v in by_format.items()] + sizes,
                     default=0)
        column = body.first_col + j
        if sizes:
            text.setdefault(column, []).extend(sizes)
        if widest:
            widths[column] = max(widths.get(column, floor), widest)


def promote(ws: Worksheet, body: Body, widths: dict[int, float], default: float,
            skip: set[int]) -> None:
    """Make cells of the body rows (outside ``skip``) with a text longer than its
    column's width (``default`` where none): those texts wrap."""
    rows = set()
    for j, values in enumerate(body.values):
        width = widths.get(body.first_col + j, default)
        rows.update(i for i, v in enumerate(values)
                    if v.__class__ is str and len(v) + 2 > width)
    _promote_rows(ws, body, {body.first_row + i for i in rows} - skip - body.promoted)


def _promote_rows(ws: Worksheet, body: Body, rows: set[int]) -> None:
    """Cells of body ``rows``, written as :func:`~toolkit.reports.excel_tables.
    write_table` writes them."""
    cells = TableCells(ws)
    for r in sorted(rows):
        for j, values in enumerate(body.values):
            # None: a blank cell; no format: a text
            cells.put(r, body.first_col + j, values[r - body.first_row],
                      body.formats[j][r - body.first_row])
    body.promoted |= rows


def body_rows(ws: Worksheet) -> Iterator[tuple[int, Body]]:
    """(row, body) of every body row still held (not promoted), in row order."""
    for body in bodies(ws):
        for r in range(body.first_row, body.first_row + len(body.values[0])):
            if r not in body.promoted:
                yield r, body


def body_columns(body: Body, rows: list[int]) -> Iterator[tuple[str, list, list]]:
    """(column letter, values, style tuples) of each column of ``body`` in the
    consecutive held ``rows``."""
    a, b = rows[0] - body.first_row, rows[-1] - body.first_row + 1
    for j, values in enumerate(body.values):
        yield get_column_letter(body.first_col + j), values[a:b], body.styles[j][a:b]


def first_styles(body: Body) -> dict[int, list[tuple]]:
    """Per held row, the styles first met there reading the held rows row by row."""
    first: dict[tuple, tuple[int, int]] = {}
    for j, styles in enumerate(body.styles):
        for key in set(styles) - {None}:
            i = _first_held(body, styles, key)
            if i is not None:
                first[key] = min(first.get(key, (len(styles), j)), (i, j))
    out: dict[int, list[tuple]] = {}
    for key, (i, _j) in sorted(first.items(), key=lambda item: item[1]):
        out.setdefault(body.first_row + i, []).append(key)
    return out


def _first_held(body: Body, styles: list, key: tuple) -> int | None:
    """The first index of ``key`` in ``styles`` at a row still held, or None."""
    i = styles.index(key)
    while body.first_row + i in body.promoted:
        try:
            i = styles.index(key, i + 1)
        except ValueError:
            return None
    return i


def extent(ws: Worksheet) -> tuple[int, int, int, int] | None:
    """(min row, min column, max row, max column) of the bodies, None without any."""
    held = [b for b in bodies(ws) if b.values and b.values[0]]
    if not held:
        return None
    return (min(b.first_row for b in held), min(b.first_col for b in held),
            max(b.last_row for b in held), max(b.first_col + len(b.values) - 1 for b in held))


def promote_all(ws: Worksheet) -> None:
    """Make cells of every body row still held (as if the table had been written cell by
    cell)."""
    for body in bodies(ws):
        rows = set(range(body.first_row, body.first_row + len(body.values[0])))
        _promote_rows(ws, body, rows - body.promoted)
