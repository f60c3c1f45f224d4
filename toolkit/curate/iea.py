"""IEA Critical Minerals Data Explorer 2025: refining by country (modelled estimates).

The IEA figures are model-based estimates (IEA supply modelling, passed through a
third-party JSON conversion), so every row is ``basis = modelled``.  Copper refining is
taken from the USGS MCS 2026 refinery table (18 countries + other) instead, see usgs.py."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from toolkit.curate.common import IEA2025_SUPPLY, IEA_COUNTRY_ISO3, IEA_YEAR, ROW
from toolkit.curate.usgs import PROD_COLS

IEA_MINERALS = {
    "Lithium": "lithium",
    "Cobalt": "cobalt",
    "Nickel": "nickel",
    "Graphite": "graphite",
    "Rare Earth Elements": "rare_earths",
    "Copper": "copper",
}
# Minerals whose refine stage comes from the IEA (copper: USGS refinery table instead).
IEA_REFINE_MINERALS = ("lithium", "cobalt", "nickel", "graphite", "rare_earths")
IEA_REFINE_LABEL = {
    "lithium": "lithium chemicals (Li content)",
    "cobalt": "refined cobalt",
    "nickel": "refined nickel",
    "graphite": "battery-grade graphite (natural + synthetic)",
    "rare_earths": "magnet rare earth elements (Nd, Pr, Dy, Tb)",
    "copper": "refined copper",
}


def read_iea_2025(raw_dir: Path) -> pd.DataFrame:
    """Read the IEA 2025 tidy supply table, keeping well-formed numeric rows only."""
    df = pd.read_csv(raw_dir / IEA2025_SUPPLY)
    return df[df["value"].notna()].copy()


def iea_refine(iea: pd.DataFrame) -> pd.DataFrame:
    """IEA 2025 refining rows for 2024 in tonnes; ROW = published Total − named countries.

    The third-party conversion's "Rest of world" is replaced by Total minus the named
    countries so that shares use the IEA Total as denominator (they differ for nickel).
    """
    sel = iea[(iea["stage"] == "refining") & (iea["year"] == IEA_YEAR)]
    out = []
    for label, mineral in IEA_MINERALS.items():
        if mineral not in IEA_REFINE_MINERALS:
            continue
        g = sel[sel["mineral"] == label]
        total = float(g.loc[g["row_type"] == "total", "value"].iloc[0])
        countries = g[g["row_type"] == "country"]
        detail = f"IEA CM Data Explorer 2025, supply sheet, refining {IEA_REFINE_LABEL[mineral]}"
        for _, r in countries.iterrows():
            if r["row_label"] not in IEA_COUNTRY_ISO3:
                raise KeyError(f"unmapped IEA country name: {r['row_label']!r}")
            if r["value"] == 0:
                continue
            out.append({"mineral": mineral, "stage": "refine",
                        "country": IEA_COUNTRY_ISO3[r["row_label"]], "year": IEA_YEAR,
                        "tonnes": round(float(r["value"]) * 1000.0, 3), "estimate": "FALSE",
                        "source_id": "iea_cm_2025",
                        "source_detail": f"{detail} (kt x 1000; IEA modelled estimate)",
                        "basis": "modelled"})
        row_kt = total - float(countries["value"].sum())
        file_row = float(g.loc[g["row_type"] == "rest_of_world", "value"].iloc[0])
        note = "" if abs(row_kt - file_row) < 1e-6 else (
            f"; file 'Rest of world' {file_row:.3f} kt differs from Total - named countries")
        if row_kt > 0:
            out.append({"mineral": mineral, "stage": "refine", "country": ROW,
                        "year": IEA_YEAR, "tonnes": round(row_kt * 1000.0, 3),
                        "estimate": "FALSE", "source_id": "iea_cm_2025",
                        "source_detail": f"{detail}: Total {total:.3f} kt minus named "
                                         f"countries (kt x 1000; IEA modelled estimate){note}",
                        "basis": "modelled"})
    return pd.DataFrame(out, columns=PROD_COLS)

