"""Small multi-year chains with projects (answers solved by hand in the tests)."""

from __future__ import annotations

import pandas as pd

from tests.chains import frame
from tests.optimize_chains import one_stage_chain
from toolkit.chain import SupplyChain
from toolkit.schema import PROJECTS

POLICY_COLS = "setting value stage mineral buyer case country year"


def year_policy(*rows: tuple) -> pd.DataFrame:
    """Policy rows (setting, value[, stage, mineral, buyer, case, country, year])."""
    full = [tuple(r) + ("",) * (8 - len(r)) for r in rows]
    out = frame(POLICY_COLS, [(s, str(v), *rest) for s, v, *rest in full])
    out["year"] = [float(y) if y != "" else float("nan") for y in out["year"]]
    return out


def projects(*rows: tuple) -> pd.DataFrame:
    """Projects rows (project, stage, country, capacity_t, unit_cost, capex_usd,
    online_year[, lifetime_years]) of mineral ``x``."""
    out = []
    for r in rows:
        project, stage, country, cap, cost, capex, online, *rest = r
        out.append((project, "x", stage, country, float(cap), float(cost), float(capex),
                    float(online), float(rest[0]) if rest else 20.0, "", ""))
    return pd.DataFrame(out, columns=list(PROJECTS.names))


def demand_rows(*rows: tuple) -> pd.DataFrame:
    """Demand rows (buyer, demand_t, year or None) of mineral ``x``."""
    return pd.DataFrame([(b, "x", float(t), "all", float("nan") if y is None else float(y))
                         for b, t, y in rows],
                        columns=["buyer", "mineral", "demand_t", "sector", "year"])


def years_chain(supply: list[tuple[str, float, float]], demand: dict[str, float],
                years: str, project_rows: tuple = (), policy_rows: tuple = (),
                demand_table: pd.DataFrame | None = None, **tables) -> SupplyChain:
    """:func:`one_stage_chain` with modelled ``years``, projects and policy rows."""
    buyers = set(demand) | (set(demand_table["buyer"]) if demand_table is not None else set())
    countries = sorted({c for c, _, _ in supply} | buyers | {r[2] for r in project_rows})
    chain = one_stage_chain([(c, cap, cost) for c, cap, cost in supply], demand, **tables)
    chain = chain.with_tables(countries=frame("country name wgi partner", [
        (c, c, 0.0, c in ("AUS", "CAN")) for c in countries]))
    if demand_table is not None:
        chain = chain.with_tables(demand=demand_table)
    rows = ((("years", years),) if years else ()) + tuple(policy_rows)
    return chain.with_tables(policy=year_policy(*rows), projects=projects(*project_rows))
