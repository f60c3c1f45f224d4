"""The Excel front door: write the input template, load and validate a workbook.

Both directions are driven by the one schema declaration (:mod:`toolkit.schema`):
the template's sheets, headers, header notes, column widths and dropdowns come from
it, and :func:`load_workbook` validates every cell against it with
:mod:`toolkit.validate`, reporting *all* problems at once, each located by file,
sheet, Excel row, column, value and rule.

Reading never modifies the analyst's file: its bytes are read once
(:mod:`toolkit.io.xlsx_safety` checks format, size, encryption and XML bombs first)
and openpyxl parses the in-memory copy in read-only mode.  Writing is atomic
(temporary file in the target folder, then :func:`os.replace`).
"""

from __future__ import annotations

import datetime as dt
import math
import os
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import pandas as pd
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.utils.cell import range_boundaries
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from toolkit import __version__
from toolkit.chain import SupplyChain, empty_table
from toolkit.errors import InputError, OutputError, Problem
from toolkit.io import xlsx_safety
from toolkit.io.atomic import atomic_path, output_errors
from toolkit.io.xlsx_safety import Package, SheetPart, read_package, row_limit_rule
from toolkit.schema import (
    COUNTRIES,
    DISRUPTIONS,
    POLICY,
    ROUTES,
    SETTING_NAMES,
    SETTINGS,
    SUPPLY,
    WORKBOOK,
    Column,
    Sheet,
    setting_bounds,
    show_default,
)
from toolkit.validate import (
    Where,
    check_columns,
    check_countries,
    check_disruptions,
    check_keys,
    check_refs,
    check_routes,
    check_supply,
    check_unknown_columns,
    closest,
    coerce_table,
    is_blank,
    to_id,
    to_number,
)

README = "README"
MAX_PROBLEMS_PER_SHEET = 1000
"""Problems listed per sheet; beyond, one line gives the count of the others."""
STRAY_COLUMNS = 30
"""Columns right of the last header that are still checked for stray values."""
MAX_COLUMNS = 200
"""Columns read at most (headers and values further right are not read)."""
EXTRA_ROWS = 500
"""Rows below the data that keep the template's dropdowns, for rows analysts add."""
_LIST_LIMIT = 255  # Excel's limit on a literal list in a data validation


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


def validate_sheets(raws: Mapping[str, RawSheet],
                    file: str) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    """Validate the sheets in schema order; ids of Minerals/Countries feed later refs."""
    tables: dict[str, pd.DataFrame] = {}
    problems: list[Problem] = []
    known: dict[str, list[str]] = {}
    for sheet in WORKBOOK:
        raw = raws.get(sheet.name)
        if raw is None:
            tables[sheet.table] = empty_table(sheet)
            continue
        table, found = validate_sheet(raw, sheet, file, known)
        problems += _capped(_sorted(found, raw.headers), sheet.name, file)
        tables[sheet.table] = table
        if sheet.key and sheet.key[0] in raw.headers:
            known[f"{sheet.name}.{sheet.key[0]}"] = [v for v in table[sheet.key[0]] if v]
    return tables, problems + _demand_without_supply(tables, raws, file) + (
        [] if problems else _market_over_output(tables, file) + _projects(tables, raws, file)
        + _unreachable(tables, raws, file))


def _unreachable(tables: dict[str, pd.DataFrame], raws: Mapping[str, RawSheet],
                 file: str) -> list[Problem]:
    """Planned buyers' demand that no path allowed by Routes can deliver."""
    from toolkit.chain import blank_chain
    from toolkit.reach import unreachable_demand

    if tables.get("routes") is None or tables["routes"].empty or "Demand" not in raws:
        return []
    chain = blank_chain(**{k: v for k, v in tables.items() if v is not None})
    return unreachable_demand(chain.at_year(None),
                              Where(file, "Demand", 2, tuple(raws["Demand"].numbers)))


def _projects(tables: dict[str, pd.DataFrame], raws: Mapping[str, RawSheet],
              file: str) -> list[Problem]:
    """Projects at a stage their mineral has no Supply rows for (see
    :func:`toolkit.projects.check_projects`)."""
    from toolkit.projects import check_projects

    projects = tables.get("projects")
    if projects is None or projects.empty or "Projects" not in raws:
        return []
    where = Where(file, "Projects", 2, tuple(raws["Projects"].numbers))
    return check_projects(projects, tables["supply"], where)


