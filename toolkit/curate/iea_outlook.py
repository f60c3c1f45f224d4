"""IEA outlook tables: supply by country (base case, 2030/2035/2040) and demand by scenario.

* ``outlook_supply.csv``: the IEA Critical Minerals Data Explorer supply sheets, 2024 edition
  (2023 + 2030/2035/2040; tidy CSV derived from the original workbook) and 2025 edition
  (2024 + 2030/2035/2040; tidy CSV derived from a third-party JSON conversion), base case,
  mining and refining, named countries plus ``ROW``.  ``ROW`` = IEA Total - named countries
  (the file's "Rest of world" differs for nickel: it double-counts Canada), so every
  (edition, mineral, stage, year) sums to the IEA Total.
* ``outlook_demand.csv``: total demand by sector and scenario (STEPS, APS, NZE; 2030-2050)
  and the base year, from the 2025 JSON ``totalDemand`` section and the 2024 workbook sheet
  "1 Total demand for key minerals".

Every value is an IEA model output (``basis = modelled``); kt x 1000 = tonnes.
"""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pandas as pd

from toolkit.curate.common import IEA_COUNTRY_ISO3, ROW

IEA2024_SUPPLY = "iea_critical_minerals_2024/iea_cm2024_supply_by_country_tidy.csv"
IEA2024_XLSX = "iea_critical_minerals_2024/CM_Data_Explorer_May2024.xlsx"
IEA2025_SUPPLY = "iea_critical_minerals_2025/iea_cm2025_supply_by_country_tidy.csv"
IEA2025_JSON = "iea_critical_minerals_2025/iea_cm_data_explorer_2025_converted.json"
EDITIONS = {"2024": "iea_cm_2024", "2025": "iea_cm_2025"}
OUTLOOK_MINERALS = {
    "Copper": "copper", "Cobalt": "cobalt", "Lithium": "lithium", "Nickel": "nickel",
    "Graphite": "graphite", "Rare Earth Elements": "rare_earths",
    "Magnet rare earth elements": "rare_earths",
    "Graphite (all grades: natural and synthetic)": "graphite",
}
OUTLOOK_COUNTRY_ISO3 = {
    **IEA_COUNTRY_ISO3, "Brazil": "BRA", "Madagascar": "MDG", "Mozambique": "MOZ",
    "Myanmar": "MMR", "New Caledonia": "NCL", "Peru": "PER", "Philippines": "PHL",
    "Tanzania": "TZA", "Zimbabwe": "ZWE",
}
STAGE = {"mining": "mine", "refining": "refine"}
SUPPLY_COLS = ["edition", "mineral", "iea_mineral", "stage", "country", "year", "scenario",
               "tonnes", "basis", "source_id", "note"]
DEMAND_COLS = ["edition", "mineral", "iea_mineral", "scenario", "sector", "year",
               "demand_t", "basis", "source_id"]
SCENARIOS = ("STEPS", "APS", "NZE")
BASE = "BASE_YEAR"
TOTAL_ROWS = {"totalClean": "Total clean technologies", "otherUses": "Other uses",
              "totalDemand": "Total demand"}


def _supply_group(edition: str, g: pd.DataFrame) -> list[dict]:
    """Rows of one (mineral, stage, year): named countries + ROW = Total - named."""
    first = g.iloc[0]
    base = {"edition": edition, "mineral": OUTLOOK_MINERALS[first["mineral"]],
            "iea_mineral": first["mineral"], "stage": STAGE[first["stage"]],
            "year": int(first["year"]), "basis": "modelled", "source_id": EDITIONS[edition],
            "scenario": BASE if int(first["year"]) in (2023, 2024) else "base case"}
    countries = g[(g["row_type"] == "country") & (g["value"] > 0)]
    total = float(g.loc[g["row_type"] == "total", "value"].iloc[0])
    rows = []
    for _, r in countries.iterrows():
        rows.append({**base, "country": OUTLOOK_COUNTRY_ISO3[r["row_label"]],
                     "tonnes": round(float(r["value"]) * 1000.0, 3),
                     "note": f"IEA {edition} edition, {r['row_label']} (kt x 1000)"})
    rest = total - float(countries["value"].sum())
    file_rest = g.loc[g["row_type"] == "rest_of_world", "value"]
    note = f"IEA Total {total:.3f} kt - named countries"
    if not file_rest.empty and abs(float(file_rest.iloc[0]) - rest) > 1e-6:
        note += f" (the file's 'Rest of world' {float(file_rest.iloc[0]):.3f} kt differs)"
    if rest > 1e-9:
        rows.append({**base, "country": ROW, "tonnes": round(rest * 1000.0, 3), "note": note})
    return rows


