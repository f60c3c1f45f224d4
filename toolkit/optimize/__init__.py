"""Diversification portfolios under cost and resilience constraints (Pyomo + HiGHS).

Modules: :mod:`~toolkit.optimize.data` (indexed arrays from a chain),
:mod:`~toolkit.optimize.model` (``build_model`` and its ``define_<family>``
functions), :mod:`~toolkit.optimize.solve` (persistent HiGHS),
:mod:`~toolkit.optimize.duals`, :mod:`~toolkit.optimize.diagnose`,
:mod:`~toolkit.optimize.cooperation`, :mod:`~toolkit.optimize.pareto`,
:mod:`~toolkit.optimize.reference` (the same LP built directly with highspy) and
:mod:`~toolkit.optimize.run` (one policy case end to end).
"""

from toolkit.optimize.data import MineralData, prepare
from toolkit.optimize.model import build_model
from toolkit.optimize.run import CaseRun, solve_case
from toolkit.optimize.solve import Solver

__all__ = ["CaseRun", "MineralData", "Solver", "build_model", "prepare", "solve_case"]
