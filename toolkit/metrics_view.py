"""Presentation of the concentration table for ``toolkit metrics``.

Selects rows (mineral, stage, year), prints a readable table or CSV, and writes
``metrics.csv`` / ``chokepoints.csv`` atomically when asked.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

import pandas as pd

from toolkit.chain import SupplyChain
from toolkit.errors import InputError
from toolkit.io.atomic import write_text
from toolkit.risk import BAND_RULE, chokepoint_table, concentration_table, mass_balance_table
from toolkit.schema import STAGES

SHARE_COLUMNS = ("china_share", "top1_share", "top3_share")
READABLE = ["mineral", "stage", "year", "total_t", "china_share", "top1_country",
            "top1_share", "top3_share", "hhi", "hhi_wgi", "risk_band", "gbr_china_touch",
            "jpn_china_touch"]


def select(table: pd.DataFrame, minerals: list[str] | None, stages: list[str] | None,
           year: int | None) -> pd.DataFrame:
    """Rows of the chosen minerals, stages and year; unknown choices are an InputError."""
    _check_choice("--mineral", minerals, table["mineral"].unique().tolist())
    _check_choice("--stage", stages, list(STAGES))
    if minerals:
        table = table[table["mineral"].isin(minerals)]
    if stages:
        table = table[table["stage"].isin(stages)]
    if year is not None:
        if year not in set(table["year"].dropna().astype(int)):
            years = sorted(set(table["year"].dropna().astype(int)))
            raise InputError(f"--year {year}: no data for that year (years: {years})",
                             "command line")
        table = table[table["year"] == year]
    return table.reset_index(drop=True)


def _check_choice(flag: str, chosen: list[str] | None, known: list[str]) -> None:
    for value in chosen or []:
        if value not in known:
            raise InputError(f"{flag} {value!r}: unknown; choose from {', '.join(known)}",
                             "command line")


def coverage(table: pd.DataFrame, minerals: list[str] | None) -> str:
    """Which stages and years the chosen minerals have data for, in words."""
    rows = table[table["mineral"].isin(minerals)] if minerals else table
    parts = []
    for mineral, group in rows.groupby("mineral", sort=False):
        held = [f"{s} {y:.0f}" for s, y in zip(group["stage"], group["year"], strict=True)]
        parts.append(f"{mineral}: {', '.join(held)}")
    return "Data held: " + "; ".join(parts) + "."


def to_csv(table: pd.DataFrame) -> str:
    """CSV text with years as integers and full-precision shares (fractions 0-1)."""
    out = table.copy()
    out["year"] = out["year"].astype("Int64")
    return out.to_csv(index=False, lineterminator="\n", float_format="%.10g")


def readable(table: pd.DataFrame) -> str:
    """A fixed-width table for the terminal: shares as percentages, tonnes rounded."""
    out = table[[c for c in READABLE if c in table.columns]].copy()
    out["year"] = out["year"].astype("Int64")
    for col in [c for c in out.columns if c.endswith(("_share", "_touch"))]:
        out[col] = out[col].map(lambda v: "" if pd.isna(v) else f"{100 * v:5.1f}%")
    out["total_t"] = out["total_t"].map(lambda v: f"{v:,.0f}")
    out["hhi"] = out["hhi"].map(lambda v: f"{v:,.0f}")
    out["hhi_wgi"] = out["hhi_wgi"].map(lambda v: f"{v:.2f}")
    return out.to_string(index=False) + f"\n\nRisk band rule: {BAND_RULE}.\n"


def metrics_command(chain: SupplyChain, args: argparse.Namespace, stdout: TextIO) -> int:
    """Run ``toolkit metrics``: print the selected table; write CSVs to ``--out``."""
    full = concentration_table(chain)
    table = select(full, args.mineral, args.stage, args.year)
    if table.empty and not args.csv:
        stdout.write(f"No data for that selection. {coverage(full, args.mineral)}\n")
    else:
        stdout.write(to_csv(table) if args.csv else readable(table))
    if args.out:
        write_outputs(chain, table, Path(args.out), args.year)
    return 0


def write_outputs(chain: SupplyChain, table: pd.DataFrame, out: Path,
                  year: float | None = None) -> list[Path]:
    """Write ``metrics.csv``, ``chokepoints.csv`` and ``mass_balance.csv`` (atomically).

    Chokepoints and mass balance are for ``year`` (default: the latest final year).
    """
    def csv(frame: pd.DataFrame) -> str:
        return frame.to_csv(index=False, lineterminator="\n", float_format="%.10g")

    return [write_text(out / "metrics.csv", to_csv(table)),
            write_text(out / "chokepoints.csv", csv(chokepoint_table(chain, year))),
            write_text(out / "mass_balance.csv", csv(mass_balance_table(chain, year)))]
