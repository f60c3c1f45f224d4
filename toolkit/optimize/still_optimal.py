"""When a re-solve can be skipped: the last optimal basis is still optimal.

A re-solve after parameter changes (a Pareto point, a bid-premium multiplier, a
rationing round) often changes only data the last optimum does not touch.  The last
solution is then still optimal and HiGHS, warm-started from its basis, would make no
iteration.  :func:`basis_still_optimal` decides this from the last solution alone;
:class:`~toolkit.optimize.solve.Solver` then returns the last outcome without calling
HiGHS.  The test is a sufficient condition for the *same basis* to stay primal and
dual feasible (so the same solution, not merely the same objective, is optimal):

* every row whose bound changed is strictly inside its old bounds at the last
  solution (so it is basic, its dual is 0) and inside its new bounds;
* every column whose cost changed sits at its lower bound with a positive reduced
  cost (nonbasic) and its cost did not fall, or at its upper bound with a negative
  reduced cost and its cost did not rise: its reduced cost keeps its sign and no
  dual changes;
* no matrix coefficient changed and the model has no free integer column.

``MARGIN`` is the distance (relative to the bound, at least 1e-9 t) a row must keep
from a changed bound; ``REDUCED`` the smallest reduced cost (USD per unit) counted as
nonbasic.  Both are far inside HiGHS's own feasibility tolerances (1e-7), so a row
the test calls inactive is one HiGHS would leave basic.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

MARGIN = 1e-9
REDUCED = 1e-9


@dataclass
class Change:
    """What one re-solve's update hands to HiGHS."""

    rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    old_rows: tuple[np.ndarray, np.ndarray] | None = None   # (lower, upper) before
    new_rows: tuple[np.ndarray, np.ndarray] | None = None   # (lower, upper) after
    cols: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    old_costs: np.ndarray = field(default_factory=lambda: np.zeros(0))
    new_costs: np.ndarray = field(default_factory=lambda: np.zeros(0))
    coefficients: list = field(default_factory=list)   # (mutable-coefficient entry, value)
    cost_entries: list = field(default_factory=list)   # (mutable-cost entry, value)


@dataclass
class LastSolution:
    """The last optimal solve's values that a change touches: the activities of the
    changed rows, and the values, reduced costs and bounds of the changed-cost columns
    (each aligned with ``Change.rows`` / ``Change.cols``)."""

    row_value: np.ndarray | None
    col_value: np.ndarray
    col_dual: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray


def basis_still_optimal(last: LastSolution, change: Change) -> bool:
    """True when the last optimal basis stays optimal after ``change`` (see module)."""
    if change.coefficients:
        return False
    return _rows_inactive(last, change) and _costs_keep_sign(last, change)


def _rows_inactive(last: LastSolution, change: Change) -> bool:
    """Changed rows strictly inside their old bounds and inside their new ones."""
    if not len(change.rows):
        return True
    value = last.row_value
    (old_lo, old_up), (new_lo, new_up) = change.old_rows, change.new_rows
    return bool(_inside(value, old_lo, old_up).all() and _inside(value, new_lo, new_up).all())


def _inside(value: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """``lower + margin < value < upper - margin`` (infinite bounds always kept)."""
    return (value > lower + _margin(lower)) & (value < upper - _margin(upper))


def _margin(bound: np.ndarray) -> np.ndarray:
    """``MARGIN * max(1, |bound|)``, finite for an infinite bound (which it leaves
    infinite: -inf + margin is still -inf, with no inf - inf)."""
    return MARGIN * np.clip(np.abs(bound), 1.0, 1e300)


def _costs_keep_sign(last: LastSolution, change: Change) -> bool:
    """Changed-cost columns nonbasic at a bound, their reduced cost keeping its sign."""
    if not len(change.cols):
        return True
    delta, value, reduced = change.new_costs - change.old_costs, last.col_value, last.col_dual
    at_lower = (value == last.col_lower) & (reduced > REDUCED) & (delta >= 0)
    at_upper = (value == last.col_upper) & (reduced < -REDUCED) & (delta <= 0)
    return bool((at_lower | at_upper).all())
