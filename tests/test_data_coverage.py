"""Coverage of the US 2025 critical-minerals list, content bases, refine stages, capacity and
the IEA outlook tables, each checked against the raw files read independently here."""

from __future__ import annotations

import contextlib
import csv
import io
import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from toolkit.cli import main

DATASETS = Path(__file__).resolve().parent.parent / "datasets"
RAW = DATASETS / "raw"
MCS = RAW / "usgs_mcs2026" / "MCS2026_Commodities_Data.csv"

# MCS 2026 chapter -> toolkit mineral id (written here, independently of the build code).
CHAPTER_ID = {
    "ALUMINUM": "aluminium", "BAUXITE AND ALUMINA": "aluminium", "ANTIMONY": "antimony",
    "ARSENIC": "arsenic", "BARITE": "barite", "BERYLLIUM": "beryllium", "BISMUTH": "bismuth",
    "BORON": "boron", "CHROMIUM": "chromium", "COBALT": "cobalt", "COPPER": "copper",
    "FLUORSPAR": "fluorspar", "GALLIUM": "gallium", "GRAPHITE (NATURAL)": "graphite",
    "INDIUM": "indium", "LEAD": "lead", "LITHIUM": "lithium", "MAGNESIUM METAL": "magnesium",
    "MANGANESE": "manganese", "NICKEL": "nickel", "NIOBIUM (COLUMBIUM)": "niobium",
    "PHOSPHATE ROCK": "phosphate", "POTASH": "potash", "RARE EARTHS": "rare_earths",
    "RHENIUM": "rhenium", "SILICON": "silicon", "SILVER": "silver", "TANTALUM": "tantalum",
    "TELLURIUM": "tellurium", "TIN": "tin", "TITANIUM AND TITANIUM DIOXIDE": "titanium",
    "TITANIUM MINERAL CONCENTRATES": "titanium", "TUNGSTEN": "tungsten",
    "VANADIUM": "vanadium", "ZINC": "zinc", "ZIRCONIUM AND HAFNIUM": "zirconium",
}
PGM_DETAIL_ID = {"Mine production: Platinum": "platinum",
                 "Mine production: Palladium": "palladium"}
# US-list chapters with no country-level world table in MCS 2026 (documented as not covered)
NO_WORLD_TABLE = {"CESIUM", "GERMANIUM", "RARE EARTHS (Heavy)", "RUBIDIUM", "SCANDIUM",
                  "YTTRIUM"}


def _mcs_rows() -> list[dict[str, str]]:
    with MCS.open(newline="", encoding="cp1252") as fh:
        return list(csv.DictReader(fh))


def _number(text: str) -> float | None:
    try:
        return float(text.strip().replace(",", ""))
    except ValueError:
        return None


def _world(rows, chapter: str, detail: str, country: str, year: str = "2024") -> float:
    hits = [r for r in rows if r["MCS chapter"] == chapter and "World" in r["Section"]
            and r["Statistics_detail"] == detail and r["Country"] == country
            and r["Year"] == year]
    assert len(hits) == 1, (chapter, detail, country, year)
    return float(hits[0]["Value"].replace(",", ""))


@pytest.fixture(scope="module")
def mcs() -> list[dict[str, str]]:
    return _mcs_rows()


@pytest.fixture(scope="module")
def prod() -> pd.DataFrame:
    return pd.read_csv(DATASETS / "production.csv")


@pytest.fixture(scope="module")
def metrics() -> pd.DataFrame:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["metrics", "--csv"]) == 0
    return pd.read_csv(io.StringIO(out.getvalue()))


def _row(prod: pd.DataFrame, mineral: str, stage: str, country: str, year: int) -> pd.Series:
    g = prod[(prod["mineral"] == mineral) & (prod["stage"] == stage)
             & (prod["country"] == country) & (prod["year"] == year)]
    assert len(g) == 1, (mineral, stage, country, year)
    return g.iloc[0]


# --- coverage of the US 2025 list ----------------------------------------------------------


