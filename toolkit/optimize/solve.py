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

from toolkit.optimize.bridge_load import MIP_OPTIONS, OPTIONS, ModelLoad, new_highs
from toolkit.optimize.bridge_rows import MutableBounds, linear_terms
from toolkit.optimize.bridge_update import PushChanges
from toolkit.optimize.still_optimal import Change, LastSolution, basis_still_optimal

__all__ = ["MIP_OPTIONS", "OPTIONS", "STATUS", "Outcome", "Solver", "new_highs",
           "solver_info"]

STATUS = {highspy.HighsModelStatus.kOptimal: "optimal",
          highspy.HighsModelStatus.kInfeasible: "infeasible",
          highspy.HighsModelStatus.kUnboundedOrInfeasible: "infeasible",
          highspy.HighsModelStatus.kUnbounded: "unbounded",
          highspy.HighsModelStatus.kTimeLimit: "maxTimeLimit",
          highspy.HighsModelStatus.kIterationLimit: "iterationLimit"}


# statuses that say nothing about the LP: HiGHS gave up (on a warm re-solve, a basis it
# could not carry on from, seen here as "Unknown"); the solve is repeated from scratch
UNSETTLED = frozenset({highspy.HighsModelStatus.kUnknown, highspy.HighsModelStatus.kNotset,
                       highspy.HighsModelStatus.kSolveError,
                       highspy.HighsModelStatus.kPostsolveError})


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


class Solver(ModelLoad, PushChanges):
    """One persistent HiGHS instance bound to one built model (loading:
    :class:`~toolkit.optimize.bridge_load.ModelLoad`; re-solve updates:
    :class:`~toolkit.optimize.bridge_update.PushChanges`)."""

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
        self._probed = False  # a probe ran since: HiGHS's reduced costs are not the last's
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
        if self.h.getModelStatus() in UNSETTLED:  # a warm start gone wrong: start cold
            self.h.clearSolver()
            self.h.run()
        self._last, self._probed = self._read_outcome(), False
        return self._last

    def _last_solution(self, change: Change) -> LastSolution | None:
        """The last solve's values that ``change`` touches, when a re-solve could be
        skipped (the last solve was an optimal LP and no coefficient changed)."""
        if self._last is None or self._last.status != "optimal" or change.coefficients or \
                self._probed or (len(self._integers) and not self._integers_fixed):
            return None
        sol = self.h.getSolution()  # a list per field: only the ones needed are read
        cols = change.cols
        return LastSolution(
            row_value=np.asarray(sol.row_value)[change.rows] if len(change.rows) else None,
            col_value=np.asarray(sol.col_value)[cols] if len(cols) else np.zeros(0),
            col_dual=np.asarray(sol.col_dual)[cols] if len(cols) else np.zeros(0),
            col_lower=self._col_bounds[0][cols], col_upper=self._col_bounds[1][cols])

    def probe(self, rows: np.ndarray, shift: np.ndarray, objective=None) -> Outcome:
        """Solve once with the bounds of ``rows`` moved by ``shift`` (> 0: the upper bound
        rises; < 0: the lower bound falls), then put the bounds, the basis and the last
        solution back: the next solve warm-starts from the last basis (HiGHS does not
        restore the reduced costs, so that solve runs HiGHS rather than being skipped).

        ``objective``: the expression whose value is the probe's objective (e.g. one
        year's block of a multi-year model); None: the model's objective.
        """
        basis, solution = self.h.getBasis(), self.h.getSolution()
        kept = self._last, self._sol
        lower, upper = self._bounds[0][rows], self._bounds[1][rows]
        self.h.changeRowsBounds(len(rows), rows, lower + np.minimum(shift, 0.0),
                                upper + np.maximum(shift, 0.0))
        try:
            self._sol = None
            self.h.run()
            if self.h.getModelStatus() in UNSETTLED:
                self.h.clearSolver()
                self.h.run()
            outcome = self._read_outcome()
            if objective is not None and outcome.status == "optimal":
                outcome = Outcome(outcome.status, self.evaluate(objective))
        finally:
            self.h.changeRowsBounds(len(rows), rows, lower, upper)
            self.h.setSolution(solution)  # first: setting a solution clears the basis
            self.h.setBasis(basis)
            self._last, self._sol = kept
            self._probed = True
        return outcome

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
