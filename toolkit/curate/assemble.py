"""Assemble every table, check integrity, write ``datasets/*.csv``."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from toolkit.curate.common import STAGES, render_csv
from toolkit.curate.costs import build_costs
from toolkit.curate.countries import build_countries
from toolkit.curate.demand import build_planned_demand, read_trade
from toolkit.curate.germanium import (
    GERMANIUM_YEAR_BGS,
    GERMANIUM_YEAR_USGS,
    germanium_bgs_2024,
    germanium_usgs_2021,
)
from toolkit.curate.hand_entered import manufacture_rows
from toolkit.curate.iea import IEA_MINERALS, iea_refine, read_iea_2025
from toolkit.curate.imports_mix import build_imports
from toolkit.curate.market import add_market_buyers
from toolkit.curate.minerals import MINERALS, build_minerals
from toolkit.curate.sources import build_sources
from toolkit.curate.trade import check_hs_codes, read_baci
from toolkit.curate.usgs import PROD_COLS, USGS_SERIES, read_mcs_full, read_mcs_world, usgs_series


def build_production(raw_dir: Path) -> tuple[pd.DataFrame, dict[tuple[str, str], list]]:
    """Build ``production.csv`` and return withheld-cell notes per (mineral, stage)."""
    world = read_mcs_world(raw_dir)
    parts, skipped = [], {}
    for (mineral, stage) in USGS_SERIES:
        df, sk = usgs_series(world, mineral, stage)
        parts.append(df)
        skipped[(mineral, stage)] = sk
    refine = iea_refine(read_iea_2025(raw_dir))
    ge_2021, ge_skipped, ge_world_t = germanium_usgs_2021(raw_dir)
    skipped[("germanium", "refine")] = ge_skipped
    parts += [refine, manufacture_rows(refine), ge_2021,
              germanium_bgs_2024(raw_dir, ge_world_t)]
    prod = pd.concat(parts, ignore_index=True)
    key = ["mineral", "stage", "year", "country"]
    if prod.duplicated(key).any():
        raise ValueError("duplicate production keys")
    one_source = prod.groupby(["mineral", "stage", "year"])["source_id"].nunique()
    if (one_source > 1).any():
        raise ValueError(f"mixed sources: {one_source[one_source > 1]}")
    prod = prod.sort_values(["mineral", "stage", "year", "country"]).reset_index(drop=True)
    return prod[PROD_COLS], skipped


def build_stage_coverage(prod: pd.DataFrame, skipped: dict) -> pd.DataFrame:
    """One row per mineral x stage with status, source and a coverage note."""
    rows = []
    for m in MINERALS:
        for stage in STAGES:
            g = prod[(prod["mineral"] == m.mineral) & (prod["stage"] == stage)]
            if g.empty:
                note = {"mine": "no country-level mine production in USGS MCS 2026 or IEA",
                        "refine": "no country-level refinery data in USGS MCS 2026; not in "
                                  "IEA Data Explorer",
                        "manufacture": "no cited country-level manufacturing figure found"}
                if m.mineral == "germanium":
                    note["mine"] = ("germanium is recovered as a by-product of zinc ores and "
                                    "coal fly ash; USGS reports refinery production only; no "
                                    "country-level mine figure found")
                    note["manufacture"] = ("no cited country-level figure for germanium "
                                           "products (wafers, IR optics, fibre-optic "
                                           "GeCl4)")
                rows.append({"mineral": m.mineral, "stage": stage, "status": "no_source",
                             "source_id": "", "note": note[stage]})
                continue
            sid = ";".join(sorted({i for v in g["source_id"] for i in v.split(";")}))
            years = ",".join(str(y) for y in sorted(g["year"].unique()))
            note = f"years {years}; {len(g)} rows"
            if stage == "manufacture":
                status = "hand_entered"
                note += "; China share hand-entered, x refine total; rest -> ROW"
            elif (g["basis"] == "assumption").any():
                status = "assumption"
                note += ("; " + ", ".join(str(y) for y in sorted(
                    g.loc[g["basis"] == "assumption", "year"].unique()))
                    + " rests on an ASSUMPTION (see source_detail)")
            else:
                status = "sourced"
            sk = skipped.get((m.mineral, stage), [])
            if sk:
                note += "; left out (withheld/not available): " + ", ".join(
                    f"{c} {y} {t}" for y, c, t in sorted(sk))
            if stage == "refine" and m.mineral in IEA_MINERALS.values():
                note += "; IEA has no 2025 observed year"
            if stage == "refine" and m.mineral == "germanium":
                note += (f"; {GERMANIUM_YEAR_USGS} = USGS MCS 2022 estimate; "
                         f"{GERMANIUM_YEAR_BGS} = BGS rounded shares (secondary) x the "
                         f"{GERMANIUM_YEAR_USGS} USGS world total (assumed unchanged); BGS "
                         "and USGS China shares differ (country coverage; see PROVENANCE)")
            rows.append({"mineral": m.mineral, "stage": stage, "status": status,
                         "source_id": sid, "note": note})
    return pd.DataFrame(rows).sort_values(["mineral", "stage"]).reset_index(drop=True)


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
    prod, skipped = build_production(raw_dir)
    coverage = build_stage_coverage(prod, skipped)
    check_hs_codes(raw_dir)
    trade = read_trade(raw_dir, read_baci(raw_dir))
    imports = build_imports(trade)
    full = read_mcs_full(raw_dir)
    # market buyers run after production and planned demand, over whatever minerals and
    # stages exist (toolkit/curate/market.py)
    demand = add_market_buyers(prod, build_planned_demand(trade, prod), full)
    costs = build_costs(minerals, prod, full)
    used = set(prod["country"]) | set(imports["origin"]) | set(demand["buyer"])
    countries = build_countries(raw_dir, used)
    sources = build_sources()
    tables = {
        "minerals.csv": minerals, "countries.csv": countries, "production.csv": prod,
        "stage_coverage.csv": coverage, "demand.csv": demand, "imports.csv": imports,
        "costs.csv": costs, "sources.csv": sources,
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
    for name, col in (("production.csv", "country"), ("imports.csv", "origin"),
                      ("demand.csv", "buyer")):
        if set(tables[name][col]) - countries:
            raise ValueError(f"{name}: countries missing from countries.csv")
    if (tables["production.csv"]["tonnes"] <= 0).any():
        raise ValueError("non-positive production tonnes")
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
