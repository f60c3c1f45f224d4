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
    """A published China share of a manufacturing step, converted to tonnes of mineral."""

    mineral: str
    product: str
    china_share: float
    quote: str
    source_id: str
    citation: str


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
MANUFACTURE_SHARES: tuple[ManufactureShare, ...] = (
    ManufactureShare("graphite", "anode active material manufacturing capacity", 0.97,
                     "China 'over 97%' of anode active material manufacturing capacity "
                     "(lower bound used)", "iea_gevo_2024", IEA_GEVO_2024_CITE),
    ManufactureShare("lithium", "cathode active material manufacturing capacity", 0.90,
                     "China 'nearly 90%' of installed cathode active material "
                     "manufacturing capacity", "iea_gevo_2024", IEA_GEVO_2024_CITE),
    ManufactureShare("cobalt", "cathode active material manufacturing capacity", 0.90,
                     "China 'nearly 90%' of installed cathode active material "
                     "manufacturing capacity", "iea_gevo_2024", IEA_GEVO_2024_CITE),
    ManufactureShare("nickel", "cathode active material manufacturing capacity", 0.90,
                     "China 'nearly 90%' of installed cathode active material "
                     "manufacturing capacity", "iea_gevo_2024", IEA_GEVO_2024_CITE),
    ManufactureShare("rare_earths", "permanent magnet manufacturing", 0.94,
                     "China '94 percent of permanent-magnet manufacturing'",
                     "iea_commentary_2025", IEA_COMMENTARY_2025_CITE),
)

def manufacture_rows(refine: pd.DataFrame) -> pd.DataFrame:
    """Convert hand-entered China manufacturing shares to tonnes of contained mineral.

    tonnes(CHN) = share x refine-stage world total of the same year (IEA 2025, 2024);
    tonnes(ROW) = (1 − share) x the same total.
    """
    out = []
    for s in MANUFACTURE_SHARES:
        tot = float(refine[(refine["mineral"] == s.mineral)
                           & (refine["year"] == IEA_YEAR)]["tonnes"].sum())
        for iso, share in (("CHN", s.china_share), (ROW, 1.0 - s.china_share)):
            out.append({"mineral": s.mineral, "stage": "manufacture", "country": iso,
                        "year": IEA_YEAR, "tonnes": round(share * tot, 3), "estimate": "TRUE",
                        "source_id": s.source_id,
                        "source_detail": f"{s.product}: {s.quote} [{s.citation}]; tonnes = "
                                         f"{share:.2f} x {IEA_YEAR} refine-stage world total "
                                         f"{tot:.3f} t (iea_cm_2025)",
                        "basis": "derived"})
    return pd.DataFrame(out, columns=PROD_COLS)

