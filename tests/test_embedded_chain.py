"""The embedded dataset as a SupplyChain: costs, years and coverage as the files state."""

from __future__ import annotations

import pandas as pd
import pytest

from toolkit.io.datasets import datasets_dir, load_embedded


@pytest.fixture(scope="module")
def chain():
    return load_embedded()


def test_non_china_manufacture_costs_carry_the_premium(chain):
    costs = pd.read_csv(datasets_dir() / "costs.csv").set_index(["mineral", "stage"])
    base = costs.loc[("graphite", "manufacture"), "unit_cost_usd_per_t"]
    premium = costs.loc[("graphite", "manufacture"), "premium_outside_china"]
    assert premium == 0.5
    supply = chain.at_year().supply  # the data year (the chain also holds 2030, 2035)
    rows = supply[(supply["mineral"] == "graphite")
                  & (supply["stage"] == "manufacture")].set_index("country")
    assert rows.loc["CHN", "unit_cost_usd_per_t"] == pytest.approx(base)
    assert rows.loc["ROW", "unit_cost_usd_per_t"] == pytest.approx(round(base * 1.5, 2))


def test_default_year_is_latest_final_year(chain):
    at = chain.at_year()
    # every (mineral, stage) keeps its latest year <= 2024: 2024 everywhere except tin
    # refining, whose only published figures (ITA) are for 2023
    years = at.supply.groupby(["mineral", "stage"])["year"].unique()
    assert all(len(y) == 1 for y in years)
    old = {k: y[0] for k, y in years.items() if y[0] != 2024.0}
    assert old == {("tin", "refine"): 2023.0}
    # germanium has 2020-2024 rows (one BGS basis): 2024 is kept
    ge = at.supply[at.supply["mineral"] == "germanium"]
    assert set(ge["year"]) == {2024.0}
    assert ge["capacity_t"].sum() == pytest.approx(140.0)


def test_every_mineral_has_demand_for_both_buyers(chain):
    planned = chain.demand[chain.demand["buyer"].isin(["GBR", "JPN"])]
    counts = planned.groupby("mineral")["buyer"].nunique()
    assert (counts == 2).all()
    assert set(counts.index) == set(chain.mineral_ids)
    # every mineral also has market buyers (ROW and/or named countries)
    market = chain.demand[~chain.demand["buyer"].isin(["GBR", "JPN"])]
    assert set(market["mineral"]) == set(chain.mineral_ids)
