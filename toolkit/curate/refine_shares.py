"""Refine stages from published figures (hand-entered, each beside its citation) and from
the EU CRM 2023 "major global supplier" table (read from ``eucrm.json``).

Two kinds of rows:

* a publication gives named-country quantities and a world total (ITA tin, IMOA
  molybdenum, WPIC platinum, ILZSG/SMM zinc): named countries are ``hand_entered``,
  ``ROW`` = world - named is ``derived``;
* a publication gives shares only (EU CRM 2023 tungsten / niobium / palladium processing,
  Stratas manganese sulphate, ICDA ferrochrome): tonnes = share x the USGS MCS 2026
  mine-stage world total of the same mineral and year, ``ROW`` = the remainder.  These rows
  are ``assumption`` (ASSUMPTION: refine world total = mine world total; the share of a
  named product stands for the whole refine stage; a share older than the data year is
  assumed to hold in that year).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from toolkit.curate.common import LB_PER_T, OZT_PER_T, ROW, tf
from toolkit.curate.usgs import PROD_COLS

EUCRM = "derived_atlas_bgs_eucrm/eucrm.json"
EUCRM_ISO2_ISO3 = {"CN": "CHN", "BR": "BRA", "RU": "RUS", "ZA": "ZAF"}
EUCRM_CITE = ("European Commission (2023) Study on the critical raw materials for the EU "
              "2023 - Final report (DOI 10.2873/725585), table of major global suppliers "
              "(stage P = processing; data mostly 2016-2020 averages), as transcribed by "
              "Varcolacus/critical-materials-atlas out/eucrm.json (secondary)")


@dataclass(frozen=True)
class RefineFigure:
    """Published refine-stage figures for one mineral and year.

    Attributes
    ----------
    mineral, product, year
        Toolkit id, the refined product the figures describe, the data year of the rows.
    values
        ISO3 -> quantity in the source unit (``world`` given) or share of world (fraction,
        ``world`` None).
    world
        World total in the source unit; None = shares only (tonnes from the USGS mine total).
    to_t
        Tonnes of contained element per source unit.
    share_year
        Year the shares refer to when older than ``year`` (an ASSUMPTION that they hold).
    quote, citation, source_id
        Verbatim figures, publication (title, table/page, year, URL), source id(s).
    """

    mineral: str
    product: str
    year: int
    values: dict[str, float]
    world: float | None
    to_t: float
    quote: str
    citation: str
    source_id: str
    share_year: int | None = None


KOZ_T = 1000.0 / OZT_PER_T
REFINE_FIGURES: tuple[RefineFigure, ...] = (
    RefineFigure(
        "tin", "refined tin (primary + secondary)", 2023, {"CHN": 177_000.0}, 370_100.0, 1.0,
        "'2023 saw global refined tin production of 370,100 t' ... 'Total production in "
        "mainland China declined 1.3% to 177,000 t in 2023'",
        "International Tin Association (Mar 2024) 'Global tin production sees modest "
        "decline in 2023', https://www.internationaltin.org/global-tin-production-sees-"
        "modest-decline-in-2023/", "ita_2024"),
    RefineFigure(
        "zinc", "refined zinc (slab)", 2024, {"CHN": 6.23}, 13.55, 1.0e6,
        "ILZSG: 'Refined zinc production dropped 2.6% in 2024, reaching 13.55 million "
        "tonnes'; SMM (in Russian): Chinese companies produced 'около 6,23 млн. т цинка' "
        "(about 6.23 Mt of zinc) in the whole of 2024",
        "world: International Lead and Zinc Study Group (ILZSG) 2024 annual balance as "
        "reported by Metalnomist, 'Global Refined Zinc Market Slips into Deficit in 2024', "
        "Apr 2025 (https://www.metalnomist.com/2025/04/global-refined-zinc-market-slips-"
        "into.html); China: Shanghai Metals Market (SMM) full-year 2024 refined zinc output "
        "as reported by metalinfo.ru (https://metalinfo.ru/ru/news/168730); both secondary, "
        "two publishers (SMM China figure may differ from ILZSG's own China figure)",
        "ilzsg_2025;smm_2025"),
    RefineFigure(
        "molybdenum", "molybdenum production (IMOA; first marketable products, stage not "
        "stated in the report)", 2024, {"CHN": 294.8}, 639.7, 1.0 / LB_PER_T * 1.0e6,
        "IMOA (translated from Russian): world production 639.7 million lb in 2024 (+2 %); "
        "China 294.8 million lb; South America 174.7; North America 114.5; other regions "
        "55.7",
        "International Molybdenum Association (IMOA) 2024 annual statistics, as reported "
        "(in Russian) by site-chemical.ru, 'IMOA: world molybdenum production rose 2 % in "
        "2024' (secondary; regions other than China are not countries -> ROW)",
        "imoa_2025"),
    RefineFigure(
        "platinum", "refined platinum mine supply (by country of mine)", 2024,
        {"ZAF": 4132.0, "RUS": 677.0, "ZWE": 512.0}, 5766.0, KOZ_T,
        "WPIC: 'global platinum supply grew by 3% year-on-year in 2024, reaching 5,766 koz'; "
        "South Africa 'reaching 4,132 koz'; Russia 'steady at 677 koz'; Zimbabwe 'reaching "
        "512 koz'",
        "World Platinum Investment Council (WPIC) Platinum Quarterly Q4 2024 (Mar 2025), as "
        "reported by Mining Zimbabwe, 'Zimbabwean platinum production declines 9% in 2024' "
        "(https://miningzimbabwe.com/zimbabwean-platinum-production-declines-9-in-2024/; "
        "secondary); ROW = North America + other; part of Zimbabwe's output is refined in "
        "South Africa", "wpic_2025"),
    RefineFigure(
        "manganese", "high-purity manganese sulphate monohydrate (battery grade; no EMM "
        "country table found)", 2024, {"CHN": 0.84, "JPN": 0.11}, None, 1.0,
        "'China currently produces around 84% of global HPMSM supply ... with Japan "
        "producing another 11%'",
        "Stratas Advisors (24 Feb 2023) 'Battery-Grade Manganese Refining Market "
        "Assessment' (https://stratasadvisors.com/insights/2023/02242023-midstream-"
        "manganese-market-assessment)", "stratas_2023", share_year=2022),
    RefineFigure(
        "chromium", "ferrochrome (latest country shares found are for 2016)", 2024,
        {"CHN": 0.43, "ZAF": 0.33}, None, 1.0,
        "China 'in 2016 produced 43% of world ferrochrome output compared with South "
        "Africa's 33%'",
        "Mining Weekly report of the International Chromium Development Association (ICDA) "
        "'Chromium 2017' conference (https://www.miningnewspro.com/En/News/58468/South-"
        "Africa-crucial-to-global-chrome-supply-Chromium-2017-hears; secondary)",
        "icda_2017", share_year=2016),
)
# EU CRM 2023 processing entries used as refine stages (mineral -> eucrm.json key, product).
EUCRM_REFINE = {
    "tungsten": ("tungsten", "tungsten processing (APT and intermediates)"),
    "niobium": ("niobium", "niobium processing (ferroniobium; Roskill 2017: Brazil and "
                "Canada make 98 % of ferroniobium)"),
    "palladium": ("palladium", "palladium processing (refining; Nornickel reports 40 % of "
                  "world primary palladium, Reuters 2023)"),
}
EUCRM_YEAR = 2024


def eucrm_figures(raw_dir: Path) -> list[RefineFigure]:
    """EU CRM 2023 processing shares (top supplier only) as share-only figures."""
    data = json.loads((raw_dir / EUCRM).read_text(encoding="utf-8"))["materials"]
    out = []
    for mineral, (key, product) in EUCRM_REFINE.items():
        e = data[key]
        if e["stage"] != "processing":
            raise ValueError(f"eucrm.json {key}: stage {e['stage']!r}, not processing")
        iso = EUCRM_ISO2_ISO3[e["iso"]]
        out.append(RefineFigure(
            mineral, product, EUCRM_YEAR, {iso: e["pct"] / 100.0}, None, 1.0,
            f"EU CRM 2023 major global supplier, processing: {e['name']} {e['pct']} %",
            EUCRM_CITE, "eu_crm_2023;atlas_eucrm", share_year=2020))
    return out


def _mine_total(prod: pd.DataFrame, mineral: str, year: int) -> float:
    g = prod[(prod["mineral"] == mineral) & (prod["stage"] == "mine") & (prod["year"] == year)]
    if g.empty:
        raise ValueError(f"no USGS mine total for {mineral} {year}")
    return float(g["tonnes"].sum())


def _figure_rows(f: RefineFigure, prod: pd.DataFrame) -> list[dict]:
    """Rows of one figure (see module docstring for the rules)."""
    base = {"mineral": f.mineral, "stage": "refine", "year": f.year}
    cite = f"{f.product}: {f.quote} [{f.citation}]"
    if f.world is not None:
        total = f.world * f.to_t
        named = {iso: v * f.to_t for iso, v in f.values.items()}
        basis, sid, how = "hand_entered", f.source_id, f"world {total:,.1f} t"
    else:
        total = _mine_total(prod, f.mineral, f.year)
        named = {iso: v * total for iso, v in f.values.items()}
        basis, sid = "assumption", f"{f.source_id};usgs_mcs2026;assumption"
        how = (f"share x USGS MCS 2026 mine-stage world total {f.year} {total:,.1f} t; "
               "ASSUMPTION: refine world total = mine world total and this product's shares"
               " stand for the whole refine stage")
        if f.share_year and f.share_year < f.year:
            how += f"; ASSUMPTION: {f.share_year} shares hold in {f.year}"
    rest = total - sum(named.values())
    if rest < -1e-6:
        raise ValueError(f"{f.mineral} refine: named countries exceed the world total")
    rows = [{**base, "country": iso, "tonnes": round(t, 3), "basis": basis,
             "source_detail": f"{cite}; {how}"} for iso, t in named.items()]
    if rest > 1e-6:
        rows.append({**base, "country": ROW, "tonnes": round(rest, 3),
                     "basis": "derived" if basis == "hand_entered" else basis,
                     "source_detail": f"{cite}; ROW = world - named; {how}"})
    for r in rows:
        r.update({"source_id": sid, "estimate": tf(basis == "assumption")})
    return rows


def refine_share_rows(raw_dir: Path, prod: pd.DataFrame) -> pd.DataFrame:
    """Refine-stage rows from :data:`REFINE_FIGURES` and the EU CRM processing entries.

    ``prod`` must already hold the USGS mine-stage rows (for share-only figures).
    """
    rows = []
    for f in (*REFINE_FIGURES, *eucrm_figures(raw_dir)):
        rows += _figure_rows(f, prod)
    return pd.DataFrame(rows, columns=PROD_COLS)
