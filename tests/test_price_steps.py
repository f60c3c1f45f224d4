"""The one-point step of a shadow price, re-solved: hand-solved cases where the dual and
the step agree, where the step is smaller (a capacity runs out within the point) and
where the optimum is degenerate; the probe leaves the model as it found it."""

from __future__ import annotations

import pytest

from tests.optimize_chains import data_of, one_stage_chain, policy
from toolkit.optimize.duals import step_savings
from toolkit.optimize.plan import solve_plan
from toolkit.optimize.reference import solve_reference
from toolkit.optimize.run import solve_case
from toolkit.policy import resolve_cases


def _capped(china_t: float, cap: float = 0.5):
    # Japan needs 10 t; China `china_t` t at 5 USD/t, Australia 100 t at 9 USD/t.
    return one_stage_chain([("CHN", china_t, 5.0), ("AUS", 100.0, 9.0)], {"JPN": 10.0},
                           policy=policy(("max_china_share", cap)))


def _row(plan, setting: str) -> dict:
    [row] = [r for r in plan.shadow if r["setting"] == setting]
    return row


def test_step_equals_dual_while_the_basis_holds():
    # 5 t China + 5 t Australia = 70; one point (0.1 t) more from China saves 0.1 x 4.
    plan = solve_plan(data_of(_capped(100.0)))
    assert plan.objective_usd == pytest.approx(70.0)
    row = _row(plan, "max_china_share")
    assert row["step_usd"] is None  # not re-solved yet
    step_savings(plan)
    assert row["usd_per_pp"] == pytest.approx(0.4)
    assert row["step_usd"] == pytest.approx(0.4)


def test_step_is_smaller_than_dual_when_capacity_runs_out_within_the_point():
    # China holds 5.05 t: relaxing the cap to 51 % moves only 0.05 t (saving 0.2), while
    # the dual is still the 4 USD/t of the first tonne moved (0.4 per point).
    plan = solve_plan(data_of(_capped(5.05)))
    step_savings(plan)
    row = _row(plan, "max_china_share")
    assert row["usd_per_pp"] == pytest.approx(0.4)
    assert row["step_usd"] == pytest.approx(0.2)
    relaxed = solve_reference(data_of(_capped(5.05, cap=0.51)))[1]
    assert plan.objective_usd - relaxed == pytest.approx(0.2)


def test_step_is_zero_at_a_degenerate_optimum_whatever_the_dual():
    # China holds exactly 5 t: its capacity and the 50 % cap bind at the same point, so
    # the cap's dual may be 0 or 0.4; relaxing the cap saves nothing.
    plan = solve_plan(data_of(_capped(5.0)))
    step_savings(plan)
    row = _row(plan, "max_china_share")
    assert row["usd_per_pp"] in (pytest.approx(0.0), pytest.approx(0.4))
    assert row["step_usd"] == pytest.approx(0.0, abs=1e-9)


def test_country_caps_are_relaxed_together():
    # 30 % caps on China and Kazakhstan: China 3 t at 5, Kazakhstan 3 t at 6, Australia
    # 4 t at 9 = 69.
    # One point more for every country: 0.1 t each from China and Kazakhstan instead of
    # Australia saves 0.1 x 4 + 0.1 x 3 = 0.7.
    caps = [("max_country_share", 0.3, "", "", "", "", c) for c in ("CHN", "KAZ")]
    chain = one_stage_chain([("CHN", 100.0, 5.0), ("KAZ", 100.0, 6.0), ("AUS", 100.0, 9.0)],
                            {"JPN": 10.0}, policy=policy(*caps))
    plan = solve_plan(data_of(chain))
    assert plan.objective_usd == pytest.approx(69.0)
    step_savings(plan)
    row = _row(plan, "max_country_share")
    assert row["usd_per_pp"] == pytest.approx(0.7)
    assert row["step_usd"] == pytest.approx(0.7)
    assert row["countries"] == "CHN, KAZ"


def test_probe_leaves_the_model_as_it_was():
    plan = solve_plan(data_of(_capped(100.0)))
    step_savings(plan)
    assert plan.solver.outcome().objective_usd == pytest.approx(70.0)
    # a later re-solve (a Pareto point at 30 %) gives the fresh optimum: 3 x 5 + 7 x 9
    plan.model.china_eps[0, 0] = 0.3
    assert plan.resolve().objective_usd == pytest.approx(78.0)
    assert solve_reference(data_of(_capped(100.0, cap=0.3)))[1] == pytest.approx(78.0)


