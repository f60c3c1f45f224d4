"""``sweep``: draw N worlds, solve the chosen policy cases in each, gather tidy results.

The work is split into tasks of one (case, mineral) and a fixed chunk of
:data:`CHUNK` consecutive worlds.  The split never depends on the number of workers,
and every task builds its own models and solves its worlds in order, so the numbers
are the same with one worker, two, or a cluster.

Per case and world (over the case's minerals):

* ``met``: every mineral's plan is optimal (every policy setting can be met);
* ``cost_usd``: annual cost :math:`\\sum_m (1+g_m) z_m` of the plans that can be met
  (per mineral and buyer group, as ``toolkit run``'s ``feasible_minerals_cost_usd``;
  USD/yr; with ``met`` it is the whole case's cost);
* ``served_share``: the lowest, over minerals and disruption scenarios, share of the
  UK and Japan's combined demand that is served;
* ``china_share``: per stage, China's share of the UK and Japan's combined supply,
  unweighted mean over the minerals with that stage.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from toolkit.chain import SupplyChain
from toolkit.errors import InputError, Problem
from toolkit.optimize.data import demand_of
from toolkit.optimize.timeline import is_multi_year, year_views
from toolkit.policy import CaseSettings, resolve_cases
from toolkit.sampling import Uncertain, draw, uncertain_inputs
from toolkit.schema import STAGES
from toolkit.sweep.execute import run_tasks
from toolkit.sweep.worker import solve_chunk
from toolkit.sweep.world import pick, with_restrictions

CHUNK = 100  # worlds per task; fixed so that results never depend on the worker count


@dataclass
class CaseSweep:
    """One policy case's results in every world (arrays over worlds)."""

    name: str
    mode: str
    floor: float
    floor_from_case: bool
    met: np.ndarray
    cost_usd: np.ndarray
    served_share: np.ndarray
    china_share: np.ndarray            # (N, 3) mine, refine, manufacture
    minerals_not_met: np.ndarray
    not_met: dict[str, int] = field(default_factory=dict)  # mineral -> worlds not met

    @property
    def meets_floor(self) -> np.ndarray:
        """Worlds where every mineral is met and the served share reaches the floor."""
        return self.met & (np.nan_to_num(self.served_share, nan=-1.0) >= self.floor - 1e-9)


@dataclass
class SweepResult:
    """Everything a sweep produced: the inputs, their values and the cases' results."""

    inputs: list[Uncertain]
    values: np.ndarray                 # (N, D)
    seed: int
    cases: list[CaseSweep]
    workers: str
    skipped: list[str] = field(default_factory=list)  # multi-year or project cases


def check_sampling_inputs(chain: SupplyChain, inputs: list[Uncertain]) -> None:
    """The Sampling table must exist; spot_share may be sampled only where the cases buy
    spot (every stage's spot_share > 0).

    Raises
    ------
    InputError
    """
    where = chain.source
    if not inputs:
        raise InputError(Problem(where, "has no Sampling sheet (or [[sampling]] table): a "
                                 "sweep needs at least one uncertain input"))
    for case in resolve_cases(chain):
        for mineral in chain.mineral_ids:
            for stage in chain.stages_of(mineral):
                if pick(inputs, "spot_share", mineral, stage) is None:
                    continue
                if not all((case.number("spot_share", s, mineral) or 0) > 0
                           for s in chain.stages_of(mineral)):
                    raise InputError(Problem(
                        where, f"spot_share is sampled for {mineral} at {stage}, but case "
                        f"{case.name!r} buys no spot there (its spot_share must be above 0 "
                        "at every stage of the mineral)", "Sampling", None, "input",
                        "spot_share"))


def select_cases(chain: SupplyChain, names: list[str] | None
                 ) -> tuple[list[CaseSettings], list[str]]:
    """The cases to sweep (every single-year case without projects when ``names`` is
    empty) and the names of the multi-year or project cases left out.

    Raises
    ------
    InputError
        For an unknown case name, or a named case with several years or projects (the
        sweep re-solves single-year LPs only).
    """
    cases = resolve_cases(chain)
    known = {c.name: c for c in cases}
    missing = [n for n in names or [] if n not in known]
    if missing:
        raise InputError(Problem(chain.source, f"unknown case {missing[0]!r}; cases: "
                                 + ", ".join(repr(c.name) for c in cases), None, None,
                                 "--cases", missing[0]))
    multi = [c.name for c in cases if is_multi_year(year_views(chain, c))]
    named = [n for n in names or [] if n in multi]
    if named:
        raise InputError(Problem(chain.source, f"case {named[0]!r} has several modelled "
                                 "years or projects; the sweep solves single-year cases "
                                 "only", None, None, "--cases", named[0]))
    chosen = [known[n] for n in names] if names else [c for c in cases
                                                      if c.name not in multi]
    return chosen, ([] if names else multi)


