"""Indexed sets and arrays of one mineral's sourcing problem, prepared from a chain.

Both formulations (the Pyomo model in :mod:`toolkit.optimize.model` and the direct
highspy reference in :mod:`toolkit.optimize.reference`) read only a
:class:`MineralData`, so they solve exactly the same instance.

Paths are enumerated by :mod:`toolkit.optimize.paths`; the case-independent part of a
mineral's instance is :mod:`toolkit.optimize.mineral_base`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from toolkit.chain import SupplyChain
from toolkit.optimize.mineral_base import (  # noqa: F401  (re-exported for callers)
    TIE_BREAK,
    MineralBase,
    demand_of,
    merge_identical,
    mineral_base,
    nodes_table,
    scenario_losses,
)
from toolkit.optimize.paths import all_paths, combined, enumerate_paths, path_cost
from toolkit.policy import CaseSettings
from toolkit.schema import CHINA, ROW

ROW_COUNTRY = ROW  # the rest-of-world aggregate node (toolkit.schema.ROW)


@dataclass(frozen=True)
class MineralData:
    """One mineral's instance for the buyers it plans for.

    Shapes: ``B`` buyers, ``K`` stages, ``N`` nodes, ``P`` (buyer, path) pairs,
    ``S`` scenarios that disrupt at least one node of the mineral.

    Attributes
    ----------
    mineral, stages, buyers : identifiers (``buyers`` has one entry in an
        independent plan, every buyer with demand in a joint plan).
    joint : True when the buyers share capacity, offtake limits and a stockpile.
    demand_t : (B,) annual demand.
    node_stage : (N,) stage index; node_country : (N,) ISO3 code.
    capacity_t, unit_cost : (N,) capacity (t/yr) and USD/t of each node.
    china, partner, single : (N,) bool — Chinese node, partner node, node that is a
        single country (not the ROW aggregate).
    path_buyer : (P,) buyer index; path_nodes : (P, K) node index per stage;
        path_cost : (P,) USD/t; path_touch : (P,) path passes a Chinese node.
    scenarios : (S,) names; probability : (S,); node_loss : (S, N) capacity loss.
    china_cap, partner_min : (B, K) shares (NaN = not set).
    country_cap : (B, N) max share of the buyer's supply from node n's country at n's
        stage (NaN = not set; the ROW node only when a Policy row names ``ROW``).
    touch_cap, min_served, stock_cost, short_cost : (B,) (NaN = not set).
    offtake, spot_share : (K,) (NaN / 0 = not set); spot_premium : scalar.
    risk_aversion, cvar_alpha : CVaR weight and level.
    production_t : (N,) today's output of each node (t/yr, <= capacity).
    market_t, planned_t : :math:`D^M` market buyers' and :math:`D^P` all planned
        buyers' demand for the mineral (t/yr; ``planned_t`` counts both planned buyers
        even when this instance plans for one).
    holding_t : (N,) :math:`H_n = P_n D^M / P_k` held by market buyers (t/yr).
    world_t : (K,) :math:`\\sum_n C_n - D^M`, the tonnes a stage has left for the
        planned buyers (world balance).
    bid_premium, max_bid : (K,) :math:`\beta_k` (fraction of unit cost) and
        :math:`\theta_k` (share of a holding that may be bid away).
    sigma : :math:`\\sigma = D^P / (D^P + D^M)` (1 without market buyers).
    node_project : (N,) project id of a project node (a plant the plan may back, its
        own node beside its country's), "" for the others; empty without projects.
        ``world_t`` leaves project capacity out (it counts only when backed).
    sweep : build the loss and spot-availability coefficients of the scenario rows as
        mutable parameters (``path_loss``, ``spot_avail``) so that ``toolkit sweep``
        re-solves one built model in many sampled worlds; the LP is the same.
    """

    mineral: str
    stages: tuple[str, ...]
    buyers: tuple[str, ...]
    joint: bool
    demand_t: np.ndarray
    node_stage: np.ndarray
    node_country: np.ndarray
    capacity_t: np.ndarray
    unit_cost: np.ndarray
    china: np.ndarray
    partner: np.ndarray
    single: np.ndarray
    path_buyer: np.ndarray
    path_nodes: np.ndarray
    path_cost: np.ndarray
    path_touch: np.ndarray
    scenarios: tuple[str, ...]
    probability: np.ndarray
    node_loss: np.ndarray
    china_cap: np.ndarray
    country_cap: np.ndarray
    partner_min: np.ndarray
    touch_cap: np.ndarray
    min_served: np.ndarray
    stock_cost: np.ndarray
    short_cost: np.ndarray
    offtake: np.ndarray
    spot_share: np.ndarray
    spot_premium: float
    risk_aversion: float
    cvar_alpha: float
    production_t: np.ndarray = field(default_factory=lambda: np.zeros(0))
    market_t: float = 0.0
    planned_t: float = 0.0
    holding_t: np.ndarray = field(default_factory=lambda: np.zeros(0))
    world_t: np.ndarray = field(default_factory=lambda: np.zeros(0))
    bid_premium: np.ndarray = field(default_factory=lambda: np.zeros(0))
    max_bid: np.ndarray = field(default_factory=lambda: np.zeros(0))
    sigma: float = 1.0
    node_project: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=object))
    meta: dict = field(default_factory=dict)
    sweep: bool = False

    @property
    def project_nodes(self) -> list[int]:
        """Nodes that are projects (empty without projects)."""
        return [n for n, p in enumerate(self.node_project) if p]

    def project_capacity(self) -> np.ndarray:
        """(K,) capacity of the project nodes of each stage (t/yr, as if all backed)."""
        out = np.zeros(len(self.stages))
        for n in self.project_nodes:
            out[self.node_stage[n]] += self.capacity_t[n]
        return out

    def all_backed(self) -> MineralData:
        """The instance with every project counted as built (its capacity in the world
        balance): what the diagnosis of a year uses."""
        if not self.project_nodes or not self.market_enabled:
            return self
        meta = dict(self.meta)
        if "world_before_t" in meta:
            meta["world_before_t"] = meta["world_before_t"] + self.project_capacity()
        return replace(self, world_t=self.world_t + self.project_capacity(), meta=meta)

    @property
    def n_paths(self) -> int:
        """Number of (buyer, path) pairs."""
        return len(self.path_buyer)

    def path_loss(self) -> np.ndarray:
        """(S, P) share of each path's flow lost in each scenario.

        .. math:: \\lambda_{s,p} = 1 - \\prod_{n \\in p} (1 - \\ell_{n,s})
        """
        survive = np.ones((len(self.scenarios), self.n_paths))
        for k in range(len(self.stages)):
            survive *= 1.0 - self.node_loss[:, self.path_nodes[:, k]]
        return 1.0 - survive

    @property
    def shortfall_tie_usd_per_t(self) -> float:
        """Tie-break cost of a tonne of shortfall (USD/t, weighted by the scenario's
        probability in the objective, beside :math:`p_s q_b`): ``TIE_BREAK`` x the mean
        full-chain path cost.

        Among equally cheap plans the solver then serves the most: with the default
        settings a tonne held in stock for a year (10 % of its value) costs exactly the
        expected shortfall cost it saves in a 2 %-a-year scenario (0.02 x 5 x its value),
        so the served share would otherwise be any value between the floor and 100 %.
        Weighted by probability, it is the same for merged identical scenarios.
        """
        if not self.n_paths:
            return 0.0
        return float(TIE_BREAK * np.mean(self.path_cost))

    @property
    def spot_enabled(self) -> bool:
        """Spot purchases exist when every stage has a positive ``spot_share``."""
        return bool(len(self.stages)) and bool(np.all(self.spot_share > 0))

    @property
    def market_enabled(self) -> bool:
        """Market buyers exist for this mineral (:math:`D^M > 0`)."""
        return self.market_t > 0

    @property
    def bid_nodes(self) -> list[int]:
        """Nodes where market buyers hold tonnes that may be bid away (:math:`H_n > 0`)."""
        if not self.market_enabled:
            return []
        return np.flatnonzero(self.holding_t > 0).tolist()

    @property
    def free_t(self) -> np.ndarray:
        """(N,) :math:`C_n - H_n`: tonnes the planned buyers may take without bidding."""
        return self.capacity_t - self.holding_t

    @property
    def stockpile_enabled(self) -> bool:
        """Stockpiles exist when some buyer has a ``stockpile_cost_usd_per_t``."""
        return bool(np.any(~np.isnan(self.stock_cost)))

    def rationed(self, node_scale: np.ndarray, stage_scale: np.ndarray) -> MineralData:
        """A copy whose node capacities and holdings (so free tonnes and bid room) are
        scaled by ``node_scale`` and stage world balances by ``stage_scale`` (used to
        ration over-claimed nodes and stages between independent buyers)."""
        node_scale = np.asarray(node_scale, dtype=float)
        stage_scale = np.asarray(stage_scale, dtype=float)
        meta = {**self.meta, "world_before_t": self.meta.get("world_before_t", self.world_t),
                "world_scale": stage_scale}
        return replace(self, capacity_t=self.capacity_t * node_scale,
                       holding_t=self.holding_t * node_scale,
                       world_t=self.world_t * stage_scale, meta=meta)


def _per_buyer_stage(case: CaseSettings, name: str, mineral: str, buyers: tuple[str, ...],
                     stages: list[str]) -> np.ndarray:
    out = np.full((len(buyers), len(stages)), np.nan)
    for i, b in enumerate(buyers):
        for k, s in enumerate(stages):
            value = case.number(name, s, mineral, b)
            out[i, k] = np.nan if value is None else value
    return out


def _per_buyer(case: CaseSettings, name: str, mineral: str,
               buyers: tuple[str, ...]) -> np.ndarray:
    values = [case.number(name, "", mineral, b) for b in buyers]
    return np.array([np.nan if v is None else v for v in values], dtype=float)


def _per_stage(case: CaseSettings, name: str, mineral: str, stages: list[str]) -> np.ndarray:
    values = [case.number(name, s, mineral) for s in stages]
    return np.array([np.nan if v is None else v for v in values], dtype=float)


def _alpha(value: float | None) -> float:
    """CVaR level: the setting when given (0 is a valid level), else 0.95."""
    return 0.95 if value is None or pd.isna(value) else float(value)


def _cost(case: CaseSettings, usd: str, relative: str, mineral: str,
          buyers: tuple[str, ...], unit_cost: float) -> np.ndarray:
    """USD/t from the explicit setting, else relative setting x full-chain unit cost."""
    out = _per_buyer(case, usd, mineral, buyers)
    scale = _per_buyer(case, relative, mineral, buyers) * unit_cost
    return np.where(np.isnan(out), scale, out)


def prepare(chain: SupplyChain, case: CaseSettings, mineral: str,
            buyers: tuple[str, ...] | None = None, joint: bool | None = None) -> MineralData:
    """Build the :class:`MineralData` of ``mineral`` for ``buyers`` under ``case``.

    Parameters
    ----------
    chain : the supply chain **at the case's year** (``chain.at_year(case.year)``).
    case : resolved settings of one policy case.
    buyers : buyers to plan for (default: every buyer with positive demand).
    joint : share capacity and stockpiles (default: ``case.mode == "joint"``).
    """
    base = mineral_base(chain, mineral)
    demand, stages, nodes = base.demand, list(base.stages), base.nodes
    buyers = tuple(b for b in (buyers or tuple(demand)) if b in demand)
    if buyers not in base.paths:
        base.paths[buyers] = _paths_of(base, mineral, stages, buyers)
    paths, route, owner = base.paths[buyers]
    cost = nodes["unit_cost_usd_per_t"].to_numpy(dtype=float)
    names, probs, loss = base.scenarios
    country, node_stage = base.country, base.node_stage
    china = country == CHINA
    return MineralData(
        mineral=mineral, stages=tuple(stages), buyers=buyers,
        joint=case.mode == "joint" if joint is None else joint,
        demand_t=np.array([demand[b] for b in buyers], dtype=float),
        node_stage=node_stage, node_country=country,
        capacity_t=nodes["capacity_t"].to_numpy(dtype=float),
        unit_cost=cost, china=china, partner=base.partner,
        single=country != ROW_COUNTRY,
        path_buyer=owner, path_nodes=paths,
        path_cost=path_cost(base.tie_cost, paths, owner, route),
        path_touch=china[paths].any(axis=1) if paths.size else np.zeros(len(owner), bool),
        scenarios=names, probability=probs, node_loss=loss,
        china_cap=_per_buyer_stage(case, "max_china_share", mineral, buyers, stages),
        country_cap=_per_buyer_node(case, mineral, buyers, stages, node_stage, country),
        partner_min=_per_buyer_stage(case, "min_partner_share", mineral, buyers, stages),
        touch_cap=_per_buyer(case, "max_china_touch_share", mineral, buyers),
        min_served=_per_buyer(case, "min_served_share", mineral, buyers),
        stock_cost=_cost(case, "stockpile_cost_usd_per_t", "stockpile_cost_share", mineral,
                         buyers, base.chain_cost),
        short_cost=_cost(case, "shortfall_cost_usd_per_t", "shortfall_cost_multiple", mineral,
                         buyers, base.chain_cost),
        offtake=_per_stage(case, "max_offtake_share", mineral, stages),
        spot_share=np.nan_to_num(_per_stage(case, "spot_share", mineral, stages)),
        spot_premium=float(case.number("spot_premium", "", mineral) or 0.0),
        risk_aversion=float(case.number("risk_aversion") or 0.0),
        cvar_alpha=_alpha(case.number("cvar_alpha")),
        bid_premium=np.nan_to_num(_per_stage(case, "bid_premium", mineral, stages)),
        max_bid=np.nan_to_num(_per_stage(case, "max_bid_share", mineral, stages), nan=1.0),
        **base.market,
    )


def _paths_of(base: MineralBase, mineral: str, stages: list[str],
              buyers: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The paths of ``buyers`` (:func:`toolkit.optimize.paths.all_paths`), each buyer's
    enumerated once per base: a joint group reuses the stand-alone buyers' paths."""
    if not stages or not buyers:
        return all_paths(base.chain, mineral, base.nodes, stages, buyers)
    for b in buyers:
        if b not in base.buyer_paths:
            base.buyer_paths[b] = enumerate_paths(base.chain, mineral, base.nodes, stages, b)
    return combined([base.buyer_paths[b] for b in buyers])


def _per_buyer_node(case: CaseSettings, mineral: str, buyers: tuple[str, ...],
                    stages: list[str], node_stage: np.ndarray,
                    country: np.ndarray) -> np.ndarray:
    """(B, N) ``max_country_share`` per buyer and node (NaN = not set).

    A row naming a country caps that country; a row with a blank country caps each
    single country; the ROW aggregate only when a row names ``ROW``.
    """
    out = np.full((len(buyers), len(country)), np.nan)
    for b, buyer in enumerate(buyers):
        for n, c in enumerate(country):
            stage = stages[node_stage[n]]
            if c == ROW_COUNTRY and not case.is_named("max_country_share", stage, mineral,
                                                      buyer, c):
                continue
            value = case.number("max_country_share", stage, mineral, buyer, str(c))
            out[b, n] = np.nan if value is None else value
    return out
