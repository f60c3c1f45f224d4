"""The sourcing LP of one mineral, built with Pyomo from a :class:`MineralData`.

Why one model per mineral
-------------------------
No setting couples minerals (every cap, offtake limit, stockpile and CVaR term is
per mineral), so the problem separates exactly by mineral.  One model per mineral
keeps each LP small, isolates an infeasible mineral without elastic variables in
the others ("other minerals still solve and report"), and each built model is
re-solved many times (Pareto sweeps, rationing) through mutable parameters on a
persistent HiGHS instance.  The CVaR term is therefore a per-mineral risk measure.

Formulation (for buyers :math:`b`, paths :math:`p \\in P_b`, nodes :math:`n`,
stages :math:`k`, scenarios :math:`s`)
--------------------------------------------------------------------------
Variables: contracted flow :math:`x_p \\ge 0` (t/yr); per scenario shortfall
:math:`u_{bs}`, spot :math:`z_{bs}` (split :math:`z_{bsn}` over nodes of every
stage), stockpile drawdown :math:`w_{bs}`; stockpile :math:`H_b`.

* demand:      :math:`\\sum_{p \\in P_b} x_p = d_b` (no over-contracting)
* capacity:    :math:`\\sum_{p \\ni n} x_p \\le C_n`
* china_share: :math:`\\sum_{p \\in P_b: n_k(p) \\in CHN} x_p \\le \\varepsilon_{bk} d_b`
* china_touch: :math:`\\sum_{p \\in P_b: p \\cap CHN \\ne \\emptyset} x_p \\le \\tau_b d_b`
* country_share: :math:`\\sum_{p \\in P_b: n_k(p) = n} x_p \\le \\kappa_{bk} d_b`
  for every single-country node (not ROW)
* partner_share: :math:`\\sum_{p \\in P_b: n_k(p) \\in partners} x_p \\ge \\pi_{bk} d_b`
* offtake:     :math:`\\sum_{p \\ni n} x_p \\le \\theta_k C_n`
* scenarios:   :math:`\\sum_{p \\in P_b} \\lambda_{sp} x_p \\le z_{bs} + w_{bs} + u_{bs}`
  with :math:`\\lambda_{sp} = 1 - \\prod_{n \\in p}(1-\\ell_{ns})` (served
  = surviving contracted + spot + drawdown = :math:`d_b - u_{bs}`);
  resilience :math:`u_{bs} \\le (1 - \\sigma_b) d_b` for scenarios with
  :math:`p_s > 0`; spot :math:`\\sum_{n \\in k} z_{bsn} = z_{bs}` for every stage and
  :math:`\\sum_b z_{bsn} \\le \\phi_k (1-\\ell_{ns}) (C_n - \\sum_{p \\ni n} x_p)`
* stockpile:   :math:`w_{bs} \\le H_b` (independent) or
  :math:`\\sum_b w_{bs} \\le \\sum_b H_b` (joint: a pooled stockpile)
* cvar (Rockafellar & Uryasev 2000): :math:`v_s \\ge L_s - \\eta`, :math:`v, \\eta \\ge 0`
* objective:   :math:`\\sum_p c_p x_p + \\sum_b h_b H_b + \\sum_s p_s L_s +
  \\rho (\\eta + \\frac{1}{1-\\alpha} \\sum_s p_s v_s)` with scenario cost
  :math:`L_s = \\sum_b (\\text{spot premium} \\cdot \\sum_n c_n z_{bsn} + q_b u_{bs})`.

Probabilities are used as given; the remaining mass is the undisrupted year
(cost 0), which is why :math:`\\eta \\ge 0` suffices for CVaR.  With
``elastic=True`` every policy row and capacity row gets a non-negative slack and
the objective becomes the weighted total slack (phase 1), which
:mod:`toolkit.optimize.diagnose` turns into plain words.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyomo.environ as pyo

from toolkit.optimize.data import MineralData

CAPACITY_SLACK_WEIGHT = 10.0
UNSET = 1.0  # value of a mutable share param whose setting is not given (never binds)


def build_model(data: MineralData, elastic: bool = False) -> pyo.ConcreteModel:
    """Build the LP of one mineral, one constraint family after another.

    Parameters
    ----------
    data : the prepared instance.
    elastic : add slack variables and minimise total slack (infeasibility diagnosis).
    """
    m = pyo.ConcreteModel(name=data.mineral)
    m._data = data
    m._elastic = elastic
    m._slacks = {}
    m._index = _index(data)
    for family in FAMILIES:
        family(m, data)
    return m


def _index(d: MineralData) -> dict:
    """Path lists used by the constraint families (plain Python ints)."""
    through = [np.flatnonzero(d.path_nodes[:, d.node_stage[n]] == n).tolist()
               if d.n_paths else [] for n in range(len(d.capacity_t))]
    by_buyer = [np.flatnonzero(d.path_buyer == b) for b in range(len(d.buyers))]
    loss = d.path_loss() if len(d.scenarios) else np.zeros((0, d.n_paths))
    hit = {s: np.flatnonzero(loss[s] > 0).tolist() for s in range(len(d.scenarios))}
    return {"through": through, "by_buyer": [p.tolist() for p in by_buyer],
            "loss": loss, "hit": hit}


def _slack(m: pyo.ConcreteModel, name: str, index: list, weight: float = 1.0):
    """Slack variables of one family (elastic mode) or None."""
    if not m._elastic:
        return None
    var = pyo.Var(index, domain=pyo.NonNegativeReals)
    m.add_component(f"slack_{name}", var)
    m._slacks[name] = (var, weight)
    return var


def define_sets(m: pyo.ConcreteModel, d: MineralData) -> None:
    """Index sets, the contracted path flows and the mutable data parameters."""
    m.B = pyo.RangeSet(0, len(d.buyers) - 1)
    m.K = pyo.RangeSet(0, len(d.stages) - 1)
    m.N = pyo.RangeSet(0, len(d.capacity_t) - 1)
    m.P = pyo.RangeSet(0, d.n_paths - 1)
    m.S = pyo.RangeSet(0, len(d.scenarios) - 1)
    m.x = pyo.Var(m.P, domain=pyo.NonNegativeReals)
    m.demand_t = pyo.Param(m.B, initialize=dict(enumerate(d.demand_t.tolist())),
                           mutable=True)
    m.capacity_t = pyo.Param(m.N, initialize=dict(enumerate(d.capacity_t.tolist())),
                             mutable=True)
    m.probability = pyo.Param(m.S, initialize=dict(enumerate(d.probability.tolist())),
                              mutable=True)


def _paths_at(d: MineralData, b: int, k: int, mask: np.ndarray) -> list[int]:
    """Paths of buyer ``b`` whose stage-``k`` node is in ``mask``."""
    ok = (d.path_buyer == b) & mask[d.path_nodes[:, k]] if d.n_paths else np.zeros(0, bool)
    return np.flatnonzero(ok).tolist()


def _share_param(m: pyo.ConcreteModel, name: str, values: np.ndarray, index) -> pyo.Param:
    """A mutable share parameter; NaN (setting not given) becomes a never-binding 1."""
    flat = np.nan_to_num(values, nan=UNSET)
    init = {i: float(flat[i]) for i in index} if flat.ndim == 1 else {
        i: float(flat[i]) for i in index}
    param = pyo.Param(index, initialize=init, mutable=True)
    m.add_component(name, param)
    return param


def define_demand(m: pyo.ConcreteModel, d: MineralData) -> None:
    """Contracted supply equals demand: :math:`\\sum_{p \\in P_b} x_p = d_b`."""
    paths = m._index["by_buyer"]
    m.demand = pyo.Constraint(m.B, rule=lambda m, b: sum(m.x[p] for p in paths[b])
                              == m.demand_t[b])


def define_capacity(m: pyo.ConcreteModel, d: MineralData) -> None:
    """Node flow within capacity: :math:`\\sum_{p \\ni n} x_p \\le C_n` (+ slack)."""
    through = m._index["through"]
    e = _slack(m, "capacity", list(m.N), CAPACITY_SLACK_WEIGHT)

    def rule(m, n):
        if not through[n]:
            return pyo.Constraint.Skip
        return sum(m.x[p] for p in through[n]) <= m.capacity_t[n] + (e[n] if e else 0)

    m.capacity = pyo.Constraint(m.N, rule=rule)


def define_china_share(m: pyo.ConcreteModel, d: MineralData) -> None:
    """Share through Chinese nodes at each stage; one row per (buyer, stage) always.

    Rows whose setting is unset carry :math:`\\varepsilon = 1` (never binding) so the
    Pareto sweep can tighten every stage through the mutable parameter.
    """
    index = [(b, k) for b in m.B for k in m.K]
    eps = _share_param(m, "china_eps", d.china_cap, index)
    lists = {(b, k): _paths_at(d, b, k, d.china) for b, k in index}
    e = _slack(m, "max_china_share", index)

    def rule(m, b, k):
        if not lists[b, k]:
            return pyo.Constraint.Skip
        return (sum(m.x[p] for p in lists[b, k])
                <= eps[b, k] * m.demand_t[b] + (e[b, k] if e else 0))

    m.china_share = pyo.Constraint(index, rule=rule)


def define_china_touch(m: pyo.ConcreteModel, d: MineralData) -> None:
    """Share whose path touches China at any stage (rows only where the setting is set)."""
    index = [b for b in m.B if not np.isnan(d.touch_cap[b])]
    eps = _share_param(m, "touch_eps", d.touch_cap, index)
    lists = {b: np.flatnonzero(d.path_touch & (d.path_buyer == b)).tolist() for b in index}
    e = _slack(m, "max_china_touch_share", index)

    def rule(m, b):
        if not lists[b]:
            return pyo.Constraint.Skip
        return sum(m.x[p] for p in lists[b]) <= eps[b] * m.demand_t[b] + (e[b] if e else 0)

    m.china_touch = pyo.Constraint(index, rule=rule)


def define_country_share(m: pyo.ConcreteModel, d: MineralData) -> None:
    """At most :math:`\\kappa` of a buyer's supply from one country (ROW excluded)."""
    index = [(b, k, n) for b in m.B for k in m.K if not np.isnan(d.country_cap[b, k])
             for n in m.N if d.node_stage[n] == k and d.single[n]]
    eps = _share_param(m, "country_eps", d.country_cap,
                       sorted({(b, k) for b, k, _ in index}))
    through = m._index["through"]
    owner = d.path_buyer
    e = _slack(m, "max_country_share", index)

    def rule(m, b, k, n):
        paths = [p for p in through[n] if owner[p] == b]
        if not paths:
            return pyo.Constraint.Skip
        return sum(m.x[p] for p in paths) <= eps[b, k] * m.demand_t[b] + (
            e[b, k, n] if e else 0)

    m.country_share = pyo.Constraint(index, rule=rule)


