"""USGS Mineral Commodity Summaries 2026: readers and world production series."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from toolkit.curate.common import (
    MCS2026_FULL,
    MCS2026_WORLD,
    TONNES_PER_UNIT,
    USGS_ESTIMATE_YEAR,
    USGS_YEARS,
    parse_usgs_value,
    tf,
    usgs_iso3,
)
from toolkit.curate.content import CONTENT_FACTORS

# USGS world production series: (mineral, stage) -> (chapter, Statistics_detail values).
# Several details are summed per country (titanium = ilmenite + rutile; tellurium variants
# reported for single countries).  Gross-weight or oxide series are converted to the
# mineral's content basis with :data:`toolkit.curate.content.CONTENT_FACTORS`.
USGS_SERIES: dict[tuple[str, str], tuple[str, tuple[str, ...]]] = {
    ("lithium", "mine"): ("LITHIUM", ("Mine production",)),
    ("cobalt", "mine"): ("COBALT", ("Mine production",)),
    ("nickel", "mine"): ("NICKEL", ("Mine production",)),
    ("graphite", "mine"): ("GRAPHITE (NATURAL)", ("Mine production",)),
    ("rare_earths", "mine"): ("RARE EARTHS", ("Mine production",)),
    ("copper", "mine"): ("COPPER", ("Mine production",)),
    ("tungsten", "mine"): ("TUNGSTEN", ("Mine production",)),
    ("antimony", "mine"): ("ANTIMONY", ("Mine production",)),
    ("manganese", "mine"): ("MANGANESE", ("Mine production",)),
    ("vanadium", "mine"): ("VANADIUM", ("Mine production",)),
    ("magnesium", "mine"): ("MAGNESIUM COMPOUNDS", ("Mine production",)),
    ("titanium", "mine"): ("TITANIUM MINERAL CONCENTRATES",
                           ("Mine production: Ilmenite", "Mine production: Rutile")),
    ("platinum", "mine"): ("PLATINUM-GROUP METALS", ("Mine production: Platinum",)),
    ("palladium", "mine"): ("PLATINUM-GROUP METALS", ("Mine production: Palladium",)),
    ("niobium", "mine"): ("NIOBIUM (COLUMBIUM)", ("Mine production",)),
    ("tantalum", "mine"): ("TANTALUM", ("Mine production",)),
    ("tin", "mine"): ("TIN", ("Mine production",)),
    ("chromium", "mine"): ("CHROMIUM", ("Mine production",)),
    ("aluminium", "mine"): ("BAUXITE AND ALUMINA", ("Bauxite, mine production",)),
    ("molybdenum", "mine"): ("MOLYBDENUM", ("Mine production",)),
    ("zinc", "mine"): ("ZINC", ("Mine production",)),
    ("gallium", "refine"): ("GALLIUM", ("Primary production",)),
    ("magnesium", "refine"): ("MAGNESIUM METAL", ("Smelter production",)),
    ("silicon", "refine"): ("SILICON", ("Silicon metal",)),
    ("titanium", "refine"): ("TITANIUM AND TITANIUM DIOXIDE",
                             ("Titanium sponge metal production",)),
    ("bismuth", "refine"): ("BISMUTH", ("Refinery production",)),
    ("indium", "refine"): ("INDIUM", ("Refinery production",)),
    ("tellurium", "refine"): ("TELLURIUM", ("Refinery production",
                                            "Refinery production: concentrate",
                                            "Refinery production: copper telluride")),
    ("aluminium", "refine"): ("ALUMINUM", ("Smelter production",)),
    ("copper", "refine"): ("COPPER", ("Refinery production",)),
    # Minerals of the US 2025 critical-minerals list with an MCS 2026 world table.
    ("arsenic", "refine"): ("ARSENIC", ("Production (arsenic trioxide, gross weight)",)),
    ("barite", "mine"): ("BARITE", ("Mine production",)),
    ("beryllium", "mine"): ("BERYLLIUM", ("Mine production",)),
    ("boron", "mine"): ("BORON", tuple(f"Production\u2014{form}" for form in (
        "All forms", "crude ore", "ulexite", "boric oxide equivalent", "compounds",
        "crude borates", "datolite ore", "refined borates"))),
    ("fluorspar", "mine"): ("FLUORSPAR", ("Mine production",)),
    ("lead", "mine"): ("LEAD", ("Mine production",)),
    ("phosphate", "mine"): ("PHOSPHATE ROCK", ("Mine production",)),
    ("potash", "mine"): ("POTASH", ("Mine production",)),
    ("rhenium", "mine"): ("RHENIUM", ("Mine production",)),
    ("silver", "mine"): ("SILVER", ("Mine production",)),
    ("zirconium", "mine"): ("ZIRCONIUM AND HAFNIUM", (
        "Zirconium mineral concentrates, mine production (thousand metric tons, gross "
        "weight)",)),
}


# ---------------------------------------------------------------------------------------
# Readers
# ---------------------------------------------------------------------------------------


def read_mcs_world(raw_dir: Path) -> pd.DataFrame:
    """Read the MCS 2026 world-section extract (UTF-8, all values as text)."""
    return pd.read_csv(raw_dir / MCS2026_WORLD, dtype=str, keep_default_na=False)


def read_mcs_full(raw_dir: Path) -> pd.DataFrame:
    """Read the original MCS 2026 release file (Windows-1252) with its 1-based row numbers."""
    df = pd.read_csv(raw_dir / MCS2026_FULL, dtype=str, keep_default_na=False,
                     encoding="cp1252")
    df["source_row_number"] = (df.index + 2).astype(str)
    return df


# ---------------------------------------------------------------------------------------
# Production
# ---------------------------------------------------------------------------------------

PROD_COLS = ["mineral", "stage", "country", "year", "tonnes", "estimate", "source_id",
             "source_detail", "basis", "capacity_t", "capacity_source_id", "capacity_note"]


def usgs_series(world: pd.DataFrame, mineral: str, stage: str) -> tuple[pd.DataFrame, list]:
    """Extract one USGS world production series in tonnes.

    Returns
    -------
    (DataFrame, list)
        Rows in the ``production.csv`` layout (zero rows dropped) and a list of
        ``(year, country, token)`` for cells left out because they were W/NA/s.
    """
    chapter, details = USGS_SERIES[(mineral, stage)]
    sel = world[(world["MCS chapter"] == chapter) & (world["Statistics"] == "Production")
                & world["Statistics_detail"].isin(details)
                & world["Year"].isin([str(y) for y in USGS_YEARS])
                & (world["Country"] != "World total")]
    if sel.empty:
        raise ValueError(f"no USGS rows for {mineral}/{stage}")
    acc: dict[tuple[int, str], dict] = {}
    skipped = []
    for _, r in sel.iterrows():
        iso = usgs_iso3(r["Country"])
        year = int(r["Year"])
        if r["Unit"] not in TONNES_PER_UNIT:
            raise ValueError(f"unknown unit {r['Unit']!r} in {chapter}")
        val = parse_usgs_value(r["Value"])
        if val is None:
            skipped.append((year, iso, r["Value"].strip()))
            continue
        e = acc.setdefault((year, iso), {"t": 0.0, "est": False, "rows": [], "unit": r["Unit"]})
        e["t"] += val * TONNES_PER_UNIT[r["Unit"]]
        e["est"] = e["est"] or year == USGS_ESTIMATE_YEAR or "Estimated" in r["Notes"]
        e["rows"].append(r["source_row_number"])
    conv = CONTENT_FACTORS.get((mineral, stage))
    factor = conv.factor if conv else 1.0
    source_id = ";".join(["usgs_mcs2026"] + ([conv.source_id] if conv and conv.source_id
                                             else []))
    basis = "reported" if conv is None else ("assumption" if conv.assumption else "derived")
    out = []
    for (year, iso), e in acc.items():
        if e["t"] == 0:
            continue
        detail = (f"MCS2026 {chapter}: {' + '.join(details)} ({e['unit']}); extract rows "
                  f"{'+'.join(e['rows'])}")
        if conv:
            detail += f"; reported {e['t']:.3f} t x {factor:.6f}: {conv.label}"
        out.append({"mineral": mineral, "stage": stage, "country": iso, "year": year,
                    "tonnes": round(e["t"] * factor, 3), "estimate": tf(e["est"]),
                    "source_id": source_id, "source_detail": detail, "basis": basis})
    return pd.DataFrame(out, columns=PROD_COLS), skipped

