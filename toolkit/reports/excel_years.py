"""Workbook sheets of a multi-year run: Years (each modelled year's status and cost, China's
share per year, the value of co-investment) and Projects (the backed plants).

Written only when some case is multi-year (:func:`toolkit.reports.outlook.multi_year`), so
a single-year workbook has neither sheet.  Print set-up comes from
:func:`toolkit.reports.excel_print.setup_print` like every other sheet.
"""

from __future__ import annotations

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment

from toolkit.reports import outlook
from toolkit.reports.excel_print import fit_widths
from toolkit.reports.excel_tables import note, title, write_table
from toolkit.reports.findings import Tables

YEARS_NOTE = ("cost_usd_per_yr: the cost of that year's plan = operating_cost_usd_per_yr "
              "(contracts, bid premiums, stockpiles and expected disruption costs) + "
              "annualised_capex_usd_per_yr (CRF x capex of each backed plant online that year); "
              "blank unless the year is met. A case is planned over all its years at "
              "once, so when one year cannot be met no year has a plan.")
SHARES_NOTE = ("China's share of each buyer's supply at each stage, mean over the minerals "
               "that can be met that year: china_world_mix = China's share of the stage's "
               "capacity that year (what buying pro rata would give; plants not yet backed "
               "not counted), china_plan = the recommended plan. Buyer GBR+JPN (joint plans): "
               "the two buyers together; how a joint plan splits its tonnes between them is "
               "a convention, so only this row is determined by the plan.")
CO_NOTE = ("joint_ / independent_capex_usd: annualised capital cost of the backed plants, "
           "USD, summed over the modelled years "
           "(each weighted 1 — an ASSUMPTION: the years between them are not counted): "
           "joint plan vs each buyer backing its own plants; capex_saving_usd = independent "
           "- joint. value_usd = the value of co-investment: the two buyers' independent "
           "plans' total cost minus the joint plan's (all costs, not only plants). "
           "discount_rate is an ASSUMPTION.")
PROJECTS_NOTE = ("Plants backed by the joint plan and by each buyer planning alone (plan). "
                 "capacity_t_per_yr: tonnes of contained element a year; "
                 "annualised_capex_usd_per_yr = "
                 "CRF(discount_rate, lifetime_years) x capex_usd, USD a year in each modelled "
                 "year the plant is online (discount_rate an ASSUMPTION); used_<year>_t: tonnes "
                 "the plan takes from the plant that year; source: the citation (full text below).")
CO_COLS = ["case", "projects_considered", "joint_capex_usd", "independent_capex_usd",
           "capex_saving_usd", "value_usd", "discount_rate"]


def years_sheets(wb: Workbook, t: Tables, chain=None) -> None:
    """Add sheets Years and Projects after Summary (and Charts) when a case is multi-year."""
    if not outlook.multi_year(t.cases):
        return
    at = wb.sheetnames.index("Charts") + 1 if "Charts" in wb.sheetnames else 1
    _years(wb, t, chain, at)
    _projects(wb, t, chain, at + 1)


def _years(wb: Workbook, t: Tables, chain, at: int) -> None:
    ws = wb.create_sheet("Years", at)
    years = outlook.years_table(t.cases, chain)
    last = write_table(ws, years)
    note(ws, last + 2, YEARS_NOTE)
    title(ws, "China's share of supply per modelled year", last + 4)
    share_title = last + 4
    last = write_table(ws, outlook.shares_table(t.cases), last + 5)
    note(ws, last + 2, SHARES_NOTE)
    title(ws, "Value of co-investment", last + 4)
    co = co_table(t)
    end = write_table(ws, co, last + 5)
    _percent(ws, CO_COLS.index("discount_rate") + 1, last + 6, end)
    note(ws, end + 2, CO_NOTE)
    ws.freeze_panes = "A2"
    fit_widths(ws, skip_rows={share_title, last + 4})


def _percent(ws, column: int, first: int, last: int) -> None:
    """Cells ``first..last`` of ``column`` as percentages (a rate, not a share column)."""
    for row in range(first, last + 1):
        ws.cell(row, column).number_format = "0.0%"


def co_table(t: Tables) -> pd.DataFrame:
    """The co-investment numbers of every multi-year case."""
    rows = [{"case": c.name, **{k: outlook.co_investment(c).get(k) for k in CO_COLS[1:]}}
            for c in outlook.multi_year(t.cases)]
    out = pd.DataFrame(rows, columns=CO_COLS)
    for col in CO_COLS[1:]:
        out[col] = pd.to_numeric(out[col], errors="coerce")
    return out


def _projects(wb: Workbook, t: Tables, chain, at: int) -> None:
    """The plants table (short citations) and, under it, each plant's full source text
    (one wrapped line each, printed across the page)."""
    ws = wb.create_sheet("Projects", at)
    table = outlook.projects_table(t.cases, chain).drop(columns="in_case_mode")
    full = table[["name", "source"]].drop_duplicates("name")
    table = table.assign(source=table["source"].map(outlook.short_source))
    last = write_table(ws, table)
    _percent(ws, list(table.columns).index("discount_rate") + 1, 2, last)
    note(ws, last + 2, PROJECTS_NOTE)
    row = last + 4
    if not full.empty:
        title(ws, "Sources of the plants' figures (as announced)", row)
        for r in full.itertuples():
            row += 1
            note(ws, row, f"{r.name}: {r.source}")
    ws.freeze_panes = "C2"
    fit_widths(ws, skip_rows={last + 4})
    _top(ws, 2, last)


def _top(ws, first: int, last: int) -> None:
    """Rows ``first..last`` aligned at the top, so a row with wrapped text reads across."""
    for cells in ws.iter_rows(min_row=first, max_row=last):
        for cell in cells:
            wrap = bool(cell.alignment and cell.alignment.wrap_text)
            cell.alignment = Alignment(wrap_text=wrap, vertical="top")
