"""Tests for the embedded reference dataset (``datasets/``) and its builder."""

from __future__ import annotations

import csv
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
                "demand.csv", "imports.csv", "costs.csv", "sources.csv"}
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
        ("copper", "Copper", 0.440),
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


def test_schema_and_invariants(tables: dict[str, pd.DataFrame]) -> None:
    prod = tables["production.csv"]
    assert list(prod.columns) == ["mineral", "stage", "country", "year", "tonnes", "estimate",
                                  "source_id", "source_detail", "basis"]
    assert set(prod["stage"]) <= set(db.STAGES)
    assert set(prod["basis"]) <= {"reported", "derived", "hand_entered", "assumption"}
    assert not prod.duplicated(["mineral", "stage", "country", "year"]).any()
    assert (prod.groupby(["mineral", "stage", "year"])["source_id"].nunique() == 1).all()
    cov = tables["stage_coverage.csv"]
    assert len(cov) == len(tables["minerals.csv"]) * 3
    assert set(cov["status"]) <= {"sourced", "hand_entered", "no_source", "assumption"}
    demand = tables["demand.csv"]
    assert (demand["demand_t"] > 0).all() and set(demand["buyer"]) == {"GBR", "JPN"}
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
                "silicon", "titanium", "bismuth", "indium", "tellurium", "pgm", "niobium"}
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
