"""The closed-form and the restricted-network (reused max-flow LP) chokepoint algorithms
against plain max flow."""

from __future__ import annotations

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.chains import frame
from toolkit.chain import blank_chain
from toolkit.chokepoints import (
    _restricted_flows,
    chokepoints,
    deliverable_t,
    is_complete,
    removal_flows,
)
from toolkit.network import BUYER_STAGE, build_network

STAGES = ("mine", "refine", "manufacture")
BUYERS = ("GBR", "JPN")


@st.composite
def layered(draw, complete: bool):
    """A random layered network: 1-3 stages of 1-5 nodes, two buyers, optional gaps."""
    k = draw(st.integers(1, 3))
    graph = nx.DiGraph(mineral="x", stages=list(STAGES[:k]))
    cap = st.one_of(st.just(0.0), st.floats(0.5, 500.0), st.sampled_from([10.0, 20.0]))
    layers = []
    for stage in STAGES[:k]:
        countries = draw(st.lists(st.sampled_from("ABCDEFG"), min_size=1, max_size=5,
                                  unique=True))
        layers.append([(stage, c) for c in sorted(countries)])
        for node in layers[-1]:
            graph.add_node(node, stage=stage, country=node[1], capacity_t=draw(cap))
    for buyer in BUYERS:
        graph.add_node((BUYER_STAGE, buyer), stage=BUYER_STAGE, country=buyer,
                       demand_t=draw(st.floats(0.0, 800.0)))
    for up, down in zip(layers, layers[1:], strict=False):
        for u in up:
            for v in down:
                if complete or draw(st.booleans()):
                    graph.add_edge(u, v)
    for u in layers[-1]:  # the buyer links are a subset even without Routes (imports)
        for buyer in BUYERS:
            if draw(st.booleans()):
                graph.add_edge(u, (BUYER_STAGE, buyer))
    return graph


def max_flow_answer(graph, buyer, access):
    """The definition: one networkx max flow per removed node."""
    base = deliverable_t(graph, buyer, access)
    return base, {n: deliverable_t(graph, buyer, access, removed=n)
                  for n in graph if n[0] != BUYER_STAGE}


def assert_same(graph, buyer, access, fast):
    base, without = max_flow_answer(graph, buyer, access)
    got_base, got = fast
    assert got_base == pytest.approx(base, rel=1e-9, abs=1e-9)
    assert set(got) == set(without)
    for node, value in without.items():
        assert got[node] == pytest.approx(value, rel=1e-9, abs=1e-9), node


@settings(max_examples=150, deadline=None, derandomize=True)
@given(layered(complete=True), st.sampled_from(BUYERS), st.sampled_from([1.0, "pro_rata"]))
def test_closed_form_equals_max_flow_on_complete_layered_networks(graph, buyer, access):
    assert is_complete(graph)
    assert_same(graph, buyer, access, removal_flows(graph, buyer, access))
    # and the restricted-network algorithm agrees on the same networks
    assert_same(graph, buyer, access, _restricted_flows(graph, buyer, access))


@settings(max_examples=400, deadline=None, derandomize=True)
@given(layered(complete=False), st.sampled_from(BUYERS), st.sampled_from([1.0, "pro_rata"]))
def test_reused_max_flow_lp_equals_max_flow_on_restricted_networks(graph, buyer, access):
    assert_same(graph, buyer, access, removal_flows(graph, buyer, access))


def routes_chain(routes: list[tuple[str, str, str, str]]):
    """Two stages, three countries each, links only where ``routes`` say."""
    supply = [("x", s, c, cap, 1.0, 2024.0) for s, caps in
              (("mine", {"AUS": 50.0, "CHN": 80.0, "CHL": 30.0}),
               ("refine", {"CHN": 90.0, "JPN": 40.0, "KOR": 35.0}))
              for c, cap in caps.items()]
    return blank_chain(
        minerals=frame("mineral name unit content_basis", [("x", "X", "t", "")]),
        countries=frame("country name wgi partner",
                        [(c, c, 0.0, False) for c in ("AUS", "CHN", "CHL", "JPN", "KOR",
                                                        "GBR")]),
        supply=frame("mineral stage country capacity_t unit_cost_usd_per_t year", supply),
        demand=frame("buyer mineral demand_t sector", [("JPN", "x", 100.0, "all")]),
        routes=frame("mineral from_stage from_country to_stage to_country cost_usd_per_t",
                     [("x", *r, 0.0) for r in routes]))


def test_routes_restricted_network_hand_case():
    # AUS->JPN, CHL->JPN, CHN->CHN, CHN->KOR; refiners to the buyer JPN: JPN, KOR only
    chain = routes_chain([("mine", "AUS", "refine", "JPN"), ("mine", "CHL", "refine", "JPN"),
                          ("mine", "CHN", "refine", "CHN"), ("mine", "CHN", "refine", "KOR"),
                          ("refine", "JPN", "buyer", "JPN"), ("refine", "KOR", "buyer", "JPN")])
    graph = build_network(chain.at_year(None), "x")
    assert not is_complete(graph)
    table = chokepoints(graph, "JPN", access=1.0).set_index(["stage", "country"])
    # full capacity: via JPN refinery min(40, 50+30) = 40, via KOR min(35, 80) = 35
    # -> 75 t; without refine JPN 35 lost 40; without mine CHN 35 lost; mine AUS: CHL's
    # 30 t still reach JPN's refinery but only 30 < 40: 10 lost
    assert table.loc[("refine", "JPN"), "loss_t"] == pytest.approx(40.0)
    assert table.loc[("refine", "KOR"), "loss_t"] == pytest.approx(35.0)
    assert table.loc[("mine", "CHN"), "loss_t"] == pytest.approx(35.0)
    assert table.loc[("mine", "AUS"), "loss_t"] == pytest.approx(10.0)
    assert table.loc[("mine", "CHL"), "loss_t"] == pytest.approx(0.0)
    assert table.loc[("refine", "CHN"), "loss_t"] == pytest.approx(0.0)
    # ties (35 t) ordered by stage then country
    assert list(table.index[:3]) == [("refine", "JPN"), ("mine", "CHN"), ("refine", "KOR")]
