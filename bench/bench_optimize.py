"""Bench: the Pyomo model (persistent HiGHS) against the same LP built directly with highspy.

For the default UK-Japan model (every case and mineral, summed) and for a scaled
instance with >= 200,000 variables it prints build, first-solve and re-solve
times (medians of repeats), their ratios to the highspy reference, and peak
memory.  The re-solve changes every China-share cap (one Pareto step) on the
already built model.  Goals: build + first solve <= 3x the reference, re-solve
<= 1.5x.  Run: ``python bench/bench_optimize.py [--repeats N] [--quick]``.
"""

from __future__ import annotations

import argparse
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


def pyomo_times(d: MineralData) -> tuple[float, float, float, float, float]:
    """(build, first solve, re-solve) seconds and the two objectives."""
    t_build, m = timed(lambda: build_model(d))
    solver = Solver(m)
    t_first, first = timed(solver.solve)
    for key in m.china_eps:
        m.china_eps[key] = min(float(m.china_eps[key].value), RESOLVE_EPS)
    t_again, again = timed(solver.solve)
    return t_build, t_first, t_again, first.objective_usd, again.objective_usd


def reference_times(d: MineralData) -> tuple[float, float, float, float, float]:
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
    return t_build, t_first, t_again, first, h.getInfo().objective_function_value


def run(instances: list[MineralData], repeats: int) -> dict[str, list[float]]:
    """Totals over the instances, one list per measure, one entry per repeat."""
    out: dict[str, list[float]] = {k: [] for k in ("pb", "pf", "pr", "rb", "rf", "rr")}
    for _ in range(repeats):
        tot = np.zeros(6)
        for d in instances:
            p = pyomo_times(d)
            r = reference_times(d)
            for mine, ref in ((p[3], r[3]), (p[4], r[4])):
                if mine is not None:  # None: infeasible (the reference then has no optimum)
                    assert abs(mine - ref) <= 1e-6 * max(1.0, abs(ref)), (d.mineral, mine, ref)
            tot += np.array(p[:3] + r[:3])
        for key, value in zip(out, tot, strict=True):
            out[key].append(float(value))
    return out


def report(title: str, instances: list[MineralData], times: dict[str, list[float]]) -> None:
    """Print one block of the bench output."""
    cols = sum(layout(d).n for d in instances)
    med = {k: median(v) for k, v in times.items()}
    first_ratio = (med["pb"] + med["pf"]) / (med["rb"] + med["rf"])
    again_ratio = med["pr"] / med["rr"]
    print(f"\n== {title}: {len(instances)} LPs, {cols:,} variables, "
          f"medians of {len(times['pb'])} repeats ==")
    print(f"{'':14}{'build s':>10}{'1st solve s':>13}{'re-solve s':>12}")
    print(f"{'pyomo+appsi':14}{med['pb']:>10.3f}{med['pf']:>13.3f}{med['pr']:>12.3f}")
    print(f"{'highspy ref':14}{med['rb']:>10.3f}{med['rf']:>13.3f}{med['rr']:>12.3f}")
    print(f"ratio build+first solve: {first_ratio:.2f}x (goal <= 3x)   "
          f"re-solve: {again_ratio:.2f}x (goal <= 1.5x)")
    print(f"peak memory so far: {peak_rss_mb():,.0f} MB")


def default_instances() -> list[MineralData]:
    """Every case x mineral of the default model, in the case's mode."""
    chain = load_default()
    out = []
    for case in resolve_cases(chain):
        at = chain.at_year(case.year)
        out += [d for m in chain.mineral_ids if (d := prepare(at, case, m)).n_paths]
    return out


def main() -> None:
    """Parse arguments and print the bench."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="small scaled model")
    args = parser.parse_args()
    default = default_instances()
    report("default UK-Japan model", default, run(default, args.repeats))
    shape = (8, 8, 20) if args.quick else (32, 32, 100)
    chain = scaled_chain(shape)
    scaled = [prepare(chain.at_year(None), resolve_cases(chain)[0], "x")]
    report(f"scaled model {shape}", scaled, run(scaled, args.repeats))


if __name__ == "__main__":
    main()
