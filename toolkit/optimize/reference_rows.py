"""The constraint families of the direct-highspy reference LP
(:mod:`toolkit.optimize.reference`), one function per family of
:mod:`toolkit.optimize.model`, each adding its block of rows from the arrays of a
:class:`~toolkit.optimize.data.MineralData`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import highspy
import numpy as np

from toolkit.optimize.data import MineralData

if TYPE_CHECKING:
    from toolkit.optimize.reference import Layout, Rows

INF = highspy.kHighsInf


def demand(d: MineralData, lay: Layout, rows: Rows) -> None:
    P = np.arange(d.n_paths)
    rows.add_block("demand", d.demand_t, d.demand_t, d.path_buyer, P, np.ones(d.n_paths))


def _node_rows(d: MineralData) -> tuple[np.ndarray, np.ndarray]:
    """(node, path) pairs: every path crosses one node per stage."""
    K = len(d.stages)
    nodes = d.path_nodes.T.ravel()
    paths = np.tile(np.arange(d.n_paths), K)
    return nodes, paths


def _bid_column(d: MineralData, lay: Layout) -> dict[int, int]:
    """Node -> column of its bid variable."""
    return {n: lay.bid + i for i, n in enumerate(d.bid_nodes)}


def bid_room(d: MineralData, lay: Layout, rows: Rows) -> None:
    """:math:`\\delta_n \\le \\theta_k H_n`."""
    bids = np.array(d.bid_nodes, dtype=np.int64)
    rows.add_block("bid_room", np.full(len(bids), -INF),
                   d.max_bid[d.node_stage[bids]] * d.holding_t[bids], np.arange(len(bids)),
                   lay.bid + np.arange(len(bids)), np.ones(len(bids)))


def capacity(d: MineralData, lay: Layout, rows: Rows) -> None:
    """:math:`\\sum_{p \\ni n} x_p - \\delta_n \\le C_n - H_n`."""
    nodes, paths = _node_rows(d)
    used = np.unique(nodes)
    local = np.searchsorted(used, nodes)
    col = _bid_column(d, lay)
    bid_nodes = [n for n in used.tolist() if n in col]
    r = np.concatenate([local, np.searchsorted(used, bid_nodes)]).astype(np.int64)
    c = np.concatenate([paths, [col[n] for n in bid_nodes]]).astype(np.int64)
    v = np.concatenate([np.ones(len(paths)), -np.ones(len(bid_nodes))])
    rhs = d.capacity_t[used] - (d.holding_t[used] if d.market_enabled else 0.0)
    rows.add_block("capacity", np.full(len(used), -INF), rhs, r, c, v)


def world_balance(d: MineralData, lay: Layout, rows: Rows) -> None:
    """Per stage: every path's flow <= :math:`\\sum_{n \\in k} C_n - D^M`."""
    if not d.market_enabled:
        return
    K = len(d.stages)
    r = np.repeat(np.arange(K), d.n_paths)
    c = np.tile(np.arange(d.n_paths), K)
    v = np.ones(K * d.n_paths)
    for n, col in lay.project_y.items():  # a backed plant's tonnes are the world's spare
        r = np.append(r, d.node_stage[n])
        c = np.append(c, col)
        v = np.append(v, -d.capacity_t[n])
    rows.add_block("world_balance", np.full(K, -INF), d.world_t, r, c, v)


def _stage_rows(d: MineralData, name: str, mask: np.ndarray, share: np.ndarray,
                rows: Rows, lower: bool = False, keep_all: bool = False) -> None:
    """One row per (buyer, stage): flow through ``mask`` nodes vs share x demand."""
    B, K = len(d.buyers), len(d.stages)
    keys = [(b, k) for b in range(B) for k in range(K)
            if keep_all or not np.isnan(share[b, k])]
    row_ids, cols = [], []
    for r, (b, k) in enumerate(keys):
        paths = np.flatnonzero((d.path_buyer == b) & mask[d.path_nodes[:, k]])
        row_ids.append(np.full(len(paths), r))
        cols.append(paths)
    rhs = np.array([np.nan_to_num(share[b, k], nan=1.0) * d.demand_t[b] for b, k in keys])
    low, up = (rhs, np.full(len(keys), INF)) if lower else (np.full(len(keys), -INF), rhs)
    rows.add_block(name, low, up, _cat(row_ids), _cat(cols), np.ones(len(_cat(cols))))