def sweep(chain: SupplyChain, samples: int, seed: int, case_names: list[str] | None = None,
          workers: int | None = None, scheduler: str | None = None,
          floor: float = 0.9, progress: Callable[[int, int], None] | None = None
          ) -> SweepResult:
    """Draw ``samples`` worlds from ``chain.sampling`` and solve the cases in each.

    ``floor`` is the served-share floor for cases that set no ``min_served_share``.
    """
    inputs = uncertain_inputs(chain.sampling, country_names(chain))
    check_sampling_inputs(chain, inputs)
    structural = with_restrictions(chain, inputs)
    cases, skipped = select_cases(structural, case_names)
    values = draw(inputs, samples, seed)
    chains = {c.name: year_views(structural, c)[0].chain for c in cases}
    shared = {"chains": chains, "cases": {c.name: c for c in cases}, "inputs": inputs,
              "values": values}
    tasks = [(c.name, mineral, start, min(start + CHUNK, samples))
             for c in cases for mineral in chains[c.name].mineral_ids
             for start in range(0, samples, CHUNK)]
    results = run_tasks(run_task, shared, tasks, workers, scheduler, progress)
    label = f"scheduler {scheduler}" if scheduler else f"{workers or 'default'} worker(s)"
    out = [_gather(c, chains[c.name], tasks, results, samples, floor) for c in cases]
    return SweepResult(inputs, values, seed, out, label, skipped)


def country_names(chain: SupplyChain) -> dict[str, str]:
    """Country code -> name (where the Countries sheet gives one)."""
    table = chain.countries
    return {str(c): str(n) for c, n in zip(table["country"], table["name"], strict=True)
            if isinstance(n, str) and n.strip()}


def run_task(shared: dict, case: str, mineral: str, start: int, stop: int) -> dict | None:
    """One task (module level, so Dask pickles it by reference)."""
    return solve_chunk(shared["chains"][case], shared["cases"][case], mineral,
                       shared["inputs"], shared["values"][start:stop])


def case_floor(chain: SupplyChain, case: CaseSettings, default: float) -> tuple[float, bool]:
    """The case's served floor: its lowest ``min_served_share`` over planned minerals
    and buyers, or ``default`` (False) when it sets none."""
    set_values = [case.number("min_served_share", "", m, b) for m in chain.mineral_ids
                  for b in demand_of(chain, m)]
    given = [v for v in set_values if v is not None]
    return (min(given), True) if given else (default, False)


def _gather(case: CaseSettings, chain: SupplyChain, tasks: list[tuple], results: list,
            samples: int, floor: float) -> CaseSweep:
    ok = np.ones(samples, bool)
    cost = np.zeros(samples)
    served = np.full(samples, np.inf)
    china_sum = np.zeros((samples, len(STAGES)))
    china_n = np.zeros((samples, len(STAGES)))
    not_met = np.zeros(samples, int)
    per_mineral: dict[str, int] = {}
    for (name, mineral, start, stop), r in zip(tasks, results, strict=True):
        if name != case.name or r is None:
            continue
        sl = slice(start, stop)
        ok[sl] &= r["ok"]
        not_met[sl] += ~r["ok"]
        per_mineral[mineral] = per_mineral.get(mineral, 0) + int((~r["ok"]).sum())
        cost[sl] += np.nan_to_num(r["cost_usd"])
        served[sl] = np.fmin(served[sl], r["served_share"])
        have = ~np.isnan(r["china_share"])
        china_sum[sl] += np.where(have, r["china_share"], 0.0)
        china_n[sl] += have
    served[np.isinf(served)] = np.nan
    with np.errstate(invalid="ignore", divide="ignore"):
        china = np.where(china_n > 0, china_sum / np.maximum(china_n, 1), np.nan)
    value, from_case = case_floor(chain, case, floor)
    return CaseSweep(case.name, case.mode, value, from_case, ok, cost, served, china,
                     not_met, {m: n for m, n in sorted(per_mineral.items()) if n})
