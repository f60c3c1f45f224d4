"""Shadow prices of the policy constraints, in USD per percentage point, and the saving
of the one-point step itself.

HiGHS reports row duals :math:`y = \\partial z / \\partial \\text{rhs}` for a
minimisation.  A share constraint ``flow <= eps * d`` relaxed by one percentage
point moves its right-hand side by :math:`d/100`, so the total cost saved is

.. math:: \\text{usd\\_per\\_pp} = -y \\cdot d / 100

(for a ``>=`` floor such as ``min_partner_share``, lowering it moves the
right-hand side by :math:`-d/100`: saving :math:`+y d/100`).  A setting that
generates several rows for one scope (``max_country_share``: one row per
country; ``min_served_share``: one per scenario) is relaxed as a whole: the
savings of its rows add up.  ``max_offtake_share`` caps the buyers' contracts
at a share of each node's capacity; its price is likewise per point of the
buyers' demand (the right-hand side of every binding node row raised by
:math:`D/100`, with :math:`D` the demand of the buyer(s) the model plans for),
so every ``usd_per_pp`` is in one unit.  In a joint plan the ``min_served_share``
prices of the two buyers are summed into one row for the pair (``GBR+JPN``): the
pooled stockpile and spot market make their split arbitrary.

The dual is a marginal value, and in a degenerate LP (several optimal bases) HiGHS may
report any one of several: the cost as a function of the right-hand side is convex, so
the true saving of the step, :math:`z(\\text{rhs}) - z(\\text{rhs} + \\Delta)`, is at
most ``usd_per_pp`` and can be far less.  :func:`step_savings` therefore re-solves each
binding scope with its rows moved by the step (``step_usd``: the cost saved, USD a
year); a scope whose dual is 0 saves exactly 0.  One declaration of the scopes
(:func:`policy_scopes`) drives both figures.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import pyomo.environ as pyo

from toolkit.optimize.data import MineralData
from toolkit.optimize.solve import Solver

Key = tuple[str, str, str]  # (setting, stage, buyer)


@dataclass
class Scope:
    """The LP rows of one set policy scope and the move of each row's bound that relaxes
    the setting by one percentage point (``shift`` > 0: the upper bound of a cap rises;
    < 0: the lower bound of a floor falls); ``countries``: each row's country code
    (``max_country_share``), else ''; ``caps``: each such row's cap (a share; 0: the
    country is excluded), else NaN."""

    rows: list[int]
    shift: list[float]
    countries: list[str]
    caps: list[float]


def policy_scopes(m: pyo.ConcreteModel, solver: Solver, d: MineralData) -> dict[Key, Scope]:
    """Every set policy scope of a solved model (sorted), with its rows (none when its
    setting makes no row, e.g. a cap on a country the buyer never reaches)."""
    scopes: dict[Key, Scope] = {key: Scope([], [], [], []) for key in sorted(_set_scopes(d))}
    demand = d.demand_t
    for (b, k), row in _rows(solver, m.china_share):
        if not np.isnan(d.china_cap[b, k]):
            _add(scopes, ("max_china_share", d.stages[k], d.buyers[b]), row, demand[b] / 100)
    for (b, k), row in _rows(solver, m.partner_share):
        if not np.isnan(d.partner_min[b, k]):
            _add(scopes, ("min_partner_share", d.stages[k], d.buyers[b]), row,
                 -demand[b] / 100)
    for (b, k, n), row in _rows(solver, m.country_share):
        _add(scopes, ("max_country_share", d.stages[k], d.buyers[b]), row, demand[b] / 100,
             str(d.node_country[n]), float(d.country_cap[b, n]))
    for b, row in _rows(solver, m.china_touch):
        _add(scopes, ("max_china_touch_share", "", d.buyers[b]), row, demand[b] / 100)
    for (b, _s), row in _rows(solver, m.served):
        if not np.isnan(d.min_served[b]):
            _add(scopes, ("min_served_share", "", _served_owner(d, b)), row, demand[b] / 100)
    who, total_t = _planned(d), float(np.sum(demand))
    for n, row in _rows(solver, m.offtake):
        _add(scopes, ("max_offtake_share", d.stages[d.node_stage[n]], who), row, total_t / 100)
    return dict(sorted(scopes.items()))


def shadow_prices(m: pyo.ConcreteModel, solver: Solver, d: MineralData) -> list[dict]:
    """One row per set policy scope: ``setting, stage, mineral, buyer, usd_per_pp,
    countries, exclusion, step_usd`` (``countries``, of ``max_country_share``: the
    countries whose caps bind, the costliest first; blank for the other settings;
    ``exclusion``: every binding country's cap is 0, a ban rather than a share cap;
    ``step_usd`` None until :func:`step_savings` re-solves the step)."""
    duals = solver._solution()[1]
    out = []
    for (setting, stage, buyer), scope in policy_scopes(m, solver, d).items():
        y = duals[np.asarray(scope.rows, dtype=np.int64)]
        saving: dict[str, float] = defaultdict(float)
        caps = []
        for country, value, cap in zip(scope.countries, y.tolist(), scope.caps, strict=True):
            if country and value:
                saving[country] -= value
                caps.append(cap)
        out.append({"setting": setting, "stage": stage, "mineral": d.mineral, "buyer": buyer,
                    "usd_per_pp": float(-(y * np.asarray(scope.shift)).sum()) + 0.0,
                    "countries": _costliest(saving),
                    "exclusion": bool(caps) and all(c == 0 for c in caps),
                    "step_usd": None})
    return out


def step_savings(plan) -> None:
    """Add ``step_usd`` to each shadow-price row of a solved plan whose model is kept:
    the annual cost saved by relaxing the scope by one percentage point, re-solved (0
    where the dual is 0); the model, its basis and solution are left as they were."""
    if plan.model is None or plan.solver is None or plan.status != "optimal":
        return
    binding = [row for row in plan.shadow if row["usd_per_pp"]]
    for row in plan.shadow:
        row["step_usd"] = None if row["usd_per_pp"] else 0.0
    if not binding:
        return
    base = plan.resolve()  # the plan's own parameters again (a sweep may have been last)
    if base.status != "optimal":  # e.g. a shared multi-year model rationed since: unknown
        return
    scopes = policy_scopes(plan.model, plan.solver, plan.data)
    own = None if plan.model is plan.solver.model else plan.model.objective.expr
    for row in binding:
        scope = scopes[row["setting"], row["stage"], row["buyer"]]
        outcome = plan.solver.probe(np.asarray(scope.rows, dtype=np.int32),
                                    np.asarray(scope.shift), own)
        if outcome.status == "optimal":
            row["step_usd"] = _within(base.objective_usd - outcome.objective_usd,
                                      abs(row["usd_per_pp"]))


def _within(step: float, dual: float) -> float:
    """The step saving held to ``[0, dual]``, where convexity puts it: what falls outside
    is the solvers' tolerance (a dual of 1e-9 USD gives steps of +-1e-6)."""
    return float(min(max(step, 0.0), dual))


