"""Solve one policy case: both modes, the value of cooperation and the Pareto sweeps."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from toolkit.chain import SupplyChain
from toolkit.optimize.cooperation import (
    cooperation,
    realisable_independent,
    realise,
    release,
    solve_mode,
)
from toolkit.optimize.pareto import china_grid, shortfall_grid, sweep
from toolkit.optimize.plan import MineralPlan
from toolkit.optimize.sensitivity import bid_sensitivity
from toolkit.optimize.timeline import (
    YearView,
    is_multi_year,
    refresh,
    solve_mode_years,
    total_plans,
    year_views,
)
from toolkit.policy import CaseSettings

Progress = Callable[[str], None]


@dataclass
class CaseRun:
    """Everything solved for one case: the plans in the case's mode and the comparisons."""

    case: CaseSettings
    chain: SupplyChain                      # the chain at the case's year
    plans: dict[str, list[MineralPlan]]     # plans in the case's mode, by mineral
    cooperation: dict
    pareto: list[dict]
    sensitivity: list[dict] = field(default_factory=list)
    # per modelled year, the plans in the case's mode (multi-year cases; ``plans`` is the
    # first year's), and the total-cost comparison of the modes over the years
    years: dict = field(default_factory=dict)
    multi_year: bool = False


def solve_case(chain: SupplyChain, case: CaseSettings, pareto_points: int = 11,
               progress: Progress | None = None) -> CaseRun:
    """Solve ``case`` in both modes, compare them, and sweep its own mode's models.

    The independent plans reported are the realisable ones
    (:mod:`toolkit.optimize.cooperation`).  ``pareto_points`` <= 0 skips the sweeps
    (and the bid-premium sensitivity, which caps China at 65 % where the case sets no
    China cap).
    """
    views = year_views(chain, case)
    if is_multi_year(views):
        return _solve_years_case(views, case, pareto_points, progress)
    at_year = views[0].chain  # chain.at_year(case.year), no project online
    # a model is kept only while something will re-solve it: rationing (each mineral's,
    # settled before the next is built), then the sweeps of the case's own mode
    keep_joint = pareto_points > 0 and case.mode == "joint"
    keep_alone = pareto_points > 0 and case.mode != "joint"
    settled: dict[str, tuple] = {}

    def settle(mineral: str, group: list[MineralPlan]) -> None:
        settled[mineral] = realise(group)
        if not (keep_alone or (keep_joint and len(group) == 1)):  # one buyer: reused
            release(group + settled[mineral][0])

    standalone = solve_mode(at_year, case, "independent", progress, settle=settle)
    joint = solve_mode(at_year, case, "joint", progress, reuse=standalone, keep=keep_joint)
    independent = {m: s[0] for m, s in settled.items()}
    standalone_cost = {m: s[1] for m, s in settled.items()}
    over = {m: s[2] for m, s in settled.items() if s[2]}
    coop = cooperation(independent, joint, standalone_cost, over)
    plans = joint if case.mode == "joint" else independent
    pareto: list[dict] = []
    if pareto_points > 0:
        pareto += sweep(case.name, plans, "china_share", china_grid(pareto_points), progress)
        pareto += sweep(case.name, plans, "expected_shortfall",
                        shortfall_grid(plans, pareto_points), progress)
    sensitivity = bid_sensitivity(case.name, plans, progress=progress) \
        if pareto_points > 0 else []
    return CaseRun(case, at_year, plans, coop, pareto, sensitivity)


def _solve_years_case(views: list[YearView], case: CaseSettings, pareto_points: int,
                      progress: Progress | None) -> CaseRun:
    """A multi-year case (:mod:`toolkit.optimize.years`): MILPs per mineral and mode,
    rationing per year with the investment decisions held fixed, the value of
    cooperation on totals over the years, and the sweeps on the first year's plans."""
    standalone = solve_mode_years(views, case, "independent", progress)
    joint = solve_mode_years(views, case, "joint", progress)
    independent, over = {}, {}
    for year, plans in standalone.items():
        independent[year], _cost, found = realisable_independent(plans)
        for mineral, rows in found.items():
            over.setdefault(mineral, []).extend({**r, "year": year} for r in rows)
    if over:
        independent = refresh(independent)
    totals = total_plans(independent)
    alone = {m: sum(p.objective_usd for p in g) if all(p.status == "optimal" for p in g)
             else None for m, g in total_plans(standalone).items()}
    coop = cooperation(totals, total_plans(joint), alone, over)
    by_year = joint if case.mode == "joint" else independent
    first = by_year[views[0].year]
    pareto: list[dict] = []
    if pareto_points > 0:
        pareto += sweep(case.name, first, "china_share", china_grid(pareto_points), progress)
        pareto += sweep(case.name, first, "expected_shortfall",
                        shortfall_grid(first, pareto_points), progress)
    sensitivity = bid_sensitivity(case.name, first, progress=progress) \
        if pareto_points > 0 else []
    return CaseRun(case, views[0].chain, first, coop, pareto, sensitivity,
                   years={"views": views, "plans": by_year, "joint": joint,
                          "independent": independent,
                          "all_projects": _projects_considered(views)}, multi_year=True)


def _projects_considered(views: list[YearView]) -> list[dict]:
    """Every project online in some modelled year, as rows (first occurrence kept)."""
    seen: dict[str, dict] = {}
    for v in views:
        for row in v.chain.projects.to_dict("records"):
            seen.setdefault(str(row["project"]), row)
    return [seen[k] for k in sorted(seen)]
