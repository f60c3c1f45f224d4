"""Importer for the embedded reference dataset (``datasets/*.csv``).

Each CSV file has a declaration below (the same :class:`~toolkit.schema.Sheet`
machinery the workbook uses), so a bad number in a dataset file is reported with
the file, the CSV line and the column, exactly like a bad workbook cell.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from toolkit.chain import SupplyChain, empty_table
from toolkit.errors import InputError, Problem
from toolkit.schema import (
    BUYERS,
    CHINA,
    DISRUPTIONS,
    POLICY,
    PROJECTS,
    ROUTES,
    STAGES,
    Column,
    Sheet,
)
from toolkit.validate import Where, validate_table

BASES = ("reported", "derived", "modelled", "hand_entered", "assumption")
_ISO3 = r"[A-Z]{3}"


def _c(name: str, kind: str, **kw: object) -> Column:
    return Column(name, kind, kw.pop("description", name), **kw)  # type: ignore[arg-type]


def _opt(name: str, kind: str = "text", **kw: object) -> Column:
    return _c(name, kind, required=False, default=kw.pop("default", ""), **kw)


FILES: tuple[Sheet, ...] = (
    Sheet("sources.csv", "Every source cited by the dataset.", (
        _c("source_id", "id"), _opt("title"), _opt("publisher"), _opt("edition"),
        _opt("year"), _opt("licence"), _opt("url"), _opt("caveats")), key=("source_id",)),
    Sheet("minerals.csv", "Minerals.", (
        _c("mineral", "id"), _opt("name"), _c("unit", "id", allowed=("t",)),
        _opt("content_basis"), _opt("usgs_chapter"),
        _opt("unit_price_usd_per_t", "number", default=None, low=0.0),
        _opt("price_year", "number", default=None), _opt("price_source"),
        _opt("source_id", "id", ref="sources.csv.source_id", wildcard="", separator=";")),
        key=("mineral",)),
    Sheet("countries.csv", "Countries.", (
        _c("country", "id", pattern=_ISO3), _opt("name"),
        _opt("wgi", "number", default=None, low=-2.5, high=2.5),
        *(_opt(f"wgi_{k}", "number", default=None, low=-3.0, high=3.0)
          for k in ("cc", "ge", "pv", "rl", "rq", "va")),
        _c("partner", "bool"), _opt("partner_basis"),
        _opt("source_id", "id", ref="sources.csv.source_id", wildcard="", separator=";")),
        key=("country",)),
    Sheet("production.csv", "Production by mineral, stage, country and year.", (
        _c("mineral", "id", ref="minerals.csv.mineral"), _c("stage", "id", allowed=STAGES),
        _c("country", "id", ref="countries.csv.country"), _c("year", "number", low=1900,
                                                             high=2100),
        _c("tonnes", "number", low=0.0), _opt("estimate", "bool", default=False),
        _c("source_id", "id", ref="sources.csv.source_id", separator=";"), _opt("source_detail"),
        _c("basis", "id", allowed=BASES),
        _opt("capacity_t", "number", default=None, low=0.0,
             description="capacity where a source gives it (blank = tonnes, no spare)"),
        _opt("capacity_source_id", "id", ref="sources.csv.source_id", wildcard="",
             separator=";"), _opt("capacity_note")),
        key=("mineral", "stage", "country", "year")),
    Sheet("costs.csv", "Unit cost by mineral, stage and (optionally) country.", (
        _c("mineral", "id", ref="minerals.csv.mineral"), _c("stage", "id", allowed=STAGES),
        _c("unit_cost_usd_per_t", "number", low=0.0),
        _opt("premium_outside_china", "number", default=0.0, low=0.0, high=10.0),
        _c("basis", "id", allowed=BASES),
        _c("source_id", "id", ref="sources.csv.source_id", separator=";"), _opt("note"),
        _opt("country", "id", ref="countries.csv.country", wildcard="",
             description="blank = every country of the stage; a country's own row wins")),
        key=("mineral", "stage", "country")),
    Sheet("demand.csv", "Demand of the planned buyers (GBR, JPN) and of market buyers "
          "(any other country, ROW).", (
        _c("buyer", "id", ref="countries.csv.country"),
        _c("mineral", "id", ref="minerals.csv.mineral"),
        _opt("sector", default="all"), _c("demand_t", "number", low=0.0),
        _opt("year", "number", default=None), _c("basis", "id", allowed=BASES),
        _opt("method"), _c("source_id", "id", ref="sources.csv.source_id", separator=";")),
        key=("buyer", "mineral", "sector", "year")),
    Sheet("imports.csv", "UK and Japan import mix by origin.", (
        _c("buyer", "id", allowed=BUYERS), _c("mineral", "id", ref="minerals.csv.mineral"),
        _c("origin", "id", ref="countries.csv.country"), _opt("year", "number", default=None),
        _opt("hs6", "id"), _opt("stage", "id", allowed=STAGES + ("",)),
        _opt("value_usd", "number", default=None, low=0.0),
        _opt("tonnes", "number", default=None, low=0.0),
        _c("share", "number", low=0.0, high=1.0), _opt("basis", "id", allowed=BASES + ("",)),
        _opt("source_id", "id", ref="sources.csv.source_id", wildcard="", separator=";")),
        key=("buyer", "mineral", "origin", "year", "hs6")),
    Sheet("bid_premiums.csv", "Default bid_premium per mineral and stage (Policy rows of "
          "every case).", (
        _c("mineral", "id", ref="minerals.csv.mineral"), _c("stage", "id", allowed=STAGES),
        _c("bid_premium", "number", low=0.0, high=10.0), _c("basis", "id", allowed=BASES),
        _c("source_id", "id", ref="sources.csv.source_id", separator=";"), _opt("note")),
        key=("mineral", "stage"), required=False),
    Sheet("stage_coverage.csv", "Which source covers each mineral and stage.", (
        _c("mineral", "id", ref="minerals.csv.mineral"), _c("stage", "id", allowed=STAGES),
        _c("status", "id", allowed=("sourced", "hand_entered", "no_source", "assumption")),
        _opt("source_id"), _opt("note")), key=("mineral", "stage")),
    Sheet("production_years.csv", "Supply of each node in the outlook years (2030, 2035): "
          "IEA base case for its six minerals, today's output held for the rest.", (
        _c("mineral", "id", ref="minerals.csv.mineral"), _c("stage", "id", allowed=STAGES),
        _c("country", "id", ref="countries.csv.country"), _c("year", "number", low=1900,
                                                             high=2100),
        _c("tonnes", "number", low=0.0), _opt("estimate", "bool", default=True),
        _c("source_id", "id", ref="sources.csv.source_id", separator=";"), _opt("source_detail"),
        _c("basis", "id", allowed=BASES),
        _opt("capacity_t", "number", default=None, low=0.0),
        _opt("capacity_source_id", "id", ref="sources.csv.source_id", wildcard="",
             separator=";"), _opt("capacity_note")),
        key=("mineral", "stage", "country", "year"), required=False),
    Sheet("demand_years.csv", "Demand of every buyer in the outlook years (2030, 2035); a "
          "row replaces the buyer's demand.csv row in its year.", (
        _c("buyer", "id", ref="countries.csv.country"),
        _c("mineral", "id", ref="minerals.csv.mineral"),
        _opt("sector", default="all"), _c("demand_t", "number", low=0.0),
        _c("year", "number", low=1900, high=2100), _c("basis", "id", allowed=BASES),
        _opt("method"), _c("source_id", "id", ref="sources.csv.source_id", separator=";")),
        key=("buyer", "mineral", "sector", "year"), required=False),
    Sheet("outlook_supply.csv", "IEA base-case supply by country (base year, 2030, 2035, "
          "2040; both Data Explorer editions).", (
        _c("edition", "id"), _c("mineral", "id", ref="minerals.csv.mineral"),
        _opt("iea_mineral"), _c("stage", "id", allowed=STAGES),
        _c("country", "id", ref="countries.csv.country"),
        _c("year", "number", low=1900, high=2100), _opt("scenario"),
        _c("tonnes", "number", low=0.0), _c("basis", "id", allowed=BASES),
        _c("source_id", "id", ref="sources.csv.source_id", separator=";"), _opt("note")),
        key=("edition", "mineral", "stage", "country", "year"), required=False),
    Sheet("outlook_demand.csv", "IEA demand by sector and scenario (STEPS, APS, NZE; "
          "2030-2050) and the base year.", (
        _c("edition", "id"), _c("mineral", "id", ref="minerals.csv.mineral"),
        _opt("iea_mineral"),
        _c("scenario", "id", allowed=("BASE_YEAR", "STEPS", "APS", "NZE")),
        _c("sector", "text"), _c("year", "number", low=1900, high=2100),
        _c("demand_t", "number", low=0.0), _c("basis", "id", allowed=BASES),
        _c("source_id", "id", ref="sources.csv.source_id", separator=";")),
        key=("edition", "mineral", "scenario", "sector", "year"), required=False),
    Sheet("projects.csv", "Announced plants the plan may back (the Projects sheet's columns "
          "plus provenance).", (
        _c("project", "id"), _opt("name"), _c("mineral", "id", ref="minerals.csv.mineral"),
        _c("stage", "id", allowed=STAGES), _c("country", "id", ref="countries.csv.country"),
        _c("capacity_t", "number", low=0.0), _c("unit_cost_usd_per_t", "number", low=0.0),
        _c("capex_usd", "number", low=0.0), _c("online_year", "number", low=1900, high=2100),
        _opt("lifetime_years", "number", default=20.0, low=1.0, high=100.0), _opt("source"),
        _c("basis", "id", allowed=BASES),
        _c("source_id", "id", ref="sources.csv.source_id", separator=";"), _opt("note")),
        key=("project",), required=False),
)


def datasets_dir() -> Path:
    """Folder of the embedded dataset: ``$TOOLKIT_DATASETS`` or ``<repo>/datasets``."""
    env = os.environ.get("TOOLKIT_DATASETS")
    return Path(env) if env else Path(__file__).resolve().parents[2] / "datasets"


def read_raw_csv(path: Path) -> pd.DataFrame:
    """Read a CSV with every cell as text (blank cells as empty strings)."""
    if not path.is_file():
        raise InputError(Problem(str(path), "dataset file not found"))
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def load_tables(folder: Path | None = None) -> dict[str, pd.DataFrame]:
    """Read and validate every dataset file; raise InputError listing all problems."""
    folder = folder or datasets_dir()
    tables: dict[str, pd.DataFrame] = {}
    known: dict[str, list[str]] = {}
    problems: list[Problem] = []
    for decl in FILES:
        if not decl.required and not (folder / decl.name).is_file():
            continue
        raw = read_raw_csv(folder / decl.name)
        table, found = validate_table(raw, decl, Where(str(folder / decl.name), None), known)
        problems += found
        tables[decl.name] = table
        for col in decl.key[:1]:
            known[f"{decl.name}.{col}"] = table[col].tolist()
    if problems:
        raise InputError(problems)
    return tables


def supply_table(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Supply rows (schema columns) from production (and its outlook years) joined with
    unit costs.

    ``capacity_t`` is the production file's ``capacity_t`` where a source gives one,
    else its ``tonnes`` (no spare capacity); ``production_t`` is ``tonnes`` where that
    differs from the capacity, else blank (= capacity_t).
    Unit cost: a row of ``costs.csv`` for the node's own country wins; otherwise the
    stage-wide row (blank country), where a node outside China costs
    ``unit_cost_usd_per_t x (1 + premium_outside_china)``.
    """
    prod = tables["production.csv"]
    if "production_years.csv" in tables:  # the outlook years' rows (estimates, year 2030...)
        prod = pd.concat([prod, tables["production_years.csv"]], ignore_index=True)
    costs = tables["costs.csv"]
    country = costs["country"].fillna("") if "country" in costs else pd.Series("", costs.index)
    stage_wide = costs[country == ""][["mineral", "stage", "unit_cost_usd_per_t",
                                       "premium_outside_china"]]
    own = costs[country != ""][["mineral", "stage", "country", "unit_cost_usd_per_t"]]
    supply = prod.merge(stage_wide, on=["mineral", "stage"], how="left")
    premium = supply["premium_outside_china"].fillna(0.0).where(supply["country"] != CHINA, 0.0)
    cost = (supply["unit_cost_usd_per_t"].fillna(0.0) * (1.0 + premium)).round(2)
    own_cost = supply[["mineral", "stage", "country"]].merge(
        own, on=["mineral", "stage", "country"], how="left")["unit_cost_usd_per_t"]
    supply["unit_cost_usd_per_t"] = own_cost.round(2).where(own_cost.notna(), cost)
    capacity = supply["capacity_t"] if "capacity_t" in supply else supply["tonnes"]
    spare = capacity.notna() & (capacity != supply["tonnes"])
    supply["capacity_t"] = capacity.where(capacity.notna(), supply["tonnes"])
    # production_t only where it differs from capacity: blank means "= capacity_t", so an
    # analyst who edits a capacity in the template need not edit a second column
    supply["production_t"] = supply["tonnes"].where(spare)
    cols = ["mineral", "stage", "country", "capacity_t", "unit_cost_usd_per_t", "year",
            "estimate", "source_id", "basis", "production_t"]
    return supply[cols].reset_index(drop=True)


