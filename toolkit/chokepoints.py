"""Chokepoints: the nodes whose loss cuts the most deliverable supply to a buyer.

Deliverable supply is the maximum flow from the mines to the buyer through the
network with node capacities (each node split into ``in -> out`` with the node's
capacity on the split edge), capped at the buyer's demand.  A node's chokepoint
loss is the drop in that maximum flow when the node is removed (its capacity set
to zero), in tonnes per year and as a share of the buyer's demand.

Market access: a buyer does not get a node's whole capacity; by default
(``access="pro_rata"``) it can reach ``demand / stage total`` of each node at that
stage, i.e. its pro-rata share of the world market (an assumption, stated in the
reports).  ``access=1.0`` uses full capacities (for hand-checked small networks).
"""

from __future__ import annotations

import networkx as nx
import pandas as pd

from toolkit.network import BUYER_STAGE, Node, stage_nodes

SOURCE, SINK = ("source", "*"), ("sink", "*")


def flow_network(graph: nx.DiGraph, buyer: str, access: float | str = "pro_rata",
                 removed: Node | None = None) -> nx.DiGraph:
    """Max-flow graph for one buyer: node-split capacities, demand on the sink edge."""
    target = (BUYER_STAGE, buyer)
    demand = graph.nodes[target]["demand_t"]
    flow = nx.DiGraph()
    stages = graph.graph["stages"]
    for stage in stages:
        factor = _access(graph, stage, demand, access)
        for node in stage_nodes(graph, stage):
            cap = 0.0 if node == removed else graph.nodes[node]["capacity_t"] * factor
            flow.add_edge((node, "in"), (node, "out"), capacity=cap)
    for node in stage_nodes(graph, stages[0]) if stages else []:
        flow.add_edge(SOURCE, (node, "in"))
    for u, v in graph.edges:
        if v == target:
            flow.add_edge((u, "out"), SINK)
        elif v[0] != BUYER_STAGE:
            flow.add_edge((u, "out"), (v, "in"))
    flow.add_edge(SINK, ("sink", "final"), capacity=demand)
    return flow


def _access(graph: nx.DiGraph, stage: str, demand: float, access: float | str) -> float:
    if access != "pro_rata":
        return float(access)
    total = sum(graph.nodes[n]["capacity_t"] for n in stage_nodes(graph, stage))
    return min(1.0, demand / total) if total > 0 else 0.0


def deliverable_t(graph: nx.DiGraph, buyer: str, access: float | str = "pro_rata",
                  removed: Node | None = None) -> float:
    """Maximum deliverable tonnes per year to ``buyer`` (at most its demand)."""
    if (BUYER_STAGE, buyer) not in graph or not graph.graph["stages"]:
        return 0.0
    flow = flow_network(graph, buyer, access, removed)
    if SOURCE not in flow or ("sink", "final") not in flow:
        return 0.0
    return float(nx.maximum_flow_value(flow, SOURCE, ("sink", "final")))


def chokepoints(graph: nx.DiGraph, buyer: str,
                access: float | str = "pro_rata") -> pd.DataFrame:
    """Node-removal max-flow loss for every supply node, largest first.

    Returns
    -------
    DataFrame with ``mineral, buyer, stage, country, loss_t, loss_share, rank``
    (``loss_share`` = loss / demand; ``rank`` 1 = worst chokepoint).
    """
    cols = ["mineral", "buyer", "stage", "country", "loss_t", "loss_share", "rank"]
    if (BUYER_STAGE, buyer) not in graph:
        return pd.DataFrame(columns=cols)
    demand = graph.nodes[(BUYER_STAGE, buyer)]["demand_t"]
    base = deliverable_t(graph, buyer, access)
    rows = []
    for node in sorted(n for n in graph if n[0] != BUYER_STAGE):
        loss = max(0.0, base - deliverable_t(graph, buyer, access, removed=node))
        rows.append((graph.graph["mineral"], buyer, node[0], node[1], loss,
                     loss / demand if demand > 0 else float("nan")))
    out = pd.DataFrame(rows, columns=cols[:-1])
    out = out.sort_values(["loss_t", "stage", "country"], ascending=[False, True, True],
                          kind="stable").reset_index(drop=True)
    out["rank"] = range(1, len(out) + 1)
    return out
