"""The in-memory supply-chain model every downstream module reads.

A :class:`SupplyChain` is a bundle of typed, tidy pandas tables whose columns are
those of the input schema (:mod:`toolkit.schema`).  It is built by an importer
(embedded CSVs, an Excel workbook, a model file) and never written back to.
All tonnages are tonnes of contained element per year; all money is USD.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import pandas as pd

from toolkit.object_cache import once_per
from toolkit.schema import PROJECTS, ROW, SAMPLING, STAGES, WORKBOOK, Sheet, column_dtype


def empty_table(sheet: Sheet) -> pd.DataFrame:
    """An empty table with the declared columns of ``sheet``."""
    return pd.DataFrame({c.name: pd.Series(dtype=column_dtype(c)) for c in sheet.columns})


@dataclass(frozen=True)
class SupplyChain:
    """Typed input tables of one analysis.

    Attributes
    ----------
    minerals : mineral, name, unit, content_basis
    countries : country, name, wgi, partner
    supply : mineral, stage, country, capacity_t, unit_cost_usd_per_t, year
    demand : buyer, mineral, demand_t, sector
    routes : mineral, from_stage, from_country, to_stage, to_country, cost_usd_per_t;
        empty means every link between consecutive stages is allowed at zero cost.
    disruptions : scenario, mineral, stage, country, capacity_loss, probability
    policy : setting, value, stage, mineral, buyer, case
    imports : buyer, mineral, origin, share, stage, year (import mix by origin, optional)
    projects : project, mineral, stage, country, capacity_t, unit_cost_usd_per_t,
        capex_usd, online_year, lifetime_years, source (plants the plan may back, optional)
    sampling : uncertain inputs as distributions (``toolkit sweep`` only, optional)
    source : where the tables came from (a path, or "embedded dataset").
    meta : free-form provenance (sha256, sheet notes...).
    """

    minerals: pd.DataFrame
    countries: pd.DataFrame
    supply: pd.DataFrame
    demand: pd.DataFrame
    routes: pd.DataFrame
    disruptions: pd.DataFrame
    policy: pd.DataFrame
    imports: pd.DataFrame = field(default_factory=pd.DataFrame)
    projects: pd.DataFrame = field(default_factory=lambda: empty_table(PROJECTS))
    sampling: pd.DataFrame = field(default_factory=lambda: empty_table(SAMPLING))
    source: str = "embedded dataset"
    meta: dict = field(default_factory=dict)

    @property
    def mineral_ids(self) -> list[str]:
        """Mineral ids in declaration order."""
        return self.minerals["mineral"].tolist()

    @property
    def years(self) -> list[float]:
        """Distinct data years of the supply table (NaN = undated)."""
        return sorted(self.supply["year"].dropna().unique().tolist())

    def stages_of(self, mineral: str) -> list[str]:
        """The stages a mineral has supply rows for, in chain order."""
        present = set(self.supply.loc[self.supply["mineral"] == mineral, "stage"])
        return [s for s in STAGES if s in present]

    def partners(self) -> set[str]:
        """Country codes flagged as partners (never the ``ROW`` aggregate, which validation
        refuses to flag)."""
        flagged = self.countries.loc[self.countries["partner"].astype(bool), "country"]
        return set(flagged) - {ROW}

    def with_tables(self, **tables: pd.DataFrame) -> SupplyChain:
        """A copy with some tables replaced (inputs are never modified in place)."""
        return replace(self, **tables)

    def at_year(self, year: float | None = None) -> SupplyChain:
        """The chain with, per (mineral, stage), only the latest supply year <= ``year``
        (demand likewise, :func:`demand_at_year`; projects: those online in ``year``).

        Undated rows are always kept.  ``year=None`` keeps the latest year of each
        (mineral, stage) that is not later than :func:`default_year`.
        """
        from toolkit.projects import online_in

        target = default_year(self) if year is None else year
        # one derived chain per (chain, year): the per-mineral data cached on it
        # (optimize.data) is then built once
        cache = once_per(self, "at_year", dict)
        if target not in cache:
            cache[target] = self.with_tables(supply=supply_at_year(self.supply, target),
                                             demand=demand_at_year(self.demand, target),
                                             projects=online_in(self.projects, target))
        return cache[target]

    def in_year(self, year: int, first: float | None) -> SupplyChain:
        """The chain in modelled year ``year`` of a multi-year case (``first`` = the data
        year of the first modelled year).

        The base rows are those of ``at_year(first)``; a Supply row dated exactly
        ``year`` replaces the base row of the same (mineral, stage, country), a Demand row
        dated ``year`` the base row of the same (buyer, mineral, sector); a dated row with
        no base row adds one.  Rows dated in other years after ``first`` are not used.
        Projects are kept as given (:func:`toolkit.optimize.projects.online`).
        """
        base = self.at_year(first)
        if first is not None and year <= first:
            return base
        cache = once_per(self, "at_year", dict)  # at_year's; one chain per modelled year
        key = ("in_year", year, first)
        if key not in cache:
            cache[key] = base.with_tables(
                supply=_override(base.supply, self.supply, year,
                                 ["mineral", "stage", "country"]),
                demand=_override(base.demand, self.demand, year,
                                 ["buyer", "mineral", "sector"]))
        return cache[key]


def default_year(chain: SupplyChain) -> float | None:
    """The latest supply year not marked as an estimate (None when nothing is dated).

    With the embedded USGS MCS 2026 data this is 2024: 2025 is a USGS estimate
    (the ``estimate`` column, when present, marks such rows).
    """
    supply = chain.supply.dropna(subset=["year"])
    if "estimate" in supply.columns:
        supply = supply[~supply["estimate"].fillna(False).astype(bool)]
    if supply.empty:
        return None
    return float(supply["year"].max())


def supply_at_year(supply: pd.DataFrame, year: float | None) -> pd.DataFrame:
    """Per (mineral, stage), keep rows of the latest year <= ``year`` and undated rows."""
    undated = supply[supply["year"].isna()]
    dated = supply.dropna(subset=["year"])
    if year is not None:
        dated = dated[dated["year"] <= year]
    latest = dated.groupby(["mineral", "stage"])["year"].transform("max")
    kept = pd.concat([undated, dated[dated["year"] == latest]])
    return kept.sort_values(["mineral", "stage", "country"], kind="stable").reset_index(
        drop=True)


def _override(base: pd.DataFrame, table: pd.DataFrame, year: int,
              key: list[str]) -> pd.DataFrame:
    """``base`` with each key replaced by the rows of ``table`` dated exactly ``year``."""
    if "year" not in table.columns:
        return base
    dated = table[table["year"] == year]
    if dated.empty:
        return base
    keys = pd.MultiIndex.from_frame(dated[key].astype(str))
    mine = pd.MultiIndex.from_frame(base[key].astype(str))
    kept = base[~mine.isin(keys)]
    return pd.concat([kept, dated], ignore_index=True).sort_values(
        key, kind="stable").reset_index(drop=True)


def demand_at_year(demand: pd.DataFrame, year: float | None) -> pd.DataFrame:
    """Demand rows of data year ``year``: undated rows, each replaced by the latest row of
    the same (buyer, mineral, sector) dated ``year`` or earlier (``None``: any year).

    A table with no dated rows is returned unchanged.
    """
    if "year" not in demand.columns or demand["year"].isna().all():
        return demand
    key = ["buyer", "mineral", "sector"]
    dated = demand.dropna(subset=["year"])
    if year is not None:
        dated = dated[dated["year"] <= year]
    latest = dated.groupby(key, dropna=False)["year"].transform("max")
    dated = dated[dated["year"] == latest]
    undated = demand[demand["year"].isna()]
    mine = pd.MultiIndex.from_frame(undated[key].astype(str))
    keys = pd.MultiIndex.from_frame(dated[key].astype(str))
    kept = pd.concat([undated[~mine.isin(keys)], dated])
    return kept.sort_index(kind="stable")


def blank_chain(**tables: pd.DataFrame) -> SupplyChain:
    """A chain with empty declared tables, overridden by ``tables`` (for tests/builders)."""
    names = {"minerals": "Minerals", "countries": "Countries", "supply": "Supply",
             "demand": "Demand", "routes": "Routes", "disruptions": "Disruptions",
             "policy": "Policy", "imports": "Imports", "projects": "Projects",
             "sampling": "Sampling"}
    sheets = {sh.name: sh for sh in WORKBOOK}
    base = {attr: empty_table(sheets[name]) for attr, name in names.items()}
    base.update(tables)
    return SupplyChain(**base)
