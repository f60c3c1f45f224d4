"""Validation of a workbook's sheets, once read (:mod:`toolkit.io.excel`): each sheet
against its schema declaration, in schema order, then the checks across sheets (demand
without supply, market demand above output, projects, demand no allowed route reaches).
Every problem names file, sheet, row, column, value and rule."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import pandas as pd

from toolkit.chain import empty_table
from toolkit.errors import Problem
from toolkit.schema import (
    COUNTRIES,
    DISRUPTIONS,
    POLICY,
    ROUTES,
    SUPPLY,
    WORKBOOK,
    Sheet,
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
    coerce_table,
)

if TYPE_CHECKING:
    from toolkit.io.excel import RawSheet

MAX_PROBLEMS_PER_SHEET = 1000
"""Problems listed per sheet; beyond, one line gives the count of the others."""


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
        from toolkit.case_names import check_case_names
        from toolkit.policy import check_policy

        return [p for i in range(len(table)) for p in check_policy(
            table.iloc[[i]].reset_index(drop=True), Where(where.file, where.sheet,
                                                          where.row(i)))] \
            + check_case_names(table, where)
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
