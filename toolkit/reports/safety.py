"""Output safety: spreadsheet formula injection and HTML escaping.

Text that comes from inputs (country names, scenario names, sources...) may start
with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which some
spreadsheet programs strip before parsing).  A spreadsheet program would run such a
cell as a formula (OWASP "CSV/formula injection").  Every text cell the reports write
goes through :func:`put_cell`, which stores it as a string cell with the
quote-prefix style, so it is shown and kept as text; the HTML brief escapes every
piece of input text with :func:`html.escape`.
"""

from __future__ import annotations

import html
import math
from typing import Any

import pandas as pd
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(text: str) -> bool:
    """True when a spreadsheet program could read ``text`` as a formula."""
    return text.startswith(FORMULA_PREFIXES)


def clean_text(text: str) -> str:
    """``text`` without the control characters XML (and so .xlsx) cannot hold."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def cell_value(value: Any) -> Any:
    """A Python value as a worksheet cell value: numbers stay numbers, NaN is blank.

    Booleans stay booleans; anything that is not a number, bool or None becomes text.
    """
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return None if isinstance(value, float) and math.isnan(value) else value
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalar
        return cell_value(value.item())
    if _is_missing(value):
        return None
    return clean_text(str(value))


def _is_missing(value: Any) -> bool:
    if value is pd.NA:  # NA != NA is NA, whose truth value raises
        return True
    try:
        return bool(value != value)  # NaN, NaT
    except (TypeError, ValueError):
        return False


def put_cell(ws: Worksheet, row: int, column: int, value: Any,
             number_format: str | None = None):
    """Write one cell safely; text is always stored as text, never as a formula.

    Returns
    -------
    openpyxl.cell.cell.Cell
    """
    value = cell_value(value)
    cell = ws.cell(row=row, column=column)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        if is_formula_like(value):
            cell.quotePrefix = True
    elif number_format and value is not None and not isinstance(value, bool):
        cell.number_format = number_format
    return cell


def esc(value: Any) -> str:
    """Input text escaped for HTML (quotes included); None and NaN become ""."""
    if value is None or _is_missing(value):
        return ""
    return html.escape(str(value), quote=True)
