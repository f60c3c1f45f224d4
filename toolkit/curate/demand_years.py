"""Year rows of the embedded outlook: demand of every buyer for 2030 and 2035.

``demand_years.csv`` has the columns of ``demand.csv``; one row per buyer, mineral and
outlook year (a row with a year replaces the buyer's undated row in that year).  Growth of
a mineral's demand from 2024 to year Y, applied to every buyer of the mineral (planned and
market alike: ASSUMPTION, each buyer keeps its 2024 share of world demand):

* the six IEA minerals: IEA GCMO 2025 (Data Explorer 2025 edition) **Stated Policies
  (STEPS) total demand** in Y / in 2024 (``outlook_demand.csv``);
* every other mineral: the OECD's projection of global materials use, 90 Gt today (2017)
  to 167 Gt in 2060, i.e. (167/90)^(1/43) - 1 = 1.45 % a year, compounded from 2024
  (ASSUMPTION: the all-materials rate stands for each mineral; the raw IEA data gives
  clean-technology demand only for these minerals, not total demand).

**World demand <= world supply** (the model's world balance needs it at every stage): per
mineral and year, the tightest stage P*_Y is the smallest world total of
``production_years.csv``.  Where the grown demand exceeds it, the market buyer ``ROW`` is
cut first, then the named market buyers in proportion; the planned buyers (GBR, JPN) are
never cut.  Every cut is written in ``method`` and listed by :func:`shortfalls`: it is a
finding (projected supply short of projected demand), not a correction.
"""

from __future__ import annotations

import math

import pandas as pd

from toolkit.curate.common import BUYERS, ROW
from toolkit.curate.demand import DEMAND_COLS
from toolkit.curate.outlook_years import BASE_YEAR, HELD, IEA_SOURCE, OUTLOOK_YEARS

OECD_FROM_GT, OECD_TO_GT, OECD_FROM_YEAR, OECD_TO_YEAR = 90.0, 167.0, 2017, 2060
OECD_RATE = (OECD_TO_GT / OECD_FROM_GT) ** (1.0 / (OECD_TO_YEAR - OECD_FROM_YEAR)) - 1.0
OECD_SOURCE = "oecd_gmro_2019"
IEA_SECTOR, IEA_SCENARIO, EDITION = "Total demand", "STEPS", "2025"
ROUND = 3


def iea_growth(outlook_demand: pd.DataFrame, mineral: str, year: int) -> float | None:
    """IEA STEPS total demand in ``year`` / in the 2024 base year (None if not covered)."""
    d = outlook_demand[(outlook_demand["edition"].astype(str) == EDITION)
                       & (outlook_demand["mineral"] == mineral)
                       & (outlook_demand["sector"] == IEA_SECTOR)]
    now = d[(d["scenario"] == "BASE_YEAR") & (d["year"] == BASE_YEAR)]["demand_t"]
    then = d[(d["scenario"] == IEA_SCENARIO) & (d["year"] == year)]["demand_t"]
    if now.empty or then.empty:
        return None
    return float(then.iloc[0]) / float(now.iloc[0])


def growth(outlook_demand: pd.DataFrame, mineral: str, year: int) -> tuple[float, str, str]:
    """(factor, how, source ids) for a mineral's demand from 2024 to ``year``."""
    g = iea_growth(outlook_demand, mineral, year)
    if g is not None:
        return g, (f"x {g:.4f} = IEA GCMO 2025 STEPS total demand {year} / {BASE_YEAR}"), \
            IEA_SOURCE
    f = (1.0 + OECD_RATE) ** (year - BASE_YEAR)
    return f, (f"x {f:.4f} = (1 + {OECD_RATE:.5f})^{year - BASE_YEAR}; ASSUMPTION: OECD "
               f"global materials use {OECD_FROM_GT:g} Gt ({OECD_FROM_YEAR}) to "
               f"{OECD_TO_GT:g} Gt ({OECD_TO_YEAR}) a year, applied to this mineral (no "
               "total-demand projection in the raw data)"), f"{OECD_SOURCE};assumption"


def tightest(prod_years: pd.DataFrame, mineral: str, year: int
             ) -> tuple[str, float, bool] | None:
    """(stage, world tonnes, held) of the smallest stage total of ``mineral`` in ``year``;
    ``held`` = that stage's supply is today's output held (no projection)."""
    g = prod_years[(prod_years["mineral"] == mineral) & (prod_years["year"] == year)]
    if g.empty:
        return None
    totals = g.groupby("stage")["tonnes"].sum()
    stage = min(totals.index, key=lambda s: (totals[s], s))
    held = g.loc[g["stage"] == stage, "source_detail"].str.startswith(HELD).all()
    return stage, float(totals[stage]), bool(held)


