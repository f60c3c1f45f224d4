"""The world market in the reports: what de-risking costs, and who else wants the tonnes.

Read from a run's result only (never re-solved): ``bids`` (tonnes bid away from other
buyers and the premium paid), ``market`` (per mineral and stage: other buyers' demand,
the planned buyers' demand, spare and non-Chinese tonnes), ``disruptions`` (per scenario:
lost, recovered on a contested spot market, from stockpiles, unserved) and
``bid_sensitivity`` (the de-risking cost as the bid premium goes from 0 to 2x).
Every sentence is built from those numbers and left out when they are missing.
"""

from __future__ import annotations

import math

import pandas as pd

from toolkit.reports import data
from toolkit.reports.words import pct, tonnes, usd

BID_COLS = ["case", "buyer", "mineral", "stage", "country", "bid_t", "bid_premium",
            "unit_cost_usd_per_t", "bid_cost_usd"]
MARKET_COLS = ["case", "mineral", "stage", "world_production_t", "world_capacity_t",
               "market_demand_t", "planned_demand_t", "spare_t", "non_china_reach_t",
               "bid_premium", "bid_t", "bid_cost_usd", "planned_share"]
DISRUPTION_COLS = ["case", "scenario", "mineral", "probability", "demand_t", "lost_t",
                   "spot_t", "drawdown_t", "shortfall_t", "spot_available_t",
                   "spot_contested_t", "planned_share"]
SENSITIVITY_COLS = ["case", "multiplier", "epsilon", "own_cap", "cap_elsewhere",
                    "capped_usd", "uncapped_usd",
                    "derisking_cost_usd", "bid_t", "minerals", "excluded", "exempt", "status"]
NUMERIC = {"bid_t", "bid_premium", "unit_cost_usd_per_t", "bid_cost_usd", "multiplier",
           "epsilon", "capped_usd", "uncapped_usd", "derisking_cost_usd", "probability",
           "own_cap"}


def table(cases: list[data.Case], key: str, columns: list[str]) -> pd.DataFrame:
    """Rows ``key`` of every case with numeric columns typed (see :func:`data.rows_table`)."""
    out = data.rows_table(cases, key, columns)
    for col in out.columns:
        if col in NUMERIC or col.endswith(("_t", "_usd", "_share")):
            out[col] = pd.to_numeric(out[col], errors="coerce").astype("float64")
    return out


# ----------------------------------------------------------------------------- findings


def bid_lines(cases: list[data.Case], bids: pd.DataFrame,
              premiums: pd.DataFrame | None = None) -> list[str]:
    """Per case that can be met: the price of de-risking = tonnes bid away x premium.

    ``premiums`` (the dataset's ``bid_premiums.csv``, optional) says whether the largest
    item's premium is a published figure or a labelled proxy.
    """
    lines = []
    for case in (c for c in cases if c.status == "optimal"):
        sel = bids[bids["case"] == case.name]
        if sel.empty:
            continue
        per = sel.groupby(["mineral", "stage"], as_index=False).agg(
            bid_t=("bid_t", "sum"), bid_cost_usd=("bid_cost_usd", "sum"),
            bid_premium=("bid_premium", "max"))
        per = per.sort_values(["bid_cost_usd", "mineral"], ascending=[False, True],
                              kind="stable")
        top = per.iloc[0]
        count = per["mineral"].nunique()
        lines.append(
            f"In “{case.name}” the cheapest plan bids supply of {count} mineral"
            f"{'s' if count != 1 else ''} away from other buyers, paying "
            f"{usd(per['bid_cost_usd'].sum())} a year in premiums; the largest item is "
            f"{top['mineral']} at the {top['stage']} stage: "
            f"{tonnes(top['bid_t'])} at +{pct(top['bid_premium'])} of the unit cost "
            f"({usd(top['bid_cost_usd'])} a year{_premium_basis(premiums, top)}).")
    return lines


def _premium_basis(premiums: pd.DataFrame | None, row) -> str:
    """'; premium: a published price spread' or '; premium: a labelled proxy'."""
    if premiums is None or premiums.empty:
        return ""
    hit = premiums[(premiums["mineral"] == row["mineral"]) & (premiums["stage"] == row["stage"])]
    if hit.empty:
        return ""
    if str(hit["basis"].iloc[0]) == "assumption":
        return "; that premium is a labelled proxy, not a published price spread"
    return "; that premium is a published price spread"


