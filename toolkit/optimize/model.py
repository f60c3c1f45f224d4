"""The sourcing LP of one mineral, built with Pyomo from a :class:`MineralData`.

Why one model per mineral
-------------------------
No setting couples minerals (every cap, offtake limit, stockpile and CVaR term is
per mineral), so the problem separates exactly by mineral.  One model per mineral
keeps each LP small, isolates an infeasible mineral without elastic variables in
the others ("other minerals still solve and report"), and each built model is
re-solved many times (Pareto sweeps, rationing) through mutable parameters on a
persistent HiGHS instance.  The CVaR term is therefore a per-mineral risk measure.

Speed
-----
Only the data a re-solve changes are mutable parameters, and they enter only
right-hand sides: ``china_eps`` (Pareto sweep), ``es_eps`` (expected-shortfall
sweep), ``capacity_t`` (rationing) and ``served_rhs``.  Every coefficient
(loss shares, spot shares, probabilities, other shares) is a plain float, so the
persistent solver keeps no per-coefficient update helpers.  Row bodies are built
as :class:`~pyomo.core.expr.numeric_expr.LinearExpression` objects straight from
lists of variable data (no operator overloading per term); the terms are in the
order the operator-built expressions had, so the LP handed to HiGHS (row and
column order, every coefficient) is unchanged.

Formulation (for buyers :math:`b`, paths :math:`p \\in P_b`, nodes :math:`n`,
stages :math:`k`, scenarios :math:`s`)
--------------------------------------------------------------------------
Variables: contracted flow :math:`x_p \\ge 0` (t/yr); tonnes bid away from market
buyers :math:`\\delta_n \\ge 0`; per scenario shortfall :math:`u_{bs}`, spot
:math:`z_{bs}` (split :math:`z_{bsn}` over nodes of every stage), stockpile drawdown
:math:`w_{bs}`; stockpile :math:`S_b`.  Market buyers (:mod:`toolkit.market`) hold
:math:`H_n = P_n D^M / P_k`; :math:`\\sigma = D^P / (D^P + D^M)`.

* demand:      :math:`\\sum_{p \\in P_b} x_p = d_b` (no over-contracting)
* bids:        :math:`\\delta_n \\le \\theta_k H_n` (``max_bid_share``)
* capacity:    :math:`\\sum_{p \\ni n} x_p \\le C_n - H_n + \\delta_n`
* world balance: :math:`\\sum_{n \\in k} \\sum_{p \\ni n} x_p \\le \\sum_{n \\in k} C_n - D^M`
* china_share: :math:`\\sum_{p \\in P_b: n_k(p) \\in CHN} x_p \\le \\varepsilon_{bk} d_b`
* china_touch: :math:`\\sum_{p \\in P_b: p \\cap CHN \\ne \\emptyset} x_p \\le \\tau_b d_b`
* country_share: :math:`\\sum_{p \\in P_b: n_k(p) = n} x_p \\le \\kappa_{bn} d_b`
  for every node whose country is capped (ROW only when named)
* partner_share: :math:`\\sum_{p \\in P_b: n_k(p) \\in partners} x_p \\ge \\pi_{bk} d_b`
* offtake:     :math:`\\sum_{p \\ni n} x_p \\le \\theta_k C_n`
* scenarios:   :math:`\\sum_{p \\in P_b} \\lambda_{sp} x_p \\le z_{bs} + w_{bs} + u_{bs}`
  with :math:`\\lambda_{sp} = 1 - \\prod_{n \\in p}(1-\\ell_{ns})` (served
  = surviving contracted + spot + drawdown = :math:`d_b - u_{bs}`);
  resilience :math:`u_{bs} \\le (1 - \\mu_b) d_b` for scenarios with
  :math:`p_s > 0`; spot :math:`\\sum_{n \\in k} z_{bsn} = z_{bs}` for every stage and
  :math:`\\sum_b z_{bsn} \\le \\sigma \\phi_k (1-\\ell_{ns})
  (C_n - H_n + \\delta_n - \\sum_{p \\ni n} x_p)`
* stockpile:   :math:`w_{bs} \\le S_b` (independent) or
  :math:`\\sum_b w_{bs} \\le \\sum_b S_b` (joint: a pooled stockpile)
* cvar (Rockafellar & Uryasev 2000): :math:`v_s \\ge L_s - \\eta`, :math:`v, \\eta \\ge 0`
* objective:   :math:`\\sum_p c_p x_p + \\sum_n \\beta_k c_n \\delta_n + \\sum_b h_b S_b +
  \\sum_s p_s L_s +
  \\rho (\\eta + \\frac{1}{1-\\alpha} \\sum_s p_s v_s)` with scenario cost
  :math:`L_s = \\sum_b (\\text{spot premium} \\cdot \\sum_n c_n z_{bsn} + q_b u_{bs})`.

Without market buyers (:math:`D^M = 0`) there are no bid variables and no world
balance rows, :math:`H = 0` and :math:`\\sigma = 1`: the LP is exactly the one without
the market families.  Probabilities are used as given; the remaining mass is the
undisrupted year (cost 0), which is why :math:`\\eta \\ge 0` suffices for CVaR.  With
``elastic=True`` every policy row and capacity row gets a non-negative slack and
the objective becomes the weighted total slack (phase 1), which
:mod:`toolkit.optimize.diagnose` turns into plain words.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyomo.environ as pyo
from pyomo.common.gc_manager import PauseGC
from pyomo.core.expr.numeric_expr import LinearExpression, MonomialTermExpression

from toolkit.optimize.bids import bid_terms, define_bids, define_world_balance
from toolkit.optimize.data import MineralData
from toolkit.optimize.linear_rows import RowBuilder
from toolkit.optimize.projects import define_projects
from toolkit.optimize.rows import CAPACITY_SLACK_WEIGHT, flow, slack, term
from toolkit.optimize.scenario_rows import (
    define_cvar,
    define_scenarios,
    define_stockpile,
    scenario_costs,
)

UNSET = 1.0  # value of a share setting that is not given (never binds)


def build_model(data: MineralData, elastic: bool = False) -> pyo.ConcreteModel:
    """Build the LP of one mineral, one constraint family after another.

    Parameters
    ----------
    data : the prepared instance.
    elastic : add slack variables and minimise total slack (infeasibility diagnosis).
    """
    m = pyo.ConcreteModel(name=data.mineral)
    populate(m, data, elastic)
    return m


def populate(m: pyo.block.BlockData, data: MineralData, elastic: bool = False,
             project_y: dict | None = None) -> None:
    """Add every constraint family of one mineral's annual plan to ``m`` (a model, or
    the block of one modelled year, :mod:`toolkit.optimize.years`).

    ``project_y`` maps each project node to its yes/no variable :math:`y_j` (shared by
    the years of a multi-year model); without it project nodes count as built.
    """
    m._data = data
    m._elastic = elastic
    m._slacks = {}
    m._paths = _index(data)
    m._project_y = project_y or {}
    with PauseGC():  # a build makes many small objects: no collection passes meanwhile
        for family in FAMILIES:
            family(m, data)
    m._refactor = _scenario_coefficient(m)


def _scenario_coefficient(m: pyo.ConcreteModel) -> tuple | None:
    """(row, variable) of the first path-flow coefficient of a scenario row, or None.

    The solver re-states this coefficient on every re-solve, which makes HiGHS
    refactorise the warm basis (see :class:`toolkit.optimize.solve.Solver`).
    """
    xs = {id(x) for x in m._xs}
    for name in ("spot_capacity", "cover"):
        component = m.component(name)
        for con in component.values() if component is not None else ():
            for arg in con.body.args:
                if arg.__class__ is MonomialTermExpression and id(arg.arg(1)) in xs:
                    return con, arg.arg(1)
    return None


def _index(d: MineralData) -> dict:
    """Path lists used by the constraint families (plain Python ints)."""
    through = [np.flatnonzero(d.path_nodes[:, d.node_stage[n]] == n).tolist()
               if d.n_paths else [] for n in range(len(d.capacity_t))]
    by_buyer = [np.flatnonzero(d.path_buyer == b).tolist() for b in range(len(d.buyers))]
    loss = d.path_loss() if len(d.scenarios) else np.zeros((0, d.n_paths))
    return {"through": through, "by_buyer": by_buyer, "loss": loss,
            "same_country": _same_country(d, through)}


def _same_country(d: MineralData, through: list[list[int]]) -> dict[int, list[int]]:
    """First node of each (stage, country) -> paths through any node of that country and
    stage (a project is a second node of its country; without projects each node is its
    own country)."""
    out: dict[int, list[int]] = {}
    first: dict[tuple, int] = {}
    for n in range(len(d.capacity_t)):
        key = (int(d.node_stage[n]), str(d.node_country[n]))
        if key in first:
            out[first[key]] = sorted(out[first[key]] + through[n])
        else:
            first[key] = n
            out[n] = through[n]
    return out


def define_sets(m: pyo.ConcreteModel, d: MineralData) -> None:
    """Index sets, the contracted path flows and the mutable capacities."""
    m.B = pyo.RangeSet(0, len(d.buyers) - 1)
    m.K = pyo.RangeSet(0, len(d.stages) - 1)
    m.N = pyo.RangeSet(0, len(d.capacity_t) - 1)
    m.P = pyo.RangeSet(0, d.n_paths - 1)
    m.S = pyo.RangeSet(0, len(d.scenarios) - 1)
    m.x = pyo.Var(m.P, domain=pyo.NonNegativeReals)
    m._xs = list(m.x.values())
    m.capacity_t = pyo.Param(m.N, initialize=dict(enumerate(d.capacity_t.tolist())),
                             mutable=True)
    holding = d.holding_t if len(d.holding_t) else np.zeros(len(d.capacity_t))
    m.holding_t = pyo.Param(m.N, initialize=dict(enumerate(holding.tolist())), mutable=True)
    m.free_t = pyo.Param(m.N, initialize=dict(enumerate((d.capacity_t - holding).tolist())),
                         mutable=True)
    m._bid_nodes = frozenset(d.bid_nodes)


def _paths_at(d: MineralData, b: int, k: int, mask: np.ndarray) -> list[int]:
    """Paths of buyer ``b`` whose stage-``k`` node is in ``mask``."""
    ok = (d.path_buyer == b) & mask[d.path_nodes[:, k]] if d.n_paths else np.zeros(0, bool)
    return np.flatnonzero(ok).tolist()


def _share(values: np.ndarray, key) -> float:
    """A share setting as a float; NaN (not given) becomes a never-binding 1."""
    value = float(values[key])
    return UNSET if np.isnan(value) else value


def define_demand(m: pyo.ConcreteModel, d: MineralData) -> None:
    """Contracted supply equals demand: :math:`\\sum_{p \\in P_b} x_p = d_b`."""
    paths = m._paths["by_buyer"]
    rows = RowBuilder(m)
    for b, demand in enumerate(d.demand_t.tolist()):
        rows.paths(paths[b])
        rows.close(b, demand, demand)
    rows.add_to(m, "demand")


def define_capacity(m: pyo.ConcreteModel, d: MineralData) -> None:
    """Node flow within what the planned buyers may contract (+ slack):

    :math:`\\sum_{p \\ni n} x_p - \\delta_n \\le C_n - H_n` with market buyers,
    :math:`\\sum_{p \\ni n} x_p \\le C_n` without.
    """
    through = m._paths["through"]
    e = slack(m, "capacity", list(m.N), CAPACITY_SLACK_WEIGHT)
    rhs = m.free_t if d.market_enabled else m.capacity_t
    rows = RowBuilder(m)
    for n in m.N:
        if through[n]:
            rows.paths(through[n])
            rows.terms(([m.bid[n]] if n in m._bid_nodes else [])
                       + ([e[n]] if e is not None else []), -1.0)
            rows.close(n, None, rhs[n])
    rows.add_to(m, "capacity")


def define_china_share(m: pyo.ConcreteModel, d: MineralData) -> None:
    """Share through Chinese nodes at each stage; one row per (buyer, stage) always.

    Rows whose setting is unset carry :math:`\\varepsilon = 1` (never binding) so the
    Pareto sweep can tighten every stage through the mutable parameter ``china_eps``.
    """
    index = [(b, k) for b in m.B for k in m.K]
    m.china_eps = pyo.Param(index, initialize={i: _share(d.china_cap, i) for i in index},
                            mutable=True)
    lists = {(b, k): _paths_at(d, b, k, d.china) for b, k in index}
    e = slack(m, "max_china_share", index)
    demand = d.demand_t.tolist()
    rows = RowBuilder(m)
    for b, k in index:
        if lists[b, k]:
            _row(rows, lists[b, k], e, (b, k), m.china_eps[b, k] * demand[b])
    rows.add_to(m, "china_share")


def define_china_touch(m: pyo.ConcreteModel, d: MineralData) -> None:
    """Share whose path touches China at any stage (rows only where the setting is set)."""
    index = [b for b in m.B if not np.isnan(d.touch_cap[b])]
    lists = {b: np.flatnonzero(d.path_touch & (d.path_buyer == b)).tolist() for b in index}
    e = slack(m, "max_china_touch_share", index)
    rows = RowBuilder(m)
    for b in index:
        if lists[b]:
            _row(rows, lists[b], e, b, float(d.touch_cap[b]) * float(d.demand_t[b]))
    rows.add_to(m, "china_touch")


def define_country_share(m: pyo.ConcreteModel, d: MineralData) -> None:
    """At most :math:`\\kappa_{bn}` of a buyer's supply through node :math:`n`'s country
    at its stage (rows only where a cap applies: ROW only when a row names it; one row
    per country, whose paths pass any of its nodes, e.g. a project's)."""
    through = m._paths["same_country"]
    index = [(b, k, n) for b in m.B for k in m.K for n in m.N
             if d.node_stage[n] == k and not np.isnan(d.country_cap[b, n]) and n in through]
    owner = d.path_buyer
    e = slack(m, "max_country_share", index)
    rows = RowBuilder(m)
    for b, k, n in index:
        paths = [p for p in through[n] if owner[p] == b]
        if paths:
            _row(rows, paths, e, (b, k, n),
                 float(d.country_cap[b, n]) * float(d.demand_t[b]))
    rows.add_to(m, "country_share")


def define_partner_share(m: pyo.ConcreteModel, d: MineralData) -> None:
    """At least :math:`\\pi` of a buyer's supply from partner countries at a stage."""
    index = [(b, k) for b in m.B for k in m.K if not np.isnan(d.partner_min[b, k])]
    lists = {(b, k): _paths_at(d, b, k, d.partner) for b, k in index}
    e = slack(m, "min_partner_share", index)

    def rule(m, b, k):
        floor = float(d.partner_min[b, k]) * float(d.demand_t[b])
        if not lists[b, k] and e is None:
            return pyo.Constraint.Infeasible if d.partner_min[b, k] > 0 else (
                pyo.Constraint.Skip)
        if not lists[b, k]:
            return e[b, k] >= floor
        return flow(m, lists[b, k], (e[b, k],) if e is not None else ()) >= floor

    m.partner_share = pyo.Constraint(index, rule=rule)


def define_offtake(m: pyo.ConcreteModel, d: MineralData) -> None:
    """The planned buyers together take at most :math:`\\theta_k` of a node's capacity."""
    index = [n for n in m.N if not np.isnan(d.offtake[d.node_stage[n]])]
    through = m._paths["through"]
    e = slack(m, "max_offtake_share", index)
    rows = RowBuilder(m)
    for n in index:
        if through[n]:
            theta = float(d.offtake[d.node_stage[n]])
            _row(rows, through[n], e, n, theta * m.capacity_t[n])
    rows.add_to(m, "offtake")


def _row(rows: RowBuilder, paths: list[int], e, key, upper) -> None:
    """Close the row :math:`\\sum_{p} x_p - e_{key} \\le` ``upper`` (slack when elastic)."""
    rows.paths(paths)
    if e is not None:
        rows.terms([e[key]], -1.0)
    rows.close(key, None, upper)


def define_objective(m: pyo.ConcreteModel, d: MineralData) -> None:
    """Expected annual cost (+ CVaR term); total weighted slack in elastic mode.

    Coefficients are the products the operator-built objective had:
    :math:`p_s q_b` on :math:`u_{bs}`, :math:`p_s \\cdot` price on :math:`z_{bsn}`,
    :math:`\\rho` on :math:`\\eta` and :math:`\\rho \\, p_s \\cdot (1/(1-\\alpha))` on :math:`v_s`;
    plus the shortfall tie-break :math:`p_s t_u` on every :math:`u_{bs}`
    (:attr:`MineralData.shortfall_tie_usd_per_t`).
    """
    if m._elastic:
        m.objective = pyo.Objective(expr=LinearExpression(
            [term(w, v) for var, w in m._slacks.values() for v in var.values()]))
        return
    cost = d.path_cost.tolist()
    terms = [term(c, x) for c, x in zip(cost, m._xs, strict=True) if c]
    terms += bid_terms(m)
    if m.stock is not None:
        terms += [term(float(d.stock_cost[b]), m.stock[b]) for b in m.stock]
    prob = d.probability.tolist()
    for s, (coefs, variables) in enumerate(scenario_costs(m, d)):
        if prob[s]:
            terms += [term(prob[s] * c, v) for c, v in zip(coefs, variables, strict=True)]
    tie = d.shortfall_tie_usd_per_t  # serve the most among equal-cost plans
    if tie:
        terms += [term(prob[s] * tie, u) for (_b, s), u in m.short.items() if prob[s]]
    if m._cvar:
        rho, tail = float(d.risk_aversion), 1.0 - d.cvar_alpha
        terms += [term(rho, m.eta)] + [term(rho * (prob[s] * (1.0 / tail)), m.excess[s])
                                        for s in m.S if prob[s]]
    m.objective = pyo.Objective(expr=LinearExpression(terms))


FAMILIES: tuple[Callable[[pyo.ConcreteModel, MineralData], None], ...] = (
    define_sets, define_demand, define_bids, define_capacity, define_world_balance,
    define_china_share, define_china_touch, define_country_share, define_partner_share,
    define_offtake, define_scenarios, define_stockpile, define_cvar, define_projects,
    define_objective,
)
