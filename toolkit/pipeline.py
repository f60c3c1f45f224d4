"""``toolkit run``: load the input, solve every policy case, write the JSON and reports.

Exit status: 0 when every case and mineral is optimal, 3 when some policy cannot
be met (the JSON is still written, with the other minerals' results and a
diagnosis in plain words).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

from toolkit import __version__
from toolkit.chain import SupplyChain
from toolkit.errors import InfeasiblePolicyError, InputError
from toolkit.io.atomic import atomic_path, begin_commit, output_errors, run_outputs
from toolkit.io.forked import fork_is_safe
from toolkit.io.inputs import load_default, load_input
from toolkit.optimize.cooperation import release
from toolkit.optimize.run import CaseRun, solve_case
from toolkit.policy import resolve_cases
from toolkit.reach import case_year_problems
from toolkit.reports import write_reports
from toolkit.results import case_part, run_result, write_json
from toolkit.risk import chokepoint_table, concentration_table
from toolkit.sweep.execute import default_workers, run_forked, run_tasks
from toolkit.sweep.mineral_split import can_split, solve_case_split

Progress = Callable[[str], None]
DEFAULT_NAME = "uk_japan_default"


def make_progress(quiet: bool, stream=None) -> Progress:
    """A one-line progress display on a terminal; silent when not a TTY or ``quiet``."""
    stream = stream or sys.stderr
    if quiet or not stream.isatty():
        return lambda message: None

    def show(message: str) -> None:
        stream.write("\r\033[K" + message[:120])
        stream.flush()

    return show


def _clear(progress: Progress) -> None:
    progress("")


def run_model(chain: SupplyChain, pareto_points: int = 11,
              progress: Progress | None = None, workers: int | None = None,
              scheduler: str | None = None, processes: int = 1,
              meanwhile: Callable[[], Any] | None = None,
              received: Callable[[Any], None] | None = None,
              keep: Callable[[CaseRun], Any] | None = None) -> list[Any]:
    """Solve every policy case of ``chain`` (see :func:`toolkit.optimize.run.solve_case`).

    Each case is one task: on Dask when ``workers`` > 1 or a ``scheduler`` is given
    (:mod:`toolkit.sweep.execute`), else on ``processes`` forked local processes when
    there are several cases (``toolkit run``'s default: one per core; a Dask
    LocalCluster's workers take seconds to start and import, about as long as the
    default model's solves), else in this process.  A lone single-year case on several
    local processes has its minerals shared out among them
    (:mod:`toolkit.sweep.mineral_split`).  ``meanwhile()`` runs on a forked case
    process once it has no case left, its result handed to ``received`` (only then: the
    caller checks whether it received anything).  ``keep(run)``, if given, is what is
    returned of each solved case instead of its :class:`CaseRun`, made where it was
    solved (e.g. :func:`toolkit.results.case_part`: its JSON part travels back, not its
    plans).  The
    numbers are the same either way (each case builds and solves its own models;
    ``tests/test_sweep.py``).

    Raises
    ------
    InputError
        When a case's data year leaves planned demand without supply or a path.
    """
    cases = resolve_cases(chain)
    problems = case_year_problems(chain, cases)
    if problems:
        raise InputError(problems)
    dask = scheduler is not None or (workers or 1) > 1
    keep = keep or _same
    if not dask and len(cases) == 1 and can_split(chain, cases[0], processes):
        return [keep(solve_case_split(chain, cases[0], pareto_points, processes, progress))]
    processes = min(processes, len(cases)) if fork_is_safe() else 1
    if not dask and processes <= 1:
        return [keep(run) for run in _in_process(chain, cases, pareto_points, progress)]
    # cases with modelled years (MILPs over every year) first: the longest tasks start at
    # once instead of last on a busy worker; results back in case order
    order = sorted(range(len(cases)), key=lambda i: cases[i].years is None)
    tasks = [(cases[i],) for i in order]
    shown = (lambda done, total: progress(f"{done}/{total} policy cases solved")) \
        if progress else None
    shared = (chain, pareto_points, keep)
    done = run_tasks(solve_case_task, shared, tasks, workers, scheduler,
                     shown) if dask else run_forked(solve_case_task, shared,
                                                    tasks, processes, shown, meanwhile,
                                                    received)
    return [done[order.index(i)] for i in range(len(cases))]


def _in_process(chain: SupplyChain, cases: list, pareto_points: int,
                progress: Progress | None) -> list[CaseRun]:
    runs = []
    for i, case in enumerate(cases):
        if progress:
            progress(f"case {i + 1}/{len(cases)}: {case.name}")
        runs.append(solve_case(chain, case, pareto_points, progress))
    return runs


def _same(run: CaseRun) -> CaseRun:
    return run


def solve_case_task(shared: tuple[SupplyChain, int, Callable[[CaseRun], Any]],
                    case) -> Any:
    """One case as a task, ``shared`` = ``(chain, pareto_points, keep)``: ``keep(run)`` of
    the solved case, its built models released first (they do not travel between
    processes; the results never read them)."""
    chain, pareto_points, keep = shared
    run = solve_case(chain, case, pareto_points)
    for plans in [run.plans] + [by_year for key in ("plans", "joint", "independent")
                                for by_year in run.years.get(key, {}).values()]:
        for group in plans.values():
            release(group)
    return keep(run)


def model_name(chain: SupplyChain, input_path: str | Path | None) -> str:
    """``<name>`` of the outputs: the input file's stem, or the model's name."""
    if input_path is not None:
        return Path(input_path).stem
    return str(chain.meta.get("model_name") or DEFAULT_NAME)


def run_command(args: argparse.Namespace) -> int:
    """Run ``toolkit run`` with parsed arguments; return the exit status (0 or 3)."""
    start = time.perf_counter()
    quiet = bool(getattr(args, "quiet", False))
    progress = make_progress(quiet)
    input_path = getattr(args, "input", None)
    chain = load_input(input_path) if input_path is not None else load_default()
    name = model_name(chain, input_path)
    workers, scheduler = getattr(args, "workers", None), getattr(args, "scheduler", None)
    metrics: dict = {}  # the reports' network metrics, computed by a case process once idle
    reports = not getattr(args, "no_reports", False)
    runs = run_model(chain, int(getattr(args, "pareto_points", 11) or 0), progress,
                     workers, scheduler,
                     processes=default_workers() if workers is None and scheduler is None
                     else 1, meanwhile=partial(network_metrics, chain) if reports else None,
                     received=metrics.update, keep=case_part)
    result = run_result(runs, name, None if input_path is None else str(input_path))
    out = Path(getattr(args, "out", None) or "reports")
    written: list[Path] = [out / f"{name}.json"]
    # the JSON is staged first and renamed last: a run whose JSON or reports fail (disk
    # full, killed) leaves every earlier output as it was, never a mixed set
    with run_outputs(), atomic_path(written[0]) as staged_json:
        with output_errors(written[0]):
            write_json(staged_json, result, atomic=False)
        if reports:
            bundle = _bundle(result, chain, input_path, time.perf_counter() - start,
                             metrics or None)
            written += _write_reports(bundle, out, name, bool(getattr(args, "pdf", False)),
                                      progress)
        begin_commit()  # the reports are in place: the JSON's rename completes the set
    _clear(progress)
    return _finish(result, written, quiet, bool(getattr(args, "verbose", False)))


def network_metrics(chain: SupplyChain) -> dict:
    """The network measures the reports show: ``metrics`` (concentration per mineral,
    stage and year) and ``chokepoints``."""
    return {"metrics": concentration_table(chain), "chokepoints": chokepoint_table(chain)}


def _bundle(result: dict, chain: SupplyChain, input_path: str | Path | None,
            seconds: float, metrics: dict | None = None) -> dict:
    """Everything the reports read: results, inputs, metrics (``metrics``: already
    computed by :func:`network_metrics`) and provenance of the run."""
    return {"result": result, "chain": chain, **(metrics or network_metrics(chain)),
            "input_path": None if input_path is None else str(input_path),
            "input_sha256": None if input_path is None else _sha256(Path(input_path)),
            "run_seconds": seconds,
            "run_timestamp": datetime.now(UTC).replace(microsecond=0).isoformat(),
            "toolkit_version": __version__, "solver": result.get("solver")}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_reports(bundle: dict, out: Path, name: str, pdf: bool,
                   progress: Progress) -> list[Path]:
    """The single call site of the reports layer: Excel workbook and HTML brief."""
    return list(write_reports(bundle, out, name, pdf=pdf, progress=progress))


def _finish(result: dict, written: list[Path], quiet: bool, verbose: bool) -> int:
    if not quiet:
        for path in written:
            print(f"wrote {path}")
    if verbose:
        for case in result["cases"]:
            print(f"{case['case']} ({case['mode']}): {case['status']}, "
                  + (f"{case['objective_usd']:,.0f} USD/yr" if case["objective_usd"] is not None
                     else f"minerals that can be met cost "
                          f"{case['feasible_minerals_cost_usd']:,.0f} USD/yr"))
    if result["run_status"] == "optimal":
        return 0
    for case in result["cases"]:
        for message in case["diagnosis"]["messages"]:
            print(f"infeasible: case {case['case']}: {message}", file=sys.stderr)
    if result["run_status"] != "infeasible":
        print(f"error: the solver stopped with status {result['run_status']!r} "
              "(not a policy finding); results are incomplete", file=sys.stderr)
        return 1
    return InfeasiblePolicyError.exit_status
