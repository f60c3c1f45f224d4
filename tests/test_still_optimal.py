"""A re-solve is skipped only when the last optimal basis stays optimal
(:mod:`toolkit.optimize.still_optimal`): hand-solved steps, then random LPs and random
parameter changes checked against a fresh direct-highspy solve of every step."""

from __future__ import annotations

import highspy
import numpy as np
import pyomo.environ as pyo
import pytest

from tests.optimize_chains import data_of, random_chain
from toolkit.optimize.pareto import china_grid, sweep
from toolkit.optimize.plan import MineralPlan, solve_plan
from toolkit.optimize.solve import Solver


def _two_columns() -> pyo.ConcreteModel:
    """min x1 + c2 x2  s.t.  x1 + x2 >= d,  x1 <= u,  x >= 0  (c2, d, u mutable)."""
    m = pyo.ConcreteModel()
    m.c2 = pyo.Param(initialize=2.0, mutable=True)
    m.d = pyo.Param(initialize=3.0, mutable=True)
    m.u = pyo.Param(initialize=10.0, mutable=True)
    m.x1 = pyo.Var(domain=pyo.NonNegativeReals)
    m.x2 = pyo.Var(domain=pyo.NonNegativeReals)
    m.cover = pyo.Constraint(expr=m.x1 + m.x2 >= m.d)
    m.cap = pyo.Constraint(expr=m.x1 <= m.u)
    m.obj = pyo.Objective(expr=m.x1 + m.c2 * m.x2)
    return m


# (parameter, value, objective by hand, skipped?)
STEPS = [
    ("u", 5.0, 3.0, True),    # x1 = 3 < 5: the cap stays slack, same basis
    ("u", 2.0, 4.0, False),   # the cap cuts x1 to 2: x2 = 1 at cost 2
    ("c2", 3.0, 5.0, False),  # x2 = 1 is basic: its cost moves the duals
    ("u", 10.0, 3.0, False),  # a binding cap loosened: x1 = 3 again
    ("c2", 4.0, 3.0, True),   # x2 = 0, reduced cost 2 > 0, dearer still: same basis
    ("c2", 0.5, 1.5, False),  # cheaper than x1: x2 = 3
    ("d", 4.0, 2.0, False),   # the cover row is binding: x2 = 4
    ("u", 3.0, 2.0, True),    # x1 = 0 is far from either cap: same basis
]


def test_hand_solved_steps_skip_only_when_the_basis_stays_optimal():
    m = _two_columns()
    solver = Solver(m)
    assert solver.solve().objective_usd == pytest.approx(3.0)
    for name, value, objective, skipped in STEPS:
        before = solver.skipped
        getattr(m, name).set_value(value)
        outcome = solver.solve()
        assert outcome.status == "optimal"
        assert outcome.objective_usd == pytest.approx(objective, abs=1e-9), (name, value)
        assert (solver.skipped == before + 1) is skipped, (name, value)


def test_a_skipped_solve_keeps_the_last_values():
    m = _two_columns()
    solver = Solver(m)
    solver.solve()
    m.u.set_value(5.0)
    solver.solve()
    assert solver.skipped == 1
    assert solver.values(m.x1) == {None: pytest.approx(3.0)}
    assert solver.values(m.x2) == {None: pytest.approx(0.0)}


def _random_lp(rng: np.random.Generator, rows: int, cols: int):
    """A feasible bounded LP: min c x, A x <= b, x in [0, 10]; b, c mutable."""
    a = rng.uniform(0.0, 1.0, (rows, cols)) * (rng.random((rows, cols)) < 0.6)
    m = pyo.ConcreteModel()
    m.R, m.C = pyo.RangeSet(0, rows - 1), pyo.RangeSet(0, cols - 1)
    m.b = pyo.Param(m.R, initialize={i: float(rng.uniform(2, 8)) for i in range(rows)},
                    mutable=True)
    m.c = pyo.Param(m.C, initialize={j: float(rng.uniform(-3, 3)) for j in range(cols)},
                    mutable=True)
    m.x = pyo.Var(m.C, bounds=(0.0, 10.0))
    m.row = pyo.Constraint(m.R, rule=lambda m, i: sum(
        float(a[i, j]) * m.x[j] for j in range(cols) if a[i, j]) <= m.b[i])
    m.obj = pyo.Objective(expr=sum(m.c[j] * m.x[j] for j in range(cols)))
    return m, a


