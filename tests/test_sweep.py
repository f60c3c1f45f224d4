"""``toolkit sweep``: seeded draws, one-point worlds equal plain runs, worker counts agree.

The plain runs below are built by hand from the contract of each sampled input
(docs/OPTIMIZATION.md, "Sweeps"): an export restriction is one more Disruptions row;
demand growth multiplies the UK and Japan's demand and takes the same tonnes off the
market buyers; a bid-premium multiplier scales the case's premium; a spot share replaces
the case's.  They are solved by the ordinary run path (``solve_mode`` and the
rationing of independent plans), never by the sweep's re-solves.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from tests.chains import frame
from tests.optimize_chains import disruptions, policy
from toolkit.chain import blank_chain
from toolkit.errors import InputError
from toolkit.optimize.cooperation import (
    pooled_worst_served_share,
    realisable_independent,
    solve_mode,
)
from toolkit.policy import resolve_cases
from toolkit.sampling import check_sampling, draw, uncertain_inputs
from toolkit.schema import SAMPLING
from toolkit.sweep import run as sweep_run
from toolkit.sweep.run import sweep
from toolkit.sweep.summary import cvar, distribution
from toolkit.sweep.world import scenario_name
from toolkit.validate import Where

SAMPLING_COLS = list(SAMPLING.names)


def sampling(*rows: dict) -> pd.DataFrame:
    """Sampling rows with blanks for the columns a row does not give."""
    blank = {c: "" for c in SAMPLING_COLS} | {"mineral": "*", "probability": None,
                                              "low": None, "mode": None, "high": None}
    return pd.DataFrame([blank | r for r in rows], columns=SAMPLING_COLS)


SUPPLY = [("mine", "CHN", 120.0, 10.0, 100.0), ("mine", "AUS", 60.0, 12.0, 50.0),
          ("refine", "CHN", 130.0, 3.0, 110.0), ("refine", "CAN", 50.0, 5.0, 40.0)]
DEMAND = {"ROW": 100.0, "GBR": 20.0, "JPN": 20.0}
CASES = (("mode", "independent", "", "", "", "alone"),
         ("mode", "joint", "", "", "", "together"),
         ("min_served_share", 0.6, "", "", "", "together"),
         ("stockpile_cost_share", 0.1, "", "", "", "together"),
         ("max_china_share", 0.7, "", "", "", "together"))
COMMON = (("bid_premium", 0.5), ("spot_share", 0.2), ("shortfall_cost_multiple", 5))


def small_chain(demand: dict[str, float] | None = None, extra_policy: tuple = (),
                extra_disruptions: tuple = (), sample: pd.DataFrame | None = None):
    """Two stages, one mineral, market buyer ROW and planned GBR and JPN; two cases."""
    demand = demand or DEMAND
    countries = sorted({r[1] for r in SUPPLY} | set(demand) | {"GBR", "JPN"})
    dis = [("CHN export stop", "x", "mine", "CHN", 0.5, 0.1), *extra_disruptions]
    return blank_chain(
        minerals=frame("mineral name unit content_basis", [("x", "X", "t", "")]),
        countries=frame("country name wgi partner",
                        [(c, c, 0.0, c in ("AUS", "CAN")) for c in countries]),
        supply=frame("mineral stage country capacity_t unit_cost_usd_per_t year production_t",
                     [("x", st, c, cap, cost, 2024.0, prod) for st, c, cap, cost, prod in SUPPLY]),
        demand=frame("buyer mineral demand_t sector",
                     [(b, "x", t, "all") for b, t in demand.items()]),
        disruptions=disruptions(*dis),
        policy=policy(*COMMON, *extra_policy, *CASES),
        sampling=sampling() .iloc[0:0] if sample is None else sample)


RESTRICTION = {"input": "export_restriction", "country": "CHN", "stage": "refine",
               "mineral": "x", "probability": 0.2}


def varying() -> pd.DataFrame:
    return sampling(
        RESTRICTION | {"distribution": "triangular", "low": 0.1, "mode": 0.4, "high": 0.9},
        {"input": "bid_premium", "distribution": "uniform", "low": 0.5, "high": 2.0,
         "basis": "multiplier"},
        {"input": "demand_growth", "distribution": "uniform", "low": -0.2, "high": 0.3},
        {"input": "spot_share", "distribution": "triangular", "low": 0.05, "mode": 0.2,
         "high": 0.4})


def fixed(loss: float, mult: float, growth: float, spot: float) -> pd.DataFrame:
    return sampling(
        RESTRICTION | {"distribution": "fixed", "mode": loss},
        {"input": "bid_premium", "distribution": "fixed", "mode": mult, "basis": "multiplier"},
        {"input": "demand_growth", "distribution": "fixed", "mode": growth},
        {"input": "spot_share", "distribution": "fixed", "mode": spot})


def plain_run(loss: float, mult: float, growth: float, spot: float) -> dict[str, tuple]:
    """(cost, worst served share, China's refine share) per case, by the run path, for
    the chain the sampled world describes."""
    planned = DEMAND["GBR"] + DEMAND["JPN"]
    demand = {"ROW": DEMAND["ROW"] - growth * planned,
              "GBR": DEMAND["GBR"] * (1 + growth), "JPN": DEMAND["JPN"] * (1 + growth)}
    name = scenario_name(uncertain_inputs(fixed(loss, mult, growth, spot))[0])
    chain = small_chain(demand, (("bid_premium", 0.5 * mult), ("spot_share", spot)),
                        ((name, "x", "refine", "CHN", loss, 0.2),)).at_year(None)
    out = {}
    for case in resolve_cases(chain):
        plans = solve_mode(chain, case, case.mode)
        if case.mode == "independent":
            plans = realisable_independent(plans)[0]
        group = plans["x"]
        d = group[0].data
        china = np.flatnonzero(d.china & (d.node_stage == 1))
        share = sum(p.node_flow[:, china].sum() for p in group) / sum(
            p.data.demand_t.sum() for p in group)
        out[case.name] = (sum(p.objective_usd for p in group),
                          pooled_worst_served_share(group), float(share))
    return out


@pytest.mark.parametrize("world", [(0.6, 1.0, 0.0, 0.2), (0.3, 2.0, 0.15, 0.1),
                                   (0.9, 0.5, -0.1, 0.35)])
def test_a_one_point_distribution_equals_the_plain_run(world):
    expected = plain_run(*world)
    result = sweep(small_chain(sample=fixed(*world)), samples=3, seed=7, workers=1)
    for case in result.cases:
        cost, served, china = expected[case.name]
        assert case.met.all()
        assert case.cost_usd == pytest.approx([cost] * 3, rel=1e-7)
        assert case.served_share == pytest.approx([served] * 3, abs=1e-7)
        assert case.china_share[:, 1] == pytest.approx([china] * 3, abs=1e-7)


def test_one_and_two_workers_give_identical_numbers(monkeypatch):
    monkeypatch.setattr(sweep_run, "CHUNK", 3)  # several tasks per (case, mineral)
    chain = small_chain(sample=varying())
    one = sweep(chain, samples=8, seed=11, workers=1)
    two = sweep(chain, samples=8, seed=11, workers=2)
    assert np.array_equal(one.values, two.values)
    for a, b in zip(one.cases, two.cases, strict=True):
        for field in ("met", "cost_usd", "served_share", "china_share"):
            assert np.array_equal(getattr(a, field), getattr(b, field), equal_nan=True)
    assert len({round(float(c), 6) for c in one.cases[0].cost_usd}) > 1  # worlds differ


def test_same_seed_same_worlds_and_world_i_does_not_depend_on_n():
    inputs = uncertain_inputs(varying())
    a, b = draw(inputs, 50, seed=5), draw(inputs, 50, seed=5)
    assert np.array_equal(a, b)
    assert not np.array_equal(a, draw(inputs, 50, seed=6))
    assert np.array_equal(a[17:20], draw(inputs, 3, seed=5, start=17))
    assert np.array_equal(a[:10], draw(inputs, 10, seed=5))
    low, high = np.array([0.1, 0.5, -0.2, 0.05]), np.array([0.9, 2.0, 0.3, 0.4])
    assert (a >= low).all() and (a <= high).all()


def test_inverse_cdfs_by_hand():
    x = uncertain_inputs(sampling(
        {"input": "spot_share", "distribution": "triangular", "low": 0.2, "mode": 0.4,
         "high": 1.0}))[0]
    # F(c) = (c-a)/(b-a) = 0.25: at u = 0.25 the value is the mode; left branch at
    # u = 1/16: a + sqrt(u (b-a)(c-a)) = 0.2 + sqrt(0.01) = 0.3; right branch at
    # u = 0.8125: b - sqrt((1-u)(b-a)(b-c)) = 1 - sqrt(0.09) = 0.7
    assert x.value(np.array([0.25, 1 / 16, 0.8125, 1.0])) == pytest.approx(
        [0.4, 0.3, 0.7, 1.0])
    u = uncertain_inputs(sampling({"input": "demand_growth", "distribution": "uniform",
                                   "low": -0.1, "high": 0.3}))[0]
    assert u.value(np.array([0.25])) == pytest.approx([0.0])


def test_cvar_is_the_mean_of_the_worst_tail():
    x = np.arange(1.0, 21.0)
    assert cvar(x, 0.9) == pytest.approx(19.5)          # mean of the top 2 of 20
    assert cvar(x, 0.95) == pytest.approx(20.0)
    d = distribution(x, 0.9, high_is_bad=False)         # low is bad: mean of 1 and 2
    assert d["cvar"] == pytest.approx(1.5) and d["mean"] == pytest.approx(10.5)
    assert d["p50"] == pytest.approx(10.5)


def test_a_reversed_range_names_low_and_high_only_and_a_mode_outside_names_mode():
    where = Where("model.toml", "sampling", 1)
    uniform = {"input": "spot_share", "distribution": "uniform", "low": 0.3, "high": 0.2}
    (p,) = check_sampling(sampling(uniform), where)
    assert (p.rule, p.column, p.value) == ("needs low <= high (low 0.3, high 0.2)", "high",
                                           0.2)
    triangular = uniform | {"distribution": "triangular", "mode": 0.25}
    assert check_sampling(sampling(triangular), where)[0].rule.startswith("needs low <= high")
    outside = triangular | {"low": 0.1, "mode": 0.35}
    (p,) = check_sampling(sampling(outside), where)
    assert (p.column, p.value) == ("mode", 0.35) and "mode 0.35" in p.rule


@pytest.mark.parametrize("row, rule", [
    ({"input": "export_restriction", "country": "CHN", "probability": 0.1,
      "distribution": "triangular", "low": 0.5, "mode": 0.2, "high": 0.9},
     "low <= mode <= high"),
    ({"input": "export_restriction", "country": "CHN", "distribution": "fixed", "mode": 0.5},
     "yearly probability"),
    ({"input": "export_restriction", "probability": 0.1, "distribution": "fixed", "mode": 0.5},
     "restricting country"),
    ({"input": "export_restriction", "country": "CHN", "probability": 0.1,
      "distribution": "uniform", "low": 0.2, "high": 1.5}, "share of capacity lost"),
    ({"input": "bid_premium", "country": "CHN", "distribution": "fixed", "mode": 1.0},
     "export_restriction rows only"),
    ({"input": "demand_growth", "distribution": "uniform", "low": -1.0, "high": 0.2},
     "above -1"),
    ({"input": "spot_share", "distribution": "uniform", "low": 0.1}, "needs high"),
    ({"input": "spot_share", "distribution": "fixed", "low": 0.1, "high": 0.2},
     "one value"),
])
def test_bad_sampling_rows_are_named(row, rule):
    table = sampling(row)
    problems = check_sampling(table, Where("model.toml", "sampling", 1))
    assert problems and rule in problems[0].rule
    assert problems[0].row == 1 and problems[0].sheet == "sampling"


def test_a_sweep_without_sampling_or_with_too_much_probability_is_an_input_error():
    with pytest.raises(InputError, match="no Sampling sheet"):
        sweep(small_chain(), samples=2, seed=1, workers=1)
    heavy = sampling(RESTRICTION | {"probability": 0.95, "distribution": "fixed", "mode": 0.5})
    with pytest.raises(InputError, match="summing to"):
        sweep(small_chain(sample=heavy), samples=2, seed=1, workers=1)


def test_sampled_spot_share_needs_spot_purchases():
    chain = small_chain(extra_policy=(("spot_share", 0.0),),
                        sample=sampling({"input": "spot_share", "distribution": "fixed",
                                         "mode": 0.3}))
    with pytest.raises(InputError, match="buys no spot"):
        sweep(chain, samples=2, seed=1, workers=1)


def test_probability_of_meeting_the_floor_counts_worlds():
    result = sweep(small_chain(sample=varying()), samples=6, seed=3, workers=1)
    together = next(c for c in result.cases if c.name == "together")
    alone = next(c for c in result.cases if c.name == "alone")
    assert together.floor == 0.6 and together.floor_from_case
    assert alone.floor == 0.9 and not alone.floor_from_case
    expected = [bool(m and s >= 0.9 - 1e-9) for m, s in zip(alone.met, alone.served_share,
                                                             strict=True)]
    assert alone.meets_floor.tolist() == expected
    assert math.isclose(float(together.meets_floor.mean()),
                        float((together.met & (together.served_share >= 0.6 - 1e-9)).mean()))


def test_the_cli_writes_the_sweep_reports_from_a_workbook(tmp_path, capsys):
    import json

    from toolkit.cli import main
    from toolkit.io.excel_template import write_template
    from toolkit.io.inputs import load_input

    book = tmp_path / "small.xlsx"
    write_template(book, small_chain(sample=varying()))
    back = load_input(book).sampling
    assert back["input"].tolist() == varying()["input"].tolist()
    assert back["high"].tolist() == pytest.approx([0.9, 2.0, 0.3, 0.4])
    out = tmp_path / "out"
    assert main(["sweep", str(book), "--samples", "4", "--seed", "2", "--workers", "1",
                 "--out", str(out), "-q"]) == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == [f"small_sweep.{e}" for e in ("csv", "html", "json", "xlsx")]
    doc = json.loads((out / "small_sweep.json").read_text())
    assert doc["samples"] == 4 and doc["seed"] == 2 and len(doc["inputs"]) == 4
    assert [c["case"] for c in doc["cases"]] == ["alone", "together"]
    worlds = pd.read_csv(out / "small_sweep.csv")
    assert len(worlds) == 8 and set(worlds["case"]) == {"alone", "together"}
    from tests.test_reports_words import problems

    page = (out / "small_sweep.html").read_text(encoding="utf-8")
    assert problems(page, tmp_path) == []  # no ids, no path, no seconds-precise time
    assert "<h1>Sampled disruptions: how the policy cases hold up — small</h1>" in page
    assert "<h3>alone: annual cost</h3>" in page and "<h3>together: worst served share</h3>" \
        in page  # each tornado's case and output in the text, not only in its picture
    capsys.readouterr()
    assert main(["sweep", str(book), "--cases", "nope", "--samples", "2", "--workers", "1",
                 "--out", str(out), "-q"]) == 2
    assert "unknown case 'nope'" in capsys.readouterr().err


def test_every_re_solved_world_equals_the_highspy_reference_built_from_its_arrays():
    from toolkit.optimize.reference import solve_reference
    from toolkit.sweep.worker import instances
    from toolkit.sweep.world import with_restrictions, world_data

    chain = small_chain(sample=varying())
    result = sweep(chain, samples=6, seed=4, workers=1)
    inputs = uncertain_inputs(chain.sampling)
    structural = with_restrictions(chain, inputs)
    case = next(c for c in resolve_cases(structural) if c.name == "together")
    [base] = instances(structural.at_year(None), case, "x")
    together = next(c for c in result.cases if c.name == "together")
    for i in range(6):
        data, scale = world_data(base, inputs, result.values[i])
        status, objective = solve_reference(data)
        assert status == ("optimal" if together.met[i] else "infeasible")
        if together.met[i]:
            assert together.cost_usd[i] == pytest.approx(scale * objective, rel=1e-7)


def test_toolkit_run_with_dask_workers_gives_the_in_process_result():
    from toolkit.pipeline import run_model
    from toolkit.results import run_result

    chain = small_chain()
    here = run_result(run_model(chain, pareto_points=3), "small", None)
    there = run_result(run_model(chain, pareto_points=3, workers=2), "small", None)
    assert [c["objective_usd"] for c in here["cases"]] == [
        c["objective_usd"] for c in there["cases"]]
    assert here == there


def test_toolkit_run_with_dask_workers_gives_the_in_process_result_over_years():
    from tests.years_chains import years_chain
    from toolkit.pipeline import run_model
    from toolkit.results import run_result

    chain = years_chain([("CHN", 200.0, 4.0), ("AUS", 15.0, 9.0)], {"GBR": 6.0, "JPN": 11.0},
                        "2024,2030", project_rows=(("a", "mine", "AUS", 8, 3, 120, 2030),),
                        policy_rows=(("max_china_share", 0.5, "", "", "", "", "", 2030),))
    here = run_result(run_model(chain, pareto_points=2), "years", None)
    there = run_result(run_model(chain, pareto_points=2, workers=2), "years", None)
    assert here["multi_year"] and here == there


FORKED_CHECK = """
from tests.test_sweep import small_chain
from tests.years_chains import years_chain
from toolkit import pipeline
from toolkit.policy import resolve_cases
from toolkit.results import case_part, run_result

forked = []
real = pipeline.run_forked
pipeline.run_forked = lambda *a: forked.append(a[3]) or real(*a)
years = years_chain([("CHN", 200.0, 4.0), ("AUS", 15.0, 9.0)], {"GBR": 6.0, "JPN": 11.0},
                    "2024,2030", project_rows=(("a", "mine", "AUS", 8, 3, 120, 2030),),
                    policy_rows=(("mode", "joint", "", "", "", "together"),
                                 ("mode", "independent", "", "", "", "alone")))
for chain in (small_chain(), years):
    assert len(resolve_cases(chain)) == 2
    here = run_result(pipeline.run_model(chain, pareto_points=2), "m", None)
    there = run_result(pipeline.run_model(chain, pareto_points=2, processes=2), "m", None)
    assert here == there
    # toolkit run's way: each case's JSON part made on its process, sent back instead
    parts = pipeline.run_model(chain, pareto_points=2, processes=2, keep=case_part)
    assert all(isinstance(p, dict) for p in parts)
    assert run_result(parts, "m", None) == here
assert forked == [2, 2, 2, 2], forked
print("same")
"""


def test_toolkit_run_on_forked_processes_gives_the_in_process_result():
    """In a fresh process (no other threads: the pool forks only then)."""
    import subprocess
    import sys
    from pathlib import Path

    from toolkit.sweep.execute import can_fork

    if not can_fork():
        pytest.skip("this platform cannot fork")
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run([sys.executable, "-c", FORKED_CHECK], cwd=root, text=True,
                          capture_output=True, timeout=600)
    assert done.returncode == 0 and done.stdout.strip() == "same", done.stderr[-2000:]


def test_rows_with_a_bad_input_or_distribution_cell_are_left_to_the_cell_check():
    table = sampling({"input": "abc", "distribution": "fixed", "mode": 1.0},
                     {"input": "spot_share", "distribution": "", "mode": 0.2})
    assert check_sampling(table, Where("book.xlsx", "Sampling", 2)) == []
    from toolkit.sampling import NEEDS, VALUE_RULES
    from toolkit.schema import DISTRIBUTIONS, SAMPLING_INPUTS

    assert set(NEEDS) == set(DISTRIBUTIONS) and set(VALUE_RULES) == set(SAMPLING_INPUTS)


def test_a_case_one_buyer_cannot_meet_costs_what_the_plain_run_says():
    # Japan may take nothing refined in China or Canada (the only refiners): alone, its
    # plan cannot be met while the UK's can.  The sweep's cost of a world where the case
    # is not met counts the UK's plan, as toolkit run's feasible_minerals_cost_usd does.
    from toolkit.pipeline import run_model
    from toolkit.results import run_result

    jpn = tuple(("max_country_share", 0, "refine", "", "JPN", "alone", c)
                for c in ("CHN", "CAN"))
    world = (0.6, 1.0, 0.0, 0.2)
    name = scenario_name(uncertain_inputs(fixed(*world))[0])
    plain = small_chain(DEMAND, (("bid_premium", 0.5), ("spot_share", 0.2), *jpn),
                        ((name, "x", "refine", "CHN", 0.6, 0.2),))
    cases = {c["case"]: c for c in run_result(run_model(plain, pareto_points=0), "t",
                                              None)["cases"]}
    assert cases["alone"]["status"] == "infeasible"
    partial = cases["alone"]["feasible_minerals_cost_usd"]
    assert partial > 0
    result = sweep(small_chain(extra_policy=jpn, sample=fixed(*world)), samples=2, seed=3,
                   workers=1)
    alone = next(c for c in result.cases if c.name == "alone")
    assert not alone.met.any()
    assert alone.cost_usd == pytest.approx([partial] * 2, rel=1e-6)


MEANWHILE_CHECK = """
import os
from toolkit.sweep.execute import run_forked

def square(shared, x):
    return shared * x * x

def fail():
    raise ValueError("metrics failed")

got = []
out = run_forked(square, 2, [(1,), (2,), (3,)], 2, meanwhile=os.getpid, received=got.append)
assert out == [2, 8, 18], out
assert len(got) == 1 and got[0] != os.getpid(), got  # run on a worker, handed back
try:
    run_forked(square, 2, [(1,)], 2, meanwhile=fail, received=got.append)
except ValueError as exc:
    assert "metrics failed" in str(exc)
else:
    raise AssertionError("the failed job raised nothing here")
print("same")
"""


def test_the_meanwhile_job_runs_on_a_worker_and_its_error_is_raised_here():
    """``toolkit run``'s network metrics: one more job after the cases, on the first
    idle case process (in a fresh process: the pool forks only without other threads)."""
    import subprocess
    import sys
    from pathlib import Path

    from toolkit.sweep.execute import can_fork

    if not can_fork():
        pytest.skip("this platform cannot fork")
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run([sys.executable, "-c", MEANWHILE_CHECK], cwd=root, text=True,
                          capture_output=True, timeout=300)
    assert done.returncode == 0 and done.stdout.strip() == "same", done.stderr[-2000:]