def default_policy(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Policy rows every case shares: the cited default ``bid_premium`` per mineral and
    stage (``bid_premiums.csv``), empty when the file is absent."""
    table = empty_table(POLICY)
    premiums = tables.get("bid_premiums.csv")
    if premiums is None or premiums.empty:
        return table
    rows = [{"setting": "bid_premium", "value": f"{float(r.bid_premium):g}", "stage": r.stage,
             "mineral": r.mineral, "buyer": "", "case": "", "country": ""}
            for r in premiums.itertuples()]
    return pd.DataFrame(rows, columns=list(POLICY.names))


def import_shares(imports: pd.DataFrame) -> pd.DataFrame:
    """Import shares by buyer, mineral, origin, stage and year, summed over HS6 codes.

    Shares are fractions of a buyer x mineral's import value, so the shares of several
    codes of one mineral (e.g. platinum and palladium for ``pgm``) add up.
    """
    key = ["buyer", "mineral", "origin", "stage", "year"]
    summed = imports.groupby(key, sort=False, dropna=False, as_index=False)["share"].sum()
    summed["share"] = summed["share"].clip(upper=1.0)
    for col in ("buyer", "mineral", "origin", "stage"):
        summed[col] = summed[col].astype(object)
    return summed[["buyer", "mineral", "origin", "share", "stage", "year"]].reset_index(
        drop=True)


def demand_table(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Demand rows (schema columns): ``demand.csv`` (the data year) plus the outlook years'
    rows of ``demand_years.csv`` (each replaces the buyer's row in its year)."""
    cols = ["buyer", "mineral", "demand_t", "sector", "year"]
    parts = [tables[n][cols] for n in ("demand.csv", "demand_years.csv") if n in tables]
    return pd.concat(parts, ignore_index=True)


def projects_table(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The Projects rows of ``projects.csv`` (schema columns; empty when absent)."""
    rows = tables.get("projects.csv")
    if rows is None or rows.empty:
        return empty_table(PROJECTS)
    return rows[list(PROJECTS.names)].reset_index(drop=True)


def load_embedded(folder: Path | None = None) -> SupplyChain:
    """The embedded dataset as a :class:`SupplyChain` (no disruptions; policy = the cited
    default bid premiums of :func:`default_policy`)."""
    folder = folder or datasets_dir()
    t = load_tables(folder)
    minerals = t["minerals.csv"][["mineral", "name", "unit", "content_basis"]]
    countries = t["countries.csv"][["country", "name", "wgi", "partner"]]
    demand = demand_table(t)
    imports = import_shares(t["imports.csv"])
    return SupplyChain(
        minerals=minerals.reset_index(drop=True), countries=countries.reset_index(drop=True),
        supply=supply_table(t), demand=demand.reset_index(drop=True),
        routes=empty_table(ROUTES), disruptions=empty_table(DISRUPTIONS),
        policy=default_policy(t), imports=imports.reset_index(drop=True),
        projects=projects_table(t), source="embedded dataset",
        meta={"datasets": str(folder), "tables": t})
