"""Loading a built Pyomo model into a fresh HiGHS instance (the load half of
:class:`toolkit.optimize.solve.Solver`; see that module for the bridge's design).

Rows in the model's order (a :class:`~toolkit.optimize.linear_rows.LinearRows` family in
bulk), columns in order of first appearance in the rows and then the objective, the
same coefficients and bounds as Pyomo's own persistent interface; rows whose bounds
involve mutable parameters, mutable coefficients and mutable costs are remembered for
the re-solves (:mod:`toolkit.optimize.bridge_update`).
"""

from __future__ import annotations

import highspy
import numpy as np
import pyomo.environ as pyo
from pyomo.common.tee import capture_output

from toolkit.optimize.bridge_rows import INF, RowChunks, evaluator, linear_terms
from toolkit.optimize.linear_rows import LinearRows

OPTIONS = {"output_flag": False, "threads": 1}
# MILP (models with projects): close the branch-and-bound gap to 1e-9 of the cost (the
# default 1e-4 would leave tens of millions of USD on the table in the default model);
# the models have few binaries, so proving it is cheap.  The feasibility-jump heuristic
# only looks for a first integer solution; these MILPs close at the root node without
# it, and it took 30 % of their time (bench/bench_milp.py)
MIP_OPTIONS = {"mip_rel_gap": 1e-9, "mip_abs_gap": 1e-6,
               "mip_heuristic_run_feasibility_jump": False}
_quiet = {"banner_done": False}


def new_highs() -> highspy.Highs:
    """A silent single-threaded HiGHS instance.

    HiGHS prints its banner on the first instance of a process, to the C-level
    stdout; that one construction runs with the output captured.
    """
    if _quiet["banner_done"]:
        h = highspy.Highs()
    else:
        with capture_output(capture_fd=True):
            h = highspy.Highs()
        _quiet["banner_done"] = True
    for key, option in OPTIONS.items():
        h.setOptionValue(key, option)
    return h


