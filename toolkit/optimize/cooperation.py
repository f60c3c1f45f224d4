"""Independent and joint plans of one policy case, and the value of cooperation.

Definitions
-----------
*Stand-alone plan*: each buyer optimises alone, seeing the whole world's
capacity (its own offtake limit, its own stockpile, the whole spot market).

*Independent plan (realisable)*: two stand-alone plans may together over-claim a
node — contract more than its free tonnes (capacity less the market buyers'
holding) plus the bids, bid more than the market buyers hold, exceed its offtake
limit, or buy more spot than it can sell in a scenario — or a stage's world
balance.  Such plans cannot both be carried out, so each over-claimed node is
rationed between the buyers in proportion to their demand
(:math:`C_{bn} = C_n d_b / \\sum_{b'} d_{b'}`, likewise :math:`H_{bn}`, and the
world balance of an over-claimed stage) and each buyer re-plans alone (the same
built model, capacities, holdings and world balances are mutable parameters);
this repeats until nothing is over-claimed.  Nodes nobody over-claims are not
rationed.

*Joint plan*: one plan for both buyers: shared capacity and offtake limits, one
spot market and a pooled stockpile either buyer may draw on.

*Value of cooperation* = independent (realisable) cost - joint cost, over the
minerals where both plans are optimal, with the worst served share of each.
Because the sum of the realisable independent plans is a feasible joint plan
(pooled stockpile >= separate stockpiles, per-buyer caps unchanged, CVaR is
subadditive), the saving is never negative without projects; the stand-alone cost is
reported too, and the over-claimed nodes are listed.  With projects
(:mod:`toolkit.optimize.years`) each independent buyer may back its own copy of a plant,
which the joint plan cannot, so the saving can be negative.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np

from toolkit.chain import SupplyChain
from toolkit.optimize.data import MineralData, demand_of, prepare
from toolkit.optimize.diagnose import diagnose
from toolkit.optimize.plan import MineralPlan, read_plan, solve_plan
from toolkit.optimize.scenario_rows import spot_availability
from toolkit.policy import CaseSettings

TOLERANCE = 1e-6

DEFINITION = (
    "Value of cooperation = cost of the two buyers' independent plans minus the cost of "
    "one joint plan (shared capacity and offtake limits, one spot market, pooled "
    "stockpile). Independent plans that together over-claim a node's capacity, offtake "
    "limit or spot market are made realisable by rationing each over-claimed node between "
    "the buyers in proportion to their demand, each buyer re-planning alone, until no node "
    "is over-claimed. Totals cover minerals where both plans are optimal. Resilience is "
    "compared on the buyers' combined demand: the worst scenario's served share of it.")

Progress = Callable[[str], None]


def solve_mode(chain: SupplyChain, case: CaseSettings, mode: str,
               progress: Progress | None = None,
               reuse: dict[str, list[MineralPlan]] | None = None, keep: bool = True,
               settle: Callable[[str, list[MineralPlan]], None] | None = None,
               minerals: set[str] | None = None,
               done: Callable[[str, list[MineralPlan]], None] | None = None
               ) -> dict[str, list[MineralPlan]]:
    """Plans of every mineral in ``mode`` (one joint plan, or one plan per buyer).

    ``reuse``: the other mode's plans.  A mineral with one planned buyer has the same
    LP in both modes (pooling one buyer's stockpile is its own stockpile, and shared
    capacity is its own), so its plan is taken from ``reuse`` relabelled, not solved
    again.  ``keep=False``: joint models are not kept (nothing re-solves them).
    ``settle(mineral, plans)``: called with each mineral's stand-alone plans as soon as
    they are solved (rationing, then freeing the models, before the next mineral's are
    built).  ``done(mineral, plans)``: likewise with each mineral's joint plan once solved
    (not with one relabelled from ``reuse``).  ``minerals``: only these (None: every
    mineral of the chain).
    """
    plans: dict[str, list[MineralPlan]] = {}
    for i, mineral in enumerate(chain.mineral_ids):
        if minerals is not None and mineral not in minerals:
            continue
        if progress:
            progress(f"case {case.name}: {mode} plan, mineral {i + 1}/"
                     f"{len(chain.mineral_ids)} ({mineral})")
        buyers = tuple(demand_of(chain, mineral))
        if not buyers or not chain.stages_of(mineral):
            continue
        if len(buyers) == 1 and reuse and len(reuse.get(mineral, [])) == 1:
            plans[mineral] = [same_lp(reuse[mineral][0], mode == "joint")]
        elif mode == "joint":
            plans[mineral] = [solve_plan(prepare(chain, case, mineral, buyers, joint=True),
                                         keep=keep)]
            if done:
                done(mineral, plans[mineral])
        else:
            plans[mineral] = [solve_plan(prepare(chain, case, mineral, (b,), joint=False))
                              for b in buyers]
            if settle:
                settle(mineral, plans[mineral])
    return plans


def release(plans: list[MineralPlan]) -> None:
    """Drop the built models and solvers of ``plans`` (their results stay)."""
    for plan in plans:
        plan.model = plan.solver = None


def same_lp(plan: MineralPlan, joint: bool) -> MineralPlan:
    """A one-buyer plan relabelled as the other mode's (the same LP, the same answer)."""
    return replace(plan, data=replace(plan.data, joint=joint))