@pytest.mark.parametrize("points", [0, 3])
def test_a_solved_case_carries_the_steps_with_or_without_sweeps(points):
    chain = _capped(5.05)
    run = solve_case(chain, resolve_cases(chain)[0], pareto_points=points)
    [plan] = run.plans["x"]
    assert _row(plan, "max_china_share")["step_usd"] == pytest.approx(0.2)


def _prices(rows: list[dict]):
    from toolkit.reports.data import Case, price_table

    return price_table(None, [Case("c", "independent", "optimal", 1.0,
                                   {"shadow_prices": rows})])


def _price_row(mineral: str, dual: float, step=...) -> dict:
    row = {"setting": "max_china_share", "stage": "refine", "mineral": mineral,
           "buyer": "JPN", "usd_per_pp": dual, "countries": ""}
    return row if step is ... else {**row, "step_usd": step}


def test_reports_rank_binding_constraints_by_the_step_saved():
    from toolkit.reports.data import binding_prices

    table = _prices([_price_row("a", 2.0e6, 0.6e6), _price_row("b", 1.0e6, 1.0e6),
                     _price_row("c", 0.5e6),  # written before the step existed: the dual
                     _price_row("d", 0.0, 0.0)])
    ranked = binding_prices(table)
    assert list(ranked["mineral"]) == ["b", "a", "c"]
    assert list(ranked["saving_usd"]) == [1.0e6, 0.6e6, 0.5e6]


def test_costliest_constraint_sentence_quotes_the_step_and_the_margin():
    from types import SimpleNamespace

    from toolkit.reports.data import Case
    from toolkit.reports.findings import _price_lines

    case = Case("c", "independent", "optimal", 1.0, {})
    steeper = SimpleNamespace(prices=_prices([_price_row("a", 3.0e6, 2.0e6),
                                              _price_row("b", 1.0e6, 1.0e6)]))
    [line] = _price_lines(steeper, case)
    assert "(Japan's a at the refine stage)" in line
    assert "saves USD 2.0 m a year (2 binding constraints in all; the first tonnes freed " \
           "save at USD 3.0 m a year per point, the whole point less)" in line
    same = SimpleNamespace(prices=_prices([_price_row("b", 1.0e6, 1.0e6)]))
    [line] = _price_lines(same, case)
    assert line.endswith("saves USD 1.0 m a year (1 binding constraint in all).")


def test_step_of_a_multi_year_case_is_its_first_years_with_the_projects_held_fixed():
    # 2024 and 2030, one model (a project online in both links them; at 1e6 USD of capex
    # it is not backed).  In 2024 China holds
    # 5.05 t at 5 USD/t, Australia 30 t at 10; Japan needs 10 t; China capped at 50 % in
    # every year: one point more (0.1 t) moves only 0.05 t to China, saving 0.25 of the
    # first year's cost (the dual: 0.5 per point).
    from tests.years_chains import years_chain

    chain = years_chain([("CHN", 5.05, 5.0), ("AUS", 30.0, 10.0)], {"JPN": 10.0},
                        "2024,2030", project_rows=(("p", "mine", "CAN", 10, 8, 1e6, 2024),),
                        policy_rows=(("max_china_share", 0.5),))
    run = solve_case(chain, resolve_cases(chain)[0], pareto_points=0)
    [plan] = run.plans["x"]
    assert plan.year == 2024 and plan.model is not plan.solver.model  # a block
    assert not plan.backed.any()
    assert plan.objective_usd == pytest.approx(5 * 5 + 5 * 10)
    row = _row(plan, "max_china_share")
    assert row["usd_per_pp"] == pytest.approx(0.5)
    assert row["step_usd"] == pytest.approx(0.25)