def _market_over_output(tables: dict[str, pd.DataFrame], file: str) -> list[Problem]:
    """Market buyers' demand above a stage's output (default data year) is an input error."""
    from toolkit.chain import blank_chain
    from toolkit.market import market_problems

    if tables.get("demand") is None or tables["demand"].empty:
        return []
    chain = blank_chain(**{k: v for k, v in tables.items() if v is not None})
    return market_problems(chain.at_year(None), file, "Demand")


def _demand_without_supply(tables: dict[str, pd.DataFrame], raws: Mapping[str, RawSheet],
                           file: str) -> list[Problem]:
    """Demand for a mineral that has no Supply rows at all cannot be planned for."""
    demand, supply = tables.get("demand"), tables.get("supply")
    if demand is None or supply is None or "Demand" not in raws or demand.empty:
        return []
    supplied = set(supply["mineral"]) if "mineral" in supply else set()
    where = Where(file, "Demand", 2, tuple(raws["Demand"].numbers))
    return [where.problem("has demand but no Supply rows, so nothing can be delivered: add "
                          "Supply rows for it or remove this demand row", where.row(i),
                          "mineral", m)
            for i, m in enumerate(demand["mineral"]) if m and m not in supplied]


def validate_sheet(raw: RawSheet, sheet: Sheet, file: str,
                   known: Mapping[str, Iterable[str]]) -> tuple[pd.DataFrame, list[Problem]]:
    """Check one sheet's columns, cells, keys, references and sheet-specific rules."""
    where = Where(file, sheet.name, 2, tuple(raw.numbers))
    empty = _emptiness(raw, sheet, where)
    if empty is not None:
        return empty_table(sheet), empty
    primary = raw.problems + check_columns(raw.headers, sheet, where)
    primary += check_unknown_columns(raw.headers, sheet, where)
    table, found = coerce_table(_frame(raw), sheet, where)
    primary += [p for p in found if (p.row, p.column) not in raw.flagged]
    if all(k in raw.headers for k in sheet.key if sheet.column(k).required):
        primary += check_keys(table, sheet, where)
    primary += check_refs(table, sheet, where, known)
    complete = all(c.name in raw.headers for c in sheet.columns if c.required)
    secondary = _sheet_rules(table, sheet, where) if complete else []
    reported = {(p.row, p.column) for p in primary}
    problems = primary + [p for p in secondary if (p.row, p.column) not in reported]
    return table.reindex(columns=list(sheet.names)), problems


def _emptiness(raw: RawSheet, sheet: Sheet, where: Where) -> list[Problem] | None:
    """Problems of a sheet with no header or no rows; None when it has both."""
    if not raw.headers and not raw.rows:
        if not sheet.required:
            return []
        return [where.problem("sheet is empty: row 1 must hold the column names "
                              f"({', '.join(sheet.names)}) and the rows below the data")]
    if not raw.headers:
        return [where.problem("row 1 is empty: it must hold the column names "
                              f"({', '.join(sheet.names)})", 1)]
    if not raw.rows and sheet.required:
        return check_columns(raw.headers, sheet, where) + [where.problem(
            "sheet has column names but no data rows (a model needs at least one row here)")]
    return None


def _frame(raw: RawSheet) -> pd.DataFrame:
    """The data rows as an object DataFrame, one column per distinct non-blank header."""
    positions: dict[str, int] = {}
    for i, header in enumerate(raw.headers):
        if header and header not in positions:
            positions[header] = i
    data = {h: pd.Series([row[i] for row in raw.rows], dtype=object)
            for h, i in positions.items()}
    return pd.DataFrame(data, index=range(len(raw.rows)))


