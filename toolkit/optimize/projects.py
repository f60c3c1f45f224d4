"""Constraint family of the projects: a plant carries tonnes only when it is backed.

A project :math:`j` (:mod:`toolkit.projects`) is its own supply node :math:`n_j` (same
stage and country as its country's node, its own unit cost, production 0 so market
buyers hold none of it: :math:`H_{n_j} = 0`).  In a multi-year model
(:mod:`toolkit.optimize.years`) one binary :math:`y_j` is shared by every modelled year
in which the plant is online, and in each such year

* project capacity: :math:`\\sum_{p \\ni n_j} x_p \\le C_j y_j`
* project spot:     :math:`\\sum_b z_{bsn_j} \\le \\sigma \\phi_k (1-\\ell_{n_j s}) C_j y_j`
* world balance:    the stage's row gains :math:`- C_j y_j` on its left-hand side
  (:func:`toolkit.optimize.bids.define_world_balance`): a backed plant's tonnes are
  spare tonnes of the world.

The capacity, offtake and spot rows of the node itself are the ordinary ones with
:math:`C_{n_j} = C_j`, so with :math:`y_j = 1` the plant is an ordinary node and with
:math:`y_j = 0` it carries nothing.  Without projects (or when the model is built
without :math:`y`, as the diagnosis does: every project counted as built) this family
adds nothing.
"""

from __future__ import annotations

import pyomo.environ as pyo
from pyomo.core.expr.numeric_expr import LinearExpression

from toolkit.optimize.data import MineralData
from toolkit.optimize.rows import flow, term
from toolkit.optimize.scenario_rows import spot_availability


def define_projects(m: pyo.ConcreteModel, d: MineralData) -> None:
    """Rows :math:`\\sum_{p \\ni n_j} x_p - C_j y_j \\le 0` and, with spot purchases,
    :math:`\\sum_b z_{bsn_j} - a_{sn_j} C_j y_j \\le 0` for every project node."""
    ys = m._project_y
    through = m._paths["through"]
    nodes = [n for n in d.project_nodes if n in ys and through[n]]
    if not nodes:
        return
    cap = d.capacity_t.tolist()
    m.project_capacity = pyo.Constraint(nodes, rule=lambda m, n: flow(
        m, through[n], (term(-cap[n], ys[n]),)) <= 0)
    if not d.spot_enabled or not len(d.scenarios):
        return
    share = spot_availability(d)
    index = [(s, n) for s in m.S for n in nodes]
    m.project_spot = pyo.Constraint(index, rule=lambda m, s, n: LinearExpression(
        [m.spot_node[b, s, n] for b in m.B] + [term(-float(share[s, n]) * cap[n], ys[n])])
        <= 0)


def world_terms(m: pyo.ConcreteModel, d: MineralData, k: int) -> list:
    """:math:`-C_j y_j` for the project nodes of stage ``k`` (world balance)."""
    ys = m._project_y
    return [term(-float(d.capacity_t[n]), ys[n]) for n in d.project_nodes
            if d.node_stage[n] == k and n in ys]
