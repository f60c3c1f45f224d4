r"""Chokepoints: the nodes whose loss cuts the most deliverable supply to a buyer.

Deliverable supply is the maximum flow from the mines to the buyer through the
network with node capacities (each node split into ``in -> out`` with the node's
capacity on the split edge), capped at the buyer's demand.  A node's chokepoint
loss is the drop in that maximum flow when the node is removed (its capacity set
to zero), in tonnes per year and as a share of the buyer's demand.

Market access: a buyer does not get a node's whole capacity; by default
(``access="pro_rata"``) it can reach ``demand / stage total`` of each node at that
stage, i.e. its pro-rata share of the world market (an assumption, stated in the
reports).  ``access=1.0`` uses full capacities (for hand-checked small networks).

Closed form (every link between consecutive stages allowed).  Let stage
:math:`k = 1..K` hold nodes with reachable capacities :math:`a_k C_n`, let
:math:`L` be the last-stage nodes linked to the buyer and :math:`D` its demand.
Links carry no limit, so a cut either takes the demand edge or the split edges of a
set of nodes; a set of nodes blocks every path only if it contains *every* usable
node of some stage (otherwise one uncut node per stage, joined by the allowed links,
is a path).  By max-flow/min-cut

.. math:: F = \min\Bigl(D,\; \min_k S_k\Bigr), \qquad
          S_k = \sum_{n \in k} a_k C_n \;(k < K), \quad S_K = \sum_{n \in L} a_K C_n

and removing node :math:`n` of stage :math:`k` gives
:math:`F_{-n} = \min(D, S_k - a_k C_n, \min_{j \ne k} S_j)` (:math:`F` when
:math:`n` is a last-stage node not linked to the buyer): every loss in :math:`O(N)`.
When Routes restrict some link the network is solved as one max-flow LP on a
persistent HiGHS instance, built once: each removal fixes one node's split edge at 0
and re-solves from the previous basis.  Two exact shortcuts skip most re-solves: a
node that carries no flow in the base maximum flow loses nothing (that flow stays
feasible without it), and when the base flow minus the node's own flow reaches the
complete network's :math:`F_{-n}` above (an upper bound: links only ever add paths)
that is the answer.  Ties are ordered by stage then country, on losses rounded to a
gram.
"""

from __future__ import annotations

import highspy
import networkx as nx
import numpy as np
import pandas as pd
from networkx.algorithms.flow import edmonds_karp

from toolkit.network import BUYER_STAGE, Node, stage_nodes
from toolkit.optimize.solve import new_highs

SOURCE, SINK, FINAL = ("source", "*"), ("sink", "*"), ("sink", "final")
COLUMNS = ["mineral", "buyer", "stage", "country", "loss_t", "loss_share", "rank"]
# the max-flow LP is solved to HiGHS's tightest tolerances without scaling, so its
# value equals the combinatorial max flow to ~1e-12 t (checked against networkx)
FLOW_LP_OPTIONS = {"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10,
                   "simplex_scale_strategy": 0, "presolve": "off"}
TIE_DIGITS = 6  # losses equal to the gram (1e-6 t) are ties, ordered by stage, country


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
    flow.add_edge(SINK, FINAL, capacity=demand)
    return flow


def _access(graph: nx.DiGraph, stage: str, demand: float, access: float | str) -> float:
    if access != "pro_rata":
        return float(access)
    total = sum(graph.nodes[n]["capacity_t"] for n in stage_nodes(graph, stage))
    return min(1.0, demand / total) if total > 0 else 0.0


def deliverable_t(graph: nx.DiGraph, buyer: str, access: float | str = "pro_rata",
                  removed: Node | None = None) -> float:
    """Maximum deliverable tonnes per year to ``buyer`` (at most its demand), by max flow."""
    if (BUYER_STAGE, buyer) not in graph or not graph.graph["stages"]:
        return 0.0
    flow = flow_network(graph, buyer, access, removed)
    if SOURCE not in flow or FINAL not in flow:
        return 0.0
    # Edmonds-Karp: networkx's default preflow-push can fail on float capacities
    # (ValueError in its relabel step, seen on random layered networks)
    return float(nx.maximum_flow_value(flow, SOURCE, FINAL, flow_func=edmonds_karp))


def is_complete(graph: nx.DiGraph) -> bool:
    """Every link between consecutive stages is present (the closed form applies)."""
    stages = graph.graph["stages"]
    for up, down in zip(stages, stages[1:], strict=False):
        lower = set(stage_nodes(graph, down))
        upper = stage_nodes(graph, up)
        links = sum(1 for u in upper for v in graph.successors(u) if v in lower)
        if links != len(upper) * len(lower):
            return False
    return True


def removal_flows(graph: nx.DiGraph, buyer: str,
                  access: float | str = "pro_rata") -> tuple[float, dict[Node, float]]:
    """Base maximum flow to ``buyer`` and the maximum flow without each supply node."""
    target = (BUYER_STAGE, buyer)
    if target not in graph or not graph.graph["stages"]:
        return 0.0, {n: 0.0 for n in graph if n[0] != BUYER_STAGE}
    if is_complete(graph):
        return _closed_form(graph, buyer, access)
    return _restricted_flows(graph, buyer, access)


