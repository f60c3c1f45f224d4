"""Lithium extraction cost by country from the deposit cost curve of Busch et al. (2024).

Raw file: ``busch_lithium_deposit_costs/lithium_deposits_parameters_busch2024.csv``, a copy
of ``Parameters/Deposit.csv`` of ``pmbusch/Critical-Minerals-EV`` (commit 57354cf8, MIT
licence), the replication data of Busch et al. (2024) "Effects of Demand and Recycling on
Future Lithium Extraction". What the columns mean was read from the repository's script
``Scripts/Supply Model/Prepare Deposit Data/02-DepositParameters.R``:

* ``cost1`` = reserve-tranche extraction cost in USD (2022) per t Li, **including** royalty
  and corporate income tax evaluated at the authors' assumed price of 20,000 USD/t LCE;
  ``cost1_noTax`` = the same without royalty and tax. Hard-rock costs are spodumene
  concentrate cost / concentrate grade x 0.404 + a flat 2,500 USD/t LCE conversion, so the
  costs are per t Li delivered as LCE (script ``01-LoadDepositData.R``).
* ``prod_rate2023`` = kt Li in 2023: the USGS 2023 country output that the authors split
  across the country's producing deposits by their 2025 capacity.

Aggregation (this module): the cost of a country is the production-weighted mean of
``cost1`` over its deposits with ``Status == "Producing"`` and ``prod_rate2023 > 0``; the
stage-wide fallback is the same mean over every such deposit in the world.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

BUSCH_DEPOSITS = "busch_lithium_deposit_costs/lithium_deposits_parameters_busch2024.csv"
BUSCH_WEIGHT_YEAR = 2023
BUSCH_COUNTRY_ISO3 = {
    "Afghanistan": "AFG", "Argentina": "ARG", "Australia": "AUS", "Austria": "AUT",
    "Bolivia": "BOL", "Brazil": "BRA", "Canada": "CAN", "Chile": "CHL", "China": "CHN",
    "Czech Republic": "CZE", "DR Congo": "COD", "Ethiopia": "ETH", "Finland": "FIN",
    "France": "FRA", "Germany": "DEU", "Ghana": "GHA", "Mali": "MLI", "Mexico": "MEX",
    "Namibia": "NAM", "Peru": "PER", "Portugal": "PRT", "Russia": "RUS", "Serbia": "SRB",
    "Spain": "ESP", "Tanzania": "TZA", "United Kingdom": "GBR", "United States": "USA",
    "Zimbabwe": "ZWE",
}


@dataclass(frozen=True)
class LithiumCost:
    """Production-weighted reserve-tranche cost of one country (or the world)."""

    country: str
    usd_per_t_li: float
    usd_per_t_li_no_tax: float
    deposits: tuple[str, ...]
    kt_li: float

    def note(self) -> str:
        """Row note with the method and its limits."""
        who = "world" if self.country == "" else self.country
        return (f"{who}: production-weighted mean of the reserve-tranche cost (cost1, USD "
                f"2022 per t Li, incl. royalty and corporate tax at Busch's assumed 20,000 "
                f"USD/t LCE) over {len(self.deposits)} producing deposits "
                f"({', '.join(self.deposits[:4])}{', ...' if len(self.deposits) > 4 else ''}),"
                f" weights = prod_rate{BUSCH_WEIGHT_YEAR} ({self.kt_li:,.1f} kt Li); "
                f"without royalty and tax {self.usd_per_t_li_no_tax:,.0f} USD/t Li; "
                "modelled costs (company reports or the authors' grade regressions), per t "
                "Li as LCE (hard rock incl. a flat 2,500 USD/t LCE conversion), USD 2022 "
                "not inflated to 2024")


def read_deposits(raw_dir: Path) -> pd.DataFrame:
    """Producing deposits with positive 2023 output, with an ISO3 ``country`` column."""
    df = pd.read_csv(raw_dir / BUSCH_DEPOSITS)
    unknown = set(df["Country"]) - set(BUSCH_COUNTRY_ISO3)
    if unknown:
        raise KeyError(f"unmapped Busch country names: {sorted(unknown)}")
    weight = f"prod_rate{BUSCH_WEIGHT_YEAR}"
    df = df[(df["Status"] == "Producing") & (df[weight] > 0)].copy()
    df["country"] = df["Country"].map(BUSCH_COUNTRY_ISO3)
    return df.sort_values(["country", "Deposit_Name"]).reset_index(drop=True)


def _weighted(g: pd.DataFrame, country: str) -> LithiumCost:
    w = g[f"prod_rate{BUSCH_WEIGHT_YEAR}"]
    biggest = g.assign(w=w).sort_values("w", ascending=False)["Deposit_Name"]
    return LithiumCost(country, float((g["cost1"] * w).sum() / w.sum()),
                       float((g["cost1_noTax"] * w).sum() / w.sum()),
                       tuple(str(d) for d in biggest), float(w.sum()))


def lithium_costs(raw_dir: Path) -> tuple[dict[str, LithiumCost], LithiumCost]:
    """Cost per producing country (ISO3) and the world fallback."""
    df = read_deposits(raw_dir)
    countries = {c: _weighted(g, c) for c, g in df.groupby("country")}
    return countries, _weighted(df, "")