def overclaims(plans: list[MineralPlan]) -> list[dict]:
    """Nodes (and stages) the stand-alone plans of one mineral over-claim together.

    Checked per node: contracted flow vs the free tonnes :math:`C_n - H_n` plus the
    buyers' bids, and vs the offtake limit (``contracted``); the bids vs
    :math:`\\theta_k H_n` (``bids``); and in each scenario spot
    purchases plus the spot share of (contracted - bid) tonnes vs the spot share of the
    free tonnes (``spot``); per stage, planned tonnes vs the world balance (``world``).
    Without market buyers :math:`H = \\delta = 0` and these are the capacity checks.
    """
    if len(plans) < 2 or any(p.status != "optimal" for p in plans):
        return []
    d = plans[0].unrationed
    flow = sum(p.node_flow[0] for p in plans)
    own = d.project_nodes  # each buyer alone backs its own plant: never over-claimed
    flow[own] = 0.0
    bids = sum(p.bid for p in plans)
    theta = np.nan_to_num(d.offtake[d.node_stage], nan=1.0)
    rows = _rows(d, flow, np.minimum(d.free_t + bids, theta * d.capacity_t), "contracted")
    if d.market_enabled:
        rows += _rows(d, bids, d.max_bid[d.node_stage] * d.holding_t, "bids")
    if d.spot_enabled and len(d.scenarios):
        share = spot_availability(d)
        spot = sum(p.spot_node[0] for p in plans)
        spot[:, own] = 0.0
        used = spot + share * (flow - bids)[None, :]
        available = share * d.free_t[None, :]
        worst = np.argmax(used - available, axis=0)  # per node, its tightest scenario
        nodes = np.arange(len(d.capacity_t))
        rows += _rows(d, used[worst, nodes], available[worst, nodes], "spot")
    return rows + _world_rows(d, plans)


def _world_rows(d: MineralData, plans: list[MineralPlan]) -> list[dict]:
    """Stages whose world balance the buyers' plans over-claim together."""
    if not d.market_enabled:
        return []
    planned = sum(float(p.data.demand_t.sum()) for p in plans)
    world = d.world_t + sum(_backed_capacity(p) for p in plans)
    return [{"mineral": d.mineral, "stage": d.stages[k], "country": "", "kind": "world",
             "node": -1 - k, "claimed_t": planned, "available_t": float(world[k])}
            for k in range(len(d.stages))
            if planned > world[k] + TOLERANCE * max(1.0, float(world[k]))]


def _backed_capacity(plan: MineralPlan) -> np.ndarray:
    """(K,) capacity of the projects ``plan`` backs (its own plants), per stage."""
    d = plan.data
    out = np.zeros(len(d.stages))
    for n in np.flatnonzero(plan.backed) if plan.backed.size else []:
        out[d.node_stage[n]] += d.capacity_t[n]
    return out


def _rows(d: MineralData, claimed: np.ndarray, available: np.ndarray, kind: str) -> list[dict]:
    over = np.flatnonzero(claimed > available + TOLERANCE * np.maximum(1.0, available))
    return [{"mineral": d.mineral, "stage": d.stages[d.node_stage[n]],
             "country": str(d.node_country[n]), "kind": kind, "node": int(n),
             "claimed_t": float(claimed[n]), "available_t": float(available[n])}
            for n in over]


