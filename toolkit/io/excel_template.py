"""The input template: a workbook pre-filled with a chain, driven by the one schema
declaration (:mod:`toolkit.schema`): sheets, headers, header notes, widths, dropdowns and
range checks, and a README sheet explaining every sheet, column, unit and setting.
Writing is atomic (temporary file in the target folder, then :func:`os.replace`)."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from pathlib import Path

import openpyxl
import pandas as pd
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from toolkit import __version__
from toolkit.chain import SupplyChain, empty_table
from toolkit.errors import InputError, OutputError, Problem
from toolkit.io.atomic import atomic_path, output_errors
from toolkit.schema import (
    POLICY,
    SETTING_NAMES,
    SETTINGS,
    WORKBOOK,
    Column,
    Sheet,
)
from toolkit.schema_docs import setting_bounds, show_default
from toolkit.validate import (
    to_number,
)

README = "README"
EXTRA_ROWS = 500
"""Rows below the data that keep the template's dropdowns, for rows analysts add."""
_LIST_LIMIT = 255  # Excel's limit on a literal list in a data validation


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
        type="whole" if col.unit == "year" else "decimal", operator=operator,
        formula1=f"{first:g}",
        formula2=None if second is None else f"{second:g}", allow_blank=True,
        showErrorMessage=True, showInputMessage=False, errorStyle="stop",
        errorTitle=col.name[:32], error=f"{col.name} must be a "
        f"{'whole year' if col.unit == 'year' else 'number'} {_allowed_text(col)}"
        + (f" ({col.unit})" if col.unit and col.unit != "year" else ""))
