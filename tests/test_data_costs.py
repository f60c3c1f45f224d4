"""Costs by country and default bid premiums, checked against the raw files and the cited
figures (independent arithmetic with the ``csv`` module, not the build code)."""

from __future__ import annotations

import csv
import gzip
import re
from pathlib import Path

import pandas as pd
import pytest

from toolkit.curate.bid_premiums import pick_figure
from toolkit.io.datasets import load_embedded

DATASETS = Path(__file__).resolve().parent.parent / "datasets"
RAW = DATASETS / "raw"
BACI = RAW / "cepii_baci_qty_extract" / "baci_hs17_v202601_critical_hs6_2024_with_qty.csv"
COMTRADE = (RAW / "un_comtrade_raw_atlas_2022_2024"
            / "comtrade_2024_critical_hs6_all_reporters.csv.gz")
BUSCH = RAW / "busch_lithium_deposit_costs" / "lithium_deposits_parameters_busch2024.csv"
# Li mass fraction of Li2CO3 from IUPAC standard atomic weights (Li 6.94, C 12.011, O 15.999)
LI_IN_LI2CO3 = 2 * 6.94 / (2 * 6.94 + 12.011 + 3 * 15.999)


def _costs() -> pd.DataFrame:
    return pd.read_csv(DATASETS / "costs.csv", keep_default_na=False)


def _cost(mineral: str, stage: str, country: str = "") -> pd.Series:
    c = _costs()
    row = c[(c["mineral"] == mineral) & (c["stage"] == stage) & (c["country"] == country)]
    assert len(row) == 1, (mineral, stage, country)
    return row.iloc[0]


