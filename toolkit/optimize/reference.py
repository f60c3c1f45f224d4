"""The same LP as :mod:`toolkit.optimize.model`, built directly with highspy from arrays.

This second formulation is the check and the speed reference: variables are laid
out in blocks (``addVars``), every constraint family becomes a block of rows in
compressed-row form (``addRows``), all from numpy arrays of a
:class:`~toolkit.optimize.data.MineralData`, with no modelling layer.  Tests
compare its objective with the Pyomo model's; ``bench/`` times both.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import highspy
import numpy as np

from toolkit.optimize.bids import bid_unit_cost
from toolkit.optimize.data import MineralData

INF = highspy.kHighsInf


@dataclass
class Rows:
    """Rows in coordinate form: ``lower <= sum(coef * var) <= upper``."""

    lower: list[float] = field(default_factory=list)
    upper: list[float] = field(default_factory=list)
    rows: list[np.ndarray] = field(default_factory=list)
    cols: list[np.ndarray] = field(default_factory=list)
    vals: list[np.ndarray] = field(default_factory=list)
    families: dict[str, tuple[int, int]] = field(default_factory=dict)

    def add_block(self, name: str, lower: np.ndarray, upper: np.ndarray, row: np.ndarray,
                  col: np.ndarray, val: np.ndarray) -> None:
        """Add ``len(lower)`` rows; ``row`` holds block-local row numbers."""
        start = len(self.lower)
        self.families[name] = (start, start + len(lower))
        self.lower += np.asarray(lower, dtype=float).tolist()
        self.upper += np.asarray(upper, dtype=float).tolist()
        self.rows.append(np.asarray(row, dtype=np.int64) + start)
        self.cols.append(np.asarray(col, dtype=np.int64))
        self.vals.append(np.asarray(val, dtype=float))

    def csr(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(starts, indices, values) sorted by row, zeros dropped."""
        row = np.concatenate(self.rows) if self.rows else np.zeros(0, np.int64)
        col = np.concatenate(self.cols) if self.cols else np.zeros(0, np.int64)
        val = np.concatenate(self.vals) if self.vals else np.zeros(0)
        keep = val != 0
        row, col, val = row[keep], col[keep], val[keep]
        order = np.lexsort((col, row))
        row, col, val = row[order], col[order], val[order]
        starts = np.searchsorted(row, np.arange(len(self.lower)))
        return starts.astype(np.int32), col.astype(np.int32), val


@dataclass
class Layout:
    """Column offsets of each variable block (``bid`` holds one column per bid node)."""

    x: int
    bid: int
    short: int
    spot: int
    spot_node: int
    stock: int
    draw: int
    eta: int
    excess: int
    n: int
    project_y: dict = field(default_factory=dict)  # project node -> column of its y_j


def layout(d: MineralData, start: int = 0) -> Layout:
    """Assign column blocks: x | bid | short | spot | spot_node | stock | draw | eta | excess
    (from column ``start``: one year's block of a multi-year model)."""
    B, S, N = len(d.buyers), len(d.scenarios), len(d.capacity_t)
    spot = B * S if d.spot_enabled else 0
    spot_node = B * S * N if d.spot_enabled else 0
    stock = B if d.stockpile_enabled else 0
    draw = B * S if d.stockpile_enabled else 0
    cvar = d.risk_aversion > 0 and S > 0
    sizes = [d.n_paths, len(d.bid_nodes), B * S, spot, spot_node, stock, draw, int(cvar),
             S if cvar else 0]
    offsets = (start + np.concatenate([[0], np.cumsum(sizes)])).tolist()
    return Layout(*offsets[:9], n=offsets[9])


FAMILIES = ("_demand", "_bid_room", "_capacity", "_world_balance", "_china", "_touch",
            "_country", "_partner", "_offtake", "_cover", "_served", "_expected_shortfall",
            "_spot", "_stockpile", "_cvar", "_projects")


def build_reference(d: MineralData) -> tuple[highspy.Highs, Rows, Layout]:
    """Build the LP in a fresh ``highspy.Highs`` (not solved)."""
    lay = layout(d)
    rows = Rows()
    add_families(d, lay, rows)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    h.addVars(lay.n, np.zeros(lay.n), _upper(d, lay))
    cost = _costs(d, lay)
    h.changeColsCost(lay.n, np.arange(lay.n, dtype=np.int32), cost)
    starts, idx, val = rows.csr()
    h.addRows(len(rows.lower), np.array(rows.lower), np.array(rows.upper), len(val),
              starts, idx, val)
    return h, rows, lay


