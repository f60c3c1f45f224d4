"""How sweep statistics are shown: no negative zeros, S1 blank with its reason below
100 worlds, a negative S1 estimate shown as about 0."""

from __future__ import annotations

import math

import numpy as np

from toolkit.reports.sweep import s1_text
from toolkit.reports.words import pct
from toolkit.sampling import Uncertain
from toolkit.sweep.summary import MIN_S1_WORLDS, distribution, sensitivity


def _spot(low: float, high: float) -> Uncertain:
    return Uncertain("spot_share", "", "*", "*", math.nan, "uniform", low,
                     (low + high) / 2, high, "value", "test")


def test_the_lower_tail_of_zero_shares_is_zero_not_minus_zero():
    d = distribution(np.zeros(20), 0.95, high_is_bad=False)  # CVaR of -x, negated
    assert d["cvar"] == 0.0 and math.copysign(1.0, d["cvar"]) == 1.0
    assert pct(-0.0, 1) == "0.0%" and pct(-1e-6) == "0%" and pct(-0.05, 1) == "-5.0%"


def test_s1_left_out_below_its_minimum_says_why():
    rng = np.random.default_rng(1)
    x = rng.uniform(0, 1, size=(40, 1))
    y = 3 * x[:, 0] + rng.normal(0, 0.1, 40)  # y = 3x: the input explains it all
    result = sensitivity([_spot(0, 1)], x, y, seed=1)
    assert [r["s1"] for r in result["rows"]] == [None]
    assert result["note"] == (f"S1 needs at least {MIN_S1_WORLDS} worlds with an answer; "
                              "this output has 40")
    assert result["rows"][0]["src"] > 0.99
    x = rng.uniform(0, 1, size=(400, 1))
    result = sensitivity([_spot(0, 1)], x, 3 * x[:, 0] + rng.normal(0, 0.1, 400), seed=1)
    assert result["note"] == "" and result["rows"][0]["s1"] > 0.9


def test_a_negative_s1_estimate_is_shown_as_about_zero():
    assert [s1_text(v) for v in (None, -0.035, 0.002, 0.42)] == ["", "≈ 0", "≈ 0", "0.42"]


def test_a_small_sweep_warns_that_its_tenths_are_a_few_worlds():
    from toolkit.reports.sweep import _sensitivity

    few = _sensitivity({"samples": 40, "cases": []})
    assert "with 40 worlds each tenth holds 4 worlds" in few
    assert "Read with care" not in _sensitivity({"samples": 100, "cases": []})


def test_a_case_never_met_has_its_cost_labelled_as_the_minerals_that_can_be_met():
    from toolkit.reports.sweep import cost_label, distribution_table

    stat = {"n": 4, "mean": 1.0, "p5": 1.0, "p50": 1.0, "p95": 1.0, "cvar": 1.0}
    case = {"case": "cap", "cost_usd": stat, "served_share": stat,
            "china_share": {s: stat for s in ("mine", "refine", "manufacture")}}
    labels = [distribution_table({"cases": [{**case, "met_share": share}]})["output"][0]
              for share in (1.0, 0.5, 0.0, None)]
    assert labels == ["annual cost, USD",
                      "annual cost, USD (where not met: of the minerals that can be)",
                      "annual cost of the minerals that can be met, USD (never all)",
                      cost_label(0.0)]