def ration(plans: list[MineralPlan]) -> tuple[list[MineralPlan], list[dict]]:
    """Re-plan each buyer with demand-proportional shares of over-claimed nodes.

    A rationed node gives buyer :math:`b` the share :math:`d_b / \\sum d` of its
    capacity and of the market buyers' holding (so of its free tonnes and bid room);
    a rationed stage the same share of its world balance (``node`` :math:`-1-k` in
    the rows).  A buyer whose rationed plan cannot be met contracts nothing, so it
    rations no one: the other buyers' plans are re-made from their stand-alone plans
    (rationed only among themselves), and a cap scoped to one buyer never worsens the
    other's plan through a node the first does not buy.  Returns the realisable plans
    and every over-claim found on the way.
    Each round rations at least one more node or stage, so the rounds are finite; an
    over-claim left on one already rationed is returned marked ``(unresolved)``.
    """
    plans, found = _ration_rounds(plans)
    failed = [p.status != "optimal" for p in plans]
    kept = [i for i, bad in enumerate(failed) if not bad]
    if any(failed) and any(plans[i].base_data is not None for i in kept):
        # a plan that cannot be met contracts nothing: the others re-plan without it
        again, more = ration([_restore(plans[i]) for i in kept])
        for i, plan in zip(kept, again, strict=True):
            plans[i] = plan
        found += more
    return plans, found


def _ration_rounds(plans: list[MineralPlan]) -> tuple[list[MineralPlan], list[dict]]:
    """The rationing rounds of :func:`ration`, until nothing is over-claimed or some
    buyer's re-plan cannot be met."""
    found: list[dict] = []
    rationed: set[int] = set()
    while True:
        over = overclaims(plans)
        new = {r["node"] for r in over} - rationed
        if not over:
            return plans, found
        if not new:  # over-claimed although already rationed: say so, stop
            return plans, found + [{**r, "kind": f"{r['kind']} (unresolved)"} for r in over]
        found += over
        rationed |= new
        plans = [_replan(p, sorted(rationed), plans) for p in plans]


def _replan(plan: MineralPlan, keys: list[int], plans: list[MineralPlan]) -> MineralPlan:
    base = plan.unrationed
    share = float(base.demand_t[0]) / sum(float(p.data.demand_t[0]) for p in plans)
    node_scale = np.ones(len(base.capacity_t))
    stage_scale = np.ones(len(base.stages))
    for key in keys:
        if key >= 0:
            node_scale[key] = share
        else:
            stage_scale[-1 - key] = share
    data = base.rationed(node_scale, stage_scale)
    m, solver = plan.model, plan.solver
    for n in (k for k in keys if k >= 0):
        m.capacity_t[n] = float(data.capacity_t[n])
        m.holding_t[n] = float(data.holding_t[n])
        m.free_t[n] = float(data.capacity_t[n] - data.holding_t[n])
    for k in (-1 - key for key in keys if key < 0):
        m.world_t[k] = float(data.world_t[k])
    new = read_plan(data, m, solver, plan.resolve())
    new.model, new.solver = m, solver
    new.base_data = base
    new.year, new.backed, new.capex_usd = plan.year, plan.backed, plan.capex_usd
    if new.status == "infeasible":
        new.diagnosis = diagnose(new.data.all_backed())
        if new.year is not None:
            from toolkit.optimize.years import dated

            new.diagnosis = [dated(r, new.year) for r in new.diagnosis]
    return new


def _restore(plan: MineralPlan) -> MineralPlan:
    """Re-solve ``plan``'s model with the capacities, holdings and world balances it had
    before rationing (its stand-alone plan), as :func:`_replan` does with rationed ones."""
    base, now, m, solver = plan.unrationed, plan.data, plan.model, plan.solver
    for n in np.flatnonzero((now.capacity_t != base.capacity_t)
                            | (now.holding_t != base.holding_t)):
        m.capacity_t[n] = float(base.capacity_t[n])
        m.holding_t[n] = float(base.holding_t[n])
        m.free_t[n] = float(base.capacity_t[n] - base.holding_t[n])
    if getattr(m, "world_t", None) is not None:
        for k in np.flatnonzero(now.world_t != base.world_t):
            m.world_t[k] = float(base.world_t[k])
    new = read_plan(base, m, solver, plan.resolve())
    new.model, new.solver = m, solver
    new.year, new.backed, new.capex_usd = plan.year, plan.backed, plan.capex_usd
    if new.status == "infeasible":
        new.diagnosis = diagnose(base.all_backed())
        if new.year is not None:
            from toolkit.optimize.years import dated

            new.diagnosis = [dated(r, new.year) for r in new.diagnosis]
    return new


