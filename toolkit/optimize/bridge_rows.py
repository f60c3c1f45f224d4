"""Reading a Pyomo model's rows for the HiGHS bridge (:mod:`toolkit.optimize.solve`).

Linear bodies as (coefficients, variables), fast evaluators of parameter bounds and
coefficients, the parameter-dependent row bounds re-evaluated before each re-solve, and
the row chunks collected for one ``addRows`` call.
"""

from __future__ import annotations

from collections.abc import Callable

import highspy
import numpy as np
import pyomo.environ as pyo
from pyomo.core.base.param import ParamData
from pyomo.core.expr.numeric_expr import (
    LinearExpression,
    MonomialTermExpression,
    NPV_NegationExpression,
    NPV_ProductExpression,
)
from pyomo.repn.standard_repn import generate_standard_repn

INF = highspy.kHighsInf


def linear_terms(body) -> tuple[list, list, object]:
    """(coefficients, variables, constant) of a linear body, in order of appearance.

    A ``LinearExpression`` is read from its arguments (coefficients may be
    parameter expressions); anything else goes through Pyomo's standard repn.

    Raises
    ------
    ValueError : the body is not linear.
    """
    if body.__class__ is LinearExpression:
        coefs, variables, constant = [], [], 0
        for arg in body.args:
            if arg.__class__ is MonomialTermExpression:
                coef, var = arg.args
                coefs.append(coef)
                variables.append(var)
            elif arg.is_potentially_variable():
                coefs.append(1)
                variables.append(arg)
            else:
                constant = constant + arg
        return coefs, variables, constant
    repn = generate_standard_repn(body, quadratic=False, compute_values=False)
    if repn.nonlinear_expr is not None:
        raise ValueError(f"the HiGHS bridge takes linear rows only: {body}")
    return list(repn.linear_coefs), list(repn.linear_vars), repn.constant


def evaluator(expr) -> Callable[[], float]:
    """A fast evaluator of a row bound or coefficient: ``param``, ``param * c``,
    ``c * param``, ``param * param`` and ``-param`` are read directly (same operations
    in the same order, so the same float); others via ``value``."""
    if expr.__class__ in (int, float):
        return lambda: expr
    if isinstance(expr, ParamData):
        return lambda: expr.value
    if expr.__class__ is NPV_ProductExpression:
        a, b = expr.args
        if isinstance(a, ParamData) and b.__class__ in (int, float):
            return lambda: a.value * b
        if isinstance(b, ParamData) and a.__class__ in (int, float):
            return lambda: a * b.value
        if isinstance(a, ParamData) and isinstance(b, ParamData):
            return lambda: a.value * b.value
    if expr.__class__ is NPV_NegationExpression and isinstance(expr.args[0], ParamData):
        a = expr.args[0]
        return lambda: -a.value
    return lambda: pyo.value(expr)


def param_factor(expr) -> tuple[ParamData, float] | None:
    """(parameter, factor) when ``expr`` is ``param``, ``param * c`` or ``c * param``."""
    if isinstance(expr, ParamData):
        return expr, 1.0
    if expr.__class__ is NPV_ProductExpression:
        a, b = expr.args
        if isinstance(a, ParamData) and b.__class__ in (int, float):
            return a, float(b)
        if isinstance(b, ParamData) and a.__class__ in (int, float):
            return b, float(a)
    return None


class MutableBounds:
    """Row bounds that depend on mutable parameters, re-evaluated before each re-solve.

    A bound that is ``param`` or ``param * c`` is read straight from the parameter's
    stored value (one multiplication, the same float as evaluating the expression);
    any other expression through :func:`evaluator`.
    """

    def __init__(self) -> None:
        self.rows: list[int] = []
        self.sides: list[int] = []   # 0 lower, 1 upper
        self.params: list[ParamData] = []
        self.factors: list[float] = []
        self.generic: list[tuple[int, int, Callable[[], float]]] = []
        self._layout: tuple[np.ndarray, ...] | None = None  # rows, sides, factors

    def __bool__(self) -> bool:
        return bool(self.rows or self.generic)

    def add(self, row: int, side: int, expr) -> None:
        """Remember one side of a row whose bound is a parameter expression."""
        self._layout = None
        simple = param_factor(expr)
        if simple is None:
            self.generic.append((row, side, evaluator(expr)))
            return
        self.rows.append(row)
        self.sides.append(side)
        self.params.append(simple[0])
        self.factors.append(simple[1])

    def current(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(rows, sides, values) of every remembered bound, evaluated now (rows and sides,
        fixed once the model is loaded, are arrays made on the first call)."""
        if self._layout is None:
            self._layout = (
                np.array(self.rows + [r for r, _s, _f in self.generic], dtype=np.int64),
                np.array(self.sides + [side for _r, side, _f in self.generic], dtype=np.int64),
                np.array(self.factors, dtype=float))
        rows, sides, factors = self._layout
        values = np.array([p._value for p in self.params] + [f() for _r, _s, f in self.generic],
                          dtype=float)
        values[:len(factors)] *= factors
        return rows, sides, values


class RowChunks:
    """Rows collected for one ``addRows`` call, in chunks (one per constraint family)."""

    def __init__(self) -> None:
        self.count, self.nnz = 0, 0
        self._chunks: list[tuple[np.ndarray, ...]] = []

    def add(self, lower: list, upper: list, starts: list, index: list, value: list) -> None:
        """Rows given as lists (``starts`` relative to this chunk)."""
        self.add_arrays(np.array(lower, dtype=float), np.array(upper, dtype=float),
                        np.array(starts, dtype=np.int64), np.array(index, dtype=np.int64),
                        np.array(value, dtype=float))

    def add_arrays(self, lower: np.ndarray, upper: np.ndarray, starts: np.ndarray,
                   index: np.ndarray, value: np.ndarray) -> None:
        """Rows given as arrays (``starts`` relative to this chunk)."""
        if not len(lower):
            return
        self._chunks.append((lower, upper, starts + self.nnz, index, value))
        self.count += len(lower)
        self.nnz += len(index)

    def arrays(self) -> tuple[np.ndarray, ...]:
        """(lower, upper, starts, index, value) of every row, for ``addRows``."""
        if not self._chunks:
            empty = np.zeros(0)
            return empty, empty, np.zeros(0, np.int32), np.zeros(0, np.int32), empty
        lower, upper, starts, index, value = (np.concatenate(parts) for parts in
                                              zip(*self._chunks, strict=True))
        return lower, upper, starts.astype(np.int32), index.astype(np.int32), value
