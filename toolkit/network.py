"""The supply-chain network of one mineral: nodes, links, traced flows and chokepoints.

Nodes are ``(stage, country)`` with ``capacity_t`` (tonnes of contained element per
year) and ``unit_cost_usd_per_t``; buyer nodes are ``("buyer", "GBR")`` and
``("buyer", "JPN")`` with ``demand_t``.  Links join consecutive stages the mineral
has rows for (a mineral with no ``manufacture`` rows is delivered from ``refine``,
one with no ``refine`` rows from ``mine``).  Links come from the ``Routes`` table
when it has rows for the mineral; otherwise every link is allowed and marked
``assumed=True``.

Flows are not observed between stages, so :func:`trace_flows` spreads each node's
input over the upstream nodes in proportion to their capacity (the *pro-rata
mixing* assumption), or to the route/import weights when the data give them.
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx
import pandas as pd

from toolkit.chain import SupplyChain
from toolkit.object_cache import once_per
from toolkit.schema import BUYERS, CHINA, STAGES

Node = tuple[str, str]
BUYER_STAGE = "buyer"
AGGREGATE = "ROW"


def build_network(chain: SupplyChain, mineral: str) -> nx.DiGraph:
    """Directed graph of one mineral's chain: mine -> refine -> manufacture -> buyers.

    Parameters
    ----------
    chain : the supply chain (use ``chain.at_year(y)`` first for one data year).
    mineral : mineral id.

    Returns
    -------
    networkx.DiGraph
        Node attributes ``stage, country, capacity_t, unit_cost_usd_per_t`` (supply)
        or ``stage="buyer", country, demand_t`` (buyers); edge attributes
        ``cost_usd_per_t, assumed, weight`` (weight = import share or None).
    """
    graph = nx.DiGraph(mineral=mineral, stages=stages_of(chain, mineral))
    _add_supply_nodes(graph, chain, mineral)
    _add_buyer_nodes(graph, chain, mineral)
    stages = graph.graph["stages"]
    routes = chain.routes[chain.routes["mineral"] == mineral] if len(chain.routes) else None
    for up, down in zip(stages, stages[1:], strict=False):
        _link_stages(graph, up, down, routes)
    if stages:
        _link_buyers(graph, chain, mineral, stages[-1], routes)
    return graph


def _add_supply_nodes(graph: nx.DiGraph, chain: SupplyChain, mineral: str) -> None:
    for stage, country, capacity, cost in _per_table(chain.supply, "nodes", _supply_nodes).get(
            mineral, []):
        graph.add_node((stage, country), stage=stage, country=country, capacity_t=capacity,
                       unit_cost_usd_per_t=cost)


def _supply_nodes(supply: pd.DataFrame) -> dict[str, list[tuple[str, str, float, float]]]:
    """Per mineral, its (stage, country) nodes sorted, with the summed capacity and mean
    unit cost of their rows (one groupby of the whole table: each group's sum and mean
    are those of the mineral's own rows)."""
    grouped = supply.groupby(["mineral", "stage", "country"], sort=True).agg(
        capacity_t=("capacity_t", "sum"), unit_cost_usd_per_t=("unit_cost_usd_per_t", "mean"))
    nodes: dict[str, list[tuple[str, str, float, float]]] = {}
    for (mineral, stage, country), capacity, cost in zip(
            grouped.index, grouped["capacity_t"], grouped["unit_cost_usd_per_t"], strict=True):
        nodes.setdefault(mineral, []).append((stage, country, float(capacity), float(cost)))
    return nodes


def _add_buyer_nodes(graph: nx.DiGraph, chain: SupplyChain, mineral: str) -> None:
    totals = _per_table(chain.demand, "buyers", _demand_totals).get(mineral, {})
    for buyer in BUYERS:
        if buyer in totals:
            graph.add_node((BUYER_STAGE, buyer), stage=BUYER_STAGE, country=buyer,
                           demand_t=totals[buyer])


def _demand_totals(demand: pd.DataFrame) -> dict[str, dict[str, float]]:
    """Per mineral, each buyer's summed demand (t/yr)."""
    grouped = demand.groupby(["mineral", "buyer"], sort=True)["demand_t"].sum()
    totals: dict[str, dict[str, float]] = {}
    for (mineral, buyer), value in grouped.items():
        totals.setdefault(mineral, {})[buyer] = float(value)
    return totals


def _per_table(table: pd.DataFrame, what: str, make):
    """``make(table)``, computed once per table object (chains derived by ``at_year``
    share their tables) and dropped with it."""
    return once_per(table, what, lambda: make(table))


def stage_nodes(graph: nx.DiGraph, stage: str) -> list[Node]:
    """Nodes of one stage, sorted by country code."""
    return sorted(n for n, d in graph.nodes(data=True) if d["stage"] == stage)


def _link_stages(graph: nx.DiGraph, up: str, down: str, routes: pd.DataFrame | None) -> None:
    given = _routes_between(routes, up, down)
    downstream = stage_nodes(graph, down)
    for u in stage_nodes(graph, up):
        for v in downstream:
            if given is None:
                graph.add_edge(u, v, cost_usd_per_t=0.0, assumed=True, weight=None)
            elif (u[1], v[1]) in given:
                graph.add_edge(u, v, cost_usd_per_t=given[(u[1], v[1])], assumed=False,
                               weight=None)


def _routes_between(routes: pd.DataFrame | None, up: str,
                    down: str) -> dict[tuple[str, str], float] | None:
    if routes is None or routes.empty:
        return None
    rows = routes[(routes["from_stage"] == up) & (routes["to_stage"] == down)]
    if rows.empty:
        return None
    return {(r.from_country, r.to_country): float(r.cost_usd_per_t)
            for r in rows.itertuples()}


def _link_buyers(graph: nx.DiGraph, chain: SupplyChain, mineral: str, last: str,
                 routes: pd.DataFrame | None) -> None:
    given = _routes_between(routes, last, BUYER_STAGE)
    for buyer in [n for n in graph if n[0] == BUYER_STAGE]:
        mix = supply_mix(graph, chain, mineral, buyer[1], last)
        for u in stage_nodes(graph, last):
            if given is not None and (u[1], buyer[1]) not in given:
                continue
            cost = given[(u[1], buyer[1])] if given else 0.0
            if mix and u[1] not in mix:
                continue
            graph.add_edge(u, buyer, cost_usd_per_t=cost, assumed=given is None and not mix,
                           weight=mix.get(u[1]) if mix else None)


def supply_mix(graph: nx.DiGraph, chain: SupplyChain, mineral: str, buyer: str,
               last: str) -> dict[str, float]:
    r"""Where ``buyer`` gets the last-stage product: own production first, then imports.

    .. math:: w_{own} = \min(1, P_{own} / D), \quad
              w_c = (1 - w_{own}) \cdot m_c \; (c \ne own)

    with :math:`P_{own}` the buyer's own capacity at the last stage, :math:`D` its
    demand and :math:`m_c` its import shares by origin.  Empty when there are no
    import data (then the buyer buys every supplier pro rata to capacity).
    """
    origins = {n[1] for n in stage_nodes(graph, last)}
    imports = import_mix(chain, mineral, buyer, origins - {buyer})
    if not imports:
        return {}
    demand = graph.nodes[(BUYER_STAGE, buyer)]["demand_t"]
    own_t = graph.nodes[(last, buyer)]["capacity_t"] if (last, buyer) in graph else 0.0
    own = min(1.0, own_t / demand) if demand > 0 else 0.0
    mix = {c: (1.0 - own) * w for c, w in imports.items()}
    if own > 0:
        mix[buyer] = own
    return dict(sorted(mix.items()))


def import_mix(chain: SupplyChain, mineral: str, buyer: str,
               origins: Iterable[str]) -> dict[str, float]:
    """Import shares of ``buyer`` for ``mineral`` over origins that have last-stage supply.

    Uses the chain's ``imports`` table (columns buyer, mineral, origin, share and,
    when present, ``stage``: only rows of the mineral's last stage are used).  Shares
    are renormalised over the usable origins; an origin with no node of its own at that
    stage is attributed to the rest-of-world node ``ROW`` when there is one.  An empty
    dict means "no trade data".  Computed once per imports table and arguments.
    """
    imports = chain.imports
    if imports is None or imports.empty:
        return {}
    stages = stages_of(chain, mineral)
    key = (buyer, mineral, stages[-1] if stages else None, frozenset(origins))
    memo = _per_table(imports, "mix", lambda _table: {})
    if key not in memo:
        memo[key] = _import_mix(imports, *key)
    return dict(memo[key])


def _import_mix(imports: pd.DataFrame, buyer: str, mineral: str, last: str | None,
                origins: frozenset[str]) -> dict[str, float]:
    rows = _imports_by(imports).get((buyer, mineral), imports.iloc[0:0])
    if "stage" in rows.columns:
        rows = rows[rows["stage"] == last]
    named = rows["origin"].where(rows["origin"].isin(origins), AGGREGATE)
    usable = rows.assign(origin=named)
    usable = usable[usable["origin"].isin(origins)].groupby("origin")["share"].sum()
    total = float(usable.sum())
    if total <= 0:
        return {}
    return {str(k): float(v) / total for k, v in usable.sort_index().items()}


def stages_of(chain: SupplyChain, mineral: str) -> list[str]:
    """:meth:`SupplyChain.stages_of`, with the stages of every mineral listed once per
    supply table."""
    present = _per_table(chain.supply, "stages", lambda supply: {
        m: set(rows) for m, rows in supply.groupby("mineral", sort=False)["stage"]}).get(
        mineral, set())
    return [s for s in STAGES if s in present]




def _imports_by(imports: pd.DataFrame) -> dict[tuple[str, str], pd.DataFrame]:
    """The rows of an imports table per (buyer, mineral), split once per table object
    (chains derived by ``at_year`` share it; dropped with the table)."""
    return once_per(imports, "by_buyer_mineral", lambda: {
        (str(b), str(m)): rows
        for (b, m), rows in imports.groupby(["buyer", "mineral"], sort=False)})


def trace_flows(graph: nx.DiGraph) -> dict[tuple[Node, Node], float]:
    """Edge flows (t/yr) that deliver each buyer's demand under pro-rata mixing.

    Each buyer's demand is split over its suppliers by the edge ``weight`` (import
    share) when given, else in proportion to supplier capacity; each supply node's
    throughput is split over its upstream nodes in proportion to their capacity.
    Flows are conserved at every node by construction.
    """
    flows: dict[tuple[Node, Node], float] = {}
    need: dict[Node, float] = {}
    for buyer in [n for n in graph if n[0] == BUYER_STAGE]:
        _split(graph, buyer, graph.nodes[buyer]["demand_t"], flows, need)
    for stage in reversed(graph.graph["stages"][1:]):
        for node in stage_nodes(graph, stage):
            _split(graph, node, need.get(node, 0.0), flows, need)
    return flows


def _split(graph: nx.DiGraph, node: Node, amount: float,
           flows: dict[tuple[Node, Node], float], need: dict[Node, float]) -> None:
    shares = upstream_shares(graph, node)
    for u, share in shares.items():
        flows[(u, node)] = flows.get((u, node), 0.0) + amount * share
        need[u] = need.get(u, 0.0) + amount * share


def upstream_shares(graph: nx.DiGraph, node: Node) -> dict[Node, float]:
    """Fraction of ``node``'s input that comes from each predecessor (sums to 1)."""
    preds = sorted(graph.predecessors(node))
    weights = {u: graph.edges[u, node].get("weight") for u in preds}
    if preds and all(w is not None for w in weights.values()):
        raw = {u: float(w) for u, w in weights.items()}
    else:
        raw = {u: graph.nodes[u]["capacity_t"] for u in preds}
    total = sum(raw.values())
    return {u: w / total for u, w in raw.items()} if total > 0 else {}


def china_touch(graph: nx.DiGraph, china: str = CHINA) -> dict[Node, float]:
    """Share of each node's supply whose path has passed a Chinese node.

    .. math:: f(n) = 1 \\text{ if } n \\text{ is Chinese, else } \\sum_u w_{u,n} f(u)

    with :math:`w_{u,n}` the fraction of ``n``'s input from ``u``
    (:func:`upstream_shares`).  Evaluated in topological order, so a magnet made in
    Japan from China-refined oxide of Australian ore counts as touched.
    """
    touch: dict[Node, float] = {}
    for node in nx.topological_sort(graph):
        if graph.nodes[node]["stage"] != BUYER_STAGE and node[1] == china:
            touch[node] = 1.0
            continue
        shares = upstream_shares(graph, node)
        touch[node] = sum(s * touch[u] for u, s in shares.items())
    return touch


def mass_balance(graph: nx.DiGraph, tolerance: float = 0.05) -> pd.DataFrame:
    """Compare tonnes between consecutive stages and against buyer demand.

    Returns one row per link of stages (``from_stage, to_stage, from_t, to_t, ratio,
    status``); status ``imbalance`` when the downstream stage carries more than the
    upstream one by more than ``tolerance`` (content bases may differ between stages,
    e.g. gross natural graphite vs battery-grade, so this is a warning, not an error),
    and for the buyers when their demand exceeds the last stage's total.
    """
    stages = graph.graph["stages"]
    totals = {s: sum(graph.nodes[n]["capacity_t"] for n in stage_nodes(graph, s))
              for s in stages}
    buyers = sum(d.get("demand_t", 0.0) for _, d in graph.nodes(data=True)
                 if d["stage"] == BUYER_STAGE)
    pairs = list(zip(stages, stages[1:], strict=False))
    rows = [(u, v, totals[u], totals[v]) for u, v in pairs]
    if stages:
        rows.append((stages[-1], BUYER_STAGE, totals[stages[-1]], buyers))
    out = pd.DataFrame(rows, columns=["from_stage", "to_stage", "from_t", "to_t"])
    out.insert(0, "mineral", graph.graph["mineral"])
    out["ratio"] = out["to_t"] / out["from_t"].where(out["from_t"] > 0)
    out["status"] = ["imbalance" if (r > 1 + tolerance or pd.isna(r)) and t > 0 else "ok"
                     for r, t in zip(out["ratio"], out["to_t"], strict=True)]
    return out
