"""The Excel report: one workbook an analyst can work from.

Sheets: Summary, China share, Concentration, Portfolio, Stockpile, Disruptions,
Market, Bids, Sensitivity (:mod:`toolkit.reports.excel_market`), Pareto, Prices,
Inputs, Provenance.  Numbers are stored as numbers with number
formats, headers are frozen, widths set, and native Excel charts (China share by
stage, cost vs China cap) read their data from the sheets.  Every text cell goes
through :func:`toolkit.reports.safety.put_cell` (formula-injection guard).  The file
is reproducible: fixed document times and zip entry dates.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import zipfile
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import Reference, ScatterChart, Series
from openpyxl.worksheet.worksheet import Worksheet

from toolkit.reports import data, palette, plain, provenance, words
from toolkit.reports.excel_china import china_share_sheet, concentration_sheet, show_axes
from toolkit.reports.excel_print import fit_widths, setup_print
from toolkit.reports.excel_tables import (
    CARE_FONT,
    TITLE_FONT,
    chart_page,
    joint_note,
    note,
    noted_sheet,
    table_sheet,
    title,
    write_table,
)
from toolkit.reports.excel_write import FixedDateZip, ReportWriter
from toolkit.reports.findings import (
    CANNOT,
    JOINT_SPLIT_NOTE,
    Tables,
    cannot,
    findings,
    is_joint,
    place_caveats,
)
from toolkit.reports.safety import put_cell


def summary_sheet(wb: Workbook, t: Tables, bundle: dict, name: str) -> None:
    """Findings in plain words, headline numbers per case and buyer, cases, cooperation."""
    ws = wb.active
    ws.title = "Summary"
    title(ws, provenance.titled("Critical-mineral sourcing report", bundle, name),
          font=TITLE_FONT)
    facts = dict(provenance.run_facts(bundle).itertuples(index=False))
    stamp = f"Run {words.when(facts['run_timestamp'])} · " if facts["run_timestamp"] else ""
    put_cell(ws, 2, 1, f"{stamp}Input {facts['input_file']} · toolkit "
             f"{facts['toolkit_version']} · solver {facts['solver']} "
             f"{facts['solver_version']}".rstrip())
    title(ws, "Key findings", 4)
    lines = findings(t)
    placed, loose = place_caveats(t, lines)
    row = 5
    for i, line in enumerate(lines or ["none"]):
        put_cell(ws, row, 1, f"• {line}")
        for caveat in placed.get(i, []):
            row += 1
            put_cell(ws, row, 1, f"Read with care: {caveat}").font = CARE_FONT
        row += 1
    row += 1
    if loose:
        title(ws, "Read with care", row)
        for line in loose:
            row += 1
            put_cell(ws, row, 1, f"• {line}").font = CARE_FONT
        row += 2
    title(ws, "Headline numbers per policy case and buyer", row)
    head_row = row + 1
    if any(is_joint(c) for c in t.cases):
        head_row += 1
        note(ws, row + 1, "Per-buyer rows of a joint case: " + JOINT_SPLIT_NOTE)
    shown = _shown_costs(t.headline, "cost_usd", t)
    china = [c for c in shown.columns if c.startswith("china_")]
    row = write_table(ws, shown.drop(columns=china), head_row) + 2
    title(ws, "China's share of supply per policy case and buyer (mean over minerals, "
          "today's world mix → recommended plan)", row)
    row = write_table(ws, shown[["case", "buyer", *china]], row + 1) + 2
    row = _cases_block(ws, t, row)
    row = _cooperation_block(ws, t, row)
    row = _diagnosis_block(ws, t, row)
    ws.sheet_properties.tabColor = "1F4E79"
    fit_widths(ws, skip_rows=set(range(1, head_row)))
    ws.column_dimensions["A"].width = max(ws.column_dimensions["A"].width or 10, 14)
    ws.freeze_panes = "A3"
    china_share_sheet(wb, t, f"A{row}")


def _shown_costs(table: pd.DataFrame, column: str, t: Tables) -> pd.DataFrame:
    """``table`` with ``column`` blank and ``status`` "cannot be met" on rows of cases or
    points that cannot be met (the cost column holds numbers only)."""
    status = table["status"] if "status" in table else table["case"].map(
        {c.name: c.status for c in t.cases})
    met = status.astype(str) == "optimal"
    words = [s if ok else cannot(s) for s, ok in zip(status.astype(str), met, strict=True)]
    return table.assign(**{column: table[column].where(met), "status": words})


def _cases_block(ws: Worksheet, t: Tables, row: int) -> int:
    title(ws, "Policy cases", row)
    table = pd.DataFrame([{"case": c.name, "mode": c.mode, "status": c.status,
                           "objective_usd": c.objective_usd,
                           "total_over_years_usd": data.number(c.raw.get("objective_usd"))
                           if c.raw.get("multi_year") else math.nan,
                           "feasible_minerals_cost_usd": math.nan if c.status == "optimal"
                           else data.number(c.raw.get("feasible_minerals_cost_usd")),
                           "problems": len(data.diagnosis_lines(c))} for c in t.cases])
    note(ws, row + 1, "objective_usd: the case's annual cost (of its first modelled year for "
         f"a case over several years; blank when the case {CANNOT}); total_over_years_usd: "
         "a multi-year case's cost summed over its modelled years, annualised capital cost "
         "included; feasible_minerals_cost_usd: for a case that cannot be met, the cost of "
         "the minerals that can be met only — a partial figure, not the case's cost.")
    return write_table(ws, _shown_costs(table, "objective_usd", t), row + 2) + 2


def _cooperation_block(ws: Worksheet, t: Tables, row: int) -> int:
    """Cooperation numbers per case (definition as a note line); the per-mineral
    numbers and the over-claims are on their own sheets."""
    title(ws, "Value of cooperation (joint vs independent planning)", row)
    rows, notes = [], []
    for case in t.cases:
        coop = data.cooperation(case)
        notes += [str(coop["definition"])] if coop.get("definition") else []
        rows.append({"case": case.name, **{k: v for k, v in coop.items()
                                           if k != "definition"
                                           and not isinstance(v, list | dict)}})
    for text in dict.fromkeys(notes):
        row += 1
        note(ws, row, f"Definition: {text}")
    row += 1
    note(ws, row, "independent_ / joint_worst_served_share: in the worst scenario, the share "
         "of the two buyers' combined demand that is served. Per mineral: sheet "
         "Cooperation; nodes the independent plans over-claim: sheet Over-claims.")
    rows = [r for r in rows if len(r) > 1]
    return write_table(ws, pd.DataFrame(rows) if rows else pd.DataFrame(columns=["case"]),
                       row + 1) + 2


def _diagnosis_block(ws: Worksheet, t: Tables, row: int) -> int:
    """One line per problem of each case that cannot be met (wrapped when printed)."""
    title(ws, "Diagnosis of policy cases that cannot be met", row)
    lines = [f"{c.name} ({cannot(c.status)}): {line}" for c in t.cases
             for line in plain.diagnosis(data.diagnosis_lines(c), data.diagnosis_rows(c))]
    for i, line in enumerate(lines or ["none"], start=row + 1):
        put_cell(ws, i, 1, f"• {line}")
    return row + max(1, len(lines)) + 2


def disruptions_sheet(wb: Workbook, t: Tables, chain) -> None:
    """Served and unserved tonnes per scenario; the UK and Japan's totals per scenario
    (sheet Disruption totals) and the scenario definitions (sheet Scenarios)."""
    from toolkit.reports.excel_market import disruption_sheet

    ws = table_sheet(wb, "Disruptions", t.scenarios, fit=False)
    joint_note(ws, t, t.scenarios, len(t.scenarios) + 3)
    fit_widths(ws)
    disruption_sheet(wb, t)
    if chain is not None and not chain.disruptions.empty:
        table_sheet(wb, "Scenarios", chain.disruptions.reset_index(drop=True))


def prices_sheet(wb: Workbook, t: Tables) -> None:
    """Binding constraints first, the largest saving of a one-point step first (the
    re-solved ``step_usd``; the shadow price where none was re-solved); then the
    non-binding ones.

    A constraint binds when its shadow price (USD per percentage point) is non-zero.
    """
    ws = wb.create_sheet("Prices")
    binding = data.binding_prices(t.prices).drop(columns="saving_usd")
    last = write_table(ws, binding.reset_index(drop=True))
    rest = t.prices[~(t.prices["usd_per_pp"].abs() > 0)].reset_index(drop=True)
    if not rest.empty:
        title(ws, f"Not binding: shadow price 0 or none ({len(rest)} constraints)", last + 2)
        write_table(ws, rest, last + 3)
    ws.freeze_panes = "A2"
    fit_widths(ws, skip_rows={last + 2})


KEPT_SHEET = "Pareto, cap can be met"


def pareto_sheet(wb: Workbook, t: Tables) -> None:
    """The frontier points and a native line chart per sweep (each on a page of its
    own); the per-mineral points on sheet Pareto by mineral.

    A point that cannot be met has a blank ``objective_usd``, status "cannot be met" and
    a gap in the chart (``feasible_cost_usd`` blank); ``feasible_minerals_cost_usd`` is
    the partial cost of the minerals that can be met there.
    """
    ws = table_sheet(wb, "Pareto", _shown_costs(t.pareto, "objective_usd", t))
    row = max(len(t.pareto), 1) + 3
    if not t.pareto.empty:
        note(ws, row, f"objective_usd blank, status “{CANNOT}”: no plan meets the cap for "
             "every mineral (a gap in the chart); feasible_minerals_cost_usd is the cost of "
             "the minerals that can be met only — partial, not a cost of the point.")
    sweeps = [s for s in ("china_share", "expected_shortfall") if (t.pareto["sweep"] == s).any()]
    for sweep in sweeps:
        chart_page(wb, _pareto_chart(ws, t.pareto, sweep), "data: sheet Pareto")
    if not t.pareto_minerals.empty:
        kept = t.pareto_kept
        if not kept.empty:
            kept_ws = table_sheet(wb, KEPT_SHEET, kept.drop(columns="feasible_cost_usd"))
            note(kept_ws, len(kept) + 3, "The brief's chart: per case and sweep, the cost "
                 "summed over the minerals that can meet the first cap below the loosest "
                 "(minerals; left_out: the others), blank where one of them cannot.")
        table_sheet(wb, "Pareto by mineral", _shown_costs(t.pareto_minerals,
                                                          "objective_usd", t))


def _pareto_chart(ws: Worksheet, pareto: pd.DataFrame, sweep: str) -> ScatterChart:
    """Cost (feasible points) against the cap, one line per case."""
    chart = ScatterChart()
    chart.style = 13
    label = "cap on China's share" if sweep == "china_share" else "cap on expected shortfall"
    at = pareto[pareto["sweep"] == sweep]
    gaps = at["feasible_cost_usd"].isna().any()
    chart.title = f"Annual cost vs {label}" + (f" (gaps: {CANNOT})" if gaps else "")
    chart.x_axis.title, chart.y_axis.title = label, "USD per year"
    chart.x_axis.number_format = "0%" if sweep == "china_share" else "0.000"
    chart.y_axis.number_format = "#,##0"
    x_col = list(pareto.columns).index("epsilon") + 1
    y_col = list(pareto.columns).index("feasible_cost_usd") + 1
    for k, case in enumerate(dict.fromkeys(pareto.loc[pareto["sweep"] == sweep, "case"])):
        rows = [i + 2 for i in pareto.index[(pareto["sweep"] == sweep)
                                            & (pareto["case"] == case)]]
        xs = Reference(ws, min_col=x_col, min_row=rows[0], max_row=rows[-1])
        ys = Reference(ws, min_col=y_col, min_row=rows[0], max_row=rows[-1])
        series = Series(ys, xs, title=str(case))
        series.marker.symbol = "circle"
        series.graphicalProperties.line.solidFill = palette.excel(palette.case_colour(k))
        chart.series.append(series)
    show_axes(chart)
    chart.width, chart.height = 18, 9
    return chart


def inputs_sheet(wb: Workbook, t: Tables, chain) -> None:
    """The settings each case used; the policy rows of the input on sheet Policy."""
    table_sheet(wb, "Inputs", split_values(t.settings.map(as_number)))
    if chain is not None and not chain.policy.empty:
        table_sheet(wb, "Policy", split_values(chain.policy.reset_index(drop=True)
                                               .map(as_number)))


def split_values(table: pd.DataFrame, column: str = "value") -> pd.DataFrame:
    """``column`` holding numbers only, with its words (``joint``...) in ``<column>_text``
    right after it: a numeric column never holds text."""
    if column not in table.columns:
        return table
    words = table[column].map(lambda v: v if isinstance(v, str) else None)
    numbers = table[column].map(lambda v: None if isinstance(v, str) else v)
    out = table.assign(**{column: numbers})
    out.insert(list(table.columns).index(column) + 1, f"{column}_text", words)
    return out


NUMBER_TEXT = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def as_number(value: object) -> object:
    """A plain decimal number written as text (``'5'``, ``'0.1'``) as a float; else as is.

    Words (``joint``), ``nan``/``inf`` and anything else stay as they are (and text is
    still written through the formula-injection guard).
    """
    if isinstance(value, str) and NUMBER_TEXT.fullmatch(value.strip()):
        number = float(value)
        return number if math.isfinite(number) else value
    return value


def provenance_sheet(wb: Workbook, bundle: dict) -> None:
    """Run facts (version, solver, input, SHA-256, run time); every source on sheet
    Sources."""
    table_sheet(wb, "Provenance", provenance.run_facts(bundle))
    table_sheet(wb, "Sources", provenance.sources(bundle))


# ----------------------------------------------------------------------------- file


def build_workbook(t: Tables, bundle: dict, name: str) -> Workbook:
    """The report workbook of a bundle (not yet saved)."""
    chain = bundle.get("chain")
    wb = Workbook()
    summary_sheet(wb, t, bundle, name)
    concentration_sheet(wb, t)
    noted_sheet(wb, "Portfolio", t.portfolio, t, "B2")
    noted_sheet(wb, "Stockpile", t.stockpile, t)
    disruptions_sheet(wb, t, chain)
    from toolkit.reports.excel_cooperation import cooperation_sheets
    from toolkit.reports.excel_market import market_sheets

    market_sheets(wb, t)
    pareto_sheet(wb, t)
    prices_sheet(wb, t)
    cooperation_sheets(wb, t, chain)
    from toolkit.reports.excel_years import years_sheets

    years_sheets(wb, t, chain)
    inputs_sheet(wb, t, chain)
    provenance_sheet(wb, bundle)
    for ws in wb.worksheets:
        setup_print(ws)
    _properties(wb, bundle, name)
    return wb


def _properties(wb: Workbook, bundle: dict, name: str) -> None:
    stamp = provenance.run_time(bundle)
    props = wb.properties
    props.creator, props.lastModifiedBy = "toolkit", "toolkit"
    props.title = provenance.titled("Critical-mineral sourcing report", bundle, name)
    props.created = props.modified = stamp


def workbook_bytes(wb: Workbook, stamp: dt.datetime) -> bytes:
    """The workbook as reproducible .xlsx bytes.

    openpyxl's ``save`` stamps the current time into ``docProps/core.xml`` and the zip
    entries; here the document times are the run's and every zip entry has a fixed date
    (:class:`~toolkit.reports.excel_write.FixedDateZip`).  The sheets are serialised by
    :class:`~toolkit.reports.excel_write.ReportWriter`.
    """
    raw = io.BytesIO()
    with FixedDateZip(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        wb.properties.created = wb.properties.modified = stamp
        ReportWriter(wb, archive).write_data()
    return raw.getvalue()


def write_workbook(t: Tables, bundle: dict, name: str, path: Path) -> Path:
    """Write the report workbook to ``path`` (the caller makes it atomic)."""
    wb = build_workbook(t, bundle, name)
    Path(path).write_bytes(workbook_bytes(wb, provenance.run_time(bundle)))
    return Path(path)