def define_partner_share(m: pyo.ConcreteModel, d: MineralData) -> None:
    """At least :math:`\\pi` of a buyer's supply from partner countries at a stage."""
    index = [(b, k) for b in m.B for k in m.K if not np.isnan(d.partner_min[b, k])]
    eps = pyo.Param(index, initialize={i: float(d.partner_min[i]) for i in index},
                    mutable=True)
    m.partner_eps = eps
    lists = {(b, k): _paths_at(d, b, k, d.partner) for b, k in index}
    e = _slack(m, "min_partner_share", index)

    def rule(m, b, k):
        flow = sum(m.x[p] for p in lists[b, k]) + (e[b, k] if e else 0)
        if isinstance(flow, int | float):
            return pyo.Constraint.Infeasible if d.partner_min[b, k] > 0 else (
                pyo.Constraint.Skip)
        return flow >= eps[b, k] * m.demand_t[b]

    m.partner_share = pyo.Constraint(index, rule=rule)


def define_offtake(m: pyo.ConcreteModel, d: MineralData) -> None:
    """The planned buyers together take at most :math:`\\theta_k` of a node's capacity."""
    index = [n for n in m.N if not np.isnan(d.offtake[d.node_stage[n]])]
    theta = pyo.Param(m.K, initialize={k: float(np.nan_to_num(d.offtake[k], nan=UNSET))
                                       for k in m.K}, mutable=True)
    m.offtake_share = theta
    through = m._index["through"]
    e = _slack(m, "max_offtake_share", index)

    def rule(m, n):
        if not through[n]:
            return pyo.Constraint.Skip
        return sum(m.x[p] for p in through[n]) <= (
            theta[int(d.node_stage[n])] * m.capacity_t[n] + (e[n] if e else 0))

    m.offtake = pyo.Constraint(index, rule=rule)


