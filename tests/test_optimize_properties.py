"""Properties on seeded random instances, and the Pyomo model vs the highspy reference."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.optimize_chains import data_of, random_chain
from toolkit.io.inputs import load_default
from toolkit.optimize.cooperation import overclaims, solve_mode
from toolkit.optimize.data import prepare
from toolkit.optimize.plan import solve_plan
from toolkit.optimize.reference import solve_reference
from toolkit.policy import resolve_cases

SEEDS = range(8)


@pytest.mark.parametrize("seed", SEEDS)
def test_pyomo_matches_reference_on_random_instances(seed):
    chain = random_chain(seed, stages=2 + seed % 2, spot=seed % 2 == 0, stock=seed % 3 != 0,
                         cvar=seed % 4 == 1)
    for joint in (True, False):
        buyers = None if joint else ("JPN",)
        d = data_of(chain, buyers=buyers, joint=joint)
        plan = solve_plan(d, keep=False)
        status, objective = solve_reference(d)
        assert plan.status == status
        if status == "optimal":
            assert plan.objective_usd == pytest.approx(objective, rel=1e-7, abs=1e-6)


@pytest.mark.parametrize("seed", SEEDS)
def test_tightening_china_cap_never_lowers_cost(seed):
    d = data_of(random_chain(seed, spot=True, stock=True))
    plan = solve_plan(d)
    costs = []
    for eps in np.linspace(1.0, 0.0, 6):
        for key in plan.model.china_eps:
            plan.model.china_eps[key] = float(eps)
        out = plan.solver.solve()
        costs.append(np.inf if out.status != "optimal" else out.objective_usd)
    assert all(b >= a - 1e-7 * max(1.0, abs(a)) for a, b in zip(costs, costs[1:],
                                                               strict=False))


@pytest.mark.parametrize("seed", SEEDS)
def test_tightening_served_floor_never_lowers_cost(seed):
    d = data_of(random_chain(seed, stock=True))
    plan = solve_plan(d)
    costs = []
    for sigma in (0.0, 0.5, 0.9, 1.0):
        for b in plan.model.served_rhs:  # the floor of every scenario with p_s > 0
            plan.model.served_rhs[b] = (1 - sigma) * float(d.demand_t[b])
        costs.append(plan.solver.solve().objective_usd)
    assert costs == sorted(costs) or np.allclose(costs, sorted(costs))


@pytest.mark.parametrize("seed", SEEDS)
def test_joint_never_worse_when_independent_plans_jointly_feasible(seed):
    chain = random_chain(seed, spot=seed % 2 == 0, stock=True, cvar=seed % 3 == 0)
    case = resolve_cases(chain)[0]
    at = chain.at_year(None)
    ind = solve_mode(at, case, "independent")["x"]
    joint = solve_mode(at, case, "joint")["x"][0]
    if overclaims(ind):
        pytest.skip("independent plans over-claim (rationing covered elsewhere)")
    standalone = sum(p.objective_usd for p in ind)
    assert joint.objective_usd <= standalone + 1e-7 * standalone


@pytest.mark.parametrize("seed", SEEDS)
def test_zero_probability_scenario_changes_nothing(seed):
    chain = random_chain(seed, spot=True, stock=True, cvar=seed % 2 == 0)
    chain = chain.with_tables(policy=pd.concat([chain.policy, pd.DataFrame(
        [{"setting": "min_served_share", "value": "0.6", "stage": "", "mineral": "",
          "buyer": "", "case": ""}])], ignore_index=True))
    before = solve_plan(data_of(chain), keep=False).objective_usd
    extra = pd.DataFrame([{"scenario": "never", "mineral": "x", "stage": "*",
                           "country": "AUS", "capacity_loss": 1.0, "probability": 0.0,
                           "date": "", "source": ""}])
    with_zero = chain.with_tables(disruptions=pd.concat([chain.disruptions, extra],
                                                        ignore_index=True))
    d = data_of(with_zero)
    assert "never" in d.scenarios
    assert solve_plan(d, keep=False).objective_usd == pytest.approx(before, rel=1e-9)


def test_pyomo_matches_reference_on_default_model():
    chain = load_default()
    for case in resolve_cases(chain):
        at = chain.at_year(case.year)
        for mineral in chain.mineral_ids:
            d = prepare(at, case, mineral)
            if not d.n_paths:
                continue
            plan = solve_plan(d, keep=False)
            status, objective = solve_reference(d)
            assert plan.status == status, (case.name, mineral)
            if status == "optimal":
                assert plan.objective_usd == pytest.approx(objective, rel=1e-7), mineral
