"""The case-independent part of one mineral's instance, built once per chain object.

Supply nodes (with the projects online), the scenarios' losses (identical scenarios
merged), the governance tie-break, the full-chain unit cost and the world-market fields:
what :func:`toolkit.optimize.data.prepare` reads for every policy case and buyer group.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from toolkit.chain import SupplyChain
from toolkit.errors import InputError
from toolkit.market import (
    holding_t,
    market_demand_t,
    planned_demand,
    planned_share,
    production_of,
    stage_problems,
    stage_totals,
)
from toolkit.object_cache import once_per
from toolkit.schema import STAGES, WILDCARD


def demand_of(chain: SupplyChain, mineral: str) -> dict[str, float]:
    """Annual demand per planned buyer (positive demand only, sorted); market buyers'
    demand is :func:`toolkit.market.market_demand_t`."""
    return planned_demand(chain, mineral)


def nodes_table(chain: SupplyChain, mineral: str) -> pd.DataFrame:
    """Supply nodes ``stage, country, capacity_t, production_t, unit_cost_usd_per_t``
    (capacity > 0) and ``stage_index``, sorted by stage and country.

    Rows of one (stage, country) are summed (capacity, production) and averaged (unit
    cost), as in :func:`toolkit.network.build_network`.  Use ``chain.at_year`` first.
    """
    rows = chain.supply[chain.supply["mineral"] == mineral]
    rows = rows.assign(production_t=production_of(rows))
    if rows.duplicated(["stage", "country"]).any():
        grouped = rows.groupby(["stage", "country"], sort=True).agg(
            capacity_t=("capacity_t", "sum"), production_t=("production_t", "sum"),
            unit_cost_usd_per_t=("unit_cost_usd_per_t", "mean")).reset_index()
        return _sorted_nodes({c: grouped[c].to_numpy() for c in _NODE_COLUMNS})
    # one row a node, nothing to sum: arrays, not a pandas grouping (a multi-year case
    # builds this for every mineral and modelled year)
    return _sorted_nodes({c: rows[c].to_numpy() for c in _NODE_COLUMNS})


_NODE_COLUMNS = ("stage", "country", "capacity_t", "production_t", "unit_cost_usd_per_t")
_STAGE_INDEX = {s: i for i, s in enumerate(STAGES)}


def _sorted_nodes(columns: dict[str, np.ndarray]) -> pd.DataFrame:
    """The node table of ``columns`` (one entry per node): capacity > 0 only, with
    ``stage_index``, sorted by stage index and country."""
    keep = columns["capacity_t"].astype(float) > 0
    stage_index = np.array([_STAGE_INDEX[s] for s in columns["stage"][keep]],
                           dtype=np.int64)
    order = np.lexsort((columns["country"][keep].astype(str), stage_index))
    out = {c: columns[c][keep][order] for c in ("stage", "country")}
    out.update({c: columns[c][keep][order].astype(float) for c in _NODE_COLUMNS[2:]})
    out["stage_index"] = stage_index[order]
    return pd.DataFrame(out)


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


def chain_cost(nodes: pd.DataFrame) -> float:
    """Full-chain unit cost: sum over stages (in name order) of the capacity-weighted
    mean unit cost."""
    stage = nodes["stage"].to_numpy()
    capacity = nodes["capacity_t"].to_numpy(dtype=float)
    cost = nodes["unit_cost_usd_per_t"].to_numpy(dtype=float)
    total = 0.0
    for name in sorted(set(stage)):
        at = stage == name
        total += float((capacity[at] * cost[at]).sum() / capacity[at].sum())
    return total


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
    paths: dict = field(default_factory=dict)        # buyer group -> its paths
    buyer_paths: dict = field(default_factory=dict)  # buyer -> its paths alone


def mineral_base(chain: SupplyChain, mineral: str) -> MineralBase:
    """The case-independent part of a mineral's instance, built once per chain object.

    The cache entry of a chain is dropped when the chain is garbage-collected, so an
    object id is never reused for another chain's data.

    Raises
    ------
    InputError
        When the market buyers' demand exceeds a stage's production.
    """
    cache = once_per(chain, "mineral_base", dict)
    if mineral not in cache:
        cache[mineral] = _build_base(chain, mineral)
    return cache[mineral]


# tables with a mineral column; Disruptions rows with mineral "*" apply to every mineral
_PER_MINERAL = ("minerals", "supply", "demand", "routes", "disruptions", "projects")


def mineral_chain(chain: SupplyChain, mineral: str) -> SupplyChain:
    """The chain with only ``mineral``'s rows in its per-mineral tables (Disruptions: also
    the rows for every mineral), rows in their order: what one mineral's instance reads,
    without filtering the whole tables again for every quantity.

    Every mineral's rows are found with one grouping per table at the first call for a
    chain object (cached like :func:`mineral_base`)."""
    rows = once_per(chain, "mineral_rows", lambda: {
        name: _row_positions(getattr(chain, name), name) for name in _PER_MINERAL})
    tables = {}
    for name, positions in rows.items():
        if positions is not None:
            table = getattr(chain, name)
            tables[name] = table.take(positions.get(mineral, positions[_NONE]))
    return chain.with_tables(**tables)


_NONE = object()  # key of the rows of a mineral no row names (Disruptions: the wildcard's)


def _row_positions(table: pd.DataFrame | None, name: str) -> dict | None:
    """Per mineral, the positions of its rows in ``table`` in row order (Disruptions:
    with the rows for every mineral); None for a table without a mineral column."""
    if table is None or "mineral" not in table:
        return None
    groups = table.groupby("mineral", sort=False).indices
    wildcard = groups.pop(WILDCARD, np.zeros(0, dtype=np.intp)) \
        if name == "disruptions" else np.zeros(0, dtype=np.intp)
    out: dict = {m: np.sort(np.concatenate([rows, wildcard])) for m, rows in groups.items()}
    out[_NONE] = wildcard
    return out


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
    if chain.projects is None or not len(chain.projects):
        return nodes
    extra = project_nodes(chain, mineral)
    extra = extra[extra["stage"].isin(set(nodes["stage"]))]
    if extra.empty:
        return nodes
    return pd.concat([nodes.assign(project=""), extra], ignore_index=True)


def _build_base(whole: SupplyChain, mineral: str) -> MineralBase:
    """The base of ``mineral`` in ``whole`` (planned demand read from the whole chain's
    cache, :func:`toolkit.market.planned_demand`; the rest from the mineral's rows)."""
    chain = mineral_chain(whole, mineral)
    today = nodes_table(chain, mineral)
    nodes = _with_projects(chain, mineral, today)
    demand = demand_of(whole, mineral)
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


def _market(chain: SupplyChain, mineral: str, nodes: pd.DataFrame, node_stage: np.ndarray,
            planned_t: float) -> dict:
    """The case-independent world-market fields of :class:`MineralData`
    (see :mod:`toolkit.market`).

    Raises
    ------
    InputError
        When the market buyers' demand exceeds a stage's production.
    """
    market_t = market_demand_t(chain, mineral)  # the mineral's rows only (mineral_chain)
    if market_t > 0:
        problems = stage_problems(chain, mineral, market_t, stage_totals(chain, mineral))
        if problems:
            raise InputError(problems)
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
