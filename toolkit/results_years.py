"""The per-year and per-project parts of a case's JSON result (issue 10).

``years``: one row per modelled year (a single-year case has one, its data year) with the
year's status, cost (annual operating cost of the plans + the annualised capex of the
backed projects online that year, USD/yr), China's share per buyer and stage (mean over
the minerals, and per mineral).

``projects``: every backed project of the case's joint and independent plans: where, how
big, when online, its annualised capex (CRF x capex, USD/yr) and who backs it (``GBR+JPN``
in a joint plan; one buyer for its own plant in an independent plan).

``co_investment``: annualised capex of the independent and the joint plans summed over the
modelled years, and the value of cooperation (independent total - joint total, which
includes what co-investing saves).
"""

from __future__ import annotations

import numpy as np

from toolkit.optimize.plan import MineralPlan
from toolkit.optimize.run import CaseRun
from toolkit.projects import crf
from toolkit.schema import CHINA, STAGES

CO_INVESTMENT = (
    "Value of co-investment: the value of cooperation over the modelled years "
    "(independent total - joint total, each the sum over modelled years of that year's "
    "annual cost plus the annualised capex CRF x capex of each backed project in every "
    "modelled year it is online; CRF = r(1+r)^L/((1+r)^L-1), r = discount_rate, an "
    "ASSUMPTION). Alone, each buyer backs its own plant; together, one plant serves both.")


def plans_by_year(run: CaseRun) -> dict:
    """``{year: {mineral: [plans]}}`` of the case's mode (one year for a single-year case)."""
    if run.multi_year:
        return run.years["plans"]
    return {_data_year(run): run.plans}


def _data_year(run: CaseRun) -> int | None:
    years = run.chain.years
    year = run.case.year if run.case.year is not None else (max(years) if years else None)
    return None if year is None else int(year)


def year_rows(run: CaseRun) -> list[dict]:
    """One row per modelled year: status, cost, China shares (see module docstring)."""
    rows = []
    by_year = plans_by_year(run)
    pair = sorted({b for by_mineral in by_year.values() for g in by_mineral.values()
                   for p in g if p.data.joint for b in p.data.buyers})
    for year, by_mineral in by_year.items():
        plans = [p for m in sorted(by_mineral) for p in by_mineral[m]]
        ok = all(p.status == "optimal" for p in plans)
        operating = sum(p.objective_usd for p in plans if p.status == "optimal")
        capex = sum(p.capex_usd for p in plans if p.status == "optimal")
        shares = share_rows(plans, pair)
        rows.append({
            "case": run.case.name, "year": year,
            "status": "optimal" if ok else "infeasible",
            "cost_usd": operating + capex if ok else None,
            "operating_cost_usd": operating if ok else None, "capex_usd": capex if ok else None,
            "infeasible_minerals": sorted({p.data.mineral for p in plans
                                           if p.status != "optimal"}),
            "china_share": _mean_shares(shares), "china_share_by_mineral": shares})
    return rows


def share_rows(plans: list[MineralPlan], pair: list[str] | None = None) -> list[dict]:
    """China's share of each buyer's supply per mineral and stage (None if not optimal),
    beside ``baseline_share``: China's share of the stage's capacity that year (the world
    mix a buyer buying pro rata would get; projects not counted).

    Joint plans of several buyers also give the buyers together (``GBR+JPN``: China's
    tonnes of both over the demand of both; a mineral only one of them buys counts that
    buyer's share): how a joint plan splits its tonnes between the buyers is a
    convention, the pair's share is what the plan determines.  ``pair``: the joint buyers
    of every modelled year (None: of ``plans``), so that a year only one of them buys in
    has its pair row too."""
    if pair is None:
        pair = sorted({b for p in plans if p.data.joint for b in p.data.buyers})
    rows = []
    for p in plans:
        d, base = p.data, world_mix(p)
        groups = [(buyer, [b]) for b, buyer in enumerate(d.buyers)]
        if d.joint and len(pair) > 1:
            groups.append(("+".join(pair), list(range(len(d.buyers)))))
        for buyer, members in groups:
            for k, stage in enumerate(d.stages):
                at = (d.node_stage == k) & (d.node_country == CHINA)
                share = float(p.node_flow[members][:, at].sum() / d.demand_t[members].sum()) \
                    if p.status == "optimal" else None
                rows.append({"buyer": buyer, "mineral": d.mineral, "stage": stage,
                             "baseline_share": float(base[k]), "portfolio_share": share})
    return sorted(rows, key=lambda r: (r["buyer"], r["mineral"], STAGES.index(r["stage"])))


