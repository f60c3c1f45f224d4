"""Command-line interface: parse arguments, call the library, map errors to exit codes.

Exit statuses: 0 ok, 2 bad input, 3 infeasible policy, 1 anything else (an output that
cannot be written, ...), 130 interrupted (Ctrl-C), 128 + N stopped by signal N (143 for
SIGTERM); an interrupted or stopped run replaces no earlier output.
Set ``TOOLKIT_DEBUG=1`` to see a traceback for an unexpected error.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from toolkit import __version__
from toolkit.errors import InputError, Problem, Terminated, ToolkitError


def _add_metrics(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("metrics", help="where supply is concentrated: China's share, HHI, "
                       "import reliance and top chokepoints per mineral, stage and year")
    p.add_argument("input", nargs="?", help="workbook (.xlsx) or model (.toml); "
                   "default: embedded dataset")
    p.add_argument("--mineral", action="append", help="only this mineral, e.g. lithium "
                   "(repeatable; any case)")
    p.add_argument("--stage", action="append", help="only this stage: mine, refine or "
                   "manufacture (repeatable; any case)")
    p.add_argument("--year", type=whole_number(YEAR_LOW, YEAR_HIGH), help="only this data year")
    p.add_argument("--csv", action="store_true", help="CSV on stdout")
    p.add_argument("--out", type=Path, help="also write metrics.csv, chokepoints.csv and "
                   "mass_balance.csv to this folder")
    p.set_defaults(func=cmd_metrics)


def _add_template(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("template", help="write an input workbook pre-filled with the "
                       "embedded dataset and default model")
    p.add_argument("output", type=Path)
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p.set_defaults(func=cmd_template)


def _add_validate(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("validate", help="check an input workbook or model file and list "
                       "every problem (sheet, row, column)")
    p.add_argument("input")
    p.set_defaults(func=cmd_validate)


def _add_run(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("run", help="find the cheapest sourcing plan for every policy case; "
                       "write the policy brief, the Excel report and the results")
    p.add_argument("input", nargs="?", help="workbook (.xlsx) or model (.toml); default: "
                   "the embedded UK-Japan model")
    p.add_argument("--out", type=Path, default=Path("reports"),
                   help="output folder (default: reports)")
    p.add_argument("--pdf", action="store_true", help="also print the brief to PDF "
                   "(needs Chromium)")
    p.add_argument("--pareto-points", type=_pareto_points, default=11,
                   help=f"points per Pareto sweep, 2 to {MAX_PARETO_POINTS} (0 = no sweep)")
    p.add_argument("--no-reports", action="store_true", help="write the results (JSON) only")
    p.add_argument("--workers", type=whole_number(1, MAX_WORKERS), default=None,
                   help="solve the policy cases on a Dask LocalCluster of this many "
                        "worker processes; 1 = all in this process (default: one forked "
                        "process per core, each solving whole policy cases)")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="solve the policy cases on an existing Dask scheduler")
    p.set_defaults(func=cmd_run)


def _add_sweep(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("sweep", help="sample uncertain inputs (the Sampling sheet), solve the "
                       "policy cases in every world, report distributions and sensitivity")
    p.add_argument("input", nargs="?", help="workbook or model with a Sampling sheet or "
                   "[[sampling]] table; default: the default model")
    p.add_argument("--samples", type=whole_number(1, MAX_SAMPLES), default=1000,
                   help="worlds to draw")
    p.add_argument("--seed", type=whole_number(0, 2**63 - 1), default=1,
                   help="random seed (same seed, same "
                   "numbers)")
    p.add_argument("--cases", nargs="+", metavar="CASE", help="only these policy cases")
    p.add_argument("--workers", type=whole_number(1, MAX_WORKERS), default=None,
                   help="Dask worker processes (default: one per core; 1 = in-process)")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="submit to an existing Dask scheduler, e.g. tcp://host:8786")
    p.add_argument("--alpha", type=_level, default=0.95, help="CVaR level (0-1)")
    p.add_argument("--floor", type=_level, default=0.9, help="served-share floor for cases "
                   "that set no min_served_share")
    p.add_argument("--out", type=Path, default=Path("reports"), help="output folder")
    p.set_defaults(func=cmd_sweep)


def _level(text: str) -> float:
    """A number strictly between 0 and 1 (argparse type)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0.0 < value < 1.0:
        raise argparse.ArgumentTypeError(f"{value:g} must be above 0 and below 1")
    return value


