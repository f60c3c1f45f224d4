"""``costs.csv``: unit cost per mineral and stage."""

from __future__ import annotations

import pandas as pd

from toolkit.curate.common import PRICE_YEAR
from toolkit.curate.content import BAUXITE_PER_AL, TI_IN_TIO2
from toolkit.curate.minerals import MINERAL_BY_ID, Mineral, _price_row

# Cost-stage rule (ASSUMPTION): mine-stage unit value = 50 % of the refined-product price;
# refined = 2x a mine-product price; manufacture = refined price (contained value only).
MINE_TO_REFINE_RATIO = 0.5


# ---------------------------------------------------------------------------------------
# Costs, countries, sources
# ---------------------------------------------------------------------------------------


# Mine-stage prices where USGS quotes a mine product whose basis differs from the
# refined product priced in minerals.csv: (chapter, Statistics_detail, factor, note).
MINE_PRICE_OVERRIDE: dict[str, tuple[str, str, float, str]] = {
    "aluminium": ("BAUXITE AND ALUMINA", "Price, average unit value of imports, free "
                  "alongside ship (f.a.s.), dollars per metric ton", BAUXITE_PER_AL,
                  "US bauxite import unit value USD/t gross dry weight x 4 t bauxite per t "
                  "Al equivalent (USGS rule of thumb, see content.py)"),
    "titanium": ("TITANIUM MINERAL CONCENTRATES", "Price, dollars per metric ton: Rutile, "
                 "bulk, minimum 95% TiO2, free on board (f.o.b.) Australia",
                 1.0 / 0.95 / TI_IN_TIO2,
                 "rutile (95 % TiO2) USD/t / 0.95 / 0.5993 Ti/TiO2 = USD/t Ti contained; "
                 "rutile is dearer than the ilmenite that dominates tonnage, so this "
                 "overstates the average"),
}


def _cost_for_stage(m: Mineral, stage: str, price: float,
                    full: pd.DataFrame) -> tuple[float, str, str]:
    """Unit cost, basis and note for one mineral x stage (see :func:`build_costs`)."""
    if stage == "mine" and m.mineral in MINE_PRICE_OVERRIDE:
        chapter, detail, factor, note = MINE_PRICE_OVERRIDE[m.mineral]
        r = _price_row(full, chapter, detail)
        value = float(r["Value"].replace(",", "")) * factor
        return value, "derived", (f"USGS MCS 2026 {chapter} row {r['source_row_number']} "
                                  f"({PRICE_YEAR}): {note}")
    if stage == m.price_stage:
        return price, "derived", (f"USGS MCS 2026 {PRICE_YEAR} price (minerals.csv) refers "
                                  f"to the {stage}-stage product")
    if stage == "mine":
        return price * MINE_TO_REFINE_RATIO, "assumption", (
            f"ASSUMPTION: mine = {MINE_TO_REFINE_RATIO:.0%} of the refined-product price")
    refined = price if m.price_stage == "refine" else price / MINE_TO_REFINE_RATIO
    if stage == "refine":
        return refined, "assumption", (
            f"ASSUMPTION: refined = mine-product price / {MINE_TO_REFINE_RATIO} "
            "(inverse of the mine rule)")
    return refined, "assumption", ("ASSUMPTION: manufacture = refined value of the contained "
                                   "mineral (no processing premium)")


# ASSUMPTION: production outside China costs more at the manufacture stage.  Proxy:
# IEA ETP-2024 (levelised cost of production, 2023): battery manufacturing in the EU is
# about 50 % more expensive than in China.  No published figure was found for the mine and
# refine stages, so no premium is applied there (analysts can edit per-country costs in the
# template's Supply sheet).
PREMIUM_OUTSIDE_CHINA = {"manufacture": 0.5}


def _premium(stage: str) -> tuple[float, str]:
    """Cost premium outside China for a stage and its note."""
    if stage in PREMIUM_OUTSIDE_CHINA:
        value = PREMIUM_OUTSIDE_CHINA[stage]
        return value, (f"; ASSUMPTION: non-China nodes cost +{value:.0%} (proxy: IEA ETP-2024, "
                       "EU vs China battery levelised cost of production 2023, iea_etp_2024)")
    return 0.0, "; no published cost difference between countries: premium 0"


def build_costs(minerals: pd.DataFrame, prod: pd.DataFrame,
                full: pd.DataFrame) -> pd.DataFrame:
    """Unit cost per mineral x stage present in production (price-based, rule labelled).

    ``premium_outside_china`` (fraction) raises the cost of every non-Chinese node of the
    stage: cost_c = unit_cost_usd_per_t x (1 + premium) for c != CHN.
    """
    price = minerals.set_index("mineral")["unit_price_usd_per_t"]
    rows = []
    for (mineral, stage), _ in prod.groupby(["mineral", "stage"]):
        cost, basis, note = _cost_for_stage(MINERAL_BY_ID[mineral], stage,
                                            float(price[mineral]), full)
        premium, premium_note = _premium(stage)
        rows.append({"mineral": mineral, "stage": stage,
                     "unit_cost_usd_per_t": round(cost, 2), "premium_outside_china": premium,
                     "basis": basis,
                     "source_id": "usgs_mcs2026" if basis == "derived" else "assumption",
                     "note": note + premium_note})
    return pd.DataFrame(rows).sort_values(["mineral", "stage"]).reset_index(drop=True)

