"""Bench: a whole ``toolkit run`` against the same LPs built directly with highspy.

Each repeat runs the steps of ``toolkit run`` in this process, timed separately:
read (load the input), network metrics (concentration table and chokepoints), build
(Pyomo models and their load into HiGHS), solve (every solve and re-solve of the
run: both modes, rationing, Pareto sweeps, bid sensitivity; minus build), reports
(the result tables, JSON, Excel workbook, HTML brief).  The reference builds and solves, directly
with highspy from the arrays (:mod:`toolkit.optimize.reference`), every LP the run
solves first (each case's joint plan and stand-alone plans, every mineral); its
objectives are checked against the run's.  Prints medians and the ratio of the
whole run to the reference, measured in one process (the machine may be shared:
compare ratios, not seconds, between machines).

Models: ``default`` (the UK-Japan default model), ``peer`` (25 minerals x 30 mine x
20 refine countries x 40 scenarios, written to a workbook and read back), ``large``
(50 minerals x 1,000 scenarios; in this process: in memory, no Pareto sweeps, no
workbook or brief; peak memory by ``resource.getrusage``, each model in its own
process).

For every model it also times the whole command as a user runs it (``python -m
toolkit run [WORKBOOK]``, wall seconds: start-up, the default forked processes (one per
case, or for a lone case one per share of its minerals), the Pareto sweeps, the JSON,
workbook and brief included; for the default and peer models also with ``--workers
1``).  The large model's command runs once, from a workbook of its chain, and prints its
peak memory.

Run: ``python bench/bench_run.py [default|peer|large ...] [--repeats N] [--cpu]``.
Goals (issue 11): peer <= 4 s and <= 15x the reference; default <= 5 s;
large <= 20 s and <= 1 GB.
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_helpers import median, peak_rss_mb, peer_chain  # noqa: E402
from toolkit import pipeline  # noqa: E402
from toolkit.cli import GC_THRESHOLD  # noqa: E402
from toolkit.io.excel_template import write_template  # noqa: E402
from toolkit.io.inputs import load_default, load_input  # noqa: E402
from toolkit.optimize import plan as plan_module  # noqa: E402
from toolkit.optimize import solve as solve_module  # noqa: E402
from toolkit.optimize.data import demand_of, prepare  # noqa: E402
from toolkit.optimize.reference import solve_reference, solve_years_reference  # noqa: E402
from toolkit.optimize.timeline import year_views  # noqa: E402
from toolkit.optimize.years import YearData  # noqa: E402
from toolkit.policy import resolve_cases  # noqa: E402
from toolkit.projects import annualised_capex  # noqa: E402
from toolkit.results import run_result, write_json  # noqa: E402
from toolkit.risk import chokepoint_table, concentration_table  # noqa: E402

CLOCK = [time.perf_counter]  # --cpu: cpu_seconds (this process and its finished children)


def cpu_seconds() -> float:
    """CPU seconds of this process plus those of its children that have finished (the
    brief is written by a forked child)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def timed(fn):
    """Seconds (wall, or CPU with ``--cpu``) of one call and its result."""
    start = CLOCK[0]()
    out = fn()
    return CLOCK[0]() - start, out


GOALS = {"default": (5.0, None, None), "peer": (4.0, 15.0, None), "large": (20.0, None, 1024)}
STEPS = ("read", "metrics", "build", "solve", "reports")