GC_THRESHOLD = 50_000  # objects allocated between young-generation collections (CPython: 700)
MAX_PARETO_POINTS = 101
"""Most points per Pareto sweep: a cap on China's share every percentage point."""
YEAR_LOW, YEAR_HIGH = 1900, 2100
MAX_SAMPLES, MAX_WORKERS = 10_000_000, 4096  # worlds per sweep, Dask workers


def whole_number(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number from ``low`` to ``high``, refused otherwise."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{text} is out of range: give a whole number "
                                             f"between {low} and {high}")
        return value
    return parse


def _pareto_points(text: str) -> int:
    """Points per Pareto sweep: 0 (no sweep) or 2 to :data:`MAX_PARETO_POINTS`."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{value} is negative; give 0 (no sweep) or 2 to "
                                         f"{MAX_PARETO_POINTS}")
    if value == 1:
        raise argparse.ArgumentTypeError("a sweep needs at least 2 points (its two ends); "
                                         "give 0 for no sweep")
    if value > MAX_PARETO_POINTS:
        raise argparse.ArgumentTypeError(f"{text} points: give at most {MAX_PARETO_POINTS} "
                                         "(a cap every percentage point)")
    return value


def _add_schema(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("schema", help="what an input workbook holds: sheets, columns, "
                       "units and rules")
    p.set_defaults(func=cmd_schema)


def _add_datasets(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("datasets", help="for maintainers: rebuild or check the embedded "
                       "dataset")
    p.add_argument("action", choices=["build", "check"],
                   help="build: regenerate datasets/*.csv from datasets/raw; "
                        "check: validate the committed CSVs")
    p.set_defaults(func=cmd_datasets)


DESCRIPTION = """\
See where the UK and Japan depend on concentrated critical-mineral supply chains
(mine -> refine -> manufacture), and which sourcing portfolio, stockpile or cap
reduces that dependence at what cost."""
EPILOG = """\
start here:
  toolkit metrics                  China's share, concentration, import reliance and
                                   the top chokepoints per mineral and stage
  toolkit run --pdf                solve the default UK-Japan model; writes to reports/
                                   a policy brief (open <name>.html or .pdf first),
                                   an Excel report (<name>.xlsx) and the results (.json)
  toolkit template my.xlsx         an input workbook to edit, then
  toolkit validate my.xlsx         check it, and  toolkit run my.xlsx

