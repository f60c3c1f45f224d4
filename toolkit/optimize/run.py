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
from toolkit.optimize.duals import step_savings
from toolkit.optimize.pareto import (
    china_grid,
    grid_from_top,
    mineral_points,
    shortfall_grid,
    shortfall_top,
    sweep,
    with_totals,
)
from toolkit.optimize.plan import MineralPlan
from toolkit.optimize.sensitivity import bid_rows, bid_sensitivity, bid_values, has_bids
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


@dataclass
class CasePart:
    """One single-year case solved for some of its minerals (all of them in one process;
    a share of them in each process of :mod:`toolkit.sweep.mineral_split`): what
    :func:`combine` needs to make the :class:`CaseRun`."""

    mode: str                                  # the case's mode
    independent: dict[str, list[MineralPlan]]  # the realisable stand-alone plans
    joint: dict[str, list[MineralPlan]]
    standalone_cost: dict[str, float | None]
    over: dict[str, list[dict]]
    grids: dict[str, list[float]] = field(default_factory=dict)    # Pareto ε per sweep
    points: dict[str, list[list[dict]]] = field(default_factory=dict)  # rows per ε
    bids: dict[str, list | None] | None = None  # bid-premium values; None: no sensitivity

    @property
    def plans(self) -> dict[str, list[MineralPlan]]:
        """The plans in the case's mode."""
        return self.joint if self.mode == "joint" else self.independent


# What the processes of a split case agree on before the expected-shortfall sweep and the
# bid-premium sensitivity: (the largest base expected-shortfall share, any bids?)
Agree = Callable[[tuple[float, bool]], tuple[float, bool]]


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
    part = solve_part(views[0].chain, case, pareto_points, progress)
    return combine(views[0].chain, case, [part])


def solve_part(at_year: SupplyChain, case: CaseSettings, pareto_points: int,
               progress: Progress | None = None, minerals: set[str] | None = None,
               agree: Agree | None = None) -> CasePart:
    """A single-year case for ``minerals`` (None: all) of the chain at its year.

    Every mineral's models are built, solved and swept exactly as when all minerals
    are solved together; the only quantities that span minerals (the expected-shortfall
    sweep's top ε, whether any model has bids) pass through ``agree``.
    """
    # a model is kept only while something will re-solve it: rationing (each mineral's,
    # settled before the next is built), then the sweeps of the case's own mode; without
    # sweeps the shadow-price steps of the case's own plans run as each mineral is
    # settled, and its models are freed before the next mineral's are built
    keep_joint = pareto_points > 0 and case.mode == "joint"
    keep_alone = pareto_points > 0 and case.mode != "joint"
    steps_now = pareto_points <= 0
    settled: dict[str, tuple] = {}

    def settle(mineral: str, group: list[MineralPlan]) -> None:
        settled[mineral] = realise(group)
        if steps_now and (case.mode != "joint" or len(group) == 1):  # one buyer: reused
            check_steps({mineral: settled[mineral][0]})
        if not (keep_alone or (keep_joint and len(group) == 1)):
            release(group + settled[mineral][0])

    def done(mineral: str, group: list[MineralPlan]) -> None:
        check_steps({mineral: group})
        release(group)

    standalone = solve_mode(at_year, case, "independent", progress, settle=settle,
                            minerals=minerals)
    joint = solve_mode(at_year, case, "joint", progress, reuse=standalone,
                       keep=keep_joint or (steps_now and case.mode == "joint"),
                       minerals=minerals,
                       done=done if steps_now and case.mode == "joint" else None)
    independent = {m: s[0] for m, s in settled.items()}
    part = CasePart(case.mode, independent, joint, {m: s[1] for m, s in settled.items()},
                    {m: s[2] for m, s in settled.items() if s[2]})
    if pareto_points > 0:
        _sweep_part(part, case, pareto_points, progress, agree)
    check_steps(part.plans)
    return part


def check_steps(plans: dict[str, list[MineralPlan]]) -> None:
    """The one-point step of every binding shadow price of ``plans``, re-solved
    (:func:`toolkit.optimize.duals.step_savings`); last, so nothing else starts from
    the probes' bases."""
    for group in plans.values():
        for plan in group:
            step_savings(plan)


def _sweep_part(part: CasePart, case: CaseSettings, pareto_points: int,
                progress: Progress | None, agree: Agree | None) -> None:
    """The Pareto sweeps and the bid-premium values of a part's plans."""
    plans = part.plans
    part.grids["china_share"] = china_grid(pareto_points)
    part.points["china_share"] = mineral_points(case.name, plans, "china_share",
                                                part.grids["china_share"], progress)
    local = (shortfall_top(plans), has_bids(plans))
    top, bids = agree(local) if agree is not None else local
    part.grids["expected_shortfall"] = grid_from_top(top, pareto_points)
    part.points["expected_shortfall"] = mineral_points(
        case.name, plans, "expected_shortfall", part.grids["expected_shortfall"], progress)
    part.bids = bid_values(case.name, plans, progress=progress) if bids else None


def combine(at_year: SupplyChain, case: CaseSettings, parts: list[CasePart]) -> CaseRun:
    """The :class:`CaseRun` of a single-year case from its parts (minerals in the
    chain's order, rows as one process would have made them)."""
    order = {m: i for i, m in enumerate(at_year.mineral_ids)}

    def merged(name: str) -> dict:
        out = {k: v for part in parts for k, v in getattr(part, name).items()}
        return {k: out[k] for k in sorted(out, key=lambda m: (order.get(m, len(order)), m))}

    independent, joint = merged("independent"), merged("joint")
    plans = joint if case.mode == "joint" else independent
    coop = cooperation(independent, joint, merged("standalone_cost"), merged("over"))
    pareto: list[dict] = []
    for kind, grid in parts[0].grids.items():
        points = [sorted((r for part in parts for r in part.points[kind][i]),
                         key=lambda r: r["mineral"]) for i in range(len(grid))]
        pareto += with_totals(case.name, kind, grid, points)
    sensitivity = [] if parts[0].bids is None else \
        bid_rows(case.name, plans, {m: v for part in parts for m, v in part.bids.items()})
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
    check_steps(first)
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
