"""Workbook sheets of China's place in each chain: sheet China share (China's share of
each buyer's supply by stage, today and in the plan, with its chart, also shown on the
Summary) and sheet Concentration (world concentration with risk-band colours, China's
share of world supply by stage) with each buyer's import reliance."""

from __future__ import annotations

import re

import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from toolkit.reports import palette
from toolkit.reports.excel_print import fit_widths
from toolkit.reports.excel_tables import (
    BAND_FILLS,
    chart_page,
    table_sheet,
    title,
    write_table,
)
from toolkit.reports.findings import Tables
from toolkit.schema import STAGES


def china_share_sheet(wb: Workbook, t: Tables, summary_anchor: str) -> None:
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
    show_axes(chart)
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


def show_axes(chart) -> None:
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
    show_axes(chart)
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