def test_every_us_list_mineral_with_a_world_table_is_in_metrics(mcs, metrics) -> None:
    listed = {r["MCS chapter"] for r in mcs if r["Is critical mineral 2025"] == "Yes"}
    with_table: set[str] = set()
    expected_ids: set[str] = set()
    for r in mcs:
        if (r["MCS chapter"] in listed and "World" in r["Section"]
                and r["Statistics"] == "Production" and r["Country"] != "World total"
                and _number(r["Value"]) is not None):
            with_table.add(r["MCS chapter"])
            if r["MCS chapter"] == "PLATINUM-GROUP METALS":
                expected_ids.add(PGM_DETAIL_ID[r["Statistics_detail"]])
            else:
                expected_ids.add(CHAPTER_ID[r["MCS chapter"]])
    assert listed - with_table == NO_WORLD_TABLE
    assert {"platinum", "palladium", "arsenic", "boron", "zirconium"} <= expected_ids
    assert expected_ids <= set(metrics["mineral"])
    assert "pgm" not in set(metrics["mineral"])


def test_platinum_and_palladium_are_separate(mcs, prod) -> None:
    for mineral, detail in (("platinum", "Mine production: Platinum"),
                            ("palladium", "Mine production: Palladium")):
        for iso, name in (("ZAF", "South Africa"), ("RUS", "Russia")):
            kg = _world(mcs, "PLATINUM-GROUP METALS", detail, name)
            assert _row(prod, mineral, "mine", iso, 2024)["tonnes"] == pytest.approx(kg / 1000)
    pd_mine = prod[(prod["mineral"] == "palladium") & (prod["stage"] == "mine")
                   & (prod["year"] == 2024)].set_index("country")["tonnes"]
    assert pd_mine.idxmax() == "RUS"
    assert pd_mine["RUS"] / pd_mine.sum() == pytest.approx(89_000 / 216_870, rel=1e-9)


# --- content bases -------------------------------------------------------------------------


def test_chromium_is_converted_from_gross_chromite(mcs, prod) -> None:
    note = next(r["Notes"] for r in mcs if r["MCS chapter"] == "CHROMIUM"
                and r["Country"] == "South Africa" and r["Year"] == "2024")
    assert "reported in gross weight" in note
    gross_t = _world(mcs, "CHROMIUM", "Mine production", "South Africa") * 1000
    cr_in_cr2o3 = 2 * 51.996 / (2 * 51.996 + 3 * 15.999)
    row = _row(prod, "chromium", "mine", "ZAF", 2024)
    assert row["tonnes"] == pytest.approx(gross_t * 0.40 * cr_in_cr2o3, abs=1e-3)
    assert row["basis"] == "assumption" and "ASSUMPTION" in row["source_detail"]
    minerals = pd.read_csv(DATASETS / "minerals.csv").set_index("mineral")
    assert "gross chromite" in minerals.loc["chromium", "content_basis"]


def test_magnesite_is_gross_weight_converted_to_mg(mcs, prod) -> None:
    rows = [r for r in mcs if r["MCS chapter"] == "MAGNESIUM COMPOUNDS"
            and r["Country"] == "China" and r["Year"] == "2024" and "World" in r["Section"]]
    assert "Gross weight of magnesite" in rows[0]["Notes"]
    assert "magnesite, 47.8%" in rows[0]["Other notes"]
    gross_t = float(rows[0]["Value"].replace(",", "")) * 1000
    mg_in_mgo = 24.305 / (24.305 + 15.999)
    row = _row(prod, "magnesium", "mine", "CHN", 2024)
    assert row["tonnes"] == pytest.approx(gross_t * 0.478 * mg_in_mgo, abs=1e-3)
    minerals = pd.read_csv(DATASETS / "minerals.csv").set_index("mineral")
    assert "gross magnesite" in minerals.loc["magnesium", "content_basis"]
    assert "MgO content of magnesite" not in minerals.loc["magnesium", "content_basis"]


