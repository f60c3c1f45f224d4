"""'Read with care' lines of the reports: limits of the data that change how findings
read (stages where every supplier costs the same; the buyer split of a joint plan)."""

from __future__ import annotations

import pandas as pd

from toolkit.reports import data, market
from toolkit.reports.data import is_joint
from toolkit.schema import STAGES

JOINT_SPLIT_NOTE = ("The split of a joint plan between the two buyers is a convention: the "
                    "optimisation is indifferent to which buyer receives which tonne, so "
                    "per-buyer rows of a joint case (served shares, tonnes, stockpiles) can be "
                    "lopsided; only the buyers' combined figures are determined.")


def caveats(cases: list[data.Case], prices: pd.DataFrame, chain,
            world: pd.DataFrame | None = None, same: pd.DataFrame | None = None) -> list[str]:
    """'Read with care' lines: limits of the data that change how findings read
    (``same``: :func:`toolkit.reports.data.same_cost_stages` of the first case, if already
    computed)."""
    lines = [_same_cost_line(cases, prices, chain, world, same)]
    if any(is_joint(c) for c in cases):
        lines.append(JOINT_SPLIT_NOTE)
    return [line for line in lines if line]


def _same_cost_line(cases: list[data.Case], prices: pd.DataFrame, chain,
                    world: pd.DataFrame | None = None,
                    same: pd.DataFrame | None = None) -> str:
    """Stages where every supplier has one unit cost and no bid premium prices moving
    tonnes away from other buyers: de-risking there is free.

    Counted on the first case's data year; the shadow prices quoted are those of the
    China-share caps (``max_china_share``) at those stages, over every case.
    """
    if chain is None or not cases:
        return ""
    same = data.same_cost_stages(chain, cases[0]) if same is None else same
    priced = market.premium_stages(world if world is not None else pd.DataFrame())
    if priced:
        keys = list(zip(same["mineral"], same["stage"], strict=True))
        unpriced = pd.Series([k not in priced for k in keys], index=same.index, dtype=bool)
        same = same.assign(same_cost=same["same_cost"].astype(bool) & unpriced)
    parts = []
    for stage in STAGES:
        at = same[same["stage"] == stage]
        if at["same_cost"].any():
            parts.append(f"the {stage} stage of {int(at['same_cost'].sum())} of the "
                         f"{len(at)} minerals that have one")
    if not parts:
        return ""
    where = ", ".join(parts[:-1]) + f" and {parts[-1]}" if len(parts) > 1 else parts[0]
    return (f"At {where} every supplier has the same unit cost in the data (no published "
            "country cost differences) and no bid premium prices tonnes taken from other "
            "buyers, so moving supply away from China there costs nothing unless capacity "
            f"runs short{_same_cost_prices(prices, same)}.")


def _same_cost_prices(prices: pd.DataFrame, same: pd.DataFrame) -> str:
    keys = set(zip(same.loc[same["same_cost"], "mineral"],
                   same.loc[same["same_cost"], "stage"], strict=True))
    caps = prices[(prices["setting"] == "max_china_share")].dropna(subset=["usd_per_pp"])
    caps = caps[[(m, s) in keys for m, s in zip(caps["mineral"], caps["stage"], strict=True)]]
    if caps.empty:
        return ""
    bind = caps[caps["usd_per_pp"].abs() > 0]
    if bind.empty:
        return f"; the shadow prices of all {len(caps)} China-share caps there are 0"
    return (f"; {len(caps) - len(bind)} of the {len(caps)} China-share caps there have a "
            f"shadow price of 0, the other {len(bind)} bind (capacity or disruption risk "
            "makes moving away from China costly there)")
