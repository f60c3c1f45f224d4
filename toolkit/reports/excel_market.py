"""Workbook sheets of the world market: Market, Bids, Sensitivity (with a native chart)."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.chart import Reference, ScatterChart, Series

from toolkit.reports import palette
from toolkit.reports.excel_tables import chart_page, note, table_sheet
from toolkit.reports.findings import Tables

MARKET_NOTE = ("Per mineral and stage: world production and capacity, other (market) "
               "buyers' demand, the UK and Japan's demand, spare = capacity - all demand, "
               "non_china_reach_t = non-Chinese tonnes the UK and Japan can contract or bid "
               "away, the bid premium (fraction of unit cost), the tonnes bid away and their "
               "annual premium, planned_share = UK + Japan demand / world demand.")
SENSITIVITY_NOTE = ("derisking cost usd = capped usd - uncapped usd: the annual cost of the "
                    "cheapest plan with China's share of every stage capped (the case's own "
                    "caps, else epsilon) minus the same plan with no China cap, with every "
                    "bid premium multiplied by the multiplier (1 = the cited figures). "
                    "cap elsewhere: TRUE where the case caps China only for some buyers, "
                    "stages or minerals, and epsilon caps the others.")


def market_sheets(wb: Workbook, t: Tables) -> None:
    """Add the Market, Bids and Sensitivity sheets (after Disruptions)."""
    _noted(wb, "Market", t.market, MARKET_NOTE)
    _widen(table_sheet(wb, "Bids", t.bids))
    ws = _noted(wb, "Sensitivity", t.sensitivity, SENSITIVITY_NOTE)
    if t.sensitivity["derisking_cost_usd"].notna().sum() >= 2:
        chart_page(wb, _chart(ws, t), "data: sheet Sensitivity")


def disruption_sheet(wb: Workbook, t: Tables) -> None:
    """Sheet Disruption totals: per scenario and mineral the UK and Japan's tonnes lost,
    recovered (spot, stockpile) and unserved."""
    if t.disruption_market.empty:
        return
    ws = table_sheet(wb, "Disruption totals", t.disruption_market)
    note(ws, len(t.disruption_market) + 3,
         "UK and Japan together per scenario and mineral: lost, recovered (spot, "
         "stockpile), unserved; spot_available_t = spare tonnes they can buy, "
         "spot_contested_t = the rest, bought by other buyers who lost supply.")
    _widen(ws)


def _noted(wb: Workbook, name: str, table, text: str):
    ws = table_sheet(wb, name, table)
    note(ws, len(table) + 3, text)
    return _widen(ws)


def _widen(ws, first: float = 12.0):
    """Column A at least ``first`` characters wide (case names), even for an empty table."""
    ws.column_dimensions["A"].width = max(ws.column_dimensions["A"].width or 0, first)
    return ws


def _chart(ws, t: Tables) -> ScatterChart:
    """De-risking cost against the premium multiplier, one line per case."""
    chart = ScatterChart()
    chart.style = 13
    chart.title = "De-risking cost vs bid premium (x cited)"
    chart.x_axis.title, chart.y_axis.title = "bid premium multiple", "USD per year"
    chart.y_axis.number_format = "#,##0"
    table = t.sensitivity.reset_index(drop=True)
    x_col = list(table.columns).index("multiplier") + 1
    y_col = list(table.columns).index("derisking_cost_usd") + 1
    for k, case in enumerate(dict.fromkeys(table["case"])):
        rows = [i + 2 for i in table.index[table["case"] == case]]
        xs = Reference(ws, min_col=x_col, min_row=rows[0], max_row=rows[-1])
        ys = Reference(ws, min_col=y_col, min_row=rows[0], max_row=rows[-1])
        series = Series(ys, xs, title=str(case))
        series.marker.symbol = "circle"
        series.graphicalProperties.line.solidFill = palette.excel(palette.case_colour(k))
        chart.series.append(series)
    chart.x_axis.delete = chart.y_axis.delete = False
    chart.width, chart.height = 18, 9
    return chart
