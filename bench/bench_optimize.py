"""Bench: the Pyomo model (persistent HiGHS) against the same LP built directly with highspy.

For the default UK-Japan model (every case and mineral, summed) and for a scaled
instance with >= 200,000 variables it prints build, first-solve and re-solve
times (medians of repeats), their ratios to the highspy reference, and peak
memory (each variant and model runs in its own subprocess, so peak resident
memory is its own).  The re-solve changes every China-share cap (one Pareto step) on the
already built model; where the change keeps the last basis optimal the toolkit answers
without calling HiGHS (the count is printed), the reference always re-runs HiGHS.
Goals: build + first solve <= 3x the reference, re-solve
<= 1.5x.  Run: ``python bench/bench_optimize.py [--repeats N] [--quick]``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_helpers import median, peak_rss_mb, scaled_chain, timed  # noqa: E402
from toolkit.io.inputs import load_default  # noqa: E402
from toolkit.optimize.data import MineralData, prepare  # noqa: E402
from toolkit.optimize.model import build_model  # noqa: E402
from toolkit.optimize.reference import build_reference, layout  # noqa: E402
from toolkit.optimize.solve import Solver  # noqa: E402
from toolkit.policy import resolve_cases  # noqa: E402

RESOLVE_EPS = 0.3
SHAPE = (32, 32, 100)
QUICK_SHAPE = (8, 8, 20)


def pyomo_times(d: MineralData) -> tuple[float, float, float, float, float, int]:
    """(build, first solve, re-solve) seconds, the two objectives, and 1 when the re-solve
    was answered from the last basis without calling HiGHS (its changes kept the basis
    optimal: :mod:`toolkit.optimize.still_optimal`)."""
    t_build, m = timed(lambda: build_model(d))
    solver = Solver(m)
    t_first, first = timed(solver.solve)
    for key in m.china_eps:
        m.china_eps[key] = min(float(m.china_eps[key].value), RESOLVE_EPS)
    t_again, again = timed(solver.solve)
    return (t_build, t_first, t_again, first.objective_usd, again.objective_usd,
            solver.skipped)


def reference_times(d: MineralData) -> tuple[float, float, float, float, float, int]:
    """The same for the direct highspy build; the re-solve changes the China rows' bounds."""
    t_build, (h, rows, _) = timed(lambda: build_reference(d))
    t_first, _ = timed(h.run)
    first = h.getInfo().objective_function_value
    start, stop = rows.families["china_share"]
    upper = np.array(rows.upper[start:stop])
    keys = [(b, k) for b in range(len(d.buyers)) for k in range(len(d.stages))]
    new = np.array([min(u, RESOLVE_EPS * d.demand_t[b]) for u, (b, _k) in zip(upper, keys,
                                                                             strict=True)])
    idx = np.arange(start, stop, dtype=np.int32)
    h.changeRowsBounds(len(idx), idx, np.array(rows.lower[start:stop]), new)
    t_again, _ = timed(h.run)
    return t_build, t_first, t_again, first, h.getInfo().objective_function_value, 0


def measure(variant: str, instances: list[MineralData], repeats: int) -> dict:
    """Totals over the instances per repeat (build, first, re-solve s) and the objectives."""
    times = pyomo_times if variant == "pyomo" else reference_times
    out: dict = {"build": [], "first": [], "again": [], "objectives": []}
    for _ in range(repeats):
        tot = np.zeros(3)
        objectives, skipped = [], 0
        for d in instances:
            r = times(d)
            tot += np.array(r[:3])
            objectives.append(r[3:5])
            skipped += r[5]
        for key, value in zip(("build", "first", "again"), tot, strict=True):
            out[key].append(float(value))
        out["objectives"], out["skipped"] = objectives, skipped
    out["peak_mb"] = peak_rss_mb()
    return out


