"""The world market in the reports, on a hand-solved market (tests/test_market_hand.py).

One mine stage: CHN C = P = 100 t at 10 USD/t, AUS C = P = 50 t at 12 USD/t; ROW holds
120 t, JPN needs 30 t; bid premium 0.5.  Capping China at 0 makes JPN bid 20 t away from
AUS's market buyers at 0.5 x 12 = 6 USD/t: 120 USD a year of premium.
"""

from __future__ import annotations

import re

import openpyxl
import pytest

from tests.optimize_chains import disruptions, policy
from tests.test_market_hand import ONE_DEMAND, ONE_STAGE, market_chain
from toolkit.pipeline import _bundle, run_model
from toolkit.reports import write_reports
from toolkit.reports.findings import findings, tables_of
from toolkit.results import run_result


def _bundle_of(chain):
    runs = run_model(chain, pareto_points=11)
    return _bundle(run_result(runs, "t", None), chain, None, 0.0)


@pytest.fixture(scope="module")
def capped():
    pol = policy(("max_china_share", 0.0, "", "", "", "no China"), ("bid_premium", 0.5),
                 ("mode", "independent", "", "", "", "no China"))
    return _bundle_of(market_chain(ONE_STAGE, ONE_DEMAND, policy=pol))


def test_price_of_derisking_is_tonnes_bid_away_times_premium(capped):
    t = tables_of(capped)
    assert t.bids["bid_t"].sum() == pytest.approx(20.0, rel=1e-6)
    assert t.bids["bid_cost_usd"].sum() == pytest.approx(20 * 0.5 * 12, rel=1e-6)
    line = next(x for x in findings(t) if "bids supply" in x)
    assert "USD 120 a year in premiums" in line
    assert "x at the mine stage: 20.0 t at +50% of the unit cost" in line


def test_market_table_states_the_world_around_the_buyers(capped):
    market = tables_of(capped).market.iloc[0]
    assert market["market_demand_t"] == pytest.approx(120.0)
    assert market["planned_demand_t"] == pytest.approx(30.0)
    assert market["spare_t"] == pytest.approx(150 - 120 - 30, abs=1e-9)
    # outside China: AUS's 10 free tonnes + its 40 held tonnes (theta = 1), capped by C = 50
    assert market["non_china_reach_t"] == pytest.approx(50.0)
    assert market["planned_share"] == pytest.approx(30 / 150)


def test_impossible_cap_names_the_missing_non_chinese_tonnes():
    # AUS at max_bid_share 0.25 gives at most 10 free + 10 bid = 20 t: a 0 % China cap on
    # 30 t misses 10 t; the sweep's loosest impossible cap is 30 %: needs 21 t, 1 t missing
    pol = policy(("bid_premium", 0.5), ("max_bid_share", 0.25))
    t = tables_of(_bundle_of(market_chain(ONE_STAGE, ONE_DEMAND, policy=pol)))
    line = next(x for x in findings(t) if "cannot be met with today's capacity" in x
                and "because outside China" in x)
    assert "a cap of 30% on China's share" in line
    assert ("the cap needs 21.0 t from outside China; the UK and Japan can contract or bid "
            "away only 20.0 t there: 1.00 t missing") in line
    rows = t.pareto_minerals[t.pareto_minerals["epsilon"] == 0.0]
    assert float(rows["missing_t"].iloc[0]) == pytest.approx(10.0)


def test_disruption_line_and_table_show_the_contested_spot_market():
    # tests/test_market_hand.py::test_spot_is_shared_with_the_market_buyers: JPN buys
    # 10/9 t from CHN, loses it when CHN is lost and recovers all 10/9 t spot, which is
    # its share sigma = 20 % of the 50/9 t AUS offers (0.5 x (40 - 30 + 10/9)).
    spare = [("mine", "CHN", 100.0, 10.0, 100.0), ("mine", "AUS", 80.0, 12.0, 50.0)]
    pol = policy(("spot_share", 0.5), ("spot_premium", 1.5), ("shortfall_cost_usd_per_t", 100),
                 ("bid_premium", 0.5))
    dis = disruptions(("CHN lost", "x", "mine", "CHN", 1.0, 0.1))
    t = tables_of(_bundle_of(market_chain(spare, ONE_DEMAND, policy=pol, disruptions=dis)))
    row = t.disruption_market.iloc[0]
    assert row["lost_t"] == pytest.approx(10 / 9, rel=1e-6)
    assert row["spot_t"] == pytest.approx(10 / 9, rel=1e-6)
    assert row["spot_available_t"] == pytest.approx(10 / 9, rel=1e-6)
    assert row["spot_contested_t"] == pytest.approx(4 * 10 / 9, rel=1e-6)


