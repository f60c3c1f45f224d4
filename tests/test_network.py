"""Network model, China-touch exposure, flow tracing and chokepoints on hand-made chains."""

from __future__ import annotations

import pytest

from tests.chains import two_path_chain
from toolkit.chokepoints import chokepoints, deliverable_t
from toolkit.network import build_network, china_touch, mass_balance, trace_flows
from toolkit.risk import buyer_exposure


def test_routes_restrict_links():
    graph = build_network(two_path_chain(), "x")
    assert set(graph.successors(("mine", "CHN"))) == {("refine", "CHN")}
    assert set(graph.successors(("mine", "AUS"))) == {("refine", "CHN"), ("refine", "JPN")}
    assert not graph.edges[("mine", "AUS"), ("refine", "JPN")]["assumed"]


def test_without_routes_every_link_is_allowed_and_marked_assumed():
    graph = build_network(two_path_chain(routes=False), "x")
    assert graph.number_of_edges() == 4 + 2
    assert all(d["assumed"] for _, _, d in graph.edges(data=True))


def test_china_touch_two_paths_pro_rata():
    # JPN refine takes AUS ore only -> touch 0; CHN refine -> touch 1.
    # The buyer buys refiners pro rata to capacity: 150/200 CHN, 50/200 JPN -> 0.75.
    graph = build_network(two_path_chain(), "x")
    touch = china_touch(graph)
    assert touch[("refine", "JPN")] == pytest.approx(0.0)
    assert touch[("buyer", "JPN")] == pytest.approx(0.75)


def test_china_touch_counts_hidden_upstream_china():
    # No routes: JPN refine mixes ore pro rata, half of it Chinese -> 0.5 touched.
    # Buyer: 0.75 * 1 + 0.25 * 0.5 = 0.875, although only 75 % is *refined* in China.
    chain = two_path_chain(routes=False)
    touch = china_touch(build_network(chain, "x"))
    assert touch[("buyer", "JPN")] == pytest.approx(0.875)
    exposure = buyer_exposure(chain, "x").set_index("stage")
    assert exposure.loc["mine", "china_share"] == pytest.approx(0.5)
    assert exposure.loc["refine", "china_share"] == pytest.approx(0.75)
    assert exposure.loc["refine", "china_touch"] == pytest.approx(0.875)


def test_china_touch_uses_import_mix_when_known():
    # JPN's own refinery (50 t, AUS ore only) covers its 10 t demand: touch 0,
    # although pro-rata buying would give 0.75.
    touch = china_touch(build_network(two_path_chain(imports=True), "x"))
    assert touch[("buyer", "JPN")] == pytest.approx(0.0)


def test_traced_flows_conserve_mass_and_meet_demand():
    graph = build_network(two_path_chain(routes=False, demand_t=40.0), "x")
    flows = trace_flows(graph)
    for node in graph:
        if node[0] == "refine":
            inflow = sum(f for (u, v), f in flows.items() if v == node)
            outflow = sum(f for (u, v), f in flows.items() if u == node)
            assert inflow == pytest.approx(outflow)
    delivered = sum(f for (u, v), f in flows.items() if v == ("buyer", "JPN"))
    assert delivered == pytest.approx(40.0)
    assert flows[(("refine", "CHN"), ("buyer", "JPN"))] == pytest.approx(30.0)


def test_mass_balance_flags_more_refined_than_mined():
    chain = two_path_chain()
    ok = mass_balance(build_network(chain, "x"))
    assert list(ok["status"]) == ["ok", "ok"]
    supply = chain.supply.copy()
    supply.loc[supply["country"] == "JPN", "capacity_t"] = 150.0  # refine 300 > mine 200
    bad = mass_balance(build_network(chain.with_tables(supply=supply), "x"))
    assert bad.iloc[0]["status"] == "imbalance"
    assert bad.iloc[0]["ratio"] == pytest.approx(1.5)


def test_chokepoints_node_removal_max_flow():
    # Full access.  Demand 180: base max flow 180.
    # Remove refine CHN -> only JPN refine 50 -> loss 130.
    # Remove mine AUS or mine CHN -> 100 -> loss 80.  Remove refine JPN -> 150 -> loss 30.
    graph = build_network(two_path_chain(demand_t=180.0), "x")
    assert deliverable_t(graph, "JPN", access=1.0) == pytest.approx(180.0)
    table = chokepoints(graph, "JPN", access=1.0)
    got = [(r.stage, r.country, r.loss_t) for r in table.itertuples()]
    assert got == [("refine", "CHN", pytest.approx(130.0)), ("mine", "AUS", pytest.approx(80.0)),
                   ("mine", "CHN", pytest.approx(80.0)), ("refine", "JPN", pytest.approx(30.0))]
    assert table.iloc[0]["loss_share"] == pytest.approx(130.0 / 180.0)


def test_chokepoints_pro_rata_access_equal_stage_shares():
    # Without routes and with pro-rata access the buyer reaches demand/total of each
    # node, so losing a node cuts its stage share of demand: refine CHN 75 % of 10 t.
    graph = build_network(two_path_chain(routes=False), "x")
    table = chokepoints(graph, "JPN").set_index(["stage", "country"])
    assert table.loc[("refine", "CHN"), "loss_t"] == pytest.approx(7.5)
    assert table.loc[("mine", "AUS"), "loss_t"] == pytest.approx(5.0)


def test_own_production_comes_before_imports():
    # JPN refines 50 t itself and demands 100 t: half is domestic (touch 0 with routes),
    # the other half follows the import mix (here 100 % CHN) -> touch 0.5.
    chain = two_path_chain(imports=True, demand_t=100.0)
    imports = chain.imports[chain.imports["origin"] == "CHN"].assign(share=1.0)
    touch = china_touch(build_network(chain.with_tables(imports=imports), "x"))
    assert touch[("buyer", "JPN")] == pytest.approx(0.5)


def test_import_origin_without_a_node_goes_to_rest_of_world():
    # GBR imports 30 % from CHN and 70 % from AUS, but only CHN and ROW refine:
    # the AUS share is attributed to ROW.  ROW refines 100 % Australian ore -> touch 0.
    from tests.chains import frame
    from toolkit.chain import blank_chain

    supply = frame("mineral stage country capacity_t unit_cost_usd_per_t year", [
        ("x", "mine", "AUS", 100.0, 1.0, 2024.0), ("x", "refine", "CHN", 50.0, 1.0, 2024.0),
        ("x", "refine", "ROW", 50.0, 1.0, 2024.0)])
    chain = blank_chain(
        minerals=frame("mineral name unit content_basis", [("x", "X", "t", "")]),
        supply=supply,
        demand=frame("buyer mineral demand_t sector", [("GBR", "x", 10.0, "all")]),
        imports=frame("buyer mineral origin share stage year", [
            ("GBR", "x", "CHN", 0.3, "refine", 2024.0),
            ("GBR", "x", "AUS", 0.7, "refine", 2024.0)]))
    touch = china_touch(build_network(chain, "x"))
    assert touch[("buyer", "GBR")] == pytest.approx(0.3)


def test_china_touch_any_is_the_whole_path_value_on_every_stage_row():
    from toolkit.risk import concentration_table

    table = concentration_table(two_path_chain(routes=False))
    assert list(table["jpn_china_touch"]) == pytest.approx([0.5, 0.875])
    assert list(table["jpn_china_touch_any"]) == pytest.approx([0.875, 0.875])
