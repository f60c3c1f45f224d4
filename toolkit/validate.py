"""Schema-driven validation of one table of raw cells.

The same code checks a sheet of an analyst's workbook and a CSV file of the
embedded dataset: it reads the :mod:`toolkit.schema` declaration, coerces each
cell to its declared kind, and collects every :class:`~toolkit.errors.Problem`
rather than stopping at the first.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from toolkit.errors import Problem
from toolkit.schema import (
    BUYERS,
    MAX_CELL_CHARS,
    ROW,
    STAGES,
    WILDCARD,
    Column,
    Sheet,
    column_dtype,
)

_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")
_TRUE = {"true", "yes", "y", "1", "t"}
_FALSE = {"false", "no", "n", "0", "f", ""}


@dataclass(frozen=True)
class Where:
    """Location of a table: its file, its sheet (None for a CSV) and first data row.

    ``rows``, when given, is the displayed row number of each table row (a workbook
    sheet whose blank rows were skipped); otherwise rows are numbered from ``first_row``.
    """

    file: str
    sheet: str | None
    first_row: int = 2
    rows: tuple[int, ...] | None = None

    def row(self, position: int) -> int:
        """Displayed row number of the table row at ``position`` (0-based)."""
        if self.rows is not None and 0 <= position < len(self.rows):
            return self.rows[position]
        return self.first_row + position

    def problem(self, rule: str, row: int | None = None, column: str | None = None,
                value: object = None) -> Problem:
        """Build a problem located in this table."""
        return Problem(self.file, rule, self.sheet, row, column, value)


def is_blank(value: object) -> bool:
    """True for None, empty/whitespace strings and float NaN from an empty cell."""
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    return isinstance(value, float) and math.isnan(value) and not isinstance(value, bool)


def to_number(value: object) -> float:
    """Coerce a cell to a finite float; numeric text ("1,200", " 3.5 ") is accepted.

    Raises
    ------
    ValueError
        With the rule broken, for text that is not a number, NaN or infinity.
    """
    if isinstance(value, bool):
        raise ValueError("must be a number, not TRUE/FALSE")
    if isinstance(value, int | float):
        try:
            number = float(value)
        except OverflowError:
            raise ValueError("must be a finite number (this one is too large)") from None
    else:
        text = str(value).strip().replace("\u00a0", "")
        if "," in text:
            if not _THOUSANDS.fullmatch(text):
                raise ValueError("must be a number (commas only as thousands separators, "
                                 "e.g. 1,200.5; use . for decimals)")
            text = text.replace(",", "")
        try:
            number = float(text)
        except (ValueError, OverflowError):
            raise ValueError("must be a number" + _percent_hint(text)) from None
    if math.isnan(number) or math.isinf(number):
        raise ValueError("must be a finite number (NaN and infinity are not allowed)")
    return number


def to_bool(value: object) -> bool:
    """Coerce TRUE/FALSE, yes/no, 1/0 (text or Excel boolean) to bool."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError("must be TRUE or FALSE")


def to_id(value: object) -> str:
    """Coerce an identifier cell to stripped text (2024.0 -> "2024").

    Raises
    ------
    ValueError
        When the id contains a line break, tab or other control character.
    """
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in text):
        raise ValueError("an id must not contain line breaks, tabs or control characters")
    return text


def coerce(value: object, col: Column) -> object:
    """Coerce one non-blank cell to the column's kind and check its bounds/allowed set."""
    if col.kind == "number":
        out: object = to_number(value)
        _check_bounds(float(out), col)
        if col.unit == "year" and not float(out).is_integer():
            raise ValueError("must be a whole year, e.g. 2030")
        return out
    if col.kind == "bool":
        return to_bool(value)
    out = to_id(value) if col.kind == "id" else str(value).strip()
    if len(str(out)) > MAX_CELL_CHARS:
        raise ValueError(f"is {len(str(out)):,} characters; Excel's limit for a cell is "
                         f"{MAX_CELL_CHARS:,} (the reports could not be opened): shorten it")
    if col.pattern is not None and not re.fullmatch(col.pattern, str(out)):
        raise ValueError(f"must match the pattern {col.pattern} (e.g. an ISO3 code)")
    if col.allowed is not None and out not in col.allowed:
        shown = ", ".join(a or "(blank)" for a in col.allowed)
        raise ValueError(f"must be one of: {shown}{did_you_mean(str(out), col.allowed)}")
    return out


