"""Hand-solved instances with exact optima, checked on both formulations."""

from __future__ import annotations

import pytest

from tests.chains import two_path_chain
from tests.optimize_chains import data_of, disruptions, one_stage_chain, policy
from toolkit.optimize.cooperation import cooperation, realisable_independent, solve_mode
from toolkit.optimize.model import build_model
from toolkit.optimize.plan import solve_plan
from toolkit.optimize.reference import solve_reference
from toolkit.optimize.solve import Solver
from toolkit.policy import resolve_cases


def _both(d) -> float:
    plan = solve_plan(d)
    status, ref = solve_reference(d)
    assert plan.status == status == "optimal"
    assert plan.objective_usd == pytest.approx(ref, rel=1e-9)
    return plan.objective_usd


def test_china_cap_exact_optimum():
    # Paths (mine, refine): AUS-CHN 15, AUS-JPN 17, CHN-CHN 13 USD/t; demand 10 t.
    # Uncapped: all 10 t on CHN-CHN = 130.  Cap 50 % at refine: 5 t CHN-CHN + 5 t AUS-JPN.
    chain = two_path_chain()
    assert _both(data_of(chain)) == pytest.approx(130.0)
    capped = chain.with_tables(policy=policy(("max_china_share", 0.5, "refine")))
    d = data_of(capped)
    assert _both(d) == pytest.approx(5 * 13 + 5 * 17)
    plan = solve_plan(d)
    refine = dict(zip(d.node_country[d.node_stage == 1],
                      plan.node_flow[0][d.node_stage == 1], strict=True))
    assert refine == pytest.approx({"CHN": 5.0, "JPN": 5.0})


def test_shadow_price_of_binding_cap_matches_one_point_resolve():
    # Moving 1 pp of 10 t (0.1 t) from AUS-JPN (17) to CHN-CHN (13) saves 0.4 USD.
    chain = two_path_chain().with_tables(policy=policy(("max_china_share", 0.5, "refine")))
    d = data_of(chain)
    plan = solve_plan(d)
    row = [r for r in plan.shadow if r["setting"] == "max_china_share"
           and r["stage"] == "refine"]
    assert row[0]["usd_per_pp"] == pytest.approx(0.4)
    m = plan.model
    m.china_eps[0, 1] = 0.51
    assert plan.solver.solve().objective_usd == pytest.approx(plan.objective_usd - 0.4)
    fresh = data_of(chain.with_tables(policy=policy(("max_china_share", 0.51, "refine"))))
    assert solve_reference(fresh)[1] == pytest.approx(plan.objective_usd - 0.4)


def test_min_served_share_exact_optimum():
    # AUS 10 USD/t, CHN 8 USD/t; CHN lost with p = 0.1; shortfall 10 USD/t.
    # CHN costs 8 + 0.1 * 10 = 9 < 10, so all CHN (90) ... unless at least 80 % must be
    # served when CHN is lost: at most 2 t CHN -> 2 * 9 + 8 * 10 = 98.
    base = one_stage_chain([("AUS", 100, 10), ("CHN", 100, 8)], {"JPN": 10},
                           disruptions=disruptions(("cut", "x", "mine", "CHN", 1.0, 0.1)))
    free = base.with_tables(policy=policy(("shortfall_cost_usd_per_t", 10)))
    assert _both(data_of(free)) == pytest.approx(90.0)
    tight = base.with_tables(policy=policy(("shortfall_cost_usd_per_t", 10),
                                           ("min_served_share", 0.8)))
    d = data_of(tight)
    assert _both(d) == pytest.approx(98.0)
    plan = solve_plan(d)
    assert plan.worst_served_share == pytest.approx(0.8)


def _stock_chain(stock_usd_per_t: float):
    """AUS 10 USD/t, CHN 8 USD/t lost with p = 0.1; 10 t for JPN, shortfall 10 USD/t, at
    least 80 % served, a stockpile at ``stock_usd_per_t`` a year."""
    return one_stage_chain(
        [("AUS", 100, 10), ("CHN", 100, 8)], {"JPN": 10},
        disruptions=disruptions(("cut", "x", "mine", "CHN", 1.0, 0.1)),
        policy=policy(("shortfall_cost_usd_per_t", 10), ("min_served_share", 0.8),
                      ("stockpile_cost_usd_per_t", stock_usd_per_t)))


def test_stockpile_exact_optimum():
    # As above with a stockpile at 0.5 USD/t/yr: covering a tonne costs 0.5 < 0.1 * 10,
    # so buy all 10 t from CHN (80) and hold 10 t (5): 85, nothing unserved.
    d = data_of(_stock_chain(0.5))
    assert _both(d) == pytest.approx(85.0)
    plan = solve_plan(d)
    assert plan.stock.tolist() == pytest.approx([10.0])
    assert plan.short.ravel().tolist() == pytest.approx([0.0])


