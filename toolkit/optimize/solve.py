"""Persistent HiGHS solves of a built Pyomo model, through a lean linear bridge.

The Pyomo model (:mod:`toolkit.optimize.model`) is the single statement of the
LP.  :class:`Solver` hands it to one persistent ``highspy.Highs`` instance the way
Pyomo's persistent HiGHS interface (``pyomo.contrib.solver.solvers.highs``) does
— the same rows in the same order, columns in order of first appearance in the
rows and then the objective, the same coefficients and bounds — but reads each
row body directly from its ``LinearExpression`` arguments and keeps no
per-solve bookkeeping.  Row bounds that involve mutable parameters are
remembered; a re-solve re-evaluates only those, pushes the changed ones with one
``changeRowsBounds`` call and warm-starts from the previous basis.  Bodies of
another shape go through Pyomo's :func:`~pyomo.repn.standard_repn.generate_standard_repn`;
mutable coefficients, if a model has any, are re-evaluated and pushed with
``changeCoeff``, and mutable objective coefficients (the bid costs) with
``changeColsCost``.  ``tests/test_optimize_bridge.py`` checks that the LP handed to
HiGHS equals the one Pyomo's own interface builds.

Why not Pyomo's interface: its per-constraint expression walks and per-solve
configuration copies, output capture and full-solution copies dominated the
default model (with it: build + first solve 13x, re-solve 40x the direct highspy
build; see ``bench/bench_optimize.py`` for the current ratios).  Solutions are
never loaded into the Pyomo variables: values and duals are read from the solver
for the components a caller asks for, once per solve.
"""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np
import pyomo.environ as pyo
from pyomo.common.gc_manager import PauseGC
from pyomo.common.tee import capture_output

from toolkit.optimize.bridge_rows import (
    INF,
    MutableBounds,
    RowChunks,
    evaluator,
    linear_terms,
)
from toolkit.optimize.linear_rows import LinearRows
from toolkit.optimize.still_optimal import Change, LastSolution, basis_still_optimal

STATUS = {highspy.HighsModelStatus.kOptimal: "optimal",
          highspy.HighsModelStatus.kInfeasible: "infeasible",
          highspy.HighsModelStatus.kUnboundedOrInfeasible: "infeasible",
          highspy.HighsModelStatus.kUnbounded: "unbounded",
          highspy.HighsModelStatus.kTimeLimit: "maxTimeLimit",
          highspy.HighsModelStatus.kIterationLimit: "iterationLimit"}
OPTIONS = {"output_flag": False, "threads": 1}
# MILP (models with projects): close the branch-and-bound gap to 1e-9 of the cost (the
# default 1e-4 would leave tens of millions of USD on the table in the default model);
# the models have few binaries, so proving it is cheap
MIP_OPTIONS = {"mip_rel_gap": 1e-9, "mip_abs_gap": 1e-6}
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


@dataclass
class Outcome:
    """Status and objective of one solve (``objective_usd`` is None unless optimal)."""

    status: str
    objective_usd: float | None


def solver_info() -> dict:
    """Name and version of the solver, for provenance."""
    import pyomo.version

    h = new_highs()
    version = (h.versionMajor(), h.versionMinor(), h.versionPatch())
    return {"name": "HiGHS (persistent highspy instance fed from the Pyomo model)",
            "version": ".".join(str(v) for v in version),
            "pyomo": str(pyomo.version.version)}


