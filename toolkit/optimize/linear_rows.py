"""A Pyomo constraint family stored as a sparse matrix: cheap to build, still Pyomo.

A family of linear rows :math:`l_i \\le \\sum_j a_{ij} x_j \\le u_i` is held as one
compressed-sparse-row matrix (coefficients, column positions, row starts) over a list of
Pyomo variables, with one bound pair per row.  Each row is a real Pyomo
:class:`~pyomo.core.base.constraint.ConstraintData` whose ``body``, ``lower``, ``upper``
and ``expr`` are made on demand from the matrix, so any Pyomo tool (writers, Pyomo's own
solver interfaces, ``pprint``) reads the model as usual; nothing is built per row until
it is asked for.  This is Pyomo's own ``MatrixConstraint`` idea (which no longer works
with Pyomo's current indexed-component interface), keyed by the family's own index, and
with bounds that may be mutable-parameter expressions (re-evaluated on a re-solve).

The HiGHS bridge (:mod:`toolkit.optimize.solve`) reads the matrix of a
:class:`LinearRows` directly, in bulk.  ``tests/test_optimize_bridge.py`` checks that the
LP it hands HiGHS equals the one Pyomo's persistent HiGHS interface builds from the
per-row expressions.
"""

from __future__ import annotations

import weakref

import numpy as np
import pyomo.environ as pyo
from pyomo.common.gc_manager import PauseGC
from pyomo.core.base.constraint import ConstraintData, IndexedConstraint
from pyomo.core.base.set_types import Any
from pyomo.core.expr.numeric_expr import LinearExpression
from pyomo.core.expr.relational_expr import (
    EqualityExpression,
    InequalityExpression,
    RangedExpression,
)

_NO_BOUND = (None, float("inf"), float("-inf"))


class RowData(ConstraintData):
    """One row of a :class:`LinearRows` family (its expression made on demand)."""

    __slots__ = ("_row",)

    def __init__(self, row: int, key, component_ref) -> None:
        self._component = component_ref
        self._active = True
        self._expr = None
        self._index = key
        self._row = row

    @property
    def body(self) -> LinearExpression:
        """:math:`\\sum_j a_{ij} x_j` of this row, in the stored order."""
        comp = self.parent_component()
        start, end = comp._starts[self._row], comp._starts[self._row + 1]
        x = comp._x
        return LinearExpression(linear_coefs=comp._coefs[start:end],
                                linear_vars=[x[j] for j in comp._columns[start:end]],
                                constant=0)

    @property
    def lower(self):
        """The lower bound (a float, a parameter expression, or None)."""
        return self.parent_component()._lower[self._row]

    @property
    def upper(self):
        """The upper bound (a float, a parameter expression, or None)."""
        return self.parent_component()._upper[self._row]

    def to_bounded_expression(self, evaluate_bounds: bool = False) -> tuple:
        """(lower, body, upper), bounds evaluated to floats or None on request."""
        lower, upper = self.lower, self.upper
        if evaluate_bounds:
            return (_evaluated(lower), self.body, _evaluated(upper))
        return lower, self.body, upper

    @property
    def equality(self) -> bool:
        """True for an equality row (its two bounds are the same value)."""
        lower, upper = self.lower, self.upper
        return lower is not None and (lower is upper or (
            pyo.is_constant(lower) and pyo.is_constant(upper)
            and pyo.value(lower) == pyo.value(upper)))

    @property
    def expr(self):
        """The row as a Pyomo relational expression."""
        lower, body, upper = self.lower, self.body, self.upper
        if self.equality:
            return EqualityExpression((body, upper))
        if lower is None:
            return InequalityExpression((body, upper), False)
        if upper is None:
            return InequalityExpression((lower, body), False)
        return RangedExpression((lower, body, upper), (False, False))

    def has_lb(self) -> bool:
        return _evaluated(self.lower) is not None

    def has_ub(self) -> bool:
        return _evaluated(self.upper) is not None

    def set_value(self, expr) -> None:
        raise TypeError("a row of a LinearRows family is changed through its parameters")


def _evaluated(bound) -> float | None:
    """A bound's value, None when absent or infinite."""
    if bound is None:
        return None
    value = bound if bound.__class__ in (int, float) else pyo.value(bound)
    return None if value in _NO_BOUND else value


