"""The Pareto frontier a chart can show when some mineral cannot meet any binding cap.

The whole plan's frontier is infeasible at every cap a single mineral cannot meet: in the
default model gallium and rare earths cannot meet even a 90 % cap on China's share, so the
whole-plan curve has one point.  :func:`kept_frontier` sums, per case and sweep, the
minerals that can meet the first cap below the loosest (the *kept* minerals) and names the
others; its curve stops where a kept mineral can no longer meet the cap.
"""

from __future__ import annotations

import pandas as pd

from toolkit.reports.words import mineral as mineral_words

KEPT_COLS = ["case", "sweep", "epsilon", "objective_usd", "status", "feasible_cost_usd",
             "minerals", "left_out"]


def kept_frontier(detail: pd.DataFrame) -> pd.DataFrame:
    """Per case, sweep and ε: the cost summed over the kept minerals (``minerals`` of
    them), ``status`` optimal only when every kept mineral is, and ``left_out``: the
    minerals that cannot meet the first cap below the loosest, in words (sorted)."""
    if detail.empty or "mineral" not in detail:
        return pd.DataFrame(columns=KEPT_COLS)
    rows = []
    for (case, sweep), points in detail.groupby(["case", "sweep"], sort=False):
        rows += _kept_rows(case, sweep, points)
    return pd.DataFrame(rows, columns=KEPT_COLS)


def _kept_rows(case: str, sweep: str, points: pd.DataFrame) -> list[dict]:
    ok = points["status"].fillna("optimal").astype(str) == "optimal"
    caps = sorted(set(points["epsilon"].dropna()), reverse=True)
    first = caps[1] if len(caps) > 1 else caps[0] if caps else None
    meets = set(points.loc[ok & (points["epsilon"] == first), "mineral"].astype(str))
    every = sorted(set(points["mineral"].astype(str)))
    left_out = ", ".join(mineral_words(m) for m in every if m not in meets)
    kept = points[points["mineral"].astype(str).isin(meets)]
    out = []
    for eps in caps:
        at = kept[kept["epsilon"] == eps]
        good = (at["status"].fillna("optimal").astype(str) == "optimal").all() and \
            len(at) == len(meets) and bool(meets)
        cost = float(at["objective_usd"].sum()) if good else None
        out.append({"case": case, "sweep": sweep, "epsilon": eps, "objective_usd": cost,
                    "status": "optimal" if good else "infeasible", "feasible_cost_usd": cost,
                    "minerals": len(meets), "left_out": left_out})
    return out
