"""Persistent HiGHS solves of a built model (``pyomo.contrib.solver`` HiGHS interface).

The first :meth:`Solver.solve` hands the whole model to HiGHS; later solves only
push changed mutable parameters (right-hand sides, coefficients, probabilities)
and warm-start from the previous basis.  Solutions are never loaded into the
Pyomo variables: values are read straight from the solver for the variables a
caller asks for.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyomo.environ as pyo
from pyomo.contrib.solver.common.results import TerminationCondition
from pyomo.contrib.solver.solvers.highs import Highs

INFEASIBLE = {TerminationCondition.provenInfeasible,
              TerminationCondition.infeasibleOrUnbounded}


@dataclass
class Outcome:
    """Status and objective of one solve (``objective_usd`` is None unless optimal)."""

    status: str
    objective_usd: float | None


def solver_info() -> dict:
    """Name and version of the solver, for provenance."""
    return {"name": "HiGHS (pyomo.contrib.solver persistent interface)",
            "version": ".".join(str(v) for v in Highs().version()),
            "pyomo": pyo.__version__ if hasattr(pyo, "__version__") else _pyomo_version()}


def _pyomo_version() -> str:
    import pyomo.version

    return str(pyomo.version.version)


class Solver:
    """One persistent HiGHS instance bound to one built model."""

    def __init__(self, model: pyo.ConcreteModel) -> None:
        self.model = model
        self.opt = Highs()
        self.opt.config.load_solutions = False
        self.opt.config.raise_exception_on_nonoptimal_result = False
        self.opt.config.solver_options = {"output_flag": False, "threads": 1}
        self.results = None
        self._first = True

    def solve(self) -> Outcome:
        """Solve (first call) or re-solve after parameter changes."""
        self.results = self.opt.solve(self.model)
        if self._first:
            self._persistent_updates_only()
            self._first = False
        return self.outcome()

    def _persistent_updates_only(self) -> None:
        """After the first solve only mutable parameters change: skip structure scans."""
        auto = self.opt.config.auto_updates
        auto.check_for_new_or_removed_constraints = False
        auto.check_for_new_or_removed_vars = False
        auto.check_for_new_or_removed_params = False
        auto.check_for_new_objective = False
        auto.update_constraints = False
        auto.update_vars = False
        auto.update_named_expressions = False
        auto.update_objective = False
        auto.update_parameters = True

    def outcome(self) -> Outcome:
        """Status word and objective of the last solve."""
        tc = self.results.termination_condition
        if tc == TerminationCondition.convergenceCriteriaSatisfied:
            return Outcome("optimal", float(self.results.incumbent_objective or 0.0))
        if tc in INFEASIBLE:
            return Outcome("infeasible", None)
        return Outcome(tc.name, None)

    def values(self, var: pyo.Var | None) -> dict:
        """Primal values ``{index: value}`` of an indexed variable (empty if absent)."""
        if var is None or len(var) == 0:
            return {}
        data = list(var.values())
        primals = self.results.solution_loader.get_vars(data)
        return {v.index(): float(primals[v]) for v in data}

    def array(self, var: pyo.Var | None, size: int) -> np.ndarray:
        """Primal values of a variable indexed 0..size-1 as an array."""
        out = np.zeros(size)
        for i, v in self.values(var).items():
            out[i] = v
        return out

    def duals(self, con: pyo.Constraint | None) -> dict:
        """Row duals ``{index: dual}`` of an indexed constraint (HiGHS sign: d obj / d rhs)."""
        if con is None or len(con) == 0:
            return {}
        data = list(con.values())
        duals = self.results.solution_loader.get_duals(data)
        return {c.index(): float(duals[c]) for c in data}