def test_equal_cost_stockpile_or_shortfall_tie_serves_the_most():
    # Holding a tonne costs 1 USD/t/yr = the expected shortfall cost it saves (p = 0.1 x
    # 10 USD/t): any stock from 8 t (the 80 % floor) to 10 t costs 80 + S + (10 - S) = 90.
    # The shortfall tie-break picks the plan that serves everything (10 t held), on both
    # formulations, and moves the cost by less than 1e-6 of it.
    d = data_of(_stock_chain(1.0))
    assert _both(d) == pytest.approx(90.0, rel=1e-6)
    plan = solve_plan(d)
    assert plan.stock.tolist() == pytest.approx([10.0])
    assert plan.short.ravel().tolist() == pytest.approx([0.0], abs=1e-9)
    assert plan.worst_served_share == pytest.approx(1.0)
    # the two ends of the tie: holding 8 t (2 t short when CHN is lost) costs the
    # tie-break on 2 t more than holding 10 t, exactly p x t x 2 t
    held = {}
    for stock_t in (8.0, 10.0):
        m = build_model(d)
        m.stock[0].fix(stock_t)
        held[stock_t] = Solver(m).solve().objective_usd
    assert held[8.0] - held[10.0] == pytest.approx(0.1 * d.shortfall_tie_usd_per_t * 2.0,
                                                   rel=1e-3)
    # 1e-7 x the mean full-chain path cost, (10 + 8) / 2 USD/t
    assert d.shortfall_tie_usd_per_t == pytest.approx(1e-7 * 9.0, rel=1e-6)


def _pooled_chain():
    # GBR may buy only from CHN, JPN only from KAZ (8 USD/t each, 10 t each); each
    # country is lost with p = 0.1; every tonne must be served; holding costs 1 USD/t.
    return one_stage_chain(
        [("CHN", 100, 8), ("KAZ", 100, 8)], {"GBR": 10, "JPN": 10},
        routes=[("CHN", "GBR"), ("KAZ", "JPN")],
        disruptions=disruptions(("chn", "x", "mine", "CHN", 1.0, 0.1),
                                ("kaz", "x", "mine", "KAZ", 1.0, 0.1)),
        policy=policy(("min_served_share", 1.0), ("stockpile_cost_usd_per_t", 1.0)))


def test_joint_pooled_stockpile_beats_independent_exactly():
    # Independent: each holds 10 t: 160 + 20 = 180.  Joint: one pool of 10 t covers
    # whichever country is lost: 160 + 10 = 170.  Value of cooperation: 10 USD.
    chain = _pooled_chain()
    assert _both(data_of(chain, joint=True)) == pytest.approx(170.0)
    assert _both(data_of(chain, buyers=("GBR",), joint=False)) == pytest.approx(90.0)
    case = resolve_cases(chain)[0]
    at = chain.at_year(None)
    ind, standalone, over = realisable_independent(solve_mode(at, case, "independent"))
    coop = cooperation(ind, solve_mode(at, case, "joint"), standalone, over)
    assert coop["independent_cost_usd"] == pytest.approx(180.0)
    assert coop["joint_cost_usd"] == pytest.approx(170.0)
    assert coop["saving_usd"] == pytest.approx(10.0)
    assert coop["overclaimed"] == []


def test_overclaimed_node_is_rationed_by_demand():
    # AUS (10 USD/t) has 12 t; CHN (20 USD/t) is plentiful; demands 10 t each.
    # Alone each buyer takes 10 t from AUS (100): together 20 t > 12 t.  Rationed by
    # demand each gets 6 t AUS + 4 t CHN = 140; joint: 12 t AUS + 8 t CHN = 280.
    chain = one_stage_chain([("AUS", 12, 10), ("CHN", 100, 20)], {"GBR": 10, "JPN": 10})
    case = resolve_cases(chain)[0]
    at = chain.at_year(None)
    ind, standalone, over = realisable_independent(solve_mode(at, case, "independent"))
    coop = cooperation(ind, solve_mode(at, case, "joint"), standalone, over)
    assert coop["standalone_cost_usd"] == pytest.approx(200.0)
    assert coop["independent_cost_usd"] == pytest.approx(280.0)
    assert coop["joint_cost_usd"] == pytest.approx(280.0)
    assert [(r["country"], r["claimed_t"]) for r in coop["overclaimed"]] == [("AUS", 20.0)]


def test_solver_resolves_without_rebuilding():
    chain = two_path_chain().with_tables(policy=policy(("max_china_share", 0.5, "refine")))
    m = build_model(data_of(chain))
    solver = Solver(m)
    first = solver.solve().objective_usd
    m.china_eps[0, 1] = 1.0
    assert solver.solve().objective_usd == pytest.approx(130.0)
    m.china_eps[0, 1] = 0.5
    assert solver.solve().objective_usd == pytest.approx(first)