def _direct(a: np.ndarray, b: list[float], c: list[float]) -> float:
    """The same LP built and solved from arrays with highspy."""
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    rows, cols = a.shape
    h.addVars(cols, np.zeros(cols), np.full(cols, 10.0))
    h.changeColsCost(cols, np.arange(cols, dtype=np.int32), np.array(c))
    for i in range(rows):
        idx = np.flatnonzero(a[i]).astype(np.int32)
        h.addRow(-highspy.kHighsInf, b[i], len(idx), idx, a[i, idx])
    h.run()
    return h.getInfo().objective_function_value


@pytest.mark.parametrize("seed", range(6))
def test_random_changes_give_the_fresh_solve_optimum(seed):
    rng = np.random.default_rng(seed)
    m, a = _random_lp(rng, rows=6, cols=8)
    solver = Solver(m)
    solver.solve()
    for _step in range(40):
        if rng.random() < 0.5:
            i = int(rng.integers(a.shape[0]))
            m.b[i] = float(m.b[i].value * rng.choice([0.5, 0.9, 1.1, 2.0]))
        else:
            j = int(rng.integers(a.shape[1]))
            m.c[j] = float(m.c[j].value + rng.choice([-2.0, -0.5, 0.5, 2.0]))
        got = solver.solve()
        want = _direct(a, [m.b[i].value for i in m.R], [m.c[j].value for j in m.C])
        assert got.status == "optimal"
        assert got.objective_usd == pytest.approx(want, rel=1e-9, abs=1e-9)
    assert solver.skipped > 0  # the shortcut was taken (and checked) at least once


def _plan(seed: int) -> MineralPlan:
    return solve_plan(data_of(random_chain(seed, stages=2, spot=True, stock=True)))


@pytest.mark.parametrize("seed", range(3))
def test_pareto_points_equal_re_solves_without_the_shortcut(seed, monkeypatch):
    """The China-share sweep of random chains, with and without skipping."""
    plan = _plan(seed)
    skipped = sweep("c", {"x": [plan]}, "china_share", china_grid(9))
    assert plan.solver.skipped > 0  # some points keep the last basis
    monkeypatch.setattr("toolkit.optimize.solve.basis_still_optimal", lambda *a: False)
    fresh = _plan(seed)
    plain = sweep("c", {"x": [fresh]}, "china_share", china_grid(9))
    assert fresh.solver.skipped == 0
    assert [r["status"] for r in skipped] == [r["status"] for r in plain]
    for mine, theirs in zip(skipped, plain, strict=True):
        if mine["objective_usd"] is not None:
            assert mine["objective_usd"] == pytest.approx(theirs["objective_usd"], rel=1e-9)


def test_a_free_integer_model_is_never_skipped():
    m = _two_columns()
    m.y = pyo.Var(domain=pyo.Binary)
    m.link = pyo.Constraint(expr=m.x2 <= 10 * m.y)
    solver = Solver(m)
    solver.solve()
    m.u.set_value(5.0)
    solver.solve()
    assert solver.skipped == 0
    solver.fix_integers()
    solver.solve()
    m.u.set_value(6.0)
    solver.solve()
    assert solver.skipped == 1


class _Interrupted(Exception):
    pass


def test_a_solve_interrupted_after_its_changes_is_solved_again():
    """A run that raised (an interrupt lands just after HiGHS returns) leaves no last
    outcome behind: the next solve runs HiGHS, it does not answer with the old one."""
    m = _two_columns()
    solver = Solver(m)
    solver.solve()
    m.d.set_value(4.0)  # the cover row binds: the optimum moves to 4
    real = solver.h.run

    def interrupted():
        raise _Interrupted

    solver.h.run = interrupted
    with pytest.raises(_Interrupted):
        solver.solve()
    solver.h.run = real
    assert solver.solve().objective_usd == pytest.approx(4.0)
    assert solver.skipped == 0


def test_an_update_that_fails_half_way_leaves_every_change_to_the_next_solve():
    m = _two_columns()
    m.c2 = 2.0
    solver = Solver(m)
    solver.solve()
    m.u.set_value(2.0)   # binds: optimum 4
    m.c2.set_value(None)  # cannot be evaluated
    with pytest.raises(ValueError):
        solver.solve()
    m.c2.set_value(2.0)
    assert solver.solve().objective_usd == pytest.approx(4.0)
    assert Solver(m).solve().objective_usd == pytest.approx(4.0)


def test_outcome_after_a_skipped_solve_is_the_answer_given():
    m = _two_columns()
    solver = Solver(m)
    solver.solve()
    m.u.set_value(5.0)
    given = solver.solve()
    assert solver.skipped == 1 and solver.outcome() == given