def define_scenarios(m: pyo.ConcreteModel, d: MineralData) -> None:
    """Served supply in each scenario, the resilience floor and the expected shortfall cap.

    :math:`\\sum_p \\lambda_{sp} x_p \\le z_{bs} + w_{bs} + u_{bs}`; the loss
    coefficients :math:`\\lambda_{sp}` are mutable parameters on the paths a scenario
    hits.  Resilience: :math:`u_{bs} \\le` ``served_rhs`` :math:`= (1-\\sigma_b) d_b`
    when :math:`p_s > 0` and the setting is given, else :math:`d_b`.
    """
    BS = [(b, s) for b in m.B for s in m.S]
    m.BS = pyo.Set(initialize=BS, dimen=2)
    m.short = pyo.Var(m.BS, domain=pyo.NonNegativeReals)
    hits = [(s, p) for s in m.S for p in m._index["hit"][s]]
    loss = m._index["loss"]
    m.loss = pyo.Param(hits, initialize={(s, p): float(loss[s, p]) for s, p in hits},
                       mutable=True)
    m.served_rhs = pyo.Param(m.BS, initialize=served_rhs(d), mutable=True)
    define_spot(m, d)
    m.draw = pyo.Var(m.BS, domain=pyo.NonNegativeReals) if d.stockpile_enabled else None
    owner = d.path_buyer
    hit = m._index["hit"]

    def cover(m, b, s):
        lost = sum(m.loss[s, p] * m.x[p] for p in hit[s] if owner[p] == b)
        extra = (m.spot[b, s] if d.spot_enabled else 0) + (
            m.draw[b, s] if m.draw is not None else 0)
        return lost - extra - m.short[b, s] <= 0

    m.cover = pyo.Constraint(m.BS, rule=cover)
    e = _slack(m, "min_served_share", BS)
    m.served = pyo.Constraint(m.BS, rule=lambda m, b, s: m.short[b, s] <= m.served_rhs[b, s]
                              + (e[b, s] if e else 0))
    m.es_eps = pyo.Param(initialize=max(1.0, float(d.probability.sum())), mutable=True)
    if BS:
        m.expected_shortfall = pyo.Constraint(
            expr=sum(m.probability[s] * m.short[b, s] for b, s in BS)
            <= m.es_eps * float(d.demand_t.sum()))