def add_families(d: MineralData, lay: Layout, rows: Rows) -> None:
    """Every constraint family of one (year's) instance, in the Pyomo model's order."""
    for name in FAMILIES:
        globals()[name](d, lay, rows)


def build_years_reference(years: list) -> highspy.Highs:
    r"""The multi-year MILP of :mod:`toolkit.optimize.years` from arrays: year blocks side
    by side (columns and rows), then one binary column per project with cost
    :math:`\sum_t \mathrm{CRF}\,\mathrm{capex}_j` over the years it is online in.

    ``years`` are :class:`~toolkit.optimize.years.YearData`.  Each year's rows are built
    on its own columns ``0..n_t-1`` (project columns as ``-1-j``), then shifted.
    """
    ids = sorted({str(p) for y in years for p in y.data.node_project if p})
    total = Rows()
    lower, upper, cost, start = [], [], [], 0
    for y in years:
        d = y.data
        lay = layout(d)
        lay.project_y = {n: -1 - ids.index(str(d.node_project[n])) for n in d.project_nodes}
        rows = Rows()
        add_families(d, lay, rows)
        _append(total, rows, start)
        cost.append(_costs(d, lay))
        upper.append(_upper(d, lay))
        lower.append(np.zeros(lay.n))
        start += lay.n
    for i, c in enumerate(total.cols):
        total.cols[i] = np.where(c < 0, start - 1 - c, c)
    per_project = [sum(y.capex_usd.get(j, 0.0) for y in years) for j in ids]
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    h.setOptionValue("mip_rel_gap", 1e-9)
    n = start + len(ids)
    h.addVars(n, np.concatenate(lower + [np.zeros(len(ids))]),
              np.concatenate(upper + [np.ones(len(ids))]))
    h.changeColsCost(n, np.arange(n, dtype=np.int32), np.concatenate(cost + [per_project]))
    if ids:
        h.changeColsIntegrality(len(ids), np.arange(start, n, dtype=np.int32), np.array(
            [highspy.HighsVarType.kInteger] * len(ids)))
    starts, idx, val = total.csr()
    h.addRows(len(total.lower), np.array(total.lower), np.array(total.upper), len(val),
              starts, idx, val)
    return h


def _append(total: Rows, rows: Rows, start: int) -> None:
    """Append one year's rows after the rows already there, its columns from ``start``
    (project columns, negative, are left for the caller)."""
    offset = len(total.lower)
    total.lower += rows.lower
    total.upper += rows.upper
    total.rows += [r + offset for r in rows.rows]
    total.cols += [np.where(c >= 0, c + start, c) for c in rows.cols]
    total.vals += list(rows.vals)


def solve_years_reference(years: list) -> tuple[str, float | None]:
    """Build and solve the multi-year MILP from arrays; return (status, objective)."""
    h = build_years_reference(years)
    h.run()
    return _outcome(h)


def _outcome(h: highspy.Highs) -> tuple[str, float | None]:
    status = h.getModelStatus()
    if status == highspy.HighsModelStatus.kOptimal:
        return "optimal", float(h.getInfo().objective_function_value)
    if status == highspy.HighsModelStatus.kInfeasible:
        return "infeasible", None
    return h.modelStatusToString(status), None


def solve_reference(d: MineralData) -> tuple[str, float | None]:
    """Build and solve; return (status, objective)."""
    h, _, _ = build_reference(d)
    h.run()
    return _outcome(h)


def _upper(d: MineralData, lay: Layout) -> np.ndarray:
    upper = np.full(lay.n, INF)
    if d.stockpile_enabled:
        upper[lay.stock:lay.stock + len(d.buyers)] = np.where(np.isnan(d.stock_cost), 0, INF)
    return upper