def impossible_lines(pareto_minerals: pd.DataFrame, bases: dict | None = None) -> list[str]:
    """China caps no plan can meet because the world has too few non-Chinese tonnes.

    For each case, the loosest impossible cap of the China-share sweep and, per mineral
    at that cap, the stage and the tonnes missing (largest first, at most three); cases
    with the same finding share one sentence.  ``bases`` maps a mineral to its content
    basis (what the tonnes count), quoted beside it.
    """
    if pareto_minerals.empty or "missing_t" not in pareto_minerals:
        return []
    sel = pareto_minerals[(pareto_minerals["sweep"] == "china_share")
                          & pd.to_numeric(pareto_minerals["missing_t"],
                                          errors="coerce").notna()]
    found: dict[str, list[str]] = {}
    for case, rows in sel.groupby("case", sort=False):
        eps = float(rows["epsilon"].max())
        at = rows[rows["epsilon"] == eps].assign(
            missing_t=lambda f: pd.to_numeric(f["missing_t"], errors="coerce"))
        at = at.sort_values(["missing_t", "mineral"], ascending=[False, True], kind="stable")
        items = [f"{r.mineral} at the {r.gap_stage} stage (the cap needs "
                 f"{tonnes(float(r.needed_t))} from outside China; the UK and Japan can "
                 f"contract or bid away only {tonnes(float(r.available_t))} there: "
                 f"{tonnes(float(r.missing_t))} missing{_basis(bases, r.mineral)})"
                 for r in at.head(3).itertuples()]
        text = (f"a cap of {pct(eps)} on China's share of every stage of every mineral (none "
                "exempt, unlike a case's own cap) cannot be met with today's capacity (the "
                "sweep of a multi-year case uses its first year) because "
                "outside China the world has too few tonnes that other buyers do not hold or "
                "would give up: " + "; ".join(items) + ".")
        found.setdefault(text, []).append(str(case))
    lines = []
    for text, names in found.items():
        who = (f"In every policy case ({len(names)})" if len(names) == len(
            sel["case"].unique()) and len(names) > 1 else "In " + ", ".join(
                f"“{n}”" for n in names))
        lines.append(f"{who}, {text}")
    return lines


def _basis(bases: dict | None, mineral: str) -> str:
    text = (bases or {}).get(mineral, "")
    return f"; tonnes of {text}" if text else ""


def disruption_lines(cases: list[data.Case], disruptions: pd.DataFrame) -> list[str]:
    """For the first case that can be met: its worst disruption, lost and recovered."""
    met = [c for c in cases if c.status == "optimal"]
    if not met or disruptions.empty:
        return []
    sel = disruptions[(disruptions["case"] == met[0].name)
                      & (disruptions["lost_t"].fillna(0) > 0)].copy()
    if sel.empty:
        return []
    sel["unserved_share"] = sel["shortfall_t"] / sel["demand_t"]
    worst = sel.sort_values(["unserved_share", "scenario", "mineral"],
                            ascending=[False, True, True], kind="stable").iloc[0]
    contested = float(worst["spot_contested_t"]) if not math.isnan(
        worst["spot_contested_t"]) else 0.0
    offer = float(worst["spot_available_t"]) + contested
    market = (f"; on the spot market other buyers who lost supply compete for the same spare "
              f"tonnes, so of {tonnes(offer)} on offer the UK and Japan can buy "
              f"{tonnes(float(worst['spot_available_t']))} ({pct(worst['planned_share'])})"
              if contested > 0 else "")
    return [f"Worst disruption in “{met[0].name}”: “{worst['scenario']}” costs the UK and "
            f"Japan {tonnes(float(worst['lost_t']))} of contracted {worst['mineral']}; they "
            f"recover {tonnes(float(worst['spot_t']))} on the spot market and "
            f"{tonnes(float(worst['drawdown_t']))} from stockpiles, and "
            f"{tonnes(float(worst['shortfall_t']))} ({pct(worst['unserved_share'])} of demand) "
            f"go unserved{market}."]


