"""The embedded outlook years (2030, 2035) and the announced projects (issue 10, item 4).

Figures are checked against the raw files read here independently (csv / json, not the
curate code), and conversions against hand arithmetic.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest

from toolkit.chain import default_year, supply_at_year
from toolkit.io.datasets import load_embedded, load_tables, supply_table

DATASETS = Path(__file__).resolve().parent.parent / "datasets"
RAW = DATASETS / "raw" / "iea_critical_minerals_2025"
SIX = {"Copper": "copper", "Cobalt": "cobalt", "Lithium": "lithium", "Nickel": "nickel",
       "Graphite": "graphite", "Rare Earth Elements": "rare_earths"}
STAGE = {"mining": "mine", "refining": "refine"}
ISO3 = {"Argentina": "ARG", "Australia": "AUS", "Brazil": "BRA", "Canada": "CAN",
        "Chile": "CHL", "China": "CHN", "Democratic Republic of Congo": "COD",
        "Finland": "FIN", "Germany": "DEU", "India": "IND", "Indonesia": "IDN",
        "Japan": "JPN", "Madagascar": "MDG", "Malaysia": "MYS", "Mozambique": "MOZ",
        "Myanmar": "MMR", "New Caledonia": "NCL", "Peru": "PER", "Philippines": "PHL",
        "Russia": "RUS", "Sweden": "SWE", "Tanzania": "TZA", "United States": "USA",
        "Zimbabwe": "ZWE"}
YEARS = (2030, 2035)


def _raw_supply() -> dict[tuple[str, str, str, int], float]:
    """(mineral, stage, ISO3 or 'TOTAL', year) -> tonnes, from the raw IEA 2025 tidy CSV."""
    out = {}
    with (RAW / "iea_cm2025_supply_by_country_tidy.csv").open(newline="") as fh:
        for r in csv.DictReader(fh):
            if r["value"] == "" or r["row_type"] not in ("country", "total"):
                continue
            who = "TOTAL" if r["row_type"] == "total" else ISO3[r["row_label"]]
            out[(SIX[r["mineral"]], STAGE[r["stage"]], who, int(r["year"]))] = \
                float(r["value"]) * 1000.0
    return out


@pytest.fixture(scope="module")
def chain():
    return load_embedded()


@pytest.fixture(scope="module")
def raw():
    return _raw_supply()


def _year_supply(chain, year: int) -> pd.DataFrame:
    return chain.supply[chain.supply["year"] == year]


def _node(supply: pd.DataFrame, mineral: str, stage: str, country: str) -> float:
    hit = supply[(supply["mineral"] == mineral) & (supply["stage"] == stage)
                 & (supply["country"] == country)]["capacity_t"]
    return float(hit.sum())


@pytest.mark.parametrize("year", YEARS)
def test_iea_capacities_equal_the_raw_file(chain, raw, year):
    """Every country the IEA names (mine and refine, six minerals) has the raw figure, and
    each stage's world total is the IEA Total; rare-earth mining is the exception (IEA
    magnet REEs vs our USGS total REO: growth ratios, checked below)."""
    supply = _year_supply(chain, year)
    checked = 0
    for (mineral, stage, who, y), tonnes in raw.items():
        if y != year or (mineral, stage) == ("rare_earths", "mine"):
            continue
        if who == "TOTAL":
            g = supply[(supply["mineral"] == mineral) & (supply["stage"] == stage)]
            # rows are rounded to 3 decimals
            assert g["capacity_t"].sum() == pytest.approx(tonnes, abs=1e-3 * len(g)), \
                (mineral, stage)
        elif tonnes > 0:
            assert _node(supply, mineral, stage, who) == pytest.approx(tonnes, abs=1e-3), \
                (mineral, stage, who)
        checked += 1
    assert checked > 60


@pytest.mark.parametrize("year", YEARS)
def test_rare_earth_mining_grows_by_the_iea_ratio(chain, raw, year):
    """Our USGS 2024 REO tonnes x (IEA country figure in the year / in 2024)."""
    supply = _year_supply(chain, year)
    prod = pd.read_csv(DATASETS / "production.csv")
    today = prod[(prod["mineral"] == "rare_earths") & (prod["stage"] == "mine")
                 & (prod["year"] == 2024)].set_index("country")["tonnes"]
    for country in ("AUS", "CHN", "MMR", "USA"):
        ratio = raw[("rare_earths", "mine", country, year)] / \
            raw[("rare_earths", "mine", country, 2024)]
        assert _node(supply, "rare_earths", "mine", country) == pytest.approx(
            today[country] * ratio, rel=1e-6)
    # Australia: USGS 29,000 t REO in 2024 x IEA 12.715 / 3.235 kt = about 114 kt in 2030
    if year == 2030:
        assert _node(supply, "rare_earths", "mine", "AUS") == pytest.approx(114_000, rel=0.01)


def test_minerals_without_a_projection_are_held(chain):
    base = chain.at_year().supply
    for year in YEARS:
        supply = _year_supply(chain, year)
        for mineral, stage in (("gallium", "refine"), ("tungsten", "mine"),
                               ("aluminium", "refine")):
            now = base[(base["mineral"] == mineral) & (base["stage"] == stage)]
            then = supply[(supply["mineral"] == mineral) & (supply["stage"] == stage)]
            assert now.set_index("country")["capacity_t"].to_dict() == \
                then.set_index("country")["capacity_t"].to_dict()


def test_every_node_of_today_has_a_row_in_each_outlook_year(chain):
    base = chain.at_year().supply
    keys = set(zip(base["mineral"], base["stage"], base["country"], strict=True))
    for year in YEARS:
        s = _year_supply(chain, year)
        assert keys <= set(zip(s["mineral"], s["stage"], s["country"], strict=True))


def test_single_year_data_unchanged_by_the_outlook_rows(chain):
    """The data year's Supply equals the one built without the outlook file."""
    tables = load_tables()
    without = {k: v for k, v in tables.items() if k != "production_years.csv"}
    old = supply_table(without)
    old = supply_at_year(old, 2024.0).reset_index(drop=True)
    assert default_year(chain) == 2024.0
    new = chain.at_year().supply.reset_index(drop=True)
    pd.testing.assert_frame_equal(old, new)
    assert chain.at_year().demand["year"].eq(2024).all()


