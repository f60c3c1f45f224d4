"""Germanium refine stage: one consistent series of BGS country shares, 2020-2024.

MCS 2026 has no germanium world table.  Two sources exist in the raw data:

* USGS MCS 2022 data release, germanium world table ("Primary and secondary refinery
  production", column ``Prod_kg_Est_2021``): China 95,000 kg, Russia 5,000 kg, Other
  countries 40,000 kg, United States W, World total (rounded) 140,000 kg, i.e. China
  95/140 = 67.9 % -- the "68% of global refinery production, estimated at 140,000kg in
  2021, according to the US Geological Survey" quoted by Graphic News (D. Mil, 10 Jul 2023).
* BGS World Mineral Statistics country shares of germanium metal production, rounded
  integer percent, as derived by the third-party repository Varcolacus/critical-materials-
  atlas (out/refined_years.json), years 2020-2024; denominator = reporting countries only.

The previous build used USGS for 2021 and BGS for 2024, which made a spurious 68 % -> 94 %
jump (the two differ by country coverage, not by a change in the market).  This module
uses ONE basis for every year: the BGS shares (the only source with years after 2021),
times the USGS 2021 world total.  ASSUMPTION: the world total is unchanged since 2021 (no
newer world total in the raw data).  The USGS 2021 figure (China 68 % of 140 t, with
40 t "Other countries") is kept in ``source_detail`` as the alternative basis: the BGS
shares leave out non-reporting producers and so overstate China's share.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from toolkit.curate.common import BGS_REFINED_YEARS, MCS2022_GERMANIUM, ROW, usgs_iso3
from toolkit.curate.usgs import PROD_COLS

GERMANIUM_YEARS = (2020, 2021, 2022, 2023, 2024)
GERMANIUM_YEAR_USGS = 2021
GERMANIUM_USGS_COLUMN = "Prod_kg_Est_2021"
GRAPHIC_NEWS_CITE = (
    "Graphic News, D. Mil, 'China restricts export of high-tech metals', 10 Jul 2023 "
    "(https://www.graphicnews.com/de/pages/44524/economy-gallium-germanium-exporte): China "
    "'68% of global refinery production, estimated at 140,000kg in 2021, according to the "
    "US Geological Survey'"
)
BGS_ISO2_ISO3 = {"CN": "CHN", "US": "USA", "RU": "RUS", "FI": "FIN", "JP": "JPN"}


def germanium_usgs_world(raw_dir: Path) -> tuple[float, float, list]:
    """USGS MCS 2022 germanium world total 2021 (t), China's share of it, withheld cells.

    Raises ``ValueError`` if the listed countries do not add up to the world total.
    """
    df = pd.read_csv(raw_dir / MCS2022_GERMANIUM, dtype=str, keep_default_na=False,
                     encoding="utf-8-sig")
    is_world = df["Country"].str.startswith("World total")
    world_t = float(df.loc[is_world, GERMANIUM_USGS_COLUMN].iloc[0]) / 1000.0
    listed, china, skipped = 0.0, 0.0, []
    for _, r in df[~is_world].iterrows():
        value = r[GERMANIUM_USGS_COLUMN].strip()
        if value in ("W", "NA"):
            skipped.append((GERMANIUM_YEAR_USGS, usgs_iso3(r["Country"]), value))
            continue
        listed += float(value) / 1000.0
        china += float(value) / 1000.0 if r["Country"] == "China" else 0.0
    if abs(listed - world_t) > 1e-6:
        raise ValueError("germanium 2021: listed countries do not add up to the world total")
    return world_t, china / world_t, skipped


def _shares(entries: list[dict]) -> tuple[dict[str, float], str]:
    """Shares (fractions) by ISO3 with ROW = remainder; rounding excess scaled away."""
    pct = {BGS_ISO2_ISO3[e["c"]]: float(e["v"]) for e in entries}
    total = sum(pct.values())
    if total > 100.0:
        return ({k: v / total for k, v in pct.items()},
                f"rounded shares sum to {total:.0f} %: scaled to 100 %")
    pct[ROW] = 100.0 - total
    return {k: v / 100.0 for k, v in pct.items()}, "ROW = 100 % - named"


def germanium_bgs(raw_dir: Path) -> tuple[pd.DataFrame, list]:
    """Germanium refinery rows 2020-2024: BGS share x USGS 2021 world total (assumption).

    tonnes(c, y) = share(c, y) x world_t, with world_t the USGS MCS 2022 world total for
    2021 (140 t).  Returns the rows and the cells USGS withheld (United States 2021: W).
    """
    world_t, usgs_china, skipped = germanium_usgs_world(raw_dir)
    data = json.loads((raw_dir / BGS_REFINED_YEARS).read_text(encoding="utf-8"))
    rows = []
    for year in GERMANIUM_YEARS:
        shares, rule = _shares(data["germanium"][str(year)])
        detail = (f"BGS World Mineral Statistics, germanium metal, {year}: rounded integer "
                  f"country shares as derived by Varcolacus/critical-materials-atlas "
                  f"(out/refined_years.json; secondary; denominator = reporting countries; "
                  f"{rule}) x USGS MCS 2022 world total {GERMANIUM_YEAR_USGS} {world_t:.0f} t;"
                  f" ASSUMPTION: world total unchanged since {GERMANIUM_YEAR_USGS}; one basis "
                  f"for every year (alternative basis: USGS MCS 2022 gives China "
                  f"{usgs_china:.1%} of {world_t:.0f} t in {GERMANIUM_YEAR_USGS} incl. 40 t "
                  f"'Other countries' [{GRAPHIC_NEWS_CITE}])")
        rows += [{"mineral": "germanium", "stage": "refine", "country": iso, "year": year,
                  "tonnes": round(v * world_t, 3), "estimate": "TRUE",
                  "source_id": "bgs_wms;atlas_refined_years;usgs_mcs2022",
                  "source_detail": f"{detail}; share {v:.4f}", "basis": "assumption"}
                 for iso, v in shares.items() if v > 0]
    return pd.DataFrame(rows, columns=PROD_COLS), skipped
