"""Solve one mineral's model and read its plan into tidy rows.

A :class:`MineralPlan` holds what the results need (portfolio by node, stockpile,
per-scenario service, shadow prices, diagnosis) and keeps the built model and its
persistent solver so sweeps can re-solve it with new parameter values.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyomo.environ as pyo

from toolkit.optimize.data import MineralData
from toolkit.optimize.diagnose import diagnose
from toolkit.optimize.duals import shadow_prices
from toolkit.optimize.model import build_model
from toolkit.optimize.solve import Outcome, Solver


@dataclass
class MineralPlan:
    """The solved plan of one mineral for the buyers of one model."""

    data: MineralData
    status: str
    objective_usd: float | None
    node_flow: np.ndarray            # (B, N) contracted t/yr through each node
    spot_node: np.ndarray            # (B, S, N) spot t bought at each node
    short: np.ndarray                # (B, S) unserved t
    spot: np.ndarray                 # (B, S) spot t delivered
    draw: np.ndarray                 # (B, S) stockpile drawdown t
    lost: np.ndarray                 # (B, S) contracted t lost
    stock: np.ndarray                # (B,) stockpile held t
    touch: np.ndarray                # (B,) share of supply whose path touches China
    bid: np.ndarray = field(default_factory=lambda: np.zeros(0))  # (N,) t bid away
    shadow: list[dict] = field(default_factory=list)
    diagnosis: list[dict] = field(default_factory=list)
    model: pyo.ConcreteModel | None = None
    solver: Solver | None = None
    base_data: MineralData | None = None  # the instance before rationing (independent)
    year: int | None = None          # modelled year of a multi-year model's block
    backed: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))  # (N,)
    capex_usd: float = 0.0           # annualised capex of the backed projects this year

    def resolve(self) -> Outcome:
        """Re-solve the built model after parameter changes; the objective is this plan's
        own: its year's annual cost in a multi-year model (projects held fixed), the
        whole objective otherwise."""
        outcome = self.solver.solve()
        if self.model is self.solver.model or outcome.status != "optimal":
            return outcome
        return Outcome(outcome.status, self.solver.evaluate(self.model.objective.expr))

    @property
    def unrationed(self) -> MineralData:
        """The instance before any rationing between independent buyers."""
        return self.base_data if self.base_data is not None else self.data

    @property
    def base_capacity(self) -> np.ndarray:
        """Node capacities before rationing (t/yr)."""
        return self.unrationed.capacity_t

    @property
    def bid_cost_by_node(self) -> np.ndarray:
        """(N,) annual premium paid for the tonnes bid away at each node:
        :math:`\\omega_k c_n \\delta_n` (USD/yr; zeros without bids)."""
        d = self.data
        if not self.bid.size:
            return np.zeros(len(d.capacity_t))
        return self.bid * d.bid_premium[d.node_stage] * d.unit_cost

    @property
    def bid_cost_usd(self) -> float:
        """Annual premium paid for tonnes bid away: :math:`\\sum_n \\omega_k c_n \\delta_n`."""
        return float(self.bid_cost_by_node.sum())

    @property
    def worst_served_share(self) -> float | None:
        """Lowest served share over buyers and scenarios (1 without scenarios)."""
        if self.status != "optimal":
            return None
        if not self.short.size:
            return 1.0
        served = 1.0 - self.short / self.data.demand_t[:, None]
        return float(served.min())


def solve_plan(d: MineralData, keep: bool = True) -> MineralPlan:
    """Build, solve and read one mineral's model (diagnose it when infeasible)."""
    m = build_model(d)
    solver = Solver(m)
    outcome = solver.solve()
    plan = read_plan(d, m, solver, outcome)
    if outcome.status == "infeasible":
        plan.diagnosis = diagnose(d)
    if keep:
        plan.model, plan.solver = m, solver
    return plan


def read_plan(d: MineralData, m: pyo.ConcreteModel, solver: Solver,
              outcome: Outcome) -> MineralPlan:
    """Read primal values and duals of a solved model into a :class:`MineralPlan`."""
    B, S, N = len(d.buyers), len(d.scenarios), len(d.capacity_t)
    empty = MineralPlan(d, outcome.status, outcome.objective_usd, np.zeros((B, N)),
                        np.zeros((B, S, N)), np.zeros((B, S)), np.zeros((B, S)),
                        np.zeros((B, S)), np.zeros((B, S)), np.zeros(B), np.zeros(B),
                        bid=np.zeros(N))
    if outcome.status != "optimal":
        return empty
    x = solver.array(m.x, d.n_paths)
    empty.node_flow = node_flows(d, x)
    empty.touch = np.array([x[(d.path_buyer == b) & d.path_touch].sum() / d.demand_t[b]
                            for b in range(B)])
    empty.lost = _lost(d, x)
    empty.short = _grid(solver.values(m.short), (B, S))
    if d.spot_enabled:
        empty.spot = _grid(solver.values(m.spot), (B, S))
        empty.spot_node = _grid(solver.values(m.spot_node), (B, S, N))
    if m.draw is not None:
        empty.draw = _grid(solver.values(m.draw), (B, S))
    if m.stock is not None:
        for b, v in solver.values(m.stock).items():
            empty.stock[b] = v
    for n, v in solver.values(m.bid).items():
        empty.bid[n] = v
    settle_shortfall(empty)
    empty.shadow = shadow_prices(m, solver, d)
    return empty


