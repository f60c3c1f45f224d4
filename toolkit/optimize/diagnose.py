"""Explain an infeasible policy in plain words, from an elastic (phase-1) re-solve.

The elastic model (:func:`toolkit.optimize.model.build_model` with
``elastic=True``) gives every policy row and every capacity row a slack
:math:`e \\ge 0` and minimises :math:`\\sum w e` (capacity slacks weigh
:data:`~toolkit.optimize.model.CAPACITY_SLACK_WEIGHT` so that a policy is blamed
before physics).  Each positive slack is the gap, in tonnes, between what the
constraint needs and what the rest of the problem can give it, e.g.::

    refine, cobalt, GBR: max_china_share 40 %: non-China supply 4,100 t < 6,000 t
    needed (gap 1,900 t)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

import numpy as np

from toolkit.optimize.data import MineralData
from toolkit.optimize.model import build_model
from toolkit.optimize.solve import Solver

TOLERANCE_T = 1e-6


def diagnose(d: MineralData) -> list[dict]:
    """Rows ``setting, stage, mineral, buyer, scenario, country, gap_t, needed_t,
    available_t, message`` naming each constraint that cannot be met."""
    m = build_model(d, elastic=True)
    solver = Solver(m)
    outcome = solver.solve()
    if outcome.status != "optimal":
        return [_row(d, "paths", "", "+".join(d.buyers), 0.0, float(d.demand_t.sum()), 0.0,
                     "no allowed path from mine to buyer (check the Routes sheet)")]
    rows: list[dict] = []
    gaps = {name: solver.values(var) for name, (var, _w) in m._slacks.items()}
    rows += _capacity(d, gaps.get("capacity", {}))
    rows += _world(d, gaps.get("world_balance", {}))
    rows += _offtake(d, gaps.get("max_offtake_share", {}))
    rows += _shares(d, gaps)
    rows += _served(d, gaps.get("min_served_share", {}))
    return rows


def _t(tonnes: float) -> str:
    """Tonnes in words: thousands separated, three significant digits below 100 t."""
    return f"{tonnes:,.0f} t" if abs(tonnes) >= 100 else f"{tonnes:.3g} t"


def _pct(share: float) -> str:
    return f"{100 * share:.4g} %"


def _row(d: MineralData, setting: str, stage: str, buyer: str, gap: float, needed: float,
         available: float, words: str, scenario: str = "", country: str = "",
         value: float | None = None) -> dict:
    where = ", ".join(x for x in (stage, d.mineral, buyer, scenario and f"scenario {scenario}")
                      if x)
    return {"setting": setting, "stage": stage, "mineral": d.mineral, "buyer": buyer,
            "scenario": scenario, "country": country, "gap_t": gap, "needed_t": needed,
            "available_t": available, "value": value,
            "message": f"{where}: {words} (gap {_t(gap)})"}


def _by_stage(d: MineralData, slacks: dict) -> dict[int, float]:
    out: dict[int, float] = defaultdict(float)
    for n, gap in slacks.items():
        if gap > TOLERANCE_T:
            out[int(d.node_stage[n])] += gap
    return out


def _stage_gaps(d: MineralData, slacks: dict, setting: str,
                words: Callable[[int, float, float], str]) -> list[dict]:
    """One row per stage whose nodes are short: the buyers' demand vs what is usable."""
    need = float(d.demand_t.sum())
    return [_row(d, setting, d.stages[k], "+".join(d.buyers), gap, need, need - gap,
                 words(k, need - gap, need))
            for k, gap in sorted(_by_stage(d, slacks).items())]


def _capacity(d: MineralData, slacks: dict) -> list[dict]:
    if d.market_enabled:
        return _stage_gaps(d, slacks, "capacity", lambda k, have, need: (
            f"{d.stages[k]} tonnes left to the planned buyers (capacity less what other "
            f"buyers hold, plus what may be bid away) {_t(have)} < {_t(need)} demanded"))
    return _stage_gaps(d, slacks, "capacity", lambda k, have, need: (
        f"usable {d.stages[k]} capacity {_t(have)} < {_t(need)} demanded"))


def _world(d: MineralData, slacks: dict) -> list[dict]:
    """Stages where the world has fewer spare tonnes than the planned buyers need."""
    need = float(d.demand_t.sum())
    rows = []
    for k, gap in sorted(slacks.items()):
        if gap > TOLERANCE_T:
            rows.append(_row(d, "world_balance", d.stages[k], "+".join(d.buyers), gap, need,
                             need - gap, _world_words(d, k, need - gap, need)))
    return rows


