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
from toolkit.curate.usgs import read_mcs_full, read_mcs_world

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
    Mineral("magnesium", "Magnesium", "Mg metal (refine); MgO content of magnesite (mine)",
            "MAGNESIUM METAL", "Price, annual average: European free market, dollars per "
            "metric ton", 1.0, "European free market Mg metal USD/t", "refine", ("810411",)),
    Mineral("silicon", "Silicon", "Si content of silicon metal (ferrosilicon excluded)",
            "SILICON", "Price, average, cents per pound of silicon: Silicon metal", C_PER_LB,
            "metallurgical silicon metal US cents/lb x 22.0462", "refine", ("280469",)),
    Mineral("titanium", "Titanium", "Ti sponge metal (refine); TiO2 content of ilmenite + "
            "rutile (mine)", "TITANIUM AND TITANIUM DIOXIDE", "Price, dollars per kilogram",
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
    Mineral("pgm", "Platinum-group metals (Pt + Pd)", "Pt + Pd metal content",
            "PLATINUM-GROUP METALS", "", 0.0,
            "2024 mean of Pt and Pd Engelhard prices (USD/troy oz) weighted by 2024 USGS "
            "world mine output of each, x 32150.75 ozt/t", "refine", ("711011", "711021")),
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
    Mineral("chromium", "Chromium", "Cr content", "CHROMIUM",
            "Price: Ferrochromium (chromium content), dollars per pound", LB_PER_T,
            "ferrochromium USD/lb Cr contained x 2204.62", "refine"),
    Mineral("aluminium", "Aluminium", "Al metal (refine); bauxite gross dry weight (mine)",
            "ALUMINUM", "Price, ingot, average U.S. market (spot), cents per pound", C_PER_LB,
            "US market ingot US cents/lb x 22.0462", "refine"),
    Mineral("molybdenum", "Molybdenum", "Mo content", "MOLYBDENUM",
            "Price, average, dollars per kilogram", 1000.0,
            "molybdic oxide USD/kg Mo contained x 1000", "refine"),
    Mineral("zinc", "Zinc", "Zn content", "ZINC",
            "Price, average, cents per pound: London Metal Exchange (LME), cash", C_PER_LB,
            "LME cash US cents/lb x 22.0462", "refine"),
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


def pgm_price(full: pd.DataFrame, world: pd.DataFrame) -> tuple[float, str]:
    """Pt+Pd price in USD/t weighted by 2024 world mine output (USGS rounded totals)."""
    prices, weights, rows = {}, {}, []
    for metal in ("Platinum", "Palladium"):
        r = _price_row(full, "PLATINUM-GROUP METALS", f"Price, dollars per troy ounce: {metal}")
        prices[metal] = float(r["Value"].replace(",", ""))
        rows.append(r["source_row_number"])
        w = world[(world["MCS chapter"] == "PLATINUM-GROUP METALS")
                  & (world["Country"] == "World total")
                  & (world["Statistics_detail"] == f"Mine production: {metal}, rounded")
                  & (world["Year"] == str(PRICE_YEAR))]
        weights[metal] = float(w.iloc[0]["Value"].replace(",", ""))
    mean = sum(prices[m] * weights[m] for m in prices) / sum(weights.values())
    src = (f"USGS MCS 2026 PGM salient prices rows {'+'.join(rows)} (Pt {prices['Platinum']}, "
           f"Pd {prices['Palladium']} USD/ozt, {PRICE_YEAR}), weights = world mine output "
           f"{PRICE_YEAR} (Pt {weights['Platinum']:.0f} kg, Pd {weights['Palladium']:.0f} kg)")
    return mean * OZT_PER_T, src


def build_minerals(raw_dir: Path) -> pd.DataFrame:
    """Build ``minerals.csv``: ids, content basis and 2024 USGS unit price in USD/t."""
    full, world = read_mcs_full(raw_dir), read_mcs_world(raw_dir)
    rows = []
    for m in MINERALS:
        if m.mineral == "pgm":
            price, src = pgm_price(full, world)
            src = f"{src}; {m.price_note}"
        else:
            r = _price_row(full, m.usgs_chapter, m.price_detail)
            price = float(r["Value"].replace(",", "")) * m.price_factor
            src = (f"USGS MCS 2026 {m.usgs_chapter} salient statistics row "
                   f"{r['source_row_number']}: '{m.price_detail}' = {r['Value']} "
                   f"({PRICE_YEAR}); {m.price_note}")
        rows.append({"mineral": m.mineral, "name": m.name, "unit": "t",
                     "content_basis": m.content_basis, "usgs_chapter": m.usgs_chapter,
                     "unit_price_usd_per_t": round(price, 2), "price_year": PRICE_YEAR,
                     "price_source": src})
    return pd.DataFrame(rows).sort_values("mineral").reset_index(drop=True)