# ---------------------------------------------------------------------------------------
# Demand in the outlook years
# ---------------------------------------------------------------------------------------


def _steps_growth(label: str, year: int) -> float:
    data = json.loads((RAW / "iea_cm_data_explorer_2025_converted.json").read_text())
    total = data["totalDemand"][label]["totalDemand"]
    return total["STEPS"][str(year)] / total["2024"]


def _year_chain(chain, year: int):
    return chain.at_year() if year == 2024 else chain.in_year(year, 2024.0)


def test_planned_demand_grows_by_iea_steps(chain):
    base = chain.at_year().demand.set_index(["buyer", "mineral"])["demand_t"]
    d30 = chain.in_year(2030, 2024.0).demand.set_index(["buyer", "mineral"])["demand_t"]
    # lithium: 455.487 / 205.0 kt (STEPS 2030 / 2024)
    g = _steps_growth("Lithium", 2030)
    assert g == pytest.approx(455.487 / 205.0, rel=1e-5)
    for buyer in ("GBR", "JPN"):
        assert d30[(buyer, "lithium")] == pytest.approx(base[(buyer, "lithium")] * g,
                                                        rel=1e-6)
    # a mineral with no IEA projection: the OECD rate (167/90)^(1/43) - 1 over six years
    oecd = ((167 / 90) ** (1 / 43)) ** 6
    assert d30[("JPN", "gallium")] == pytest.approx(base[("JPN", "gallium")] * oecd,
                                                    abs=1e-3)  # rounded to 3 decimals


@pytest.mark.parametrize("year", (2024, *YEARS))
def test_world_demand_fits_every_stage(chain, year):
    """World demand (planned + market) <= world capacity of every stage, every mineral."""
    at = _year_chain(chain, year)
    cap = at.supply.groupby(["mineral", "stage"])["capacity_t"].sum()
    demand = at.demand.groupby("mineral")["demand_t"].sum()
    for (mineral, stage), c in cap.items():
        assert demand.get(mineral, 0.0) <= c * (1 + 1e-9) + 1e-6, (year, mineral, stage)