class BuildClock:
    """Accumulated seconds in Pyomo ``build_model`` and the first load into HiGHS."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._build = plan_module.build_model
        self._load = solve_module.Solver._load

    def __enter__(self) -> BuildClock:
        clock = self

        def build(*args, **kw):
            start = CLOCK[0]()
            try:
                return clock._build(*args, **kw)
            finally:
                clock.seconds += CLOCK[0]() - start

        def load(solver):
            start = CLOCK[0]()
            try:
                return clock._load(solver)
            finally:
                clock.seconds += CLOCK[0]() - start

        plan_module.build_model, solve_module.Solver._load = build, load
        return self

    def __exit__(self, *exc) -> None:
        plan_module.build_model, solve_module.Solver._load = self._build, self._load


def large_chain():
    """50 minerals x 1,000 scenarios (two stages of 12 and 8 countries), each scenario
    with probability 0.0005 a year (together 0.5: a valid input)."""
    return peer_chain(minerals=50, mine=12, refine=8, scenarios=1000, seed=5,
                      probability=0.5 / 1000)


def one_run(model: str, source: Path | None, out: Path) -> tuple[dict, dict]:
    """Seconds per step of one ``toolkit run`` and its result."""
    times: dict[str, float] = {}
    if model == "default":
        times["read"], chain = timed(load_default)
    elif model == "peer":
        times["read"], chain = timed(lambda: load_input(source))
    else:
        times["read"], chain = timed(large_chain)
    points = 0 if model == "large" else 11
    with BuildClock() as clock:
        t_model, runs = timed(lambda: pipeline.run_model(chain, points))
    times["build"], times["solve"] = clock.seconds, t_model - clock.seconds
    t_result, result = timed(lambda: run_result(runs, model, None))
    start = CLOCK[0]()
    bundle = pipeline._bundle(result, chain, source, 0.0) if model != "large" else {}
    if model == "large":
        concentration_table(chain), chokepoint_table(chain)
    times["metrics"] = CLOCK[0]() - start
    start = CLOCK[0]()
    out.mkdir(exist_ok=True)
    if model != "large":
        pipeline._write_reports(bundle, out, model, False, lambda message: None)
    write_json(out / f"{model}.json", result)
    times["reports"] = CLOCK[0]() - start + t_result
    return times, result


def reference_seconds(model: str, source: Path | None, result: dict) -> float:
    """Build + solve, directly in highspy, every first LP (or multi-year MILP) of the run;
    objectives checked."""
    chain = {"default": load_default, "large": large_chain}.get(
        model, lambda: load_input(source))()
    total, objectives = 0.0, {}
    for case in resolve_cases(chain):
        views = year_views(chain, case)
        for mineral in chain.mineral_ids:
            for who, joint, years in _instances(views, case, mineral):
                if len(years) == 1 and not years[0].capex_usd:
                    seconds, (_status, value) = timed(
                        lambda d=years[0].data: solve_reference(d))
                else:
                    seconds, (_status, value) = timed(
                        lambda y=years: solve_years_reference(y))
                total += seconds
                objectives[(case.name, mineral, who, joint)] = value
    _check(result, objectives)
    return total


def _instances(views: list, case, mineral: str) -> list[tuple]:
    """(buyers, joint, year instances) of every first model of ``mineral`` in ``case``:
    the joint plan and each buyer's stand-alone plan."""
    buyers = {v.year: tuple(demand_of(v.chain, mineral)) if v.chain.stages_of(mineral)
              else () for v in views}
    everyone = tuple(sorted({b for bs in buyers.values() for b in bs}))
    out = []
    for who, joint in [(everyone, True)] + [((b,), False) for b in everyone]:
        years = []
        for v in views:
            present = tuple(b for b in who if b in buyers[v.year])
            if present:
                own = v.chain.projects[v.chain.projects["mineral"] == mineral] \
                    if len(v.chain.projects) else v.chain.projects
                years.append(YearData(v.year, prepare(v.chain, v.case, mineral, present,
                                                      joint=joint),
                                      annualised_capex(own, case.discount_rate)))
        if years:
            out.append((who, joint, years))
    return out


def _check(result: dict, objectives: dict) -> None:
    """The run's joint costs equal the reference's (independent ones may be rationed)."""
    for case in result["cases"]:
        for row in case["cooperation"]["minerals"]:
            ref = [v for (c, m, _w, joint), v in objectives.items()
                   if c == case["case"] and m == row["mineral"] and joint]
            if row["joint_cost_usd"] is not None and ref and ref[0] is not None:
                assert abs(row["joint_cost_usd"] - ref[0]) <= 1e-6 * max(1, abs(ref[0])), \
                    (case["case"], row["mineral"], row["joint_cost_usd"], ref[0])


