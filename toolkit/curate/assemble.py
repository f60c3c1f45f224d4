"""Assemble every table, check integrity, write ``datasets/*.csv``."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from toolkit.curate.bid_premiums import build_bid_premiums
from toolkit.curate.capacity import add_capacity
from toolkit.curate.common import render_csv
from toolkit.curate.costs import build_costs
from toolkit.curate.countries import build_countries
from toolkit.curate.coverage import build_stage_coverage
from toolkit.curate.demand import build_planned_demand, read_trade
from toolkit.curate.demand_years import build_demand_years
from toolkit.curate.germanium import germanium_bgs
from toolkit.curate.hand_entered import manufacture_rows
from toolkit.curate.iea import iea_refine, read_iea_2025
from toolkit.curate.iea_outlook import build_outlook_demand, build_outlook_supply
from toolkit.curate.imports_mix import build_imports
from toolkit.curate.market import add_market_buyers
from toolkit.curate.minerals import build_minerals
from toolkit.curate.outlook_years import build_production_years
from toolkit.curate.projects import build_projects
from toolkit.curate.refine_shares import refine_share_rows
from toolkit.curate.sources import build_sources
from toolkit.curate.trade import check_hs_codes, read_baci
from toolkit.curate.usgs import PROD_COLS, USGS_SERIES, read_mcs_full, read_mcs_world, usgs_series


def build_production(raw_dir: Path) -> tuple[pd.DataFrame, dict, dict]:
    """Build ``production.csv``; return it with withheld-cell notes and capacity cells left
    out, both per (mineral, stage)."""
    world = read_mcs_world(raw_dir)
    parts, skipped = [], {}
    for (mineral, stage) in USGS_SERIES:
        df, sk = usgs_series(world, mineral, stage)
        parts.append(df)
        skipped[(mineral, stage)] = sk
    ge, ge_skipped = germanium_bgs(raw_dir)
    skipped[("germanium", "refine")] = ge_skipped
    parts += [iea_refine(read_iea_2025(raw_dir)), ge]
    prod = pd.concat(parts, ignore_index=True)
    prod = pd.concat([prod, refine_share_rows(raw_dir, prod)], ignore_index=True)
    prod = pd.concat([prod, manufacture_rows(prod)], ignore_index=True)
    prod, capacity_left_out = add_capacity(prod, world)
    key = ["mineral", "stage", "year", "country"]
    if prod.duplicated(key).any():
        raise ValueError(f"duplicate production keys: {prod[prod.duplicated(key)][key]}")
    one_source = prod.groupby(["mineral", "stage", "year"])["source_id"].nunique()
    if (one_source > 1).any():
        raise ValueError(f"mixed sources: {one_source[one_source > 1]}")
    prod = prod.sort_values(["mineral", "stage", "year", "country"]).reset_index(drop=True)
    return prod[PROD_COLS], skipped, capacity_left_out


# ---------------------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------------------


def build_all(raw_dir: Path) -> dict[str, pd.DataFrame]:
    """Build every output table from the raw directory.

    Parameters
    ----------
    raw_dir : Path
        Directory holding the raw copies (``datasets/raw``).

    Returns
    -------
    dict of str to DataFrame
        Tables keyed by output file name (e.g. ``"production.csv"``).
    """
    raw_dir = Path(raw_dir)
    minerals = build_minerals(raw_dir)
    prod, skipped, capacity_left_out = build_production(raw_dir)
    coverage = build_stage_coverage(prod, skipped, capacity_left_out)
    outlook_supply = build_outlook_supply(raw_dir)
    outlook_demand = build_outlook_demand(raw_dir)
    check_hs_codes(raw_dir)
    trade = read_trade(raw_dir, read_baci(raw_dir))
    imports = build_imports(trade)
    full = read_mcs_full(raw_dir)
    # market buyers run after production and planned demand, over whatever minerals and
    # stages exist (toolkit/curate/market.py)
    demand = add_market_buyers(prod, build_planned_demand(trade, prod), full)
    costs = build_costs(minerals, prod, full, raw_dir)
    bid_premiums = build_bid_premiums(prod)
    # the 2030 / 2035 rows (issue 10): supply from the IEA base case, demand grown
    prod_years = build_production_years(prod, outlook_supply)
    demand_years = build_demand_years(demand, outlook_demand, prod_years)
    projects = build_projects(costs)
    used = (set(prod["country"]) | set(imports["origin"]) | set(demand["buyer"])
            | set(outlook_supply["country"]) | set(projects["country"]))
    countries = build_countries(raw_dir, used)
    sources = build_sources()
    tables = {
        "minerals.csv": minerals, "countries.csv": countries, "production.csv": prod,
        "stage_coverage.csv": coverage, "demand.csv": demand, "imports.csv": imports,
        "costs.csv": costs, "sources.csv": sources,
        "bid_premiums.csv": bid_premiums,
        "outlook_supply.csv": outlook_supply, "outlook_demand.csv": outlook_demand,
        "production_years.csv": prod_years, "demand_years.csv": demand_years,
        "projects.csv": projects,
    }
    check_integrity(tables)
    return tables


def check_integrity(tables: dict[str, pd.DataFrame]) -> None:
    """Raise ``ValueError`` if ids are dangling or values out of range."""
    src = set(tables["sources.csv"]["source_id"])
    countries = set(tables["countries.csv"]["country"])
    minerals = set(tables["minerals.csv"]["mineral"])
    for name, df in tables.items():
        if "source_id" in df.columns:
            ids = {i for v in df["source_id"] if v for i in str(v).split(";")}
            if ids - src:
                raise ValueError(f"{name}: unknown source ids {ids - src}")
        if "mineral" in df.columns and set(df["mineral"]) - minerals:
            raise ValueError(f"{name}: unknown minerals")
    for name, df in tables.items():
        if "source_id" not in df.columns or (df["source_id"].fillna("") == "").any():
            raise ValueError(f"{name}: every row needs a source_id")
    for name, col in (("production.csv", "country"), ("imports.csv", "origin"),
                      ("demand.csv", "buyer"), ("outlook_supply.csv", "country"),
                      ("production_years.csv", "country"), ("demand_years.csv", "buyer"),
                      ("projects.csv", "country")):
        if set(tables[name][col]) - countries:
            raise ValueError(f"{name}: countries missing from countries.csv")
    prod = tables["production.csv"]
    if (prod["tonnes"] <= 0).any():
        raise ValueError("non-positive production tonnes")
    if (prod["capacity_t"].notna() & (prod["capacity_t"] < prod["tonnes"])).any():
        raise ValueError("capacity below production")
    if (tables["demand.csv"]["demand_t"] <= 0).any():
        raise ValueError("non-positive demand")


def write_all(raw_dir: Path, out_dir: Path) -> dict[str, pd.DataFrame]:
    """Build every table and write it as UTF-8 CSV with ``\\n`` line endings."""
    tables = build_all(raw_dir)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, df in tables.items():
        (out_dir / name).write_bytes(render_csv(df).encode("utf-8"))
    return tables


def main() -> int:
    """Rebuild ``datasets/*.csv`` from ``datasets/raw`` (repository layout)."""
    root = Path(__file__).resolve().parents[2] / "datasets"
    tables = write_all(root / "raw", root)
    for name, df in tables.items():
        print(f"{name}: {len(df)} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