def test_shortfalls_are_the_minerals_where_iea_supply_is_below_iea_demand(chain):
    """The documented exception list: a mineral is marked SHORTFALL in a year exactly when
    its 2024 world demand grown by IEA STEPS exceeds the year's IEA-based tightest stage."""
    years = pd.read_csv(DATASETS / "demand_years.csv")
    marked = {(m, int(y)) for m, y, txt in zip(years["mineral"], years["year"],
                                               years["method"], strict=True)
              if "; SHORTFALL:" in txt}
    base = chain.at_year().demand.groupby("mineral")["demand_t"].sum()
    expected = set()
    for label, mineral in SIX.items():
        for year in YEARS:
            tight = _year_supply(chain, year)
            tight = tight[tight["mineral"] == mineral].groupby("stage")["capacity_t"].sum()
            if base[mineral] * _steps_growth(label, year) > tight.min():
                expected.add((mineral, year))
    assert marked == expected
    assert ("lithium", 2035) in marked and ("copper", 2035) in marked


# ---------------------------------------------------------------------------------------
# Projects
# ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def projects():
    return pd.read_csv(DATASETS / "projects.csv").set_index("project")


def test_every_project_is_cited_and_sits_on_a_modelled_stage(chain, projects):
    sources = pd.read_csv(DATASETS / "sources.csv").set_index("source_id")
    stages = chain.supply.groupby("mineral")["stage"].agg(set)
    for pid, r in projects.iterrows():
        assert isinstance(r["source"], str) and len(r["source"]) > 40, pid
        ids = r["source_id"].split(";")
        assert all(i in sources.index for i in ids), pid
        assert any(str(sources.loc[i, "url"]).startswith("http") for i in ids), pid
        assert r["stage"] in stages[r["mineral"]], pid
        assert r["online_year"] >= 2025, pid  # none online in the 2024 data year
        assert r["country"] != "CHN"
        assert r["basis"] in ("hand_entered", "assumption")
    assert 12 <= len(projects) <= 25


def test_project_capacity_on_the_content_basis_by_hand(projects):
    # Covalent Kwinana: 50,000 t LiOH.H2O x Li / (Li + O + H + H2O)
    li = 6.94 / (6.94 + 15.999 + 1.008 + 2 * 1.008 + 15.999)
    assert projects.loc["covalent_kwinana", "capacity_t"] == pytest.approx(50_000 * li,
                                                                           abs=0.01)
    assert projects.loc["covalent_kwinana", "capacity_t"] == pytest.approx(8269.4, abs=0.1)
    # Neo Narva: 2,000 t sintered NdFeB x 2 Nd / Nd2Fe14B = 533.7 t rare earth
    nd = 2 * 144.24 / (2 * 144.24 + 14 * 55.845 + 10.81)
    assert projects.loc["neo_narva_magnets", "capacity_t"] == pytest.approx(2000 * nd,
                                                                            abs=0.01)
    # Pensana Saltend: 4,500 t NdPr oxide, 3:1 Nd2O3:Pr6O11, as element
    ndpr = 0.75 * 288.484 / (288.484 + 47.997) + 0.25 * 845.448 / (845.448 + 175.989)
    assert projects.loc["pensana_saltend", "capacity_t"] == pytest.approx(4500 * ndpr,
                                                                          abs=0.01)


def test_project_capex_in_usd_by_hand(projects):
    # EUR 100m x 1.0817 USD/EUR (Fed G.5A 2023 average); AUD 1.75bn x 0.6644
    assert projects.loc["neo_narva_magnets", "capex_usd"] == pytest.approx(108_170_000)
    assert projects.loc["iluka_eneabba", "capex_usd"] == pytest.approx(1_162_700_000)
    assert projects.loc["pensana_saltend", "capex_usd"] == 195_000_000  # announced in USD
