"""What de-risking costs as the bid premium varies: re-solves of the built models.

For a case, the *de-risking cost* at premium multiplier :math:`m` is

.. math:: R(m) = z(m, \\varepsilon^*) - z(m, 1)

the cheapest plan's annual cost with China's share of every stage capped at
:math:`\\varepsilon^*` minus the cost with no China cap, both with every bid cost
:math:`m \\beta_k c_n` (``bid_premium`` × :math:`m`).  :math:`\\varepsilon^*` is the
case's own ``max_china_share`` where it sets one (per buyer and stage), else the
tightest cap of the case's Pareto sweep that every mineral meets.  Only mutable
parameters change (``bid_cost``, ``china_eps``); they are restored afterwards.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from toolkit.optimize.bids import bid_unit_cost
from toolkit.optimize.plan import MineralPlan

Progress = Callable[[str], None]
MULTIPLIERS = (0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0)


def tightest_feasible(pareto: list[dict]) -> float | None:
    """The smallest ε of the China-share sweep whose whole-plan point is optimal."""
    ok = [r["epsilon"] for r in pareto if r.get("sweep") == "china_share"
          and r.get("mineral") == "all" and r.get("status") == "optimal"]
    return min(ok) if ok else None


def has_bids(plans: dict[str, list[MineralPlan]]) -> bool:
    """True when some built model has bid variables (market buyers)."""
    return any(p.model is not None and len(p.model.bid) for g in plans.values() for p in g)


def bid_sensitivity(case: str, plans: dict[str, list[MineralPlan]], eps: float | None,
                    multipliers: tuple[float, ...] = MULTIPLIERS,
                    progress: Progress | None = None) -> list[dict]:
    """Rows ``case, multiplier, epsilon, capped_usd, uncapped_usd, derisking_cost_usd,
    bid_t, status`` (one per multiplier; costs None where a plan cannot be met;
    ``epsilon`` is the uniform cap used where the case sets none).

    ``eps`` is the uniform cap used where the case sets no China cap (None: the case's
    own caps only).  Empty when no model has market buyers.
    """
    if not has_bids(plans) or not all(p.status == "optimal" for g in plans.values()
                                      for p in g):
        return []
    rows = []
    for i, mult in enumerate(multipliers):
        if progress:
            progress(f"case {case}: bid-premium sensitivity {i + 1}/{len(multipliers)}")
        capped, bids, ok_c = _total(plans, mult, eps, capped=True)
        free, _, ok_f = _total(plans, mult, eps, capped=False)
        ok = ok_c and ok_f
        rows.append({"case": case, "multiplier": mult, "epsilon": eps,
                     "capped_usd": capped if ok_c else None,
                     "uncapped_usd": free if ok_f else None,
                     "derisking_cost_usd": capped - free if ok else None,
                     "bid_t": bids if ok_c else None,
                     "status": "optimal" if ok else "infeasible"})
    for group in plans.values():
        for plan in group:
            _set(plan, 1.0, None, capped=True)
    return rows


def _total(plans: dict[str, list[MineralPlan]], mult: float, eps: float | None,
           capped: bool) -> tuple[float, float, bool]:
    """Summed objective and bid tonnes of every model at one point; all optimal?"""
    total, bids, ok = 0.0, 0.0, True
    for group in plans.values():
        for plan in group:
            _set(plan, mult, eps, capped)
            outcome = plan.solver.solve()
            if outcome.status != "optimal":
                ok = False
                continue
            total += outcome.objective_usd
            bids += float(sum(plan.solver.values(plan.model.bid).values()))
    return total, bids, ok


def _set(plan: MineralPlan, mult: float, eps: float | None, capped: bool) -> None:
    """Bid costs at ``mult`` x premium; China caps: the case's (or ``eps``) or none."""
    m, d = plan.model, plan.data
    for n in m.bid_index:
        m.bid_cost[n] = bid_unit_cost(d, n, mult)
    base = d.china_cap
    for (b, k) in m.china_eps:
        own = base[b, k]
        if not capped:
            value = 1.0
        elif not np.isnan(own):
            value = float(own)
        else:
            value = 1.0 if eps is None else float(eps)
        m.china_eps[b, k] = value
