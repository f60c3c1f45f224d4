"""Bench: the multi-year MILP (years + projects) of the default model.

For every multi-year case of the default UK-Japan model, in the case's mode (one model per
mineral, or per mineral and buyer in independent mode) it times: the Pyomo build, the MILP
solve (HiGHS branch and bound through the bridge), the LP re-solve with the projects fixed,
and the same MILP built directly with highspy from arrays
(:func:`toolkit.optimize.reference.build_years_reference`), medians of repeats, with their
ratios.  The objectives of the two formulations are checked to agree.
Run: ``python bench/bench_milp.py [--repeats N]``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_helpers import median, timed  # noqa: E402
from toolkit.io.inputs import load_default  # noqa: E402
from toolkit.optimize.data import demand_of, prepare  # noqa: E402
from toolkit.optimize.reference import build_years_reference  # noqa: E402
from toolkit.optimize.solve import Solver  # noqa: E402
from toolkit.optimize.timeline import is_multi_year, year_views  # noqa: E402
from toolkit.optimize.years import YearData, build_years_model  # noqa: E402
from toolkit.policy import resolve_cases  # noqa: E402
from toolkit.projects import annualised_capex  # noqa: E402


def instances() -> list[tuple[str, list[YearData]]]:
    """(case, years of one mineral's model) for every multi-year case and mineral."""
    chain = load_default()
    out = []
    for case in resolve_cases(chain):
        views = year_views(chain, case)
        if not is_multi_year(views):
            continue
        for mineral in chain.mineral_ids:
            years = []
            for v in views:
                buyers = tuple(demand_of(v.chain, mineral))
                if not buyers or not v.chain.stages_of(mineral):
                    continue
                own = v.chain.projects[v.chain.projects["mineral"] == mineral]
                years.append(YearData(v.year, prepare(v.chain, v.case, mineral, buyers),
                                      annualised_capex(own, case.discount_rate)))
            if years:
                out.append((case.name, years))
    return out


def pyomo_round(years: list[YearData]) -> tuple[float, float, float, float, int]:
    """(build s, MILP solve s, fixed-LP re-solve s, objective, binaries)."""
    t_build, m = timed(lambda: build_years_model(years))
    solver = Solver(m)
    t_milp, outcome = timed(solver.solve)
    solver.fix_integers()
    t_lp, _ = timed(solver.solve)
    return t_build, t_milp, t_lp, outcome.objective_usd, len(m.J)


def reference_round(years: list[YearData]) -> tuple[float, float, float]:
    """(build s, MILP solve s, objective) of the direct highspy formulation."""
    t_build, h = timed(lambda: build_years_reference(years))
    t_run, _ = timed(h.run)
    return t_build, t_run, float(h.getInfo().objective_function_value)


def main() -> None:
    """Time every multi-year model of the default model; print medians and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    models = instances()
    runs: dict[str, list[float]] = {k: [] for k in ("pb", "pm", "pl", "rb", "rm")}
    binaries = 0
    for _ in range(args.repeats):
        tot = dict.fromkeys(runs, 0.0)
        binaries = 0
        for _case, years in models:
            pb, pm, pl, objective, n = pyomo_round(years)
            rb, rm, ref = reference_round(years)
            assert abs(objective - ref) <= 1e-6 * max(1.0, abs(ref)), (objective, ref)
            for key, value in zip(runs, (pb, pm, pl, rb, rm), strict=True):
                tot[key] += value
            binaries += n
        for key in runs:
            runs[key].append(tot[key])
    med = {k: median(v) for k, v in runs.items()}
    cases = sorted({c for c, _ in models})
    print(f"== default model, multi-year MILPs: {len(models)} models ({', '.join(cases)}), "
          f"{binaries} project binaries, medians of {args.repeats} repeats ==")
    print(f"{'':14}{'build s':>10}{'MILP solve s':>14}{'fixed LP s':>12}")
    print(f"{'pyomo+highs':14}{med['pb']:>10.3f}{med['pm']:>14.3f}{med['pl']:>12.3f}")
    print(f"{'highspy ref':14}{med['rb']:>10.3f}{med['rm']:>14.3f}{'':>12}")
    print(f"MILP solve time of the default model: {med['pm']:.3f} s "
          f"(ratio to the direct highspy MILP: {med['pm'] / med['rm']:.2f}x; "
          f"build + solve {(med['pb'] + med['pm']) / (med['rb'] + med['rm']):.2f}x)")


if __name__ == "__main__":
    main()
