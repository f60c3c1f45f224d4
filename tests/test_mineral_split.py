"""A lone single-year case solved by several processes, its minerals shared out
(:mod:`toolkit.sweep.mineral_split`), gives exactly the one-process numbers; a failure
in any process is raised in the parent and leaves no process behind.

Each check runs in a fresh interpreter: the processes are forked, and a fork is made
only where no other thread runs.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from toolkit.sweep.execute import can_fork
from toolkit.sweep.mineral_split import shares

ROOT = Path(__file__).resolve().parents[1]

SETUP = """
import multiprocessing, os
from bench.bench_helpers import peer_chain
from toolkit import pipeline
from toolkit.io.inputs import load_default
from toolkit.results import run_result
from toolkit.sweep import mineral_split

splits = []
real = pipeline.solve_case_split
pipeline.solve_case_split = lambda *a: splits.append(a[3]) or real(*a)


def one_case(chain, name):
    keep = chain.policy["case"].fillna("").isin(["", name])
    return chain.with_tables(policy=chain.policy[keep])
"""

SAME = SETUP + """
peer = peer_chain(minerals=7, mine=6, refine=5, scenarios=8, seed=4)
default = one_case(load_default(), "China cap 60 % + joint stockpile")
for chain, points in ((peer, 4), (default, 3)):
    here = run_result(pipeline.run_model(chain, pareto_points=points), "m", None)
    for processes in (2, 3):
        there = run_result(pipeline.run_model(chain, pareto_points=points,
                                              processes=processes), "m", None)
        assert here == there, processes
    assert here["cases"][0]["status"] in ("optimal", "infeasible")
default_rows = here
assert any(r["bid_t"] for r in default_rows["cases"][0]["bid_sensitivity"]), "no bids"
assert splits == [2, 3, 2, 3], splits
assert multiprocessing.active_children() == []
print("same")
"""

FAILS = SETUP + """
chain = peer_chain(minerals=4, mine=4, refine=3, scenarios=3, seed=2)
first = sorted(chain.mineral_ids)[0]
real_part = mineral_split.solve_part


def failing(at_year, case, points, progress, minerals, agree):
    if first not in minerals and os.environ["HOW"] == "raise":
        raise ValueError("boom in a child")
    if first not in minerals and os.environ["HOW"] == "unpicklable":
        from toolkit.errors import OutputError
        raise OutputError("out.xlsx", "disk full")  # pickles, but does not unpickle
    if first not in minerals:
        os._exit(7)
    return real_part(at_year, case, points, progress, minerals, agree)


mineral_split.solve_part = failing
try:
    pipeline.run_model(chain, pareto_points=2, processes=2)
except ValueError as exc:
    print("raised", exc)
except mineral_split.SplitError as exc:
    print("split error", exc)
except RuntimeError as exc:
    print("runtime error", exc)
assert multiprocessing.active_children() == []
"""


def _run(code: str, **env: str) -> subprocess.CompletedProcess:
    import os

    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, text=True,
                          capture_output=True, timeout=600, env={**os.environ, **env})


needs_fork = pytest.mark.skipif(not can_fork(), reason="this platform cannot fork")


@needs_fork
def test_shared_out_minerals_give_the_one_process_result():
    done = _run(SAME)
    assert done.returncode == 0 and done.stdout.strip() == "same", done.stderr[-3000:]


@needs_fork
def test_a_child_exception_is_raised_in_the_parent():
    done = _run(FAILS, HOW="raise")
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip() == "raised boom in a child"


@needs_fork
def test_a_child_that_dies_is_an_error_not_a_hang():
    done = _run(FAILS, HOW="exit")
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.startswith("split error") and "exit status 7" in done.stdout


def test_minerals_are_dealt_round_robin():
    assert shares(["a", "b", "c", "d", "e"], 2) == [{"a", "c", "e"}, {"b", "d"}]
    assert shares(["a", "b"], 4) == [{"a"}, {"b"}]


@needs_fork
def test_a_child_exception_that_cannot_be_rebuilt_still_names_itself():
    done = _run(FAILS, HOW="unpicklable")
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.startswith("runtime error OutputError: out.xlsx"), done.stdout
