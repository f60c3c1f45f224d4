"""Correctness of issue 12: ROW is never a partner; a cap on one buyer never marks the
other buyer's independent plan as failing; a joint plan's per-buyer figures that the
optimum does not pin down (stockpile split, served-floor prices) are reported for the
pair.  Every expected number is solved by hand in the docstrings."""

from __future__ import annotations

import numpy as np
import pytest

from tests.excel_cases import edited
from tests.optimize_chains import disruptions, one_stage_chain, policy
from toolkit.cli import main
from toolkit.optimize.cooperation import realisable_independent, solve_mode
from toolkit.pipeline import run_model
from toolkit.policy import resolve_cases
from toolkit.reports.findings import tables_of
from toolkit.results import run_result

# ---------------------------------------------------------------- ROW is never a partner


def test_a_partner_flag_on_row_is_refused_by_validation(tmp_path, capsys):
    path = edited(tmp_path, lambda wb: wb["Countries"].append(
        ["ROW", "Rest of world", None, True]))
    status = main(["validate", str(path)])
    err = capsys.readouterr().err
    assert status == 2, err
    assert ("sheet Countries, row 8, column partner: value True: ROW is the rest-of-world "
            "aggregate, never a partner") in err, err
    assert "Traceback" not in err


def test_row_never_counts_towards_a_partner_floor_even_when_flagged():
    """Mine x: ROW 100 t at 1 USD/t (flagged partner by a chain built in code), AUS
    (partner) 4 t at 2 USD/t; GBR needs 10 t with at least 50 % from partners.  Only AUS
    is a partner: 4 t < 5 t, so the floor cannot be met (were ROW counted, the plan would
    buy 10 t of ROW for 10 USD)."""
    chain = one_stage_chain([("ROW", 100.0, 1.0), ("AUS", 4.0, 2.0)], {"GBR": 10.0},
                            policy=policy(("min_partner_share", 0.5)))
    countries = chain.countries.assign(partner=chain.countries["country"].isin(["AUS",
                                                                              "ROW"]))
    chain = chain.with_tables(countries=countries)
    assert chain.partners() == {"AUS"}
    (run,) = run_model(chain, 0)
    (plan,) = run.plans["x"]
    assert plan.status == "infeasible"
    assert "partner supply 4 t < 5 t needed" in plan.diagnosis[0]["message"]


# ----------------------------------------------- a cap on one buyer, independent mode


def _gbr_capped(aus_t: float):
    """Mine x: AUS aus_t at 10 USD/t, CHN 100 t at 5 USD/t; GBR and JPN need 10 t each;
    only GBR caps China at 0 (independent mode)."""
    return one_stage_chain([("AUS", aus_t, 10.0), ("CHN", 100.0, 5.0)],
                           {"GBR": 10.0, "JPN": 10.0},
                           policy=policy(("max_china_share", 0.0, "", "", "GBR")))


def test_the_uncapped_buyer_is_reported_as_met_when_the_capped_one_cannot_be():
    """AUS 5 t: GBR's cap cannot be met (5 t < 10 t); JPN buys 10 t of CHN at 5 USD/t =
    50 USD and is met.  The headline row of JPN says so, with its cost."""
    chain = _gbr_capped(5.0)
    result = run_result(run_model(chain, 0), "x", None)
    head = tables_of({"result": result, "chain": chain}).headline.set_index("buyer")
    assert [(m["buyers"], m["buyers_not_met"]) for m in result["minerals"]] == [
        ("GBR+JPN", "GBR")]
    assert head.loc["GBR", "status"] == "infeasible" and np.isnan(head.loc["GBR", "cost_usd"])
    assert head.loc["JPN", "status"] == "optimal"
    assert head.loc["JPN", "cost_usd"] == pytest.approx(50.0)


