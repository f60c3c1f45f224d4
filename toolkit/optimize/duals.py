"""Shadow prices of the policy constraints, in USD per percentage point.

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
pooled stockpile and spot market make their split arbitrary.  The dual is a
marginal value: it equals the saving of the 1-point step when the optimal basis
does not change over that step (the tests check this by re-solving at ε + 1 pp).
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pyomo.environ as pyo

from toolkit.optimize.data import MineralData
from toolkit.optimize.solve import Solver


def shadow_prices(m: pyo.ConcreteModel, solver: Solver, d: MineralData) -> list[dict]:
    """One row per set policy scope: ``setting, stage, mineral, buyer, usd_per_pp,
    countries`` (``max_country_share``: the countries whose caps bind, the costliest
    first; blank for the other settings)."""
    sums: dict[tuple[str, str, str], float] = defaultdict(float)
    by_country: dict[tuple[str, str, str], dict[str, float]] = defaultdict(dict)
    for key in _set_scopes(d):
        sums[key] += 0.0
    _share_rows(sums, solver.duals(m.china_share), d, "max_china_share", d.china_cap, -1)
    _share_rows(sums, solver.duals(m.partner_share), d, "min_partner_share", d.partner_min,
                +1)
    for (b, k, n), y in solver.duals(m.country_share).items():
        key = ("max_country_share", d.stages[k], d.buyers[b])
        sums[key] += -y * d.demand_t[b] / 100
        if y:
            country = str(d.node_country[n])
            by_country[key][country] = by_country[key].get(country, 0.0) - y
    for b, y in solver.duals(m.china_touch).items():
        sums["max_china_touch_share", "", d.buyers[b]] += -y * d.demand_t[b] / 100
    who = "+".join(d.buyers) if d.joint else (d.buyers[0] if d.buyers else "")
    for (b, _s), y in solver.duals(m.served).items():
        if not np.isnan(d.min_served[b]):
            sums["min_served_share", "", _served_owner(d, b)] += -y * d.demand_t[b] / 100
    total_t = float(np.sum(d.demand_t))
    for n, y in solver.duals(m.offtake).items():
        sums["max_offtake_share", d.stages[d.node_stage[n]], who] += -y * total_t / 100
    return [{"setting": s, "stage": k, "mineral": d.mineral, "buyer": b, "usd_per_pp": v,
             "countries": _costliest(by_country.get((s, k, b), {}))}
            for (s, k, b), v in sorted(sums.items())]


def _costliest(saving: dict[str, float]) -> str:
    """Country codes, the largest saving first (ties by code): 'PRK, RUS'."""
    return ", ".join(sorted(saving, key=lambda c: (-abs(saving[c]), c)))


def _share_rows(sums: dict, duals: dict, d: MineralData, name: str, values: np.ndarray,
                sign: int) -> None:
    for (b, k), y in duals.items():
        if not np.isnan(values[b, k]):
            sums[name, d.stages[k], d.buyers[b]] += sign * y * d.demand_t[b] / 100


def _served_owner(d: MineralData, b: int) -> str:
    """Who a served-floor price belongs to: the buyer, or in a joint plan the pair.

    A joint plan draws one pooled stockpile and one spot market for both buyers, so how
    the floors' price splits between them is not determined (the dual is degenerate);
    their sum, the saving of relaxing both floors by one point, is.
    """
    return "+".join(d.buyers) if d.joint else d.buyers[b]


def _set_scopes(d: MineralData) -> list[tuple[str, str, str]]:
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
    who = "+".join(d.buyers) if d.joint else (d.buyers[0] if d.buyers else "")
    keys += [("max_offtake_share", d.stages[k], who) for k in range(len(d.stages))
             if not np.isnan(d.offtake[k])]
    return keys