def _percent_hint(text: str) -> str:
    """For text like "65%": shares and probabilities are entered as fractions."""
    if not text.endswith("%"):
        return ""
    try:
        share = float(text[:-1].strip()) / 100.0
    except ValueError:
        return ""
    return (f" (shares and probabilities are fractions: write {share:g} for {text}, or format "
            "the cell as a percentage)")


def closest(value: str, choices: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The choice closest to ``value`` (ignoring case and outer spaces), or None."""
    keyed = {c.lower().strip(): c for c in choices if c}
    close = difflib.get_close_matches(value.lower().strip(), list(keyed), n=1, cutoff=cutoff)
    return keyed[close[0]] if close else None


def did_you_mean(value: str, choices: Iterable[str], cutoff: float = 0.6) -> str:
    """`` (did you mean 'x'?)`` naming the closest choice, or ""."""
    close = closest(value, choices, cutoff)
    return f" (did you mean {close!r}?)" if close else ""


def _check_bounds(number: float, col: Column) -> None:
    if col.low is not None and number < col.low:
        raise ValueError(_range_rule(col, "at least"))
    if col.high is not None and number > col.high:
        raise ValueError(_range_rule(col, "at most"))


OVERFLOW_NOTE = " (larger numbers would overflow the solver)"


def _range_rule(col: Column, side: str) -> str:
    if col.low is not None and col.high is not None and col.high <= 1e6:
        return f"must be between {col.low:g} and {col.high:g}"
    bound = col.low if side == "at least" else col.high
    note = " (no negative numbers)" if bound == 0 else (
        OVERFLOW_NOTE if side == "at most" and bound is not None and bound >= 1e6 else "")
    return f"must be {side} {bound:g}{note}"


def check_columns(headers: Sequence[object], sheet: Sheet, where: Where) -> list[Problem]:
    """Report missing required columns (suggesting a close name) and duplicate headers."""
    present = [to_id(h) for h in headers if not is_blank(h)]
    problems = [where.problem(f"column {h!r} appears more than once", where.first_row - 1, h)
                for h in sorted({h for h in present if present.count(h) > 1})]
    for col in sheet.columns:
        if col.required and col.name not in present:
            problems.append(where.problem(_missing_rule(col.name, present, sheet),
                                          where.first_row - 1, col.name))
    return problems


def check_unknown_columns(headers: Sequence[object], sheet: Sheet,
                          where: Where) -> list[Problem]:
    """Report an undeclared header that looks like a misspelt *optional* column.

    Undeclared columns are otherwise allowed (analysts add notes), but a misspelt
    optional column would be silently replaced by its default.
    """
    present = [to_id(h) for h in headers if not is_blank(h)]
    absent = [c.name for c in sheet.columns if not c.required and c.name not in present]
    problems = []
    for header in dict.fromkeys(h for h in present if h not in sheet.names):
        close = closest(header, absent, cutoff=0.75)
        if close:
            problems.append(where.problem(
                f"unknown column: did you mean {close!r}? (a misspelt optional column "
                "would silently take its default)", where.first_row - 1, header))
    return problems


_CHAIN_ORDER = {stage: i for i, stage in enumerate((*STAGES, "buyer"))}


def check_routes(table: pd.DataFrame, where: Where) -> list[Problem]:
    """Report links that go backwards or sideways, and buyer links to a non-buyer.

    A route runs downstream (mine -> refine -> manufacture -> buyer, skipping a stage
    a mineral lacks); a link to stage ``buyer`` ends at one of :data:`BUYERS`.
    """
    problems = []
    for i, rec in enumerate(table.to_dict("records")):
        start, end = rec.get("from_stage"), rec.get("to_stage")
        if start in _CHAIN_ORDER and end in _CHAIN_ORDER and (
                _CHAIN_ORDER[end] <= _CHAIN_ORDER[start]):
            problems.append(where.problem(
                f"must come after from_stage {start!r} (links run mine -> refine -> "
                "manufacture -> buyer)", where.row(i), "to_stage", end))
        country = rec.get("to_country")
        if end == "buyer" and country and country not in BUYERS:
            problems.append(where.problem(
                f"a link to stage 'buyer' must end at a buyer: {', '.join(BUYERS)}",
                where.row(i), "to_country", country))
    return problems


def check_countries(table: pd.DataFrame, where: Where) -> list[Problem]:
    """``ROW`` (the rest-of-world aggregate) is never a partner: many countries, unnamed."""
    if "partner" not in table.columns:
        return []
    return [where.problem("ROW is the rest-of-world aggregate, never a partner (it stands "
                          "for many unnamed countries): set partner to FALSE or leave it "
                          "blank", where.row(i), "partner", True)
            for i, (country, flag) in enumerate(zip(table["country"], table["partner"],
                                                    strict=True))
            if country == ROW and bool(flag)]


def check_supply(table: pd.DataFrame, where: Where, production: str = "production_t",
                 capacity: str = "capacity_t") -> list[Problem]:
    """Today's output cannot exceed capacity: ``0 <= production_t <= capacity_t``."""
    if production not in table.columns or capacity not in table.columns:
        return []
    problems = []
    for i, (made, cap) in enumerate(zip(table[production], table[capacity], strict=True)):
        if not (_is_nan(made) or _is_nan(cap)) and float(made) > float(cap) * (1 + 1e-12):
            problems.append(where.problem(
                f"must be at most {capacity} ({_fmt(cap)}): today's output cannot exceed "
                "capacity", where.row(i), production, made))
    return problems


def check_disruptions(table: pd.DataFrame, where: Where) -> list[Problem]:
    """Scenario-level rules of the Disruptions table.

    * every row of one scenario carries the same probability (a scenario is one event);
    * probabilities are used as given, not normalised, and the rest of the year is the
      undisrupted outcome, so the scenarios that hit one mineral (``*`` hits all) must
      have probabilities that sum to at most 1.
    """
    if table.empty:
        return []
    problems, first, row_of = [], {}, {}
    for i, rec in enumerate(table.to_dict("records")):
        name, p = rec["scenario"], float(rec["probability"])
        if name in first and abs(first[name] - p) > 1e-12:
            problems.append(where.problem(
                f"scenario {name!r} has probability {first[name]:g} on an earlier row; "
                "a scenario has one probability", where.row(i), "probability", p))
        first.setdefault(name, p)
        row_of.setdefault(name, i)
    return problems + _probability_sums(table, first, row_of, where)


def _probability_sums(table: pd.DataFrame, prob: dict, row_of: dict,
                      where: Where) -> list[Problem]:
    hits: dict[str, set] = {}
    for name, mineral in zip(table["scenario"], table["mineral"], strict=True):
        hits.setdefault(mineral, set()).add(name)
    everywhere = hits.pop(WILDCARD, set())
    problems = []
    for mineral in sorted(hits) or ([WILDCARD] if everywhere else []):
        names = sorted(hits.get(mineral, set()) | everywhere, key=lambda n: row_of[n])
        total = sum(prob[n] for n in names)
        if total > 1 + 1e-9:
            problems.append(where.problem(
                f"the scenarios hitting {mineral} have probabilities summing to {total:g} "
                "> 1 (probabilities are not normalised; the rest of the year is the "
                "undisrupted outcome)", where.row(row_of[names[-1]]), "probability",
                prob[names[-1]]))
    return problems


def _missing_rule(name: str, present: Sequence[str], sheet: Sheet) -> str:
    unknown = [h for h in present if h not in sheet.names]
    close = difflib.get_close_matches(name, unknown, n=1, cutoff=0.6)
    hint = f" (found {close[0]!r}: did you mean {name!r}?)" if close else ""
    return f"required column {name!r} is missing{hint}"


def coerce_table(raw: pd.DataFrame, sheet: Sheet, where: Where) -> tuple[pd.DataFrame,
                                                                          list[Problem]]:
    """Coerce every declared column of ``raw``; return the typed table and the problems.

    Undeclared columns are kept as text.  Optional columns that are absent are added
    with their default.  ``raw``'s positional order gives the displayed row numbers.
    """
    problems: list[Problem] = []
    out = pd.DataFrame(index=range(len(raw)))
    for col in sheet.columns:
        if col.name in raw.columns:
            values, found = _coerce_column(raw[col.name].tolist(), col, where)
            out[col.name] = pd.Series(values, dtype=column_dtype(col))
            problems += found
        elif not col.required:
            out[col.name] = pd.Series([col.default] * len(raw), dtype=column_dtype(col))
    for extra in raw.columns:
        if extra not in out.columns:
            out[extra] = [None if is_blank(v) else v for v in raw[extra].tolist()]
    return out, problems


def _coerce_column(cells: list[object], col: Column, where: Where) -> tuple[list[object],
                                                                           list[Problem]]:
    values: list[object] = []
    problems: list[Problem] = []
    for i, cell in enumerate(cells):
        row = where.row(i)
        if is_blank(cell):
            if col.required:
                problems.append(where.problem("a value is required", row, col.name, ""))
            values.append(_blank_default(col))
            continue
        try:
            values.append(coerce(cell, col))
        except ValueError as exc:
            problems.append(where.problem(str(exc), row, col.name, cell))
            values.append(_blank_default(col))
    return values, problems


def _blank_default(col: Column) -> object:
    if col.kind == "number":
        return math.nan if col.default is None else col.default
    if col.kind == "bool":
        return bool(col.default)
    return "" if col.default is None else col.default


def check_keys(table: pd.DataFrame, sheet: Sheet, where: Where) -> list[Problem]:
    """Report rows whose key repeats an earlier row's key."""
    key = [k for k in sheet.key if k in table.columns]
    if not key or table.empty:
        return []
    first_seen: dict[tuple, int] = {}
    problems = []
    for i, values in enumerate(table[key].itertuples(index=False, name=None)):
        marker = tuple("\0nan" if _is_nan(v) else v for v in values)
        first = first_seen.setdefault(marker, i)
        if first == i:
            continue
        value = ", ".join(_fmt(v) for v in values)
        problems.append(where.problem(
            f"duplicate key ({', '.join(key)}) — same as row {where.row(first)}",
            where.row(i), key[0], value))
    return problems


def _is_nan(value: object) -> bool:
    return isinstance(value, float) and math.isnan(value)


def _fmt(value: object) -> str:
    if isinstance(value, float) and not math.isnan(value) and value.is_integer():
        return str(int(value))
    return str(value)


def check_refs(table: pd.DataFrame, sheet: Sheet, where: Where,
               known: Mapping[str, Iterable[str]]) -> list[Problem]:
    """Report ids that reference an undeclared mineral, country...

    ``known`` maps ``"Sheet.column"`` to the ids declared there.
    """
    problems = []
    for col in sheet.columns:
        if col.ref is None or col.name not in table.columns or col.ref not in known:
            continue
        ids = set(known[col.ref])
        for i, value in enumerate(table[col.name].tolist()):
            for part in _parts(value, col):
                if part in ids or part == col.wildcard or part in ("", None):
                    continue
                problems.append(where.problem(_ref_rule(col, part, ids), where.row(i),
                                              col.name, value))
    return problems


def _parts(value: object, col: Column) -> list[object]:
    if col.separator and isinstance(value, str):
        return [p.strip() for p in value.split(col.separator)]
    return [value]


# Codes analysts write for a country instead of its ISO 3166-1 alpha-3 code
COUNTRY_ALIASES = {"UK": "GBR", "GB": "GBR", "JP": "JPN", "US": "USA", "EU": "EUU"}


def _ref_rule(col: Column, value: object, ids: set[str]) -> str:
    ref_sheet, ref_col = col.ref.rsplit(".", 1) if col.ref else ("", "")
    alias = COUNTRY_ALIASES.get(str(value).upper())
    close = [alias] if alias in ids else difflib.get_close_matches(
        str(value), sorted(ids), n=1, cutoff=0.75)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown {ref_col}: not declared in {ref_sheet}{hint}"


def validate_table(raw: pd.DataFrame, sheet: Sheet, where: Where,
                   known: Mapping[str, Iterable[str]] | None = None
                   ) -> tuple[pd.DataFrame, list[Problem]]:
    """Full check of one table: columns, cells, keys and references.

    Returns the typed table (usable only when the problem list is empty).
    """
    problems = check_columns(list(raw.columns), sheet, where)
    table, found = coerce_table(raw, sheet, where)
    problems += found
    problems += check_keys(table, sheet, where)
    if known:
        problems += check_refs(table, sheet, where, known)
    return table, problems