def _rows(solver: Solver, con) -> list[tuple]:
    """(index, LP row) of each entry of a constraint component (none if absent)."""
    if con is None or len(con) == 0:
        return []
    keys, rows = solver._positions(con, solver._row)
    return list(zip(keys, rows.tolist(), strict=True))


def _add(scopes: dict[Key, Scope], key: Key, row: int, shift: float,
         country: str = "", cap: float = float("nan")) -> None:
    scope = scopes.setdefault(key, Scope([], [], [], []))
    scope.rows.append(row)
    scope.shift.append(float(shift))
    scope.countries.append(country)
    scope.caps.append(cap)


def _costliest(saving: dict[str, float]) -> str:
    """Country codes, the largest saving first (ties by code): 'PRK, RUS'."""
    return ", ".join(sorted(saving, key=lambda c: (-abs(saving[c]), c)))


def _served_owner(d: MineralData, b: int) -> str:
    """Who a served-floor price belongs to: the buyer, or in a joint plan the pair.

    A joint plan draws one pooled stockpile and one spot market for both buyers, so how
    the floors' price splits between them is not determined (the dual is degenerate);
    their sum, the saving of relaxing both floors by one point, is.
    """
    return "+".join(d.buyers) if d.joint else d.buyers[b]


def _planned(d: MineralData) -> str:
    """The buyer(s) a model plans for: 'GBR', or 'GBR+JPN' in a joint plan."""
    return "+".join(d.buyers) if d.joint else (d.buyers[0] if d.buyers else "")


def _set_scopes(d: MineralData) -> list[Key]:
    """Every scope whose setting is given, so unbinding constraints show a 0 price."""
    keys = []
    for name, values in (("max_china_share", d.china_cap), ("min_partner_share", d.partner_min)):
        keys += [(name, d.stages[k], d.buyers[b]) for b in range(len(d.buyers))
                 for k in range(len(d.stages)) if not np.isnan(values[b, k])]
    keys += [("max_country_share", d.stages[k], d.buyers[b]) for b in range(len(d.buyers))
             for k in range(len(d.stages))
             if not np.isnan(d.country_cap[b, d.node_stage == k]).all()]
    keys += [("max_china_touch_share", "", d.buyers[b]) for b in range(len(d.buyers))
             if not np.isnan(d.touch_cap[b])]
    keys += [("min_served_share", "", _served_owner(d, b)) for b in range(len(d.buyers))
             if not np.isnan(d.min_served[b]) and d.scenarios]
    keys += [("max_offtake_share", d.stages[k], _planned(d)) for k in range(len(d.stages))
             if not np.isnan(d.offtake[k])]
    return keys