def served_rhs(d: MineralData) -> dict[tuple[int, int], float]:
    """Upper bound on each shortfall: :math:`(1-\\sigma_b) d_b` if binding, else :math:`d_b`."""
    out = {}
    for b, demand in enumerate(d.demand_t):
        sigma = d.min_served[b]
        for s, prob in enumerate(d.probability):
            active = prob > 0 and not np.isnan(sigma)
            out[b, s] = float((1.0 - sigma) * demand if active else demand)
    return out


def define_spot(m: pyo.ConcreteModel, d: MineralData) -> None:
    """Spot tonnes pass every stage; each node sells at most its spot share.

    :math:`\\sum_b z_{bsn} + \\phi_k a_{sn} \\sum_{p \\ni n} x_p \\le \\phi_k a_{sn} C_n`
    with :math:`a_{sn} = 1 - \\ell_{ns}` a mutable parameter.
    """
    if not d.spot_enabled:
        return
    m.spot = pyo.Var(m.BS, domain=pyo.NonNegativeReals)
    m.spot_node = pyo.Var(m.B, m.S, m.N, domain=pyo.NonNegativeReals)
    m.survive = pyo.Param(m.S, m.N, initialize={
        (s, n): float(1.0 - d.node_loss[s, n]) for s in m.S for n in m.N}, mutable=True)
    stages = {k: [n for n in m.N if d.node_stage[n] == k] for k in m.K}
    m.spot_stage = pyo.Constraint(m.B, m.S, m.K, rule=lambda m, b, s, k: sum(
        m.spot_node[b, s, n] for n in stages[k]) == m.spot[b, s])
    through = m._index["through"]
    phi = d.spot_share

    def cap(m, s, n):
        share = float(phi[d.node_stage[n]]) * m.survive[s, n]
        return (sum(m.spot_node[b, s, n] for b in m.B) + share * sum(
            m.x[p] for p in through[n]) <= share * m.capacity_t[n])

    m.spot_capacity = pyo.Constraint(m.S, m.N, rule=cap)