def test_probe_keeps_the_basis_and_the_next_solve_runs_from_it():
    plan = solve_plan(data_of(_capped(100.0)))
    step_savings(plan)
    h = plan.solver.h
    assert h.getBasis().valid
    skipped = plan.solver.skipped
    # Australia's capacity 100 -> 90 t (it supplies 5 t): the last basis answers it, but
    # after a probe (whose reduced costs HiGHS does not restore) HiGHS runs, from the kept
    # basis, in no iteration
    d = plan.data
    [aus] = [n for n in range(len(d.capacity_t)) if d.node_country[n] == "AUS"]
    rhs = plan.model.free_t if d.market_enabled else plan.model.capacity_t
    rhs[aus] = 90.0
    assert plan.resolve().objective_usd == pytest.approx(70.0)
    assert plan.solver.skipped == skipped
    assert h.getInfo().simplex_iteration_count == 0
    rhs[aus] = 80.0  # and the next such change is skipped again
    assert plan.resolve().objective_usd == pytest.approx(70.0)
    assert plan.solver.skipped == skipped + 1


def test_a_base_that_cannot_be_re_solved_leaves_binding_steps_unknown(monkeypatch):
    from toolkit.optimize.solve import Outcome

    plan = solve_plan(data_of(_capped(100.0)))
    monkeypatch.setattr(type(plan), "resolve", lambda self: Outcome("infeasible", None))
    step_savings(plan)
    assert _row(plan, "max_china_share")["step_usd"] is None  # not "saves 0"


def test_steps_outside_zero_to_the_dual_are_solver_tolerance():
    from toolkit.optimize.duals import _within

    assert _within(-9.5e-7, 1.38e-9) == 0.0
    assert _within(1.9e-6, 1.38e-9) == 1.38e-9
    assert _within(0.2, 0.4) == 0.2


def test_a_country_capped_at_zero_is_an_exclusion_in_words():
    from types import SimpleNamespace

    from toolkit.reports import plain
    from toolkit.reports.data import Case
    from toolkit.reports.findings import _price_lines

    # China excluded (cap 0): 10 t from Australia at 9; one point (0.1 t) from China at 5
    # saves 0.4.  A 30 % cap on Kazakhstan is a cap, not an exclusion.
    rows = [("max_country_share", 0.0, "", "", "", "", "CHN"),
            ("max_country_share", 0.3, "", "", "", "", "KAZ")]
    chain = one_stage_chain([("CHN", 100.0, 5.0), ("AUS", 100.0, 9.0)], {"JPN": 10.0},
                            policy=policy(*rows[:1]))
    plan = solve_plan(data_of(chain))
    step_savings(plan)
    row = _row(plan, "max_country_share")
    assert (row["exclusion"], row["countries"]) == (True, "CHN")
    assert row["step_usd"] == pytest.approx(0.4)
    table = _prices([{**row, "mineral": "gallium"}])
    assert plain.constraint(table.iloc[0]) == (
        "the exclusion of CHN (Japan's gallium at the mine stage)")  # no chain: codes
    [line] = _price_lines(SimpleNamespace(prices=table), Case("c", "joint", "optimal", 1, {}))
    assert line.startswith("Costliest binding constraint in “c”: the exclusion of CHN")
    assert "allowing one percentage point of that supply from there would save" in line
    both = one_stage_chain([("CHN", 100.0, 5.0), ("KAZ", 100.0, 6.0), ("AUS", 100.0, 9.0)],
                           {"JPN": 10.0}, policy=policy(*rows))
    mixed = _row(solve_plan(data_of(both)), "max_country_share")
    assert mixed["countries"] == "CHN, KAZ" and mixed["exclusion"] is False


@pytest.mark.parametrize("mode", ["independent", "joint"])
def test_without_sweeps_the_steps_are_made_and_each_model_freed(mode):
    # two buyers, so the joint model is its own (not the stand-alone one relabelled)
    chain = one_stage_chain([("CHN", 10.1, 5.0), ("AUS", 100.0, 9.0)],
                            {"JPN": 10.0, "GBR": 10.0},
                            policy=policy(("max_china_share", 0.5), ("mode", mode)))
    run = solve_case(chain, resolve_cases(chain)[0], pareto_points=0)
    plans = run.plans["x"]
    assert all(p.model is None and p.solver is None for p in plans)  # freed at once
    steps = [r["step_usd"] for p in plans for r in p.shadow
             if r["setting"] == "max_china_share"]
    # each buyer 5 t from China (10 of its 10.1 t): one point more for a buyer (0.1 t)
    # moves 0.1 t from Australia to China, saving 0.1 x 4, in either mode
    assert steps == pytest.approx([0.4, 0.4])