def child(variant: str, model: str, repeats: int, quick: bool) -> None:
    """Measure one variant on one model in this (fresh) process; print JSON."""
    instances = default_instances() if model == "default" else scaled_instances(quick)
    base = peak_rss_mb()
    out = measure(variant, instances, repeats)
    out["base_mb"] = base
    out["columns"] = sum(layout(d).n for d in instances)
    out["lps"] = len(instances)
    print(json.dumps(out))


def spawn(variant: str, model: str, repeats: int, quick: bool) -> dict:
    """Run :func:`child` in a subprocess (its own peak memory)."""
    cmd = [sys.executable, __file__, "--child", variant, model, "--repeats", str(repeats)]
    done = subprocess.run(cmd + (["--quick"] if quick else []), check=True,
                          capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def check_objectives(mine: list, ref: list) -> None:
    """The Pyomo model and the reference agree at every first solve and re-solve."""
    for (p1, p2), (r1, r2) in zip(mine, ref, strict=True):
        for a, b in ((p1, r1), (p2, r2)):
            if a is not None:  # None: infeasible (the reference then has no optimum)
                assert abs(a - b) <= 1e-6 * max(1.0, abs(b)), (a, b)


def report(title: str, pyomo: dict, ref: dict) -> None:
    """Print one block of the bench output."""
    med = {f"p{k[0]}": median(pyomo[k]) for k in ("build", "first", "again")}
    med |= {f"r{k[0]}": median(ref[k]) for k in ("build", "first", "again")}
    first_ratio = (med["pb"] + med["pf"]) / (med["rb"] + med["rf"])
    again_ratio = med["pa"] / med["ra"]
    print(f"\n== {title}: {pyomo['lps']} LPs, {pyomo['columns']:,} variables, "
          f"medians of {len(pyomo['build'])} repeats ==")
    print(f"{'':14}{'build s':>10}{'1st solve s':>13}{'re-solve s':>12}{'peak MB':>10}"
          f"{'data MB':>10}")
    for name, key, res in (("pyomo+highs", "p", pyomo), ("highspy ref", "r", ref)):
        print(f"{name:14}{med[key + 'b']:>10.3f}{med[key + 'f']:>13.3f}"
              f"{med[key + 'a']:>12.3f}{res['peak_mb']:>10,.0f}{res['base_mb']:>10,.0f}")
    print(f"ratio build+first solve: {first_ratio:.2f}x (goal <= 3x)   "
          f"re-solve: {again_ratio:.2f}x (goal <= 1.5x)   "
          f"peak memory: {pyomo['peak_mb'] / ref['peak_mb']:.2f}x")
    print(f"re-solves answered from the last basis without calling HiGHS: "
          f"{pyomo['skipped']} of {pyomo['lps']} (the reference always calls it)")


def default_instances() -> list[MineralData]:
    """Every case x mineral of the default model, in the case's mode."""
    chain = load_default()
    out = []
    for case in resolve_cases(chain):
        at = chain.at_year(case.year)
        out += [d for m in chain.mineral_ids if (d := prepare(at, case, m)).n_paths]
    return out


def scaled_instances(quick: bool) -> list[MineralData]:
    """The one-mineral scaled model (>= 200,000 variables unless ``quick``)."""
    chain = scaled_chain(QUICK_SHAPE if quick else SHAPE)
    return [prepare(chain.at_year(None), resolve_cases(chain)[0], "x")]


def main() -> None:
    """Parse arguments and print the bench (each variant and model in its own process)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="small scaled model")
    parser.add_argument("--child", nargs=2, metavar=("VARIANT", "MODEL"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child, args.repeats, args.quick)
        return
    shape = QUICK_SHAPE if args.quick else SHAPE
    for model, title in (("default", "default UK-Japan model"),
                         ("scaled", f"scaled model {shape}")):
        pyomo = spawn("pyomo", model, args.repeats, args.quick)
        ref = spawn("reference", model, args.repeats, args.quick)
        check_objectives(pyomo["objectives"], ref["objectives"])
        report(title, pyomo, ref)
    print("\npeak MB: maximum resident memory of the measuring process (ru_maxrss); "
          "data MB: the same after loading the data, before any model is built.")


if __name__ == "__main__":
    main()
