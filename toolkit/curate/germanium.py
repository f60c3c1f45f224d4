"""Germanium refine stage: USGS MCS 2022 (2021) and BGS shares (2024)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from toolkit.curate.common import (
    BGS_REFINED_YEARS,
    MCS2022_GERMANIUM,
    ROW,
    parse_usgs_value,
    usgs_iso3,
)
from toolkit.curate.usgs import PROD_COLS

# Germanium refine stage (no world table in MCS 2026).
# 2021: USGS MCS 2022 data release, germanium world table ("Primary and secondary refinery
#   production", column Prod_kg_Est_2021): China 95,000 kg, Russia 5,000 kg, Other countries
#   40,000 kg, United States W, World total (rounded) 140,000 kg.  China = 95/140 = 67.9 %,
#   the "68% of global refinery production, estimated at 140,000kg in 2021, according to the
#   US Geological Survey" quoted by Graphic News (D. Mil, 10 Jul 2023) and TalkMarkets.
# 2024: BGS World Mineral Statistics country shares of germanium metal production, rounded
#   integer percent, as derived by the third-party repository Varcolacus/critical-materials-
#   atlas (out/refined_years.json) x the 2021 USGS world total.  ASSUMPTION: the world total
#   is unchanged since 2021 (no newer USGS or BGS world total in the raw data).
GERMANIUM_YEAR_USGS = 2021
GERMANIUM_YEAR_BGS = 2024
GERMANIUM_USGS_COLUMN = "Prod_kg_Est_2021"
GRAPHIC_NEWS_CITE = (
    "Graphic News, D. Mil, 'China restricts export of high-tech metals', 10 Jul 2023 "
    "(https://www.graphicnews.com/de/pages/44524/economy-gallium-germanium-exporte) and "
    "TalkMarkets (same wording): China '68% of global refinery production, estimated at "
    "140,000kg in 2021, according to the US Geological Survey'"
)
BGS_ISO2_ISO3 = {"CN": "CHN", "US": "USA", "RU": "RUS", "FI": "FIN", "JP": "JPN"}


def germanium_usgs_2021(raw_dir: Path) -> tuple[pd.DataFrame, list, float]:
    """Germanium refinery production 2021 from the USGS MCS 2022 world table.

    Returns
    -------
    (DataFrame, list, float)
        Country rows in tonnes (kg / 1000; "Other countries" -> ROW), the cells left out
        as ``(year, country, token)`` (United States: W) and the USGS rounded world total
        in tonnes.  Raises ``ValueError`` if the listed countries do not add up to it.
    """
    df = pd.read_csv(raw_dir / MCS2022_GERMANIUM, dtype=str, keep_default_na=False,
                     encoding="utf-8-sig")
    is_world = df["Country"].str.startswith("World total")
    world_t = float(df.loc[is_world, GERMANIUM_USGS_COLUMN].iloc[0]) / 1000.0
    rows, skipped = [], []
    for i, r in df[~is_world].iterrows():
        iso = usgs_iso3(r["Country"])
        val = parse_usgs_value(r[GERMANIUM_USGS_COLUMN])
        if val is None:
            skipped.append((GERMANIUM_YEAR_USGS, iso, r[GERMANIUM_USGS_COLUMN].strip()))
            continue
        rows.append({"mineral": "germanium", "stage": "refine", "country": iso,
                     "year": GERMANIUM_YEAR_USGS, "tonnes": round(val / 1000.0, 3),
                     "estimate": "TRUE", "source_id": "usgs_mcs2022",
                     "source_detail": f"MCS2022 data release mcs2022-germa_world.csv line "
                                      f"{i + 2}: {r['Type']}, {GERMANIUM_USGS_COLUMN} "
                                      f"{r[GERMANIUM_USGS_COLUMN]} kg (/ 1000); USGS world "
                                      f"total (rounded) {world_t:.0f} t; also reported by "
                                      f"[{GRAPHIC_NEWS_CITE}]",
                     "basis": "reported"})
    out = pd.DataFrame(rows, columns=PROD_COLS)
    if abs(out["tonnes"].sum() - world_t) > 1e-6:
        raise ValueError("germanium 2021: listed countries do not add up to the world total")
    return out, skipped, world_t


def germanium_bgs_2024(raw_dir: Path, world_t: float) -> pd.DataFrame:
    """Germanium 2024 = BGS rounded country shares x the 2021 USGS world total (assumption).

    tonnes(c) = v_c / 100 x world_t;  tonnes(ROW) = (100 - sum v) / 100 x world_t.
    """
    shares = json.loads((raw_dir / BGS_REFINED_YEARS).read_text(encoding="utf-8"))
    entries = shares["germanium"][str(GERMANIUM_YEAR_BGS)]
    pct = {BGS_ISO2_ISO3[e["c"]]: float(e["v"]) for e in entries}
    pct[ROW] = 100.0 - sum(pct.values())
    detail = (f"BGS World Mineral Statistics, germanium metal, {GERMANIUM_YEAR_BGS}: rounded "
              f"integer country shares as derived by Varcolacus/critical-materials-atlas "
              f"(out/refined_years.json; secondary figures, denominator = reporting "
              f"countries; ROW = 100 % - named) x USGS MCS 2022 world total "
              f"{GERMANIUM_YEAR_USGS} {world_t:.0f} t; ASSUMPTION: world total unchanged "
              f"since {GERMANIUM_YEAR_USGS}")
    rows = [{"mineral": "germanium", "stage": "refine", "country": iso,
             "year": GERMANIUM_YEAR_BGS, "tonnes": round(v / 100.0 * world_t, 3),
             "estimate": "TRUE", "source_id": "bgs_wms;atlas_refined_years;usgs_mcs2022",
             "source_detail": f"{detail}; share {v:.0f} %", "basis": "assumption"}
            for iso, v in pct.items() if v > 0]
    return pd.DataFrame(rows, columns=PROD_COLS)

