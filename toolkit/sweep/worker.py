"""One task of a sweep: one mineral of one policy case, re-solved in a chunk of worlds.

The task builds the mineral's model(s) once (one joint model, or one per buyer in
independent mode) and re-solves them world after world, changing only mutable
parameters (:func:`toolkit.sweep.world.set_world`).  Independent plans are made
realisable by the same rationing as ``toolkit run``
(:func:`toolkit.optimize.cooperation.ration`).  What comes back is small: per world,
whether the mineral's plan is optimal, its annual cost, its worst served share and
China's share at each stage.  Nothing here knows whether it runs under Dask.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from toolkit.chain import SupplyChain
from toolkit.optimize.cooperation import pooled_worst_served_share, ration
from toolkit.optimize.data import MineralData, demand_of, prepare
from toolkit.optimize.model import build_model
from toolkit.optimize.plan import MineralPlan, read_plan
from toolkit.optimize.solve import Solver
from toolkit.policy import CaseSettings
from toolkit.sampling import Uncertain
from toolkit.schema import STAGES
from toolkit.sweep.world import check_structure, set_world, world_data


def instances(chain: SupplyChain, case: CaseSettings, mineral: str) -> list[MineralData]:
    """The sweep-mode instances of ``mineral`` in the case's own mode (empty when the
    mineral has no planned demand or no stages)."""
    buyers = tuple(demand_of(chain, mineral))
    if not buyers or not chain.stages_of(mineral):
        return []
    if case.mode == "joint":
        groups = [buyers]
    else:
        groups = [(b,) for b in buyers]
    return [replace(prepare(chain, case, mineral, g, joint=case.mode == "joint"), sweep=True)
            for g in groups]


def solve_chunk(chain: SupplyChain, case: CaseSettings, mineral: str,
                inputs: list[Uncertain], values: np.ndarray) -> dict | None:
    """Solve ``mineral`` of ``case`` in each world (row) of ``values``.

    Parameters
    ----------
    chain : the chain at the case's year, with the sampled scenarios added
        (:func:`toolkit.sweep.world.with_restrictions`).
    values : (W, D) the inputs' values in W worlds.

    Returns
    -------
    ``{"mineral", "ok" (W,), "cost_usd" (W,), "served_share" (W,), "china_share" (W, 3)}``
    (NaN where not optimal, or where the mineral has no such stage; ``cost_usd`` where
    not ``ok`` is that of the buyers' plans that can be met, NaN when none can); None
    when the mineral is not planned.
    """
    bases = instances(chain, case, mineral)
    if not bases:
        return None
    check_structure(bases[0], inputs)
    models = [build_model(d) for d in bases]
    solvers = [Solver(m) for m in models]
    W = len(values)
    out = {"mineral": mineral, "ok": np.zeros(W, bool), "cost_usd": np.full(W, np.nan),
           "served_share": np.full(W, np.nan), "china_share": np.full((W, len(STAGES)),
                                                                       np.nan)}
    for i in range(W):
        plans, scale = _solve_world(bases, models, solvers, inputs, values[i])
        met = [p for p in plans if p.status == "optimal"]
        if met:  # the buyers' plans that can be met, as toolkit run's partial cost counts
            out["cost_usd"][i] = scale * sum(p.objective_usd for p in met)
        if len(met) == len(plans):
            out["ok"][i] = True
            out["served_share"][i] = pooled_worst_served_share(plans)
            out["china_share"][i] = china_shares(plans)
    return out


def _solve_world(bases: list[MineralData], models: list, solvers: list[Solver],
                 inputs: list[Uncertain], values: np.ndarray
                 ) -> tuple[list[MineralPlan], float]:
    plans, scale = [], 1.0
    for base, m, solver in zip(bases, models, solvers, strict=True):
        data, scale = world_data(base, inputs, values)
        set_world(m, data)
        plan = read_plan(data, m, solver, solver.solve())
        plan.model, plan.solver = m, solver
        plans.append(plan)
    if len(plans) > 1:
        plans, _ = ration(plans)
    return plans, scale


def china_shares(plans: list[MineralPlan]) -> np.ndarray:
    """(3,) China's share of the buyers' combined supply at mine, refine, manufacture
    (NaN for a stage the mineral lacks)."""
    d = plans[0].data
    demand = sum(float(p.data.demand_t.sum()) for p in plans)
    out = np.full(len(STAGES), np.nan)
    for k, stage in enumerate(d.stages):
        mask = d.china & (d.node_stage == k)
        tonnes = sum(float(p.node_flow[:, mask].sum()) for p in plans)
        out[STAGES.index(stage)] = tonnes / demand if demand > 0 else np.nan
    return out
