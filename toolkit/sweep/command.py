"""``toolkit sweep``: sample worlds, solve the policy cases in each, write the reports."""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from toolkit import __version__
from toolkit.io.inputs import load_default, load_input
from toolkit.pipeline import make_progress, model_name
from toolkit.reports.provenance import subject
from toolkit.reports.sweep import write_sweep_reports
from toolkit.sweep.run import sweep
from toolkit.sweep.summary import summarise, worlds_table


def progress_bar(quiet: bool, stream=None):
    """A one-line bar of finished tasks on a terminal; silent otherwise."""
    show = make_progress(quiet, stream)

    def bar(done: int, total: int) -> None:
        filled = int(30 * done / total) if total else 30
        show(f"sweep: [{'#' * filled}{'.' * (30 - filled)}] {done}/{total} tasks")

    return bar


def sweep_command(args: argparse.Namespace) -> int:
    """Run ``toolkit sweep`` with parsed arguments; return the exit status."""
    start = time.perf_counter()
    quiet = bool(getattr(args, "quiet", False))
    chain = load_input(args.input) if args.input is not None else load_default()
    name = model_name(chain, args.input)
    result = sweep(chain, args.samples, args.seed, args.cases, args.workers, args.scheduler,
                   args.floor, progress_bar(quiet))
    make_progress(quiet)("")
    summary = summarise(result, args.alpha)
    meta = {"input": str(args.input) if args.input is not None else "default model",
            "run_timestamp": datetime.now(UTC).replace(microsecond=0).isoformat(),
            "run_seconds": round(time.perf_counter() - start, 1),
            "toolkit_version": __version__,
            "about": subject({"chain": chain, "input_path": args.input}, name)}
    written = write_sweep_reports(summary, worlds_table(result), meta, Path(args.out), name)
    if not quiet:
        for path in written:
            print(f"wrote {path}")
        print(f"{args.samples:,} worlds x {len(result.cases)} cases in "
              f"{time.perf_counter() - start:.0f} s ({result.workers})", file=sys.stderr)
    return 0