def child(model: str, repeats: int) -> None:
    """Measure one model in this (fresh) process; print JSON."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = None
        if model == "peer":
            source = folder / "peer.xlsx"
            write_template(source, peer_chain())
        steps: dict[str, list[float]] = defaultdict(list)
        refs = []
        peak_mb = 0.0
        for _ in range(repeats):
            times, result = one_run(model, source, folder / "out")
            peak_mb = peak_mb or peak_rss_mb()  # the run's own peak, before any reference
            for key, value in times.items():
                steps[key].append(value)
            steps["total"].append(sum(times.values()))
            refs.append(reference_seconds(model, source, result))
    print(json.dumps({"steps": steps, "reference": refs, "peak_mb": peak_mb,
                      "cases": len(result["cases"])}))


def report(model: str, out: dict) -> None:
    """Print one model's block."""
    med = {k: median(v) for k, v in out["steps"].items()}
    ref = median(out["reference"])
    ratios = [t / r for t, r in zip(out["steps"]["total"], out["reference"], strict=True)]
    goal_s, goal_ratio, goal_mb = GOALS[model]
    print(f"\n== {model}: medians of {len(out['reference'])} repeats "
          f"({'CPU' if CLOCK[0] is cpu_seconds else 'wall'} seconds) ==")
    print("  ".join(f"{k} {med[k]:.2f} s" for k in STEPS) + f"   total {med['total']:.2f} s")
    print(f"direct highspy build+solve of the first LPs: {ref:.2f} s; run / reference "
          f"{median(ratios):.1f}x (median of per-repeat ratios)"
          + (f" (goal <= {goal_ratio:.0f}x)" if goal_ratio else ""))
    print(f"total goal <= {goal_s:.0f} s; peak memory {out['peak_mb']:,.0f} MB"
          + (f" (goal <= {goal_mb:,} MB)" if goal_mb else ""))


def main() -> None:
    """Parse arguments; measure each model in its own process and print the bench."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs="*", help="default, peer, large (default: all)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--cpu", action="store_true",
                        help="CPU seconds of the process and its finished children instead "
                             "of wall time (steadier on "
                             "a shared machine)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.cpu:
        CLOCK[0] = cpu_seconds
    if args.child:
        gc.set_threshold(GC_THRESHOLD, 20, 20)  # as the toolkit command sets it
        child(args.child, args.repeats)
        return
    unknown = set(args.models) - set(GOALS)
    if unknown:
        parser.error(f"unknown model(s) {sorted(unknown)}; choose from {sorted(GOALS)}")
    for model in args.models or list(GOALS):
        repeats = 1 if model == "large" else args.repeats
        cmd = [sys.executable, __file__, "--child", model, "--repeats", str(repeats)]
        cmd += ["--cpu"] if args.cpu else []
        done = subprocess.run(cmd, check=True, capture_output=True, text=True)
        report(model, json.loads(done.stdout.strip().splitlines()[-1]))
        command_wall(model, args.repeats)


def command_wall(model: str, repeats: int) -> None:
    """Wall seconds of the whole ``toolkit run`` command (start-up, imports, the default
    forked case processes, the JSON, workbook and brief included), medians of repeats,
    and with ``--workers 1`` (everything in one process).  The large model runs once, from
    a workbook of its chain, with the command's peak memory (its largest process)."""
    with tempfile.TemporaryDirectory() as tmp:
        source = []
        if model in ("peer", "large"):
            source = [str(Path(tmp) / f"{model}.xlsx")]
            write_template(Path(source[0]), peer_chain() if model == "peer" else large_chain())
        toolkit = [sys.executable, "-m", "toolkit", "run", *source, "--out",
                   str(Path(tmp) / "out")]
        line = []
        variants = [("default", [])] + ([("--workers 1", ["--workers", "1"])]
                                        if model != "large" else [])
        for label, extra in variants:
            seconds, peak = [], []
            for _ in range(1 if model == "large" else repeats):
                start = time.perf_counter()
                done = subprocess.run([sys.executable, "-c", PEAK_OF_CHILDREN, *toolkit,
                                       *extra], capture_output=True, text=True)
                seconds.append(time.perf_counter() - start)
                if done.returncode not in (0, 3):  # 3: a case cannot be met (a finding)
                    raise SystemExit(done.stderr)
                peak.append(float(done.stdout.strip().splitlines()[-1]))
            line.append(f"{label} {median(seconds):.2f} s, peak {max(peak):,.0f} MB")
        goal_s, _ratio, goal_mb = GOALS[model]
        print("whole `toolkit run` command, wall, median: " + "; ".join(line)
              + f" (goal <= {goal_s:.0f} s" + (f", <= {goal_mb:,} MB)" if goal_mb else ")"))


# runs the command given as arguments; prints the peak memory (MB) of its largest process
PEAK_OF_CHILDREN = ("import resource, subprocess, sys; "
                    "code = subprocess.run(sys.argv[1:]).returncode; "
                    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024); "
                    "sys.exit(code)")


if __name__ == "__main__":
    main()
