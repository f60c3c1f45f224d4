"""Indexed sets and arrays of one mineral's sourcing problem, prepared from a chain.

Both formulations (the Pyomo model in :mod:`toolkit.optimize.model` and the direct
highspy reference in :mod:`toolkit.optimize.reference`) read only a
:class:`MineralData`, so they solve exactly the same instance.

Paths
-----
A *path* is one chain of nodes ``mine -> refine -> manufacture -> buyer`` over
the stages the mineral has rows for.  Links come from the ``Routes`` table when it
has rows for a pair of stages (only those links, with their extra cost), otherwise
every link is allowed at zero extra cost (the rule of :mod:`toolkit.network`).
Path cost:

.. math:: c_p = \\sum_{n \\in p} c_n + \\sum_{(u,v) \\in p} r_{uv}

A path-based formulation keeps three meanings exact and linear: the *China-touch*
share (a path touches China or not), and the multiplicative survival of a path
in a disruption, :math:`\\prod_{n \\in p} (1 - \\ell_{n,s})`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from toolkit.chain import SupplyChain
from toolkit.policy import CaseSettings
from toolkit.schema import CHINA, STAGES, WILDCARD

ROW_COUNTRY = "ROW"
BUYER_STAGE = "buyer"


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
    china_cap, country_cap, partner_min : (B, K) shares (NaN = not set).
    touch_cap, min_served, stock_cost, short_cost : (B,) (NaN = not set).
    offtake, spot_share : (K,) (NaN / 0 = not set); spot_premium : scalar.
    risk_aversion, cvar_alpha : CVaR weight and level.
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
    meta: dict = field(default_factory=dict)

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
    def stockpile_enabled(self) -> bool:
        """Stockpiles exist when some buyer has a ``stockpile_cost_usd_per_t``."""
        return bool(np.any(~np.isnan(self.stock_cost)))

    def with_capacity(self, capacity_t: np.ndarray) -> MineralData:
        """A copy with other node capacities (used to ration over-claimed nodes)."""
        return replace(self, capacity_t=np.asarray(capacity_t, dtype=float))


def nodes_table(chain: SupplyChain, mineral: str) -> pd.DataFrame:
    """Supply nodes ``stage, country, capacity_t, unit_cost_usd_per_t`` (capacity > 0).

    Rows of one (stage, country) are summed (capacity) and averaged (unit cost),
    as in :func:`toolkit.network.build_network`.  Use ``chain.at_year`` first.
    """
    rows = chain.supply[chain.supply["mineral"] == mineral]
    grouped = rows.groupby(["stage", "country"], sort=True).agg(
        capacity_t=("capacity_t", "sum"), unit_cost_usd_per_t=("unit_cost_usd_per_t", "mean"))
    grouped = grouped[grouped["capacity_t"] > 0].reset_index()
    grouped["stage_index"] = grouped["stage"].map({s: i for i, s in enumerate(STAGES)})
    return grouped.sort_values(["stage_index", "country"]).reset_index(drop=True)


def demand_of(chain: SupplyChain, mineral: str) -> dict[str, float]:
    """Annual demand per buyer (buyers with positive demand only, sorted)."""
    rows = chain.demand[chain.demand["mineral"] == mineral]
    totals = rows.groupby("buyer")["demand_t"].sum()
    return {str(b): float(v) for b, v in sorted(totals.items()) if v > 0}


def _links(chain: SupplyChain, mineral: str, up: str, down: str) -> pd.DataFrame | None:
    """Allowed links ``from_country, to_country, cost`` between two stages (None = all)."""
    routes = chain.routes
    if routes is None or routes.empty:
        return None
    rows = routes[(routes["mineral"] == mineral) & (routes["from_stage"] == up)
                  & (routes["to_stage"] == down)]
    if rows.empty:
        return None
    out = rows[["from_country", "to_country", "cost_usd_per_t"]].copy()
    out["cost_usd_per_t"] = out["cost_usd_per_t"].fillna(0.0).astype(float)
    return out.reset_index(drop=True)


def enumerate_paths(chain: SupplyChain, mineral: str, nodes: pd.DataFrame,
                    stages: list[str], buyer: str) -> tuple[np.ndarray, np.ndarray]:
    """All allowed paths to ``buyer``: ((P, K) node indices, (P,) route cost)."""
    first = nodes.index[nodes["stage"] == stages[0]]
    paths = pd.DataFrame({"n0": first, "route": 0.0})
    for k in range(1, len(stages)):
        paths = _extend(paths, k, nodes, stages, _links(chain, mineral, stages[k - 1],
                                                        stages[k]))
    paths = _to_buyer(paths, nodes, stages, _links(chain, mineral, stages[-1], BUYER_STAGE),
                      buyer)
    cols = [f"n{k}" for k in range(len(stages))]
    paths = paths.sort_values(cols).reset_index(drop=True)
    return paths[cols].to_numpy(dtype=np.int64), paths["route"].to_numpy(dtype=float)


def _extend(paths: pd.DataFrame, k: int, nodes: pd.DataFrame, stages: list[str],
            links: pd.DataFrame | None) -> pd.DataFrame:
    down = pd.DataFrame({f"n{k}": nodes.index[nodes["stage"] == stages[k]]})
    if links is None:
        return paths.merge(down, how="cross")
    country = nodes["country"]
    left = paths.assign(from_country=country.loc[paths[f"n{k - 1}"]].to_numpy())
    right = down.assign(to_country=country.loc[down[f"n{k}"]].to_numpy())
    out = left.merge(links, on="from_country").merge(right, on="to_country")
    out["route"] = out["route"] + out["cost_usd_per_t"]
    return out.drop(columns=["from_country", "to_country", "cost_usd_per_t"])


def _to_buyer(paths: pd.DataFrame, nodes: pd.DataFrame, stages: list[str],
              links: pd.DataFrame | None, buyer: str) -> pd.DataFrame:
    if links is None:
        return paths
    last = f"n{len(stages) - 1}"
    mine = links[links["to_country"] == buyer][["from_country", "cost_usd_per_t"]]
    left = paths.assign(from_country=nodes["country"].loc[paths[last]].to_numpy())
    out = left.merge(mine, on="from_country")
    out["route"] = out["route"] + out["cost_usd_per_t"]
    return out.drop(columns=["from_country", "cost_usd_per_t"])


def scenario_losses(chain: SupplyChain, mineral: str,
                    nodes: pd.DataFrame) -> tuple[tuple[str, ...], np.ndarray, np.ndarray]:
    """Scenarios that disrupt some node of ``mineral``: names, probabilities, (S, N) loss.

    A row with mineral or stage ``*`` applies to every mineral or stage.  When
    several rows hit one node in one scenario the largest loss applies; a
    scenario's probability is the largest of its rows'.
    """
    table = chain.disruptions
    if table is None or table.empty:
        return (), np.zeros(0), np.zeros((0, len(nodes)))
    rows = table[(table["mineral"] == mineral) | (table["mineral"] == WILDCARD)]
    index = {(s, c): i for i, (s, c) in enumerate(zip(nodes["stage"], nodes["country"],
                                                      strict=True))}
    losses: dict[str, np.ndarray] = {}
    probs: dict[str, float] = {}
    for r in rows.itertuples(index=False):
        hit = [index[(s, r.country)] for s in STAGES
               if r.stage in (s, WILDCARD) and (s, r.country) in index]
        if not hit or float(r.capacity_loss) <= 0:
            continue
        loss = losses.setdefault(str(r.scenario), np.zeros(len(nodes)))
        loss[hit] = np.maximum(loss[hit], float(r.capacity_loss))
        probs[str(r.scenario)] = max(probs.get(str(r.scenario), 0.0), float(r.probability))
    names = tuple(sorted(losses))
    matrix = np.array([losses[s] for s in names]).reshape(len(names), len(nodes))
    return names, np.array([probs[s] for s in names], dtype=float), matrix


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


def _path_cost(cost: np.ndarray, paths: np.ndarray, owner: np.ndarray,
               route: np.ndarray) -> np.ndarray:
    """USD/t of each path: node costs along it plus route costs."""
    return (cost[paths].sum(axis=1) if paths.size else np.zeros(len(owner))) + route


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
    nodes = nodes_table(chain, mineral)
    demand = demand_of(chain, mineral)
    buyers = tuple(b for b in (buyers or tuple(demand)) if b in demand)
    stages = [s for s in STAGES if s in set(nodes["stage"])]
    partners = chain.partners()
    paths, route, owner = _all_paths(chain, mineral, nodes, stages, buyers)
    cost = nodes["unit_cost_usd_per_t"].to_numpy(dtype=float)
    names, probs, loss = scenario_losses(chain, mineral, nodes)
    country = nodes["country"].to_numpy(dtype=object)
    china = country == CHINA
    return MineralData(
        mineral=mineral, stages=tuple(stages), buyers=buyers,
        joint=case.mode == "joint" if joint is None else joint,
        demand_t=np.array([demand[b] for b in buyers], dtype=float),
        node_stage=nodes["stage"].map({s: i for i, s in enumerate(stages)}).to_numpy(
            dtype=np.int64),
        node_country=country, capacity_t=nodes["capacity_t"].to_numpy(dtype=float),
        unit_cost=cost, china=china,
        partner=np.array([c in partners for c in country], dtype=bool),
        single=country != ROW_COUNTRY,
        path_buyer=owner, path_nodes=paths,
        path_cost=_path_cost(cost + governance_tie_break(chain, nodes), paths, owner, route),
        path_touch=china[paths].any(axis=1) if paths.size else np.zeros(len(owner), bool),
        scenarios=names, probability=probs, node_loss=loss,
        china_cap=_per_buyer_stage(case, "max_china_share", mineral, buyers, stages),
        country_cap=_per_buyer_stage(case, "max_country_share", mineral, buyers, stages),
        partner_min=_per_buyer_stage(case, "min_partner_share", mineral, buyers, stages),
        touch_cap=_per_buyer(case, "max_china_touch_share", mineral, buyers),
        min_served=_per_buyer(case, "min_served_share", mineral, buyers),
        stock_cost=_cost(case, "stockpile_cost_usd_per_t", "stockpile_cost_share", mineral,
                         buyers, chain_cost(nodes)),
        short_cost=_cost(case, "shortfall_cost_usd_per_t", "shortfall_cost_multiple", mineral,
                         buyers, chain_cost(nodes)),
        offtake=_per_stage(case, "max_offtake_share", mineral, stages),
        spot_share=np.nan_to_num(_per_stage(case, "spot_share", mineral, stages)),
        spot_premium=float(case.number("spot_premium", "", mineral) or 0.0),
        risk_aversion=float(case.number("risk_aversion") or 0.0),
        cvar_alpha=_alpha(case.number("cvar_alpha")),
    )


def _all_paths(chain: SupplyChain, mineral: str, nodes: pd.DataFrame, stages: list[str],
               buyers: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if not stages or not buyers:
        return (np.zeros((0, len(stages)), dtype=np.int64), np.zeros(0),
                np.zeros(0, dtype=np.int64))
    parts = [enumerate_paths(chain, mineral, nodes, stages, b) for b in buyers]
    owner = np.concatenate([np.full(len(p[0]), i, dtype=np.int64)
                            for i, p in enumerate(parts)])
    return (np.vstack([p[0] for p in parts]), np.concatenate([p[1] for p in parts]), owner)