exit status: 0 done, 2 bad input (every problem is listed), 3 a policy case cannot be
met (the brief says why), 1 anything else.  'toolkit COMMAND --help' for details."""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(prog="toolkit", description=DESCRIPTION, epilog=EPILOG,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"toolkit {__version__}")
    verbosity = parser.add_mutually_exclusive_group()
    verbosity.add_argument("-q", "--quiet", action="store_true", help="no progress output")
    verbosity.add_argument("-v", "--verbose", action="store_true", help="more detail")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND",
                                title="commands")
    for add in (_add_metrics, _add_template, _add_validate, _add_run, _add_sweep,
                _add_schema, _add_datasets):
        add(sub)
    for command in sub.choices.values():
        _add_verbosity(command)
    return parser


def _add_verbosity(command: argparse.ArgumentParser) -> None:
    """Accept -q/-v after the subcommand too (``toolkit run -q``)."""
    group = command.add_mutually_exclusive_group()
    group.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS,
                       help="no progress output")
    group.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS,
                       help="more detail")


def check_out_dir(out: Path | None) -> None:
    """Fail early, before any work, when the output folder cannot be used."""
    if out is None:
        return
    if out.exists() and not out.is_dir():
        raise InputError(Problem(str(out), "--out must be a folder, but a file has this name"))
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(Problem(str(out), f"--out folder cannot be created: "
                                 f"{exc.strerror or exc}")) from None
    if not os.access(out, os.W_OK | os.X_OK):
        raise InputError(Problem(str(out), "--out folder is not writable"))


def cmd_metrics(args: argparse.Namespace) -> int:
    """``toolkit metrics``: print (and optionally write) the concentration table."""
    from toolkit.io.inputs import load_input
    from toolkit.io.lock import out_lock
    from toolkit.metrics_view import metrics_command

    check_out_dir(args.out)
    with out_lock(args.out) if args.out else contextlib.nullcontext():
        chain = load_input(args.input)
        return metrics_command(chain, args, sys.stdout)


def cmd_template(args: argparse.Namespace) -> int:
    """``toolkit template OUT.xlsx``: write the pre-filled input workbook."""
    from toolkit.io.excel_template import write_template
    from toolkit.io.inputs import load_default

    if args.output.exists() and not args.force:
        raise InputError("already exists; use --force to overwrite it", str(args.output))
    write_template(args.output, load_default(), force=args.force)
    _say(args, f"wrote {args.output}")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    """``toolkit validate INPUT``: exit 0 when valid, 2 listing every problem otherwise."""
    from toolkit.io.inputs import load_input
    from toolkit.policy import resolve_cases
    from toolkit.reach import case_year_problems

    chain = load_input(args.input)
    problems = case_year_problems(chain, resolve_cases(chain))
    if problems:
        raise InputError(problems)
    counts = (len(chain.minerals), len(chain.countries), len(chain.supply), len(chain.demand))
    _say(args, f"{args.input}: valid ({counts[0]} minerals, {counts[1]} countries, "
               f"{counts[2]} supply rows, {counts[3]} demand rows)")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    """``toolkit run``: solve every policy case and write the results."""
    from toolkit.io.lock import out_lock
    from toolkit.pipeline import run_command

    check_out_dir(args.out)
    check_not_overwriting_input(args.input, args.out, ["json"] + (
        [] if args.no_reports else ["xlsx", "html"] + (["pdf"] if args.pdf else [])))
    with out_lock(args.out):
        return run_command(args)


def check_not_overwriting_input(source: str | None, out: Path, kinds: list[str]) -> None:
    """Refuse, before any work, a run whose outputs (``<input stem>.<kind>`` in ``out``)
    would replace the input file itself: inputs are never modified."""
    if source is None:
        return
    given = Path(source).resolve()
    for ext in kinds:
        target = (out / f"{Path(source).stem}.{ext}").resolve()
        if target == given:
            raise InputError(Problem(str(source), f"the report {out / target.name} would "
                                     "replace this input file; write the outputs to another "
                                     "folder (e.g. --out reports)"))


def cmd_sweep(args: argparse.Namespace) -> int:
    """``toolkit sweep``: sampled worlds, distributions and sensitivity."""
    from toolkit.sweep.command import sweep_command

    check_out_dir(args.out)
    return sweep_command(args)


def cmd_schema(args: argparse.Namespace) -> int:
    """``toolkit schema``: the workbook contract as a Markdown table."""
    from toolkit.schema import SETTINGS, documentation_rows

    print("# Input workbook contract\n\nGenerated by `toolkit schema > docs/WORKBOOK.md` from "
          "`toolkit/schema.py`, the single declaration that\nalso drives validation and the "
          "Excel template. Do not edit by hand.\n")
    print("| sheet | column | type | unit | required | allowed | description |")
    print("|---|---|---|---|---|---|---|")
    for r in documentation_rows():
        print(f"| {r.sheet} | {r.column} | {r.kind} | {r.unit} | {r.required} | "
              f"{r.allowed} | {r.description} |")
    print("\n## Policy settings (`Policy` sheet, column `setting`)\n")
    print("| setting | unit | default | allowed | scoped by | description |")
    print("|---|---|---|---|---|---|")
    for s in SETTINGS:
        allowed = ", ".join(s.allowed) if s.allowed else _bounds_text(s.low, s.high)
        default = "" if s.default is None else s.default
        print(f"| {s.name} | {s.unit} | {default} | {allowed} | "
              f"{', '.join(s.scoped_by) or '(global)'} | {s.description} |")
    return 0


def _bounds_text(low: float | None, high: float | None) -> str:
    parts = [f">= {low:g}" if low is not None else "", f"<= {high:g}" if high is not None
             else ""]
    return " and ".join(p for p in parts if p)


def cmd_datasets(args: argparse.Namespace) -> int:
    """``toolkit datasets build|check``."""
    from toolkit.io.datasets import datasets_dir, load_tables

    if args.action == "build":
        from toolkit.datasets_build import write_all

        write_all(datasets_dir() / "raw", datasets_dir())
        _say(args, f"rebuilt {datasets_dir()}")
        return 0
    tables = load_tables()
    _say(args, f"{len(tables)} dataset files valid in {datasets_dir()}")
    return 0


def _say(args: argparse.Namespace, text: str) -> None:
    if not getattr(args, "quiet", False):
        print(text)


def _report(error: ToolkitError) -> None:
    problems = getattr(error, "problems", None)
    lines = [str(p) for p in problems] if problems else [str(error)]
    for line in lines:
        print(f"error: {line}", file=sys.stderr)
    if isinstance(error, InputError) and len(lines) > 1:
        print(f"{len(lines)} problems found", file=sys.stderr)


_HANDLER_PID = {"pid": None}  # the process that installed _terminate


def _terminate(signum: int, _frame: object) -> None:
    from toolkit.io.atomic import committing

    if os.getpid() != _HANDLER_PID["pid"]:  # a forked worker before its own set-up
        os._exit(128 + signum)
    if committing():  # the outputs are being renamed into place: the run completes
        return
    raise Terminated(signum)


@contextlib.contextmanager
def _signals_unwind(then: object = None) -> Iterator[None]:
    """SIGTERM and SIGHUP unwind like Ctrl-C (temporary files removed, earlier outputs
    kept) instead of killing the process mid-write; the old handlers come back after
    (or ``then``, e.g. ``signal.SIG_IGN``, when the process ends next)."""
    names = [n for n in ("SIGTERM", "SIGHUP") if hasattr(signal, n)]
    old = {}
    _HANDLER_PID["pid"] = os.getpid()
    with contextlib.suppress(ValueError):  # not the main thread: leave signals alone
        for name in names:
            number = getattr(signal, name)
            old[number] = signal.signal(number, _terminate)
    try:
        yield
    finally:
        for number, handler in old.items():
            signal.signal(number, handler if then is None else then)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``toolkit`` console script.

    Called without ``argv`` (the program itself: the console script, ``python -m
    toolkit``), the process ends when main returns: SIGTERM and SIGHUP are then ignored
    after the command instead of restored, so a signal while the interpreter shuts down
    cannot turn a finished run's exit status into "killed".  The program then ends at
    once (:func:`os._exit`, output flushed) instead of tearing the interpreter down
    object by object, which took 0.3 s after a peer-size run; every output is written,
    renamed and closed by then, and no exit handler of the toolkit's is left to run.
    Under a profiler or tracer (``python -m cProfile``, coverage) it returns normally,
    so they can write their results.
    """
    status = _main(argv)
    if argv is None and sys.getprofile() is None and sys.gettrace() is None:
        with contextlib.suppress(OSError, ValueError):  # a closed or broken pipe
            sys.stdout.flush()
        with contextlib.suppress(OSError, ValueError):
            sys.stderr.flush()
        os._exit(status)
    return status


def _main(argv: Sequence[str] | None) -> int:
    args = build_parser().parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    # a run makes millions of short-lived objects (model rows, table cells) and keeps few
    # cycles: collect the youngest generation less often (memory is still freed by
    # reference counting as soon as an object is unused)
    gc.set_threshold(GC_THRESHOLD, 20, 20)
    try:
        with _signals_unwind(signal.SIG_IGN if argv is None else None):
            status = func(args)
        sys.stdout.flush()
        return status
    except ToolkitError as exc:
        _report(exc)
        return exc.exit_status
    except Terminated as exc:
        print(f"terminated by signal {exc.signum}; no report was replaced", file=sys.stderr)
        return 128 + exc.signum
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head`: not an error
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - last resort: no traceback for users
        if os.environ.get("TOOLKIT_DEBUG"):
            raise
        print(f"error: unexpected {type(exc).__name__}: {exc} "
              "(set TOOLKIT_DEBUG=1 for details)", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
