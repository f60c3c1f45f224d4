"""The world market around the planned buyers: who else buys, and what they hold.

GBR and JPN are the *planned buyers* (:data:`toolkit.schema.BUYERS`): the plan chooses
their supply.  Every other buyer in the ``Demand`` table (any country, or ``ROW``) is a
*market buyer*: world demand the plan does not choose but must leave room for.

Per mineral and stage :math:`k`, with :math:`D^M` the market buyers' total demand,
:math:`D^P` the planned buyers' total demand and :math:`P_k = \\sum_{n \\in k} P_n` the
stage's production (``production_t``, blank = ``capacity_t``), market buyers hold
today's world mix at every node:

.. math:: H_n = P_n \\, D^M / P_k

and the planned buyers' share of world demand is
:math:`\\sigma = D^P / (D^P + D^M)`.  :math:`D^M > P_k` is an input error.
All tonnages are tonnes of contained element per year.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from toolkit.chain import SupplyChain
from toolkit.errors import Problem
from toolkit.object_cache import once_per
from toolkit.schema import BUYERS, STAGES


def planned_demand(chain: SupplyChain, mineral: str) -> dict[str, float]:
    """Annual demand per planned buyer, t/yr (positive only, sorted).

    Every mineral's is computed at the first call for a chain object (one grouping
    instead of one per mineral and call: a multi-year case asks hundreds of times); the
    entry is dropped when the chain is garbage-collected, as in
    :func:`toolkit.optimize.mineral_base.mineral_base`.
    """
    by_mineral = once_per(chain, "planned_demand", lambda: _planned_by_mineral(chain.demand))
    return dict(by_mineral.get(mineral, {}))


def _planned_by_mineral(demand: pd.DataFrame) -> dict[str, dict[str, float]]:
    """``{mineral: {buyer: t/yr}}`` of the planned buyers (positive only, sorted)."""
    rows = demand[demand["buyer"].isin(BUYERS)]
    out: dict[str, dict[str, float]] = {}
    for (mineral, buyer), value in sorted(
            rows.groupby(["mineral", "buyer"])["demand_t"].sum().items()):
        if value > 0:
            out.setdefault(str(mineral), {})[str(buyer)] = float(value)
    return out


def market_demand_t(chain: SupplyChain, mineral: str) -> float:
    """:math:`D^M`: total annual demand of the market buyers for ``mineral``, t/yr."""
    rows = chain.demand[(chain.demand["mineral"] == mineral)
                        & ~chain.demand["buyer"].isin(BUYERS)]
    return float(rows["demand_t"].sum())


def production_of(supply: pd.DataFrame) -> pd.Series:
    """Today's output per supply row, t/yr: ``production_t``, blank = ``capacity_t``."""
    capacity = supply["capacity_t"].astype(float)
    if "production_t" not in supply.columns:
        return capacity
    return supply["production_t"].astype(float).fillna(capacity)


def holding_t(production_t: np.ndarray, node_stage: np.ndarray, market_t: float) -> np.ndarray:
    """:math:`H_n = P_n D^M / P_k`, the tonnes market buyers hold at each node (t/yr)."""
    out = np.zeros(len(production_t))
    if market_t <= 0:
        return out
    for k in np.unique(node_stage):
        at = node_stage == k
        total = float(production_t[at].sum())
        if total > 0:
            out[at] = production_t[at] * (market_t / total)
    return out


def planned_share(planned_t: float, market_t: float) -> float:
    """:math:`\\sigma = D^P / (D^P + D^M)`; 1 without market buyers."""
    if market_t <= 0:
        return 1.0
    return planned_t / (planned_t + market_t)


def stage_totals(chain: SupplyChain, mineral: str) -> dict[str, float]:
    """:math:`P_k`: production per stage of ``mineral`` (use ``chain.at_year`` first)."""
    rows = chain.supply[chain.supply["mineral"] == mineral]
    stage, production = rows["stage"].to_numpy(), production_of(rows).to_numpy()
    return {s: float(production[stage == s].sum()) for s in STAGES if (stage == s).any()}


def market_problems(chain: SupplyChain, file: str | None = None,
                    sheet: str | None = "Demand") -> list[Problem]:
    """One problem per (mineral, stage) whose market demand exceeds the stage's output.

    ``chain`` should be at one data year (``chain.at_year``).
    """
    problems = []
    for mineral in chain.mineral_ids:
        market = market_demand_t(chain, mineral)
        if market > 0:
            problems += stage_problems(chain, mineral, market, stage_totals(chain, mineral),
                                       file, sheet)
    return problems


def stage_problems(chain: SupplyChain, mineral: str, market_t: float,
                   totals: dict[str, float], file: str | None = None,
                   sheet: str | None = "Demand") -> list[Problem]:
    """The problems of :func:`market_problems` for one mineral: ``market_t`` its market
    buyers' demand, ``totals`` its production per stage (t/yr)."""
    return [Problem(file or chain.source,
                    f"market buyers' demand for {mineral} ({market_t:,.6g} t) exceeds the "
                    f"{stage} stage's production ({total:,.6g} t): other buyers cannot hold "
                    "more than the world makes; lower their demand or add supply",
                    sheet, None, "demand_t", market_t)
            for stage, total in totals.items() if market_t > total * (1 + 1e-9)]
