"""Distributions and sensitivity of a sweep's results.

Distribution of an output over the worlds (those where it is defined): mean, the
5th, 50th and 95th percentiles (numpy's linear interpolation) and the CVaR at level
:math:`\\alpha` of its bad tail — the mean of the worst :math:`(1-\\alpha)` share of
worlds (Rockafellar & Uryasev 2002, equal weights):

.. math:: \\mathrm{CVaR}_\\alpha(X) = q + \\frac{1}{(1-\\alpha) N} \\sum_i (X_i - q)^+,
   \\quad q = X_{(\\lceil \\alpha N \\rceil)}

for cost and China's share (high is bad) and the same of :math:`-X` for the served
share (low is bad, so its CVaR is the mean served share of the worst worlds).

Sensitivity of an output :math:`Y` to the inputs that vary (:math:`X_j`):

* swing (tornado): :math:`E[Y \\mid X_j \\ge P_{90}(X_j)] - E[Y \\mid X_j \\le P_{10}(X_j)]`,
  in the output's unit; inputs are ranked by :math:`|\\text{swing}|`;
* standardised regression coefficients: least squares of
  :math:`(Y - \\bar Y)/s_Y` on :math:`(X_j - \\bar X_j)/s_j`, with the :math:`R^2` of that
  linear fit (the SRC explain the variance only as far as :math:`R^2` is near 1);
* first-order Sobol-style indices :math:`S_1` estimated from the same worlds by
  RBD-FAST (SALib ``rbd_fast``; Tarantola et al. 2006, Plischke 2010).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd

from toolkit.sampling import Uncertain
from toolkit.sweep.run import CaseSweep, SweepResult

QUANTILES = (5, 50, 95)
MIN_WORLDS = 10  # fewer defined worlds than this: no sensitivity
MIN_S1_WORLDS = 100  # fewer than this: no RBD-FAST index (too few to resample)


def cvar(x: np.ndarray, alpha: float) -> float:
    """CVaR of the upper tail of ``x`` (mean of the worst 1-alpha share), equal weights."""
    x = np.sort(np.asarray(x, dtype=float))
    if not len(x):
        return math.nan
    q = x[min(len(x), max(1, math.ceil(alpha * len(x) - 1e-9))) - 1]
    return float(q + np.maximum(x - q, 0.0).sum() / ((1.0 - alpha) * len(x)))


def distribution(x: np.ndarray, alpha: float, high_is_bad: bool = True) -> dict:
    """``n, mean, p5, p50, p95, cvar`` of the finite values of ``x``."""
    x = np.asarray(x, dtype=float)
    x = x[np.isfinite(x)]
    if not len(x):
        return {"n": 0, "mean": None, "p5": None, "p50": None, "p95": None, "cvar": None}
    p = np.percentile(x, QUANTILES)
    tail = cvar(x, alpha) if high_is_bad else -cvar(-x, alpha)
    # + 0.0: a negated zero (the lower tail of a share that is 0) is written as 0, not -0
    return {"n": int(len(x)), "mean": float(x.mean()) + 0.0, "p5": float(p[0]) + 0.0,
            "p50": float(p[1]) + 0.0, "p95": float(p[2]) + 0.0, "cvar": float(tail) + 0.0}


def case_summary(case: CaseSweep, alpha: float) -> dict:
    """The distributions of one case and the probability it meets its floor."""
    met = case.met
    cost = np.where(met, case.cost_usd, np.nan) if met.any() else case.cost_usd
    return {
        "case": case.name, "mode": case.mode, "worlds": int(len(met)),
        "met_share": float(met.mean()) if len(met) else None,
        "floor": case.floor, "floor_from_case": case.floor_from_case,
        "meets_floor_share": float(case.meets_floor.mean()) if len(met) else None,
        "cost_basis": "case met" if met.any() else "minerals that can be met",
        "cost_usd": distribution(cost, alpha),
        "served_share": distribution(case.served_share, alpha, high_is_bad=False),
        "china_share": {stage: distribution(case.china_share[:, k], alpha)
                        for k, stage in enumerate(("mine", "refine", "manufacture"))},
        "minerals_not_met": case.not_met,
    }


def sensitivity(inputs: list[Uncertain], values: np.ndarray, y: np.ndarray,
                seed: int) -> dict:
    """Swing, SRC and S1 of output ``y`` (see module docstring); ``rows`` ranked."""
    vary = [j for j, x in enumerate(inputs) if x.varies]
    keep = np.isfinite(y)
    X, Y = values[keep][:, vary], y[keep]
    if len(Y) < MIN_WORLDS or not vary or float(np.std(Y)) <= 1e-9 * max(1.0, abs(Y.mean())):
        why = ("the output does not vary" if len(Y) >= MIN_WORLDS and vary else
               "no input varies" if not vary else f"fewer than {MIN_WORLDS} worlds")
        return {"rows": [], "r2": None, "note": why}
    src, r2 = standardised_regression(X, Y)
    s1 = first_order(X, Y, [inputs[j] for j in vary], seed)
    rows = []
    for i, j in enumerate(vary):
        low, high = np.percentile(X[:, i], [10, 90])
        lo_mean = float(Y[X[:, i] <= low].mean())
        hi_mean = float(Y[X[:, i] >= high].mean())
        rows.append({"input": j, "label": inputs[j].label, "low_value": float(low),
                     "high_value": float(high), "y_low": lo_mean, "y_high": hi_mean,
                     "swing": hi_mean - lo_mean, "src": float(src[i]),
                     "s1": None if s1 is None or not np.isfinite(s1[i]) else float(s1[i])})
    rows.sort(key=lambda r: (-abs(r["swing"]), r["input"]))
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
    note = "" if s1 is not None else \
        f"S1 needs at least {MIN_S1_WORLDS} worlds with an answer; this output has {len(Y)}"
    return {"rows": rows, "r2": r2, "note": note}


def standardised_regression(X: np.ndarray, Y: np.ndarray) -> tuple[np.ndarray, float]:
    """SRC of each column of ``X`` and the R² of the linear fit (constant columns: 0)."""
    sx = X.std(axis=0)
    Z = np.where(sx > 0, (X - X.mean(axis=0)) / np.where(sx > 0, sx, 1.0), 0.0)
    z = (Y - Y.mean()) / Y.std()
    beta, *_ = np.linalg.lstsq(Z, z, rcond=None)
    residual = z - Z @ beta
    return beta, float(1.0 - residual @ residual / (z @ z))


def first_order(X: np.ndarray, Y: np.ndarray, inputs: list[Uncertain],
                seed: int) -> np.ndarray | None:
    """RBD-FAST first-order indices from the given worlds (None below
    :data:`MIN_S1_WORLDS` worlds)."""
    if len(Y) < MIN_S1_WORLDS:
        return None
    from SALib.analyze import rbd_fast

    problem = {"num_vars": len(inputs), "names": [x.label for x in inputs],
               "bounds": [[x.low, x.high] for x in inputs]}
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        result = rbd_fast.analyze(problem, X, Y, M=10, seed=seed, num_resamples=100)
    return np.asarray(result["S1"], dtype=float)


def summarise(result: SweepResult, alpha: float) -> dict:
    """The JSON-ready summary of a sweep: inputs, cases and sensitivities."""
    cases = []
    for case in result.cases:
        row = case_summary(case, alpha)
        cost = np.where(case.met, case.cost_usd, np.nan) if case.met.any() else case.cost_usd
        row["sensitivity"] = {
            "cost_usd": sensitivity(result.inputs, result.values, cost, result.seed),
            "served_share": sensitivity(result.inputs, result.values, case.served_share,
                                        result.seed)}
        cases.append(row)
    return finite({"samples": int(len(result.values)), "seed": result.seed, "alpha": alpha,
                   "workers": result.workers, "skipped_cases": result.skipped,
                   "inputs": [input_row(j, x) for j, x in enumerate(result.inputs)],
                   "cases": cases})


def finite(value: object) -> object:
    """``value`` with every NaN or infinite float replaced by None (JSON has no NaN)."""
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [finite(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def input_row(j: int, x: Uncertain) -> dict:
    """One uncertain input as the results list it."""
    return {"input": j, "kind": x.input, "label": x.label, "country": x.country,
            "stage": x.stage, "mineral": x.mineral,
            "probability": x.probability if x.input == "export_restriction" else None,
            "distribution": x.distribution, "low": x.low, "mode": x.mode, "high": x.high,
            "basis": x.basis, "source": x.source}


def worlds_table(result: SweepResult) -> pd.DataFrame:
    """One row per (world, case): the case's outputs and every input's value
    (``cost_usd`` blank where the case cannot be met; ``feasible_minerals_cost_usd`` the
    cost of the minerals that can be)."""
    frames = []
    labels = [x.label for x in result.inputs]
    inputs = pd.DataFrame(result.values, columns=labels)
    for case in result.cases:
        frame = pd.DataFrame({
            "world": np.arange(len(case.met)), "case": case.name, "met": case.met,
            "meets_floor": case.meets_floor,
            "cost_usd": np.where(case.met, case.cost_usd, np.nan),
            "feasible_minerals_cost_usd": case.cost_usd,
            "served_share": case.served_share,
            **{f"china_share_{s}": case.china_share[:, k]
               for k, s in enumerate(("mine", "refine", "manufacture"))},
            "minerals_not_met": case.minerals_not_met})
        frames.append(pd.concat([frame, inputs], axis=1))
    return pd.concat(frames, ignore_index=True)
