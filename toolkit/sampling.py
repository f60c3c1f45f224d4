"""Uncertain inputs of a sweep (the ``Sampling`` sheet): rules, distributions, draws.

Each row of the ``Sampling`` table (:data:`toolkit.schema.SAMPLING`) is one uncertain
input.  Its value in world :math:`i` is the inverse CDF of its distribution at a
uniform number :math:`u_{ij}` drawn by numpy's ``Generator`` seeded with
``SeedSequence(seed, spawn_key=(i,))``: the draws of world :math:`i` depend only on
the seed and on :math:`i`, never on how many worlds are drawn or how they are split
between workers.

* fixed: :math:`x = \\text{mode}` (or ``low`` when ``low = high`` and no mode);
* uniform: :math:`x = a + u (b - a)`;
* triangular (:math:`a \\le c \\le b`):
  :math:`x = a + \\sqrt{u (b-a)(c-a)}` for :math:`u < (c-a)/(b-a)`, else
  :math:`x = b - \\sqrt{(1-u)(b-a)(b-c)}`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from toolkit.errors import Problem
from toolkit.schema import WILDCARD
from toolkit.validate import Where, is_blank

# what each input's values mean, and their bounds (inclusive unless noted)
VALUE_RULES = {
    "export_restriction": (0.0, 1.0, "a share of capacity lost, 0 to 1"),
    "bid_premium": (0.0, None, "0 or more"),
    "demand_growth": (-1.0, None, "a change in demand above -1 (-0.1 = 10 % less)"),
    "spot_share": (0.0, 1.0, "a share, above 0 and at most 1"),
}


@dataclass(frozen=True)
class Uncertain:
    """One uncertain input (a Sampling row), with its distribution parameters.

    ``stage`` is ``*`` for every stage; ``mineral`` ``*`` for every mineral.
    """

    input: str
    country: str
    stage: str
    mineral: str
    probability: float
    distribution: str
    low: float
    mode: float
    high: float
    basis: str
    source: str
    country_name: str = ""

    @property
    def label(self) -> str:
        """The input in plain words (the sensitivity tables and charts use it)."""
        where = "every stage" if self.stage == WILDCARD else self.stage
        which = "every mineral" if self.mineral == WILDCARD else self.mineral
        if self.input == "export_restriction":
            who = self.country_name or self.country
            return f"loss if {who} restricts exports ({where}, {which})"
        if self.input == "bid_premium":
            kind = "x cited premium" if self.basis == "multiplier" else "share of unit cost"
            return f"bid premium ({kind}; {where}, {which})"
        if self.input == "demand_growth":
            return f"demand growth ({which})"
        return f"spot share ({where}, {which})"

    def value(self, u: np.ndarray) -> np.ndarray:
        """Inverse CDF of the distribution at uniform numbers ``u`` in [0, 1)."""
        a, c, b = self.low, self.mode, self.high
        if self.distribution == "fixed" or b == a:
            return np.full(np.shape(u), c)
        if self.distribution == "uniform":
            return a + u * (b - a)
        cut = (c - a) / (b - a)
        left = a + np.sqrt(u * (b - a) * (c - a))
        right = b - np.sqrt((1.0 - u) * (b - a) * (b - c))
        return np.where(u < cut, left, right)

    @property
    def varies(self) -> bool:
        """False for a one-point distribution."""
        return self.distribution != "fixed" and self.high > self.low


def uncertain_inputs(table: pd.DataFrame | None,
                     names: dict[str, str] | None = None) -> list[Uncertain]:
    """The validated Sampling rows as :class:`Uncertain`, in table order (``names``:
    country code -> name, for the labels)."""
    if table is None or table.empty:
        return []
    out = []
    for r in table.to_dict("records"):
        low, mode, high = _abc(r)
        stage = WILDCARD if is_blank(r["stage"]) else str(r["stage"])
        out.append(Uncertain(
            str(r["input"]), str(r["country"] or ""), stage,
            str(r["mineral"] or WILDCARD), _num(r["probability"], 0.0),
            str(r["distribution"]), low, mode, high,
            str(r["basis"] or "multiplier") if r["input"] == "bid_premium" else "",
            str(r["source"] or ""), (names or {}).get(str(r["country"] or ""), "")))
    return out


def _num(value: object, default: float) -> float:
    return default if is_blank(value) else float(value)


def _abc(r: dict) -> tuple[float, float, float]:
    """(low, mode, high) with the blanks a distribution leaves filled in."""
    low, mode, high = (None if is_blank(r[k]) else float(r[k]) for k in ("low", "mode", "high"))
    if r["distribution"] == "fixed":
        point = mode if mode is not None else low if low is not None else high
        return point, point, point
    if r["distribution"] == "uniform":
        return low, (low + high) / 2 if mode is None else mode, high
    return low, mode, high


def draw(inputs: list[Uncertain], samples: int, seed: int, start: int = 0) -> np.ndarray:
    """(samples, D) values of the ``D`` inputs in worlds ``start .. start+samples-1``.

    World :math:`i` uses ``Generator(PCG64(SeedSequence(seed, spawn_key=(i,))))``, so
    its values are the same whatever ``samples`` and ``start`` are.
    """
    out = np.empty((samples, len(inputs)))
    for row, i in enumerate(range(start, start + samples)):
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(i,)))
        u = rng.random(len(inputs))
        out[row] = [x.value(u[j]) for j, x in enumerate(inputs)]
    return out


def check_sampling(table: pd.DataFrame, where: Where) -> list[Problem]:
    """Row rules of the Sampling table beyond single cells.

    low <= mode <= high; the values a distribution needs are given; values in the
    input's range; ``country`` and ``probability`` on (and only on) export_restriction
    rows; ``basis`` only on bid_premium rows; a stage on demand_growth rows is refused.
    """
    problems: list[Problem] = []
    for i, r in enumerate(table.to_dict("records")):
        problems += _check_row(r, where, where.row(i))
    return problems


def _check_row(r: dict, where: Where, row: int) -> list[Problem]:
    kind = r["input"]
    if kind not in VALUE_RULES or r["distribution"] not in NEEDS:
        return []  # a cell outside its allowed values is already reported
    found = _scope_problems(r, where, row)
    found += _needed(r, where, row)
    if found:
        return found
    low, mode, high = _abc(r)
    if low > high:
        return [where.problem(f"needs low <= high (low {low:g}, high {high:g})", row,
                              "high", high)]
    if not low <= mode <= high:  # a mode given outside its range
        return [where.problem(f"needs low <= mode <= high (low {low:g}, mode {mode:g}, "
                              f"high {high:g})", row, "mode", mode)]
    lo, hi, text = VALUE_RULES[kind]
    for name, value in (("low", low), ("mode", mode), ("high", high)):
        bad = value < lo or (hi is not None and value > hi) or (
            kind == "demand_growth" and value <= -1.0) or (
            kind == "spot_share" and value <= 0.0)
        if bad:
            column = name if not is_blank(r[name]) else "mode"
            return [where.problem(f"{kind} values must be {text}", row, column, value)]
    if kind == "export_restriction" and high <= 0:
        return [where.problem("export_restriction needs a loss above 0 somewhere in its "
                              "range (high > 0)", row, "high", high)]
    return []


def _scope_problems(r: dict, where: Where, row: int) -> list[Problem]:
    kind, found = r["input"], []
    restriction = kind == "export_restriction"
    if restriction and is_blank(r["country"]):
        found.append(where.problem("export_restriction needs the restricting country",
                                   row, "country"))
    if restriction and is_blank(r["probability"]):
        found.append(where.problem("export_restriction needs its yearly probability (0-1)",
                                   row, "probability"))
    if not restriction and not is_blank(r["country"]):
        found.append(where.problem(f"country applies to export_restriction rows only, not "
                                   f"{kind}", row, "country", r["country"]))
    if not restriction and not is_blank(r["probability"]):
        found.append(where.problem(f"probability applies to export_restriction rows only, "
                                   f"not {kind}", row, "probability", r["probability"]))
    if kind != "bid_premium" and not is_blank(r["basis"]):
        found.append(where.problem("basis applies to bid_premium rows only", row, "basis",
                                   r["basis"]))
    if kind == "demand_growth" and not is_blank(r["stage"]) and r["stage"] != WILDCARD:
        found.append(where.problem("demand_growth applies to a mineral's whole demand; "
                                   "leave stage blank", row, "stage", r["stage"]))
    return found


NEEDS = {"fixed": ("mode",), "uniform": ("low", "high"), "triangular": ("low", "mode", "high")}


def _needed(r: dict, where: Where, row: int) -> list[Problem]:
    dist = r["distribution"]
    if dist == "fixed":
        given = [k for k in ("low", "mode", "high") if not is_blank(r[k])]
        values = {float(r[k]) for k in given}
        if not given:
            return [where.problem("a fixed distribution needs its value in mode", row,
                                  "mode")]
        if len(values) > 1:
            return [where.problem("a fixed distribution has one value: give mode only "
                                  "(or low = mode = high)", row, "high", r["high"])]
        return []
    return [where.problem(f"a {dist} distribution needs {k}", row, k)
            for k in NEEDS[dist] if is_blank(r[k])]
