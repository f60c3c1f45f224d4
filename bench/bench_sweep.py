"""Bench: a sweep of the default model with 1 and 2 Dask workers.

Prints, per worker count, the wall time of ``sweep`` (cluster start included) as the
median of ``--repeats`` runs, the ratio one worker / two workers (goal >= 1.6) and the
time per 1,000 worlds (goal <= 10 min on a 2-core box), and checks that the two worker
counts give identical numbers.  As a reference in the same process it solves the first
worlds of the joint case again with the direct highspy formulation built from the
world's arrays (:mod:`toolkit.optimize.reference`): its time per world, and the largest
relative difference of the per-mineral costs.  The load average is printed before and
after: on a shared machine the medians are only comparable within one run.

Run: ``python bench/bench_sweep.py [--samples 1000] [--repeats 1] [--reference 50]``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_helpers import median  # noqa: E402
from toolkit.io.inputs import load_default  # noqa: E402
from toolkit.optimize.reference import solve_reference  # noqa: E402
from toolkit.optimize.timeline import is_multi_year, year_views  # noqa: E402
from toolkit.policy import resolve_cases  # noqa: E402
from toolkit.sampling import draw, uncertain_inputs  # noqa: E402
from toolkit.sweep.run import sweep  # noqa: E402
from toolkit.sweep.worker import instances, solve_chunk  # noqa: E402
from toolkit.sweep.world import with_restrictions, world_data  # noqa: E402


def run_sweeps(samples: int, seed: int, repeats: int) -> dict[int, list]:
    """{workers: [(seconds, result), ...]} for 1 and 2 workers, interleaved."""
    chain = load_default()
    out: dict[int, list] = {1: [], 2: []}
    for _ in range(repeats):
        for workers in (1, 2):
            start, cpu = time.perf_counter(), time.process_time()
            result = sweep(chain, samples, seed, workers=workers)
            seconds = time.perf_counter() - start
            out[workers].append((seconds, result))
            print(f"  run: {workers} worker(s) {seconds:.1f} s wall (this process's CPU "
                  f"{time.process_time() - cpu:.1f} s), load average "
                  f"{os.getloadavg()[0]:.1f}", flush=True)
    return out


def identical(a, b) -> bool:
    """The two sweeps' numbers agree exactly (NaN where both are NaN)."""
    return all(np.array_equal(getattr(x, f), getattr(y, f), equal_nan=True)
               for x, y in zip(a.cases, b.cases, strict=True)
               for f in ("met", "cost_usd", "served_share", "china_share"))


def reference(worlds: int, seed: int) -> tuple[float, float, float]:
    """(sweep s/world, reference s/world, max relative cost difference) on the joint case."""
    chain = load_default()
    inputs = uncertain_inputs(chain.sampling)
    structural = with_restrictions(chain, inputs)
    case = next(c for c in resolve_cases(structural) if c.mode == "joint"
                and not is_multi_year(year_views(structural, c)))
    at = year_views(structural, case)[0].chain
    values = draw(inputs, worlds, seed)
    start = time.perf_counter()
    swept = {m: solve_chunk(at, case, m, inputs, values) for m in at.mineral_ids}
    t_sweep = time.perf_counter() - start
    start, worst = time.perf_counter(), 0.0
    for mineral, r in swept.items():
        bases = instances(at, case, mineral)
        if r is None or not bases:
            continue
        for i in range(worlds):
            data, scale = world_data(bases[0], inputs, values[i])
            status, objective = solve_reference(data)
            if status == "optimal" and r["ok"][i]:
                worst = max(worst, abs(scale * objective - r["cost_usd"][i])
                            / max(1.0, abs(r["cost_usd"][i])))
    return t_sweep / worlds, (time.perf_counter() - start) / worlds, worst


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--reference", type=int, default=50, help="worlds for the reference")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
          "(the machine is shared with other agents)")
    runs = run_sweeps(args.samples, args.seed, args.repeats)
    t1, t2 = (median([s for s, _ in runs[w]]) for w in (1, 2))
    for workers, t in ((1, t1), (2, t2)):
        cases = len(runs[workers][0][1].cases)
        print(f"{args.samples:,} worlds x {cases} cases, {workers} worker(s): median {t:.1f} s "
              f"over {len(runs[workers])} run(s) = {t / args.samples * 1000 / 60:.1f} min per "
              "1,000 worlds (goal <= 10 min)")
    print(f"speed-up 2 workers vs 1: {t1 / t2:.2f}x (goal >= 1.6x)")
    print(f"1 and 2 workers identical: {identical(runs[1][0][1], runs[2][0][1])}")
    per_sweep, per_ref, diff = reference(args.reference, args.seed)
    print(f"joint case, {args.reference} worlds: sweep re-solves {per_sweep * 1000:.0f} ms per "
          f"world, highspy reference rebuilt per world {per_ref * 1000:.0f} ms "
          f"(ratio {per_sweep / per_ref:.2f}x); max relative cost difference {diff:.1e}")
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
