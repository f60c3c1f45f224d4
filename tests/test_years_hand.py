"""Hand-solved multi-year MILPs with projects, each checked on both formulations."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from tests.test_optimize_bridge import _lp
from tests.years_chains import demand_rows, years_chain
from toolkit.optimize.data import prepare
from toolkit.optimize.model import build_model
from toolkit.optimize.plan import solve_plan
from toolkit.optimize.reference import solve_reference, solve_years_reference
from toolkit.optimize.run import solve_case
from toolkit.optimize.solve import Solver
from toolkit.optimize.timeline import is_multi_year, year_views
from toolkit.optimize.years import YearData, build_years_model, solve_years
from toolkit.policy import resolve_cases
from toolkit.projects import crf

REL = 1e-6  # the governance tie-break adds 1e-7 of the unit cost


def _run(chain):
    return solve_case(chain, resolve_cases(chain)[0], pareto_points=0)


def _year_data(chain, mode: str) -> list[list[YearData]]:
    """The YearData of each buyer group (joint: one; independent: one per buyer)."""
    case = resolve_cases(chain)[0]
    views = year_views(chain, case)
    groups = [("GBR", "JPN")] if mode == "joint" else [("GBR",), ("JPN",)]
    out = []
    for group in groups:
        years = []
        for v in views:
            d = prepare(v.chain, v.case, "x", group, joint=mode == "joint")
            own = v.chain.projects
            years.append(YearData(v.year, d, {str(r.project): crf(
                case.discount_rate, r.lifetime_years) * r.capex_usd
                for r in own.itertuples()}))
        out.append(years)
    return out


def _reference_total(chain, mode: str) -> float:
    total = 0.0
    for years in _year_data(chain, mode):
        status, value = solve_years_reference(years)
        assert status == "optimal"
        total += value
    return total


def _co_investment_chain(years: str):
    # AUS: 100 t at 10 USD/t.  Project CAN: 20 t at 4 USD/t, capex 2,000 USD, r = 0 and
    # L = 20: 100 USD a year.  Each buyer needs 10 t a year.
    return years_chain([("AUS", 100, 10)], {"GBR": 10, "JPN": 10}, years,
                       project_rows=(("can", "mine", "CAN", 20, 4, 2000, 2030),),
                       policy_rows=(("discount_rate", 0),))


def test_project_too_large_for_one_buyer_but_worth_it_for_two():
    # Alone: 10 t x 4 + 100 = 140 > 10 t x 10 = 100, so no buyer backs it: 2 x 100 = 200.
    # Together: 20 t x 4 + 100 = 180 < 200: backed once, serving both.  Value 20 USD.
    chain = _co_investment_chain("2030")
    run = _run(chain)
    coop = run.cooperation
    assert coop["independent_cost_usd"] == pytest.approx(200.0, rel=REL)
    assert coop["joint_cost_usd"] == pytest.approx(180.0, rel=REL)
    assert coop["saving_usd"] == pytest.approx(20.0, rel=1e-4)
    joint = run.years["joint"][2030]["x"][0]
    assert joint.backed.tolist() == [False, True]
    assert joint.capex_usd == pytest.approx(100.0)
    assert not any(p.backed.any() for p in run.years["independent"][2030]["x"])
    assert _reference_total(chain, "joint") == pytest.approx(180.0, rel=REL)
    assert _reference_total(chain, "independent") == pytest.approx(200.0, rel=REL)


def test_co_investment_over_two_modelled_years_counts_capex_in_each():
    # Online in 2030 and 2035: alone 2 x 40 + 2 x 100 = 280 > 200; together
    # 2 x 80 + 2 x 100 = 360 < 400.  Value 40 USD.
    run = _run(_co_investment_chain("2030,2035"))
    assert run.cooperation["independent_cost_usd"] == pytest.approx(400.0, rel=REL)
    assert run.cooperation["joint_cost_usd"] == pytest.approx(360.0, rel=REL)


def test_two_buyers_alone_each_back_their_own_plant():
    # A cheaper plant (capex 400 -> 20 USD/yr): alone 10 x 4 + 20 = 60 < 100, so each
    # buyer backs its own copy: 2 x 60 = 120; together one plant: 80 + 20 = 100.
    chain = years_chain([("AUS", 100, 10)], {"GBR": 10, "JPN": 10}, "2030",
                        project_rows=(("can", "mine", "CAN", 20, 4, 400, 2030),),
                        policy_rows=(("discount_rate", 0),))
    run = _run(chain)
    assert all(p.backed.tolist() == [False, True] for p in run.years["independent"][2030]["x"])
    assert run.cooperation["independent_cost_usd"] == pytest.approx(120.0, rel=REL)
    assert run.cooperation["joint_cost_usd"] == pytest.approx(100.0, rel=REL)
    assert run.cooperation["overclaimed"] == []


def _glide_chain(online: int):
    # 2024 and 2030; China 100 t at 5, Australia 3 t at 10; Japan needs 10 t.  China capped
    # at 50 % in 2030 only.  Project: 10 t in Australia at 8 USD/t, capex 100 USD.
    return years_chain([("CHN", 100, 5), ("AUS", 3, 10)], {"JPN": 10}, "2024,2030",
                       project_rows=(("aus2", "mine", "AUS", 10, 8, 100, online),),
                       policy_rows=(("max_china_share", 0.5, "", "", "", "", "", 2030),))


def test_project_online_too_late_names_the_year_and_the_missing_tonnes():
    # Online 2032: in 2030 only 3 t outside China, 5 t needed -> 2 t missing in 2030.
    run = _run(_glide_chain(2032))
    plans = [p for y in run.years["plans"].values() for p in y["x"]]
    assert {p.status for p in plans} == {"infeasible"}
    rows = [r for p in plans for r in p.diagnosis]
    assert [(r["year"], r["setting"], r["stage"], r["mineral"]) for r in rows] == [
        (2030, "max_china_share", "mine", "x")]
    assert rows[0]["gap_t"] == pytest.approx(2.0)
    assert rows[0]["message"].startswith("in 2030: ")


def test_project_online_in_time_meets_the_glide_path():
    # Online 2030: 2024 all China 10 x 5 = 50; 2030 5 t China (25) + 5 t from the project
    # (40; cheaper than Australia's 10): 65; capex 100 x CRF(0.08, 20) = 10.18522.
    run = _run(_glide_chain(2030))
    expected = 50 + 65 + 100 * 0.1018522
    assert run.cooperation["joint_cost_usd"] == pytest.approx(expected, rel=REL)
    assert _reference_total(_glide_chain(2030), "joint") == pytest.approx(expected, rel=REL)
    plan = run.years["plans"][2030]["x"][0]
    assert plan.backed.any() and plan.node_flow[0][plan.backed] == pytest.approx([5.0])


def test_capital_recovery_factor_matches_annuity_tables():
    # Annuity tables: 8 %, 20 years -> 0.10185; 8 %, 5 years -> 0.25046; r = 0 -> 1/L.
    assert crf(0.08, 20) == pytest.approx(0.1018522, abs=5e-8)
    assert crf(0.08, 5) == pytest.approx(0.2504565, abs=5e-8)
    assert crf(0.0, 20) == 0.05
    assert crf(0.1, 1) == pytest.approx(1.1)


@pytest.mark.parametrize(("lifetime", "expected"), [
    # life 20: online 2030 and 2035 -> 100 (2024) + 2 x 10 + 2 x 500 x 0.1018522
    (20, 100 + 20 + 2 * 500 * 0.1018522),
    # life 5: online in 2030 only (2030 <= t < 2035); 500 x 0.2504565 = 125.2 > 90 saved,
    # so it is not backed: 3 x 100
    (5, 300.0),
])
def test_annualised_capex_counts_only_in_modelled_years_the_plant_is_online(lifetime,
                                                                            expected):
    # AUS 100 t at 10; project CAN 10 t at 1, capex 500 USD, online 2030; JPN 10 t a year.
    chain = years_chain([("AUS", 100, 10)], {"JPN": 10}, "2024,2030,2035",
                        project_rows=(("can", "mine", "CAN", 10, 1, 500, 2030, lifetime),))
    run = _run(chain)
    assert run.cooperation["joint_cost_usd"] == pytest.approx(expected, rel=REL)
    assert _reference_total(chain, "joint") == pytest.approx(expected, rel=REL)


def test_single_year_workbook_gives_exactly_todays_answer():
    # Without `years` (and with `years` = the data year alone) there is no multi-year
    # model: the same LP, the same optimum, the same portfolio as before.
    base = years_chain([("CHN", 100, 5), ("AUS", 30, 10)], {"JPN": 10, "GBR": 5}, "",
                       policy_rows=(("max_china_share", 0.5),))
    same = years_chain([("CHN", 100, 5), ("AUS", 30, 10)], {"JPN": 10, "GBR": 5}, "2024",
                       policy_rows=(("max_china_share", 0.5),))
    for chain in (base, same):
        case = resolve_cases(chain)[0]
        assert not is_multi_year(year_views(chain, case))
    a, b = _run(base), _run(same)
    assert a.cooperation["joint_cost_usd"] == b.cooperation["joint_cost_usd"]
    assert a.cooperation["joint_cost_usd"] == pytest.approx(5 * 5 + 5 * 10 + 2.5 * 5
                                                            + 2.5 * 10, rel=REL)
    for m in ("x",):
        assert np.array_equal(a.plans[m][0].node_flow, b.plans[m][0].node_flow)


def test_one_year_block_model_is_the_plain_lp():
    # The block of a multi-year model with no project is the annual LP, array for array.
    chain = years_chain([("CHN", 100, 5), ("AUS", 30, 10)], {"JPN": 10, "GBR": 5}, "",
                        policy_rows=(("max_china_share", 0.5),))
    d = prepare(chain.at_year(None), resolve_cases(chain)[0], "x")
    plain, block = Solver(build_model(d)), Solver(build_years_model([YearData(2024, d, {})]))
    plain.solve()
    block.solve()
    for mine, theirs in zip(_lp(plain.h), _lp(block.h), strict=True):
        assert np.array_equal(mine, theirs)


def test_multi_year_optimum_is_the_sum_of_the_years_without_projects():
    # Demand grows in 2030 only (a 2030 row), Australia grows from 5 t to 60 t in 2035 (a
    # 2035 row), China capped at 40 % in 2035 only.
    chain = years_chain(
        [("CHN", 100, 5), ("AUS", 5, 10)], {}, "2024,2030,2035",
        policy_rows=(("max_china_share", 0.4, "", "", "", "", "", 2035),),
        demand_table=demand_rows(("JPN", 10, None), ("JPN", 20, 2030), ("GBR", 5, None)))
    supply = chain.supply
    extra = supply[supply["country"] == "AUS"].assign(capacity_t=60.0, year=2035.0)
    chain = chain.with_tables(supply=pd.concat([supply.assign(year=float("nan")), extra],
                                               ignore_index=True))
    run = _run(chain)
    case = resolve_cases(chain)[0]
    per_year = []
    for v in year_views(chain, case):
        d = prepare(v.chain, v.case, "x")
        per_year.append(solve_plan(d).objective_usd)
        assert solve_reference(d)[1] == pytest.approx(per_year[-1], rel=1e-9)
    # by hand: 2024 15 t at 5 = 75; 2030 (JPN 20 t) 25 t at 5 = 125; 2035 (JPN back to its
    # blank-year 10 t) 60 % of 15 t outside China, 9 t > the 5 t Australia had before
    # 2035: 0.4 x 15 x 5 + 0.6 x 15 x 10 = 30 + 90 = 120
    assert per_year == pytest.approx([75.0, 125.0, 120.0], rel=REL)
    assert run.cooperation["joint_cost_usd"] == pytest.approx(sum(per_year), rel=1e-9)


@pytest.mark.parametrize("seed", range(3))
def test_reference_equals_pyomo_on_random_multi_year_milps(seed):
    rng = np.random.default_rng(seed)
    supply = [("CHN", 200.0, float(rng.uniform(3, 6))), ("AUS", 15.0, float(rng.uniform(8, 12)))]
    rows = tuple((f"p{i}", "mine", c, float(rng.uniform(5, 15)), float(rng.uniform(2, 9)),
                  float(rng.uniform(10, 300)), int(rng.choice([2024, 2030, 2035])))
                 for i, c in enumerate(("AUS", "CAN", "CAN")))
    chain = years_chain(
        supply, {"GBR": float(rng.uniform(5, 10)), "JPN": float(rng.uniform(5, 15))},
        "2024,2030,2035", project_rows=rows,
        policy_rows=(("max_china_share", 0.6, "", "", "", "", "", 2030),
                     ("max_china_share", 0.3, "", "", "", "", "", 2035),
                     ("spot_share", 0.3), ("shortfall_cost_usd_per_t", 50)),
        disruptions=_china_cut())
    run = _run(chain)
    for mode, key in (("joint", "joint_cost_usd"), ("independent", "standalone_cost_usd")):
        assert run.cooperation[key] == pytest.approx(_reference_total(chain, mode), rel=1e-7)


def _china_cut():
    from tests.optimize_chains import disruptions

    return disruptions(("cut", "x", "mine", "CHN", 0.5, 0.1))


def test_crf_is_not_one_over_l_for_positive_rates():
    assert not math.isclose(crf(0.08, 20), 1 / 20)


def test_own_plants_are_never_rationed_so_cooperation_can_cost_more():
    # A 12 t plant at 4 USD/t, capex 400 (20 USD/yr at r = 0): alone each buyer backs its
    # own copy and takes 10 t from it, 2 x (40 + 20) = 120 (the copies are not rationed:
    # together they use 20 t of a 12 t design).  One joint plant: 12 t x 4 + 8 t of AUS x
    # 10 + 20 = 148 < 200.  So cooperation "costs" 28 USD: the template rule of the contract.
    chain = years_chain([("AUS", 100, 10)], {"GBR": 10, "JPN": 10}, "2030",
                        project_rows=(("can", "mine", "CAN", 12, 4, 400, 2030),),
                        policy_rows=(("discount_rate", 0),))
    run = _run(chain)
    assert run.cooperation["overclaimed"] == []
    assert run.cooperation["independent_cost_usd"] == pytest.approx(120.0, rel=REL)
    assert run.cooperation["joint_cost_usd"] == pytest.approx(148.0, rel=REL)
    assert run.cooperation["saving_usd"] == pytest.approx(-28.0, rel=1e-4)
    assert _reference_total(chain, "joint") == pytest.approx(148.0, rel=REL)


def _no_project_years(outside_t: float):
    # 2024 and 2030, no project; China 100 t at 5, Australia `outside_t` at 10; Japan
    # needs 10 t; China capped at 50 % in 2030 only.
    return years_chain([("CHN", 100, 5), ("AUS", outside_t, 10)], {"JPN": 10}, "2024,2030",
                       policy_rows=(("max_china_share", 0.5, "", "", "", "", "", 2030),))


def test_years_without_projects_are_each_their_own_lp_with_the_block_optimum():
    # By hand: 2024 10 t at 5 = 50; 2030 5 t China (25) + 5 t Australia (50) = 75.
    [years] = _year_data(_no_project_years(30.0), "joint")
    plans = solve_years(years)
    assert [p.objective_usd for p in plans] == pytest.approx([50.0, 75.0], rel=REL)
    assert [p.node_flow.tolist() for p in plans] == [[[0.0, 10.0]], [[5.0, 5.0]]]  # AUS, CHN
    # each year its own model and solver: re-solving one year leaves the other alone
    assert all(p.model is p.solver.model for p in plans)
    assert plans[0].solver is not plans[1].solver
    block = Solver(build_years_model(years))
    assert block.solve().objective_usd == pytest.approx(125.0, rel=REL)
    plans[1].model.china_eps[0, 0] = 0.2  # 2 t China + 8 t Australia = 90
    assert plans[1].resolve().objective_usd == pytest.approx(90.0, rel=REL)
    assert plans[0].solver.outcome().objective_usd == pytest.approx(50.0, rel=REL)


def test_years_without_projects_one_infeasible_marks_every_year_as_the_block_model():
    # Australia 3 t: in 2030 5 t outside China needed, 2 t missing.  As with projects
    # (one model over the years) every year carries the status; the diagnosis names 2030.
    run = _run(_no_project_years(3.0))
    plans = [p for y in run.years["plans"].values() for p in y["x"]]
    assert {p.status for p in plans} == {"infeasible"}
    rows = [r for p in plans for r in p.diagnosis]
    assert [(r["year"], r["setting"]) for r in rows] == [(2030, "max_china_share")]
    assert rows[0]["gap_t"] == pytest.approx(2.0)


def test_a_year_without_a_project_online_is_its_own_lp_beside_the_linked_years():
    # A plant in Canada online from 2030 (20 t at 4 USD/t, capex 200: 10 USD/yr at r = 0,
    # L = 20) links 2030 and 2035; none is online in 2024.  By hand: 2024 10 t China at 5
    # = 50.  2030 and 2035, China capped at 50 %: all 10 t from the plant (40) + 10 capex
    # = 50 a year, against 5 t China (25) + 5 t Australia at 10 (50) = 75 without it.
    cap = ("max_china_share", 0.5, "", "", "", "", "")
    chain = years_chain([("CHN", 100, 5), ("AUS", 30, 10)], {"JPN": 10}, "2024,2030,2035",
                        project_rows=(("can", "mine", "CAN", 20, 4, 200, 2030),),
                        policy_rows=(("discount_rate", 0), (*cap, 2030), (*cap, 2035)))
    [years] = _year_data(chain, "joint")
    plans = solve_years(years)
    assert [p.objective_usd for p in plans] == pytest.approx([50.0, 40.0, 40.0], rel=REL)
    assert [p.capex_usd for p in plans] == pytest.approx([0.0, 10.0, 10.0])
    assert plans[0].model is plans[0].solver.model  # 2024 alone
    assert plans[1].solver is plans[2].solver and plans[1].model is not plans[1].solver.model
    assert [bool(p.backed.any()) for p in plans] == [False, True, True]
    # the same optimum as one MILP over all three years (the reference formulation)
    assert _reference_total(chain, "joint") == pytest.approx(150.0, rel=REL)
    assert _run(chain).cooperation["joint_cost_usd"] == pytest.approx(150.0, rel=REL)