class LinearRows(IndexedConstraint):
    """A constraint family :math:`l_i \\le A_i x \\le u_i`, indexed by ``keys``.

    Parameters
    ----------
    keys : the index of each row (as a rule-built family would have it).
    starts : CSR row starts (``len(keys) + 1`` ints).
    columns : position in ``x`` of each non-zero.
    coefs : each non-zero's coefficient (floats).
    lower, upper : each row's bounds (float, parameter expression, or None).
    x : the Pyomo variables the columns refer to.
    """

    def __init__(self, keys: list, starts: list[int], columns: list[int],
                 coefs: list[float], lower: list, upper: list, x: list) -> None:
        if not (len(keys) + 1 == len(starts) and len(columns) == len(coefs)
                and len(lower) == len(upper) == len(keys)):
            raise ValueError("LinearRows: keys, starts, columns, coefs and bounds disagree")
        IndexedConstraint.__init__(self, Any)
        self._keys, self._starts = list(keys), list(starts)
        self._columns, self._coefs = list(columns), list(coefs)
        self._lower, self._upper, self._x = list(lower), list(upper), list(x)
        self._paths_of: tuple[list, int] | None = None  # (path flow list, P), see RowBuilder

    def construct(self, data=None) -> None:
        """Make the row data objects (no expressions)."""
        if self._constructed:
            return
        self._constructed = True
        ref = weakref.ref(self)
        with PauseGC():  # many small objects: no collection passes while they are made
            self._data = {key: RowData(i, key, ref) for i, key in enumerate(self._keys)}

    def matrix(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(starts, columns, coefficients) as arrays."""
        return (np.asarray(self._starts, dtype=np.int64),
                np.asarray(self._columns, dtype=np.int64),
                np.asarray(self._coefs, dtype=float))

    def constant_bounds(self) -> bool:
        """True when every bound is a plain number or None."""
        plain = (int, float, type(None))
        return all(b.__class__ in plain for b in self._lower) and all(
            b.__class__ in plain for b in self._upper)


class RowBuilder:
    """Collects the rows of one family, then adds them to a model as :class:`LinearRows`.

    The model's path flows ``m._xs`` are columns ``0..P-1``, so path indices are used as
    they are; other variables are numbered on first use.
    """

    def __init__(self, m) -> None:
        self._x = list(m._xs)
        self._local = {id(v): j for j, v in enumerate(self._x)}
        self.keys: list = []
        self.starts = [0]
        self.columns: list[int] = []
        self.coefs: list[float] = []
        self.lower: list = []
        self.upper: list = []

    def column(self, var) -> int:
        """Position of ``var`` among the family's columns."""
        j = self._local.get(id(var))
        if j is None:
            j = self._local[id(var)] = len(self._x)
            self._x.append(var)
        return j

    def block(self, variables: list) -> int:
        """Register ``variables`` as consecutive columns; returns the first one's position
        (the family then adds their terms by position, :meth:`at`)."""
        first = len(self._x)
        for j, var in enumerate(variables):
            self._local[id(var)] = first + j
        self._x += variables
        return first

    def at(self, columns: list[int], coefs: list[float] | float = 1.0) -> None:
        """Add terms by column position (path flows are ``0..P-1``; see :meth:`block`)."""
        self.columns += columns
        self.coefs += coefs if isinstance(coefs, list) else [float(coefs)] * len(columns)

    paths = at  # path flow p is column p: a row's path terms are added by position

    def terms(self, variables: list, coefs: list[float] | float = 1.0) -> None:
        """Add terms :math:`a_v v` to the open row."""
        self.at([self.column(v) for v in variables], coefs)

    def many(self, keys: list, starts: np.ndarray, columns: np.ndarray, coefs: np.ndarray,
             lower=None, upper=None) -> None:
        """Add whole rows at once: ``keys``, their CSR ``starts`` (from 0), column
        positions and coefficients, and one (lower, upper) for all of them."""
        base = len(self.columns)
        self.columns += columns.tolist()
        self.coefs += coefs.tolist()
        self.keys += keys
        self.starts += (np.asarray(starts[1:]) + base).tolist()
        self.lower += [lower] * len(keys)
        self.upper += [upper] * len(keys)

    def close(self, key, lower=None, upper=None) -> None:
        """End the open row: its index and bounds."""
        self.keys.append(key)
        self.starts.append(len(self.columns))
        self.lower.append(lower)
        self.upper.append(upper)

    def add_to(self, m, name: str) -> LinearRows:
        """Add the family to ``m`` as component ``name``."""
        rows = LinearRows(self.keys, self.starts, self.columns, self.coefs, self.lower,
                          self.upper, self._x)
        rows._paths_of = (m._xs, len(m._xs))  # columns 0..P-1 are the block's path flows
        m.add_component(name, rows)
        return rows
