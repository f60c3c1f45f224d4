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
from toolkit.optimize.reference_rows import FAMILIES

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
    for family in FAMILIES:
        family(d, lay, rows)


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
    cost[lay.short:lay.short + B * S] = (q[:, None] * p[None, :]).ravel() \
        + d.shortfall_tie_usd_per_t * np.tile(p, B)
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