def cooperation(independent: dict[str, list[MineralPlan]],
                joint: dict[str, list[MineralPlan]],
                standalone_cost: dict[str, float | None],
                over: dict[str, list[dict]]) -> dict:
    """The value-of-cooperation summary (totals and one row per mineral)."""
    rows = [_mineral_row(m, independent[m], joint.get(m, []), standalone_cost.get(m))
            for m in sorted(independent)]
    both = [r for r in rows if r["independent_status"] == r["joint_status"] == "optimal"]
    ind = sum(r["independent_cost_usd"] for r in both)
    jnt = sum(r["joint_cost_usd"] for r in both)
    return {
        "definition": DEFINITION,
        "minerals_compared": len(both),
        "standalone_cost_usd": sum(r["standalone_cost_usd"] or 0.0 for r in both),
        "independent_cost_usd": ind, "joint_cost_usd": jnt, "saving_usd": _saving(ind, jnt),
        "saving_share": _saving(ind, jnt) / ind if ind > 0 else 0.0,
        "independent_worst_served_share": _min(r["independent_worst_served_share"]
                                               for r in both),
        "joint_worst_served_share": _min(r["joint_worst_served_share"] for r in both),
        "overclaimed": [r for m in sorted(over) for r in over[m]],
        "minerals": rows,
    }


def _saving(independent: float, joint: float) -> float:
    """``independent - joint``; differences within the solver's relative optimality
    tolerance (1e-7 of the cost) are rounding noise and count as 0."""
    diff = independent - joint
    return 0.0 if abs(diff) <= 1e-7 * max(abs(independent), abs(joint), 1.0) else diff


def pooled_worst_served_share(plans: list[MineralPlan]) -> float:
    r"""Worst scenario's share of the buyers' combined demand that is served.

    .. math:: \min_s \frac{\sum_b (d_b - u_{bs})}{\sum_b d_b}

    Pooled, because how a joint plan's tonnes are split between the two buyers is
    not unique (the LP is indifferent), so per-buyer shares of a joint plan are a
    convention; the pooled share compares independent and joint plans fairly.
    """
    demand = sum(float(p.data.demand_t.sum()) for p in plans)
    short: dict[str, float] = {}
    for plan in plans:
        for s, name in enumerate(plan.data.scenarios):
            short[name] = short.get(name, 0.0) + float(plan.short[:, s].sum())
    if not short or demand <= 0:
        return 1.0
    return 1.0 - max(short.values()) / demand


def _min(values) -> float | None:
    values = [v for v in values if v is not None]
    return min(values) if values else None


def _mineral_row(mineral: str, ind: list[MineralPlan], jnt: list[MineralPlan],
                 standalone: float | None) -> dict:
    ind_ok = all(p.status == "optimal" for p in ind) and bool(ind)
    jnt_ok = bool(jnt) and jnt[0].status == "optimal"
    ind_cost = sum(p.objective_usd for p in ind) if ind_ok else None
    jnt_cost = jnt[0].objective_usd if jnt_ok else None
    return {
        "mineral": mineral,
        "independent_status": "optimal" if ind_ok else "infeasible",
        "joint_status": jnt[0].status if jnt else "not solved",
        "standalone_cost_usd": standalone, "independent_cost_usd": ind_cost,
        "joint_cost_usd": jnt_cost,
        "saving_usd": _saving(ind_cost, jnt_cost) if ind_ok and jnt_ok else None,
        "independent_worst_served_share": pooled_worst_served_share(ind) if ind_ok else None,
        "joint_worst_served_share": pooled_worst_served_share(jnt) if jnt_ok else None,
    }


def realisable_independent(plans: dict[str, list[MineralPlan]]
                           ) -> tuple[dict[str, list[MineralPlan]], dict[str, float | None],
                                      dict[str, list[dict]]]:
    """Ration every mineral's stand-alone plans; return plans, stand-alone costs, over-claims."""
    standalone: dict[str, float | None] = {}
    over: dict[str, list[dict]] = {}
    out: dict[str, list[MineralPlan]] = {}
    for mineral, group in plans.items():
        out[mineral], standalone[mineral], found = realise(group)
        if found:
            over[mineral] = found
    return out, standalone, over


def realise(group: list[MineralPlan]) -> tuple[list[MineralPlan], float | None, list[dict]]:
    """One mineral's realisable plans, its stand-alone cost and its over-claims."""
    ok = all(p.status == "optimal" for p in group)
    cost = sum(p.objective_usd for p in group) if ok else None
    plans, found = ration(group)
    return plans, cost, found
