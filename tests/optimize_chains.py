"""Small chains for the optimisation tests (answers solved by hand in the tests)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tests.chains import frame
from toolkit.chain import SupplyChain, blank_chain
from toolkit.optimize.data import MineralData, prepare
from toolkit.policy import resolve_cases

POLICY_COLS = "setting value stage mineral buyer case country"
DIS_COLS = "scenario mineral stage country capacity_loss probability date source"


def policy(*rows: tuple) -> pd.DataFrame:
    """Policy rows (setting, value[, stage, mineral, buyer, case, country])."""
    full = [tuple(r) + ("",) * (7 - len(r)) for r in rows]
    return frame(POLICY_COLS, [(s, str(v), *rest) for s, v, *rest in full])


def disruptions(*rows: tuple) -> pd.DataFrame:
    """Disruption rows (scenario, mineral, stage, country, loss, probability)."""
    return frame(DIS_COLS, [tuple(r) + ("", "") for r in rows])


def one_stage_chain(supply: list[tuple[str, float, float]], demand: dict[str, float],
                    routes: list[tuple[str, str]] | None = None, **tables) -> SupplyChain:
    """Mineral ``x`` with a single ``mine`` stage: (country, capacity_t, cost) rows."""
    countries = sorted({c for c, _, _ in supply} | set(demand))
    base = {
        "minerals": frame("mineral name unit content_basis", [("x", "X", "t", "")]),
        "countries": frame("country name wgi partner",
                           [(c, c, 0.0, c in ("AUS", "KAZ", "CAN")) for c in countries]),
        "supply": frame("mineral stage country capacity_t unit_cost_usd_per_t year",
                        [("x", "mine", c, cap, cost, 2024.0) for c, cap, cost in supply]),
        "demand": frame("buyer mineral demand_t sector",
                        [(b, "x", t, "all") for b, t in demand.items()]),
    }
    if routes:
        base["routes"] = frame(
            "mineral from_stage from_country to_stage to_country cost_usd_per_t",
            [("x", "mine", c, "buyer", b, 0.0) for c, b in routes])
    base.update(tables)
    return blank_chain(**base)


def data_of(chain: SupplyChain, mineral: str = "x", case: int = 0,
            buyers: tuple[str, ...] | None = None, joint: bool | None = None) -> MineralData:
    """Prepared data of one mineral for one case of ``chain``."""
    cases = resolve_cases(chain)
    return prepare(chain.at_year(None), cases[case], mineral, buyers, joint)


def random_chain(seed: int, stages: int = 2, countries: int = 4, spot: bool = False,
                 stock: bool = False, cvar: bool = False) -> SupplyChain:
    """A random two-buyer instance with generous capacity (always feasible uncapped)."""
    rng = np.random.default_rng(seed)
    names = ["AUS", "CHN", "KAZ", "CAN", "BRA", "ZAF"][:countries]
    supply = [("x", st, c, float(rng.uniform(30, 80)), float(rng.uniform(1, 20)), 2024.0)
              for st in ("mine", "refine", "manufacture")[:stages] for c in names]
    demand = {"GBR": float(rng.uniform(5, 20)), "JPN": float(rng.uniform(5, 20))}
    rows = [("scenario_a", "x", "*", "CHN", float(rng.uniform(0.2, 1.0)),
             float(rng.uniform(0.01, 0.2))),
            ("scenario_b", "x", "mine", names[int(rng.integers(0, countries))],
             float(rng.uniform(0.2, 1.0)), float(rng.uniform(0.01, 0.2)))]
    pol = [("shortfall_cost_usd_per_t", float(rng.uniform(10, 200)))]
    if spot:
        pol += [("spot_share", 0.2), ("spot_premium", 1.5)]
    if stock:
        pol += [("stockpile_cost_usd_per_t", float(rng.uniform(0.5, 5)))]
    if cvar:
        pol += [("risk_aversion", 0.5), ("cvar_alpha", 0.9)]
    return blank_chain(
        minerals=frame("mineral name unit content_basis", [("x", "X", "t", "")]),
        countries=frame("country name wgi partner",
                        [(c, c, 0.0, c in ("AUS", "CAN")) for c in names + ["GBR", "JPN"]]),
        supply=frame("mineral stage country capacity_t unit_cost_usd_per_t year", supply),
        demand=frame("buyer mineral demand_t sector",
                     [(b, "x", t, "all") for b, t in demand.items()]),
        disruptions=disruptions(*rows), policy=policy(*pol))
