"""What de-risking costs as the bid premium varies: re-solves of the built models.

For a case, the *de-risking cost* at premium multiplier :math:`m` is

.. math:: R(m) = z(m, \\varepsilon^*) - z(m, 1)

the cheapest plan's annual cost with China's share of every stage capped at
:math:`\\varepsilon^*` minus the cost with no China cap, both with every bid cost
:math:`m \\beta_k c_n` (``bid_premium`` × :math:`m`), summed over the minerals that can
meet the cap (the others are named).  :math:`\\varepsilon^*` is the case's own
``max_china_share`` where it sets one (per buyer and stage), else 65 % (the EU CRMA
single-country benchmark).  Only mutable
parameters change (``bid_cost``, ``china_eps``); they are restored afterwards.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from toolkit.optimize.bids import bid_unit_cost
from toolkit.optimize.plan import MineralPlan
from toolkit.schema import CRMA_SINGLE_COUNTRY_SHARE

Progress = Callable[[str], None]
MULTIPLIERS = (0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0)


# China cap used where a case sets none: the EU CRMA single-country benchmark.
DEFAULT_CAP = CRMA_SINGLE_COUNTRY_SHARE


def has_bids(plans: dict[str, list[MineralPlan]]) -> bool:
    """True when some built model has bid variables (market buyers)."""
    return any(p.model is not None and len(p.model.bid) for g in plans.values() for p in g)


def bid_sensitivity(case: str, plans: dict[str, list[MineralPlan]],
                    eps: float = DEFAULT_CAP, multipliers: tuple[float, ...] = MULTIPLIERS,
                    progress: Progress | None = None) -> list[dict]:
    """Rows ``case, multiplier, epsilon, capped_usd, uncapped_usd, derisking_cost_usd,
    bid_t, minerals, excluded, own_cap, cap_elsewhere, exempt, status`` (one per
    multiplier).

    The totals cover the minerals whose plans are optimal and can meet the cap at the
    cited premiums (``minerals`` of them); the others are named in ``excluded`` (a cap no
    plan can meet has no cost, whatever the premium).  ``epsilon`` is the uniform cap
    used where the case sets no China cap; ``own_cap`` the tightest cap the case sets
    itself (None: none), ``cap_elsewhere`` whether ``epsilon`` caps the buyers, stages or
    minerals it sets no cap for, ``exempt`` the minerals it leaves uncapped (a cap of 1).
    Empty when no model
    has market buyers.
    """
    if not has_bids(plans):
        return []
    return bid_rows(case, plans, bid_values(case, plans, eps, multipliers, progress),
                    eps, multipliers)


def bid_values(case: str, plans: dict[str, list[MineralPlan]], eps: float = DEFAULT_CAP,
               multipliers: tuple[float, ...] = MULTIPLIERS,
               progress: Progress | None = None) -> dict[str, list | None]:
    """Per mineral (sorted): None when it cannot meet the cap at the cited premiums, else
    per multiplier ``(capped, uncapped)``, each a list of ``(objective_usd or None,
    bid_t)`` per plan.  Every model's parameters are restored afterwards."""
    values: dict[str, list | None] = {}
    for mineral in sorted(plans):
        if progress:
            progress(f"case {case}: bid-premium sensitivity, {mineral}")
        group = plans[mineral]
        ok = all(p.status == "optimal" and p.model is not None for p in group)
        if ok:
            ok = all(o is not None for o, _ in _solve_group(group, 1.0, eps, capped=True))
        values[mineral] = [(_solve_group(group, mult, eps, capped=True),
                            _solve_group(group, mult, eps, capped=False))
                           for mult in multipliers] if ok else None
    for group in plans.values():
        for plan in group:
            if plan.model is not None:
                _set(plan, 1.0, None, capped=True)
    return values


def bid_rows(case: str, plans: dict[str, list[MineralPlan]], values: dict[str, list | None],
             eps: float = DEFAULT_CAP,
             multipliers: tuple[float, ...] = MULTIPLIERS) -> list[dict]:
    """The rows of :func:`bid_sensitivity` from :func:`bid_values` (of every mineral)."""
    included = [m for m in sorted(values) if values[m] is not None]
    excluded = [m for m in sorted(values) if values[m] is None]
    own, exempt = own_caps(plans)
    elsewhere = own is not None and cap_elsewhere(plans)
    rows = []
    for i, mult in enumerate(multipliers):
        capped, bids, ok_c = _sum([values[m][i][0] for m in included])
        free, _, ok_f = _sum([values[m][i][1] for m in included])
        ok = ok_c and ok_f and bool(included)
        rows.append({"case": case, "multiplier": mult, "epsilon": eps,
                     "capped_usd": capped if ok else None,
                     "uncapped_usd": free if ok else None,
                     "derisking_cost_usd": _difference(capped, free) if ok else None,
                     "bid_t": bids if ok else None, "minerals": len(included),
                     "excluded": ", ".join(excluded), "own_cap": own,
                     "cap_elsewhere": elsewhere, "exempt": ", ".join(exempt),
                     "status": "optimal" if ok else "infeasible"})
    return rows


def _sum(groups: list[list[tuple]]) -> tuple[float, float, bool]:
    """Summed objective and bid tonnes over the plans of ``groups``; all optimal?"""
    total, bids, ok = 0.0, 0.0, True
    for group in groups:
        for objective, bid_t in group:
            if objective is None:
                ok = False
                continue
            total += objective
            bids += bid_t
    return total, bids, ok


def own_caps(plans: dict[str, list[MineralPlan]]) -> tuple[float | None, list[str]]:
    """The case's own China cap (the tightest it sets; None if it sets none) and the
    minerals it leaves uncapped (no cap below 1 at any stage)."""
    caps, exempt = [], []
    for mineral in sorted(plans):
        values = [float(v) for p in plans[mineral] for v in np.ravel(p.data.china_cap)
                  if not np.isnan(v)]
        caps += [v for v in values if v < 1.0]
        if values and min(values) >= 1.0:
            exempt.append(mineral)
    return (min(caps) if caps else None), (exempt if caps else [])


def cap_elsewhere(plans: dict[str, list[MineralPlan]]) -> bool:
    """Whether the case leaves some buyer, stage or mineral without a China cap of its own,
    so that ``epsilon`` caps it in the capped plans."""
    return any(np.isnan(p.data.china_cap).any() for g in plans.values() for p in g)


def _difference(capped: float, free: float) -> float:
    """``capped - free``; within the solver's relative tolerance (1e-7) it is 0."""
    diff = capped - free
    return 0.0 if abs(diff) <= 1e-7 * max(abs(capped), abs(free), 1.0) else diff


def _solve_group(group: list[MineralPlan], mult: float, eps: float | None,
                 capped: bool) -> list[tuple[float | None, float]]:
    """``(objective_usd or None, bid_t)`` of each model of one mineral at one point."""
    out = []
    for plan in group:
        _set(plan, mult, eps, capped)
        outcome = plan.resolve()
        if outcome.status != "optimal":
            out.append((None, 0.0))
            continue
        out.append((outcome.objective_usd,
                    float(sum(plan.solver.values(plan.model.bid).values()))))
    return out


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
