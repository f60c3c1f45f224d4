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
            "top1_share", "top3_share", "hhi", "hhi_wgi", "risk_band", "gbr_import_reliance",
            "jpn_import_reliance", "gbr_china_touch", "jpn_china_touch"]
TOP_CHOKEPOINTS = 10


def select(table: pd.DataFrame, minerals: list[str] | None, stages: list[str] | None,
           year: int | None) -> pd.DataFrame:
    """Rows of the chosen minerals, stages and year; unknown choices are an InputError.

    Mineral and stage names are matched without regard to case (``Lithium``, ``MINE``).
    """
    minerals = canonical("--mineral", minerals, table["mineral"].unique().tolist())
    stages = canonical("--stage", stages, list(STAGES))
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


def canonical(flag: str, chosen: list[str] | None, known: list[str]) -> list[str] | None:
    """``chosen`` as the known names (case and surrounding blanks ignored); an unknown
    name is an InputError listing the known ones."""
    if not chosen:
        return chosen
    lookup = {str(k).casefold(): k for k in known}
    out = []
    for value in chosen:
        key = str(value).strip().casefold()
        if key not in lookup:
            raise InputError(f"{flag} {value!r}: unknown; choose from {', '.join(known)}",
                             "command line")
        out.append(lookup[key])
    return out


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
    for col in [c for c in out.columns if c.endswith("_reliance")]:
        out[col] = out[col].map(lambda v: "" if pd.isna(v) else f"{100 * v:5.1f}%")
    return out.to_string(index=False) + f"\n\nRisk band rule: {BAND_RULE}.\n"


def top_chokepoints(points: pd.DataFrame, table: pd.DataFrame,
                    top: int = TOP_CHOKEPOINTS) -> str:
    """The ``top`` single-country losses that cut the largest share of a buyer's supply,
    among the minerals and stages of ``table``, as terminal text."""
    keys = set(zip(table["mineral"], table["stage"], strict=True))
    sel = points[[(m, s) in keys for m, s in zip(points["mineral"], points["stage"],
                                                 strict=True)]]
    if sel.empty:
        return "\nTop chokepoints: none in this selection.\n"
    sel = sel.sort_values(["loss_share", "loss_t", "mineral", "buyer"],
                          ascending=[False, False, True, True], kind="stable").head(top)
    out = pd.DataFrame({"mineral": sel["mineral"], "buyer": sel["buyer"],
                        "stage": sel["stage"], "country": sel["country"],
                        "supply_lost_t": sel["loss_t"].map(lambda v: f"{v:,.1f}"),
                        "share_of_buyer_supply": sel["loss_share"].map(
                            lambda v: f"{100 * v:5.1f}%")})
    return ("\nTop chokepoints: the loss of one country at one stage that cuts the largest "
            "share of a buyer's supply\n" + out.to_string(index=False) + "\n")


def metrics_command(chain: SupplyChain, args: argparse.Namespace, stdout: TextIO) -> int:
    """Run ``toolkit metrics``: print the selected table; write CSVs to ``--out``."""
    full = concentration_table(chain)
    table = select(full, args.mineral, args.stage, args.year)
    if table.empty and not args.csv:
        stdout.write(f"No data for that selection. {coverage(full, args.mineral)}\n")
    else:
        stdout.write(to_csv(table) if args.csv else readable(table))
        if not args.csv:
            stdout.write(top_chokepoints(chokepoint_table(chain, args.year), table))
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