def _closed_form(graph: nx.DiGraph, buyer: str,
                 access: float | str) -> tuple[float, dict[Node, float]]:
    """:math:`F` and :math:`F_{-n}` of the module docstring, O(N)."""
    target = (BUYER_STAGE, buyer)
    demand = float(graph.nodes[target]["demand_t"])
    stages = graph.graph["stages"]
    reach: dict[Node, float] = {}  # a_k C_n of every usable node
    totals = []
    for k, stage in enumerate(stages):
        factor = _access(graph, stage, demand, access)
        usable = [n for n in stage_nodes(graph, stage)
                  if k < len(stages) - 1 or graph.has_edge(n, target)]
        reach.update({n: graph.nodes[n]["capacity_t"] * factor for n in usable})
        totals.append(sum(reach[n] for n in usable))
    base = min([demand] + totals)
    index = {s: k for k, s in enumerate(stages)}
    out = {}
    for node in (n for n in graph if n[0] != BUYER_STAGE):
        if node not in reach:
            out[node] = base
            continue
        k = index[node[0]]
        others = totals[:k] + totals[k + 1:]
        out[node] = min([demand, totals[k] - reach[node]] + others)
    return base, out


def _restricted_flows(graph: nx.DiGraph, buyer: str,
                    access: float | str) -> tuple[float, dict[Node, float]]:
    """Max flow of the restricted network as one LP on a persistent HiGHS instance, built
    once; each removal fixes one split edge at 0 and re-solves from the previous basis
    (the max-flow LP: edge flows :math:`0 \\le f_e \\le u_e`, conservation at every
    inner vertex, maximise the flow into the sink)."""
    flow = flow_network(graph, buyer, access)
    supply = [n for n in graph if n[0] != BUYER_STAGE]
    if SOURCE not in flow or FINAL not in flow:
        return 0.0, {n: 0.0 for n in supply}
    h, column = _flow_lp(flow)
    h.run()
    base = _lp_value(h)
    values = h.getSolution().col_value
    carried = {n: values[column[((n, "in"), (n, "out"))]] for n in supply}
    bound = _closed_form(graph, buyer, access)[1]  # with every link: never less
    out = {}
    for node in sorted(supply):
        if carried[node] <= 0:
            out[node] = base  # a maximum flow avoids the node: removing it loses nothing
            continue
        kept = base - carried[node]  # the base flow without its paths through the node
        if kept >= min(base, bound[node]) - 1e-12 * max(1.0, base):
            out[node] = kept  # feasible and at the upper bound: the maximum
            continue
        col = column[((node, "in"), (node, "out"))]
        upper = flow.edges[(node, "in"), (node, "out")]["capacity"]
        h.changeColBounds(col, 0.0, 0.0)
        h.run()
        out[node] = _lp_value(h)
        h.changeColBounds(col, 0.0, upper)
    return base, out


def _flow_lp(flow: nx.DiGraph) -> tuple[highspy.Highs, dict]:
    """The max-flow LP of ``flow`` (edge capacity ``capacity``, none = unbounded) from
    SOURCE to FINAL, and the column of each edge."""
    edges = sorted(flow.edges, key=str)
    column = {e: j for j, e in enumerate(edges)}
    inner = sorted((v for v in flow if v not in (SOURCE, FINAL)), key=str)
    row = {v: i for i, v in enumerate(inner)}
    h = new_highs()
    for option, value in FLOW_LP_OPTIONS.items():
        h.setOptionValue(option, value)
    upper = np.array([flow.edges[e].get("capacity", highspy.kHighsInf) for e in edges],
                     dtype=float)
    cost = np.array([-1.0 if e[1] == FINAL else 0.0 for e in edges])
    h.addVars(len(edges), np.zeros(len(edges)), upper)
    h.changeColsCost(len(edges), np.arange(len(edges), dtype=np.int32), cost)
    entries = sorted([(row[u], column[(u, v)], -1.0) for u, v in edges if u in row]
                     + [(row[v], column[(u, v)], 1.0) for u, v in edges if v in row])
    starts = np.searchsorted([r for r, _c, _v in entries], np.arange(len(inner)))
    zeros = np.zeros(len(inner))
    h.addRows(len(inner), zeros, zeros, len(entries), starts.astype(np.int32),
              np.array([c for _r, c, _v in entries], dtype=np.int32),
              np.array([v for _r, _c, v in entries], dtype=float))
    return h, column


def _lp_value(h: highspy.Highs) -> float:
    """The maximum flow of a solved max-flow LP (it is always feasible: zero flow)."""
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        raise RuntimeError(f"max-flow LP not solved: {h.modelStatusToString(h.getModelStatus())}")
    return max(0.0, -float(h.getInfo().objective_function_value))


def chokepoints(graph: nx.DiGraph, buyer: str,
                access: float | str = "pro_rata") -> pd.DataFrame:
    """Node-removal max-flow loss for every supply node, largest first.

    Returns
    -------
    DataFrame with ``mineral, buyer, stage, country, loss_t, loss_share, rank``
    (``loss_share`` = loss / demand; ``rank`` 1 = worst chokepoint).
    """
    if (BUYER_STAGE, buyer) not in graph:
        return pd.DataFrame(columns=COLUMNS)
    demand = graph.nodes[(BUYER_STAGE, buyer)]["demand_t"]
    base, without = removal_flows(graph, buyer, access)
    rows = []
    for node in sorted(without):
        loss = max(0.0, base - without[node])
        rows.append((graph.graph["mineral"], buyer, node[0], node[1], loss,
                     loss / demand if demand > 0 else float("nan")))
    out = pd.DataFrame(rows, columns=COLUMNS[:-1])
    out = out.assign(_key=out["loss_t"].round(TIE_DIGITS))
    out = out.sort_values(["_key", "stage", "country"], ascending=[False, True, True],
                          kind="stable").drop(columns="_key").reset_index(drop=True)
    out["rank"] = range(1, len(out) + 1)
    return out
