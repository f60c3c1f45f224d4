"""Helpers of the optimisation bench: timing, memory and a scaled synthetic instance."""

from __future__ import annotations

import resource
import statistics
import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from toolkit.chain import SupplyChain, blank_chain


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    """Wall time of one call and its result."""
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def median(values: list[float]) -> float:
    """Median of repeats."""
    return float(statistics.median(values))


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (MB, Linux ru_maxrss is in kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def scaled_chain(countries: tuple[int, int, int] = (32, 32, 100), scenarios: int = 10,
                 seed: int = 7) -> SupplyChain:
    """One mineral, three stages, many countries: paths = product of the counts per buyer."""
    rng = np.random.default_rng(seed)
    codes = [f"C{i:03d}" for i in range(max(countries))] + ["CHN"]
    supply = []
    for stage, n in zip(("mine", "refine", "manufacture"), countries, strict=True):
        for c in ["CHN"] + codes[:n - 1]:
            supply.append(("x", stage, c, float(rng.uniform(200, 2000)),
                           float(rng.uniform(1, 50)), 2024.0))
    dis = [(f"s{s}", "x", "*", str(rng.choice(codes[:20])), float(rng.uniform(0.2, 1)),
            0.02, "", "") for s in range(scenarios)]
    frame = pd.DataFrame
    return blank_chain(
        minerals=frame([("x", "X", "t", "")], columns=["mineral", "name", "unit",
                                                       "content_basis"]),
        countries=frame([(c, c, 0.0, i % 3 == 0) for i, c in enumerate(codes)],
                        columns=["country", "name", "wgi", "partner"]),
        supply=frame(supply, columns=["mineral", "stage", "country", "capacity_t",
                                      "unit_cost_usd_per_t", "year"]),
        demand=frame([("GBR", "x", 5000.0, "all"), ("JPN", "x", 9000.0, "all")],
                     columns=["buyer", "mineral", "demand_t", "sector"]),
        disruptions=frame(dis, columns=["scenario", "mineral", "stage", "country",
                                        "capacity_loss", "probability", "date", "source"]),
        policy=frame([("max_china_share", "0.6", "", "", "", ""),
                      ("shortfall_cost_usd_per_t", "500", "", "", "", ""),
                      ("stockpile_cost_usd_per_t", "5", "", "", "", ""),
                      ("mode", "joint", "", "", "", "")],
                     columns=["setting", "value", "stage", "mineral", "buyer", "case"]))