class Solver:
    """One persistent HiGHS instance bound to one built model."""

    def __init__(self, model: pyo.ConcreteModel) -> None:
        self.model = model
        self.h: highspy.Highs | None = None
        self._col: dict[int, int] = {}
        self._vars: list = []
        self._row: dict = {}
        self._mutable_rows = MutableBounds()
        self._mutable_coefs: list = []     # [row, column, evaluator, last value]
        self._mutable_costs: list = []     # (column, cost expr, last value)
        self._bounds = (np.zeros(0), np.zeros(0))
        self._sol = None
        self._offset = 0.0
        self._restated: tuple[int, int, float] | None = None
        self._restated_entry: list | None = None  # its mutable-coefficient entry ([]: none)
        self._integers = np.zeros(0, dtype=np.int32)  # columns of binary variables
        self._integer_bounds = (np.zeros(0), np.zeros(0))
        self._integers_fixed = False
        self._col_bounds = (np.zeros(0), np.zeros(0))
        self._last: Outcome | None = None   # the last outcome (None: the next must run)
        self.skipped = 0                    # re-solves answered by the last basis

    def solve(self) -> Outcome:
        """Solve (first call: load the model) or re-solve after parameter changes.

        A re-solve whose changes leave the last optimal basis optimal
        (:mod:`toolkit.optimize.still_optimal`) returns the last solution without
        calling HiGHS (the changes are pushed all the same)."""
        if self.h is None:
            with PauseGC():
                self._load()
        else:
            change = self._update()
            last = self._last_solution(change)  # read before the push invalidates it
            previous, self._last = self._last, None  # None until this solve has an outcome
            self._push(change)
            if last is not None and basis_still_optimal(last, change):
                self.skipped += 1
                objective = previous.objective_usd + float(
                    ((change.new_costs - change.old_costs) * last.col_value).sum())
                self._last = Outcome("optimal", objective)
                return self._last
        self._sol = None
        self.h.run()
        self._last = self._read_outcome()
        return self._last

    def _last_solution(self, change: Change) -> LastSolution | None:
        """The last solve's values that ``change`` touches, when a re-solve could be
        skipped (the last solve was an optimal LP and no coefficient changed)."""
        if self._last is None or self._last.status != "optimal" or change.coefficients or \
                (len(self._integers) and not self._integers_fixed):
            return None
        sol = self.h.getSolution()  # a list per field: only the ones needed are read
        cols = change.cols
        return LastSolution(
            row_value=np.asarray(sol.row_value)[change.rows] if len(change.rows) else None,
            col_value=np.asarray(sol.col_value)[cols] if len(cols) else np.zeros(0),
            col_dual=np.asarray(sol.col_dual)[cols] if len(cols) else np.zeros(0),
            col_lower=self._col_bounds[0][cols], col_upper=self._col_bounds[1][cols])

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

    @property
    def is_mip(self) -> bool:
        """True when the model has integer columns that are not fixed."""
        return bool(len(self._integers))

    def fix_integers(self) -> dict[int, float]:
        """Fix every integer column at its (rounded) value in the last solution and make
        it continuous: re-solves are then LPs with duals.  Returns ``{column: value}``."""
        if not len(self._integers):
            return {}
        values = np.round(self._solution()[0][self._integers])
        self.h.changeColsIntegrality(len(values), self._integers, np.array(
            [highspy.HighsVarType.kContinuous] * len(values)))
        self.h.changeColsBounds(len(values), self._integers, values, values)
        self._sol = self._last = None
        self._integers_fixed = True
        lower, upper = (b.copy() for b in self._col_bounds)
        lower[self._integers] = upper[self._integers] = values
        self._col_bounds = (lower, upper)
        return dict(zip(self._integers.tolist(), values.tolist(), strict=True))

    def free_integers(self) -> None:
        """Undo :meth:`fix_integers`: the next solve is the MILP again."""
        if not len(self._integers):
            return
        self.h.changeColsBounds(len(self._integers), self._integers, *self._integer_bounds)
        self._last, self._integers_fixed = None, False
        lower, upper = (b.copy() for b in self._col_bounds)
        lower[self._integers], upper[self._integers] = self._integer_bounds
        self._col_bounds = (lower, upper)
        self.h.changeColsIntegrality(len(self._integers), self._integers, np.array(
            [highspy.HighsVarType.kInteger] * len(self._integers)))

    def evaluate(self, expr) -> float:
        """Value of a linear expression (e.g. one year's objective) at the last solution."""
        key = id(expr)
        cache = self.__dict__.setdefault("_linear_cache", {})
        if key not in cache:  # the expression is kept, so its id is never reused
            coefs, variables, constant = linear_terms(expr)
            mutable = [(i, c) for i, c in enumerate(coefs)
                       if c.__class__ not in (int, float) and not pyo.is_constant(c)]
            cache[key] = (expr, [float(pyo.value(c)) for c in coefs], mutable,
                          np.array([self._col[id(v)] for v in variables], dtype=np.int64),
                          float(pyo.value(constant)))
        _expr, coefs, mutable, cols, constant = cache[key]
        if mutable:  # parameter coefficients (bid costs) are read at their current value
            coefs = list(coefs)
            for i, c in mutable:
                coefs[i] = float(pyo.value(c))
        col_value = self._solution()[0]
        return constant + sum(c * float(v) for c, v in zip(
            coefs, col_value[cols].tolist(), strict=True))

    def _update(self) -> Change:
        """What changed since the last push: parameter-dependent row bounds, coefficients
        and costs (re-evaluated; nothing is pushed to HiGHS yet, see :meth:`_push`)."""
        change = Change()
        if self._mutable_rows:
            self._update_rows(change)
        for entry in self._mutable_coefs:  # [row, column, evaluator, last value pushed]
            value = entry[2]()
            if value != entry[3]:
                change.coefficients.append((entry, value))
        self._update_costs(change)
        return change

    def _push(self, change: Change) -> None:
        """Hand ``change`` to HiGHS (one ``changeRowsBounds``, the coefficients, one
        ``changeColsCost``, then the re-stated scenario coefficient) and remember it as
        pushed.  Nothing is remembered before: an update that fails half-way (a
        parameter without a value) leaves every change to the next solve."""
        if len(change.rows):
            lower, upper = self._bounds
            lower[change.rows], upper[change.rows] = change.new_rows
            self.h.changeRowsBounds(len(change.rows), change.rows, *change.new_rows)
        for entry, value in change.coefficients:
            entry[3] = value
            self.h.changeCoeff(entry[0], entry[1], value)
        for entry, value in change.cost_entries:
            entry[2] = value
        if len(change.cols):
            self.h.changeColsCost(len(change.cols), change.cols, change.new_costs)
        self._restate()

    def _update_rows(self, change: Change) -> None:
        """The row bounds whose parameters changed (``self._bounds`` takes them when
        they are pushed)."""
        rows, sides, values = self._mutable_rows.current()
        values = np.where(np.isinf(values), np.where(sides == 0, -INF, INF), values)
        lower, upper = self._bounds
        changed = np.where(sides == 0, lower[rows], upper[rows]) != values
        if not changed.any():
            return
        idx = np.unique(rows[changed]).astype(np.int32)
        change.rows, change.old_rows = idx, (lower[idx], upper[idx])  # copies (fancy index)
        new_lo, new_up = lower[idx], upper[idx]  # the changed rows' new bounds
        at = np.searchsorted(idx, rows)  # position in idx of each (changed) row
        for side, bounds in ((0, new_lo), (1, new_up)):
            pick = changed & (sides == side)
            bounds[at[pick]] = values[pick]
        change.new_rows = (new_lo, new_up)

    def _update_costs(self, change: Change) -> None:
        """Objective coefficients that are mutable parameters and changed.

        A column carries at most one parameter coefficient in the models built here
        (``bid_cost``); its new value replaces the column's cost.
        """
        changed = []
        for entry in self._mutable_costs:
            value = pyo.value(entry[1])
            if value != entry[2]:
                changed.append((entry[0], entry[2], value))
                change.cost_entries.append((entry, value))
        if changed:
            change.cols = np.array([c for c, _, _ in changed], dtype=np.int32)
            change.old_costs = np.array([v for _, v, _ in changed])
            change.new_costs = np.array([v for _, _, v in changed])

    def _restate(self) -> None:
        """Re-state the model's scenario coefficient (``model._refactor``), if any.

        HiGHS then treats the matrix as changed and refactorises the previous basis
        before the warm-started re-solve.  The path-flow coefficients of scenario
        rows used to be mutable parameters pushed on every re-solve; re-stating one
        keeps that re-solve path, hence the same choice among equal-cost optima.
        Where that coefficient is itself a mutable parameter (a sweep-mode model's
        path loss), its current value is re-stated, not the value it was built with.
        """
        if self._restated is None:
            return
        row, col, value = self._restated
        if self._restated_entry is None:
            found = [e for e in self._mutable_coefs if e[0] == row and e[1] == col]
            self._restated_entry = found[0] if found else []
        if self._restated_entry:
            value = self._restated_entry[3]  # the value last pushed
        self.h.changeCoeff(row, col, value)

    def outcome(self) -> Outcome:
        """Status word and objective of the last solve (also of one answered without
        calling HiGHS)."""
        return self._last if self._last is not None else self._read_outcome()

    def _read_outcome(self) -> Outcome:
        """Status word and objective HiGHS reports for its last run."""
        status = self.h.getModelStatus()
        word = STATUS.get(status, self.h.modelStatusToString(status))
        if word == "optimal":
            return Outcome(word, float(self.h.getInfo().objective_function_value))
        return Outcome(word, None)

    def _solution(self):
        """The last solution, copied from HiGHS once per solve (on first read)."""
        if self._sol is None:
            sol = self.h.getSolution()
            self._sol = (np.asarray(sol.col_value), np.asarray(sol.row_dual))
        return self._sol

    def _positions(self, component, table: dict) -> tuple[list, np.ndarray]:
        """(indices, columns or rows) of a component's entries in the LP, cached: the
        shape of a built model never changes between solves."""
        key = id(component)
        cache = self.__dict__.setdefault("_positions_cache", {})
        if key not in cache:
            if table is self._col:
                pairs = [(i, table[id(v)]) for i, v in component.items() if id(v) in table]
            else:
                pairs = [(i, table[c]) for i, c in component.items()]
            cache[key] = (component, [i for i, _ in pairs],
                          np.array([p for _, p in pairs], dtype=np.int64))
        return cache[key][1], cache[key][2]

    def values(self, var: pyo.Var | None) -> dict:
        """Primal values ``{index: value}`` of an indexed variable (empty if absent)."""
        if var is None or len(var) == 0:
            return {}
        keys, cols = self._positions(var, self._col)
        return dict(zip(keys, self._solution()[0][cols].tolist(), strict=True))

    def array(self, var: pyo.Var | None, size: int) -> np.ndarray:
        """Primal values of a variable indexed 0..size-1 as an array."""
        out = np.zeros(size)
        if var is None or len(var) == 0:
            return out
        keys, cols = self._positions(var, self._col)
        out[np.array(keys, dtype=np.int64)] = self._solution()[0][cols]
        return out

    def duals(self, con: pyo.Constraint | None) -> dict:
        """Row duals ``{index: dual}`` of an indexed constraint (HiGHS sign: d obj / d rhs)."""
        if con is None or len(con) == 0:
            return {}
        keys, rows = self._positions(con, self._row)
        return dict(zip(keys, self._solution()[1][rows].tolist(), strict=True))
