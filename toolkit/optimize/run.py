"""Solve one policy case: both modes, the value of cooperation and the Pareto sweeps."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from toolkit.chain import SupplyChain
from toolkit.optimize.cooperation import cooperation, realise, release, solve_mode
from toolkit.optimize.pareto import china_grid, shortfall_grid, sweep
from toolkit.optimize.plan import MineralPlan
from toolkit.optimize.sensitivity import bid_sensitivity
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


def solve_case(chain: SupplyChain, case: CaseSettings, pareto_points: int = 11,
               progress: Progress | None = None) -> CaseRun:
    """Solve ``case`` in both modes, compare them, and sweep its own mode's models.

    The independent plans reported are the realisable ones
    (:mod:`toolkit.optimize.cooperation`).  ``pareto_points`` <= 0 skips the sweeps
    (and the bid-premium sensitivity, which caps China at 65 % where the case sets no
    China cap).
    """
    at_year = chain.at_year(case.year)
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
