"""The HiGHS bridge hands HiGHS the multi-year MILP exactly as Pyomo's own persistent
HiGHS interface does (binaries included), and both solve it to the same optimum."""

from __future__ import annotations

import numpy as np
import pytest
from pyomo.contrib.solver.solvers.highs import Highs

from tests.test_optimize_bridge import _lp
from tests.test_years_hand import _china_cut, _year_data
from tests.years_chains import years_chain
from toolkit.optimize.solve import Solver
from toolkit.optimize.years import build_years_model


def _chain():
    return years_chain(
        [("CHN", 200.0, 4.0), ("AUS", 15.0, 9.0)], {"GBR": 6.0, "JPN": 11.0},
        "2024,2030,2035",
        project_rows=(("a", "mine", "AUS", 8, 3, 120, 2030), ("b", "mine", "CAN", 12, 6, 40,
                                                              2024, 8)),
        policy_rows=(("max_china_share", 0.5, "", "", "", "", "", 2035), ("spot_share", 0.3),
                     ("shortfall_cost_usd_per_t", 50)),
        disruptions=_china_cut())


def _with_integrality(h) -> list[np.ndarray]:
    return _lp(h) + [np.asarray(h.getLp().integrality_)]


@pytest.mark.parametrize("mode", ["joint", "independent"])
def test_bridge_milp_equals_pyomo_interface_milp(mode):
    for years in _year_data(_chain(), mode):
        m = build_years_model(years)
        solver = Solver(m)
        mine = solver.solve()
        opt = Highs()
        opt.config.load_solutions = False
        opt.config.solver_options = {"output_flag": False, "mip_rel_gap": 1e-9}
        theirs = opt.solve(m)
        for a, b in zip(_with_integrality(solver.h), _with_integrality(opt._solver_model),
                        strict=True):
            assert np.array_equal(a, b)
        kinds = [int(v) for v in solver.h.getLp().integrality_]
        assert kinds.count(1) == len(m.J) > 0  # the project binaries are integer columns
        assert mine.objective_usd == pytest.approx(theirs.objective_bound, rel=1e-7)
        assert mine.objective_usd == pytest.approx(theirs.incumbent_objective, rel=1e-9)


def test_fixing_the_projects_gives_an_lp_with_the_same_optimum():
    years = _year_data(_chain(), "joint")[0]
    solver = Solver(build_years_model(years))
    milp = solver.solve().objective_usd
    fixed = solver.fix_integers()
    assert set(fixed.values()) <= {0.0, 1.0}
    assert not any(np.asarray(solver.h.getLp().integrality_) == 1)
    assert solver.solve().objective_usd == pytest.approx(milp, rel=1e-9)
    solver.free_integers()
    assert solver.solve().objective_usd == pytest.approx(milp, rel=1e-9)