def test_equal_cost_tie_is_broken_towards_better_governance():
    # AUS and CHN both 10 USD/t: the cost optimum is any split.  The governance
    # tie-break (1e-7 x cost x scaled WGI / 10) picks AUS (WGI 1.5 -> 0.2) over CHN
    # (WGI -0.5 -> 0.6); the objective moves by 10 t x 10 USD x 1e-7 x 0.2 only.
    from tests.chains import frame

    countries = frame("country name wgi partner", [
        ("AUS", "Australia", 1.5, True), ("CHN", "China", -0.5, False),
        ("JPN", "Japan", 1.2, True)])
    chain = one_stage_chain([("CHN", 100, 10), ("AUS", 100, 10)], {"JPN": 10},
                            countries=countries)
    d = data_of(chain)
    plan = solve_plan(d)
    flows = dict(zip(d.node_country, plan.node_flow[0], strict=True))
    assert flows == pytest.approx({"AUS": 10.0, "CHN": 0.0})
    assert plan.objective_usd == pytest.approx(100.0, rel=1e-9, abs=1e-5)


def test_spot_overclaim_is_checked_scenario_by_scenario():
    # AUS 1 USD/t, KAZ 2 USD/t, 100 t each; each buyer contracts 40 t of AUS.  When AUS
    # loses half its capacity each buyer alone buys 15 t spot at KAZ... and 5 t at AUS;
    # together the two stand-alone plans claim 80 t of spot at AUS where 50 t survive in
    # that scenario.  The over-claim must be found (it was missed when the largest use
    # and the largest availability came from different scenarios) and rationed, so the
    # realisable independent cost equals the joint cost: saving 0, never negative.
    from toolkit.optimize.run import solve_case

    chain = one_stage_chain(
        [("AUS", 100, 1.0), ("KAZ", 100, 2.0)], {"GBR": 40, "JPN": 40},
        policy=policy(("spot_share", 1.0), ("spot_premium", 1.5),
                      ("shortfall_cost_usd_per_t", 1000)),
        disruptions=disruptions(("s1", "x", "mine", "AUS", 0.5, 0.1),
                                ("s2", "x", "mine", "KAZ", 0.5, 0.1)))
    run = solve_case(chain, resolve_cases(chain)[0], pareto_points=0)
    coop = run.cooperation
    assert [(r["country"], r["kind"]) for r in coop["overclaimed"]] == [("AUS", "spot")]
    assert coop["saving_usd"] >= 0.0
    assert coop["independent_cost_usd"] == pytest.approx(coop["joint_cost_usd"])


def test_offtake_shadow_price_is_per_point_of_buyer_demand():
    # CHN 8 USD/t, AUS 10 USD/t, 100 t each; JPN needs 10 t; offtake cap 5 % -> 5 t CHN
    # + 5 t AUS = 90.  One point of JPN's demand (0.1 t) more at CHN saves 0.1 x 2 = 0.2;
    # re-solving with the cap at 5.1 % (5.1 t) gives 89.8.
    chain = one_stage_chain([("AUS", 100, 10), ("CHN", 100, 8)], {"JPN": 10},
                            policy=policy(("max_offtake_share", 0.05, "mine")))
    plan = solve_plan(data_of(chain))
    assert plan.objective_usd == pytest.approx(90.0, abs=1e-4)
    row = [r for r in plan.shadow if r["setting"] == "max_offtake_share"]
    assert row[0]["usd_per_pp"] == pytest.approx(0.2, abs=1e-6)
    wider = chain.with_tables(policy=policy(("max_offtake_share", 0.051, "mine")))
    assert solve_plan(data_of(wider)).objective_usd == pytest.approx(89.8, abs=1e-4)


def test_reported_shortfall_is_what_the_plan_implies_when_unpriced():
    # AUS (only supplier) loses half its capacity with probability 0 and no shortfall
    # cost: the LP is indifferent to the shortfall between 5 t and 10 t; the report
    # must say 5 t short (10 t contracted x 0.5 lost, no spot, no stockpile).
    from toolkit.optimize.plan import scenario_rows

    chain = one_stage_chain([("AUS", 100, 10)], {"JPN": 10},
                            disruptions=disruptions(("half", "x", "mine", "AUS", 0.5, 0.0)))
    row = scenario_rows(solve_plan(data_of(chain)))[0]
    assert row["lost_t"] == pytest.approx(5.0)
    assert row["shortfall_t"] == pytest.approx(5.0)
    assert row["served_t"] == pytest.approx(5.0)


def test_pooled_worst_served_share_uses_combined_demand():
    # GBR 10 t short 2 t in scenario a; JPN 30 t short 6 t in scenario b.
    # Combined 40 t: a serves 38/40, b serves 34/40 -> worst 0.85 (per buyer it would be 0.8).
    from types import SimpleNamespace

    import numpy as np

    from toolkit.optimize.cooperation import pooled_worst_served_share

    def plan(demand, short):
        data = SimpleNamespace(demand_t=np.array([demand]), scenarios=("a", "b"))
        return SimpleNamespace(data=data, short=np.array([short], dtype=float))

    plans = [plan(10.0, [2.0, 0.0]), plan(30.0, [0.0, 6.0])]
    assert pooled_worst_served_share(plans) == pytest.approx(0.85)