class ModelLoad:
    """The load steps of :class:`~toolkit.optimize.solve.Solver` (its state is the
    solver's own)."""

    def _column(self, var) -> int:
        """Column of ``var``, added on first appearance."""
        key = id(var)
        col = self._col.get(key)
        if col is None:
            col = self._col[key] = len(self._vars)
            self._vars.append(var)
        return col

    def _load(self) -> None:
        """Hand rows, columns and objective to a fresh HiGHS instance."""
        lower, upper, starts, index, value = [], [], [], [], []
        rows = RowChunks()
        for comp in self.model.component_objects(pyo.Constraint, active=True,
                                                 descend_into=True):
            if comp.__class__ is LinearRows:
                self._load_family(comp, rows)
                continue
            lower, upper, starts, index, value = [], [], [], [], []
            for con in comp.values():
                if not con.active:
                    continue
                row = rows.count + len(lower)
                self._row[con] = row
                starts.append(len(index))
                coefs, variables, constant = linear_terms(con.body)
                merged = self._merge(row, coefs, variables)
                index += merged.keys()
                value += merged.values()
                self._remember_restated(con, row, merged)
                lo, up = self._row_bounds(row, con, constant)
                lower.append(lo)
                upper.append(up)
            rows.add(lower, upper, starts, index, value)
        cost = self._objective()
        self.h = new_highs()
        self._add_columns(cost)
        self.h.changeObjectiveOffset(self._offset)
        lower, upper, starts, index, value = rows.arrays()
        self._bounds = (lower, upper)
        self.h.addRows(len(lower), lower, upper, len(value), starts, index, value)

    def _load_family(self, comp: LinearRows, rows: RowChunks) -> None:
        """A :class:`LinearRows` family in bulk: its matrix mapped to LP columns (numbered
        in order of first appearance, as row by row), its bounds evaluated."""
        first_row = rows.count
        row_starts, cols, coefs = comp.matrix()
        x = comp._x
        colmap = np.zeros(len(x), dtype=np.int64)
        if len(cols):
            seen, first = np.unique(cols, return_index=True)
            order = seen[np.argsort(first, kind="stable")].tolist()
            paths = self._path_columns(comp)
            if paths is not None:  # every path flow has its LP column already
                colmap[:len(paths)] = paths
                order = [j for j in order if j >= len(paths)]
            colmap[order] = [self._column(x[j]) for j in order]
        for i, con in enumerate(comp._data.values()):
            self._row[con] = first_row + i
        lower, upper = self._family_bounds(comp, first_row)
        rows.add_arrays(lower, upper, row_starts[:-1], colmap[cols], coefs)
        target = getattr(self.model, "_refactor", None)
        if target is not None and target[0].parent_component() is comp:
            r = target[0]._row
            segment = slice(row_starts[r], row_starts[r + 1])
            local = [j for j, v in enumerate(x) if v is target[1]]
            hit = np.flatnonzero(cols[segment] == local[0]) if local else []
            if len(hit):
                k = row_starts[r] + int(hit[0])
                self._restated = (first_row + r, int(colmap[local[0]]), float(coefs[k]))

    def _path_columns(self, comp: LinearRows) -> np.ndarray | None:
        """LP columns of the family's leading path-flow variables, once all of them have
        one (cached per block: every family of a block starts with its path flows)."""
        if comp._paths_of is None or not comp._paths_of[1]:
            return None
        xs, n = comp._paths_of
        cache = self.__dict__.setdefault("_path_cols", {})
        if id(xs) not in cache:
            if not all(id(v) in self._col for v in xs):
                return None
            cache[id(xs)] = (xs, np.array([self._col[id(v)] for v in xs], dtype=np.int64))
        return cache[id(xs)][1]

    def _family_bounds(self, comp: LinearRows, first_row: int) -> tuple[np.ndarray, ...]:
        """(lower, upper) of a family's rows; rows with parameter bounds are remembered."""
        plain = (int, float)
        lower = np.array([-INF if b is None else b if b.__class__ in plain else np.nan
                          for b in comp._lower], dtype=float)
        upper = np.array([INF if b is None else b if b.__class__ in plain else np.nan
                          for b in comp._upper], dtype=float)
        for side, bounds, values in ((0, comp._lower, lower), (1, comp._upper, upper)):
            for i in np.flatnonzero(np.isnan(values)).tolist():
                self._mutable_rows.add(first_row + i, side, bounds[i])
                value = pyo.value(bounds[i])
                values[i] = value if value not in (INF, -INF) else (-INF, INF)[side]
        return lower, upper

    def _remember_restated(self, con, row: int, merged: dict[int, float]) -> None:
        """Keep (row, column, value) of the model's scenario coefficient."""
        target = getattr(self.model, "_refactor", None)
        if target is not None and target[0] is con:
            col = self._col[id(target[1])]
            if col in merged:  # a zero mutable coefficient (sweep mode) is not in the row
                self._restated = (row, col, float(merged[col]))

    def _merge(self, row: int, coefs: list, variables: list) -> dict[int, float]:
        """Column -> coefficient of one row (repeated variables summed, as Pyomo does)."""
        merged: dict[int, float] = {}
        for coef, var in zip(coefs, variables, strict=True):
            col = self._column(var)
            if coef.__class__ is not int and coef.__class__ is not float:
                if not pyo.is_constant(coef):
                    get = evaluator(coef)
                    self._mutable_coefs.append([row, col, get, get()])
                    if pyo.value(coef) == 0:
                        continue
                coef = pyo.value(coef)
            merged[col] = merged.get(col, 0) + coef
        return merged

    def _row_bounds(self, row: int, con, constant) -> tuple[float, float]:
        """Evaluated (lower, upper) of a row; rows with parameter bounds are remembered."""
        lo = con.lower - constant if con.has_lb() else -INF
        up = con.upper - constant if con.has_ub() else INF
        for side, bound in ((0, lo), (1, up)):
            if not pyo.is_constant(bound):
                self._mutable_rows.add(row, side, bound)
        return pyo.value(lo), pyo.value(up)

    def _objective(self) -> dict[int, float]:
        """Column -> cost of the (single, minimised) active objective."""
        objectives = list(self.model.component_data_objects(pyo.Objective, active=True))
        if len(objectives) != 1 or objectives[0].sense != pyo.minimize:
            raise ValueError("the HiGHS bridge needs exactly one minimised objective")
        coefs, variables, constant = linear_terms(objectives[0].expr)
        self._offset = pyo.value(constant)
        cost: dict[int, float] = {}
        for coef, var in zip(coefs, variables, strict=True):
            col = self._column(var)
            if coef.__class__ not in (int, float) and not pyo.is_constant(coef):
                self._mutable_costs.append([col, coef, pyo.value(coef)])
            cost[col] = cost.get(col, 0) + pyo.value(coef)
        return cost

    def _add_columns(self, cost: dict[int, float]) -> None:
        """Columns with their bounds (a fixed variable sits at its value) and costs."""
        n = len(self._vars)
        lower, upper = np.empty(n), np.empty(n)
        for i, var in enumerate(self._vars):
            if var.fixed:
                lower[i] = upper[i] = var.value
            else:
                lb, ub = var.bounds
                lower[i] = -INF if lb is None else lb
                upper[i] = INF if ub is None else ub
        self.h.addVars(n, lower, upper)
        self._col_bounds = (lower, upper)
        self._set_integrality(lower, upper)
        if cost:
            self.h.changeColsCost(len(cost), np.fromiter(cost.keys(), np.int32, len(cost)),
                                  np.fromiter(cost.values(), float, len(cost)))

    def _set_integrality(self, lower: np.ndarray, upper: np.ndarray) -> None:
        """Mark the columns of integer (binary) variables: the model becomes a MILP."""
        ints = [i for i, var in enumerate(self._vars) if var.is_integer() and not var.fixed]
        if not ints:
            return
        self._integers = np.array(ints, dtype=np.int32)
        self._integer_bounds = (lower[self._integers], upper[self._integers])
        self.h.changeColsIntegrality(len(ints), self._integers, np.array(
            [highspy.HighsVarType.kInteger] * len(ints)))
        for key, option in MIP_OPTIONS.items():
            self.h.setOptionValue(key, option)
