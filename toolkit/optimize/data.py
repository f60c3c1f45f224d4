"""Indexed sets and arrays of one mineral's sourcing problem, prepared from a chain.

Both formulations (the Pyomo model in :mod:`toolkit.optimize.model` and the direct
highspy reference in :mod:`toolkit.optimize.reference`) read only a
:class:`MineralData`, so they solve exactly the same instance.

Paths are enumerated by :mod:`toolkit.optimize.paths`.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from toolkit.chain import SupplyChain
from toolkit.errors import InputError
from toolkit.market import (
    holding_t,
    market_demand_t,
    market_problems,
    planned_demand,
    planned_share,
    production_of,
)
from toolkit.optimize.paths import all_paths, path_cost
from toolkit.policy import CaseSettings
from toolkit.schema import CHINA, ROW, STAGES, WILDCARD

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
        return replace(self, world_t=self.world_t + self.project_capacity())

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
        return replace(self, capacity_t=self.capacity_t * node_scale,
                       holding_t=self.holding_t * node_scale,
                       world_t=self.world_t * np.asarray(stage_scale, dtype=float))


def nodes_table(chain: SupplyChain, mineral: str) -> pd.DataFrame:
    """Supply nodes ``stage, country, capacity_t, production_t, unit_cost_usd_per_t``
    (capacity > 0).

    Rows of one (stage, country) are summed (capacity, production) and averaged (unit
    cost), as in :func:`toolkit.network.build_network`.  Use ``chain.at_year`` first.
    """
    rows = chain.supply[chain.supply["mineral"] == mineral]
    rows = rows.assign(production_t=production_of(rows))
    if not rows.duplicated(["stage", "country"]).any():  # one row a node: nothing to sum
        grouped = pd.DataFrame({
            "stage": rows["stage"].to_numpy(), "country": rows["country"].to_numpy(),
            "capacity_t": rows["capacity_t"].to_numpy(dtype=float),
            "production_t": rows["production_t"].to_numpy(dtype=float),
            "unit_cost_usd_per_t": rows["unit_cost_usd_per_t"].to_numpy(dtype=float)})
        grouped = grouped[grouped["capacity_t"] > 0].reset_index(drop=True)
        grouped["stage_index"] = grouped["stage"].map({s: i for i, s in enumerate(STAGES)})
        return grouped.sort_values(["stage_index", "country"]).reset_index(drop=True)
    grouped = rows.groupby(["stage", "country"], sort=True).agg(
        capacity_t=("capacity_t", "sum"), production_t=("production_t", "sum"),
        unit_cost_usd_per_t=("unit_cost_usd_per_t", "mean"))
    grouped = grouped[grouped["capacity_t"] > 0].reset_index()
    grouped["stage_index"] = grouped["stage"].map({s: i for i, s in enumerate(STAGES)})
    return grouped.sort_values(["stage_index", "country"]).reset_index(drop=True)


def demand_of(chain: SupplyChain, mineral: str) -> dict[str, float]:
    """Annual demand per planned buyer (positive demand only, sorted); market buyers'
    demand is :func:`toolkit.market.market_demand_t`."""
    return planned_demand(chain, mineral)


def scenario_losses(chain: SupplyChain, mineral: str, nodes: pd.DataFrame,
                    merge: bool = True) -> tuple[tuple[str, ...], np.ndarray, np.ndarray]:
    """Scenarios that disrupt some node of ``mineral``: names, probabilities, (S, N) loss.

    A row with mineral or stage ``*`` applies to every mineral or stage.  When
    several rows hit one node in one scenario the largest loss applies; a
    scenario's probability is the largest of its rows'.  Scenarios with the same
    loss on every node are merged (``merge``, see :func:`merge_identical`).
    """
    table = chain.disruptions
    if table is None or table.empty:
        return (), np.zeros(0), np.zeros((0, len(nodes)))
    rows = table[(table["mineral"] == mineral) | (table["mineral"] == WILDCARD)]
    index: dict[tuple, list[int]] = {}
    for i, key in enumerate(zip(nodes["stage"], nodes["country"], strict=True)):
        index.setdefault(key, []).append(i)
    losses: dict[str, np.ndarray] = {}
    probs: dict[str, float] = {}
    for r in rows.itertuples(index=False):
        hit = [i for s in STAGES if r.stage in (s, WILDCARD) for i in index.get(
            (s, r.country), [])]
        if not hit or float(r.capacity_loss) <= 0:
            continue
        loss = losses.setdefault(str(r.scenario), np.zeros(len(nodes)))
        loss[hit] = np.maximum(loss[hit], float(r.capacity_loss))
        probs[str(r.scenario)] = max(probs.get(str(r.scenario), 0.0), float(r.probability))
    names = tuple(sorted(losses))
    matrix = np.array([losses[s] for s in names]).reshape(len(names), len(nodes))
    out = names, np.array([probs[s] for s in names], dtype=float), matrix
    return merge_identical(*out) if merge else out


SCENARIO_JOIN = " / "


def merge_identical(names: tuple[str, ...], probability: np.ndarray, loss: np.ndarray
                    ) -> tuple[tuple[str, ...], np.ndarray, np.ndarray]:
    r"""Merge scenarios with identical loss rows, summing their probabilities.

    Scenarios :math:`s, s'` with :math:`\ell_{n,s} = \ell_{n,s'}` for every node
    :math:`n` of the mineral give identical constraint blocks, and every scenario
    term of the LP (expected shortfall, spot and drawdown costs, the CVaR excess
    :math:`p_s z_s`) is linear in :math:`p_s`: averaging the two blocks of any
    solution is feasible at the same objective, so one block with probability
    :math:`p_s + p_{s'}` has the same optimum and the same portfolio.  The merged
    scenario is named ``"A / B"`` (members in name order) and sits where its first
    member was.
    """
    groups: dict[bytes, list[int]] = {}
    for s in range(len(names)):
        groups.setdefault(np.ascontiguousarray(loss[s]).tobytes(), []).append(s)
    if len(groups) == len(names):
        return names, probability, loss
    members = sorted(groups.values())
    merged = tuple(SCENARIO_JOIN.join(names[s] for s in m) for m in members)
    probs = np.array([float(probability[m].sum()) for m in members], dtype=float)
    return merged, probs, loss[[m[0] for m in members]]


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


# Among equally cheap plans, prefer better-governed suppliers: each node's cost gets
# TIE_BREAK x unit cost x (scaled WGI / 10) added in the objective.  1e-7 of the cost
# never trades real money (results are reported to 7 significant digits) but makes the
# recommended portfolio the least governance-risky of the equal-cost optima instead of
# an arbitrary vertex.  Unknown WGI (ROW aggregate) counts as the midpoint 0.5.
TIE_BREAK = 1e-7


def governance_tie_break(chain: SupplyChain, nodes: pd.DataFrame) -> np.ndarray:
    r"""Per-node tie-break cost, USD/t: ``TIE_BREAK x unit cost x WGI*/10``.

    .. math:: \epsilon \, c_n \, \frac{2 (2.5 - WGI_n)}{10}, \quad \epsilon = 10^{-7}

    with WGI* the EU-JRC 0-10 rescaling (Blengini et al. 2017).
    """
    wgi = dict(zip(chain.countries["country"], chain.countries["wgi"], strict=True))
    risk = [0.5 if pd.isna(wgi.get(c, np.nan)) else min(1.0, max(0.0, (2.5 - wgi[c]) / 5.0))
            for c in nodes["country"]]
    return TIE_BREAK * nodes["unit_cost_usd_per_t"].to_numpy(dtype=float) * np.array(
        risk, dtype=float)


def _alpha(value: float | None) -> float:
    """CVaR level: the setting when given (0 is a valid level), else 0.95."""
    return 0.95 if value is None or pd.isna(value) else float(value)


def chain_cost(nodes: pd.DataFrame) -> float:
    """Full-chain unit cost: sum over stages of the capacity-weighted mean unit cost."""
    total = 0.0
    for _, rows in nodes.groupby("stage"):
        weight = rows["capacity_t"].sum()
        total += float((rows["capacity_t"] * rows["unit_cost_usd_per_t"]).sum() / weight)
    return total


def _cost(case: CaseSettings, usd: str, relative: str, mineral: str,
          buyers: tuple[str, ...], unit_cost: float) -> np.ndarray:
    """USD/t from the explicit setting, else relative setting x full-chain unit cost."""
    out = _per_buyer(case, usd, mineral, buyers)
    scale = _per_buyer(case, relative, mineral, buyers) * unit_cost
    return np.where(np.isnan(out), scale, out)


@dataclass(frozen=True)
class MineralBase:
    """What :func:`prepare` needs of one mineral that no policy case changes (cached per
    chain object, see :func:`mineral_base`)."""

    nodes: pd.DataFrame
    stages: tuple[str, ...]
    demand: dict[str, float]
    node_stage: np.ndarray
    country: np.ndarray
    partner: np.ndarray
    tie_cost: np.ndarray
    scenarios: tuple
    chain_cost: float
    market: dict
    chain: SupplyChain  # the mineral's rows only (:func:`mineral_chain`)
    paths: dict = field(default_factory=dict)


_BASES: dict[int, dict[str, MineralBase]] = {}


def mineral_base(chain: SupplyChain, mineral: str) -> MineralBase:
    """The case-independent part of a mineral's instance, built once per chain object.

    The cache entry of a chain is dropped when the chain is garbage-collected, so an
    object id is never reused for another chain's data.

    Raises
    ------
    InputError
        When the market buyers' demand exceeds a stage's production.
    """
    key = id(chain)
    if key not in _BASES:
        _BASES[key] = {}
        weakref.finalize(chain, _BASES.pop, key, None)
    cache = _BASES[key]
    if mineral not in cache:
        cache[mineral] = _build_base(mineral_chain(chain, mineral), mineral)
    return cache[mineral]


# tables with a mineral column; Disruptions rows with mineral "*" apply to every mineral
_PER_MINERAL = ("minerals", "supply", "demand", "routes", "disruptions", "projects")


def mineral_chain(chain: SupplyChain, mineral: str) -> SupplyChain:
    """The chain with only ``mineral``'s rows in its per-mineral tables (Disruptions: also
    the rows for every mineral), rows in their order: what one mineral's instance reads,
    without filtering the whole tables again for every quantity."""
    tables = {}
    for name in _PER_MINERAL:
        table = getattr(chain, name)
        if table is None or "mineral" not in table:
            continue
        keep = table["mineral"] == mineral
        if name == "disruptions":
            keep |= table["mineral"] == WILDCARD
        tables[name] = table[keep]
    return chain.with_tables(**tables)


def project_nodes(chain: SupplyChain, mineral: str) -> pd.DataFrame:
    """Project nodes of ``mineral`` (the chain's projects table, already the ones online):
    the columns of :func:`nodes_table` with ``production_t`` 0 (spare: market buyers hold
    none of it) plus ``project``, sorted by stage and id."""
    rows = chain.projects[chain.projects["mineral"] == mineral] if len(chain.projects) \
        else chain.projects
    out = pd.DataFrame({"stage": rows["stage"], "country": rows["country"],
                        "capacity_t": rows["capacity_t"].astype(float),
                        "production_t": 0.0,
                        "unit_cost_usd_per_t": rows["unit_cost_usd_per_t"].astype(float),
                        "project": rows["project"]})
    out["stage_index"] = out["stage"].map({s: i for i, s in enumerate(STAGES)})
    return out.sort_values(["stage_index", "project"]).reset_index(drop=True)


def _with_projects(chain: SupplyChain, mineral: str, nodes: pd.DataFrame) -> pd.DataFrame:
    """Supply nodes followed by the mineral's project nodes (at stages it has)."""
    extra = project_nodes(chain, mineral)
    extra = extra[extra["stage"].isin(set(nodes["stage"]))]
    if extra.empty:
        return nodes
    return pd.concat([nodes.assign(project=""), extra], ignore_index=True)


def _build_base(chain: SupplyChain, mineral: str) -> MineralBase:
    today = nodes_table(chain, mineral)
    nodes = _with_projects(chain, mineral, today)
    demand = demand_of(chain, mineral)
    stages = tuple(s for s in STAGES if s in set(nodes["stage"]))
    country = nodes["country"].to_numpy(dtype=object)
    partners = chain.partners()
    node_stage = nodes["stage"].map({s: i for i, s in enumerate(stages)}).to_numpy(
        dtype=np.int64)
    cost = nodes["unit_cost_usd_per_t"].to_numpy(dtype=float)
    return MineralBase(
        nodes=nodes, stages=stages, demand=demand, node_stage=node_stage, country=country,
        partner=np.array([c in partners for c in country], dtype=bool),
        tie_cost=cost + governance_tie_break(chain, nodes),
        scenarios=scenario_losses(chain, mineral, nodes), chain_cost=chain_cost(today),
        market=_market(chain, mineral, nodes, node_stage, sum(demand.values())),
        chain=chain)


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
        base.paths[buyers] = all_paths(base.chain, mineral, nodes, stages, buyers)
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


def _market(chain: SupplyChain, mineral: str, nodes: pd.DataFrame, node_stage: np.ndarray,
            planned_t: float) -> dict:
    """The case-independent world-market fields of :class:`MineralData`
    (see :mod:`toolkit.market`).

    Raises
    ------
    InputError
        When the market buyers' demand exceeds a stage's production.
    """
    sub = chain.with_tables(supply=chain.supply[chain.supply["mineral"] == mineral],
                            minerals=chain.minerals[chain.minerals["mineral"] == mineral])
    problems = market_problems(sub)
    if problems:
        raise InputError(problems)
    market_t = market_demand_t(chain, mineral)
    production = nodes["production_t"].to_numpy(dtype=float)
    capacity = nodes["capacity_t"].to_numpy(dtype=float)
    stages = int(node_stage.max()) + 1 if len(node_stage) else 0
    project = nodes["project"].to_numpy(dtype=object) if "project" in nodes \
        else np.zeros(0, dtype=object)
    today = capacity if not len(project) else np.where(project != "", 0.0, capacity)
    world = np.array([today[node_stage == k].sum() - market_t for k in range(stages)],
                     dtype=float)
    return {"production_t": production, "market_t": market_t, "planned_t": planned_t,
            "holding_t": holding_t(production, node_stage, market_t), "world_t": world,
            "sigma": planned_share(planned_t, market_t), "node_project": project}


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