def settle_shortfall(plan: MineralPlan) -> None:
    r"""Report the shortfall the plan implies, not a degenerate LP value.

    When unserved tonnes cost nothing (no shortfall cost, or a zero-probability
    scenario) and drawdown is free, the LP is indifferent to ``short`` above its
    lower bound and to ``draw`` above what is needed.  The reported values are
    the implied ones:

    .. math:: w^{rep} = \min(w, \max(0, L - z)), \quad u^{rep} = \max(0, L - z - w^{rep})

    with :math:`L` the lost contracted tonnes, :math:`z` spot and :math:`w` drawdown.
    """
    need = np.maximum(0.0, plan.lost - plan.spot)
    plan.draw = np.minimum(plan.draw, need)
    plan.short = np.maximum(0.0, need - plan.draw)


def _grid(values: dict, shape: tuple[int, ...]) -> np.ndarray:
    out = np.zeros(shape)
    for i, v in values.items():
        out[i] = v
    return out


def node_flows(d: MineralData, x: np.ndarray) -> np.ndarray:
    """(B, N) tonnes through each node per buyer (each path crosses one node a stage)."""
    flow = np.zeros((len(d.buyers), len(d.capacity_t)))
    for k in range(len(d.stages)):
        np.add.at(flow, (d.path_buyer, d.path_nodes[:, k]), x)
    return flow


def _lost(d: MineralData, x: np.ndarray) -> np.ndarray:
    if not len(d.scenarios):
        return np.zeros((len(d.buyers), 0))
    lost = d.path_loss() * x[None, :]
    return np.array([lost[:, d.path_buyer == b].sum(axis=1) for b in range(len(d.buyers))])


def portfolio_rows(plan: MineralPlan) -> list[dict]:
    """``buyer, mineral, stage, country, tonnes, share, cost_usd`` for positive flows."""
    d = plan.data
    rows = []
    for b, buyer in enumerate(d.buyers):
        for n in np.flatnonzero(plan.node_flow[b] > 1e-9):
            t = float(plan.node_flow[b, n])
            rows.append({"buyer": buyer, "mineral": d.mineral,
                         "stage": d.stages[d.node_stage[n]], "country": str(d.node_country[n]),
                         "tonnes": t, "share": t / float(d.demand_t[b]),
                         "cost_usd": t * float(d.unit_cost[n])})
    return rows


def bid_rows(plan: MineralPlan) -> list[dict]:
    """Nodes where tonnes are bid away from market buyers: ``buyer`` (``GBR+JPN`` for a
    joint plan), ``mineral, stage, country, bid_t, holding_t, bid_premium,
    unit_cost_usd_per_t, bid_cost_usd`` (the annual premium paid)."""
    d = plan.data
    who = "+".join(d.buyers)
    cost = plan.bid_cost_by_node
    rows = []
    for n in np.flatnonzero(plan.bid > 1e-9):
        k = d.node_stage[n]
        rows.append({"buyer": who, "mineral": d.mineral, "stage": d.stages[k],
                     "country": str(d.node_country[n]), "bid_t": float(plan.bid[n]),
                     "holding_t": float(d.holding_t[n]),
                     "bid_premium": float(d.bid_premium[k]),
                     "unit_cost_usd_per_t": float(d.unit_cost[n]),
                     "bid_cost_usd": float(cost[n])})
    return rows


def stockpile_rows(plan: MineralPlan) -> list[dict]:
    """``buyer, mineral, tonnes`` of stockpile held (buyers that may hold one).

    A joint plan's stockpile is pooled (either buyer draws on it) and its split between
    the buyers is not determined, so it is one row for the pair (``GBR+JPN``).
    """
    d = plan.data
    rows = [{"buyer": buyer, "mineral": d.mineral, "tonnes": float(plan.stock[b])}
            for b, buyer in enumerate(d.buyers) if not np.isnan(d.stock_cost[b])]
    if d.joint and rows:
        return [{"buyer": "+".join(d.buyers), "mineral": d.mineral,
                 "tonnes": sum(r["tonnes"] for r in rows)}]
    return rows


def scenario_rows(plan: MineralPlan) -> list[dict]:
    """``scenario, buyer, mineral, served_t, shortfall_t`` (+ lost, spot, drawdown)."""
    d = plan.data
    rows = []
    for b, buyer in enumerate(d.buyers):
        for s, name in enumerate(d.scenarios):
            short = float(plan.short[b, s])
            rows.append({"scenario": name, "buyer": buyer, "mineral": d.mineral,
                         "probability": float(d.probability[s]),
                         "served_t": float(d.demand_t[b]) - short, "shortfall_t": short,
                         "served_share": 1.0 - short / float(d.demand_t[b]),
                         "lost_t": float(plan.lost[b, s]), "spot_t": float(plan.spot[b, s]),
                         "drawdown_t": float(plan.draw[b, s])})
    return rows
