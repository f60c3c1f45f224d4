"""Brief sections of the world market: the price of de-risking, and contested disruptions."""

from __future__ import annotations

import math

import pandas as pd

from toolkit.reports import charts, words
from toolkit.reports.findings import Tables
from toolkit.reports.html import figure, none, table_html
from toolkit.reports.safety import esc
from toolkit.reports.words import pct, tonnes, usd

BID_ROWS = 10
TIGHT_ROWS = 8


def world_market(t: Tables) -> str:
    """The price of de-risking in a world market: sensitivity chart, bids, tight stages."""
    head = "<h2>What de-risking costs when other buyers want the same tonnes</h2>"
    if t.market.empty:
        return head + none("No market buyers in the input: the UK and Japan are modelled "
                           "alone, so moving supply away from China is limited only by "
                           "capacity (add market buyers in the Demand sheet).")
    intro = ("<p>Other countries already buy today's output. The UK and Japan can take the "
             "tonnes nobody holds, or bid tonnes away from other buyers at a premium over "
             "the unit cost (the cited premium per mineral and stage). Other buyers keep "
             "their demand, so they take up spare capacity elsewhere; when no spare tonnes "
             "are left, a cap cannot be met.</p>")
    return head + intro + _sensitivity(t) + _bids(t) + _tight(t)


def _sensitivity(t: Tables) -> str:
    png = charts.sensitivity_chart(t.sensitivity)
    if png is None:
        return none("no bid-premium sensitivity in the results")
    return figure(png, "De-risking cost against the bid premium",
                  "Extra annual cost of the cheapest plan with China's share of every stage "
                  "capped (level in the legend: the case's own cap, or the tightest cap every "
                  "mineral can meet) over the same plan without a China cap, when every bid "
                  "premium is multiplied by 0 to 2 (1× = the cited figures; × on the axis: "
                  "cannot be met). Figures in the workbook (sheet Sensitivity).")


def _bids(t: Tables) -> str:
    sel = t.bids.dropna(subset=["bid_cost_usd"])
    if sel.empty:
        return "<h3>Tonnes bid away from other buyers</h3>" + none(
            "none: every plan fits in the tonnes other buyers do not hold")
    sel = sel.assign(From=[n if isinstance(n, str) and n else c for c, n in zip(
        sel["country"], sel.get("country_name", sel["country"]), strict=True)])
    sel = sel.groupby(["case", "mineral", "stage", "From"], as_index=False, sort=False).agg(
        bid_t=("bid_t", "sum"), bid_premium=("bid_premium", "max"),
        bid_cost_usd=("bid_cost_usd", "sum"))
    sel = sel.sort_values(["bid_cost_usd", "case", "mineral"], ascending=[False, True, True],
                          kind="stable")
    header = [("Case", ""), ("Mineral", ""), ("Stage", ""), ("From", ""), ("Tonnes", "num"),
              ("Premium", "num"), ("Cost a year", "num")]
    rows = [[esc(r.case), esc(words.mineral(r.mineral)), esc(r.stage), esc(r.From),
             esc(tonnes(r.bid_t)), esc("+" + pct(r.bid_premium)), esc(usd(r.bid_cost_usd))]
            for r in sel.head(BID_ROWS).itertuples()]
    more = len(sel) - BID_ROWS
    note = ("Tonnes the plan takes from other buyers at a node, the premium over the node's "
            "unit cost, and what that premium costs a year (largest first"
            + (f"; {more} more in the workbook, sheet Bids" if more > 0 else "") + ").")
    return "<h3>Tonnes bid away from other buyers</h3>" + table_html(header, rows, esc(note))


def _tight(t: Tables) -> str:
    """Stages where the world has least non-Chinese room for the UK and Japan."""
    first = t.market[t.market["case"] == t.market["case"].iloc[0]].copy()
    first["room"] = first["non_china_reach_t"] / first["planned_demand_t"]
    first = first.replace([math.inf], math.nan).dropna(subset=["room"])
    if first.empty:
        return ""
    first = first.sort_values(["room", "mineral", "stage"], kind="stable")
    header = [("Mineral", ""), ("Stage", ""), ("Other buyers", "num"), ("UK + Japan", "num"),
              ("World spare", "num"), ("Non-China within reach", "num")]
    rows = [[esc(words.mineral(r.mineral)), esc(r.stage), esc(tonnes(r.market_demand_t)),
             esc(tonnes(r.planned_demand_t)), esc(tonnes(r.spare_t)),
             esc(tonnes(r.non_china_reach_t))] for r in first.head(TIGHT_ROWS).itertuples()]
    note = ("Annual tonnes. Other buyers: demand of every buyer but the UK and Japan. World "
            "spare: capacity left once every buyer is served. Non-China within reach: "
            "tonnes outside China the UK and Japan can contract or bid away; below their "
            "demand, a zero cap on China at that stage cannot be met. Tightest first.")
    return ("<h3>Where the world has least room outside China</h3>"
            + table_html(header, rows, esc(note)))


def disruptions(t: Tables, case: str | None) -> str | None:
    """Per scenario and mineral of ``case``: lost, recovered, unserved (None: no rows)."""
    sel = t.disruption_market
    if case is None or sel.empty:
        return None
    sel = sel[(sel["case"] == case) & (sel["lost_t"].fillna(0) > 0)].copy()
    if sel.empty:
        return None
    sel["unserved"] = sel["shortfall_t"] / sel["demand_t"]
    sel = sel.sort_values(["unserved", "scenario", "mineral"], ascending=[False, True, True],
                          kind="stable")
    header = [("Scenario", ""), ("Mineral", ""), ("Lost", "num"), ("Spot", "num"),
              ("Stockpile", "num"), ("Unserved", "num"), ("Spot on offer", "num")]
    rows = [[esc(words.scenario(r.scenario)), esc(words.mineral(r.mineral)), esc(tonnes(r.lost_t)),
             esc(tonnes(r.spot_t)),
             esc(tonnes(r.drawdown_t)), esc(f"{tonnes(r.shortfall_t)} ({pct(r.unserved)})"),
             esc(_offer(r))] for r in sel.head(20).itertuples()]
    more = len(sel) - 20
    note = ("UK and Japan together, tonnes in the disruption year: contracted supply lost, "
            "recovered on the spot market and from stockpiles, and unserved (share of "
            "demand). Spot on offer: spare tonnes at undisrupted suppliers that the UK and "
            "Japan can buy / all buyers compete for (other buyers who lost supply bid for "
            "the same tonnes). Worst first"
            + (f"; {more} more in the workbook (sheet Disruptions)." if more > 0 else "."))
    return table_html(header, rows, esc(note))


def _offer(row) -> str:
    mine = float(row.spot_available_t)
    other = float(row.spot_contested_t) if not pd.isna(row.spot_contested_t) else 0.0
    if mine + other <= 0:
        return "none"
    return f"{tonnes(mine)} / {tonnes(mine + other)}"
