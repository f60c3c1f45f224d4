"""The Excel front door: load and validate an analyst's workbook.

Both directions are driven by the one schema declaration (:mod:`toolkit.schema`):
the template (:mod:`toolkit.io.excel_template`) takes its sheets, headers, header
notes, column widths and dropdowns from it, and :func:`load_workbook` validates every
cell against it with :mod:`toolkit.validate` and :mod:`toolkit.io.excel_checks`,
reporting *all* problems at once, each located by file, sheet, Excel row, column,
value and rule.

Reading never modifies the analyst's file: its bytes are read once
(:mod:`toolkit.io.xlsx_safety` checks format, size, encryption and XML bombs first)
and openpyxl parses the in-memory copy in read-only mode.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import range_boundaries
from openpyxl.worksheet.worksheet import Worksheet

from toolkit.chain import SupplyChain
from toolkit.errors import InputError, Problem
from toolkit.io import xlsx_safety
from toolkit.io.excel_checks import validate_sheets
from toolkit.io.excel_template import README
from toolkit.io.xlsx_safety import Package, SheetPart, read_package, row_limit_rule
from toolkit.schema import (
    WORKBOOK,
    Sheet,
)
from toolkit.validate import (
    closest,
    is_blank,
    to_id,
)

MAX_COLUMNS = 200
"""Columns read at most (headers and values further right are not read)."""
STRAY_COLUMNS = 30
"""Columns right of the last header that are still checked for stray values."""


# --------------------------------------------------------------------------- reading


@dataclass
class RawSheet:
    """The cells of one sheet as read, before validation.

    Attributes
    ----------
    headers : header of each column position (stripped text, "" when blank).
    rows : the non-blank data rows, each as wide as ``headers``.
    numbers : Excel row number of each of ``rows``.
    problems : problems found while reading (error cells, formulas without a value...).
    flagged : ``(row, column)`` cells already reported, so validation stays quiet there.
    """

    headers: list[str]
    rows: list[list[object]] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    flagged: set[tuple[int, str]] = field(default_factory=set)


@dataclass(frozen=True)
class _ExcelError:
    """An Excel error value (``#DIV/0!``, ``#N/A``...) shown in a cell."""

    code: str

    def __str__(self) -> str:
        return self.code


def load_workbook(path: Path) -> SupplyChain:
    """Load an input workbook, validating every sheet, column and cell.

    Parameters
    ----------
    path : an ``.xlsx`` workbook following the contract of :mod:`toolkit.schema`
        (sheets Minerals, Countries, Supply, Demand; optional Routes, Imports,
        Disruptions, Policy; any other sheet, such as README, is ignored).

    Returns
    -------
    SupplyChain
        Tables with exactly the schema's columns, typed; absent optional sheets give
        empty tables.  ``source`` is the path; ``meta`` holds its ``file`` and
        ``sha256``.

    Raises
    ------
    InputError
        Listing every problem, each naming file, sheet, Excel row, column, value
        and rule.
    """
    path = Path(path)
    file = str(path)
    package = read_package(path)
    clashes = name_clashes([s.name for s in package.sheets], file)
    if clashes:  # which of two same-named sheets holds the data is anyone's guess
        raise InputError(clashes)
    problems = sheet_problems(package, file)
    raws = read_sheets(package, file)
    tables, found = validate_sheets(raws, file)
    problems += found
    if problems:
        raise InputError(problems)
    return SupplyChain(**tables, source=file, meta={"file": file, "sha256": package.sha256})


def name_clashes(names: list[str], file: str) -> list[Problem]:
    """Sheets whose names are equal, or equal but for case (Excel forbids both, but a
    file written by another program may have them)."""
    groups: dict[str, list[str]] = {}
    for name in names:
        groups.setdefault(name.casefold(), []).append(name)
    return [Problem(file, f"sheets {' and '.join(repr(n) for n in group)} have the same name"
                          " (apart from case): rename or delete all but one, so that it is "
                          "clear which sheet holds the data")
            for group in groups.values() if len(group) > 1]


def sheet_problems(package: Package, file: str) -> list[Problem]:
    """Missing, misnamed, hidden and chart sheets; merged cells in declared sheets."""
    problems = []
    found = [s.name for s in package.sheets]
    declared = {s.name for s in WORKBOOK}
    for sheet in WORKBOOK:
        part = package.sheet(sheet.name)
        if part is None:
            problems += _absent_sheet(sheet, found, declared, file)
        elif part.member is None:
            problems.append(Problem(file, "is a chart sheet, not a worksheet with a table",
                                    sheet.name))
        else:
            problems += _sheet_state(part.state, sheet.name, file)
            problems += _merged(part.merged, part.merged_count, sheet.name, file)
    return problems


def _absent_sheet(sheet: Sheet, found: list[str], declared: set[str],
                  file: str) -> list[Problem]:
    unknown = [name for name in found if name not in declared and name != README]
    close = closest(sheet.name, unknown, cutoff=0.75)
    if sheet.required:
        hint = f" (found {close!r}: rename it to {sheet.name!r})" if close else ""
        return [Problem(file, f"required sheet {sheet.name!r} is missing{hint}; sheets "
                              f"found: {', '.join(found) or 'none'}")]
    if close:
        return [Problem(file, f"sheet name is not known: rename it to {sheet.name!r}, "
                              "otherwise the sheet is ignored", close)]
    return []


_STATES = {"hidden": "hidden", "veryHidden": "very hidden (visible only from the VBA editor)"}


def _sheet_state(state: str, name: str, file: str) -> list[Problem]:
    if state == "visible":
        return []
    shown = _STATES.get(state, state)
    return [Problem(file, f"sheet is {shown}: unhide it (right-click a sheet tab > Unhide) "
                          "or delete it, so that no data is used unseen", name)]


def _merged(ranges: tuple[str, ...], count: int, name: str, file: str) -> list[Problem]:
    problems = [Problem(file, f"cells {ref} are merged: unmerge them (Home > Merge & Center) "
                              "and give each cell its own value", name, *_top_left(ref))
                for ref in ranges]
    if count > len(ranges):
        problems.append(Problem(file, f"{count - len(ranges)} more merged ranges", name))
    return problems


def _top_left(ref: str) -> tuple[int | None, str | None]:
    """Excel row and column letter of the first cell of a range such as ``B3:C4``."""
    try:
        min_col, min_row, _, _ = range_boundaries(ref)
    except (ValueError, TypeError):
        return None, None
    return min_row, None if min_col is None else get_column_letter(min_col)


def read_sheets(package: Package, file: str) -> dict[str, RawSheet]:
    """Read the cells of every declared sheet present in the workbook."""
    with warnings.catch_warnings():
        return _read_sheets(package, file)


def _read_sheets(package: Package, file: str) -> dict[str, RawSheet]:
    warnings.simplefilter("ignore")  # openpyxl's notes on features it does not keep
    parts = [p for s in WORKBOOK if (p := package.sheet(s.name)) and p.member]
    values = _open(package, file, data_only=True)
    formulas = _open(package, file, data_only=False) if any(
        p.has_formulas for p in parts) else None
    try:
        return {part.name: _read_part(part, values, formulas, file) for part in parts}
    finally:
        for book in (values, formulas):
            if book is not None:
                book.close()


def _read_part(part: SheetPart, values: openpyxl.Workbook,
               formulas: openpyxl.Workbook | None, file: str) -> RawSheet:
    try:
        with_formulas = formulas[part.name] if (
            formulas is not None and part.has_formulas) else None
        return read_sheet(values[part.name], part.name, file, with_formulas)
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - openpyxl's parse errors on damaged XML
        raise InputError(Problem(file, f"cannot be read ({type(exc).__name__}: {exc}); "
                                       "open it in Excel and save it again", part.name)
                         ) from None


def _open(package: Package, file: str, data_only: bool) -> openpyxl.Workbook:
    try:
        return openpyxl.load_workbook(package.stream(), read_only=True, data_only=data_only,
                                      keep_links=False)
    except Exception as exc:  # noqa: BLE001 - any parse failure is a damaged input
        raise InputError(Problem(file, f"cannot be read as a workbook ({type(exc).__name__}: "
                                       f"{exc}); open it in Excel and save it again")) from None


def _formula_cells(ws: Worksheet, max_col: int) -> dict[tuple[int, int], str]:
    """``{(row, column): formula}`` of every formula cell (a data_only=False pass)."""
    ws.reset_dimensions()
    out = {}
    for number, row in enumerate(ws.iter_rows(max_col=max_col), start=1):
        if number - 1 > xlsx_safety.MAX_DATA_ROWS:
            break
        for col, cell in enumerate(row, start=1):
            if getattr(cell, "data_type", None) == "f":
                out[(number, col)] = str(getattr(cell.value, "text", cell.value))
    return out


def read_sheet(ws: Worksheet, name: str, file: str,
               formulas_ws: Worksheet | None = None) -> RawSheet:
    """Read one sheet: header row 1, then data rows (blank rows skipped).

    ``formulas_ws`` is the same sheet opened with formulas (not values), given when
    the sheet holds formulas, to report those without a saved value.  The dimension
    recorded in the file is ignored (it may be wrong); rows are streamed and the
    reading stops with a problem past :data:`~toolkit.io.xlsx_safety.MAX_DATA_ROWS`.
    """
    ws.reset_dimensions()
    header_cells = next(iter(ws.iter_rows(min_row=1, max_row=1, max_col=MAX_COLUMNS)), ())
    headers = _headers(header_cells)
    raw = RawSheet(headers)
    max_col = min(len(headers) + STRAY_COLUMNS, MAX_COLUMNS)
    formulas = _formula_cells(formulas_ws, max_col) if formulas_ws is not None else {}
    stray: set[int] = set()
    for number, row in enumerate(ws.iter_rows(min_row=2, max_col=max_col), start=2):
        if number - 1 > xlsx_safety.MAX_DATA_ROWS:
            raw.problems.append(Problem(file, row_limit_rule(number), name))
            break
        _read_row(raw, row, number, name, file, formulas, stray)
    return raw


def _headers(cells: Iterable[object]) -> list[str]:
    values = [_value(c) for c in cells]
    headers = ["" if is_blank(v) or isinstance(v, _ExcelError) else to_id(v) for v in values]
    while headers and headers[-1] == "":
        headers.pop()
    return headers


_PLAIN = (str, int, float, bool)


def _value(cell: object) -> object:
    """A cell's value as validation expects it (dates as ISO text, errors marked)."""
    value = getattr(cell, "value", None)
    if value is None:
        return None
    if getattr(cell, "data_type", None) == "e":
        return _ExcelError(str(value))
    if type(value) in _PLAIN:
        return value
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return value


def _read_row(raw: RawSheet, cells: tuple, number: int, name: str, file: str,
              formulas: Mapping[tuple[int, int], str], stray: set[int]) -> None:
    """Append one data row to ``raw`` (unless blank); report error cells, formulas
    without a saved value and values in columns that have no header."""
    width = len(raw.headers)
    values = [_value(cell) for cell in cells[:width]]
    values += [None] * (width - len(values))
    flagged = False
    for col, value in enumerate(values, start=1):
        if isinstance(value, _ExcelError) or (formulas and value is None
                                              and (number, col) in formulas):
            column = raw.headers[col - 1] or get_column_letter(col)
            raw.problems.append(_cell_problem(file, name, number, column, value,
                                              formulas.get((number, col))))
            raw.flagged.add((number, column))
            flagged, values[col - 1] = True, None
        elif not raw.headers[col - 1] and not is_blank(value):
            _stray(raw, stray, col, number, name, file, value)
    for col, cell in enumerate(cells[width:], start=width + 1):
        if cell.value is not None and not is_blank(_value(cell)):
            _stray(raw, stray, col, number, name, file, _value(cell))
    if flagged or not all(is_blank(v) for v in values):
        raw.rows.append(values)
        raw.numbers.append(number)


def _stray(raw: RawSheet, stray: set[int], col: int, number: int, name: str, file: str,
           value: object) -> None:
    """Report the first value of a column that has no header (once per column)."""
    if col in stray:
        return
    stray.add(col)
    raw.problems.append(Problem(file, "value in a column with no header in row 1: add the "
                                      "column name or clear the column", name, number,
                                get_column_letter(col), value))


def _cell_problem(file: str, sheet: str, row: int, column: str, value: object,
                  formula: str | None) -> Problem:
    if isinstance(value, _ExcelError):
        return Problem(file, "cell shows an Excel error: fix the formula or type a value",
                       sheet, row, column, value.code)
    return Problem(file, "formula has no saved value (the file was written by a program that "
                         "does not calculate): open and save it in Excel or LibreOffice, or "
                         "type the values", sheet, row, column, formula)