def _baci_flows(hs6: str) -> list[tuple[str, float, float]]:
    """(exporter, value USD, tonnes) of every BACI flow of a code with a positive quantity."""
    out = []
    with BACI.open(newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if r["hs6"] == hs6 and r["qty_t"] and float(r["qty_t"]) > 0:
                out.append((r["exporter"], float(r["value_kusd"]) * 1000, float(r["qty_t"])))
    return out


def _band(flows: list[tuple[str, float, float]]) -> tuple[float, float]:
    """[median / 5, 5 x median] of the quantity-weighted median unit value (by hand)."""
    ranked = sorted(flows, key=lambda f: f[1] / f[2])
    half, cum = sum(f[2] for f in flows) / 2, 0.0
    for f in ranked:
        cum += f[2]
        if cum >= half:
            median = f[1] / f[2]
            return median / 5, median * 5
    raise AssertionError("empty code")


@pytest.mark.parametrize(
    ("mineral", "stage", "hs6", "country", "content", "flows_dropped"),
    [
        ("copper", "refine", "740311", "CHL", 1.0, 0),  # Chile's cathode, no outlier
        ("lithium", "refine", "283691", "CHL", LI_IN_LI2CO3, 2),  # carbonate -> t Li
        ("titanium", "refine", "810820", "JPN", 1.0, 15),  # Japan: the band drops 15 flows
        ("manganese", "mine", "260200", "GAB", 0.44, 1),  # USGS: average ore 44 % Mn
    ],
)
def test_unit_value_equals_value_over_tonnes_of_raw_rows(mineral, stage, hs6, country,
                                                         content, flows_dropped):
    flows = _baci_flows(hs6)
    low, high = _band(flows)
    mine = [f for f in flows if f[0] == country]
    kept = [f for f in mine if low <= f[1] / f[2] <= high]
    assert len(mine) - len(kept) == flows_dropped
    expected = sum(f[1] for f in kept) / (sum(f[2] for f in kept) * content)
    row = _cost(mineral, stage, country)
    assert row["unit_cost_usd_per_t"] == pytest.approx(expected, abs=0.01)
    assert row["basis"] == "derived"
    assert f"{len(kept)} flows" in row["note"]


def test_comtrade_cross_check_weights_duplicated_rows_by_quantity():
    """Chile's own cathode exports: every row's value/netwgt is a unit value, so the
    duplicated rows still give a valid quantity-weighted mean (never summed as a level)."""
    low, high = _band(_baci_flows("740311"))
    value = kg = 0.0
    with gzip.open(COMTRADE, "rt", newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if (r["reporter"], r["cmd"], r["flow"]) != ("152", "740311", "X"):
                continue
            v, w = float(r["value"] or 0), float(r["netwgt"] or 0)
            if v > 0 and w > 0 and low <= v / (w / 1000) <= high:
                value, kg = value + v, kg + w
    note = _cost("copper", "refine", "CHL")["note"]
    quoted = re.search(r"UN Comtrade 2024 \(CHL-reported exports\): ([\d,]+) USD/t", note)
    assert quoted is not None
    assert float(quoted.group(1).replace(",", "")) == pytest.approx(value / (kg / 1000),
                                                                    abs=0.5)


def test_lithium_cost_curve_by_hand_for_chile():
    with BUSCH.open(newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["Country"] == "Chile"
                and r["Status"] == "Producing" and float(r["prod_rate2023"]) > 0]
    assert sorted(r["Deposit_Name"] for r in rows) == ["Salar de Atacama (Albemarle)",
                                                      "Salar de Atacama (SQM)"]
    weight = sum(float(r["prod_rate2023"]) for r in rows)
    expected = sum(float(r["cost1"]) * float(r["prod_rate2023"]) for r in rows) / weight
    row = _cost("lithium", "mine", "CHL")
    assert row["unit_cost_usd_per_t"] == pytest.approx(expected, abs=0.01)
    assert row["basis"] == "modelled" and row["source_id"] == "busch_2024"
    no_tax = sum(float(r["cost1_noTax"]) * float(r["prod_rate2023"]) for r in rows) / weight
    assert f"without royalty and tax {no_tax:,.0f} USD/t Li" in row["note"]


def test_rare_earth_concentrate_no_longer_half_the_ndpr_price():
    mine = _cost("rare_earths", "mine")
    refine = _cost("rare_earths", "refine")
    assert mine["unit_cost_usd_per_t"] == 4717.0  # MP Materials Q4 2024 realized price/t REO
    assert refine["unit_cost_usd_per_t"] / mine["unit_cost_usd_per_t"] > 10
    assert mine["basis"] == "hand_entered" and "ASSUMPTION" in mine["note"]


def test_every_stage_has_one_labelled_stage_wide_row():
    costs = _costs()
    prod = pd.read_csv(DATASETS / "production.csv")
    pairs = set(map(tuple, prod[["mineral", "stage"]].drop_duplicates().to_numpy()))
    wide = costs[costs["country"] == ""]
    assert set(map(tuple, wide[["mineral", "stage"]].to_numpy())) == pairs
    assert not wide.duplicated(["mineral", "stage"]).any()
    assert wide["note"].str.startswith("STAGE-WIDE").all()
    assert (costs.loc[costs["basis"] == "assumption", "note"].str.contains("ASSUMPTION")).all()
    own = costs[costs["country"] != ""]
    producers = set(map(tuple, prod[["mineral", "stage", "country"]].to_numpy()))
    assert set(map(tuple, own[["mineral", "stage", "country"]].to_numpy())) <= producers
    assert "ROW" not in set(own["country"])


def test_loader_prefers_the_country_row():
    s = load_embedded().at_year(None).supply  # the data year (the chain also holds 2030...)
    li = s[(s["mineral"] == "lithium") & (s["stage"] == "refine")].set_index("country")
    assert li.loc["CHL", "unit_cost_usd_per_t"] == _cost("lithium", "refine", "CHL")[
        "unit_cost_usd_per_t"]
    # China's carbonate exports are < 5 % of its output: the stage-wide row applies
    assert li.loc["CHN", "unit_cost_usd_per_t"] == _cost("lithium", "refine")[
        "unit_cost_usd_per_t"]
    assert li["unit_cost_usd_per_t"].nunique() > 1


# ---------------------------------------------------------------------------------------
# Bid premiums: the cited figures' arithmetic (research/bid_premiums.md)
# ---------------------------------------------------------------------------------------


def _premiums() -> pd.DataFrame:
    return pd.read_csv(DATASETS / "bid_premiums.csv").set_index(["mineral", "stage"])


@pytest.mark.parametrize(
    ("mineral", "stage", "expected"),
    [
        ("rare_earths", "refine", 110 / 63 - 1),  # DoD floor 110 vs China 63 USD/kg NdPr
        ("gallium", "refine", 475 / 269.95 - 1),  # Europe 475 vs China 269.95 USD/kg
        # amorphous graphite CIF Europe 555-720 vs FOB China 435-500 USD/t (midpoints)
        ("graphite", "mine", ((555 + 720) / 2) / ((435 + 500) / 2) - 1),
        # Rotterdam 59,500-61,000 USD/t vs 186,500 yuan/t at 7.1752 yuan/USD
        ("antimony", "refine", ((59500 + 61000) / 2) / (186500 / 7.1752) - 1),
        ("bismuth", "refine", 33 / (((20719 + 22100) / 2) / 2204.62) - 1),  # USD/lb
        ("rare_earths", "manufacture", 0.175),  # magnets: 15-20 % more (midpoint)
        ("lithium", "refine", 0.0),  # 31 vs 32.09 USD/kg: negative spread clipped to 0
    ],
)
def test_bid_premium_equals_cited_arithmetic(mineral, stage, expected):
    figure, use = pick_figure(mineral, stage)
    assert use == "direct"
    assert figure.premium == pytest.approx(expected, rel=1e-9, abs=1e-12)
    premiums = _premiums()
    if (mineral, stage) in premiums.index:  # antimony refine: once a refine stage exists
        assert premiums.loc[(mineral, stage), "bid_premium"] == pytest.approx(expected,
                                                                              abs=1e-4)
        assert premiums.loc[(mineral, stage), "basis"] == "hand_entered"


def test_bid_premium_rows_cover_production_and_label_proxies():
    premiums = _premiums().reset_index()
    prod = pd.read_csv(DATASETS / "production.csv")
    pairs = prod[["mineral", "stage"]].drop_duplicates()
    assert len(premiums) == len(pairs)
    assert set(map(tuple, premiums[["mineral", "stage"]].to_numpy())) == set(
        map(tuple, pairs.to_numpy()))
    proxy = premiums["basis"] == "assumption"
    assert premiums.loc[proxy, "note"].str.startswith("ASSUMPTION").all()
    assert not premiums.loc[~proxy, "note"].str.contains("ASSUMPTION").any()
    fallback = premiums["note"].str.contains("stage fallback F26")
    assert (premiums.loc[fallback, "bid_premium"] == 0.5).all()  # IEA: capex ~50 % higher
    sources = set(pd.read_csv(DATASETS / "sources.csv")["source_id"])
    used = {i for v in premiums["source_id"] for i in v.split(";")}
    assert used <= sources


def test_default_policy_carries_the_bid_premiums():
    chain = load_embedded()
    policy = chain.policy
    premiums = _premiums()
    assert len(policy) == len(premiums)
    assert set(policy["setting"]) == {"bid_premium"}
    row = policy[(policy["mineral"] == "gallium") & (policy["stage"] == "refine")]
    assert float(row["value"].iloc[0]) == pytest.approx(
        premiums.loc[("gallium", "refine"), "bid_premium"])
