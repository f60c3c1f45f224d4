"""Production capacity from the USGS MCS 2026 world "Capacity" rows.

``capacity_t`` is filled only where USGS publishes a capacity for the country and year of
a production row (elsewhere it stays blank = no spare capacity).  A capacity is left out,
and listed in the coverage note, when the country has no production row (production
withheld, not available or zero) or when the capacity is below the reported production
(the two are separate USGS estimates).
"""

from __future__ import annotations

import pandas as pd

from toolkit.curate.common import TONNES_PER_UNIT, USGS_YEARS, parse_usgs_value, usgs_iso3
from toolkit.curate.content import CONTENT_FACTORS

# (mineral, stage) -> (MCS 2026 chapter, capacity Statistics_detail values).
CAPACITY_SERIES: dict[tuple[str, str], tuple[str, tuple[str, ...]]] = {
    ("aluminium", "refine"): ("ALUMINUM", ("Yearend capacity",)),
    ("arsenic", "refine"): ("ARSENIC", ("Refinery capacity (arsenic trioxide, gross weight)",)),
    ("bismuth", "refine"): ("BISMUTH", ("Production capacity",)),
    ("gallium", "refine"): ("GALLIUM", ("Production capacity",)),
    ("indium", "refine"): ("INDIUM", ("Refinery capacity",)),
    ("magnesium", "refine"): ("MAGNESIUM METAL", ("Smelter capacity",)),
    ("tellurium", "refine"): ("TELLURIUM", ("Refinery capacity", "Refinery capacity: concentrate",
                                            "Refinery capacity: copper telluride")),
    ("titanium", "refine"): ("TITANIUM AND TITANIUM DIOXIDE",
                             ("Titanium sponge metal Capacity",)),
}


def _capacity_cells(world: pd.DataFrame, mineral: str, stage: str) -> tuple[dict, list]:
    """Capacity in tonnes of content by (year, ISO3), and cells left out as tokens."""
    chapter, details = CAPACITY_SERIES[(mineral, stage)]
    sel = world[(world["MCS chapter"] == chapter) & (world["Statistics"] == "Capacity")
                & world["Statistics_detail"].isin(details)
                & world["Year"].isin([str(y) for y in USGS_YEARS])
                & (world["Country"] != "World total")]
    conv = CONTENT_FACTORS.get((mineral, stage))
    cells, skipped = {}, []
    for _, r in sel.iterrows():
        iso, year = usgs_iso3(r["Country"]), int(r["Year"])
        val = parse_usgs_value(r["Value"])
        if val is None:
            skipped.append(f"{iso} {year} {r['Value'].strip()}")
            continue
        t = val * TONNES_PER_UNIT[r["Unit"]] * (conv.factor if conv else 1.0)
        note = (f"USGS MCS 2026 {chapter}: {r['Statistics_detail']} {year} = {r['Value']} "
                f"{r['Unit']} (extract row {r['source_row_number']})")
        if conv:
            note += f" x {conv.factor:.6f} ({conv.label})"
        cells[(year, iso)] = (t, note)
    return cells, skipped


def add_capacity(prod: pd.DataFrame, world: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Fill ``capacity_t`` / ``capacity_source_id`` / ``capacity_note`` from USGS capacity.

    Returns the production table and, per (mineral, stage), the capacity cells left out.
    """
    prod = prod.copy()
    prod["capacity_t"] = pd.to_numeric(prod["capacity_t"]).astype(float)
    for col in ("capacity_source_id", "capacity_note"):
        prod[col] = prod[col].astype(object).where(prod[col].notna(), "")
    left_out: dict[tuple[str, str], list[str]] = {}
    for (mineral, stage) in CAPACITY_SERIES:
        cells, skipped = _capacity_cells(world, mineral, stage)
        for (year, iso), (cap, note) in sorted(cells.items()):
            hit = ((prod["mineral"] == mineral) & (prod["stage"] == stage)
                   & (prod["year"] == year) & (prod["country"] == iso))
            if not hit.any():
                if cap > 0:
                    skipped.append(f"{iso} {year} capacity {cap:,.0f} t without a "
                                   "production row")
                continue
            tonnes = float(prod.loc[hit, "tonnes"].iloc[0])
            if cap < tonnes:
                skipped.append(f"{iso} {year} capacity {cap:,.0f} t below production "
                               f"{tonnes:,.0f} t")
                continue
            prod.loc[hit, "capacity_t"] = round(cap, 3)
            prod.loc[hit, "capacity_source_id"] = "usgs_mcs2026"
            prod.loc[hit, "capacity_note"] = f"{note}; yearend capacity"
        left_out[(mineral, stage)] = skipped
    return prod, left_out
