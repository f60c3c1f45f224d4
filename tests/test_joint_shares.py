"""China's share of a joint plan's two buyers together (results_years.share_rows): the
figure a joint plan determines, whatever its split of tonnes between the buyers."""

from __future__ import annotations

import pytest

from tests.optimize_chains import one_stage_chain, policy
from toolkit.optimize.run import solve_case
from toolkit.policy import resolve_cases
from toolkit.results_years import year_rows


def _rows(mode: str):
    # China 25 t at 5 USD/t (all of it taken: cheaper), Australia 100 t at 10; the UK needs
    # 10 t and Japan 30 t.  Together China supplies 25 of 40 t: 62.5 %.
    chain = one_stage_chain([("CHN", 25.0, 5.0), ("AUS", 100.0, 10.0)],
                            {"GBR": 10.0, "JPN": 30.0}, policy=policy(("mode", mode)))
    run = solve_case(chain, resolve_cases(chain)[0], pareto_points=0)
    [year] = year_rows(run)
    return {r["buyer"]: r["mean_share"] for r in year["china_share"]}


def test_joint_plan_gives_the_buyers_together():
    shares = _rows("joint")
    assert shares["GBR+JPN"] == pytest.approx(25 / 40)
    # the per-buyer split is the plan's convention; weighted by demand it is the pair's
    assert (10 * shares["GBR"] + 30 * shares["JPN"]) / 40 == pytest.approx(25 / 40)


def test_independent_plans_have_no_pair_row():
    assert set(_rows("independent")) == {"GBR", "JPN"}


def test_a_year_only_one_buyer_buys_in_still_has_the_pair_row():
    # Joint, 2024 and 2030; Japan buys 10 t in both years, the UK 10 t only in 2030.  China
    # 5 t at 5, Australia 100 t at 10: China's 5 t are taken in each year, so the pair's
    # share is 5/10 in 2024 (Japan alone) and 5/20 in 2030.
    from tests.years_chains import demand_rows, years_chain

    chain = years_chain([("CHN", 5.0, 5.0), ("AUS", 100.0, 10.0)], {}, "2024,2030",
                        policy_rows=(("mode", "joint"),),
                        demand_table=demand_rows(("JPN", 10, None), ("GBR", 0, None),
                                                 ("GBR", 10, 2030)))
    run = solve_case(chain, resolve_cases(chain)[0], pareto_points=0)
    pair = {y["year"]: s["mean_share"] for y in year_rows(run) for s in y["china_share"]
            if s["buyer"] == "GBR+JPN" and s["stage"] == "mine"}
    assert pair == {2024: pytest.approx(0.5), 2030: pytest.approx(0.25)}