def world_mix(plan: MineralPlan) -> np.ndarray:
    """(K,) China's share of each stage's capacity before rationing, project plants
    excluded (they exist only if backed)."""
    d = plan.data
    cap = plan.base_capacity.copy()
    if d.node_project.size:
        cap[np.array([bool(x) for x in d.node_project])] = 0.0
    out = np.zeros(len(d.stages))
    for k in range(len(d.stages)):
        at = d.node_stage == k
        total = cap[at].sum()
        out[k] = cap[at & (d.node_country == CHINA)].sum() / total if total > 0 else 0.0
    return out


def _mean_shares(rows: list[dict]) -> list[dict]:
    """Mean over minerals of China's share per buyer and stage (optimal minerals only)."""
    out = []
    for buyer in sorted({r["buyer"] for r in rows}):
        for stage in STAGES:
            at = [r for r in rows if r["buyer"] == buyer and r["stage"] == stage
                  and r["portfolio_share"] is not None]
            if at:
                out.append({"buyer": buyer, "stage": stage,
                            "mean_share": float(np.mean([r["portfolio_share"] for r in at])),
                            "mean_baseline_share": float(np.mean([r["baseline_share"]
                                                                  for r in at])),
                            "minerals": len(at)})
    return out


def project_rows(run: CaseRun) -> list[dict]:
    """Backed projects of the joint and independent plans (see module docstring)."""
    if not run.multi_year:
        return []
    info = {str(r["project"]): r for r in run.years["all_projects"]}
    rate = run.case.discount_rate
    rows = []
    for plan_kind in ("joint", "independent"):
        backed: dict[tuple[str, str], list] = {}
        for year, by_mineral in run.years[plan_kind].items():
            for group in by_mineral.values():
                for p in group:
                    for n in np.flatnonzero(p.backed) if p.backed.size else []:
                        key = (str(p.data.node_project[n]), "+".join(p.data.buyers))
                        backed.setdefault(key, []).append(
                            (year, float(p.node_flow[:, n].sum())))
        for (project, who), used in sorted(backed.items()):
            r = info[project]
            annual = crf(rate, float(r["lifetime_years"])) * float(r["capex_usd"])
            rows.append({
                "case": run.case.name, "plan": plan_kind,
                "in_case_mode": plan_kind == run.case.mode, "project": project,
                "name": str(r.get("name", "") or "") or project,
                "backed_by": who, "mineral": r["mineral"], "stage": r["stage"],
                "country": r["country"], "capacity_t": float(r["capacity_t"]),
                "unit_cost_usd_per_t": float(r["unit_cost_usd_per_t"]),
                "capex_usd": float(r["capex_usd"]), "online_year": int(r["online_year"]),
                "lifetime_years": float(r["lifetime_years"]),
                "annualised_capex_usd": annual, "discount_rate": rate,
                "years_online": [y for y, _ in used],
                "tonnes_by_year": [{"year": y, "tonnes": t} for y, t in used],
                "source": str(r.get("source", "") or "")})
    return rows


def co_investment(run: CaseRun) -> dict:
    """Annualised capex of each mode over the modelled years and the value of cooperation."""
    if not run.multi_year:
        return {"definition": CO_INVESTMENT, "projects_considered": 0,
                "joint_capex_usd": 0.0, "independent_capex_usd": 0.0,
                "capex_saving_usd": 0.0, "value_usd": run.cooperation.get("saving_usd")}
    capex = {kind: sum(p.capex_usd for by in run.years[kind].values() for g in by.values()
                       for p in g if p.status == "optimal")
             for kind in ("joint", "independent")}
    return {"definition": CO_INVESTMENT,
            "projects_considered": len(run.years["all_projects"]),
            "discount_rate": run.case.discount_rate,
            "joint_capex_usd": capex["joint"], "independent_capex_usd": capex["independent"],
            "capex_saving_usd": capex["independent"] - capex["joint"],
            "value_usd": run.cooperation.get("saving_usd")}


def all_year_plans(run: CaseRun) -> list[MineralPlan]:
    """Every plan of the case's mode over the modelled years."""
    return [p for by in plans_by_year(run).values() for m in sorted(by) for p in by[m]]