def test_brief_and_workbook_carry_the_market_sections(capped, tmp_path):
    written = write_reports(capped, tmp_path, "m")
    assert {p.suffix for p in written} >= {".html", ".xlsx"}
    page = (tmp_path / "m.html").read_text(encoding="utf-8")
    assert "What de-risking costs when other buyers want the same tonnes" in page
    assert re.search(r'<img src="data:image/png;base64,[^"]+" alt="De-risking cost', page)
    book = openpyxl.load_workbook(tmp_path / "m.xlsx")
    assert {"Market", "Bids", "Sensitivity"} <= set(book.sheetnames)
    head = [c.value.replace(" ", "_") for c in book["Sensitivity"][1] if c.value]
    rows = [dict(zip(head, [c.value for c in r], strict=False))
            for r in book["Sensitivity"].iter_rows(min_row=2, max_row=10)]
    # the case's own cap (0) priced from 0x to 2x: capped 30 t from AUS (10 free + 20 bid)
    # = 360 + 20 x 6 m; uncapped 20 t free CHN at 10 + 10 t at the cheaper of AUS (12) and
    # a CHN tonne bid away (10 x (1 + 0.5 m))
    assert [r["multiplier"] for r in rows if r["case"] == "no China"] == [
        0, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2]
    for r in rows:
        if r["case"] == "no China":
            m = r["multiplier"]
            uncapped = 200 + 10 * min(12.0, 10 * (1 + 0.5 * m))
            assert r["derisking_cost_usd"] == pytest.approx(360 + 120 * m - uncapped, abs=1e-3)


def test_equal_cost_caveat_only_where_no_premium_prices_the_stage(capped):
    assert not any("same unit cost" in c for c in tables_of(capped).caveats)
    pol = policy(("max_china_share", 0.0, "", "", "", "no China"),
                 ("mode", "independent", "", "", "", "no China"))
    equal = [("mine", "CHN", 100.0, 10.0, 100.0), ("mine", "AUS", 50.0, 10.0, 50.0)]
    free = _bundle_of(market_chain(equal, ONE_DEMAND, policy=pol))  # bid premium 0
    assert any("same unit cost" in c for c in tables_of(free).caveats)


def test_a_case_that_cannot_be_met_is_explained_without_internal_ids():
    # AUS can give 20 t (10 free + 10 bid at max_bid_share 0.25): a 0 % China cap on 30 t
    # misses 10 t
    pol = policy(("max_china_share", 0.0), ("bid_premium", 0.5), ("max_bid_share", 0.25))
    t = tables_of(_bundle_of(market_chain(ONE_STAGE, ONE_DEMAND, policy=pol)))
    line = findings(t)[0]
    assert line == ("Policy case “base” (independent) cannot be met: Japan's x at the mine "
                    "stage: a cap of 0% on China's share needs 30.0 t from outside China, but "
                    "only 20.0 t can be had (10.0 t short).")


def test_a_cap_scoped_to_one_buyer_says_epsilon_caps_the_rest():
    """The bid-premium sensitivity caps what a case's own cap leaves uncapped at ε (65 %):
    the rows say so (``cap_elsewhere``) and so do the brief's line and chart label; a
    cap set for every buyer does not claim it."""
    from toolkit.reports.market import cap_label, sensitivity_lines

    demand = {"ROW": 110.0, "JPN": 30.0, "GBR": 10.0}
    pol = policy(("bid_premium", 0.5),
                 ("max_china_share", 0.5, "", "", "JPN", "JPN only"),
                 ("max_china_share", 0.5, "", "", "", "both"))
    t = tables_of(_bundle_of(market_chain(ONE_STAGE, demand, policy=pol)))
    rows = {c: r.set_index("multiplier", drop=False) for c, r in t.sensitivity.groupby("case")}
    # free bids (x0): every tonne moved from CHN (10 USD/t) to AUS (12) costs 2 USD/t;
    # "JPN only" moves 15 t of Japan's 30 (its cap, 50 %) and 3.5 t of the UK's 10 (ε, 65 %)
    assert rows["JPN only"].loc[0.0, "derisking_cost_usd"] == pytest.approx(
        (15 + 3.5) * 2, rel=1e-6)
    assert rows["both"].loc[0.0, "derisking_cost_usd"] == pytest.approx((15 + 5) * 2, rel=1e-6)
    assert rows["JPN only"]["cap_elsewhere"].tolist() == [True] * len(rows["JPN only"])
    assert not rows["both"]["cap_elsewhere"].any()
    assert cap_label(rows["JPN only"]) == " (China ≤ 50%, else 65%)"
    assert cap_label(rows["both"]) == " (China ≤ 50%)"
    lines = " ".join(sensitivity_lines(t.sensitivity))
    assert ("In “JPN only”, its own cap of 50% on China's share, and 65% on every buyer, "
            "stage and mineral it sets no cap for, costs") in lines
    assert "In “both”, its own cap of 50% on China's share costs" in lines


def test_a_dearer_case_says_what_it_costs_over_the_first():
    from toolkit.reports.case_costs import dearer_line
    from toolkit.reports.data import Case

    base = Case("base", "independent", "optimal", 100.0e6, {})
    capped = Case("capped", "independent", "optimal", 112.9e6, {})
    assert dearer_line(capped, base) == (" It costs USD 12.9 m a year more than “base” "
                                         "(USD 100.0 m a year).")
    assert dearer_line(base, capped) == dearer_line(base, base) == ""
    years = Case("years", "joint", "optimal", 150.0e6, {"multi_year": True})
    assert dearer_line(years, base) == ""
