"""The mineral registry (ids, content bases, USGS price rows) and ``minerals.csv``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from toolkit.curate.common import (
    LB_PER_T,
    LI_IN_LI2CO3,
    NB_IN_FENB,
    OZT_PER_T,
    PRICE_YEAR,
    TA_IN_TA2O5,
    V_IN_V2O5,
    W_KG_PER_MTU_WO3,
)
from toolkit.curate.usgs import read_mcs_full

# ---------------------------------------------------------------------------------------
# Minerals
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mineral:
    """Static description of one mineral id and how its USGS price is converted.

    Attributes
    ----------
    mineral, name, content_basis, usgs_chapter
        Identity and the meaning of one tonne (may differ by stage; stated in the text).
    price_detail
        Exact ``Statistics_detail`` of the MCS 2026 US salient price row (year 2024).
    price_factor
        Multiplier from the quoted unit to USD per tonne of the content basis.
    price_note
        How the conversion was done (written to ``minerals.csv``).
    price_stage
        Stage whose product the quoted price refers to (``mine`` or ``refine``).
    hs6
        BACI HS6 codes used for trade (empty: no usable code in the extract).
    trade_stage
        Stage whose domestic production is added to net imports for demand.
    """

    mineral: str
    name: str
    content_basis: str
    usgs_chapter: str
    price_detail: str
    price_factor: float
    price_note: str
    price_stage: str
    hs6: tuple[str, ...] = ()
    trade_stage: str = "refine"


C_PER_LB = LB_PER_T / 100.0
MINERALS: tuple[Mineral, ...] = (
    Mineral("lithium", "Lithium", "Li content (refine: Li content of lithium chemicals, IEA)",
            "LITHIUM", "Price, annual average-real, battery-grade lithium carbonate, dollars "
            "per metric ton", 1.0 / LI_IN_LI2CO3,
            "battery-grade Li2CO3 USD/t divided by Li mass fraction of Li2CO3 (0.18785)",
            "refine", ("283691",)),
    Mineral("cobalt", "Cobalt", "Co content", "COBALT",
            "Price, average, dollars per pound: London Metal Exchange (LME), cash", LB_PER_T,
            "LME cash USD/lb x 2204.62 lb/t", "refine", ("282200",)),
    Mineral("nickel", "Nickel", "Ni content", "NICKEL",
            "Price, average annual, London Metal Exchange (LME), cash: Dollars per metric ton",
            1.0, "LME cash USD/t", "refine", ("750210",)),
    Mineral("graphite", "Graphite", "gross natural graphite (mine); battery-grade graphite "
            "incl. synthetic (refine, IEA)", "GRAPHITE (NATURAL)",
            "Price, average unit value of imports, dollars per metric ton at foreign ports: "
            "Flake", 1.0, "US import unit value of flake graphite USD/t (mine product)",
            "mine", ("250490",), "mine"),
    Mineral("rare_earths", "Rare earths", "REO equivalent (mine, USGS); magnet rare earth "
            "elements Nd+Pr+Dy+Tb (refine/manufacture, IEA)", "RARE EARTHS",
            "Price, average, dollars per kilogram: Neodymium-praseodymium (NdPr) oxide, 99% "
            "minimum", 1000.0, "NdPr oxide USD/kg x 1000 (magnet REO; overstates the value "
            "of an average REO basket)", "refine"),
    Mineral("copper", "Copper", "Cu content", "COPPER",
            "Price, annual average, cents per pound: London Metal Exchange, grade A, cash",
            C_PER_LB, "LME grade A cash US cents/lb x 22.0462", "refine", ("740311",)),
    Mineral("gallium", "Gallium", "Ga metal (primary low-purity production)", "GALLIUM",
            "Price, average unit value of imports, dollars per kilogram", 1000.0,
            "US import unit value of gallium metal USD/kg x 1000", "refine"),
    Mineral("germanium", "Germanium", "Ge metal", "GERMANIUM",
            "Price, annual average, dollars per kilogram: Germanium metal", 1000.0,
            "European Ge metal price USD/kg x 1000", "refine"),
    Mineral("tungsten", "Tungsten", "W content", "TUNGSTEN",
            "Price, concentrate, average in-warehouse Rotterdam, dollars per dry metric ton "
            "unit of tungsten trioxide", 1000.0 / W_KG_PER_MTU_WO3,
            "concentrate USD per mtu WO3 x 1000 / 7.93 kg W per mtu (USGS note)", "mine",
            ("810194",)),
    Mineral("antimony", "Antimony", "Sb content", "ANTIMONY",
            "Price, metal, average, dollars per pound", LB_PER_T,
            "metal USD/lb x 2204.62", "refine", ("811010",)),
    Mineral("manganese", "Manganese", "Mn content", "MANGANESE",
            "Price, average, manganese content, cost, insurance, and freight, China, dollars "
            "per metric ton unit", 100.0,
            "ore USD per mtu Mn (10 kg) x 100 = USD/t Mn contained", "mine", ("260200",),
            "mine"),
    Mineral("vanadium", "Vanadium", "V content", "VANADIUM",
            "Price, average, vanadium pentoxide, dollars per pound", LB_PER_T / V_IN_V2O5,
            "V2O5 USD/lb x 2204.62 / V mass fraction of V2O5 (0.5602)", "refine",
            ("720292",)),
    Mineral("magnesium", "Magnesium", "Mg content (mine: gross magnesite x 0.478 MgO x "
            "0.603 Mg/MgO; refine: Mg metal; magnesite feeds mostly refractories, Mg metal is "
            "mostly made from dolomite)",
            "MAGNESIUM METAL", "Price, annual average: European free market, dollars per "
            "metric ton", 1.0, "European free market Mg metal USD/t", "refine", ("810411",)),
    Mineral("silicon", "Silicon", "Si content of silicon metal (ferrosilicon excluded)",
            "SILICON", "Price, average, cents per pound of silicon: Silicon metal", C_PER_LB,
            "metallurgical silicon metal US cents/lb x 22.0462", "refine", ("280469",)),
    Mineral("titanium", "Titanium", "Ti content (mine: TiO2 content of ilmenite + rutile x "
            "0.5993; refine: Ti sponge metal; most TiO2 feeds pigment, not metal)",
            "TITANIUM AND TITANIUM DIOXIDE", "Price, dollars per kilogram",
            1000.0, "titanium sponge US import unit value USD/kg x 1000", "refine",
            ("810820",)),
    Mineral("bismuth", "Bismuth", "Bi metal", "BISMUTH", "Price, average, dollars per pound",
            LB_PER_T, "99.99 % metal Rotterdam USD/lb x 2204.62", "refine"),
    Mineral("indium", "Indium", "In metal", "INDIUM",
            "Price, annual average, dollars per kilogram: Rotterdam, duties unpaid", 1000.0,
            "Rotterdam 99.99 % USD/kg x 1000", "refine"),
    Mineral("tellurium", "Tellurium", "Te content", "TELLURIUM",
            "Price, annual average, dollars per kilogram: Europe", 1000.0,
            "Europe 99.99 % USD/kg x 1000", "refine"),
    Mineral("platinum", "Platinum", "Pt metal content", "PLATINUM-GROUP METALS",
            "Price, dollars per troy ounce: Platinum", OZT_PER_T,
            "Engelhard unfabricated Pt USD/troy oz x 32150.75 ozt/t", "refine", ("711011",)),
    Mineral("palladium", "Palladium", "Pd metal content", "PLATINUM-GROUP METALS",
            "Price, dollars per troy ounce: Palladium", OZT_PER_T,
            "Engelhard unfabricated Pd USD/troy oz x 32150.75 ozt/t", "refine", ("711021",)),
    Mineral("niobium", "Niobium", "Nb content", "NIOBIUM (COLUMBIUM)",
            "Price, average unit value, ferroniobium, dollars per kilogram",
            1000.0 / NB_IN_FENB, "ferroniobium USD/kg gross x 1000 / 0.65 Nb in FeNb "
            "(assumed grade)", "refine", ("720293",)),
    Mineral("tantalum", "Tantalum", "Ta content", "TANTALUM",
            "Price, tantalite, annual average, dollars per kilogram of tantalum oxide (Ta2O5) "
            "content", 1000.0 / TA_IN_TA2O5,
            "tantalite USD/kg Ta2O5 x 1000 / Ta mass fraction of Ta2O5 (0.8190)", "mine",
            ("810320",)),
    Mineral("tin", "Tin", "Sn content", "TIN",
            "Price, average, cents per pound: London Metal Exchange (LME), cash", C_PER_LB,
            "LME cash US cents/lb x 22.0462", "refine"),
    Mineral("chromium", "Chromium", "Cr content (mine: gross chromite x 0.40 Cr2O3, "
            "ASSUMPTION, x 0.6842 Cr/Cr2O3; refine: Cr content of ferrochrome)", "CHROMIUM",
            "Price: Ferrochromium (chromium content), dollars per pound", LB_PER_T,
            "ferrochromium USD/lb Cr contained x 2204.62", "refine"),
    Mineral("aluminium", "Aluminium", "Al content (mine: dry bauxite / 4, USGS rule of "
            "thumb; refine: Al metal)",
            "ALUMINUM", "Price, ingot, average U.S. market (spot), cents per pound", C_PER_LB,
            "US market ingot US cents/lb x 22.0462", "refine"),
    Mineral("molybdenum", "Molybdenum", "Mo content", "MOLYBDENUM",
            "Price, average, dollars per kilogram", 1000.0,
            "molybdic oxide USD/kg Mo contained x 1000", "refine"),
    Mineral("zinc", "Zinc", "Zn content", "ZINC",
            "Price, average, cents per pound: London Metal Exchange (LME), cash", C_PER_LB,
            "LME cash US cents/lb x 22.0462", "refine"),
    # Minerals of the US 2025 critical-minerals list with an MCS 2026 world table (no HS6
    # codes here: their demand is left to the fallback rule in trade.py).
    Mineral("arsenic", "Arsenic", "As content (As2O3 gross weight x 0.7571, USGS note)",
            "ARSENIC", "Price, metal, annual average, U.S. warehouse, dollars per pound",
            LB_PER_T, "99 % As metal US warehouse USD/lb x 2204.62", "refine"),
    Mineral("barite", "Barite", "gross weight of barite (mine only)", "BARITE",
            "Price, average unit value, ground, ex-works, dollars per metric ton", 1.0,
            "ground barite ex-works USD/t gross weight", "mine"),
    Mineral("beryllium", "Beryllium", "Be content (mine only; USGS: 4 % Be in beryl and "
            "bertrandite)", "BERYLLIUM", "Price, annual average unit value, beryllium-copper "
            "master alloy, dollars per kilogram of contained beryllium", 1000.0,
            "Be-Cu master alloy USD/kg Be contained x 1000", "refine"),
    Mineral("boron", "Boron", "reported gross tonnes of each country's product form, summed "
            "(ASSUMPTION: forms treated as comparable; USGS: world totals cannot be "
            "calculated; mine only)", "BORON", "Price, average unit value of combined "
            "imports, cost, insurance, and freight, dollars per metric ton", 1.0,
            "US import unit value of borates USD/t gross", "mine"),
    Mineral("fluorspar", "Fluorspar", "gross weight of fluorspar, all grades (mine only)",
            "FLUORSPAR", "Price, average unit value of imports, cost, insurance, and freight, "
            "dollars per metric ton: Acid grade", 1.0,
            "US import unit value of acid-grade fluorspar USD/t gross", "mine"),
    Mineral("lead", "Lead", "Pb content (mine only)", "LEAD",
            "Price, average, North American, cents per pound", C_PER_LB,
            "North American lead US cents/lb x 22.0462", "refine"),
    Mineral("phosphate", "Phosphate rock", "gross weight of marketable phosphate rock "
            "(mine only)", "PHOSPHATE ROCK", "Price, average value, f.o.b. mine, dollars per "
            "metric ton", 1.0, "marketable phosphate rock f.o.b. mine USD/t gross", "mine"),
    Mineral("potash", "Potash", "K2O equivalent (mine only)", "POTASH",
            "Price, average, f.o.b. mine, dollars per metric ton of K2O equivalent: All "
            "products", 1.0, "US potash f.o.b. mine USD/t K2O equivalent", "mine"),
    Mineral("rhenium", "Rhenium", "Re content (mine = Re recovered from Cu/Mo roasting)",
            "RHENIUM", "Price, average value, gross weight, dollars per kilogram: Metal, "
            "99.99% pure", 1000.0, "Re metal pellets USD/kg x 1000", "refine"),
    Mineral("silver", "Silver", "Ag content (mine only)", "SILVER",
            "Price, bullion, average, dollars per troy ounce", OZT_PER_T,
            "Engelhard bullion USD/troy oz x 32150.75", "refine"),
    Mineral("zirconium", "Zirconium", "gross weight of zirconium mineral concentrates "
            "(zircon; mine only)", "ZIRCONIUM AND HAFNIUM", "Price: Zircon, dollars per "
            "metric ton (gross weight): Premium grade, cost, insurance, and freight, China",
            1.0, "premium zircon CIF China USD/t gross", "mine"),
)
MINERAL_BY_ID = {m.mineral: m for m in MINERALS}

# ---------------------------------------------------------------------------------------
# Prices and minerals.csv
# ---------------------------------------------------------------------------------------


def _price_row(full: pd.DataFrame, chapter: str, detail: str) -> pd.Series:
    """Return the single 2024 US salient price row for a chapter and detail."""
    sel = full[(full["MCS chapter"] == chapter) & (full["Statistics_detail"] == detail)
               & (full["Year"] == str(PRICE_YEAR))]
    if len(sel) != 1:
        raise ValueError(f"expected one price row for {chapter} / {detail}, got {len(sel)}")
    return sel.iloc[0]


def _mineral_source_ids(m: Mineral) -> str:
    """Source ids behind a ``minerals.csv`` row: the USGS price row, plus ``assumption``
    when the price conversion or the content basis rests on an assumption."""
    ids = ["usgs_mcs2026"]
    if "ASSUMPTION" in m.content_basis or "assumed" in m.price_note:
        ids.append("assumption")
    return ";".join(ids)


def build_minerals(raw_dir: Path) -> pd.DataFrame:
    """Build ``minerals.csv``: ids, content basis and 2024 USGS unit price in USD/t."""
    full = read_mcs_full(raw_dir)
    rows = []
    for m in MINERALS:
        r = _price_row(full, m.usgs_chapter, m.price_detail)
        price = float(r["Value"].replace(",", "")) * m.price_factor
        src = (f"USGS MCS 2026 {m.usgs_chapter} salient statistics row "
               f"{r['source_row_number']}: '{m.price_detail}' = {r['Value']} "
               f"({PRICE_YEAR}); {m.price_note}")
        rows.append({"mineral": m.mineral, "name": m.name, "unit": "t",
                     "content_basis": m.content_basis, "usgs_chapter": m.usgs_chapter,
                     "unit_price_usd_per_t": round(price, 2), "price_year": PRICE_YEAR,
                     "price_source": src, "source_id": _mineral_source_ids(m)})
    return pd.DataFrame(rows).sort_values("mineral").reset_index(drop=True)

