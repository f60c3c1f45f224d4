"""``projects.csv``: announced non-Chinese plants on the chain's basis.

Every figure comes from :data:`toolkit.curate.projects_published.ANNOUNCED` (cited) and
is converted here:

* **capacity_t** = announced product tonnes x the product's element fraction
  (:data:`CONTENT`: stoichiometry with IUPAC atomic weights, or 1 for metals and anode
  graphite), on the content basis of the mineral's other rows (``minerals.csv``): Li
  content; rare earths = magnet REEs Nd+Pr+Dy+Tb as element; Co, Ni, Ga metal; graphite =
  tonnes of battery-grade / anode material (carbon).
* **capex_usd** = announced capex x the Federal Reserve G.5A 2023 average rate
  (:data:`USD_PER`).
* **unit_cost_usd_per_t**: the published operating cost where the announcement gives one,
  else the stage's cost in ``costs.csv`` for that country (its own row, else the
  stage-wide row x (1 + premium_outside_china)), the rule of
  :func:`toolkit.io.datasets.supply_table` (ASSUMPTION: the plant costs what the country's
  existing output costs).
* **lifetime_years** blank (= 20, the schema default).
"""

from __future__ import annotations

import pandas as pd

from toolkit.curate.project_names import project_name
from toolkit.curate.projects_published import ANNOUNCED, FX, PROJECT_SOURCES, Announced
from toolkit.curate.trade_codes import LI_IN_LIOH_H2O, ND_IN_ND2FE14B

# IUPAC 2021 standard atomic weights (abridged): Nd 144.242, Pr 140.908, Dy 162.500,
# Tb 158.925, O 15.999.
ND_IN_ND2O3 = 2 * 144.242 / (2 * 144.242 + 3 * 15.999)  # 0.8573
PR_IN_PR6O11 = 6 * 140.908 / (6 * 140.908 + 11 * 15.999)  # 0.8277
DY_IN_DY2O3 = 2 * 162.500 / (2 * 162.500 + 3 * 15.999)  # 0.8713
TB_IN_TB4O7 = 4 * 158.925 / (4 * 158.925 + 7 * 15.999)  # 0.8502
# ASSUMPTION: NdPr oxide is 75 % Nd2O3 and 25 % Pr6O11 by mass (the usual ~3:1 Nd:Pr of
# bastnaesite and monazite NdPr; no split is given in the announcements).
ND_SHARE_OF_NDPR = 0.75
RE_IN_NDPR_OXIDE = ND_SHARE_OF_NDPR * ND_IN_ND2O3 + (1 - ND_SHARE_OF_NDPR) * PR_IN_PR6O11

CONTENT: dict[str, tuple[float, str]] = {
    "ndpr_oxide": (RE_IN_NDPR_OXIDE, f"NdPr oxide x {RE_IN_NDPR_OXIDE:.4f} Nd+Pr (0.75 x "
                   f"{ND_IN_ND2O3:.4f} Nd/Nd2O3 + 0.25 x {PR_IN_PR6O11:.4f} Pr/Pr6O11; "
                   "ASSUMPTION: 75:25 Nd2O3:Pr6O11)"),
    "dy_oxide": (DY_IN_DY2O3, f"Dy2O3 x {DY_IN_DY2O3:.4f} Dy"),
    "tb_oxide": (TB_IN_TB4O7, f"Tb4O7 x {TB_IN_TB4O7:.4f} Tb"),
    "ndfeb": (ND_IN_ND2FE14B, f"NdFeB magnet x {ND_IN_ND2FE14B:.4f} rare earth "
              "(Nd2Fe14B stoichiometry, as for magnet imports)"),
    "lioh_h2o": (LI_IN_LIOH_H2O, f"LiOH.H2O x {LI_IN_LIOH_H2O:.4f} Li"),
    "graphite_aam": (1.0, "anode active material x 1 (coated graphite is carbon; the "
                     "graphite chain counts tonnes of battery-grade material)"),
    "ga_metal": (1.0, "Ga metal x 1"),
    "co_metal": (1.0, "Co contained x 1"),
    "ni_metal": (1.0, "Ni contained x 1"),
}
# Federal Reserve G.5A, 2023 annual averages (release of 1 Feb 2024): USD per unit.
USD_PER: dict[str, float] = {
    "USD": 1.0, "AUD": 0.6644, "EUR": 1.0817, "GBP": 1.2440,
    "CAD": 1.0 / 1.3494, "SEK": 1.0 / 10.6089, "JPY": 1.0 / 140.5001,
}
COLUMNS = ["project", "name", "mineral", "stage", "country", "capacity_t",
           "unit_cost_usd_per_t", "capex_usd", "online_year", "lifetime_years", "source",
           "basis", "source_id", "note"]