def test_bauxite_and_arsenic_trioxide_follow_the_usgs_notes(mcs, prod) -> None:
    other = next(r["Other notes"] for r in mcs if r["MCS chapter"] == "BAUXITE AND ALUMINA")
    assert "4 tons of dried bauxite is required to produce 2 tons of alumina" in other
    bauxite_t = _world(mcs, "BAUXITE AND ALUMINA", "Bauxite, mine production", "Guinea") * 1000
    assert _row(prod, "aluminium", "mine", "GIN", 2024)["tonnes"] == pytest.approx(
        bauxite_t / 4)
    other = next(r["Other notes"] for r in mcs if r["MCS chapter"] == "ARSENIC")
    assert "75.71% for arsenic trioxide" in other
    as2o3 = _world(mcs, "ARSENIC", "Production (arsenic trioxide, gross weight)", "Peru")
    assert _row(prod, "arsenic", "refine", "PER", 2024)["tonnes"] == pytest.approx(
        as2o3 * 0.7571)


# --- hand-picked raw rows = derived tonnes ------------------------------------------------


@pytest.mark.parametrize(("iso", "name"), [("CHN", "China"), ("JPN", "Japan"),
                                           ("COD", "Congo (Kinshasa)")])
def test_copper_refining_comes_from_the_usgs_table(mcs, prod, iso: str, name: str) -> None:
    kt = _world(mcs, "COPPER", "Refinery production", name)
    row = _row(prod, "copper", "refine", iso, 2024)
    assert row["tonnes"] == pytest.approx(kt * 1000) and row["source_id"] == "usgs_mcs2026"
    g = prod[(prod["mineral"] == "copper") & (prod["stage"] == "refine")
             & (prod["year"] == 2024)]
    assert len(g) == 18  # 17 named countries + Other countries (USGS lists 18 rows)


def test_tin_refine_stage_equals_the_ita_figures(prod) -> None:
    # ITA (Mar 2024): world refined tin 370,100 t in 2023, mainland China 177,000 t
    assert _row(prod, "tin", "refine", "CHN", 2023)["tonnes"] == 177_000.0
    assert _row(prod, "tin", "refine", "ROW", 2023)["tonnes"] == 370_100.0 - 177_000.0
    assert _row(prod, "tin", "refine", "CHN", 2023)["basis"] == "hand_entered"


def test_niobium_refine_stage_uses_the_eucrm_share(mcs, prod) -> None:
    raw = json.loads((RAW / "derived_atlas_bgs_eucrm" / "eucrm.json").read_text("utf-8"))
    share = raw["materials"]["niobium"]["pct"] / 100.0
    assert raw["materials"]["niobium"]["stage"] == "processing"
    mine_t = sum(_number(r["Value"]) or 0.0 for r in mcs  # em dash (zero) counts 0
                 if r["MCS chapter"] == "NIOBIUM (COLUMBIUM)" and "World" in r["Section"]
                 and r["Statistics_detail"] == "Mine production" and r["Year"] == "2024")
    row = _row(prod, "niobium", "refine", "BRA", 2024)
    assert row["tonnes"] == pytest.approx(share * mine_t, abs=1e-3)
    assert row["basis"] == "assumption"


def test_chromium_refine_shows_china(metrics) -> None:
    rows = metrics.set_index(["mineral", "stage", "year"])
    assert rows.loc[("chromium", "refine", 2024), "china_share"] == pytest.approx(0.43)
    assert rows.loc[("chromium", "mine", 2024), "china_share"] == 0.0


def test_capacity_only_where_usgs_gives_it(mcs, prod) -> None:
    kg = _world(mcs, "GALLIUM", "Production capacity", "China", "2025")
    assert _row(prod, "gallium", "refine", "CHN", 2025)["capacity_t"] == pytest.approx(kg / 1000)
    kt = _world(mcs, "ALUMINUM", "Yearend capacity", "China")
    row = _row(prod, "aluminium", "refine", "CHN", 2024)
    assert row["capacity_t"] == pytest.approx(kt * 1000)
    assert row["capacity_source_id"] == "usgs_mcs2026"
    has_cap = prod[prod["capacity_t"].notna()]
    assert (has_cap["capacity_t"] >= has_cap["tonnes"]).all()
    assert set(has_cap["mineral"]) <= {"aluminium", "arsenic", "gallium", "indium",
                                       "magnesium", "tellurium", "titanium"}
    assert has_cap["capacity_note"].str.contains("USGS MCS 2026").all()


