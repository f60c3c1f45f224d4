"""Tidy result tables and the JSON document of a run.

Every table is a list of flat rows (one dict per row) with units in the column
names; :func:`tables` turns them into pandas DataFrames.  Floats are rounded to
six significant digits and rows are sorted, so the same inputs give the same
JSON byte for byte.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from toolkit import __version__
from toolkit.io.atomic import write_text
from toolkit.optimize.bids import non_china_reach_t
from toolkit.optimize.cooperation import DEFINITION
from toolkit.optimize.plan import (
    MineralPlan,
    bid_rows,
    portfolio_rows,
    scenario_rows,
    stockpile_rows,
)
from toolkit.optimize.run import CaseRun
from toolkit.optimize.scenario_rows import spot_availability
from toolkit.optimize.solve import solver_info
from toolkit.results_years import all_year_plans, co_investment, project_rows, year_rows
from toolkit.schema import CHINA, STAGES

SIGNIFICANT = 7
TABLES = ("portfolio", "stockpile", "scenarios", "shadow_prices", "china_share", "pareto",
          "minerals", "summary", "bids", "market", "disruptions", "bid_sensitivity")


def _plans(run: CaseRun) -> list[MineralPlan]:
    return [p for m in sorted(run.plans) for p in run.plans[m]]


def _total(plans: list[MineralPlan]) -> float:
    """Cost of the optimal plans, USD per year."""
    return sum(p.objective_usd for p in plans if p.status == "optimal")


def combined_status(statuses: Iterable[str]) -> str:
    """``optimal`` when all are; else a solver failure (anything but ``infeasible``)
    if there is one, since it says more than "the policy cannot be met"; else
    ``infeasible``."""
    found = sorted(set(statuses))
    others = [s for s in found if s not in ("optimal", "infeasible")]
    if others:
        return others[0]
    return "infeasible" if "infeasible" in found else "optimal"


def case_result(run: CaseRun) -> dict:
    """The JSON object of one case (keys of the issue plus the reports' extras).

    A multi-year case's ``objective_usd`` is its whole objective (every modelled year's
    annual cost + annualised capex), ``status`` and ``diagnosis`` cover every year; the
    other tables describe its first modelled year (:mod:`toolkit.results_years`).
    """
    plans = _plans(run)
    every = all_year_plans(run) if run.multi_year else plans
    diagnosis = [r for p in every for r in p.diagnosis]
    stage_order = {s: i for i, s in enumerate(STAGES)}
    portfolio = sorted((r for p in plans for r in portfolio_rows(p)), key=lambda r: (
        r["buyer"], r["mineral"], stage_order[r["stage"]], r["country"]))
    years = year_rows(run)
    total = sum(y["cost_usd"] or 0.0 for y in years) if run.multi_year else _total(plans)
    return {
        "case": run.case.name, "mode": run.case.mode,
        "status": combined_status(p.status for p in every),
        # a case that cannot be met has no cost; the feasible minerals' total is separate
        "objective_usd": total if all(p.status == "optimal" for p in every) else None,
        "feasible_minerals_cost_usd": total if run.multi_year else _total(plans),
        "multi_year": run.multi_year,
        "years": years,
        "projects": project_rows(run),
        "co_investment": co_investment(run),
        "portfolio": portfolio,
        "stockpile": sorted((r for p in plans for r in stockpile_rows(p)),
                            key=lambda r: (r["buyer"], r["mineral"])),
        "scenarios": sorted((r for p in plans for r in scenario_rows(p)),
                            key=lambda r: (r["scenario"], r["buyer"], r["mineral"])),
        "shadow_prices": sorted(({**r, "buyer": r["buyer"]} for p in plans for r in p.shadow),
                                key=lambda r: (r["setting"], r["mineral"],
                                               stage_order.get(r["stage"], -1), r["buyer"])),
        "diagnosis": {"messages": [r["message"] for r in diagnosis], "rows": diagnosis},
        "bids": sorted((r for p in plans for r in bid_rows(p)), key=lambda r: (
            r["buyer"], r["mineral"], stage_order[r["stage"]], r["country"])),
        "market": market_rows(run),
        "disruptions": disruption_rows(run),
        "bid_sensitivity": run.sensitivity,
        "minerals": [_mineral_row(run, m) for m in sorted(run.plans)],
        "summary": _summary(run, plans),
        "china_share": _china_share(run, plans),
        "cooperation": run.cooperation,
        "pareto": run.pareto,
        "settings": settings_rows(run),
    }


def _mineral_row(run: CaseRun, mineral: str) -> dict:
    group = run.plans[mineral]
    ok = all(p.status == "optimal" for p in group)
    return {"mineral": mineral, "status": combined_status(p.status for p in group),
            "objective_usd": sum(p.objective_usd for p in group) if ok else None,
            "buyers": "+".join(b for p in group for b in p.data.buyers),
            # independent plans fail buyer by buyer: only these buyers' plans cannot be met
            "buyers_not_met": "+".join(b for p in group for b in p.data.buyers
                                       if p.status != "optimal")}


def _stage_china_share(plan: MineralPlan) -> np.ndarray:
    """(K,) China's share of each stage's capacity (the pro-rata baseline)."""
    d = plan.data
    cap = plan.base_capacity if plan.base_capacity is not None else d.capacity_t
    out = np.zeros(len(d.stages))
    for k in range(len(d.stages)):
        at = d.node_stage == k
        out[k] = cap[at & d.china].sum() / cap[at].sum() if cap[at].sum() > 0 else 0.0
    return out


def _china_share(run: CaseRun, plans: list[MineralPlan]) -> list[dict]:
    rows = []
    for p in plans:
        d, base = p.data, _stage_china_share(p)
        for b, buyer in enumerate(d.buyers):
            for k, stage in enumerate(d.stages):
                at = (d.node_stage == k) & (d.node_country == CHINA)
                share = p.node_flow[b, at].sum() / d.demand_t[b] if p.status == "optimal" \
                    else None
                rows.append({"case": run.case.name, "buyer": buyer, "mineral": d.mineral,
                             "stage": stage, "baseline_share": float(base[k]),
                             "portfolio_share": share})
    return sorted(rows, key=lambda r: (r["buyer"], r["mineral"], STAGES.index(r["stage"])))


def _summary(run: CaseRun, plans: list[MineralPlan]) -> list[dict]:
    """Per mineral and buyer: status, demand, China-touch before/after, worst service."""
    rows = []
    for p in plans:
        d = p.data
        baseline_touch = 1.0 - float(np.prod(1.0 - _stage_china_share(p)))
        for b, buyer in enumerate(d.buyers):
            served = (1.0 - p.short[b] / d.demand_t[b]).min() if p.short.shape[1] else 1.0
            ok = p.status == "optimal"
            rows.append({"case": run.case.name, "mode": run.case.mode, "buyer": buyer,
                         "mineral": d.mineral, "status": p.status,
                         "demand_t": float(d.demand_t[b]),
                         "contracted_cost_usd": float(p.node_flow[b] @ d.unit_cost) if ok
                         else None,
                         "bid_cost_usd": _bid_share(p, b) if ok else None,
                         "china_touch_share": float(p.touch[b]) if ok else None,
                         "baseline_china_touch_share": baseline_touch,
                         "worst_served_share": float(served) if ok else None,
                         # a joint plan's pooled stockpile has no per-buyer split
                         "stockpile_t": None if d.joint else float(p.stock[b])})
    return sorted(rows, key=lambda r: (r["buyer"], r["mineral"]))


def _bid_share(plan: MineralPlan, b: int) -> float:
    """The buyer's part of the plan's bid premium (pro rata to its tonnes at each node)."""
    if not plan.bid.size or not plan.bid.any():
        return 0.0
    flow = plan.node_flow.sum(axis=0)
    part = np.divide(plan.node_flow[b], flow, out=np.zeros_like(flow), where=flow > 0)
    return float((plan.bid_cost_by_node * part).sum())


def settings_rows(run: CaseRun) -> list[dict]:
    """Resolved settings of the case, including the case-wide scalars and the data year."""
    case = run.case
    rows = [{"setting": name, "stage": "", "mineral": "", "buyer": "",
             "value": case.get(name)} for name in ("mode", "risk_aversion", "cvar_alpha")]
    rows.append({"setting": "year", "stage": "", "mineral": "", "buyer": "",
                 "value": case.year if case.year is not None else "default"})
    scalar = {"mode", "risk_aversion", "cvar_alpha", "year"}
    return rows + [r for r in case.rows() if r["setting"] not in scalar]


def case_part(run: CaseRun) -> dict:
    """The JSON part of one solved case, tidied: all :func:`run_result` needs of it (made
    where the case was solved, it travels back instead of the case's plans)."""
    return tidy(case_result(run))


def run_result(runs: list[CaseRun] | list[dict], model_name: str,
               input_path: str | None) -> dict:
    """The whole JSON document: the first case's keys, ``cases`` and run metadata.

    ``runs``: the solved cases, or their parts (:func:`case_part`)."""
    cases = [r if isinstance(r, dict) else case_part(r) for r in runs]  # tidied once
    first = dict(cases[0])
    first.update(tidy({
        "model": model_name, "input": input_path or "default model",
        "toolkit_version": __version__, "solver": solver_info(),
        "run_status": combined_status(c["status"] for c in cases)}))
    first.update({
        "pareto": [r for c in cases for r in c["pareto"]],
        "bid_sensitivity": [r for c in cases for r in c["bid_sensitivity"]],
        "china_share": [r for c in cases for r in c["china_share"]],
        "cooperation_definition": tidy(DEFINITION),
        "cases": cases,
    })
    return first


def tidy(value: object) -> object:
    """Round floats to SIGNIFICANT (7) significant digits, NaN to None, numpy scalars to Python."""
    cls = value.__class__  # the common exact types first (a large run has millions)
    if cls is float:
        return _round(value)
    if cls is dict:
        return {k if k.__class__ is str else str(k): tidy(v) for k, v in value.items()}
    if cls is list:
        return [tidy(v) for v in value]
    if cls is str or cls is int or cls is bool or value is None:
        return value
    if isinstance(value, dict):
        return {str(k): tidy(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [tidy(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return _round(value)
    return value


def _round(x: float) -> float | None:
    if x - x != 0.0:  # NaN or infinite
        return None
    if -1e-9 < x < 1e-9:
        return 0.0
    return float(format(x, _SPEC)) + 0.0


_SPEC = f".{SIGNIFICANT}g"


def json_text(value: object, level: int = 0, memo: dict | None = None) -> str:
    """JSON text of a result: nested objects indented one space a level, and each row of a
    table (a list of flat objects) on one line, written by the standard library's C
    encoder (an indented dump of a large run's tens of thousands of rows is slow).  A row
    object met twice (the first case's tables are also the document's top level) is
    encoded once."""
    memo = {} if memo is None else memo
    pad = " " * (level + 1)
    if isinstance(value, dict) and value:
        items = [f"{pad}{json.dumps(str(k), ensure_ascii=False)}: "
                 f"{json_text(v, level + 1, memo)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + " " * level + "}"
    if isinstance(value, list) and value and not all(_flat(v) for v in value):
        return "[\n" + ",\n".join(pad + json_text(v, level + 1, memo) for v in value) + \
            "\n" + " " * level + "]"
    if isinstance(value, list) and value:
        return "[\n" + ",\n".join(pad + _row_text(v, memo) for v in value) \
            + "\n" + " " * level + "]"
    return json.dumps(value, ensure_ascii=False)


def _row_text(row: object, memo: dict) -> str:
    key = id(row)
    if key not in memo:
        memo[key] = (row, json.dumps(row, ensure_ascii=False))  # the row keeps its id
    return memo[key][1]


def _flat(value: object) -> bool:
    """A scalar, or an object or list of scalars (one line of a table)."""
    scalar = (str, int, float, bool, type(None))
    if isinstance(value, dict):
        return all(isinstance(v, scalar) for v in value.values())
    if isinstance(value, list):
        return all(isinstance(v, scalar) for v in value)
    return isinstance(value, scalar)


def write_json(path: Path, result: dict, atomic: bool = True) -> Path:
    """Write the result (atomically unless ``atomic`` is False: ``path`` is already a
    staged temporary file), keys in a stable order, UTF-8."""
    text = json_text(result) + "\n"
    if not atomic:
        Path(path).write_text(text, encoding="utf-8", newline="\n")
        return Path(path)
    return write_text(path, text)


def tables(result: dict) -> dict[str, pd.DataFrame]:
    """The tidy tables of a result (first case, or the whole run for pareto/china_share)."""
    return {name: pd.DataFrame(result.get(name, [])) for name in TABLES}


# ------------------------------------------------------------------ world market rows


def market_rows(run: CaseRun) -> list[dict]:
    """Per mineral and stage: the world around the planned buyers and what they bid.

    ``world_production_t`` :math:`P_k`, ``world_capacity_t`` :math:`\\sum C_n`,
    ``market_demand_t`` :math:`D^M`, ``planned_demand_t`` :math:`D^P`,
    ``spare_t`` :math:`\\sum C_n - D^M - D^P`, ``non_china_reach_t`` (non-Chinese
    tonnes free or biddable), ``bid_t`` and ``bid_cost_usd`` of the case's plans,
    ``planned_share`` :math:`\\sigma`.  Minerals without market buyers are left out.
    """
    rows = []
    for mineral in sorted(run.plans):
        group = run.plans[mineral]
        d = group[0].unrationed
        if not d.market_enabled:
            continue
        for k, stage in enumerate(d.stages):
            at = d.node_stage == k
            bid = sum(float(p.bid[at].sum()) for p in group if p.bid.size)
            cost = sum(float(p.bid_cost_by_node[at].sum()) for p in group)
            rows.append({"case": run.case.name, "mineral": mineral, "stage": stage,
                         "world_production_t": float(d.production_t[at].sum()),
                         "world_capacity_t": float(d.capacity_t[at].sum()),
                         "market_demand_t": d.market_t, "planned_demand_t": d.planned_t,
                         "spare_t": float(d.capacity_t[at].sum()) - d.market_t - d.planned_t,
                         "non_china_reach_t": non_china_reach_t(d, k),
                         "bid_premium": float(d.bid_premium[k]), "bid_t": bid,
                         "bid_cost_usd": cost, "planned_share": d.sigma})
    return rows


def disruption_rows(run: CaseRun) -> list[dict]:
    """Per scenario and mineral: what the planned buyers lose and recover.

    ``lost_t`` contracted tonnes lost, ``spot_t`` bought spot, ``drawdown_t`` from
    stockpiles, ``shortfall_t`` unserved; ``spot_available_t`` the spot tonnes the
    planned buyers could buy (their share :math:`\\sigma` of the undisrupted, uncontracted
    free tonnes times ``spot_share``) and ``spot_contested_t`` the rest of those spare
    tonnes, bought by the other buyers who lost supply.
    """
    rows = []
    for mineral in sorted(run.plans):
        group = run.plans[mineral]
        ok = all(p.status == "optimal" for p in group)
        sums = [_scenario_sums(p) for p in group] if ok else []
        for s, name in enumerate(group[0].data.scenarios):
            rows.append(_disruption_row(run, mineral, group, ok, sums, s, name))
    return rows


def _scenario_sums(plan: MineralPlan) -> dict[str, list[float]]:
    """Per scenario, the plan's buyers' lost, spot, drawdown and unserved tonnes and the
    spot tonnes they could buy (each a list over scenarios)."""
    out = {key: getattr(plan, attr).sum(axis=0).tolist() for key, attr in (
        ("lost_t", "lost"), ("spot_t", "spot"), ("drawdown_t", "draw"),
        ("shortfall_t", "short"))}
    out["spot_available_t"] = _spot_pool(plan)
    return out


def _disruption_row(run: CaseRun, mineral: str, group: list[MineralPlan], ok: bool,
                    sums: list[dict], s: int, name: str) -> dict:
    total = {"lost_t": 0.0, "spot_t": 0.0, "drawdown_t": 0.0, "shortfall_t": 0.0,
             "spot_available_t": 0.0}
    for plan_sums in sums:
        for key in total:
            total[key] += plan_sums[key][s]
    sigma = group[0].data.sigma
    contested = total["spot_available_t"] * (1.0 - sigma) / sigma if sigma > 0 else 0.0
    return {"case": run.case.name, "scenario": name, "mineral": mineral,
            "probability": float(group[0].data.probability[s]),
            "demand_t": sum(float(p.data.demand_t.sum()) for p in group),
            **(total if ok else dict.fromkeys(total)),
            "spot_contested_t": contested if ok else None, "planned_share": sigma,
            "status": "optimal" if ok else "infeasible"}


def _spot_pool(plan: MineralPlan) -> list[float]:
    """Per scenario, the spot tonnes the plan's buyers could buy (all nodes of the
    tightest stage: a spot tonne passes every stage)."""
    d = plan.data
    if not d.spot_enabled:
        return [0.0] * len(d.scenarios)
    flow = plan.node_flow.sum(axis=0)
    bid = plan.bid if plan.bid.size else np.zeros(len(d.capacity_t))
    free = np.maximum(0.0, d.free_t + bid - flow) * spot_availability(d)  # (S, N)
    return [float(min(free[s][d.node_stage == k].sum() for k in range(len(d.stages))))
            for s in range(len(d.scenarios))]
