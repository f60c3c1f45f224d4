"""Constraint families of the disruption scenarios: cover, resilience, spot, stockpile, CVaR.

Spot tonnes compete with the market buyers: a node sells the planned buyers at most
:math:`\\sigma \\phi_k (1-\\ell_{ns}) (C_n - H_n + \\delta_n - \\sum_{p \\ni n} x_p)` in
scenario :math:`s` (:math:`\\sigma = 1`, :math:`H = \\delta = 0` without market buyers).
See :mod:`toolkit.optimize.model` for the whole formulation.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyomo.environ as pyo
from pyomo.core.expr.numeric_expr import LinearExpression

from toolkit.optimize.data import MineralData
from toolkit.optimize.linear_rows import RowBuilder
from toolkit.optimize.rows import CAPACITY_SLACK_WEIGHT, minus, slack, term


def define_scenarios(m: pyo.ConcreteModel, d: MineralData) -> None:
    """Served supply in each scenario, the resilience floor and the expected shortfall cap.

    :math:`\\sum_p \\lambda_{sp} x_p \\le z_{bs} + w_{bs} + u_{bs}` with the loss
    coefficients :math:`\\lambda_{sp}` as floats on the paths a scenario hits.
    Resilience: :math:`u_{bs} \\le` ``served_rhs`` :math:`= (1-\\sigma_b) d_b` when
    :math:`p_s > 0` and the setting is given, else :math:`d_b` (a mutable parameter).
    """
    BS = [(b, s) for b in m.B for s in m.S]
    m.BS = pyo.Set(initialize=BS, dimen=2)
    m.short = pyo.Var(m.BS, domain=pyo.NonNegativeReals)
    m.served_rhs = pyo.Param(m.B, initialize=served_rhs(d), mutable=True)
    define_spot(m, d)
    m.draw = pyo.Var(m.BS, domain=pyo.NonNegativeReals) if d.stockpile_enabled else None
    if d.sweep:
        m.cover = pyo.Constraint(m.BS, rule=_cover_rule(m, d))
    else:
        _cover_rows(m, d, BS)
    e = slack(m, "min_served_share", BS)
    rows = RowBuilder(m)
    short = rows.block(list(m.short.values()))  # (b, s) in index order
    S, demand, prob = len(d.scenarios), d.demand_t.tolist(), d.probability.tolist()
    for b, s in BS:
        rows.at([short + b * S + s])
        if e is not None:
            rows.terms([e[b, s]], -1.0)
        rows.close((b, s), None, m.served_rhs[b] if prob[s] > 0 else demand[b])
    rows.add_to(m, "served")
    m.es_eps = pyo.Param(initialize=max(1.0, float(d.probability.sum())), mutable=True)
    if BS:
        prob = d.probability.tolist()
        m.expected_shortfall = pyo.Constraint(expr=LinearExpression(
            [term(prob[s], m.short[b, s]) for b, s in BS if prob[s]])
            <= m.es_eps * float(d.demand_t.sum()))


def _cover_rows(m: pyo.ConcreteModel, d: MineralData, BS: list[tuple[int, int]]) -> None:
    """The cover rows (float loss coefficients) as one :class:`LinearRows` family."""
    loss = m._paths["loss"]
    owned = [np.flatnonzero(d.path_buyer == b) for b in range(len(d.buyers))]
    rows = RowBuilder(m)
    extra = [rows.block(list(v.values())) for v in (
        m.spot if d.spot_enabled else None, m.draw, m.short) if v is not None]
    S = len(d.scenarios)  # the variables are indexed (b, s) in index order
    for b in range(len(d.buyers)):  # BS is buyer-major: buyer b's rows are consecutive
        hit_s, hit_p = np.nonzero(loss[:, owned[b]] > 0)  # row-major: scenario, then path
        paths = owned[b][hit_p]
        lengths = np.bincount(hit_s, minlength=S) + len(extra)
        starts = np.concatenate([[0], np.cumsum(lengths)])
        columns = np.empty(int(starts[-1]), dtype=np.int64)
        coefs = np.empty(int(starts[-1]), dtype=float)
        at = starts[hit_s] + (np.arange(len(hit_s)) - np.searchsorted(hit_s, hit_s))
        columns[at], coefs[at] = paths, loss[hit_s, paths]
        for j, first in enumerate(extra):  # after the row's paths: -spot, -draw, -short
            tail = starts[1:] - len(extra) + j
            columns[tail], coefs[tail] = first + b * S + np.arange(S), -1.0
        rows.many([(b, s) for s in range(S)], starts, columns, coefs, None, 0.0)
    rows.add_to(m, "cover")


def _cover_rule(m: pyo.ConcreteModel, d: MineralData) -> Callable:
    """Rule of the cover rows: lost contracted flow <= spot + drawdown + shortfall."""
    loss = m._paths["loss"]
    owned = [np.flatnonzero(d.path_buyer == b) for b in range(len(d.buyers))]
    xs = m._xs
    coef = _loss_coefficients(m, d, loss)

    def cover(m, b, s):
        paths = owned[b][loss[s, owned[b]] > 0]
        lost = [term(coef(s, p, c), xs[p]) for p, c in zip(
            paths.tolist(), loss[s, paths].tolist(), strict=True)]
        extra = [v for v in ((m.spot[b, s] if d.spot_enabled else None),
                             (m.draw[b, s] if m.draw is not None else None)) if v is not None]
        return LinearExpression(lost + [term(-1, v) for v in extra]
                                + [term(-1, m.short[b, s])]) <= 0

    return cover


def _loss_coefficients(m: pyo.ConcreteModel, d: MineralData, loss: np.ndarray) -> Callable:
    """Coefficient of :math:`x_p` in cover row ``s``: the float :math:`\\lambda_{sp}`, or in
    sweep mode the mutable parameter ``path_loss[s, p]`` (every pair with
    :math:`\\lambda_{sp} > 0` when built; a sweep builds at each loss's highest value)."""
    if not d.sweep:
        return lambda s, p, c: c
    pairs = list(zip(*np.nonzero(loss), strict=True))
    m.path_loss = pyo.Param([(int(s), int(p)) for s, p in pairs], mutable=True,
                            initialize={(int(s), int(p)): float(loss[s, p]) for s, p in pairs})
    return lambda s, p, c: m.path_loss[s, p]


def served_rhs(d: MineralData) -> dict[int, float]:
    """Upper bound on each buyer's shortfall in a scenario with :math:`p_s > 0`:
    :math:`(1-\\sigma_b) d_b` when ``min_served_share`` is set, else :math:`d_b`
    (scenarios with :math:`p_s = 0` are bounded by :math:`d_b`)."""
    out = {}
    for b, demand in enumerate(d.demand_t):
        sigma = d.min_served[b]
        out[b] = float(demand if np.isnan(sigma) else (1.0 - sigma) * demand)
    return out


def spot_availability(d: MineralData) -> np.ndarray:
    """(S, N) :math:`\\sigma \\phi_k (1 - \\ell_{ns})`: the share of a node's uncontracted
    free tonnes the planned buyers may buy spot in each scenario."""
    share = d.spot_share[d.node_stage][None, :] * (1.0 - d.node_loss)
    return share * d.sigma if d.market_enabled else share


def define_spot(m: pyo.ConcreteModel, d: MineralData) -> None:
    """Spot tonnes pass every stage; each node sells at most its spot share.

    :math:`\\sum_b z_{bsn} + a_{sn} (\\sum_{p \\ni n} x_p - \\delta_n) \\le
    a_{sn} (C_n - H_n)` with :math:`a_{sn} = \\sigma \\phi_k (1 - \\ell_{ns})` (a float;
    in sweep mode a mutable parameter, :func:`define_spot_sweep`); without market buyers
    :math:`\\sigma = 1`, :math:`H = \\delta = 0`.
    """
    if not d.spot_enabled:
        return
    m.spot = pyo.Var(m.BS, domain=pyo.NonNegativeReals)
    m.spot_node = pyo.Var(m.B, m.S, m.N, domain=pyo.NonNegativeReals)
    stages = {k: [n for n in m.N if d.node_stage[n] == k] for k in m.K}
    rows = RowBuilder(m)
    for b in m.B:
        for s in m.S:
            for k in m.K:
                rows.terms([m.spot_node[b, s, n] for n in stages[k]])
                rows.terms([m.spot[b, s]], -1.0)
                rows.close((b, s, k), 0.0, 0.0)
    rows.add_to(m, "spot_stage")
    share = spot_availability(d)  # (S, N)
    # elastic mode: a capacity slack lets contracts exceed capacity, which this row would
    # then refuse outright; its own slack keeps the phase-1 model feasible
    e = slack(m, "spot_capacity", [(s, n) for s in m.S for n in m.N], CAPACITY_SLACK_WEIGHT)
    if d.sweep:
        define_spot_sweep(m, d, share, e)
        return
    _spot_capacity_rows(m, d, share, e)


def _spot_capacity_rows(m: pyo.ConcreteModel, d: MineralData, share: np.ndarray,
                        e) -> None:
    """The spot capacity rows with float :math:`a_{sn}` (one :class:`LinearRows` family)."""
    through = m._paths["through"]
    market = d.market_enabled
    rhs = m.free_t if market else m.capacity_t
    rows = RowBuilder(m)
    for s in m.S:
        for n in m.N:
            a = float(share[s, n])
            rows.terms([m.spot_node[b, s, n] for b in m.B])
            if a:
                rows.paths(through[n], a)
                if market and n in m._bid_nodes:
                    rows.terms([m.bid[n]], -a)
            if e is not None:
                rows.terms([e[s, n]], -1.0)
            rows.close((s, n), None, a * rhs[n])
    rows.add_to(m, "spot_capacity")


def define_spot_sweep(m: pyo.ConcreteModel, d: MineralData, share: np.ndarray, e) -> None:
    """The spot rows of sweep mode: the same feasible set, with :math:`a_{sn}` once a row.

    :math:`r_n + \\sum_{p \\ni n} x_p - \\delta_n = C_n - H_n` defines the uncontracted
    free tonnes :math:`r_n` (``spot_free``; :math:`C_n` without market buyers), and
    :math:`\\sum_b z_{bsn} - a_{sn} r_n \\le 0` with :math:`a_{sn}` the mutable parameter
    ``spot_avail``, so a sampled world changes one coefficient per (scenario, node)
    instead of one per path through the node.
    """
    through, xs = m._paths["through"], m._xs
    m.spot_avail = pyo.Param(m.S, m.N, mutable=True, initialize={
        (s, n): float(share[s, n]) for s in m.S for n in m.N})
    m.spot_free = pyo.Var(m.N, domain=pyo.Reals)
    rhs = m.free_t if d.market_enabled else m.capacity_t

    def free(m, n):
        bid = [term(-1, m.bid[n])] if n in m._bid_nodes else []
        return LinearExpression([m.spot_free[n]] + [xs[p] for p in through[n]] + bid) == rhs[n]

    m.spot_free_def = pyo.Constraint(m.N, rule=free)
    m.spot_capacity = pyo.Constraint(m.S, m.N, rule=lambda m, s, n: LinearExpression(
        [m.spot_node[b, s, n] for b in m.B] + [term(-m.spot_avail[s, n], m.spot_free[n])]
        + list(minus(e, (s, n)))) <= 0)


def define_stockpile(m: pyo.ConcreteModel, d: MineralData) -> None:
    """Stockpile drawdown within the stockpile held (pooled in a joint plan)."""
    if not d.stockpile_enabled:
        m.stock = None
        return
    holders = [b for b in m.B if not np.isnan(d.stock_cost[b])]
    m.stock = pyo.Var(holders, domain=pyo.NonNegativeReals)
    rows = RowBuilder(m)
    draw, S = rows.block(list(m.draw.values())), len(d.scenarios)  # (b, s) in index order
    first = rows.block([m.stock[b] for b in holders])
    stock = {b: first + i for i, b in enumerate(holders)}
    if d.joint:
        for s in range(S):
            rows.at([draw + b * S + s for b in range(len(d.buyers))])
            rows.at([stock[b] for b in holders], -1.0)
            rows.close(s, None, 0.0)
        rows.add_to(m, "stock_pool")
        return
    for b, s in m.BS:
        rows.at([draw + b * S + s])
        if b in holders:
            rows.at([stock[b]], -1.0)
        rows.close((b, s), None, 0.0)
    rows.add_to(m, "stock_draw")


def scenario_costs(m: pyo.ConcreteModel, d: MineralData) -> list[tuple[list, list]]:
    """:math:`L_s` of every scenario as (coefficients, variables): spot cost at the premium
    plus shortfall cost (cached on the model: the objective and the CVaR rows share it)."""
    if getattr(m, "_scenario_costs", None) is not None:
        return m._scenario_costs
    B, S, N = len(d.buyers), len(d.scenarios), len(d.capacity_t)
    short_cost = np.nan_to_num(d.short_cost, nan=0.0)
    shorts = list(m.short.values())  # (b, s) in index order
    charged = [(b, float(short_cost[b])) for b in range(B) if short_cost[b]]
    priced: list[tuple[int, float]] = []
    spot_nodes: list = []
    if d.spot_enabled:
        price = (d.spot_premium * d.unit_cost).tolist()
        priced = [(n, price[n]) for n in range(N) if price[n]]
        spot_nodes = list(m.spot_node.values())  # (b, s, n) in index order
    out = []
    for s in range(S):
        coefs = [c for _b, c in charged]
        variables = [shorts[b * S + s] for b, _c in charged]
        for b in range(B):
            coefs += [c for _n, c in priced]
            variables += [spot_nodes[(b * S + s) * N + n] for n, _c in priced]
        out.append((coefs, variables))
    m._scenario_costs = out
    return out


def define_cvar(m: pyo.ConcreteModel, d: MineralData) -> None:
    """Linear CVaR of the scenario cost (only when ``risk_aversion`` > 0).

    Rows :math:`L_s - \\eta - v_s \\le 0`, i.e. :math:`v_s \\ge L_s - \\eta`.
    """
    m._cvar = d.risk_aversion > 0 and bool(len(d.scenarios))
    if not m._cvar:
        return
    m.eta = pyo.Var(domain=pyo.NonNegativeReals)
    m.excess = pyo.Var(m.S, domain=pyo.NonNegativeReals)
    rows = RowBuilder(m)
    for s, (coefs, variables) in enumerate(scenario_costs(m, d)):
        rows.terms(variables, coefs)
        rows.terms([m.eta, m.excess[s]], -1.0)
        rows.close(s, None, 0.0)
    rows.add_to(m, "cvar_excess")