def sensitivity_lines(sensitivity: pd.DataFrame) -> list[str]:
    """The de-risking cost at 0x, 1x and 2x the cited bid premium, per case."""
    lines = []
    for case, rows in sensitivity.groupby("case", sort=False):
        ok = rows.dropna(subset=["derisking_cost_usd"]).set_index("multiplier")
        points = [m for m in (0.0, 1.0, 2.0) if m in ok.index]
        if len(points) < 2 or (ok["derisking_cost_usd"].abs() < 0.5).all():
            continue  # no line, or the case's own caps already hold China below the cap
        what = cap_words(rows)
        words = {0.0: "with no bid premium", 1.0: "at the cited premiums",
                 2.0: "at twice them"}
        costs = ", ".join(f"{usd(float(ok.loc[m, 'derisking_cost_usd']))} a year "
                          f"{words.get(m, f'at {m:g}×')}" for m in points)
        excluded = str(rows["excluded"].fillna("").iloc[0]) if "excluded" in rows else ""
        verb = "are" if "," in excluded else "is"
        left = (f" ({excluded} cannot meet the cap at any premium and {verb} left out)"
                if excluded else "")
        lines.append(f"In “{case}”, {what} costs {costs}, over the same plan with no China "
                     f"cap{left}.")
    return lines


def cap_words(rows: pd.DataFrame) -> str:
    """What a sensitivity line caps: the case's own cap (and what it exempts) or ε."""
    own, eps, elsewhere = _caps(rows)
    if own is not None:
        exempt = str(rows["exempt"].fillna("").iloc[0]) if "exempt" in rows else ""
        rest = (f", and {pct(eps)} on every buyer, stage and mineral it sets no cap for,"
                if elsewhere else "")
        return (f"its own cap of {pct(own)} on China's share"
                + (f" ({exempt} exempt)" if exempt else "") + rest)
    return (f"capping China's share of every stage at {pct(eps)}"
            if eps is not None else "capping China's share")


def cap_label(rows: pd.DataFrame) -> str:
    """' (China ≤ 50%)' or ' (China ≤ 50%, else 65%)': the cap of a sensitivity curve."""
    own, eps, elsewhere = _caps(rows)
    if own is not None:
        rest = f", else {100 * eps:.0f}%" if elsewhere else ""
        return f" (China ≤ {100 * own:.0f}%{rest})"
    return f" (China ≤ {100 * eps:.0f}%)" if eps is not None else ""


def _caps(rows: pd.DataFrame) -> tuple[float | None, float | None, bool]:
    """A case's sensitivity rows: its own cap (None: none), ε (None: none) and whether ε
    also caps what the own cap leaves uncapped."""
    own = rows["own_cap"].dropna() if "own_cap" in rows else pd.Series(dtype=float)
    eps = rows["epsilon"].dropna()
    flags = rows["cap_elsewhere"].dropna() if "cap_elsewhere" in rows else pd.Series()
    epsilon = float(eps.iloc[0]) if len(eps) else None
    elsewhere = bool(len(flags)) and bool(flags.iloc[0]) and epsilon is not None
    return (float(own.iloc[0]) if len(own) else None), epsilon, elsewhere


def premium_stages(market: pd.DataFrame) -> set[tuple[str, str]]:
    """(mineral, stage) pairs where a positive bid premium prices moving supply."""
    if market.empty:
        return set()
    sel = market[(market["bid_premium"].fillna(0) > 0)
                 & (market["market_demand_t"].fillna(0) > 0)]
    return set(zip(sel["mineral"], sel["stage"], strict=True))


def dataset_table(chain, name: str) -> pd.DataFrame:
    """A table of the embedded dataset the chain came from (empty for a workbook)."""
    tables = (getattr(chain, "meta", None) or {}).get("tables") or {}
    table = tables.get(name)
    return table if isinstance(table, pd.DataFrame) else pd.DataFrame()


def content_bases(chain) -> dict:
    """Mineral -> content basis (what its tonnes count), from the Minerals table."""
    minerals = getattr(chain, "minerals", None)
    if minerals is None or minerals.empty or "content_basis" not in minerals:
        return {}
    return {m: str(b) for m, b in zip(minerals["mineral"], minerals["content_basis"],
                                      strict=True) if isinstance(b, str) and b.strip()}
