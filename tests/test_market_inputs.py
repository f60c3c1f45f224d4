"""Inputs of the world market: market buyers, production_t, named-country caps."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.excel_cases import edited
from tests.optimize_chains import data_of, policy
from tests.test_market_hand import market_chain
from toolkit.cli import main
from toolkit.optimize.cooperation import realisable_independent, solve_mode
from toolkit.optimize.plan import solve_plan
from toolkit.optimize.reference import solve_reference
from toolkit.policy import resolve_cases
from toolkit.schema import DEMAND
from toolkit.validate import Where, validate_table

# RUS is the cheapest supplier at both stages; KAZ and AUS cost more.
THREE = [("mine", "RUS", 100.0, 5.0, 100.0), ("mine", "AUS", 100.0, 8.0, 100.0),
         ("refine", "RUS", 100.0, 2.0, 100.0), ("refine", "KAZ", 100.0, 3.0, 100.0)]


def _country_of(d, plan, stage: str) -> dict[str, float]:
    k = d.stages.index(stage)
    return {str(d.node_country[n]): float(plan.node_flow[:, n].sum())
            for n in range(len(d.capacity_t)) if d.node_stage[n] == k}


def test_max_country_share_zero_for_a_named_country_removes_it():
    free = data_of(market_chain(THREE, {"JPN": 10.0}))
    assert solve_plan(free).objective_usd == pytest.approx(70.0, rel=1e-6)  # 10 x (5 + 2)
    no_rus = market_chain(THREE, {"JPN": 10.0},
                          policy=policy(("max_country_share", 0.0, "", "", "", "", "RUS")))
    d = data_of(no_rus)
    plan = solve_plan(d)
    # without Russia: AUS ore (8) and KAZ refining (3): 110, on both formulations
    assert plan.objective_usd == pytest.approx(110.0, rel=1e-6)
    assert solve_reference(d)[1] == pytest.approx(110.0, rel=1e-6)
    assert _country_of(d, plan, "mine").get("RUS", 0.0) == pytest.approx(0.0, abs=1e-9)
    assert _country_of(d, plan, "refine").get("RUS", 0.0) == pytest.approx(0.0, abs=1e-9)
    # other countries are not capped by the named row
    assert _country_of(d, plan, "mine")["AUS"] == pytest.approx(10.0)


def test_named_country_cap_scoped_by_stage_and_alongside_a_general_cap():
    # RUS excluded at refine only; a general 60 % cap on every single country at mine:
    # mine 6 t RUS (5) + 4 t AUS (8), refine 10 t KAZ (3): 30 + 32 + 30 = 92
    chain = market_chain(THREE, {"JPN": 10.0}, policy=policy(
        ("max_country_share", 0.0, "refine", "", "", "", "RUS"),
        ("max_country_share", 0.6, "mine")))
    d = data_of(chain)
    plan = solve_plan(d)
    assert plan.objective_usd == pytest.approx(92.0, rel=1e-6)
    assert solve_reference(d)[1] == pytest.approx(92.0, rel=1e-6)
    assert _country_of(d, plan, "mine") == pytest.approx({"AUS": 4.0, "RUS": 6.0})
    # shadow prices name the binding country: a point of 10 t moved from KAZ (3) to RUS
    # (2) at refine saves 0.1 USD; from AUS (8) to RUS (5) at mine 0.3 USD
    prices = {r["stage"]: r for r in plan.shadow if r["setting"] == "max_country_share"}
    assert prices["refine"]["countries"] == prices["mine"]["countries"] == "RUS"
    assert prices["refine"]["usd_per_pp"] == pytest.approx(0.1, rel=1e-6)
    assert prices["mine"]["usd_per_pp"] == pytest.approx(0.3, rel=1e-6)


def test_the_binding_countries_of_a_cap_are_named_the_costliest_first():
    # at most 40 % from any one country at mine: RUS (1) and AUS (2) at the cap, KAZ (9)
    # takes the rest; a point of 10 t saves 0.1 x (9 - 1) = 0.8 at RUS, 0.7 at AUS
    supply = [("mine", "RUS", 100.0, 1.0, 100.0), ("mine", "AUS", 100.0, 2.0, 100.0),
              ("mine", "KAZ", 100.0, 9.0, 100.0), ("refine", "KAZ", 100.0, 3.0, 100.0)]
    plan = solve_plan(data_of(market_chain(supply, {"JPN": 10.0}, policy=policy(
        ("max_country_share", 0.4, "mine")))))
    assert plan.objective_usd == pytest.approx(4 * 1 + 4 * 2 + 2 * 9 + 10 * 3, rel=1e-6)
    [row] = [r for r in plan.shadow if r["setting"] == "max_country_share"]
    assert row["countries"] == "RUS, AUS"
    assert row["usd_per_pp"] == pytest.approx(0.8 + 0.7, rel=1e-6)
    china = [r for r in plan.shadow if r["setting"] != "max_country_share"]
    assert all(r["countries"] == "" for r in china)


def test_named_country_removed_from_joint_and_independent_plans():
    chain = market_chain(THREE, {"GBR": 5.0, "JPN": 10.0},
                         policy=policy(("max_country_share", 0.0, "", "", "", "", "RUS")))
    case = resolve_cases(chain)[0]
    at = chain.at_year(None)
    joint = solve_mode(at, case, "joint")["x"][0]
    independent, _, _ = realisable_independent(solve_mode(at, case, "independent"))
    for plan in [joint, *independent["x"]]:
        assert _country_of(plan.data, plan, "mine").get("RUS", 0.0) == pytest.approx(
            0.0, abs=1e-9)
    assert joint.objective_usd == pytest.approx(15 * 11.0, rel=1e-6)


def test_country_on_another_setting_and_unknown_countries_are_input_errors(tmp_path, capsys):
    def change(workbook) -> None:
        ws = workbook["Policy"]
        header = [c.value for c in ws[1]]
        row = {"setting": "max_country_share", "value": 0, "country": "XYZ"}
        ws.append([row.get(h, "") for h in header])
        row = {"setting": "max_china_share", "value": 0.5, "country": "AUS"}
        ws.append([row.get(h, "") for h in header])

    path = edited(tmp_path, change)
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "column country: value 'XYZ': unknown country: not declared in Countries" in err
    assert "max_china_share cannot be scoped by country" in err


def test_production_above_capacity_is_an_input_error(tmp_path, capsys):
    def change(workbook) -> None:
        ws = workbook["Supply"]
        header = [c.value for c in ws[1]]
        ws.cell(row=2, column=header.index("production_t") + 1, value=1e9)

    path = edited(tmp_path, change)
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "sheet Supply, row 2, column production_t" in err
    assert "today's output cannot exceed capacity" in err


def test_market_buyers_above_world_output_are_an_input_error(tmp_path, capsys):
    def change(workbook) -> None:
        workbook["Demand"].append(["CHN", "lithium", 1e9, "all"])

    path = edited(tmp_path, change)
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "market buyers' demand for lithium" in err and "exceeds the mine stage" in err


def test_row_is_a_market_buyer_even_when_countries_does_not_declare_it():
    rows = pd.DataFrame([{"buyer": "ROW", "mineral": "x", "demand_t": 5, "sector": ""},
                         {"buyer": "XYZ", "mineral": "x", "demand_t": 5, "sector": ""}],
                        dtype=object)
    _, problems = validate_table(rows, DEMAND, Where("f.xlsx", "Demand"),
                                 {"Countries.country": ["GBR", "JPN", "CHN"],
                                  "Minerals.mineral": ["x"]})
    assert [p.value for p in problems] == ["XYZ"]


def test_planned_demand_is_each_minerals_own_sum_and_follows_the_chain():
    # cached per chain object: every mineral's planned buyers summed by hand, and a
    # chain with other Demand rows gets its own figures, not the first chain's
    import pandas as pd

    from toolkit.io.inputs import load_default
    from toolkit.market import planned_demand
    from toolkit.schema import BUYERS

    chain = load_default()
    for mineral in chain.mineral_ids:
        rows = chain.demand[(chain.demand["mineral"] == mineral)
                            & chain.demand["buyer"].isin(BUYERS)]
        by_hand = {b: float(rows.loc[rows["buyer"] == b, "demand_t"].sum())
                   for b in sorted(set(rows["buyer"]))}
        assert planned_demand(chain, mineral) == pytest.approx(
            {b: v for b, v in by_hand.items() if v > 0}, rel=1e-12)
    lithium = planned_demand(chain, "lithium")
    extra = pd.DataFrame([{"mineral": "lithium", "buyer": "GBR", "demand_t": 1000.0}])
    other = chain.with_tables(demand=pd.concat([chain.demand, extra], ignore_index=True))
    assert planned_demand(other, "lithium")["GBR"] == pytest.approx(lithium["GBR"] + 1000.0)
    assert planned_demand(other, "lithium")["JPN"] == lithium["JPN"]
    assert planned_demand(chain, "no such mineral") == {}


def test_a_minerals_rows_are_its_own_with_the_wildcard_disruptions_in_order():
    # mineral_chain finds rows by one grouping per chain object: each table's rows of the
    # mineral (Disruptions: and those for every mineral, "*"), in the table's order
    import pandas as pd

    from toolkit.io.inputs import load_default
    from toolkit.optimize.mineral_base import mineral_chain
    from toolkit.schema import WILDCARD

    chain = load_default()
    star = chain.disruptions.iloc[:1].assign(mineral=WILDCARD, scenario="everywhere")
    chain = chain.with_tables(disruptions=pd.concat([star, chain.disruptions],
                                                    ignore_index=True))
    for mineral in ("gallium", "lithium", "no such mineral"):
        sub = mineral_chain(chain, mineral)
        for name in ("minerals", "supply", "demand", "routes", "disruptions", "projects"):
            table = getattr(chain, name)
            if table is None or "mineral" not in table:
                continue
            keep = table["mineral"] == mineral
            if name == "disruptions":
                keep |= table["mineral"] == WILDCARD
            pd.testing.assert_frame_equal(getattr(sub, name), table[keep])
        assert "everywhere" in set(sub.disruptions["scenario"])


def _nodes_by_pandas(chain, mineral):
    # the node table by one pandas grouping: summed capacity and output, mean unit cost
    from toolkit.market import production_of
    from toolkit.schema import STAGES

    rows = chain.supply[chain.supply["mineral"] == mineral]
    rows = rows.assign(production_t=production_of(rows))
    out = rows.groupby(["stage", "country"]).agg(
        capacity_t=("capacity_t", "sum"), production_t=("production_t", "sum"),
        unit_cost_usd_per_t=("unit_cost_usd_per_t", "mean")).reset_index()
    out = out[out["capacity_t"] > 0]
    out["stage_index"] = out["stage"].map({s: i for i, s in enumerate(STAGES)})
    return out.sort_values(["stage_index", "country"]).reset_index(drop=True)


def test_the_node_table_and_chain_cost_equal_a_pandas_grouping():
    import pandas as pd

    from toolkit.io.inputs import load_default
    from toolkit.optimize.mineral_base import chain_cost, nodes_table

    chain = load_default().at_year(None)
    for mineral in chain.mineral_ids:
        got = nodes_table(chain, mineral)
        pd.testing.assert_frame_equal(got, _nodes_by_pandas(chain, mineral),
                                      check_dtype=False)
    # two rows of one node (summed), a node without capacity (dropped), out of order
    rows = chain.supply[chain.supply["mineral"] == "gallium"]
    extra = pd.concat([rows.iloc[[0]].assign(capacity_t=5.0, unit_cost_usd_per_t=1.0),
                       rows.iloc[[0]].assign(country="ZZZ", capacity_t=0.0)])
    odd = chain.with_tables(supply=pd.concat([extra, chain.supply], ignore_index=True))
    got = nodes_table(odd, "gallium")
    pd.testing.assert_frame_equal(got, _nodes_by_pandas(odd, "gallium"), check_dtype=False)
    assert "ZZZ" not in set(got["country"])
    # full-chain unit cost, by hand: per stage the capacity-weighted mean, summed
    by_hand = sum(float((g["capacity_t"] * g["unit_cost_usd_per_t"]).sum()
                        / g["capacity_t"].sum()) for _, g in got.groupby("stage"))
    assert chain_cost(got) == pytest.approx(by_hand, rel=1e-15)


def test_a_joint_groups_paths_are_each_buyers_own_paths_in_turn():
    import numpy as np

    from toolkit.io.inputs import load_default
    from toolkit.optimize.data import prepare
    from toolkit.optimize.mineral_base import mineral_base
    from toolkit.optimize.paths import all_paths

    chain = load_default()
    case = resolve_cases(chain)[0]
    at = chain.at_year(case.year)
    for mineral in ("gallium", "rare_earths"):
        alone = prepare(at, case, mineral, ("GBR",), joint=False)  # GBR's paths cached
        joint = prepare(at, case, mineral, ("GBR", "JPN"), joint=True)
        stages = list(joint.stages)
        base = mineral_base(at, mineral)
        paths, _route, owner = all_paths(base.chain, mineral, base.nodes, stages,
                                         ("GBR", "JPN"))
        np.testing.assert_array_equal(joint.path_nodes, paths)
        np.testing.assert_array_equal(joint.path_buyer, owner)
        np.testing.assert_array_equal(alone.path_nodes, paths[owner == 0])