def define_stockpile(m: pyo.ConcreteModel, d: MineralData) -> None:
    """Stockpile drawdown within the stockpile held (pooled in a joint plan)."""
    if not d.stockpile_enabled:
        m.stock = None
        return
    holders = [b for b in m.B if not np.isnan(d.stock_cost[b])]
    m.stock = pyo.Var(holders, domain=pyo.NonNegativeReals)
    if d.joint:
        m.stock_pool = pyo.Constraint(m.S, rule=lambda m, s: sum(
            m.draw[b, s] for b in m.B) <= sum(m.stock[b] for b in holders))
        return
    m.stock_draw = pyo.Constraint(m.BS, rule=lambda m, b, s: m.draw[b, s] <= (
        m.stock[b] if b in holders else 0))


def scenario_cost(m: pyo.ConcreteModel, d: MineralData, s: int):
    """:math:`L_s`: spot cost at the premium plus shortfall cost, all buyers of the model."""
    short_cost = np.nan_to_num(d.short_cost, nan=0.0)
    total = sum(float(short_cost[b]) * m.short[b, s] for b in m.B)
    if d.spot_enabled:
        price = d.spot_premium * d.unit_cost
        total = total + sum(float(price[n]) * m.spot_node[b, s, n]
                            for b in m.B for n in m.N if price[n])
    return total


def define_cvar(m: pyo.ConcreteModel, d: MineralData) -> None:
    """Linear CVaR of the scenario cost (only when ``risk_aversion`` > 0)."""
    if d.risk_aversion <= 0 or not len(d.scenarios):
        m.cvar = None
        return
    m.eta = pyo.Var(domain=pyo.NonNegativeReals)
    m.excess = pyo.Var(m.S, domain=pyo.NonNegativeReals)
    m.cvar_excess = pyo.Constraint(m.S, rule=lambda m, s: m.excess[s] >= scenario_cost(
        m, d, s) - m.eta)
    m.cvar = pyo.Expression(expr=m.eta + sum(m.probability[s] * m.excess[s] for s in m.S)
                            / (1.0 - d.cvar_alpha))


def define_objective(m: pyo.ConcreteModel, d: MineralData) -> None:
    """Expected annual cost (+ CVaR term); total weighted slack in elastic mode."""
    if m._elastic:
        m.objective = pyo.Objective(expr=sum(
            w * sum(var.values()) for var, w in m._slacks.values()))
        return
    cost = d.path_cost
    contracted = sum(float(cost[p]) * m.x[p] for p in m.P if cost[p])
    holding = sum(float(d.stock_cost[b]) * m.stock[b] for b in m.stock) if (
        m.stock is not None) else 0
    expected = sum(m.probability[s] * scenario_cost(m, d, s) for s in m.S)
    risk = d.risk_aversion * m.cvar if m.cvar is not None else 0
    m.objective = pyo.Objective(expr=contracted + holding + expected + risk)


FAMILIES: tuple[Callable[[pyo.ConcreteModel, MineralData], None], ...] = (
    define_sets, define_demand, define_capacity, define_china_share, define_china_touch,
    define_country_share, define_partner_share, define_offtake, define_scenarios,
    define_stockpile, define_cvar, define_objective,
)
