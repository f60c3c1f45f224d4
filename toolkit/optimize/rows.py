"""Row-building helpers shared by the constraint families of the sourcing LP.

Row bodies are :class:`~pyomo.core.expr.numeric_expr.LinearExpression` objects built
straight from lists of variable data (see :mod:`toolkit.optimize.model`).
"""

from __future__ import annotations

import pyomo.environ as pyo
from pyomo.core.expr.numeric_expr import LinearExpression, MonomialTermExpression

CAPACITY_SLACK_WEIGHT = 10.0  # elastic mode: physics is blamed after policy


def flow(m: pyo.ConcreteModel, paths: list[int], extra: tuple = ()) -> LinearExpression:
    """:math:`\\sum_{p} x_p` (+ ``extra`` terms) as one linear expression."""
    xs = m._xs
    return LinearExpression([xs[p] for p in paths] + list(extra))


def term(coef: float, var) -> MonomialTermExpression:
    """The monomial ``coef * var``."""
    return MonomialTermExpression((coef, var))


def slack(m: pyo.ConcreteModel, name: str, index: list, weight: float = 1.0):
    """Slack variables of one family (elastic mode) or None."""
    if not m._elastic:
        return None
    var = pyo.Var(index, domain=pyo.NonNegativeReals)
    m.add_component(f"slack_{name}", var)
    m._slacks[name] = (var, weight)
    return var


def minus(e, key) -> tuple:
    """The slack term ``-e[key]`` moved into a ``<=`` row body (none when not elastic)."""
    return (term(-1, e[key]),) if e is not None else ()
