"""Concentration measures on hand-made cases with answers worked out by hand."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from tests.chains import frame
from toolkit.chain import blank_chain
from toolkit.risk import (
    concentration_table,
    hhi,
    hhi_wgi,
    risk_band,
    shares,
    top_k,
    wgi_scaled,
)


def three_country_chain(with_row: bool = False):
    """CHN 50 t, AUS 30 t, and CAN 20 t (or ROW 20 t) at the mine stage."""
    third = "ROW" if with_row else "CAN"
    countries = frame("country name wgi partner", [
        ("CHN", "China", -0.5, False), ("AUS", "Australia", 1.0, True),
        ("CAN", "Canada", 2.0, True), ("ROW", "Rest of world", math.nan, False)])
    supply = frame("mineral stage country capacity_t unit_cost_usd_per_t year", [
        ("x", "mine", "CHN", 50.0, 1.0, 2024.0), ("x", "mine", "AUS", 30.0, 1.0, 2024.0),
        ("x", "mine", third, 20.0, 1.0, 2024.0)])
    minerals = frame("mineral name unit content_basis", [("x", "X", "t", "")])
    return blank_chain(minerals=minerals, countries=countries, supply=supply)


def test_hhi_top3_and_wgi_three_countries():
    # shares 0.5, 0.3, 0.2 -> HHI = 50^2 + 30^2 + 20^2 = 3,800; top-3 = 1.0
    # WGI scaled = 2 * (2.5 - wgi): CHN 6, AUS 3, CAN 1
    # HHI_WGI = 0.25*6 + 0.09*3 + 0.04*1 = 1.81
    row = concentration_table(three_country_chain(), exposure=False).iloc[0]
    assert row["hhi"] == pytest.approx(3800.0)
    assert row["top3_share"] == pytest.approx(1.0)
    assert row["top1_country"] == "CHN"
    assert row["top1_share"] == pytest.approx(0.5)
    assert row["china_share"] == pytest.approx(0.5)
    assert row["hhi_wgi"] == pytest.approx(1.81)
    assert row["risk_band"] == "high"
    assert row["total_t"] == pytest.approx(100.0)


def test_rest_of_world_is_in_denominator_but_not_squared():
    # CHN 0.5, AUS 0.3, ROW 0.2: HHI = 2,500 + 900 = 3,400; top-3 of named = 0.8
    # HHI_WGI leaves ROW (no WGI) out: 0.25*6 + 0.09*3 = 1.77
    row = concentration_table(three_country_chain(with_row=True), exposure=False).iloc[0]
    assert row["hhi"] == pytest.approx(3400.0)
    assert row["top3_share"] == pytest.approx(0.8)
    assert row["hhi_wgi"] == pytest.approx(1.77)
    assert row["china_share"] == pytest.approx(0.5)


def test_bands_follow_2010_thresholds():
    assert [risk_band(v) for v in (0, 1499.9, 1500, 2500, 2500.1)] == [
        "low", "low", "moderate", "moderate", "high"]


def test_wgi_rescaling_end_points():
    assert wgi_scaled(2.5) == 0.0
    assert wgi_scaled(-2.5) == 10.0
    assert wgi_scaled(0.0) == 5.0


def test_monopoly_and_even_split():
    one = shares(pd.Series({"CHN": 7.0}))
    assert hhi(one) == pytest.approx(10_000)
    assert hhi_wgi(one, {"CHN": -2.5}) == pytest.approx(10.0)
    four = shares(pd.Series({"A": 1.0, "B": 1.0, "C": 1.0, "D": 1.0}))
    assert hhi(four) == pytest.approx(2500)
    assert top_k(four, 3) == pytest.approx(0.75)
