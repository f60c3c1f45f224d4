"""One planned buyer: the joint and independent LPs are the same LP, solved once."""

from __future__ import annotations

import numpy as np
import pytest

from tests.optimize_chains import data_of, random_chain
from toolkit.optimize.cooperation import solve_mode
from toolkit.optimize.reference import build_reference
from toolkit.policy import resolve_cases


def one_buyer(seed: int):
    """A random chain (stockpile, spot, CVaR) where only Japan has demand."""
    chain = random_chain(seed, stages=2 + seed % 2, spot=True, stock=True, cvar=seed % 2 == 1)
    return chain.with_tables(demand=chain.demand[chain.demand["buyer"] == "JPN"])


def lp_arrays(d):
    """Costs, column bounds, row bounds and the CSR matrix of the reference LP."""
    h, _rows, _lay = build_reference(d)
    lp = h.getLp()
    return [np.asarray(a) for a in (lp.col_cost_, lp.col_lower_, lp.col_upper_,
                                    lp.row_lower_, lp.row_upper_, lp.a_matrix_.start_,
                                    lp.a_matrix_.index_, lp.a_matrix_.value_)]


@pytest.mark.parametrize("seed", range(4))
def test_one_buyer_joint_and_independent_are_the_same_lp(seed):
    chain = one_buyer(seed)
    joint, alone = data_of(chain, joint=True), data_of(chain, buyers=("JPN",), joint=False)
    assert joint.buyers == alone.buyers == ("JPN",)
    for a, b in zip(lp_arrays(joint), lp_arrays(alone), strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("seed", range(4))
def test_reused_plan_equals_a_joint_solve(seed):
    chain = one_buyer(seed).at_year(None)
    case = resolve_cases(chain)[0]
    alone = solve_mode(chain, case, "independent")
    solved = solve_mode(chain, case, "joint")["x"][0]
    reused = solve_mode(chain, case, "joint", reuse=alone)["x"][0]
    assert reused.model is alone["x"][0].model  # not built again
    assert reused.data.joint and not alone["x"][0].data.joint
    assert reused.status == solved.status == "optimal"
    assert reused.objective_usd == pytest.approx(solved.objective_usd, rel=1e-9)
    for field in ("node_flow", "short", "spot", "draw", "stock", "touch"):
        np.testing.assert_allclose(getattr(reused, field), getattr(solved, field),
                                   rtol=1e-7, atol=1e-7)
    assert [(r["setting"], round(r.get("value", 0) or 0, 6)) for r in reused.shadow] == \
        [(r["setting"], round(r.get("value", 0) or 0, 6)) for r in solved.shadow]


def test_two_buyers_are_always_solved_jointly():
    chain = random_chain(1, stock=True).at_year(None)
    case = resolve_cases(chain)[0]
    alone = solve_mode(chain, case, "independent")
    joint = solve_mode(chain, case, "joint", reuse=alone)["x"][0]
    assert joint.data.buyers == ("GBR", "JPN") and joint.model is not alone["x"][0].model