def _cat(parts: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def china(d: MineralData, lay: Layout, rows: Rows) -> None:
    _stage_rows(d, "china_share", d.china, d.china_cap, rows, keep_all=True)


def partner(d: MineralData, lay: Layout, rows: Rows) -> None:
    _stage_rows(d, "partner_share", d.partner, d.partner_min, rows, lower=True)


def touch(d: MineralData, lay: Layout, rows: Rows) -> None:
    keys = [b for b in range(len(d.buyers)) if not np.isnan(d.touch_cap[b])]
    parts = [np.flatnonzero(d.path_touch & (d.path_buyer == b)) for b in keys]
    row = _cat([np.full(len(p), r) for r, p in enumerate(parts)])
    rhs = np.array([d.touch_cap[b] * d.demand_t[b] for b in keys])
    rows.add_block("china_touch", np.full(len(keys), -INF), rhs, row, _cat(parts),
                   np.ones(len(row)))


def country(d: MineralData, lay: Layout, rows: Rows) -> None:
    """One row per buyer and (stage, country): paths through any node of the country
    (its supply node and its projects) at that stage."""
    first = {}
    for n in range(len(d.capacity_t)):
        first.setdefault((d.node_stage[n], d.node_country[n]), n)
    keys = [(b, n) for b in range(len(d.buyers)) for n in sorted(first.values())
            if not np.isnan(d.country_cap[b, n])]
    same = d.node_country[d.path_nodes]  # (P, K) country of each path's node per stage
    parts = [np.flatnonzero((d.path_buyer == b)
                            & (same[:, d.node_stage[n]] == d.node_country[n]))
             for b, n in keys]
    row = _cat([np.full(len(p), r) for r, p in enumerate(parts)])
    rhs = np.array([d.country_cap[b, n] * d.demand_t[b] for b, n in keys])
    rows.add_block("country_share", np.full(len(keys), -INF), rhs, row, _cat(parts),
                   np.ones(len(row)))


def offtake(d: MineralData, lay: Layout, rows: Rows) -> None:
    nodes, paths = _node_rows(d)
    theta = d.offtake[d.node_stage]
    used = np.unique(nodes[~np.isnan(theta[nodes])])
    keep = np.isin(nodes, used)
    local = np.searchsorted(used, nodes[keep])
    rows.add_block("offtake", np.full(len(used), -INF), theta[used] * d.capacity_t[used],
                   local, paths[keep], np.ones(int(keep.sum())))


def _bs(d: MineralData) -> tuple[int, int]:
    return len(d.buyers), len(d.scenarios)


def cover(d: MineralData, lay: Layout, rows: Rows) -> None:
    B, S = _bs(d)
    if not S:
        return
    loss = d.path_loss()
    s_idx, p_idx = np.nonzero(loss)
    r = d.path_buyer[p_idx] * S + s_idx
    parts_r, parts_c, parts_v = [r], [p_idx], [loss[s_idx, p_idx]]
    own = np.arange(B * S)
    for block, present in ((lay.short, True), (lay.spot, d.spot_enabled),
                           (lay.draw, d.stockpile_enabled)):
        if present:
            parts_r.append(own)
            parts_c.append(block + own)
            parts_v.append(-np.ones(B * S))
    rows.add_block("cover", np.full(B * S, -INF), np.zeros(B * S), np.concatenate(parts_r),
                   np.concatenate(parts_c), np.concatenate(parts_v))


def served(d: MineralData, lay: Layout, rows: Rows) -> None:
    B, S = _bs(d)
    active = (d.probability[None, :] > 0) & ~np.isnan(d.min_served)[:, None]
    sigma = np.nan_to_num(d.min_served)[:, None]
    rhs = np.where(active, (1 - sigma) * d.demand_t[:, None], d.demand_t[:, None]).ravel()
    own = np.arange(B * S)
    rows.add_block("served", np.full(B * S, -INF), rhs, own, lay.short + own, np.ones(B * S))


def expected_shortfall(d: MineralData, lay: Layout, rows: Rows) -> None:
    B, S = _bs(d)
    if not B * S:
        return
    eps = max(1.0, float(d.probability.sum()))
    rows.add_block("expected_shortfall", [-INF], [eps * float(d.demand_t.sum())],
                   np.zeros(B * S), lay.short + np.arange(B * S), np.tile(d.probability, B))


def spot(d: MineralData, lay: Layout, rows: Rows) -> None:
    B, S = _bs(d)
    if not d.spot_enabled or not S:
        return
    N, K = len(d.capacity_t), len(d.stages)
    bsk = [(b, s, k) for b in range(B) for s in range(S) for k in range(K)]
    r, c, v = [], [], []
    for i, (b, s, k) in enumerate(bsk):
        nodes = np.flatnonzero(d.node_stage == k)
        r += [i] * (len(nodes) + 1)
        c += (lay.spot_node + (b * S + s) * N + nodes).tolist() + [lay.spot + b * S + s]
        v += [1.0] * len(nodes) + [-1.0]
    rows.add_block("spot_stage", np.zeros(len(bsk)), np.zeros(len(bsk)), r, c, v)
    _spot_capacity(d, lay, rows)


def _spot_capacity(d: MineralData, lay: Layout, rows: Rows) -> None:
    B, S = _bs(d)
    N = len(d.capacity_t)
    nodes, paths = _node_rows(d)
    share = d.spot_share[d.node_stage][None, :] * (1.0 - d.node_loss) * d.sigma  # (S, N)
    bids = np.array(d.bid_nodes, dtype=np.int64)
    r, c, v = [], [], []
    for s in range(S):
        for b in range(B):
            r.append(s * N + np.arange(N))
            c.append(lay.spot_node + (b * S + s) * N + np.arange(N))
            v.append(np.ones(N))
        r.append(s * N + nodes)
        c.append(paths)
        v.append(share[s, nodes])
        r.append(s * N + bids)
        c.append(lay.bid + np.arange(len(bids)))
        v.append(-share[s, bids])
    free = d.capacity_t - (d.holding_t if d.market_enabled else 0.0)
    rows.add_block("spot_capacity", np.full(S * N, -INF), (share * free).ravel(),
                   _cat(r), _cat(c), np.concatenate(v))


def projects(d: MineralData, lay: Layout, rows: Rows) -> None:
    r"""Project nodes carry flow and sell spot only when backed:
    :math:`\sum_{p \ni n_j} x_p \le C_j y_j`, :math:`\sum_b z_{bsn_j} \le a_{sn_j} C_j y_j`."""
    nodes = [n for n in d.project_nodes if n in lay.project_y]
    r, c, v = [], [], []
    for i, n in enumerate(nodes):
        paths = np.flatnonzero(d.path_nodes[:, d.node_stage[n]] == n)
        r += [i] * (len(paths) + 1)
        c += paths.tolist() + [lay.project_y[n]]
        v += [1.0] * len(paths) + [-float(d.capacity_t[n])]
    rows.add_block("project_capacity", np.full(len(nodes), -INF), np.zeros(len(nodes)),
                   r, c, v)
    B, S = _bs(d)
    if not nodes or not d.spot_enabled or not S:
        return
    N = len(d.capacity_t)
    share = d.spot_share[d.node_stage][None, :] * (1.0 - d.node_loss) * d.sigma
    r, c, v = [], [], []
    for i, (s, n) in enumerate((s, n) for s in range(S) for n in nodes):
        r += [i] * (B + 1)
        c += [lay.spot_node + (b * S + s) * N + n for b in range(B)] + [lay.project_y[n]]
        v += [1.0] * B + [-float(share[s, n] * d.capacity_t[n])]
    rows.add_block("project_spot", np.full(S * len(nodes), -INF),
                   np.zeros(S * len(nodes)), r, c, v)


def stockpile(d: MineralData, lay: Layout, rows: Rows) -> None:
    if not d.stockpile_enabled:
        return
    B, S = _bs(d)
    if d.joint:
        r = np.concatenate([np.tile(np.arange(S), B), np.repeat(np.arange(S), B)])
        c = np.concatenate([lay.draw + np.arange(B * S), np.tile(lay.stock + np.arange(B),
                                                                  S)])
        v = np.concatenate([np.ones(B * S), -np.ones(B * S)])
        rows.add_block("stock_pool", np.full(S, -INF), np.zeros(S), r, c, v)
        return
    own = np.arange(B * S)
    r = np.concatenate([own, own])
    c = np.concatenate([lay.draw + own, lay.stock + own // S])
    v = np.concatenate([np.ones(B * S), -np.ones(B * S)])
    rows.add_block("stock_draw", np.full(B * S, -INF), np.zeros(B * S), r, c, v)


def cvar(d: MineralData, lay: Layout, rows: Rows) -> None:
    if lay.excess >= lay.n:
        return
    B, S = _bs(d)
    N = len(d.capacity_t)
    q = np.nan_to_num(d.short_cost)
    r, c, v = [], [], []
    for s in range(S):
        r += [s, s]
        c += [lay.excess + s, lay.eta]
        v += [1.0, 1.0]
        for b in range(B):
            r.append(s)
            c.append(lay.short + b * S + s)
            v.append(-q[b])
            if d.spot_enabled:
                price = d.spot_premium * d.unit_cost
                r += [s] * N
                c += (lay.spot_node + (b * S + s) * N + np.arange(N)).tolist()
                v += (-price).tolist()
    rows.add_block("cvar_excess", np.zeros(S), np.full(S, INF), r, c, v)


# in the Pyomo model's order
FAMILIES = (demand, bid_room, capacity, world_balance, china, touch, country, partner,
            offtake, cover, served, expected_shortfall, spot, stockpile, cvar, projects)
