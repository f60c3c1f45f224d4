"""The world-market contract, case by case, solved by hand and by the second formulation.

Rules (docs/OPTIMIZATION.md, "World market"): market buyers hold H_n = P_n D^M / P_k;
planned buyers contract at most C_n - H_n + d_n with d_n <= theta H_n at bid_premium x c_n
a tonne; per stage planned tonnes <= sum C_n - D^M; spot at n in scenario s is at most
sigma phi_k (1 - l_ns)(C_n - H_n + d_n - planned_n), sigma = D^P / (D^P + D^M).
Every optimum below is worked out in the comments and checked on both formulations
(the Pyomo model and the direct highspy reference).
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.chains import frame
from tests.optimize_chains import data_of, disruptions, policy
from tests.test_optimize_hand import _both
from toolkit.chain import blank_chain
from toolkit.errors import InputError
from toolkit.optimize.cooperation import realisable_independent, solve_mode
from toolkit.optimize.plan import solve_plan
from toolkit.optimize.reference import solve_reference
from toolkit.policy import resolve_cases

SUPPLY_COLS = "mineral stage country capacity_t unit_cost_usd_per_t year production_t"


def market_chain(supply: list[tuple], demand: dict[str, float], **tables):
    """Mineral ``x``: supply rows (stage, country, capacity_t, cost, production_t)."""
    countries = sorted({r[1] for r in supply} | set(demand) | {"GBR", "JPN"})
    base = {
        "minerals": frame("mineral name unit content_basis", [("x", "X", "t", "")]),
        "countries": frame("country name wgi partner",
                           [(c, c, 0.0, c in ("AUS", "CAN")) for c in countries]),
        "supply": frame(SUPPLY_COLS, [("x", st, c, cap, cost, 2024.0, prod)
                                      for st, c, cap, cost, prod in supply]),
        "demand": frame("buyer mineral demand_t sector",
                        [(b, "x", t, "all") for b, t in demand.items()]),
    }
    base.update(tables)
    return blank_chain(**base)


def _flows(d, plan) -> dict[tuple[str, str], float]:
    return {(d.stages[d.node_stage[n]], str(d.node_country[n])): float(plan.node_flow[:, n].sum())
            for n in range(len(d.capacity_t))}


# One mine stage: CHN C = P = 100 t at 10 USD/t, AUS C = P = 50 t at 12 USD/t;
# ROW (market) 120 t, JPN (planned) 30 t.  P_k = 150: H_CHN = 80, H_AUS = 40, free 20 + 10.
ONE_STAGE = [("mine", "CHN", 100.0, 10.0, 100.0), ("mine", "AUS", 50.0, 12.0, 50.0)]
ONE_DEMAND = {"ROW": 120.0, "JPN": 30.0}


def test_holding_leaves_the_planned_buyers_todays_share():
    pol = policy(("bid_premium", 0.5))
    d = data_of(market_chain(ONE_STAGE, ONE_DEMAND, policy=pol))
    assert d.holding_t.tolist() == pytest.approx([40.0, 80.0])  # nodes sorted: AUS, CHN
    assert d.sigma == pytest.approx(30 / 150)
    # no cap: a CHN tonne bid away costs 10 + 5 = 15 > 12, so the free tonnes:
    # 20 t CHN at 10 + 10 t AUS at 12 = 320, no bids
    assert _both(d) == pytest.approx(320.0)
    plan = solve_plan(d)
    assert _flows(d, plan) == pytest.approx({("mine", "AUS"): 10.0, ("mine", "CHN"): 20.0})
    assert plan.bid.sum() == pytest.approx(0.0, abs=1e-9)
    # premium 0.1: a bid CHN tonne costs 11 < 12: 20 free + 10 bid CHN = 200 + 110 = 310
    cheap = data_of(market_chain(ONE_STAGE, ONE_DEMAND, policy=policy(("bid_premium", 0.1))))
    assert _both(cheap) == pytest.approx(310.0)
    # no premium given: bids are free (default 0) and all 30 t come from CHN at 10
    assert _both(data_of(market_chain(ONE_STAGE, ONE_DEMAND))) == pytest.approx(300.0)


def test_bid_premium_prices_moving_away_from_china():
    # China share 0: 30 t from AUS = 10 free + 20 bid away from ROW at +50 % of 12:
    # 30 x 12 + 20 x 6 = 480 (without market buyers it would be 30 x 12 = 360).
    pol = policy(("max_china_share", 0.0), ("bid_premium", 0.5))
    d = data_of(market_chain(ONE_STAGE, ONE_DEMAND, policy=pol))
    assert _both(d) == pytest.approx(480.0)
    plan = solve_plan(d)
    assert plan.bid.tolist() == pytest.approx([20.0, 0.0])
    assert plan.bid_cost_usd == pytest.approx(120.0)
    # a third from China: 10 t CHN + 20 t AUS (10 free + 10 bid): 100 + 240 + 60 = 400
    third = policy(("max_china_share", 1 / 3), ("bid_premium", 0.5))
    assert _both(data_of(market_chain(ONE_STAGE, ONE_DEMAND, policy=third))) == (
        pytest.approx(400.0))


def test_max_bid_share_limits_the_tonnes_bid_away():
    # theta = 0.25: at most 10 of AUS's 40 held tonnes -> AUS gives 20 t < 30 needed
    pol = policy(("max_china_share", 0.0), ("bid_premium", 0.5), ("max_bid_share", 0.25))
    d = data_of(market_chain(ONE_STAGE, ONE_DEMAND, policy=pol))
    assert solve_plan(d).status == "infeasible" == solve_reference(d)[0]
    # theta = 0.5 allows 20 t: feasible at exactly the 480 of the full bid
    ok = policy(("max_china_share", 0.0), ("bid_premium", 0.5), ("max_bid_share", 0.5))
    assert _both(data_of(market_chain(ONE_STAGE, ONE_DEMAND, policy=ok))) == (
        pytest.approx(480.0))


def test_world_balance_caps_planned_tonnes_at_what_the_world_has_left():
    # AUS has 10 t spare (C = 60, P = 50): world balance 160 - 120 = 40 t.
    spare = [("mine", "CHN", 100.0, 10.0, 100.0), ("mine", "AUS", 60.0, 12.0, 50.0)]
    pol = policy(("bid_premium", 0.5))
    d = data_of(market_chain(spare, {"ROW": 120.0, "JPN": 40.0}, policy=pol))
    # free: CHN 20, AUS 60 - 40 = 20 -> 20 x 10 + 20 x 12 = 440
    assert _both(d) == pytest.approx(440.0)
    # 45 t: bids could add 120 t of room, but the world has only 40 t to spare
    short = data_of(market_chain(spare, {"ROW": 120.0, "JPN": 45.0}, policy=pol))
    assert solve_plan(short).status == "infeasible" == solve_reference(short)[0]
    rows = solve_plan(short).diagnosis
    assert any(r["setting"] == "world_balance" and r["gap_t"] == pytest.approx(5.0)
               for r in rows)


def test_market_demand_above_a_stage_output_is_an_input_error():
    with pytest.raises(InputError, match="exceeds the mine stage's production"):
        data_of(market_chain(ONE_STAGE, {"ROW": 151.0, "JPN": 1.0}))


def test_spot_is_shared_with_the_market_buyers():
    # AUS C = 80, P = 50 (30 t spare): H_AUS = 40, free AUS 40; sigma = 30/150 = 0.2.
    # CHN lost (p = 0.1); spot_share 0.5 at 1.5 x 12 = 18 USD/t; shortfall 100 USD/t.
    # With a t from CHN, spot at AUS <= 0.2 x 0.5 x (40 - (30 - a)) = 0.1 (10 + a):
    # cover is full while a <= 0.1 (10 + a), i.e. a <= 10/9, and each CHN tonne saves
    # 2 - 0.1 x 18 = 0.2 USD; beyond it a tonne costs 0.9 x 0.1 x 100 more.  So
    # a* = 10/9: cost 360 - 2 a + 0.1 x 18 a = 360 - 0.2 x 10/9 = 359.777...
    spare = [("mine", "CHN", 100.0, 10.0, 100.0), ("mine", "AUS", 80.0, 12.0, 50.0)]
    # (bid_premium 0.5: a bid AUS tonne costs 6 and adds only 0.1 t of spot: never bid)
    pol = policy(("spot_share", 0.5), ("spot_premium", 1.5), ("shortfall_cost_usd_per_t", 100),
                 ("bid_premium", 0.5))
    dis = disruptions(("CHN lost", "x", "mine", "CHN", 1.0, 0.1))
    d = data_of(market_chain(spare, ONE_DEMAND, policy=pol, disruptions=dis))
    assert _both(d) == pytest.approx(360 - 0.2 * 10 / 9, rel=1e-6)
    plan = solve_plan(d)
    assert _flows(d, plan)[("mine", "CHN")] == pytest.approx(10 / 9, rel=1e-6)
    assert plan.spot[0, 0] == pytest.approx(10 / 9, rel=1e-6)
    # alone in the world (sigma = 1, no holdings) the spot market covers far more:
    # spot <= 0.5 (80 - (30 - a)) >= a for every a <= 30, so all 30 t come from CHN:
    # 300 + 0.1 x 18 x 30 = 354
    alone = data_of(market_chain(spare, {"JPN": 30.0}, policy=pol, disruptions=dis))
    assert _both(alone) == pytest.approx(354.0)


# Two stages.  Mine: CHN C = P = 100 at 5, AUS C = P = 100 at 6.  Refine: CHN 150 at 3,
# JPN 50 at 4.  ROW 180 t, JPN 20 t: H = 90 / 90 (mine), 135 / 45 (refine);
# free 10 / 10 and 15 / 5.
TWO_STAGE = [("mine", "CHN", 100.0, 5.0, 100.0), ("mine", "AUS", 100.0, 6.0, 100.0),
             ("refine", "CHN", 150.0, 3.0, 150.0), ("refine", "JPN", 50.0, 4.0, 50.0)]
TWO_DEMAND = {"ROW": 180.0, "JPN": 20.0}


def test_two_stage_holdings_and_bids():
    # no cap, premium 0.5 (a bid CHN tonne costs 7.5 > 6 at mine, 4.5 > 4 at refine):
    # 10 x 5 + 10 x 6 + 15 x 3 + 5 x 4 = 175
    half = policy(("bid_premium", 0.5))
    assert _both(data_of(market_chain(TWO_STAGE, TWO_DEMAND, policy=half))) == (
        pytest.approx(175.0))
    # no China at refine, premium 0.5: refine JPN 20 = 5 free + 15 bid (15 x 2):
    # mine 110 + refine 80 + 30 = 220
    refine = policy(("max_china_share", 0.0, "refine"), ("bid_premium", 0.5))
    d = data_of(market_chain(TWO_STAGE, TWO_DEMAND, policy=refine))
    assert _both(d) == pytest.approx(220.0)
    # no China anywhere: mine AUS 20 = 10 free + 10 bid (10 x 3): 120 + 30 + 110 = 260
    both = policy(("max_china_share", 0.0), ("bid_premium", 0.5))
    assert _both(data_of(market_chain(TWO_STAGE, TWO_DEMAND, policy=both))) == (
        pytest.approx(260.0))
    # a premium per stage: 0.1 at mine, 1.0 at refine -> 120 + 10 x 0.6 + 80 + 15 x 4 = 266
    staged = policy(("max_china_share", 0.0), ("bid_premium", 0.1, "mine"),
                    ("bid_premium", 1.0, "refine"))
    assert _both(data_of(market_chain(TWO_STAGE, TWO_DEMAND, policy=staged))) == (
        pytest.approx(266.0))


def test_independent_buyers_are_rationed_on_the_free_tonnes():
    # GBR 10 + JPN 10 share the 20 free tonnes of the one-stage market (ROW 130, P 150):
    # H = 86.67 / 43.33, free CHN 13.33, AUS 6.67.  Alone, each would take all 13.33 t
    # of cheap CHN; together they over-claim it, so each gets half of every over-claimed
    # node's free tonnes and plans again: each 6.67 CHN + 3.33 AUS, cost 66.67 + 40 = 106.67.
    chain = market_chain(ONE_STAGE, {"ROW": 130.0, "GBR": 10.0, "JPN": 10.0},
                         policy=policy(("bid_premium", 0.5)))
    case = resolve_cases(chain)[0]
    plans, _, over = realisable_independent(solve_mode(chain.at_year(None), case,
                                                       "independent"))
    assert over["x"]
    total = sum(p.objective_usd for p in plans["x"])
    joint = solve_mode(chain.at_year(None), case, "joint")["x"][0]
    assert total == pytest.approx(joint.objective_usd, rel=1e-6)
    assert total == pytest.approx(2 * (10 * 20 / 3 + 12 * 10 / 3), rel=1e-6)


def test_without_market_buyers_the_rules_reduce_to_todays_model():
    d = data_of(market_chain(ONE_STAGE, {"JPN": 30.0}))
    assert not d.market_enabled and d.sigma == 1.0 and d.bid_nodes == []
    assert np.all(d.holding_t == 0)
    # the cheapest 30 t: all from CHN at 10
    assert _both(d) == pytest.approx(300.0)
    m = solve_plan(d).model
    assert len(m.bid) == 0 and m.world_balance is None


@pytest.mark.parametrize("cap", [None, 0.0, 0.5])
def test_market_buyers_on_their_own_extra_output_change_nothing(cap):
    # Metamorphic: give every node extra output equal to what a market buyer of 150 t
    # holds there (P_n doubles, so H_n = P_n/2 = the old C_n = P_n) and forbid bids: the
    # free tonnes are the old capacities and the world balance the old total, so the
    # optimum is the market-free one (cap 0 -> 30 t from AUS at 12 = 360).
    pol = [("max_bid_share", 0.0)] + ([("max_china_share", cap)] if cap is not None else [])
    alone = data_of(market_chain(ONE_STAGE, {"JPN": 30.0},
                                 policy=policy(*pol[1:]) if cap is not None else None))
    doubled = [(st, c, 2 * cap_t, cost, 2 * prod) for st, c, cap_t, cost, prod in ONE_STAGE]
    world = data_of(market_chain(doubled, {"ROW": 150.0, "JPN": 30.0}, policy=policy(*pol)))
    assert world.holding_t.tolist() == pytest.approx(alone.capacity_t.tolist())
    assert _both(world) == pytest.approx(_both(alone), rel=1e-9)


def test_demand_above_world_output_is_diagnosed_with_spot_enabled():
    # 400 t wanted of a world making 150 t with other buyers holding 100 t: the phase-1
    # model must stay feasible with spot rows (they get their own slack) and name the gaps
    pol = policy(("bid_premium", 0.5), ("spot_share", 0.1))
    dis = disruptions(("cut", "x", "mine", "CHN", 1.0, 0.1))
    d = data_of(market_chain(ONE_STAGE, {"ROW": 100.0, "JPN": 400.0}, policy=pol,
                             disruptions=dis))
    rows = solve_plan(d).diagnosis
    world = [r for r in rows if r["setting"] == "world_balance"]
    assert world and world[0]["gap_t"] == pytest.approx(350.0)
    assert all("no allowed path" not in r["message"] for r in rows)


def test_world_balance_diagnosis_gives_the_worlds_own_figures_and_a_rationed_share():
    # World balance 160 - 120 = 40 t spare.  Japan alone needs 45 t: 5 t short.  Planning
    # alone, Japan (30 t) and the UK (15 t) each fit, but together claim 45 t of 40: each
    # gets its share in proportion to demand (26.7 t and 13.3 t), and neither plan is met.
    spare = [("mine", "CHN", 100.0, 10.0, 100.0), ("mine", "AUS", 60.0, 12.0, 50.0)]
    pol = policy(("bid_premium", 0.5))
    short = data_of(market_chain(spare, {"ROW": 120.0, "JPN": 45.0}, policy=pol))
    [row] = [r for r in solve_plan(short).diagnosis if r["setting"] == "world_balance"]
    assert "world mine capacity 160 t less other buyers' demand 120 t leaves 40 t < " \
           "45 t needed" in row["message"]
    chain = market_chain(spare, {"ROW": 120.0, "JPN": 30.0, "GBR": 15.0}, policy=pol)
    plans, _cost, found = realisable_independent(
        solve_mode(chain.at_year(None), resolve_cases(chain)[0], "independent"))
    assert any(r["kind"] == "world" for r in found["x"])
    words = {p.data.buyers[0]: r["message"] for p in plans["x"] for r in p.diagnosis
             if r["setting"] == "world_balance"}
    assert "leaves 40 t spare, which the buyers planning alone over-claim together; " \
           "GBR's share in proportion to demand, 13.3 t, < 15 t needed" in words["GBR"]
    assert "JPN's share in proportion to demand, 26.7 t, < 30 t needed" in words["JPN"]