def _rationed_chain():
    """AUS 15 t at 1 USD/t, CHN 100 t at 5 USD/t, only GBR caps China at 0.  Alone, each
    buyer takes 10 t of AUS: 20 t > 15 t over-claims it, so AUS is rationed 7.5 t each.
    GBR then needs 10 t outside China but has 7.5 t: it cannot be met, so it contracts
    nothing, and nothing is over-claimed any more.  JPN's plan is its own, 10 t of AUS at
    1 USD/t = 10 USD, not the rationed 7.5 t of AUS + 2.5 t of CHN = 20 USD."""
    return one_stage_chain([("AUS", 15.0, 1.0), ("CHN", 100.0, 5.0)],
                           {"GBR": 10.0, "JPN": 10.0},
                           policy=policy(("max_china_share", 0.0, "", "", "GBR")))


def test_a_buyer_whose_rationed_plan_fails_buys_nothing_and_rations_no_one():
    chain = _rationed_chain()
    case = resolve_cases(chain)[0]
    standalone = solve_mode(chain.at_year(None), case, "independent")
    plans, _, over = realisable_independent(standalone)
    gbr, jpn = plans["x"]
    assert over["x"][0]["country"] == "AUS"  # the stand-alone plans did over-claim it
    assert gbr.status == "infeasible"
    assert "non-China supply 7.5 t < 10 t needed" in gbr.diagnosis[0]["message"]
    assert jpn.status == "optimal"
    assert jpn.objective_usd == pytest.approx(10.0, rel=1e-6)
    assert jpn.node_flow[0] == pytest.approx([10.0, 0.0])


# -------------------------------------------------- joint plans: figures for the pair


def _joint_stockpile_chain():
    """Mine x: AUS 100 t at 10 USD/t; GBR 10 t, JPN 30 t; joint mode; scenario "cut":
    AUS loses 50 % with probability 0.5; shortfall costs 100 USD/t, stockpile 1 USD/t
    for both, both must be served at least 80 % in the scenario.  The plan contracts
    40 t of AUS (400 USD), loses 20 t in "cut", and a pooled stockpile S covers it:
    expected shortfall cost 0.5 x 100 x (20 - S) against holding cost S, so S = 20 t.
    Who holds the 20 t is not determined (same cost for both buyers)."""
    return one_stage_chain(
        [("AUS", 100.0, 10.0)], {"GBR": 10.0, "JPN": 30.0},
        disruptions=disruptions(("cut", "x", "mine", "AUS", 0.5, 0.5)),
        policy=policy(("mode", "joint"), ("shortfall_cost_usd_per_t", 100.0),
                      ("stockpile_cost_usd_per_t", 1.0), ("min_served_share", 0.8)))


def test_a_joint_stockpile_is_reported_for_the_pair():
    (run,) = run_model(_joint_stockpile_chain(), 0)
    result = run_result([run], "x", None)
    assert [(r["buyer"], round(r["tonnes"], 6)) for r in result["stockpile"]] == [
        ("GBR+JPN", 20.0)]
    assert all(r["stockpile_t"] is None for r in result["summary"])


def test_served_floor_prices_of_a_joint_plan_are_reported_for_the_pair():
    (run,) = run_model(_joint_stockpile_chain(), 0)
    rows = [r for r in run_result([run], "x", None)["shadow_prices"]
            if r["setting"] == "min_served_share"]
    assert [r["buyer"] for r in rows] == ["GBR+JPN"]


def test_independent_plans_keep_per_buyer_stockpiles_and_prices():
    chain = _joint_stockpile_chain()
    chain = chain.with_tables(policy=chain.policy.assign(
        value=chain.policy["value"].replace({"joint": "independent"})))
    (run,) = run_model(chain, 0)
    result = run_result([run], "x", None)
    assert [(r["buyer"], round(r["tonnes"], 6)) for r in result["stockpile"]] == [
        ("GBR", 5.0), ("JPN", 15.0)]
    assert {r["buyer"] for r in result["shadow_prices"]
            if r["setting"] == "min_served_share"} == {"GBR", "JPN"}

