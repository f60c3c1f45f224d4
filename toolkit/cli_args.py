"""The command line's arguments: one ``_add_<command>`` per subcommand, their value
types (whole numbers in a range, Pareto points, verbosity) and :func:`build_parser`."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from toolkit import __version__


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


def _add_template(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("template", help="write an input workbook pre-filled with the "
                       "embedded dataset and default model")
    p.add_argument("output", type=Path)
    p.add_argument("--force", action="store_true", help="overwrite an existing file")


def _add_validate(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("validate", help="check an input workbook or model file and list "
                       "every problem (sheet, row, column)")
    p.add_argument("input")


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
                   help=f"points per Pareto sweep, 2 to {MAX_PARETO_POINTS} (0 = no "
                   "sweeps and no bid-premium sensitivity: faster, but the brief then has no "
                   "cost-of-cap findings)")
    p.add_argument("--no-reports", action="store_true", help="write the results (JSON) only")
    p.add_argument("--workers", type=whole_number(1, MAX_WORKERS), default=None,
                   help="solve the policy cases on a Dask LocalCluster of this many "
                        "worker processes; 1 = all in this process (default: one forked "
                        "process per core, each solving whole policy cases)")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="solve the policy cases on an existing Dask scheduler")


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


def _level(text: str) -> float:
    """A number strictly between 0 and 1 (argparse type)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0.0 < value < 1.0:
        raise argparse.ArgumentTypeError(f"{value:g} must be above 0 and below 1")
    return value


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
    sub.add_parser("schema", help="what an input workbook holds: sheets, columns, "
                       "units and rules")


def _add_datasets(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("datasets", help="for maintainers: rebuild or check the embedded "
                       "dataset")
    p.add_argument("action", choices=["build", "check"],
                   help="build: regenerate datasets/*.csv from datasets/raw; "
                        "check: validate the committed CSVs")


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
