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
from openpyxl.chart import BarChart, Reference, ScatterChart, Series
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from toolkit.reports import data, palette, provenance, words
from toolkit.reports.excel_cells import TableCells
from toolkit.reports.excel_print import fit_widths, number_format, setup_print
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
from toolkit.schema import STAGES

NAVY = palette.excel(palette.NAVY)
HEADER_FILL = PatternFill("solid", fgColor=NAVY)
HEADER_FONT = Font(bold=True, color="FFFFFF")
TITLE_FONT = Font(bold=True, size=14, color=NAVY)
SECTION_FONT = Font(bold=True, size=12, color=NAVY)
NOTE_FONT = Font(italic=True)
CARE_FONT = Font(bold=True, color=palette.excel(palette.RED))
BAND_FILLS = (("high", "F4CCCC"), ("moder", "FCE5CD"), ("low", "D9EAD3"))


# columns holding a scenario name: generated ones (``top_country_loss:mine``) are written
# in words ("loss of the largest mining country"), as in the brief
SCENARIO_COLUMNS = frozenset({"scenario", "worst_scenario"})


def write_table(ws: Worksheet, table: pd.DataFrame, row: int = 1, col: int = 1) -> int:
    """Write ``table`` with a styled header at (row, col); return its last row.

    An empty table gets one ``none`` line under its header.
    """
    for j, name in enumerate(table.columns):
        cell = put_cell(ws, row, col + j, header_label(name))
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
    formats = [number_format(str(c)) for c in table.columns]
    named = [str(c) in SCENARIO_COLUMNS for c in table.columns]
    cells = TableCells(ws)
    for i, values in enumerate(table.itertuples(index=False), start=row + 1):
        for j, value in enumerate(values):
            if named[j] and isinstance(value, str):
                value = words.scenario(value)  # a generated scenario's id in words
            cells.put(i, col + j, value, formats[j])  # a number without a rule: value_format
    if table.empty:
        put_cell(ws, row + 1, col, "none").font = NOTE_FONT
        return row + 1
    return row + len(table)


def header_label(column: object) -> str:
    """A column name as its printed header: ``cost_usd`` → ``cost usd`` (wraps at spaces)."""
    return str(column).replace("_", " ")


def note(ws: Worksheet, row: int, text: str) -> None:
    """An italic note line in column A (wrapped across the table when printed)."""
    put_cell(ws, row, 1, text).font = NOTE_FONT


def title(ws: Worksheet, text: str, row: int = 1, font: Font = SECTION_FONT) -> None:
    """A bold title cell."""
    put_cell(ws, row, 1, text).font = font


# ----------------------------------------------------------------------------- sheets


def summary_sheet(wb: Workbook, t: Tables, bundle: dict, name: str) -> None:
    """Findings in plain words, headline numbers per case and buyer, cases, cooperation."""
    ws = wb.active
    ws.title = "Summary"
    title(ws, f"Critical-mineral sourcing report — {name}", font=TITLE_FONT)
    facts = dict(provenance.run_facts(bundle).itertuples(index=False))
    stamp = f"Run {facts['run_timestamp']} · " if facts["run_timestamp"] else ""
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
    _china_stage_chart(wb, t, f"A{row}")


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
                           "feasible_minerals_cost_usd":
                               data.number(c.raw.get("feasible_minerals_cost_usd")),
                           "problems": len(data.diagnosis_lines(c))} for c in t.cases])
    note(ws, row + 1, "objective_usd: the case's annual cost (blank when the case "
         f"{CANNOT}); feasible_minerals_cost_usd: cost of the minerals that can be met "
         "only — a partial figure, not the cost of a case that cannot be met.")
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
             for line in data.diagnosis_lines(c)]
    for i, line in enumerate(lines or ["none"], start=row + 1):
        put_cell(ws, i, 1, f"• {line}")
    return row + max(1, len(lines)) + 2


