"""The lean HiGHS bridge hands HiGHS exactly the LP Pyomo's own persistent interface does."""

from __future__ import annotations

import numpy as np
import pytest
from pyomo.contrib.solver.solvers.highs import Highs

from tests.optimize_chains import data_of, random_chain
from toolkit.optimize.model import build_model
from toolkit.optimize.solve import Solver


def _lp(h) -> list[np.ndarray]:
    lp = h.getLp()
    a = lp.a_matrix_
    return [np.asarray(v) for v in (lp.col_cost_, lp.col_lower_, lp.col_upper_, lp.row_lower_,
                                    lp.row_upper_, a.start_, a.index_, a.value_)]


def _pyomo_lp(m) -> list[np.ndarray]:
    opt = Highs()
    opt.config.load_solutions = False
    opt.config.raise_exception_on_nonoptimal_result = False
    opt.config.solver_options = {"output_flag": False}
    opt.solve(m)
    return _lp(opt._solver_model)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("elastic", [False, True])
def test_bridge_lp_equals_pyomo_interface_lp(seed, elastic):
    chain = random_chain(seed, stages=2 + seed % 2, spot=True, stock=seed % 2 == 0,
                         cvar=seed % 2 == 1)
    for d in (data_of(chain), data_of(chain, buyers=("JPN",), joint=False)):
        m = build_model(d, elastic=elastic)
        solver = Solver(m)
        solver.solve()
        for mine, theirs in zip(_lp(solver.h), _pyomo_lp(m), strict=True):
            assert np.array_equal(mine, theirs)


def test_resolve_pushes_parameter_bounds_like_a_fresh_build():
    d = data_of(random_chain(3, spot=True, stock=True))
    m = build_model(d)
    solver = Solver(m)
    solver.solve()
    for key in m.china_eps:
        m.china_eps[key] = 0.4
    m.capacity_t[0] = 0.5 * float(d.capacity_t[0])
    m.es_eps = 0.01
    again = solver.solve()
    fresh = Solver(m)
    assert fresh.solve().objective_usd == pytest.approx(again.objective_usd, rel=1e-9)
    for pushed, built in zip(_lp(solver.h), _lp(fresh.h), strict=True):
        assert np.array_equal(pushed, built)
