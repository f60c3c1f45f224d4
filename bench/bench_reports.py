"""Bench: the report step of ``toolkit run`` on the default model, in one process.

Solves the default model once, then times, each ``--repeats`` times (wall seconds,
medians printed): network metrics (``concentration_table`` + ``chokepoint_table``, as
:func:`toolkit.pipeline._bundle` computes them), the report tables, the Excel workbook
(built, then saved) and the HTML brief, and the whole :func:`write_reports` call.
``--cache FILE`` keeps the solved result between invocations (a pickle; delete it
after a model change).

Run: ``python bench/bench_reports.py [--repeats 3] [--cache /tmp/default.pkl]``.
Goal (issue 11): metrics + reports well under 3 s, so the whole default run is <= 5 s.
"""

from __future__ import annotations

import argparse
import pickle
import sys
import tempfile
from collections import defaultdict
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pyomo.common.gc_manager import PauseGC  # noqa: E402

from bench.bench_helpers import median, timed  # noqa: E402
from toolkit import pipeline  # noqa: E402
from toolkit.io.inputs import load_default  # noqa: E402
from toolkit.reports import tables_of, write_reports  # noqa: E402
from toolkit.reports.brief import render  # noqa: E402
from toolkit.reports.excel_report import build_workbook, workbook_bytes  # noqa: E402
from toolkit.reports.provenance import run_time  # noqa: E402
from toolkit.results import run_result  # noqa: E402


def solved(cache: Path | None) -> tuple[dict, object]:
    """The default model's run result and chain (from ``cache`` when it exists)."""
    if cache is not None and cache.exists():
        return pickle.loads(cache.read_bytes())
    chain = load_default()
    result = run_result(pipeline.run_model(chain, 11, workers=1), "default", None)
    if cache is not None:
        cache.write_bytes(pickle.dumps((result, chain)))
    return result, chain


def one_repeat(result: dict, chain, out: Path) -> dict[str, float]:
    """Seconds of each report step, once."""
    times: dict[str, float] = {}
    times["metrics"], bundle = timed(lambda: pipeline._bundle(result, chain, None, 0.0))
    with PauseGC():  # as write_reports runs them
        times["tables"], tables = timed(lambda: tables_of(bundle))
        times["workbook build"], book = timed(lambda: build_workbook(tables, bundle, "d"))
        times["workbook save"], _ = timed(partial(workbook_bytes, book, run_time(bundle)))
        times["brief"], _ = timed(lambda: render(tables, bundle, "default"))
    times["write_reports"], _ = timed(lambda: write_reports(bundle, out, "default"))
    times["metrics+write_reports"] = times["metrics"] + times["write_reports"]
    return times


def main() -> None:
    """Parse arguments, measure, print medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--cache", type=Path, default=None)
    args = parser.parse_args()
    result, chain = solved(args.cache)
    steps: dict[str, list[float]] = defaultdict(list)
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.repeats):
            for key, value in one_repeat(result, chain, Path(tmp)).items():
                steps[key].append(value)
    print(f"default model, medians of {args.repeats} repeats (wall seconds):")
    for key, values in steps.items():
        print(f"  {key:22s} {median(values):6.2f} s")
    print("goal: metrics + write_reports well under 3 s")


if __name__ == "__main__":
    main()
