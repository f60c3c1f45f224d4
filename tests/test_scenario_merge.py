"""Exact scenario reduction: identical scenarios merged before any LP is built."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from tests.optimize_chains import data_of, disruptions, random_chain
from toolkit.optimize.data import merge_identical, mineral_base, scenario_losses
from toolkit.optimize.plan import solve_plan
from toolkit.optimize.reference import solve_reference


def duplicated(seed: int, **kw) -> object:
    """A random chain whose scenarios come in identical pairs (under other names and
    other row spellings: ``*`` stage vs one row per stage)."""
    chain = random_chain(seed, **kw)
    rows = chain.disruptions
    a, b = rows.iloc[0], rows.iloc[1]
    extra = disruptions(
        ("a_copy", "x", "*", a["country"], a["capacity_loss"], 0.03),
        ("b_copy", "x", b["stage"], b["country"], b["capacity_loss"], 0.05),
        # scenario_a spelt stage by stage: the same losses
        ("a_by_stage", "x", "mine", a["country"], a["capacity_loss"], 0.02),
        ("a_by_stage", "x", "refine", a["country"], a["capacity_loss"], 0.02),
        ("a_by_stage", "x", "manufacture", a["country"], a["capacity_loss"], 0.02))
    return chain.with_tables(disruptions=pd.concat([rows, extra], ignore_index=True))


def both(chain, joint: bool):
    """(merged, unmerged) data of mineral x."""
    at = chain.at_year(None)
    buyers = None if joint else ("JPN",)
    d = data_of(chain, buyers=buyers, joint=joint)
    names, probs, loss = scenario_losses(at, "x", mineral_base(at, "x").nodes, merge=False)
    return d, replace(d, scenarios=names, probability=probs, node_loss=loss)


def test_merge_sums_probabilities_and_names_members():
    names = ("a", "b", "c", "d")
    loss = np.array([[0.5, 0.0], [0.0, 1.0], [0.5, 0.0], [0.5, 0.0]])
    merged, probs, rows = merge_identical(names, np.array([0.1, 0.2, 0.3, 0.05]), loss)
    assert merged == ("a / c / d", "b")
    assert probs == pytest.approx([0.45, 0.2])
    assert rows.tolist() == [[0.5, 0.0], [0.0, 1.0]]


def test_distinct_scenarios_are_left_alone():
    names = ("a", "b")
    loss = np.array([[0.5, 0.0], [0.5, 1e-9]])
    assert merge_identical(names, np.array([0.1, 0.2]), loss)[0] == names


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("joint", [True, False])
def test_merging_leaves_every_optimum_unchanged(seed, joint):
    chain = duplicated(seed, stages=2 + seed % 2, spot=seed % 2 == 0, stock=seed % 3 != 0,
                       cvar=seed % 3 == 1)
    merged, full = both(chain, joint)
    assert len(full.scenarios) == 5 and len(merged.scenarios) == 2  # pairs did merge
    a, b = solve_plan(merged, keep=False), solve_plan(full, keep=False)
    assert a.status == b.status == "optimal"
    assert a.objective_usd == pytest.approx(b.objective_usd, rel=1e-9, abs=1e-6)
    np.testing.assert_allclose(a.node_flow, b.node_flow, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(a.stock, b.stock, rtol=1e-6, atol=1e-6)
    # the second formulation agrees on the merged instance
    status, objective = solve_reference(full)
    assert status == "optimal" and objective == pytest.approx(a.objective_usd, rel=1e-7)


def test_merged_scenario_service_is_each_members_service():
    chain = duplicated(3, stages=3, spot=True, stock=True)
    merged, full = both(chain, joint=True)
    a, b = solve_plan(merged, keep=False), solve_plan(full, keep=False)
    for s, name in enumerate(merged.scenarios):
        for member in name.split(" / "):
            t = full.scenarios.index(member)
            np.testing.assert_allclose(a.short[:, s].sum(), b.short[:, t].sum(), atol=1e-6)