def _china_stage_chart(wb: Workbook, t: Tables, summary_anchor: str) -> None:
    """Chart data + bar chart: China share by buyer and stage, before and after."""
    ws = wb.create_sheet("China share")
    last = write_table(ws, t.china)
    left = len(t.china.columns) + 2
    write_table(ws, t.touch.rename(columns={"baseline_share": "touch_baseline_share",
                                            "portfolio_share": "touch_portfolio_share"}),
                1, left)
    block = _stage_block(t)
    top = max(last, len(t.touch) + 1) + 3
    title(ws, "Chart data: mean China share over minerals, first feasible case", top - 1)
    end = write_table(ws, block, top)
    ws.freeze_panes = "A2"
    fit_widths(ws, skip_rows={top - 1})
    if block.empty:
        return
    chart = _share_bar(ws, top, end, "China's share of supply by buyer and stage "
                       "(mean over minerals)", (18, 8))
    chart.y_axis.title = "China share"
    chart_page(wb, chart, "data: sheet China share")
    wb["Summary"].add_chart(_share_bar(ws, top, end, "China share by stage: today → plan",
                                       (16, 7)), summary_anchor)


CHART_ROWS = 40  # rows between the charts of sheet Charts (each starts a page)


def chart_page(wb: Workbook, chart, caption: str) -> None:
    """Put ``chart`` on sheet Charts (after Summary), under a caption line naming its
    data; :func:`toolkit.reports.excel_print.keep_charts_whole` starts a page there."""
    ws = wb["Charts"] if "Charts" in wb.sheetnames else wb.create_sheet("Charts", 1)
    row = 1 + CHART_ROWS * len(ws._charts)
    put_cell(ws, row, 1, f"Chart {len(ws._charts) + 1} — {caption}").font = NOTE_FONT
    ws.add_chart(chart, f"A{row + 1}")
    ws.column_dimensions["A"].width = 40


def _share_bar(ws: Worksheet, top: int, end: int, title: str,
               size: tuple[float, float]) -> BarChart:
    """Clustered columns of the today/plan China shares in ``ws`` rows ``top..end``."""
    chart = BarChart()
    chart.type, chart.grouping = "col", "clustered"
    chart.title = title
    chart.y_axis.number_format = "0%"
    chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0.0, 1.0
    chart.add_data(Reference(ws, min_col=2, max_col=3, min_row=top, max_row=end),
                   titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=top + 1, max_row=end))
    colour_series(chart, [palette.TODAY, palette.PLAN])
    _show_axes(chart)
    chart.width, chart.height = size
    return chart


def colour_series(chart, colours: list[str]) -> None:
    """Fill (and line) each series of ``chart`` with the palette colours in order."""
    for series, colour in zip(chart.series, colours, strict=False):
        series.graphicalProperties.solidFill = palette.excel(colour)
        series.graphicalProperties.line.solidFill = palette.excel(colour)


def _stage_block(t: Tables) -> pd.DataFrame:
    feasible = [c.name for c in t.cases if c.status == "optimal"] or [c.name for c in t.cases]
    head = t.headline[t.headline["case"] == feasible[0]] if feasible else t.headline
    rows = [{"buyer_stage": f"{r['buyer']} {s}", "today_world_mix": r[f"china_{s}_before"],
             "recommended_plan": r[f"china_{s}_after"]}
            for _, r in head.iterrows() for s in STAGES
            if not pd.isna(r[f"china_{s}_before"]) or not pd.isna(r[f"china_{s}_after"])]
    return pd.DataFrame(rows, columns=["buyer_stage", "today_world_mix", "recommended_plan"])


def _show_axes(chart) -> None:
    chart.x_axis.delete = False
    chart.y_axis.delete = False


BUYER_METRICS = re.compile(r"^(gbr|jpn)_")


def concentration_sheet(wb: Workbook, t: Tables) -> None:
    """World concentration per mineral, stage and year with risk-band colours, China's
    share by stage (chart and its data); each buyer's import reliance and exposure to
    China on sheet Import reliance."""
    ws = wb.create_sheet("Concentration")
    table = t.metrics if t.metrics is not None else pd.DataFrame(
        columns=["mineral", "stage", "year", "china_share", "hhi", "risk_band"])
    buyer = [c for c in table.columns if BUYER_METRICS.match(str(c))]
    last = write_table(ws, table.drop(columns=buyer))
    ws.freeze_panes = "C2"
    _band_rules(ws, table.drop(columns=buyer), last)
    pivot = _china_pivot(t.latest)
    if not pivot.empty:
        title(ws, "Chart data: China's share of world supply by stage (latest year)",
              last + 2)
        end = write_table(ws, pivot, last + 3)
    fit_widths(ws, skip_rows={last + 2})
    if buyer:
        table_sheet(wb, "Import reliance", table[["mineral", "stage", "year", *buyer]],
                    "C2")
    if pivot.empty:
        return
    chart = BarChart()
    chart.type, chart.grouping = "bar", "clustered"
    chart.title = "China's share of world supply by stage (latest year)"
    chart.x_axis.number_format = chart.y_axis.number_format = "0%"
    chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0.0, 1.0
    chart.add_data(Reference(ws, min_col=2, max_col=len(pivot.columns),
                             min_row=last + 3, max_row=end), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=last + 4, max_row=end))
    colour_series(chart, [palette.STAGE_COLOURS[s] for s in pivot.columns[1:]])
    _show_axes(chart)
    chart.width, chart.height = 24, min(17.0, max(7.5, 0.45 * len(pivot)))
    chart_page(wb, chart, "data: sheet Concentration")


