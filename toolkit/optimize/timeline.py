"""A policy case over its modelled years: the chain, settings and plans of each year.

Without the setting ``years`` a case has one modelled year (the data year) and, when no
project is online, is solved exactly as before (:func:`toolkit.optimize.cooperation.
solve_mode`, one LP per mineral).  With ``years``, or with projects, every mineral is one
multi-year model (:mod:`toolkit.optimize.years`).  Years of one mineral where a buyer has
no demand (or the mineral no supply) have no block.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from toolkit.chain import SupplyChain, default_year
from toolkit.errors import InputError
from toolkit.market import market_problems
from toolkit.optimize.data import demand_of, prepare
from toolkit.optimize.plan import MineralPlan, read_plan
from toolkit.optimize.solve import Outcome
from toolkit.optimize.years import YearData, solve_years
from toolkit.policy import CaseSettings
from toolkit.projects import annualised_capex, online_in

Progress = Callable[[str], None]
Plans = dict[str, list[MineralPlan]]


@dataclass(frozen=True)
class YearView:
    """One modelled year: its year (None = an undated single-year run), the chain in it
    (only the projects online in it) and the settings that apply in it."""

    year: int | None
    chain: SupplyChain
    case: CaseSettings


def year_views(chain: SupplyChain, case: CaseSettings) -> list[YearView]:
    """The modelled years of ``case`` (one, the data year, without ``years``).

    Raises
    ------
    InputError
        When in some modelled year the market buyers' demand exceeds a stage's
        production (the problem names the year, mineral and stage).
    """
    years = case.years
    if years is None:
        year = case.year if case.year is not None else default_year(chain)
        # at_year keeps the projects online in its year: the same chain object for every
        # case of that year, so the per-mineral data cached on it is built once
        return [YearView(None if year is None else int(year), chain.at_year(case.year), case)]
    first = case.year if case.year is not None else float(years[0])
    views = [YearView(y, chain.in_year(y, first).with_tables(
        projects=online_in(chain.projects, y)), case.at_year(y)) for y in years]
    problems = [replace(p, rule=f"in {v.year}: {p.rule}") for v in views
                for p in market_problems(v.chain, sheet="Demand")]
    if problems:
        raise InputError(problems)
    return views


def is_multi_year(views: list[YearView]) -> bool:
    """True when the case needs the multi-year model: several years, or projects."""
    return len(views) > 1 or any(len(v.chain.projects) for v in views)


def solve_mode_years(views: list[YearView], case: CaseSettings, mode: str,
                     progress: Progress | None = None) -> dict[int | None, Plans]:
    """Plans of every mineral in ``mode``, per modelled year."""
    out: dict[int | None, Plans] = {v.year: {} for v in views}
    minerals = views[0].chain.mineral_ids
    for i, mineral in enumerate(minerals):
        if progress:
            progress(f"case {case.name}: {mode} plan over {len(views)} years, mineral "
                     f"{i + 1}/{len(minerals)} ({mineral})")
        buyers = {v.year: tuple(demand_of(v.chain, mineral)) if v.chain.stages_of(mineral)
                  else () for v in views}
        groups = [tuple(sorted({b for bs in buyers.values() for b in bs}))] \
            if mode == "joint" else [(b,) for b in sorted({b for bs in buyers.values()
                                                           for b in bs})]
        for group in groups:
            for plan in _solve_group(views, case, mineral, group, buyers, mode == "joint"):
                out[plan.year].setdefault(mineral, []).append(plan)
    return out


def _solve_group(views: list[YearView], case: CaseSettings, mineral: str,
                 group: tuple[str, ...], buyers: dict, joint: bool) -> list[MineralPlan]:
    """One multi-year model for ``group`` (both buyers jointly, or one buyer alone)."""
    rate = case.discount_rate
    years = []
    for v in views:
        present = tuple(b for b in group if b in buyers[v.year])
        if not present:
            continue
        d = prepare(v.chain, v.case, mineral, present, joint=joint)
        own = v.chain.projects[v.chain.projects["mineral"] == mineral] \
            if len(v.chain.projects) else v.chain.projects
        years.append(YearData(v.year, d, annualised_capex(own, rate)))
    return solve_years(years) if years else []


def refresh(plans: dict[int | None, Plans]) -> dict[int | None, Plans]:
    """Re-read every block plan from its solver's last solution (after rationing re-solves
    of other years, which may move a year to an equal-cost vertex)."""
    out: dict[int | None, Plans] = {}
    for year, by_mineral in plans.items():
        out[year] = {m: [_reread(p) for p in group] for m, group in by_mineral.items()}
    return out


def _reread(plan: MineralPlan) -> MineralPlan:
    if plan.model is None or plan.solver is None or plan.status != "optimal":
        return plan
    outcome = Outcome("optimal", plan.solver.evaluate(plan.model.objective.expr))
    new = read_plan(plan.data, plan.model, plan.solver, outcome)
    return replace(new, model=plan.model, solver=plan.solver, base_data=plan.base_data,
                   year=plan.year, backed=plan.backed, capex_usd=plan.capex_usd,
                   diagnosis=plan.diagnosis)


def total_plans(plans: dict[int | None, Plans]) -> Plans:
    """Per mineral, one plan per buyer group whose ``objective_usd`` is its total over the
    modelled years (annual costs + annualised capex; None unless every year is optimal);
    the other fields are those of its last modelled year."""
    out: Plans = {}
    for year in plans:
        for mineral, group in plans[year].items():
            keep = out.setdefault(mineral, [])
            for plan in group:
                match = [i for i, p in enumerate(keep) if p.data.buyers == plan.data.buyers]
                if match:
                    keep[match[0]] = _add(keep[match[0]], plan)
                else:
                    keep.append(_add(None, plan))
    return out


def _add(total: MineralPlan | None, plan: MineralPlan) -> MineralPlan:
    """``plan`` carrying the running total of its group's cost."""
    cost = plan.objective_usd + plan.capex_usd if plan.status == "optimal" else None
    if total is not None:
        cost = None if cost is None or total.objective_usd is None else \
            cost + total.objective_usd
        status = plan.status if total.status == "optimal" else total.status
    else:
        status = plan.status
    return replace(plan, objective_usd=cost, status=status)