def _costs(d: MineralData, lay: Layout) -> np.ndarray:
    B, S, N = len(d.buyers), len(d.scenarios), len(d.capacity_t)
    cost = np.zeros(lay.n)
    cost[lay.x:lay.x + d.n_paths] = d.path_cost
    cost[lay.bid:lay.bid + len(d.bid_nodes)] = [bid_unit_cost(d, n) for n in d.bid_nodes]
    q = np.nan_to_num(d.short_cost)
    p = d.probability
    cvar = lay.excess < lay.n
    cost[lay.short:lay.short + B * S] = (q[:, None] * p[None, :]).ravel()
    if d.spot_enabled:
        price = d.spot_premium * d.unit_cost
        cost[lay.spot_node:lay.spot_node + B * S * N] = np.broadcast_to(
            p[None, :, None] * price[None, None, :], (B, S, N)).ravel()
    if d.stockpile_enabled:
        cost[lay.stock:lay.stock + B] = np.nan_to_num(d.stock_cost)
    if cvar:
        cost[lay.eta] = d.risk_aversion
        cost[lay.excess:lay.excess + S] = d.risk_aversion * p / (1.0 - d.cvar_alpha)
    return cost


def _demand(d: MineralData, lay: Layout, rows: Rows) -> None:
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


def _bid_room(d: MineralData, lay: Layout, rows: Rows) -> None:
    """:math:`\\delta_n \\le \\theta_k H_n`."""
    bids = np.array(d.bid_nodes, dtype=np.int64)
    rows.add_block("bid_room", np.full(len(bids), -INF),
                   d.max_bid[d.node_stage[bids]] * d.holding_t[bids], np.arange(len(bids)),
                   lay.bid + np.arange(len(bids)), np.ones(len(bids)))


def _capacity(d: MineralData, lay: Layout, rows: Rows) -> None:
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


def _world_balance(d: MineralData, lay: Layout, rows: Rows) -> None:
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


def _china(d: MineralData, lay: Layout, rows: Rows) -> None:
    _stage_rows(d, "china_share", d.china, d.china_cap, rows, keep_all=True)


def _partner(d: MineralData, lay: Layout, rows: Rows) -> None:
    _stage_rows(d, "partner_share", d.partner, d.partner_min, rows, lower=True)


def _touch(d: MineralData, lay: Layout, rows: Rows) -> None:
    keys = [b for b in range(len(d.buyers)) if not np.isnan(d.touch_cap[b])]
    parts = [np.flatnonzero(d.path_touch & (d.path_buyer == b)) for b in keys]
    row = _cat([np.full(len(p), r) for r, p in enumerate(parts)])
    rhs = np.array([d.touch_cap[b] * d.demand_t[b] for b in keys])
    rows.add_block("china_touch", np.full(len(keys), -INF), rhs, row, _cat(parts),
                   np.ones(len(row)))


def _country(d: MineralData, lay: Layout, rows: Rows) -> None:
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


def _offtake(d: MineralData, lay: Layout, rows: Rows) -> None:
    nodes, paths = _node_rows(d)
    theta = d.offtake[d.node_stage]
    used = np.unique(nodes[~np.isnan(theta[nodes])])
    keep = np.isin(nodes, used)
    local = np.searchsorted(used, nodes[keep])
    rows.add_block("offtake", np.full(len(used), -INF), theta[used] * d.capacity_t[used],
                   local, paths[keep], np.ones(int(keep.sum())))


def _bs(d: MineralData) -> tuple[int, int]:
    return len(d.buyers), len(d.scenarios)


def _cover(d: MineralData, lay: Layout, rows: Rows) -> None:
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


def _served(d: MineralData, lay: Layout, rows: Rows) -> None:
    B, S = _bs(d)
    active = (d.probability[None, :] > 0) & ~np.isnan(d.min_served)[:, None]
    sigma = np.nan_to_num(d.min_served)[:, None]
    rhs = np.where(active, (1 - sigma) * d.demand_t[:, None], d.demand_t[:, None]).ravel()
    own = np.arange(B * S)
    rows.add_block("served", np.full(B * S, -INF), rhs, own, lay.short + own, np.ones(B * S))


def _expected_shortfall(d: MineralData, lay: Layout, rows: Rows) -> None:
    B, S = _bs(d)
    if not B * S:
        return
    eps = max(1.0, float(d.probability.sum()))
    rows.add_block("expected_shortfall", [-INF], [eps * float(d.demand_t.sum())],
                   np.zeros(B * S), lay.short + np.arange(B * S), np.tile(d.probability, B))


def _spot(d: MineralData, lay: Layout, rows: Rows) -> None:
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


def _projects(d: MineralData, lay: Layout, rows: Rows) -> None:
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


def _stockpile(d: MineralData, lay: Layout, rows: Rows) -> None:
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


def _cvar(d: MineralData, lay: Layout, rows: Rows) -> None:
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