def _sheet_rules(table: pd.DataFrame, sheet: Sheet, where: Where) -> list[Problem]:
    """Rules beyond single cells: Policy settings and scopes; Routes order; scenario
    probabilities."""
    if sheet is POLICY and not table.empty:
        from toolkit.policy import check_policy

        return [p for i in range(len(table)) for p in check_policy(
            table.iloc[[i]].reset_index(drop=True), Where(where.file, where.sheet,
                                                          where.row(i)))]
    if sheet is ROUTES and not table.empty:
        return check_routes(table, where)
    if sheet is SUPPLY and not table.empty:
        return check_supply(table, where)
    if sheet is COUNTRIES and not table.empty:
        return check_countries(table, where)
    if sheet is DISRUPTIONS and not table.empty:
        return check_disruptions(table, where)
    if sheet.name == "Sampling" and not table.empty:
        from toolkit.sampling import check_sampling

        return check_sampling(table, where)
    return []


def _capped(problems: list[Problem], sheet: str, file: str) -> list[Problem]:
    """At most :data:`MAX_PROBLEMS_PER_SHEET` problems, then one line counting the rest."""
    if len(problems) <= MAX_PROBLEMS_PER_SHEET:
        return problems
    rest = len(problems) - MAX_PROBLEMS_PER_SHEET
    return problems[:MAX_PROBLEMS_PER_SHEET] + [Problem(
        file, f"{rest:,} more problems in this sheet are not listed (fix the ones above "
              "first; they are often one mistake repeated)", sheet)]


def _sorted(problems: list[Problem], headers: list[str]) -> list[Problem]:
    """Problems of one sheet in reading order: sheet-wide, then by row and column."""
    def key(p: Problem) -> tuple[int, int]:
        column = headers.index(p.column) if p.column in headers else len(headers)
        return (-1 if p.row is None else p.row, column)

    return sorted(problems, key=key)


# --------------------------------------------------------------------------- writing

_REQUIRED_FILL = PatternFill("solid", fgColor="1F4E78")
_OPTIONAL_FILL = PatternFill("solid", fgColor="DDEBF7")
_REQUIRED_FONT = Font(bold=True, color="FFFFFF")
_OPTIONAL_FONT = Font(bold=True, color="1F4E78")
_TITLE_FONT = Font(bold=True, size=14)
_SECTION_FONT = Font(bold=True, size=12)
_WRAP = Alignment(wrap_text=True, vertical="top")


def write_template(path: Path, chain: SupplyChain, force: bool = False) -> None:
    """Write the input workbook pre-filled with ``chain``, atomically.

    Sheets: ``README`` (every sheet, column, unit and policy setting explained),
    then the sheets of :data:`toolkit.schema.WORKBOOK` in order, each with a frozen,
    annotated header row, column widths, a filter and dropdowns/number checks for
    enumerated and bounded columns.

    Raises
    ------
    InputError
        When ``path`` exists and ``force`` is False, is a folder, is not ``.xlsx``,
        or its folder does not exist or cannot be written.
    """
    path = Path(path)
    _check_target(path, force)
    workbook = build_template(chain)
    try:
        with atomic_path(path) as tmp, output_errors(path):
            workbook.save(tmp)
            os.chmod(tmp, 0o666 & ~_umask())
    except OutputError as exc:
        raise InputError(Problem(str(path), f"cannot be written: {exc.reason}")) from None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _check_target(path: Path, force: bool) -> None:
    file = str(path)
    if path.suffix.lower() != ".xlsx":
        raise InputError(Problem(file, "the template must be written to an .xlsx file"))
    if path.is_dir():
        raise InputError(Problem(file, "is a folder; give a file name ending in .xlsx"))
    if path.exists() and not force:
        raise InputError(Problem(file, "exists; use --force to overwrite it"))
    if not path.parent.is_dir():
        raise InputError(Problem(file, f"folder {path.parent} does not exist"))


def build_template(chain: SupplyChain) -> openpyxl.Workbook:
    """The template workbook (in memory) for ``chain``."""
    workbook = openpyxl.Workbook()
    readme = workbook.active
    readme.title = README
    lists = write_readme(readme, chain)
    for sheet in WORKBOOK:
        ws = workbook.create_sheet(sheet.name)
        table = getattr(chain, sheet.table, None)
        write_table(ws, sheet, table if table is not None else empty_table(sheet))
    define_id_lists(workbook, chain, lists)
    for sheet in WORKBOOK:
        add_checks(workbook[sheet.name], sheet, _rows_of(chain, sheet), lists)
    workbook.active = 0
    return workbook