def build_outlook_supply(raw_dir: Path) -> pd.DataFrame:
    """``outlook_supply.csv`` from both IEA editions (base year and 2030/2035/2040)."""
    rows = []
    for edition, path in (("2024", IEA2024_SUPPLY), ("2025", IEA2025_SUPPLY)):
        df = pd.read_csv(raw_dir / path)
        df = df[df["value"].notna() & (df["row_type"] != "share")]
        for _, g in df.groupby(["mineral", "stage", "year"], sort=True):
            rows += _supply_group(edition, g)
    out = pd.DataFrame(rows, columns=SUPPLY_COLS)
    key = ["edition", "mineral", "stage", "country", "year"]
    return out.sort_values(key).reset_index(drop=True)


def _demand_rows(edition: str, label: str, sector: str, series: dict) -> list[dict]:
    """Tidy rows of one sector series ``{base_year: v, scenario: {year: v}}`` (kt)."""
    base = {"edition": edition, "mineral": OUTLOOK_MINERALS[label], "iea_mineral": label,
            "sector": sector, "basis": "modelled", "source_id": EDITIONS[edition]}
    rows = []
    for key, value in series.items():
        if key in SCENARIOS:
            rows += [{**base, "scenario": key, "year": int(y), "demand_t": round(v * 1000, 3)}
                     for y, v in value.items()]
        else:
            rows.append({**base, "scenario": BASE, "year": int(key),
                         "demand_t": round(value * 1000.0, 3)})
    return rows


def demand_2025(raw_dir: Path) -> list[dict]:
    """Demand rows of the 2025 edition (JSON ``totalDemand``: sectors and totals)."""
    data = json.loads((raw_dir / IEA2025_JSON).read_text(encoding="utf-8"))["totalDemand"]
    rows = []
    for label, block in data.items():
        for sector, series in block["sectors"].items():
            rows += _demand_rows("2025", label, sector, series)
        for key, sector in TOTAL_ROWS.items():
            rows += _demand_rows("2025", label, sector, block[key])
    return rows


def demand_2024(raw_dir: Path) -> list[dict]:
    """Demand rows of the 2024 edition (workbook sheet '1 Total demand for key minerals').

    Layout (checked): row 5 holds the years; column B = 2023, D-H STEPS, J-N APS,
    P-T NZE (2030-2050); a mineral block starts with a row whose only cell is its name.
    """
    wb = openpyxl.load_workbook(raw_dir / IEA2024_XLSX, read_only=True, data_only=True)
    cells = list(wb["1 Total demand for key minerals"].iter_rows(values_only=True))
    years = cells[4]
    if years[1] != 2023 or list(years[3:8]) != [2030, 2035, 2040, 2045, 2050]:
        raise ValueError("IEA 2024 demand sheet: unexpected year header")
    cols = {"STEPS": range(3, 8), "APS": range(9, 14), "NZE": range(15, 20)}
    rows, label = [], None
    for row in cells[6:]:
        head, values = row[0], row[1:20]
        if isinstance(head, str) and all(v is None for v in values):
            label = head if head in OUTLOOK_MINERALS else None
            continue
        if label is None or not isinstance(head, str) or head.startswith("Share"):
            continue
        series = {"2023": row[1], **{s: {str(years[c]): row[c] for c in idx}
                                     for s, idx in cols.items()}}
        rows += _demand_rows("2024", label, head.strip(), series)
    return rows


def build_outlook_demand(raw_dir: Path) -> pd.DataFrame:
    """``outlook_demand.csv``: both editions, base year and STEPS/APS/NZE 2030-2050."""
    out = pd.DataFrame(demand_2024(raw_dir) + demand_2025(raw_dir), columns=DEMAND_COLS)
    key = ["edition", "mineral", "scenario", "sector", "year"]
    if out.duplicated(key).any():
        raise ValueError("duplicate outlook demand keys")
    return out.sort_values(key).reset_index(drop=True)
