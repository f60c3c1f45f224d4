"""Multi-year plans of one mineral: one block per modelled year, linked by projects.

Formulation
-----------
With modelled years :math:`t \\in T` (setting ``years``) the model of one mineral holds
one block per year, each the whole annual plan of :mod:`toolkit.optimize.model` on that
year's data (supply, demand and policy of year :math:`t`, :meth:`SupplyChain.in_year`),
and one binary :math:`y_j` per project online in some modelled year
(:mod:`toolkit.optimize.projects`).  The objective is

.. math:: \\min \\sum_{t \\in T} \\mathrm{cost}_t + \\sum_j \\sum_{t \\in T:\\,
          o_j \\le t < o_j + L_j} \\mathrm{CRF}(r, L_j)\\, \\mathrm{capex}_j \\, y_j

each modelled year weighted 1, :math:`\\mathrm{cost}_t` the annual objective of year
:math:`t`'s block.  Without projects the blocks share nothing, so the optimum is the sum
of the per-year optima.  In a joint plan one :math:`y_j` serves both buyers; in an
independent plan each buyer's model has its own :math:`y_j` (its own plant).

Solves: a year in which no project is online (no :math:`y_j` in its block) is its own
LP, since it shares nothing with the other years (the optimum is the same: the objective
is a sum of blocks); the years that projects link are one MILP, solved once; then the
binaries are fixed at the optimum and the LP re-solved (duals, and every later
re-solve — Pareto sweeps, the bid-premium sensitivity, rationing between independent
buyers — holds the investment decision fixed).  When the MILP is
infeasible each year is diagnosed with every project online in it counted as built:
a year that cannot be met even so is named, with the stage, mineral and missing tonnes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyomo.environ as pyo
from pyomo.core.expr.numeric_expr import LinearExpression

from toolkit.optimize.data import MineralData
from toolkit.optimize.diagnose import diagnose
from toolkit.optimize.model import build_model, populate
from toolkit.optimize.plan import MineralPlan, read_plan
from toolkit.optimize.rows import term
from toolkit.optimize.solve import Outcome, Solver


@dataclass(frozen=True)
class YearData:
    """One modelled year of a mineral: its year, instance and the annualised capex
    (USD/yr) of each project online in it."""

    year: int
    data: MineralData
    capex_usd: dict[str, float]


def build_years_model(years: list[YearData]) -> pyo.ConcreteModel:
    """One block per modelled year, binaries ``build[j]`` shared by the blocks.

    The objective sums the blocks' objectives and, per project, its annualised capex
    times the number of modelled years it is online in.
    """
    ids = sorted({str(p) for y in years for p in y.data.node_project if p})
    m = pyo.ConcreteModel(name=years[0].data.mineral)
    m.J = pyo.Set(initialize=ids)
    m.build = pyo.Var(m.J, domain=pyo.Binary)
    m.years = pyo.Block(range(len(years)))
    terms = []
    for t, y in enumerate(years):
        block = m.years[t]
        d = y.data
        populate(block, d, project_y={n: m.build[str(d.node_project[n])]
                                      for n in d.project_nodes})
        block.objective.deactivate()
        terms += list(block.objective.expr.args)
    per_project = {j: sum(y.capex_usd.get(j, 0.0) for y in years) for j in ids}
    terms += [term(per_project[j], m.build[j]) for j in ids if per_project[j]]
    m.objective = pyo.Objective(expr=LinearExpression(terms))
    m._refactor = m.years[0]._refactor
    return m


def solve_years(years: list[YearData]) -> list[MineralPlan]:
    """One plan per year: the years no project links as their own LPs, the others as
    one MILP (then the projects fixed and the LP re-solved).

    A year with no project online (no project node, no capex) shares nothing with the
    others: it is its own LP (the same optimum, block by block), so a later re-solve of
    that year (a Pareto point, a rationing round) solves that year alone, and the MILP
    holds only the years that projects link.  When some year is not optimal the years
    are solved together as one model after all, so that every year carries the model's
    status and the diagnosis, as with projects.
    """
    plans = {t: year_alone(y) for t, y in enumerate(years) if not _linked(y)}
    if all(p.status == "optimal" for p in plans.values()):
        linked = [t for t in range(len(years)) if t not in plans]
        if linked:
            plans.update(zip(linked, _solve_linked([years[t] for t in linked]), strict=True))
        if all(p.status == "optimal" for p in plans.values()):
            return [plans[t] for t in range(len(years))]
    return _solve_linked(years)


def _linked(y: YearData) -> bool:
    """True when a project is online in year ``y`` (its block shares the binaries)."""
    return bool(len(y.data.project_nodes) or y.capex_usd)


def _solve_linked(years: list[YearData]) -> list[MineralPlan]:
    """The MILP over ``years``, then the LP with the projects fixed; one plan per year
    (every year marked with the MILP's status when it is not optimal)."""
    m = build_years_model(years)
    solver = Solver(m)
    outcome = solver.solve()
    if outcome.status != "optimal":
        return _infeasible(years, m, solver, outcome)
    backed = {j for j in m.J if solver.values(m.build).get(j, 0.0) > 0.5}
    solver.fix_integers()
    outcome = solver.solve()
    return [year_plan(y, m.years[t], solver, outcome, backed) for t, y in enumerate(years)]


def year_alone(y: YearData) -> MineralPlan:
    """The plan of a year that shares no project with the others: its own LP."""
    m = build_model(y.data)
    solver = Solver(m)
    plan = read_plan(y.data, m, solver, solver.solve())
    plan.model, plan.solver, plan.year = m, solver, y.year
    plan.backed = np.zeros(len(y.data.node_project), dtype=bool)
    return plan


def year_plan(y: YearData, block, solver: Solver, outcome: Outcome,
              backed: set[str]) -> MineralPlan:
    """The plan of one year's block: its own annual cost, the projects backed and online
    in it and their annualised capex."""
    own = Outcome(outcome.status, solver.evaluate(block.objective.expr)
                  if outcome.status == "optimal" else None)
    plan = read_plan(y.data, block, solver, own)
    plan.model, plan.solver, plan.year = block, solver, y.year
    plan.backed = np.array([bool(p) and str(p) in backed for p in y.data.node_project],
                           dtype=bool)
    plan.capex_usd = float(sum(v for j, v in y.capex_usd.items() if j in backed))
    return plan


def _infeasible(years: list[YearData], m: pyo.ConcreteModel, solver: Solver,
                outcome: Outcome) -> list[MineralPlan]:
    """Every year's plan marked as the MILP's status; the years that cannot be met even
    with every project online in them built carry the diagnosis, naming the year."""
    plans = []
    for t, y in enumerate(years):
        plan = read_plan(y.data, m.years[t], solver, outcome)
        plan.year = y.year
        if outcome.status == "infeasible":
            plan.diagnosis = [dated(row, y.year) for row in diagnose(y.data.all_backed())]
        plans.append(plan)
    return plans


def dated(row: dict, year: int) -> dict:
    """A diagnosis row of one modelled year: ``year`` set, the message starting with it."""
    return {**row, "year": year, "message": f"in {year}: {row['message']}"}
