"""ε-constraint Pareto sweeps that re-solve the already built models.

Two sweeps per case, each minimising cost subject to one risk measure ≤ ε:

* ``china_share``: every (buyer, stage) China-share row gets
  :math:`\\min(\\varepsilon_{\\text{case}}, \\varepsilon)` for ε from 1 down to 0;
* ``expected_shortfall``: :math:`\\sum_s p_s \\sum_b u_{bs} \\le \\varepsilon \\sum_b d_b`
  for ε from the base plan's expected-shortfall share down to 0.

Only mutable parameters change between points; the persistent HiGHS instance
warm-starts from the previous basis.  Parameters are restored afterwards.
Rows: one per mineral and point, plus a ``mineral = "all"`` row whose cost sums
the minerals optimal at that point (``status`` is ``optimal`` only when all are).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from toolkit.optimize.bids import china_cap_gap
from toolkit.optimize.plan import MineralPlan

Progress = Callable[[str], None]


def china_grid(points: int) -> list[float]:
    """ε values from 1 to 0."""
    return [float(v) for v in np.linspace(1.0, 0.0, max(points, 2))]


def shortfall_grid(plans: dict[str, list[MineralPlan]], points: int) -> list[float]:
    """ε values from the largest base expected-shortfall share down to 0."""
    return grid_from_top(shortfall_top(plans), points)


def shortfall_top(plans: dict[str, list[MineralPlan]]) -> float:
    """The largest base expected-shortfall share of the optimal plans (0 without any)."""
    return max((_expected_shortfall_share(p) for group in plans.values() for p in group
                if p.status == "optimal"), default=0.0)


def grid_from_top(top: float, points: int) -> list[float]:
    """``points`` ε values from ``top`` down to 0 (only 0 when ``top`` is 0)."""
    if top <= 1e-12:
        return [0.0]
    return [float(v) for v in np.linspace(top, 0.0, max(points, 2))]


def _expected_shortfall_share(plan: MineralPlan) -> float:
    d = plan.data
    if not plan.short.size:
        return 0.0
    return float((plan.short * d.probability[None, :]).sum() / d.demand_t.sum())


def sweep(case: str, plans: dict[str, list[MineralPlan]], kind: str, grid: list[float],
          progress: Progress | None = None) -> list[dict]:
    """Re-solve every model at each ε; tidy rows (see module docstring)."""
    return with_totals(case, kind, grid, mineral_points(case, plans, kind, grid, progress))


def mineral_points(case: str, plans: dict[str, list[MineralPlan]], kind: str,
                   grid: list[float], progress: Progress | None = None) -> list[list[dict]]:
    """Per ε of ``grid``, one row per mineral (sorted); parameters restored afterwards."""
    points = []
    for i, eps in enumerate(grid):
        if progress:
            progress(f"case {case}: Pareto {kind} point {i + 1}/{len(grid)}")
        points.append([_solve_at(case, kind, eps, mineral, group)
                       for mineral, group in sorted(plans.items())])
    for group in plans.values():
        for plan in group:
            _restore(plan)
    return points


def with_totals(case: str, kind: str, grid: list[float],
                points: list[list[dict]]) -> list[dict]:
    """The rows of every point followed by its ``mineral = "all"`` row."""
    rows: list[dict] = []
    for eps, point in zip(grid, points, strict=True):
        rows += point
        ok = [r for r in point if r["status"] == "optimal"]
        feasible_usd = sum(r["objective_usd"] for r in ok)
        rows.append({"case": case, "sweep": kind, "epsilon": eps, "mineral": "all",
                     "objective_usd": feasible_usd if len(ok) == len(point) else None,
                     "feasible_minerals_cost_usd": feasible_usd,
                     "status": "optimal" if len(ok) == len(point) else "infeasible",
                     "infeasible_minerals": len(point) - len(ok)})
    return rows


def _solve_at(case: str, kind: str, eps: float, mineral: str,
              group: list[MineralPlan]) -> dict:
    total, status = 0.0, "optimal"
    for plan in group:
        if plan.model is None or plan.status != "optimal":
            status = "infeasible"
            continue
        _set(plan, kind, eps)
        outcome = plan.resolve()
        if outcome.status != "optimal":
            status = outcome.status
        else:
            total += outcome.objective_usd
    row = {"case": case, "sweep": kind, "epsilon": eps, "mineral": mineral,
           "objective_usd": total if status == "optimal" else None, "status": status,
           "infeasible_minerals": int(status != "optimal")}
    if status != "optimal" and kind == "china_share" and group:
        row.update(_gap(group, eps))
    return row


def _gap(group: list[MineralPlan], eps: float) -> dict:
    """Where a China cap is out of reach: the stage, and the non-Chinese tonnes missing
    (the world's free plus biddable tonnes outside China against what the cap needs)."""
    demand = sum(float(p.data.demand_t.sum()) for p in group)
    gap = china_cap_gap(group[0].unrationed, demand, eps)
    if gap is None:
        return {}
    return {"gap_stage": gap["stage"], "needed_t": gap["needed_t"],
            "available_t": gap["available_t"], "missing_t": gap["missing_t"]}


def _set(plan: MineralPlan, kind: str, eps: float) -> None:
    m, d = plan.model, plan.data
    if kind == "china_share":
        base = np.nan_to_num(d.china_cap, nan=1.0)
        for (b, k) in m.china_eps:
            m.china_eps[b, k] = min(float(base[b, k]), eps)
    else:
        m.es_eps = eps


def _restore(plan: MineralPlan) -> None:
    m, d = plan.model, plan.data
    if m is None:
        return
    base = np.nan_to_num(d.china_cap, nan=1.0)
    for (b, k) in m.china_eps:
        m.china_eps[b, k] = float(base[b, k])
    m.es_eps = max(1.0, float(d.probability.sum()))