# --- source ids and bases -----------------------------------------------------------------


def test_every_row_of_every_csv_has_a_source_id() -> None:
    sources = set(pd.read_csv(DATASETS / "sources.csv")["source_id"])
    for path in sorted(DATASETS.glob("*.csv")):
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
        assert "source_id" in df.columns, path.name
        assert (df["source_id"] != "").all(), path.name
        used = {i for v in df["source_id"] for i in v.split(";")}
        assert used <= sources, (path.name, used - sources)


def test_iea_rows_are_modelled(prod) -> None:
    iea = prod[prod["source_id"] == "iea_cm_2025"]
    assert set(iea["mineral"]) == {"lithium", "cobalt", "nickel", "graphite", "rare_earths"}
    assert set(iea["basis"]) == {"modelled"}


# --- IEA outlook tables -------------------------------------------------------------------


def _outlook(name: str) -> pd.DataFrame:
    return pd.read_csv(DATASETS / name)


def test_outlook_supply_matches_raw_2025_value() -> None:
    raw = pd.read_csv(RAW / "iea_critical_minerals_2025" / "iea_cm2025_supply_by_country_tidy.csv")
    kt = raw[(raw["mineral"] == "Lithium") & (raw["stage"] == "refining")
             & (raw["row_label"] == "China") & (raw["year"] == 2030)]["value"].iloc[0]
    out = _outlook("outlook_supply.csv")
    hit = out[(out["edition"] == 2025) & (out["mineral"] == "lithium")
              & (out["stage"] == "refine") & (out["country"] == "CHN") & (out["year"] == 2030)]
    assert hit["tonnes"].iloc[0] == pytest.approx(kt * 1000)
    assert set(out["basis"]) == {"modelled"}


def test_outlook_supply_rows_sum_to_the_iea_total() -> None:
    raw = pd.read_csv(RAW / "iea_critical_minerals_2024" / "iea_cm2024_supply_by_country_tidy.csv")
    total = raw[(raw["mineral"] == "Nickel") & (raw["stage"] == "refining")
                & (raw["row_type"] == "total") & (raw["year"] == 2035)]["value"].iloc[0]
    out = _outlook("outlook_supply.csv")
    g = out[(out["edition"] == 2024) & (out["mineral"] == "nickel")
            & (out["stage"] == "refine") & (out["year"] == 2035)]
    assert g["tonnes"].sum() == pytest.approx(total * 1000, abs=1e-3)


def test_outlook_demand_matches_raw_json_and_workbook() -> None:
    raw = json.loads((RAW / "iea_critical_minerals_2025"
                      / "iea_cm_data_explorer_2025_converted.json").read_text("utf-8"))
    kt = raw["totalDemand"]["Copper"]["totalDemand"]["STEPS"]["2040"]
    out = _outlook("outlook_demand.csv")
    hit = out[(out["edition"] == 2025) & (out["mineral"] == "copper") & (out["year"] == 2040)
              & (out["scenario"] == "STEPS") & (out["sector"] == "Total demand")]
    assert hit["demand_t"].iloc[0] == pytest.approx(kt * 1000)
    wb = openpyxl.load_workbook(RAW / "iea_critical_minerals_2024"
                                / "CM_Data_Explorer_May2024.xlsx", read_only=True,
                                data_only=True)
    sheet = wb["1 Total demand for key minerals"]
    assert sheet["A32"].value == "Lithium" and sheet["A37"].value == "Total demand"
    assert sheet["T5"].value == 2050 and sheet["P4"].value.startswith("Net Zero")
    nze_2050 = sheet["T37"].value
    hit = out[(out["edition"] == 2024) & (out["mineral"] == "lithium") & (out["year"] == 2050)
              & (out["scenario"] == "NZE") & (out["sector"] == "Total demand")]
    assert hit["demand_t"].iloc[0] == pytest.approx(nze_2050 * 1000)
    assert set(out["scenario"]) == {"BASE_YEAR", "STEPS", "APS", "NZE"}
