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


@pytest.mark.parametrize("seed", range(4))
def test_without_market_buyers_the_lp_is_the_one_without_the_market_families(seed,
                                                                              monkeypatch):
    """D^M = 0: the LP handed to HiGHS equals, array for array, the LP the builder makes
    when the market families (bids, world balance) are left out of FAMILIES."""
    from toolkit.optimize import model as model_module
    from toolkit.optimize.bids import define_bids, define_world_balance

    chain = random_chain(seed, stages=2 + seed % 2, spot=True, stock=seed % 2 == 0,
                         cvar=seed % 2 == 1)
    d = data_of(chain)
    assert not d.market_enabled
    with_market = Solver(build_model(d))
    with_market.solve()
    legacy = tuple(f for f in model_module.FAMILIES
                   if f not in (define_bids, define_world_balance))
    monkeypatch.setattr(model_module, "FAMILIES", legacy)

    def sets_only(m, data):
        legacy[0](m, data)
        m.bid_index, m.bid, m.world_t = [], {}, None  # what the capacity/spot rows look up

    monkeypatch.setattr(model_module, "FAMILIES", (sets_only, *legacy[1:]))
    without = Solver(build_model(d))
    without.solve()
    for a, b in zip(_lp(with_market.h), _lp(without.h), strict=True):
        assert np.array_equal(a, b)
    assert with_market.outcome().objective_usd == without.outcome().objective_usd


@pytest.mark.parametrize("seed", [9, 3])
def test_a_sweep_model_re_solved_with_new_losses_equals_a_fresh_build(seed):
    """The re-stated scenario coefficient is itself a mutable loss in sweep mode: a
    re-solve must use its new value (it kept the built one: 229.97 instead of 219.91
    for seed 9 with every loss set to 0)."""
    from dataclasses import replace

    d = replace(data_of(random_chain(seed, stages=2, spot=True, stock=True)), sweep=True)
    m = build_model(d)
    solver = Solver(m)
    solver.solve()
    for scale in (0.0, 0.5):
        for k in m.path_loss:
            m.path_loss[k] = float(m.path_loss[k].value) * scale
        again = solver.solve().objective_usd
        assert again == pytest.approx(Solver(m).solve().objective_usd, rel=1e-9)