def _rows_of(chain: SupplyChain, sheet: Sheet) -> int:
    table = getattr(chain, sheet.table, None)
    return 0 if table is None else len(table)


def write_table(ws: Worksheet, sheet: Sheet, table: pd.DataFrame) -> None:
    """Header row (styled, annotated, frozen) and one row per table row."""
    ws.append(list(sheet.names))
    for col, cell in zip(sheet.columns, ws[1], strict=True):
        cell.fill = _REQUIRED_FILL if col.required else _OPTIONAL_FILL
        cell.font = _REQUIRED_FONT if col.required else _OPTIONAL_FONT
        cell.comment = _note(col)
    present = [c for c in sheet.columns if c.name in table.columns]
    records = table[[c.name for c in present]].to_dict("records")
    for number, record in enumerate(records, start=2):
        ws.append([_excel_value(record.get(c.name), c) for c in sheet.columns])
        _keep_text(ws, number)
    ws.freeze_panes = "A2"
    last = get_column_letter(len(sheet.columns))
    ws.auto_filter.ref = f"A1:{last}{max(len(records) + 1, 2)}"
    for i, col in enumerate(sheet.columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = _width(col, table)


def _note(col: Column) -> Comment:
    lines = [col.description, f"{'Required' if col.required else 'Optional'}"
             + (f"; unit: {col.unit}" if col.unit else "")
             + ("" if col.required else f"; blank = {show_default(col.default)}")]
    allowed = _allowed_text(col)
    if allowed:
        lines.append(f"Allowed: {allowed}")
    note = Comment("\n".join(lines), "toolkit")
    note.width, note.height = 320, 120
    return note


def _allowed_text(col: Column) -> str:
    if col.allowed:
        return ", ".join(a or "(blank)" for a in col.allowed)
    if col.choices:
        return "a setting from the README list"
    if col.ref:
        return f"an id from {col.ref}" + (f" or {col.wildcard}" if col.wildcard else "")
    if col.kind == "bool":
        return "TRUE or FALSE"
    if col.low is not None or col.high is not None:
        return " and ".join(t for t in (
            f">= {col.low:g}" if col.low is not None else "",
            f"<= {col.high:g}" if col.high is not None else "") if t)
    return ""


def _excel_value(value: object, col: Column) -> object:
    """The cell value for one table value: numbers as numbers, blanks as empty cells."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if col.kind == "number":
        return float(value)  # type: ignore[arg-type]
    if col.kind == "bool":
        return bool(value)
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    if text == "":
        return None
    if col.name == "value" and col in POLICY.columns:
        try:
            return to_number(text)
        except ValueError:
            return text
    return text


def _keep_text(ws: Worksheet, row: int) -> None:
    """Text that openpyxl would store as a formula or an error code stays text."""
    for cell in ws[row]:
        value = cell.value
        if isinstance(value, str) and (value.startswith("=") or value in ERROR_CODES):
            cell.data_type = "s"


def _width(col: Column, table: pd.DataFrame) -> float:
    if col.width is not None:
        return col.width
    longest = len(col.name) + 4  # room for the filter button
    if col.name in table.columns:
        sample = table[col.name].head(500).tolist()
        longest = max([longest] + [len(_shown(v)) + 2 for v in sample])
    return float(min(max(longest, 9), 50))


def _shown(value: object) -> str:
    if isinstance(value, float):
        return "" if math.isnan(value) else f"{value:,.6g}"
    return "" if value is None else str(value)


def write_readme(ws: Worksheet, chain: SupplyChain) -> dict[tuple[str, ...], str]:
    """Fill the README sheet; return ``{values: defined name}`` of lists it holds."""
    widths = (18, 26, 9, 10, 10, 13, 34, 90)
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    _put(ws, [f"Critical-mineral supply-chain toolkit {__version__}: input workbook"],
         font=_TITLE_FONT)
    _put(ws, [f"Pre-filled from: {chain.source}."])
    ws.append([])
    for line in _HOW_TO:
        _put(ws, [line], font=_SECTION_FONT if line == _HOW_TO[0] else None)
    ws.append([])
    _readme_sheets(ws)
    ws.append([])
    _readme_columns(ws)
    ws.append([])
    lists = {SETTING_NAMES: _readme_settings(ws)}
    lists.update(_readme_lists(ws, lists))
    return lists


_HOW_TO = (
    "How to use this workbook",
    "1. Edit the sheets: change numbers, add or delete rows, add minerals and countries. "
    "Keep the sheet names and column names exactly as they are.",
    "2. Check it: toolkit validate THIS_FILE.xlsx lists every problem with its sheet, row "
    "and column.",
    "3. Use it: toolkit metrics THIS_FILE.xlsx and toolkit run THIS_FILE.xlsx.",
    "Numbers may be typed as numbers or numeric text; blank optional cells take the default "
    "shown below. Tonnages are tonnes of contained element per year; money is US dollars.",
    "Do not merge cells or hide sheets, and give values rather than formulas that Excel "
    "has not calculated. Other sheets (like this one) are ignored when the file is read.",
    "Optional sheets (Routes, Imports, Disruptions, Policy) may be left with their headers "
    "only, or deleted. With no Routes, every link between consecutive stages is allowed.",
    "A mineral with no manufacture rows in Supply is delivered to buyers straight from "
    "refine; one with no refine rows, straight from mine.",
)


def _put(ws: Worksheet, values: list[object], font: Font | None = None,
         fill: PatternFill | None = None, wrap: bool = False) -> int:
    """Append a README row; wrapped rows get a height that fits their longest cell."""
    ws.append(values)
    row = ws.max_row
    lines = 1
    for cell in ws[row]:
        if font is not None:
            cell.font = font
        if fill is not None:
            cell.fill = fill
        if wrap and isinstance(cell.value, str):
            cell.alignment = _WRAP
            width = ws.column_dimensions[cell.column_letter].width or 10
            lines = max(lines, math.ceil(len(cell.value) * 1.1 / width))
    if lines > 1:
        ws.row_dimensions[row].height = 15 * lines
    return row


def _table_header(ws: Worksheet, title: str, header: list[str]) -> None:
    _put(ws, [title], font=_SECTION_FONT)
    _put(ws, header, font=_REQUIRED_FONT, fill=_REQUIRED_FILL, wrap=True)


def _readme_sheets(ws: Worksheet) -> None:
    _table_header(ws, "Sheets", ["Sheet", "Key columns", "", "", "Required", "", "",
                                 "Description"])
    for sheet in WORKBOOK:
        _put(ws, [sheet.name, ", ".join(sheet.key), None, None,
                  "required" if sheet.required else "optional", None, None,
                  sheet.description], wrap=True)


def _readme_columns(ws: Worksheet) -> None:
    _table_header(ws, "Columns", ["Sheet", "Column", "Type", "Unit", "Required",
                                  "Blank means", "Allowed values", "Description"])
    for sheet in WORKBOOK:
        for col in sheet.columns:
            _put(ws, [sheet.name, col.name, col.kind, col.unit,
                      "required" if col.required else "optional",
                      show_default(col.default, col.required), _allowed_text(col),
                      col.description], wrap=True)


def _readme_settings(ws: Worksheet) -> str:
    _table_header(ws, "Policy settings (sheet Policy, column setting)", [
        "Setting", "May be scoped by", "", "Unit", "", "Default", "Value", "Description"])
    first = ws.max_row + 1
    for s in SETTINGS:
        _put(ws, [s.name, ", ".join(s.scoped_by) or "(whole case)", None, s.unit, None,
                  show_default(s.default), setting_bounds(s), s.description], wrap=True)
    return _define(ws.parent, "setting_names", ws.title, 1, first, ws.max_row)


def _readme_lists(ws: Worksheet, known: Mapping[tuple[str, ...], str]
                  ) -> dict[tuple[str, ...], str]:
    """Lists too long for an in-cell dropdown definition, written under the tables."""
    out: dict[tuple[str, ...], str] = {}
    for sheet in WORKBOOK:
        for col in sheet.columns:
            values = _choices(col)
            if values and values not in known and values not in out and _too_long(values):
                ws.append([])
                _put(ws, [f"Values of {sheet.name}.{col.name}"], font=_SECTION_FONT)
                first = ws.max_row + 1
                for value in values:
                    ws.append([value])
                out[values] = _define(ws.parent, f"list_{sheet.name}_{col.name}", ws.title,
                                      1, first, ws.max_row)
    return out


def _define(workbook: openpyxl.Workbook, name: str, sheet: str, column: int, first: int,
            last: int) -> str:
    letter = get_column_letter(column)
    ref = f"{quote_sheetname(sheet)}!${letter}${first}:${letter}${last}"
    workbook.defined_names[name] = DefinedName(name, attr_text=ref)
    return name


def define_id_lists(workbook: openpyxl.Workbook, chain: SupplyChain,
                    lists: dict[tuple[str, ...], str]) -> None:
    """Names over the id columns other sheets reference (their dropdown source)."""
    for sheet in WORKBOOK:
        for col in sheet.columns:
            if col.ref is None:
                continue
            ref_sheet, ref_col = col.ref.rsplit(".", 1)
            name = f"{ref_sheet}_{ref_col}_ids".lower()
            if name not in workbook.defined_names:
                target = next(s for s in WORKBOOK if s.name == ref_sheet)
                last = _rows_of(chain, target) + 1 + EXTRA_ROWS
                _define(workbook, name, ref_sheet, target.names.index(ref_col) + 1, 2, last)
            lists[("ref", col.ref)] = name


def _choices(col: Column) -> tuple[str, ...]:
    if col.allowed:
        return tuple(a for a in col.allowed if a)
    if col.choices:
        return tuple(col.choices)
    if col.kind == "bool":
        return ("TRUE", "FALSE")
    return ()


def _too_long(values: tuple[str, ...]) -> bool:
    return len(",".join(values)) + 2 > _LIST_LIMIT or any("," in v or '"' in v
                                                         for v in values)


def add_checks(ws: Worksheet, sheet: Sheet, rows: int,
               lists: Mapping[tuple[str, ...], str]) -> None:
    """Dropdowns for enumerated/id columns and range checks for bounded numbers."""
    last = rows + 1 + EXTRA_ROWS
    for i, col in enumerate(sheet.columns, start=1):
        check = _validation(col, lists)
        if check is None:
            continue
        letter = get_column_letter(i)
        check.add(f"{letter}2:{letter}{last}")
        ws.add_data_validation(check)


def _validation(col: Column, lists: Mapping[tuple[str, ...], str]) -> DataValidation | None:
    values = _choices(col)
    if values:
        source = lists.get(values) or '"' + ",".join(values) + '"'
        return _dropdown(col, source, strict=True)
    if col.ref is not None:
        return _dropdown(col, lists[("ref", col.ref)], strict=not col.wildcard)
    if col.kind == "number" and (col.low is not None or col.high is not None):
        return _range_check(col)
    return None


def _dropdown(col: Column, source: str, strict: bool) -> DataValidation:
    text = _allowed_text(col)
    return DataValidation(
        type="list", formula1=source, allow_blank=True, showDropDown=False,
        showErrorMessage=True, showInputMessage=True,
        errorStyle="stop" if strict else "warning", errorTitle=col.name[:32],
        error=f"{col.name}: {text}"[:225], promptTitle=col.name[:32],
        prompt=col.description[:250])


def _range_check(col: Column) -> DataValidation:
    if col.low is not None and col.high is not None:
        operator, first, second = "between", col.low, col.high
    elif col.low is not None:
        operator, first, second = "greaterThanOrEqual", col.low, None
    else:
        operator, first, second = "lessThanOrEqual", col.high, None
    return DataValidation(
        type="decimal", operator=operator, formula1=f"{first:g}",
        formula2=None if second is None else f"{second:g}", allow_blank=True,
        showErrorMessage=True, showInputMessage=False, errorStyle="stop",
        errorTitle=col.name[:32], error=f"{col.name} must be a number {_allowed_text(col)}"
        + (f" ({col.unit})" if col.unit else ""))

