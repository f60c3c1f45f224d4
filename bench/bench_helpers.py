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
    return synthetic_chain([("x", "X", "t", "")],
                           [(c, c, 0.0, i % 3 == 0) for i, c in enumerate(codes)], supply,
                           [("GBR", "x", 5000.0, "all"), ("JPN", "x", 9000.0, "all")], dis,
                           "joint")


def synthetic_chain(minerals: list, countries: list, supply: list, demand: list,
                    disruptions: list, mode: str) -> SupplyChain:
    """A chain from row tuples of its tables, with the benches' policy: China capped at
    60 %, shortfall USD 500/t, stockpile USD 5/t, the given ``mode``."""
    frame = pd.DataFrame
    return blank_chain(
        minerals=frame(minerals, columns=["mineral", "name", "unit", "content_basis"]),
        countries=frame(countries, columns=["country", "name", "wgi", "partner"]),
        supply=frame(supply, columns=["mineral", "stage", "country", "capacity_t",
                                      "unit_cost_usd_per_t", "year"]),
        demand=frame(demand, columns=["buyer", "mineral", "demand_t", "sector"]),
        disruptions=frame(disruptions, columns=["scenario", "mineral", "stage", "country",
                                                "capacity_loss", "probability", "date",
                                                "source"]),
        policy=frame([("max_china_share", "0.6", "", "", "", ""),
                      ("shortfall_cost_usd_per_t", "500", "", "", "", ""),
                      ("stockpile_cost_usd_per_t", "5", "", "", "", ""),
                      ("mode", mode, "", "", "", "")],
                     columns=["setting", "value", "stage", "mineral", "buyer", "case"]))


PEER_SHAPE = (25, 30, 20, 40)  # minerals, mine countries, refine countries, scenarios


def peer_chain(minerals: int = 25, mine: int = 30, refine: int = 20, scenarios: int = 40,
               seed: int = 11, probability: float = 0.01) -> SupplyChain:
    """A peer-size synthetic model: ``minerals`` two-stage chains (``mine`` and ``refine``
    countries each, China among them), both buyers, ``scenarios`` export restrictions
    (one country, every stage of every mineral, loss 20-100 %, each with ``probability``
    a year: the scenarios' probabilities must sum to at most 1, as the toolkit's input
    checks require), one independent-mode case with a 60 % China cap, shortfall and
    stockpile costs.

    The numbers are random (seeded), not data: the instance only has the sizes of a
    real peer workbook.
    """
    rng = np.random.default_rng(seed)
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # QAA, QAB...: ISO 3166 user-assigned codes
    codes = ["CHN"] + [f"Q{letters[i // 26]}{letters[i % 26]}"
                       for i in range(max(mine, refine) - 1)]
    names = [f"m{i:02d}" for i in range(minerals)]
    supply = [(m, stage, c, float(rng.uniform(200, 2000)), float(rng.uniform(1, 50)), 2024.0)
              for m in names for stage, n in (("mine", mine), ("refine", refine))
              for c in codes[:n]]
    hit = rng.choice(codes[:min(mine, refine)], size=scenarios)
    dis = [(f"restriction {s:02d} ({hit[s]})", "*", "*", str(hit[s]),
            float(rng.uniform(0.2, 1.0)), probability, "", "") for s in range(scenarios)]
    demand = [(b, m, float(rng.uniform(300, 3000)), "all") for m in names
              for b in ("GBR", "JPN")]
    countries = [(c, c, float(rng.uniform(-1.5, 1.5)), i % 4 == 1)
                 for i, c in enumerate(codes + ["GBR", "JPN"])]
    return synthetic_chain([(m, m, "t", "") for m in names], countries, supply, demand, dis,
                           "independent")
