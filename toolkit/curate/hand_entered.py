"""Hand-entered figures from publications (each next to its citation)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from toolkit.curate.common import IEA_YEAR, ROW
from toolkit.curate.usgs import PROD_COLS

# ---------------------------------------------------------------------------------------
# Hand-entered figures (each with publication, section/figure and year)
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ManufactureShare:
    """A published China share of a manufacturing step, converted to tonnes of mineral.

    ``others`` names countries beyond China: ISO3 -> share of the non-China remainder
    (the rest of the remainder goes to ROW); the split is an ASSUMPTION when it comes from
    an older source than the China share (see :data:`RYSTAD_CAM_SPLIT`).
    """

    mineral: str
    product: str
    china_share: float
    quote: str
    source_id: str
    citation: str
    others: tuple[tuple[str, float], ...] = ()
    others_note: str = ""
    assumption_note: str = ""


IEA_GEVO_2024_CITE = (
    "IEA (2024) Global EV Outlook 2024, chapter 'Trends in electric vehicle batteries', "
    "section 'Battery supply and demand' (https://www.iea.org/reports/global-ev-outlook-2024/"
    "trends-in-electric-vehicle-batteries), CC BY 4.0"
)
IEA_COMMENTARY_2025_CITE = (
    "IEA (2025) commentary 'With new export controls on critical minerals, supply "
    "concentration risks become reality', 23 Oct 2025; figure as reported by Rare Earth "
    "Exchanges, 24 Oct 2025 (https://rareearthexchanges.com/news/the-mineral-chessboard-iea-"
    "sounds-alarm-as-china-tightens-its-grip)"
)
IEA_SOLAR_2022_CITE = (
    "IEA (2022) Solar PV Global Supply Chains (CC BY 4.0); per-stage capacity shares at end "
    "2021 as reported by Canary Media, 'Chart: Which country dominates the solar supply "
    "chain?' (https://www.canarymedia.com/articles/solar/chart-which-country-dominates-the-"
    "solar-supply-chain; secondary)"
)
# Rystad Energy (capacity at end 2020), as reported by AJOT, 'The electric vehicle market is
# getting increasingly reliant on China's battery components' (https://www.ajot.com/news/
# the-electric-vehicle-market-is-getting-increasingly-reliant-on-chinas-battery-components):
# "China controlling 74.3% of the global capacity ... South Korea and Japan, will shrink from
# 18.9% and 5.5% currently ... Europe's ... 0.3% at the end of last year. North America's
# share is forecast to keep stable at 1%."  Non-China total = 25.7 %; Korea 18.9/25.7 and
# Japan 5.5/25.7 of it; Europe + North America (1.3/25.7) go to ROW.  ASSUMPTION: the
# non-China remainder of the 2023 IEA China share splits as at end 2020.
RYSTAD_NON_CHINA = 100.0 - 74.3
RYSTAD_CAM_SPLIT = (("KOR", 18.9 / RYSTAD_NON_CHINA), ("JPN", 5.5 / RYSTAD_NON_CHINA))
RYSTAD_NOTE = ("non-China remainder split KOR 18.9 / JPN 5.5 / other 1.3 of 25.7 % "
               "(Rystad Energy cathode capacity end 2020, via AJOT, secondary; rystad_2021)")
CAM_QUOTE = ("China 'nearly 90%' of installed cathode active material manufacturing "
             "capacity")
# A manufacture stage is modelled only where its product takes most of the mineral: every
# tonne of a mineral's flow passes every stage, so a stage whose product is a minor use
# (cathodes for nickel, most of which goes to stainless steel; solar wafers for silicon
# metal, most of which goes to aluminium alloys and silicones) would send all demand
# through it.  Those two are left out (stage_coverage.csv says why).
MANUFACTURE_SHARES: tuple[ManufactureShare, ...] = (
    ManufactureShare("graphite", "anode active material manufacturing capacity", 0.97,
                     "China 'over 97%' of anode active material manufacturing capacity "
                     "(lower bound used)", "iea_gevo_2024", IEA_GEVO_2024_CITE),
    *(ManufactureShare(m, "cathode active material manufacturing capacity", 0.90, CAM_QUOTE,
                       "iea_gevo_2024;rystad_2021", IEA_GEVO_2024_CITE, RYSTAD_CAM_SPLIT,
                       RYSTAD_NOTE, "ASSUMPTION: the non-China remainder of the 2023 IEA share"
                       " splits as Rystad's end-2020 capacity")
      for m in ("lithium", "cobalt")),
    ManufactureShare("rare_earths", "permanent magnet manufacturing", 0.94,
                     "China '94 percent of permanent-magnet manufacturing'",
                     "iea_commentary_2025", IEA_COMMENTARY_2025_CITE),
)


def _split(s: ManufactureShare) -> list[tuple[str, float, bool]]:
    """(country, share of world, is_assumption) for one manufacturing share."""
    rest = 1.0 - s.china_share
    named = [(iso, rest * f, True) for iso, f in s.others]
    row_share = rest - sum(v for _, v, _ in named)
    return [("CHN", s.china_share, bool(s.assumption_note) and not s.others), *named,
            (ROW, row_share, bool(s.assumption_note))]


def manufacture_rows(prod: pd.DataFrame) -> pd.DataFrame:
    """Convert hand-entered manufacturing shares to tonnes of contained mineral.

    tonnes(c) = share(c) x refine-stage world total of the same mineral in 2024 (IEA for
    battery minerals and rare earths, USGS for silicon); CHN = the published China share;
    named others = (1 - China) x their share of the non-China remainder; ROW = the rest.
    """
    out = []
    for s in MANUFACTURE_SHARES:
        g = prod[(prod["mineral"] == s.mineral) & (prod["stage"] == "refine")
                 & (prod["year"] == IEA_YEAR)]
        tot, src = float(g["tonnes"].sum()), ";".join(sorted(set(g["source_id"])))
        for iso, share, assumed in _split(s):
            detail = (f"{s.product}: {s.quote} [{s.citation}]; tonnes = {share:.4f} x "
                      f"{IEA_YEAR} refine-stage world total {tot:.3f} t ({src})")
            if s.others:
                detail += f"; {s.others_note}"
            if assumed:
                detail += f"; {s.assumption_note}"
            out.append({"mineral": s.mineral, "stage": "manufacture", "country": iso,
                        "year": IEA_YEAR, "tonnes": round(share * tot, 3), "estimate": "TRUE",
                        "source_id": s.source_id, "source_detail": detail,
                        "basis": "assumption" if assumed else "derived"})
    return pd.DataFrame(out, columns=PROD_COLS)
