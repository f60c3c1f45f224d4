"""Constraint families of the world market: bids on market buyers' tonnes, world balance.

Market buyers (every buyer but GBR and JPN, :mod:`toolkit.market`) hold today's world
mix, :math:`H_n = P_n D^M / P_k`.  The planned buyers may contract the free tonnes
:math:`C_n - H_n` of a node and bid away :math:`\\delta_n` more from the market buyers,
at an extra :math:`\\beta_k c_n` a tonne (``bid_premium``), at most a share
:math:`\\theta_k` (``max_bid_share``) of the holding.  Per stage they cannot take more
than the world has left once every market buyer is served,
:math:`\\sum_{n \\in k} C_n - D^M`.  The capacity and spot rows that use
:math:`\\delta_n` are in :mod:`toolkit.optimize.model`.  Without market buyers these
families add nothing.
"""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo
from pyomo.core.expr.numeric_expr import LinearExpression, MonomialTermExpression

from toolkit.optimize.data import MineralData
from toolkit.optimize.rows import CAPACITY_SLACK_WEIGHT


def world_terms(m: pyo.ConcreteModel, d: MineralData, k: int) -> list:
    """The project terms of a world-balance row (see :mod:`toolkit.optimize.projects`)."""
    from toolkit.optimize.projects import world_terms as terms

    return terms(m, d, k)

# A bid with no premium (bid_premium 0, or the sensitivity's 0x point) costs this share
# of the node's unit cost, so the LP never bids away tonnes it does not use (otherwise it
# is indifferent and the reported tonnes bid away are an arbitrary vertex).  1e-7 of the
# cost never trades real money (results are reported to 7 significant digits).
BID_TIE_BREAK = 1e-7


def bid_unit_cost(d: MineralData, n: int, multiplier: float = 1.0) -> float:
    """Objective cost of a tonne bid away at node ``n``:
    :math:`(m \\beta_k + 10^{-7}) c_n` (USD/t)."""
    return float((multiplier * d.bid_premium[d.node_stage[n]] + BID_TIE_BREAK)
                 * d.unit_cost[n])


def define_bids(m: pyo.ConcreteModel, d: MineralData) -> None:
    """Bid variables :math:`\\delta_n \\ge 0` and rows :math:`\\delta_n \\le \\theta_k H_n`.

    One variable per node with a positive holding; the cost coefficient
    :math:`\\beta_k c_n` (:func:`bid_unit_cost`) is a mutable parameter (``bid_cost``)
    so the bid-premium sensitivity re-solves the built model.
    """
    nodes = d.bid_nodes
    m.bid_index = pyo.Set(initialize=nodes)
    m.bid = pyo.Var(m.bid_index, domain=pyo.NonNegativeReals)
    cost = {n: bid_unit_cost(d, n) for n in nodes}
    m.bid_cost = pyo.Param(m.bid_index, initialize=cost, mutable=True)
    theta = {n: float(d.max_bid[d.node_stage[n]]) for n in nodes}
    m.bid_room = pyo.Constraint(m.bid_index, rule=lambda m, n: LinearExpression(
        [m.bid[n]]) <= theta[n] * m.holding_t[n])


def define_world_balance(m: pyo.ConcreteModel, d: MineralData) -> None:
    """Per stage: :math:`\\sum_{n \\in k} \\sum_{p \\ni n} x_p \\le \\sum_{n \\in k} C_n - D^M`.

    Each path crosses one node of every stage, so the row's body is the planned
    tonnes of the stage; its right-hand side ``world_t`` is a mutable parameter
    (rationed between independent buyers).  Rows exist only with market buyers.  Backed
    projects add :math:`C_j y_j` (:func:`toolkit.optimize.projects.world_terms`).
    """
    if not d.market_enabled:
        m.world_t = None
        m.world_balance = None
        return
    m.world_t = pyo.Param(m.K, initialize=dict(enumerate(d.world_t.tolist())), mutable=True)
    through = m._paths["through"]
    stages = {k: [p for n in m.N if d.node_stage[n] == k for p in through[n]] for k in m.K}
    slack = None
    if m._elastic:
        slack = pyo.Var(m.K, domain=pyo.NonNegativeReals)
        m.slack_world_balance = slack
        m._slacks["world_balance"] = (slack, CAPACITY_SLACK_WEIGHT)

    def rule(m, k):
        extra = [MonomialTermExpression((-1, slack[k]))] if slack is not None else []
        extra += world_terms(m, d, k) if m._project_y else []
        return LinearExpression([m._xs[p] for p in stages[k]] + extra) <= m.world_t[k]

    m.world_balance = pyo.Constraint(m.K, rule=rule)


def bid_terms(m: pyo.ConcreteModel) -> list:
    """Objective terms :math:`\\beta_k c_n \\delta_n` (mutable coefficients)."""
    return [MonomialTermExpression((m.bid_cost[n], m.bid[n])) for n in m.bid_index]


def bid_tonnes(d: MineralData, values: dict) -> list[float]:
    """(N,) tonnes bid away at each node from a ``{node: value}`` solution."""
    out = [0.0] * len(d.capacity_t)
    for n, v in values.items():
        out[n] = float(v)
    return out


def non_china_reach_t(d: MineralData, k: int) -> float:
    """Non-Chinese tonnes of stage ``k`` the planned buyers can contract at most:
    :math:`\\sum_{n \\in k, n \\notin CHN} \\min(C_n, C_n - H_n + \\theta_k H_n)`."""
    at = (d.node_stage == k) & ~d.china
    if not d.market_enabled:
        return float(d.capacity_t[at].sum())
    room = d.free_t[at] + d.max_bid[k] * d.holding_t[at]
    return float(np.minimum(d.capacity_t[at], room).sum())


def china_cap_gap(d: MineralData, demand_t: float, eps: float) -> dict | None:
    """The stage where a China cap ``eps`` on ``demand_t`` planned tonnes is furthest out
    of reach: ``stage, needed_t, available_t, missing_t`` (None when every stage has
    enough non-Chinese tonnes: then something else makes the cap impossible)."""
    worst = None
    for k, stage in enumerate(d.stages):
        need = (1.0 - eps) * demand_t
        have = non_china_reach_t(d, k)
        if d.market_enabled:
            have = min(have, float(d.world_t[k]))
        missing = need - have
        if missing > 1e-6 * max(1.0, need) and (worst is None or missing > worst["missing_t"]):
            worst = {"stage": stage, "needed_t": need, "available_t": have,
                     "missing_t": missing}
    return worst
