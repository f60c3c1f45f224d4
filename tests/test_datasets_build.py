"""Tests for the embedded reference dataset (``datasets/``) and its builder."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest

from toolkit import datasets_build as db

DATASETS = Path(__file__).resolve().parent.parent / "datasets"
RAW = DATASETS / "raw"


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    """A fresh rebuild from ``datasets/raw``."""
    return db.build_all(RAW)


def test_committed_csvs_equal_fresh_rebuild(tables: dict[str, pd.DataFrame]) -> None:
    expected = {"minerals.csv", "countries.csv", "production.csv", "stage_coverage.csv",
                "demand.csv", "imports.csv", "costs.csv", "sources.csv", "bid_premiums.csv",
                "outlook_supply.csv", "outlook_demand.csv",
                "production_years.csv", "demand_years.csv", "projects.csv"}
    assert set(tables) == expected
    for name, df in tables.items():
        on_disk = (DATASETS / name).read_bytes().decode("utf-8")
        assert "\r" not in on_disk
        assert on_disk == db.render_csv(df), f"{name} differs from a fresh rebuild"


def _mcs2026_china_share(chapter: str, detail: str, year: str = "2024") -> float:
    """China / sum of listed countries (incl. Other countries), straight from the raw file."""
    path = RAW / "usgs_mcs2026" / "MCS2026_Commodities_Data.csv"
    china = total = 0.0
    with path.open(newline="", encoding="cp1252") as fh:
        for row in csv.DictReader(fh):
            if (row["MCS chapter"] != chapter or row["Statistics_detail"] != detail
                    or row["Year"] != year or row["Country"] == "World total"
                    or not row["Section"].startswith("World")):
                continue
            value = row["Value"].strip()
            if value == "\u2014":
                number = 0.0
            elif value in {"W", "NA", "XX", "s"}:
                continue
            else:
                number = float(value.replace(",", ""))
            total += number
            if row["Country"] == "China":
                china += number
    return china / total


@pytest.mark.parametrize(
    ("mineral", "stage", "chapter", "detail", "expected"),
    [
        ("rare_earths", "mine", "RARE EARTHS", "Mine production", 0.703),
        ("graphite", "mine", "GRAPHITE (NATURAL)", "Mine production", 0.819),
        ("tungsten", "mine", "TUNGSTEN", "Mine production", 0.821),
        ("lithium", "mine", "LITHIUM", "Mine production", 0.186),
        ("gallium", "refine", "GALLIUM", "Primary production", 0.989),
        ("copper", "refine", "COPPER", "Refinery production", 0.449),  # 12,400 of 27,600 kt
    ],
)
def test_usgs_china_share_2024(mineral: str, stage: str, chapter: str, detail: str,
                               expected: float) -> None:
    prod = pd.read_csv(DATASETS / "production.csv")
    g = prod[(prod["mineral"] == mineral) & (prod["stage"] == stage) & (prod["year"] == 2024)]
    share = g.loc[g["country"] == "CHN", "tonnes"].sum() / g["tonnes"].sum()
    independent = _mcs2026_china_share(chapter, detail)
    assert share == pytest.approx(independent, rel=1e-9)
    assert share == pytest.approx(expected, abs=0.001)


@pytest.mark.parametrize(
    ("mineral", "label", "expected"),
    [
        ("lithium", "Lithium", 0.702),
        ("cobalt", "Cobalt", 0.784),
        ("graphite", "Graphite", 0.957),
        ("rare_earths", "Rare Earth Elements", 0.913),
        ("nickel", "Nickel", 0.313),
    ],
)
def test_iea_china_refining_share_2024(mineral: str, label: str, expected: float) -> None:
    path = RAW / "iea_critical_minerals_2025" / "iea_cm2025_supply_by_country_tidy.csv"
    china = total = None
    with path.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["mineral"] == label and row["stage"] == "refining" and row["year"] == "2024":
                if row["row_label"] == "China":
                    china = float(row["value"])
                elif row["row_type"] == "total":
                    total = float(row["value"])
    assert china is not None and total is not None
    raw_share = china / total
    prod = pd.read_csv(DATASETS / "production.csv")
    g = prod[(prod["mineral"] == mineral) & (prod["stage"] == "refine") & (prod["year"] == 2024)]
    share = g.loc[g["country"] == "CHN", "tonnes"].sum() / g["tonnes"].sum()
    assert raw_share == pytest.approx(expected, abs=0.001)
    assert share == pytest.approx(raw_share, abs=1e-6)


def _china_share_of(prod: pd.DataFrame, mineral: str, stage: str, year: int) -> float:
    g = prod[(prod["mineral"] == mineral) & (prod["stage"] == stage) & (prod["year"] == year)]
    return g.loc[g["country"] == "CHN", "tonnes"].sum() / g["tonnes"].sum()


def test_germanium_usgs_2021_world_total_is_the_only_tonnage_input() -> None:
    path = RAW / "usgs_mcs2022_partial" / "world" / "mcs2022-germa_world.csv"
    china = listed = world = 0.0
    with path.open(newline="", encoding="utf-8-sig") as fh:
        for row in csv.DictReader(fh):
            value = row["Prod_kg_Est_2021"]
            if row["Country"].startswith("World total"):
                world = float(value)
            elif value not in {"W", "NA"}:
                listed += float(value)
                china += float(value) if row["Country"] == "China" else 0.0
    assert world == 140000.0 and listed == world  # USGS: 140,000 kg, China 95,000 kg
    assert china / listed == pytest.approx(0.68, abs=0.005)  # "68%" (Graphic News)
    prod = pd.read_csv(DATASETS / "production.csv")
    ge = prod[prod["mineral"] == "germanium"]
    assert set(ge["year"]) == {2020, 2021, 2022, 2023, 2024}
    for _, g in ge.groupby("year"):  # one basis: every year sums to the USGS 2021 total
        assert g["tonnes"].sum() == pytest.approx(140.0, abs=1e-3)
    assert set(ge["basis"]) == {"assumption"} and set(ge["estimate"]) == {True}
    assert set(ge["source_id"]) == {"bgs_wms;atlas_refined_years;usgs_mcs2022"}


@pytest.mark.parametrize("year", [2020, 2021, 2023, 2024])
def test_germanium_china_share_from_bgs_json(year: int) -> None:
    raw = json.loads((RAW / "derived_atlas_bgs_eucrm" / "refined_years.json")
                     .read_text(encoding="utf-8"))
    cn = next(e["v"] for e in raw["germanium"][str(year)] if e["c"] == "CN") / 100.0
    prod = pd.read_csv(DATASETS / "production.csv")
    assert _china_share_of(prod, "germanium", "refine", year) == pytest.approx(cn, abs=1e-9)


def test_germanium_2022_rounding_excess_scaled() -> None:
    # BGS 2022 shares CN 94 + US 4 + RU 3 = 101 %: scaled to 100 %, no ROW row
    prod = pd.read_csv(DATASETS / "production.csv")
    g = prod[(prod["mineral"] == "germanium") & (prod["year"] == 2022)].set_index("country")
    assert set(g.index) == {"CHN", "USA", "RUS"}
    assert g.loc["CHN", "tonnes"] == pytest.approx(140.0 * 94 / 101, abs=1e-3)
    assert g["tonnes"].to_dict() == pytest.approx(
        {"CHN": 131.6 * 100 / 101, "USA": 5.6 * 100 / 101, "RUS": 4.2 * 100 / 101}, abs=1e-3)


def test_germanium_2024_tonnes() -> None:
    prod = pd.read_csv(DATASETS / "production.csv")
    g = prod[(prod["mineral"] == "germanium") & (prod["year"] == 2024)].set_index("country")
    assert g["tonnes"].to_dict() == pytest.approx(
        {"CHN": 131.6, "USA": 4.2, "RUS": 2.8, "ROW": 1.4})  # 94/3/2/1 % of 140 t


def test_germanium_coverage_demand_and_cost(tables: dict[str, pd.DataFrame]) -> None:
    cov = tables["stage_coverage.csv"].set_index(["mineral", "stage"])["status"]
    assert cov[("germanium", "refine")] == "assumption"
    assert cov[("germanium", "mine")] == cov[("germanium", "manufacture")] == "no_source"
    demand = tables["demand.csv"]
    per_buyer = demand.groupby("buyer")["mineral"].apply(set)
    minerals = set(tables["minerals.csv"]["mineral"])
    assert per_buyer["GBR"] == per_buyer["JPN"] == minerals
    ge = demand[demand["mineral"] == "germanium"].set_index("buyer")
    assert ge.loc["GBR", "basis"] == ge.loc["JPN", "basis"] == "assumption"
    # GBR: no germanium code and no published UK figure -> the labelled fallback
    shares = db.buyer_trade_shares(db.read_baci(RAW))
    assert ge.loc["GBR", "demand_t"] == pytest.approx(140.0 * shares["GBR"], abs=1e-3)
    assert "ASSUMPTION (fallback" in ge.loc["GBR", "method"]
    # JPN: MOF imports Jan-Sep 2023 3,569 kg (iru-miru Report #48) annualised x 12/9
    assert ge.loc["JPN", "demand_t"] == pytest.approx(3.569 * 12 / 9, abs=1e-3)
    costs = tables["costs.csv"].set_index(["mineral", "stage"])
    assert costs.loc[("germanium", "refine"), "unit_cost_usd_per_t"] == 1991 * 1000.0


def test_imports_stage_column(tables: dict[str, pd.DataFrame]) -> None:
    imports = tables["imports.csv"]
    assert list(imports.columns) == ["buyer", "mineral", "origin", "year", "hs6", "stage",
                                     "value_usd", "tonnes", "share", "basis", "source_id",
                                     "gross_t", "unit_value_usd_per_t", "share_basis", "check"]
    assert set(imports["stage"]) <= set(db.STAGES)
    assert imports.groupby("hs6")["stage"].nunique().max() == 1
    stage = imports.drop_duplicates("hs6").set_index("hs6")["stage"]
    assert stage["260200"] == "mine" and stage["250490"] == "mine"  # Mn ore, graphite lump
    assert stage["750210"] == "refine" and stage["720292"] == "refine"  # Ni metal, FeV
    assert db.HS6_STAGE["850511"] == "manufacture"


def test_msp_partners(tables: dict[str, pd.DataFrame]) -> None:
    countries = tables["countries.csv"].set_index("country")
    for iso in ("IND", "NOR", "EST"):
        if iso in countries.index:
            assert countries.loc[iso, "partner"] == "TRUE"
            assert "Minerals Security Partnership" in countries.loc[iso, "partner_basis"]
    assert countries.loc["ARG", "partner"] == "FALSE"
    sources = tables["sources.csv"].set_index("source_id")
    assert "2021-2025.state.gov" in sources.loc["msp_state_dept", "url"]


def test_schema_and_invariants(tables: dict[str, pd.DataFrame]) -> None:
    prod = tables["production.csv"]
    assert list(prod.columns) == ["mineral", "stage", "country", "year", "tonnes", "estimate",
                                  "source_id", "source_detail", "basis", "capacity_t",
                                  "capacity_source_id", "capacity_note"]
    assert set(prod["stage"]) <= set(db.STAGES)
    assert set(prod["basis"]) <= {"reported", "derived", "modelled", "hand_entered",
                                  "assumption"}
    assert not prod.duplicated(["mineral", "stage", "country", "year"]).any()
    assert (prod.groupby(["mineral", "stage", "year"])["source_id"].nunique() == 1).all()
    cov = tables["stage_coverage.csv"]
    assert len(cov) == len(tables["minerals.csv"]) * 3
    assert set(cov["status"]) <= {"sourced", "hand_entered", "no_source", "assumption"}
    demand = tables["demand.csv"]
    assert (demand["demand_t"] > 0).all() and {"GBR", "JPN", "ROW"} <= set(demand["buyer"])
    assert set(demand["buyer"]) <= set(tables["countries.csv"]["country"])
    imports = tables["imports.csv"]
    sums = imports.groupby(["buyer", "mineral"])["share"].sum()
    assert ((sums - 1.0).abs() < 1e-4).all()
    countries = tables["countries.csv"].set_index("country")
    assert countries.loc["GBR", "partner"] == "TRUE"
    assert countries.loc["JPN", "partner"] == "TRUE"
    assert countries.loc["ROW", "partner"] == "FALSE"
    assert countries["wgi"].dropna().between(-2.5, 2.5).all()
    required = {"lithium", "cobalt", "nickel", "graphite", "rare_earths", "copper", "gallium",
                "germanium", "tungsten", "antimony", "manganese", "vanadium", "magnesium",
                "silicon", "titanium", "bismuth", "indium", "tellurium", "platinum",
                "palladium", "niobium"}
    assert required <= set(tables["minerals.csv"]["mineral"])


def test_unmapped_usgs_country_fails_loudly() -> None:
    with pytest.raises(KeyError):
        db.usgs_iso3("Atlantis")


def test_parse_usgs_tokens() -> None:
    assert db.parse_usgs_value("1,270,000") == 1270000.0
    assert db.parse_usgs_value("\u2014") == 0.0
    assert db.parse_usgs_value("W") is None
    assert db.parse_usgs_value("NA") is None
    with pytest.raises(ValueError):
        db.parse_usgs_value("Yttrium")