def cut_note(world: float, year: int, tight: tuple[str, float, bool], cut: float) -> str:
    """Why a mineral's market buyers were cut in ``year``: finding or held-supply artefact."""
    stage, supply, held = tight
    head = (f"grown world demand {world:.3f} t exceeds {year} world {stage} supply "
            f"{supply:.3f} t by {cut:.3f} t")
    if held:
        return (f"CUT TO HELD SUPPLY: {head}; supply is held at today's output by "
                "assumption (no projection), so the growth beyond it is cut from the "
                "market buyers, ROW first (an artefact of the assumption, not a finding)")
    return (f"SHORTFALL: {head} (the IEA base-case supply falls short of the projected "
            "demand: a finding); market buyers cut, ROW first")


def fit_to_supply(rows: pd.DataFrame, room: float) -> tuple[pd.Series, float]:
    """Cut market buyers (ROW first, then the rest in proportion) to fit ``room`` t.

    Returns the new tonnes and the tonnes cut.
    """
    t = rows["demand_t"].astype(float).copy()
    excess = float(t.sum()) - room
    if excess <= 1e-6:
        return t, 0.0
    is_row = rows["buyer"] == ROW
    cut_row = min(excess, float(t[is_row].sum()))
    t[is_row] -= cut_row
    left = excess - cut_row
    named = ~rows["buyer"].isin(BUYERS) & ~is_row
    named_t = float(t[named].sum())
    if left > 1e-6 and named_t > 0:
        t[named] *= max(0.0, 1.0 - left / named_t)
        left = max(0.0, left - named_t)
    if left > 1e-6:
        raise ValueError(f"planned demand alone exceeds world supply by {left:.3f} t")
    return t, excess


def mineral_rows(base: pd.DataFrame, outlook_demand: pd.DataFrame,
                 prod_years: pd.DataFrame, year: int) -> list[dict]:
    """Year rows of one mineral's buyers: grown by the mineral's factor, fitted to P*_Y."""
    mineral = base["mineral"].iloc[0]
    factor, how, src = growth(outlook_demand, mineral, year)
    grown = base.assign(demand_t=base["demand_t"].astype(float) * factor)
    tight = tightest(prod_years, mineral, year)
    cut, fitted = 0.0, grown["demand_t"]
    if tight is not None:
        fitted, cut = fit_to_supply(grown, tight[1])
    world = float(grown["demand_t"].sum())
    rows = []
    for (_, b), t in zip(grown.iterrows(), fitted, strict=True):
        method = f"{BASE_YEAR} demand {float(base.loc[_, 'demand_t']):.3f} t {how}"
        if cut > 0:
            method += "; " + cut_note(world, year, tight, cut)
            if t < b["demand_t"] - 1e-6:
                method += f"; this buyer cut from {b['demand_t']:.3f} t"
        # a zero row is kept: it replaces the buyer's 2024 row in that year
        basis = "assumption" if "assumption" in src or b["basis"] == "assumption" \
            else "derived"
        # a fitted market buyer is rounded down so that rounding never lifts world demand
        # above the supply it was fitted to
        value = (math.floor(float(t) * 10**ROUND) / 10**ROUND
                 if cut > 0 and b["buyer"] not in BUYERS else round(float(t), ROUND))
        rows.append({"buyer": b["buyer"], "mineral": mineral, "sector": b["sector"],
                     "demand_t": value, "year": year, "basis": basis,
                     "method": method, "source_id": _join(b["source_id"], src),
                     "check_t": None, "check": ""})
    return rows


def _join(*ids: str) -> str:
    seen: list[str] = []
    for part in ids:
        for i in str(part).split(";"):
            if i and i not in seen:
                seen.append(i)
    return ";".join(seen)


def build_demand_years(demand: pd.DataFrame, outlook_demand: pd.DataFrame,
                       prod_years: pd.DataFrame) -> pd.DataFrame:
    """``demand_years.csv``: every buyer of ``demand.csv`` for 2030 and 2035."""
    rows: list[dict] = []
    for year in OUTLOOK_YEARS:
        for _, g in demand.groupby("mineral", sort=True):
            rows += mineral_rows(g, outlook_demand, prod_years, year)
    out = pd.DataFrame(rows, columns=DEMAND_COLS)
    return out.sort_values(["buyer", "mineral", "sector", "year"]).reset_index(drop=True)


def shortfalls(demand_years: pd.DataFrame, kind: str = "SHORTFALL") -> pd.DataFrame:
    """(mineral, year) pairs whose grown demand was cut to fit supply (``kind``:
    ``SHORTFALL`` for IEA supply below demand, ``CUT TO HELD SUPPLY`` for held minerals)."""
    hit = demand_years[demand_years["method"].str.contains(f"; {kind}:", regex=False)]
    return hit[["mineral", "year"]].drop_duplicates().reset_index(drop=True)