def _china_pivot(latest: pd.DataFrame) -> pd.DataFrame:
    if latest.empty or "china_share" not in latest:
        return pd.DataFrame(columns=["mineral", *STAGES])
    pivot = latest.pivot_table(index="mineral", columns="stage", values="china_share",
                               aggfunc="mean", sort=False)
    order = list(dict.fromkeys(latest["mineral"]))
    pivot = pivot.reindex(order)
    pivot = pivot[[s for s in STAGES if s in pivot.columns]]
    return pivot.reset_index().rename(columns={"index": "mineral"})


def _band_rules(ws: Worksheet, table: pd.DataFrame, last: int) -> None:
    """Fill each metrics row by its risk band (high red, moderate amber, low green)."""
    if "risk_band" not in table.columns or table.empty:
        return
    band = get_column_letter(list(table.columns).index("risk_band") + 1)
    area = f"A2:{get_column_letter(len(table.columns))}{last}"
    for word, colour in BAND_FILLS:
        fill = PatternFill("solid", fgColor=colour, bgColor=colour)
        ws.conditional_formatting.add(area, FormulaRule(
            formula=[f'ISNUMBER(SEARCH("{word}",${band}2))'], fill=fill, stopIfTrue=True))


def table_sheet(wb: Workbook, name: str, table: pd.DataFrame, freeze: str = "A2",
                fit: bool = True) -> Worksheet:
    """A sheet holding one table, header frozen, widths fitted (unless not ``fit``: the
    caller adds lines under the table first, then calls :func:`fit_widths`)."""
    ws = wb.create_sheet(name)
    write_table(ws, table)
    ws.freeze_panes = freeze
    if fit:
        fit_widths(ws)
    return ws


def joint_note(ws: Worksheet, t: Tables, table: pd.DataFrame, row: int) -> int:
    """If ``table`` has rows of a joint case, the buyer-split note in column A at ``row``
    (under the table). Returns the next free row (``row`` when no note is written)."""
    joint = {c.name for c in t.cases if is_joint(c)}
    if table.empty or not table["case"].isin(joint).any():
        return row
    note(ws, row, "Joint cases (" + ", ".join(sorted(joint)) + "): " + JOINT_SPLIT_NOTE)
    return row + 2


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


def noted_sheet(wb: Workbook, name: str, table: pd.DataFrame, t: Tables,
                freeze: str = "A2") -> None:
    """A one-table sheet with the joint buyer-split note under it when it applies."""
    ws = table_sheet(wb, name, table, freeze, fit=False)
    joint_note(ws, t, table, max(len(table), 1) + 3)
    fit_widths(ws)  # the note is a lone line: it takes no part in the widths


def prices_sheet(wb: Workbook, t: Tables) -> None:
    """Binding constraints first, largest shadow price first; then the non-binding ones.

    A constraint binds when its shadow price (USD per percentage point) is non-zero.
    """
    ws = wb.create_sheet("Prices")
    price = t.prices["usd_per_pp"]
    size = price.abs()
    binding = t.prices[size > 0].assign(_a=size).sort_values(
        ["_a", "case", "setting", "mineral", "stage", "buyer"],
        ascending=[False, True, True, True, True, True], kind="stable").drop(columns="_a")
    last = write_table(ws, binding.reset_index(drop=True))
    rest = t.prices[~(size > 0)].reset_index(drop=True)
    if not rest.empty:
        title(ws, f"Not binding: shadow price 0 or none ({len(rest)} constraints)", last + 2)
        write_table(ws, rest, last + 3)
    ws.freeze_panes = "A2"
    fit_widths(ws, skip_rows={last + 2})


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
    _show_axes(chart)
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
    props.title = f"Critical-mineral sourcing report — {name}"
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

