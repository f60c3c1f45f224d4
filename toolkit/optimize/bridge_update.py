"""Re-solve updates of :class:`toolkit.optimize.solve.Solver`: what changed since the
last push (parameter-dependent row bounds, coefficients and costs) and the push to HiGHS.

:meth:`PushChanges._update` evaluates (an update that fails half-way, a parameter without
a value, leaves every change to the next solve); :meth:`PushChanges._push` hands the
changes to HiGHS and remembers them as pushed.  The solver reads the
values the skip test needs (:mod:`toolkit.optimize.still_optimal`) between the two.
"""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo

from toolkit.optimize.bridge_rows import INF
from toolkit.optimize.still_optimal import Change


class PushChanges:
    """The update steps of :class:`~toolkit.optimize.solve.Solver` (its state is the
    solver's own)."""

    def _update(self) -> Change:
        """What changed since the last push: parameter-dependent row bounds, coefficients
        and costs (re-evaluated; nothing is pushed to HiGHS yet, see :meth:`_push`)."""
        change = Change()
        if self._mutable_rows:
            self._update_rows(change)
        try:
            for entry in self._mutable_coefs:  # [row, column, evaluator, last pushed]
                value = entry[2]()
                if value != entry[3]:
                    change.coefficients.append((entry, value))
            self._update_costs(change)
        except BaseException:  # nothing pushed: the rows' bounds go back as they were
            if len(change.rows):
                self._bounds[0][change.rows], self._bounds[1][change.rows] = change.old_rows
            raise
        return change

    def _push(self, change: Change) -> None:
        """Hand ``change`` to HiGHS (one ``changeRowsBounds``, the coefficients, one
        ``changeColsCost``, then the re-stated scenario coefficient) and remember it as
        pushed (the row bounds are in ``self._bounds`` already: :meth:`_update` puts
        them back when it fails)."""
        if len(change.rows):
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
        """The row bounds whose parameters changed, written into ``self._bounds`` (their
        old values kept in ``change``)."""
        rows, sides, values = self._mutable_rows.current()
        values = np.where(np.isinf(values), np.where(sides == 0, -INF, INF), values)
        lower, upper = self._bounds
        changed = np.where(sides == 0, lower[rows], upper[rows]) != values
        if not changed.any():
            return
        idx = np.unique(rows[changed]).astype(np.int32)
        change.rows, change.old_rows = idx, (lower[idx], upper[idx])  # copies (fancy index)
        for side, bounds in ((0, lower), (1, upper)):
            pick = changed & (sides == side)
            bounds[rows[pick]] = values[pick]
        change.new_rows = (lower[idx], upper[idx])

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