def _world_words(d: MineralData, k: int, have: float, need: float) -> str:
    """'world mine capacity 222,970 t less other buyers' demand 214,258 t leaves 8,712 t
    < 8,889 t needed …' (the world's own figures: the stage's capacity less the other
    buyers' demand); for a buyer rationed between independent plans, its share of them."""
    before = d.meta.get("world_before_t")
    scale = d.meta.get("world_scale")
    spare = float(before[k]) if before is not None else float(d.world_t[k])
    world = (f"world {d.stages[k]} capacity {_t(spare + d.market_t)} less other buyers' "
             f"demand {_t(d.market_t)} leaves {_t(spare)}")
    hint = ("; other buyers are never left short, so where more demand should come out "
            "of theirs, lower their rows of the Demand sheet")
    if scale is not None and float(scale[k]) < 1.0:
        return (f"{world} spare, which the buyers planning alone over-claim together; "
                f"{'+'.join(d.buyers)}'s share in proportion to demand, {_t(have)}, < "
                f"{_t(need)} needed{hint}")
    return f"{world} < {_t(need)} needed: the world has no spare tonnes for it{hint}"


def _offtake(d: MineralData, slacks: dict) -> list[dict]:
    return _stage_gaps(d, slacks, "max_offtake_share", lambda k, have, need: (
        f"max_offtake_share {_pct(d.offtake[k])} of each node leaves {_t(have)} < "
        f"{_t(need)} needed"))


def _shares(d: MineralData, gaps: dict) -> list[dict]:
    rows = []
    for (b, k), gap in sorted(gaps.get("max_china_share", {}).items()):
        if gap > TOLERANCE_T:
            need = (1 - d.china_cap[b, k]) * d.demand_t[b]
            rows.append(_row(d, "max_china_share", d.stages[k], d.buyers[b], gap, need,
                             need - gap, f"max_china_share {_pct(d.china_cap[b, k])}: "
                             f"non-China supply {_t(need - gap)} < {_t(need)} needed"
                             + _non_china_room(d, k), value=float(d.china_cap[b, k])))
    for b, gap in sorted(gaps.get("max_china_touch_share", {}).items()):
        if gap > TOLERANCE_T:
            need = (1 - d.touch_cap[b]) * d.demand_t[b]
            rows.append(_row(d, "max_china_touch_share", "", d.buyers[b], gap, need, need - gap,
                             f"max_china_touch_share {_pct(d.touch_cap[b])}: supply whose "
                             f"path avoids China {_t(need - gap)} < {_t(need)} needed",
                             value=float(d.touch_cap[b])))
    for (b, k, n), gap in sorted(gaps.get("max_country_share", {}).items()):
        if gap > TOLERANCE_T:
            c = str(d.node_country[n])
            need = (1 - d.country_cap[b, n]) * d.demand_t[b]
            rows.append(_row(d, "max_country_share", d.stages[k], d.buyers[b], gap, need,
                             need - gap, f"max_country_share {_pct(d.country_cap[b, n])}: "
                             f"supply from outside {c} {_t(need - gap)} < {_t(need)} "
                             "needed", country=c, value=float(d.country_cap[b, n])))
    for (b, k), gap in sorted(gaps.get("min_partner_share", {}).items()):
        if gap > TOLERANCE_T:
            need = d.partner_min[b, k] * d.demand_t[b]
            rows.append(_row(d, "min_partner_share", d.stages[k], d.buyers[b], gap, need,
                             need - gap, f"min_partner_share {_pct(d.partner_min[b, k])}: "
                             f"partner supply {_t(need - gap)} < {_t(need)} needed",
                             value=float(d.partner_min[b, k])))
    return rows


def _non_china_room(d: MineralData, k: int) -> str:
    """With market buyers: the non-Chinese tonnes of a stage the planned buyers can reach
    (free tonnes plus the bid room), so a reader sees the world has no more to spare."""
    if not d.market_enabled:
        return ""
    at = (d.node_stage == k) & ~d.china
    free = float(np.clip(d.free_t[at], 0, None).sum())
    room = float((d.max_bid[k] * d.holding_t[at]).sum())
    return (f"; outside China the world has {_t(free)} spare and other buyers hold "
            f"{_t(room)} that may be bid away")


def _served(d: MineralData, slacks: dict) -> list[dict]:
    rows = []
    for (b, s), gap in sorted(slacks.items()):
        if gap > TOLERANCE_T and not np.isnan(d.min_served[b]):
            need = d.min_served[b] * d.demand_t[b]
            rows.append(_row(d, "min_served_share", "", d.buyers[b], gap, need, need - gap,
                             f"min_served_share {_pct(d.min_served[b])}: served "
                             f"{_t(need - gap)} < {_t(need)} needed",
                             scenario=d.scenarios[s], value=float(d.min_served[b])))
    return rows