URL = {row[0]: row[6] for row in PROJECT_SOURCES}  # source id -> the page read
FIRST_YEAR_AFTER_DATA = 2025  # no announced plant is online in the 2024 data year


def capacity(a: Announced) -> tuple[float, str]:
    """(tonnes of contained element per year, the arithmetic) of one plant."""
    parts = ((a.product, a.product_t),) + a.extra_t
    total, words = 0.0, []
    for product, tonnes in parts:
        factor, label = CONTENT[product]
        total += tonnes * factor
        words.append(f"{tonnes:,.1f} t {label} = {tonnes * factor:,.1f} t")
    return total, "; ".join(words)


def capex_usd(a: Announced) -> tuple[float, str]:
    """(capex in USD, the arithmetic) at the G.5A 2023 average rate."""
    rate = USD_PER[a.currency]
    if a.currency == "USD":
        return a.capex, f"capex USD {a.capex:,.0f}"
    return a.capex * rate, (f"capex {a.currency} {a.capex:,.0f} x {rate:.4f} USD/{a.currency}"
                            f" (Fed G.5A 2023 average) = USD {a.capex * rate:,.0f}")


def stage_cost(costs: pd.DataFrame, mineral: str, stage: str, country: str) -> float:
    """USD per t through an existing node of (mineral, stage, country): the country's own
    ``costs.csv`` row, else the stage-wide row x (1 + premium_outside_china)."""
    rows = costs[(costs["mineral"] == mineral) & (costs["stage"] == stage)]
    own = rows[rows["country"].fillna("") == country]
    if not own.empty:
        return round(float(own["unit_cost_usd_per_t"].iloc[0]), 2)
    wide = rows[rows["country"].fillna("") == ""].iloc[0]
    premium = wide["premium_outside_china"]
    premium = 0.0 if country == "CHN" or pd.isna(premium) else float(premium)
    return round(float(wide["unit_cost_usd_per_t"]) * (1.0 + premium), 2)


def project_row(a: Announced, costs: pd.DataFrame) -> dict:
    """One ``projects.csv`` row (chain basis) from an announcement."""
    cap, cap_note = capacity(a)
    capex, capex_note = capex_usd(a)
    if a.unit_cost_usd_per_t is not None:
        cost, cost_note = a.unit_cost_usd_per_t, "unit cost published (see source)"
    else:
        cost = stage_cost(costs, a.mineral, a.stage, a.country)
        cost_note = (f"unit cost ASSUMPTION: costs.csv {a.mineral} {a.stage} cost for "
                     f"{a.country} ({cost:,.2f} USD/t; none published)")
    note = f"capacity: {cap_note}; {capex_note}; {cost_note}"
    if a.assumption:
        note += f"; ASSUMPTION: {a.assumption}"
    ids = [i for i in (a.source_id.split(";") + ([FX] if a.currency != "USD" else [])
                       + (["assumption"] if a.assumption or a.unit_cost_usd_per_t is None
                          else []))]
    return {"project": a.project, "name": project_name(a.project), "mineral": a.mineral,
            "stage": a.stage, "country": a.country, "capacity_t": round(cap, 3),
            "unit_cost_usd_per_t": round(cost, 2), "capex_usd": round(capex, 0),
            "online_year": a.online_year, "lifetime_years": None,
            "source": f"{a.quote} [{URL[a.source_id.split(';')[0]]}]",
            "basis": "assumption" if a.assumption else "hand_entered",
            "source_id": ";".join(dict.fromkeys(ids)), "note": note}


def build_projects(costs: pd.DataFrame) -> pd.DataFrame:
    """``projects.csv`` from the cited table, sorted by project id (every plant named)."""
    unnamed = [a.project for a in ANNOUNCED if not project_name(a.project)]
    if unnamed:
        raise ValueError(f"projects without a name in project_names.py: {unnamed}")
    rows = [project_row(a, costs) for a in ANNOUNCED]
    out = pd.DataFrame(rows, columns=COLUMNS).sort_values("project").reset_index(drop=True)
    if out["project"].duplicated().any():
        raise ValueError("duplicate project ids")
    early = out[out["online_year"] < FIRST_YEAR_AFTER_DATA]
    if not early.empty:
        raise ValueError(f"projects online in the data year: {list(early['project'])}")
    return out
