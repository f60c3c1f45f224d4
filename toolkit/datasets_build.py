"""Build the embedded reference dataset (``datasets/*.csv``) from the raw files.

Pure derivation code: every number in the output tables is read from a raw file in
``datasets/raw/`` or is a hand-entered figure defined in this module next to its
citation (publication, table/section, year).  Rebuild with::

    python -m toolkit.datasets_build

Only pandas and the standard library are used.  See ``datasets/PROVENANCE.md`` for the
sources, derivations, caveats and the list of hand-entered figures and assumptions.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

# ---------------------------------------------------------------------------------------
# Raw files (paths relative to the raw directory; copies of data/raw files, names kept)
# ---------------------------------------------------------------------------------------
MCS2026_WORLD = "usgs_mcs2026/MCS2026_World_sections_extract_utf8.csv"
MCS2026_FULL = "usgs_mcs2026/MCS2026_Commodities_Data.csv"  # cp1252
IEA2025_SUPPLY = "iea_critical_minerals_2025/iea_cm2025_supply_by_country_tidy.csv"
WGI2023 = "wb_wgi/wgi_2023_estimates_wide.csv"
BACI2024 = "cepii_baci_extract/baci_hs17_v202601_critical_hs6_2024.csv"
BACI_COUNTRIES = "cepii_baci_extract/country_codes_V202601.csv"
BACI_HS_MAP = "cepii_baci_extract/critical_hs_codes_mapping.json"
MCS2022_GERMANIUM = "usgs_mcs2022_partial/world/mcs2022-germa_world.csv"  # UTF-8 with BOM
BGS_REFINED_YEARS = "derived_atlas_bgs_eucrm/refined_years.json"

USGS_YEARS = (2024, 2025)  # MCS 2026 world tables: 2024 (revised) and 2025 (estimated)
USGS_ESTIMATE_YEAR = 2025  # latest year of an MCS edition is always an estimate
PRICE_YEAR = 2024  # latest final (non-estimated) year of MCS 2026 salient statistics
TRADE_YEAR = 2024
IEA_YEAR = 2024
ROW = "ROW"
BUYERS = ("GBR", "JPN")
STAGES = ("mine", "refine", "manufacture")

# Unit conversions -----------------------------------------------------------------------
LB_PER_T = 2204.62262  # pounds per metric ton
OZT_PER_T = 32150.7466  # troy ounces per metric ton
TONNES_PER_UNIT = {
    "metric tons": 1.0,
    "thousand metric tons": 1000.0,
    "thousand metric dry tons": 1000.0,
    "kilograms": 0.001,
}
# Mass fractions from standard atomic weights (IUPAC): Li 6.94, C 12.011, O 15.999,
# V 50.9415, Ta 180.948.
LI_IN_LI2CO3 = 2 * 6.94 / (2 * 6.94 + 12.011 + 3 * 15.999)
V_IN_V2O5 = 2 * 50.9415 / (2 * 50.9415 + 5 * 15.999)
TA_IN_TA2O5 = 2 * 180.948 / (2 * 180.948 + 5 * 15.999)
W_KG_PER_MTU_WO3 = 7.93  # USGS MCS 2026 Tungsten note: 1 mtu WO3 contains 7.93 kg W
NB_IN_FENB = 0.65  # ASSUMPTION: standard-grade ferroniobium ~65 % Nb (see PROVENANCE)

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

# USGS world production series: (mineral, stage) -> (chapter, Statistics_detail values).
# Several details are summed per country (PGM = Pt + Pd; titanium = ilmenite + rutile;
# tellurium variants reported for single countries).
USGS_SERIES: dict[tuple[str, str], tuple[str, tuple[str, ...]]] = {
    ("lithium", "mine"): ("LITHIUM", ("Mine production",)),
    ("cobalt", "mine"): ("COBALT", ("Mine production",)),
    ("nickel", "mine"): ("NICKEL", ("Mine production",)),
    ("graphite", "mine"): ("GRAPHITE (NATURAL)", ("Mine production",)),
    ("rare_earths", "mine"): ("RARE EARTHS", ("Mine production",)),
    ("copper", "mine"): ("COPPER", ("Mine production",)),
    ("tungsten", "mine"): ("TUNGSTEN", ("Mine production",)),
    ("antimony", "mine"): ("ANTIMONY", ("Mine production",)),
    ("manganese", "mine"): ("MANGANESE", ("Mine production",)),
    ("vanadium", "mine"): ("VANADIUM", ("Mine production",)),
    ("magnesium", "mine"): ("MAGNESIUM COMPOUNDS", ("Mine production",)),
    ("titanium", "mine"): ("TITANIUM MINERAL CONCENTRATES",
                           ("Mine production: Ilmenite", "Mine production: Rutile")),
    ("pgm", "mine"): ("PLATINUM-GROUP METALS",
                      ("Mine production: Platinum", "Mine production: Palladium")),
    ("niobium", "mine"): ("NIOBIUM (COLUMBIUM)", ("Mine production",)),
    ("tantalum", "mine"): ("TANTALUM", ("Mine production",)),
    ("tin", "mine"): ("TIN", ("Mine production",)),
    ("chromium", "mine"): ("CHROMIUM", ("Mine production",)),
    ("aluminium", "mine"): ("BAUXITE AND ALUMINA", ("Bauxite, mine production",)),
    ("molybdenum", "mine"): ("MOLYBDENUM", ("Mine production",)),
    ("zinc", "mine"): ("ZINC", ("Mine production",)),
    ("gallium", "refine"): ("GALLIUM", ("Primary production",)),
    ("magnesium", "refine"): ("MAGNESIUM METAL", ("Smelter production",)),
    ("silicon", "refine"): ("SILICON", ("Silicon metal",)),
    ("titanium", "refine"): ("TITANIUM AND TITANIUM DIOXIDE",
                             ("Titanium sponge metal production",)),
    ("bismuth", "refine"): ("BISMUTH", ("Refinery production",)),
    ("indium", "refine"): ("INDIUM", ("Refinery production",)),
    ("tellurium", "refine"): ("TELLURIUM", ("Refinery production",
                                            "Refinery production: concentrate",
                                            "Refinery production: copper telluride")),
    ("aluminium", "refine"): ("ALUMINUM", ("Smelter production",)),
}

# IEA Critical Minerals Data Explorer 2025 mineral labels -> mineral id (refining stage).
IEA_MINERALS = {
    "Lithium": "lithium",
    "Cobalt": "cobalt",
    "Nickel": "nickel",
    "Graphite": "graphite",
    "Rare Earth Elements": "rare_earths",
    "Copper": "copper",
}
IEA_REFINE_LABEL = {
    "lithium": "lithium chemicals (Li content)",
    "cobalt": "refined cobalt",
    "nickel": "refined nickel",
    "graphite": "battery-grade graphite (natural + synthetic)",
    "rare_earths": "magnet rare earth elements (Nd, Pr, Dy, Tb)",
    "copper": "refined copper",
}

# ---------------------------------------------------------------------------------------
# Hand-entered figures (each with publication, section/figure and year)
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ManufactureShare:
    """A published China share of a manufacturing step, converted to tonnes of mineral."""

    mineral: str
    product: str
    china_share: float
    quote: str
    source_id: str
    citation: str


IEA_GEVO_2024_CITE = (
    "IEA (2024) Global EV Outlook 2024, chapter 'Trends in electric vehicle batteries', "
    "section 'Battery supply and demand' (https://www.iea.org/reports/global-ev-outlook-2024/"
    "trends-in-electric-vehicle-batteries), CC BY 4.0"
)
IEA_COMMENTARY_2025_CITE = (
    "IEA (2025) commentary 'With new export controls on critical minerals, supply "
    "concentration risks become reality', 23 Oct 2025; figure as reported by Rare Earth "
    "Exchanges, 24 Oct 2025 (https://rareearthexchanges.com/news/the-mineral-chessboard-iea-"
    "sounds-alarm-as-china-tightens-its-grip)"
)
MANUFACTURE_SHARES: tuple[ManufactureShare, ...] = (
    ManufactureShare("graphite", "anode active material manufacturing capacity", 0.97,
                     "China 'over 97%' of anode active material manufacturing capacity "
                     "(lower bound used)", "iea_gevo_2024", IEA_GEVO_2024_CITE),
    ManufactureShare("lithium", "cathode active material manufacturing capacity", 0.90,
                     "China 'nearly 90%' of installed cathode active material "
                     "manufacturing capacity", "iea_gevo_2024", IEA_GEVO_2024_CITE),
    ManufactureShare("cobalt", "cathode active material manufacturing capacity", 0.90,
                     "China 'nearly 90%' of installed cathode active material "
                     "manufacturing capacity", "iea_gevo_2024", IEA_GEVO_2024_CITE),
    ManufactureShare("nickel", "cathode active material manufacturing capacity", 0.90,
                     "China 'nearly 90%' of installed cathode active material "
                     "manufacturing capacity", "iea_gevo_2024", IEA_GEVO_2024_CITE),
    ManufactureShare("rare_earths", "permanent magnet manufacturing", 0.94,
                     "China '94 percent of permanent-magnet manufacturing'",
                     "iea_commentary_2025", IEA_COMMENTARY_2025_CITE),
)

# Germanium refine stage (no world table in MCS 2026).
# 2021: USGS MCS 2022 data release, germanium world table ("Primary and secondary refinery
#   production", column Prod_kg_Est_2021): China 95,000 kg, Russia 5,000 kg, Other countries
#   40,000 kg, United States W, World total (rounded) 140,000 kg.  China = 95/140 = 67.9 %,
#   the "68% of global refinery production, estimated at 140,000kg in 2021, according to the
#   US Geological Survey" quoted by Graphic News (D. Mil, 10 Jul 2023) and TalkMarkets.
# 2024: BGS World Mineral Statistics country shares of germanium metal production, rounded
#   integer percent, as derived by the third-party repository Varcolacus/critical-materials-
#   atlas (out/refined_years.json) x the 2021 USGS world total.  ASSUMPTION: the world total
#   is unchanged since 2021 (no newer USGS or BGS world total in the raw data).
GERMANIUM_YEAR_USGS = 2021
GERMANIUM_YEAR_BGS = 2024
GERMANIUM_USGS_COLUMN = "Prod_kg_Est_2021"
GRAPHIC_NEWS_CITE = (
    "Graphic News, D. Mil, 'China restricts export of high-tech metals', 10 Jul 2023 "
    "(https://www.graphicnews.com/de/pages/44524/economy-gallium-germanium-exporte) and "
    "TalkMarkets (same wording): China '68% of global refinery production, estimated at "
    "140,000kg in 2021, according to the US Geological Survey'"
)
BGS_ISO2_ISO3 = {"CN": "CHN", "US": "USA", "RU": "RUS", "FI": "FIN", "JP": "JPN"}

# Trading partners of the UK and Japan (``countries.csv``).  Sources: G7 membership;
# EU27 (Council of the EU); Minerals Security Partnership (MSP) partner list on the U.S.
# Department of State MSP page (archived 2021-2025 site,
# https://2021-2025.state.gov/minerals-security-partnership/, "a collaboration of 14
# countries and the EU"): Australia, Canada, Estonia, Finland, France, Germany, India,
# Italy, Japan, Norway, the Republic of Korea, Sweden, the United Kingdom, the United States
# and the European Union.  Argentina was reported (Aug 2024) as set to join but is not on
# that list, so it is not counted.  CPTPP members are NOT counted as partners.
G7 = ("CAN", "FRA", "DEU", "ITA", "JPN", "GBR", "USA")
EU27 = ("AUT", "BEL", "BGR", "HRV", "CYP", "CZE", "DNK", "EST", "FIN", "FRA", "DEU", "GRC",
        "HUN", "IRL", "ITA", "LVA", "LTU", "LUX", "MLT", "NLD", "POL", "PRT", "ROU", "SVK",
        "SVN", "ESP", "SWE")
MSP = ("AUS", "CAN", "EST", "FIN", "FRA", "DEU", "IND", "ITA", "JPN", "NOR", "KOR", "SWE",
       "GBR", "USA")
BRIEF_ALLIES = ("AUS", "CAN", "KOR")

# USGS country names -> ISO3.  An unmapped name raises (nothing is silently dropped).
USGS_COUNTRY_ISO3 = {
    "Argentina": "ARG", "Armenia": "ARM", "Australia": "AUS", "Austria": "AUT",
    "Bahrain": "BHR", "Belgium": "BEL", "Bhutan": "BTN", "Bolivia": "BOL", "Brazil": "BRA",
    "Bulgaria": "BGR", "Burma": "MMR", "Burundi": "BDI", "Canada": "CAN", "Chile": "CHL",
    "China": "CHN", "Congo (Kinshasa)": "COD", "Congo (Brazzaville)": "COG", "Cuba": "CUB",
    "Côte d\u2019Ivoire": "CIV", "Ethiopia": "ETH", "Finland": "FIN", "France": "FRA",
    "Gabon": "GAB", "Germany": "DEU", "Ghana": "GHA", "Greece": "GRC", "Greenland": "GRL",
    "Guatemala": "GTM", "Guinea": "GIN", "Iceland": "ISL", "India": "IND",
    "Indonesia": "IDN", "Iran": "IRN", "Ireland": "IRL", "Israel": "ISR", "Jamaica": "JAM",
    "Japan": "JPN", "Kazakhstan": "KAZ", "Kenya": "KEN", "Korea, North": "PRK",
    "Korea, Republic of": "KOR", "Kyrgyzstan": "KGZ", "Laos": "LAO", "Madagascar": "MDG",
    "Malaysia": "MYS", "Mali": "MLI", "Mexico": "MEX", "Mongolia": "MNG",
    "Mozambique": "MOZ", "New Caledonia": "NCL", "Nigeria": "NGA", "Norway": "NOR",
    "Other countries": ROW, "Pakistan": "PAK", "Papua New Guinea": "PNG", "Peru": "PER",
    "Philippines": "PHL", "Poland": "POL", "Portugal": "PRT", "Russia": "RUS",
    "Rwanda": "RWA", "Saudi Arabia": "SAU", "Senegal": "SEN", "Sierra Leone": "SLE",
    "Slovakia": "SVK", "South Africa": "ZAF", "Spain": "ESP", "Sri Lanka": "LKA",
    "Sweden": "SWE", "Tajikistan": "TJK", "Tanzania": "TZA", "Thailand": "THA",
    "Turkey": "TUR", "Ukraine": "UKR", "United Arab Emirates": "ARE",
    "United Kingdom": "GBR", "United States": "USA", "Uzbekistan": "UZB", "Vietnam": "VNM",
    "Zambia": "ZMB", "Zimbabwe": "ZWE",
}
IEA_COUNTRY_ISO3 = {
    "Argentina": "ARG", "Australia": "AUS", "Canada": "CAN", "Chile": "CHL", "China": "CHN",
    "Democratic Republic of Congo": "COD", "Finland": "FIN", "Germany": "DEU",
    "India": "IND", "Indonesia": "IDN", "Japan": "JPN", "Malaysia": "MYS", "Russia": "RUS",
    "Sweden": "SWE", "United States": "USA",
}
# World Bank WGI codes that are not ISO 3166-1 alpha-3.
WGI_CODE_FIX = {"ADO": "AND", "ROM": "ROU", "ZAR": "COD", "TMP": "TLS", "WBG": "PSE",
                "KSV": "XKX"}
# BACI codes that are not ISO3: CEPII code 490 "Other Asia, nes" is Taiwan in UN Comtrade.
BACI_CODE_FIX = {"S19": "TWN"}
ROW_NAME = "Rest of world / Other countries (aggregate)"
USGS_SKIP_TOKENS = {"W", "NA", "XX", "E", "s"}

# Cost-stage rule (ASSUMPTION): mine-stage unit value = 50 % of the refined-product price;
# refined = 2x a mine-product price; manufacture = refined price (contained value only).
MINE_TO_REFINE_RATIO = 0.5


# ---------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------


def parse_usgs_value(text: str) -> float | None:
    """Parse a USGS MCS value cell.

    Parameters
    ----------
    text : str
        Raw cell text, e.g. ``"1,270,000"``, ``"—"`` (zero), ``"W"``.

    Returns
    -------
    float or None
        The number (0.0 for an em dash) or ``None`` for withheld / not available tokens.

    Raises
    ------
    ValueError
        For text that is neither a number nor a known token.
    """
    t = text.strip()
    if t in ("\u2014", "-", "0"):
        return 0.0
    if t in USGS_SKIP_TOKENS or t == "":
        return None
    return float(t.replace(",", ""))


def usgs_iso3(name: str) -> str:
    """Map a USGS country name to ISO3 (``ROW`` for "Other countries").

    Raises
    ------
    KeyError
        If the name is not in :data:`USGS_COUNTRY_ISO3`.
    """
    if name not in USGS_COUNTRY_ISO3:
        raise KeyError(f"unmapped USGS country name: {name!r}")
    return USGS_COUNTRY_ISO3[name]


def fix_mojibake(text: str) -> str:
    """Undo UTF-8 text that was decoded as Latin-1 and re-encoded (BACI country names)."""
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def tf(flag: bool) -> str:
    """Render a boolean as ``TRUE`` / ``FALSE``."""
    return "TRUE" if flag else "FALSE"


def render_csv(df: pd.DataFrame) -> str:
    """Render a table exactly as written to disk (UTF-8 text, ``\\n`` line endings)."""
    return df.to_csv(index=False, lineterminator="\n")


# ---------------------------------------------------------------------------------------
# Readers
# ---------------------------------------------------------------------------------------


def read_mcs_world(raw_dir: Path) -> pd.DataFrame:
    """Read the MCS 2026 world-section extract (UTF-8, all values as text)."""
    return pd.read_csv(raw_dir / MCS2026_WORLD, dtype=str, keep_default_na=False)


def read_mcs_full(raw_dir: Path) -> pd.DataFrame:
    """Read the original MCS 2026 release file (Windows-1252) with its 1-based row numbers."""
    df = pd.read_csv(raw_dir / MCS2026_FULL, dtype=str, keep_default_na=False,
                     encoding="cp1252")
    df["source_row_number"] = (df.index + 2).astype(str)
    return df


def read_iea_2025(raw_dir: Path) -> pd.DataFrame:
    """Read the IEA 2025 tidy supply table, keeping well-formed numeric rows only."""
    df = pd.read_csv(raw_dir / IEA2025_SUPPLY)
    return df[df["value"].notna()].copy()


def read_baci(raw_dir: Path) -> pd.DataFrame:
    """Read the BACI 2024 extract (values in USD), fixing non-ISO3 country codes."""
    df = pd.read_csv(raw_dir / BACI2024, dtype={"cmd": str, "i": str, "j": str})
    df["i"] = df["i"].replace(BACI_CODE_FIX)
    df["j"] = df["j"].replace(BACI_CODE_FIX)
    return df


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


# ---------------------------------------------------------------------------------------
# Production
# ---------------------------------------------------------------------------------------

PROD_COLS = ["mineral", "stage", "country", "year", "tonnes", "estimate", "source_id",
             "source_detail", "basis"]


def usgs_series(world: pd.DataFrame, mineral: str, stage: str) -> tuple[pd.DataFrame, list]:
    """Extract one USGS world production series in tonnes.

    Returns
    -------
    (DataFrame, list)
        Rows in the ``production.csv`` layout (zero rows dropped) and a list of
        ``(year, country, token)`` for cells left out because they were W/NA/s.
    """
    chapter, details = USGS_SERIES[(mineral, stage)]
    sel = world[(world["MCS chapter"] == chapter) & (world["Statistics"] == "Production")
                & world["Statistics_detail"].isin(details)
                & world["Year"].isin([str(y) for y in USGS_YEARS])
                & (world["Country"] != "World total")]
    if sel.empty:
        raise ValueError(f"no USGS rows for {mineral}/{stage}")
    acc: dict[tuple[int, str], dict] = {}
    skipped = []
    for _, r in sel.iterrows():
        iso = usgs_iso3(r["Country"])
        year = int(r["Year"])
        if r["Unit"] not in TONNES_PER_UNIT:
            raise ValueError(f"unknown unit {r['Unit']!r} in {chapter}")
        val = parse_usgs_value(r["Value"])
        if val is None:
            skipped.append((year, iso, r["Value"].strip()))
            continue
        e = acc.setdefault((year, iso), {"t": 0.0, "est": False, "rows": [], "unit": r["Unit"]})
        e["t"] += val * TONNES_PER_UNIT[r["Unit"]]
        e["est"] = e["est"] or year == USGS_ESTIMATE_YEAR or "Estimated" in r["Notes"]
        e["rows"].append(r["source_row_number"])
    out = []
    for (year, iso), e in acc.items():
        if e["t"] == 0:
            continue
        out.append({"mineral": mineral, "stage": stage, "country": iso, "year": year,
                    "tonnes": round(e["t"], 3), "estimate": tf(e["est"]),
                    "source_id": "usgs_mcs2026",
                    "source_detail": f"MCS2026 {chapter}: {' + '.join(details)} ({e['unit']});"
                                     f" extract rows {'+'.join(e['rows'])}",
                    "basis": "reported"})
    return pd.DataFrame(out, columns=PROD_COLS), skipped


def iea_refine(iea: pd.DataFrame) -> pd.DataFrame:
    """IEA 2025 refining rows for 2024 in tonnes; ROW = published Total − named countries.

    The third-party conversion's "Rest of world" is replaced by Total minus the named
    countries so that shares use the IEA Total as denominator (they differ for nickel).
    """
    sel = iea[(iea["stage"] == "refining") & (iea["year"] == IEA_YEAR)]
    out = []
    for label, mineral in IEA_MINERALS.items():
        g = sel[sel["mineral"] == label]
        total = float(g.loc[g["row_type"] == "total", "value"].iloc[0])
        countries = g[g["row_type"] == "country"]
        detail = f"IEA CM Data Explorer 2025, supply sheet, refining {IEA_REFINE_LABEL[mineral]}"
        for _, r in countries.iterrows():
            if r["row_label"] not in IEA_COUNTRY_ISO3:
                raise KeyError(f"unmapped IEA country name: {r['row_label']!r}")
            if r["value"] == 0:
                continue
            out.append({"mineral": mineral, "stage": "refine",
                        "country": IEA_COUNTRY_ISO3[r["row_label"]], "year": IEA_YEAR,
                        "tonnes": round(float(r["value"]) * 1000.0, 3), "estimate": "FALSE",
                        "source_id": "iea_cm_2025", "source_detail": f"{detail} (kt x 1000)",
                        "basis": "reported"})
        row_kt = total - float(countries["value"].sum())
        file_row = float(g.loc[g["row_type"] == "rest_of_world", "value"].iloc[0])
        note = "" if abs(row_kt - file_row) < 1e-6 else (
            f"; file 'Rest of world' {file_row:.3f} kt differs from Total - named countries")
        if row_kt > 0:
            out.append({"mineral": mineral, "stage": "refine", "country": ROW,
                        "year": IEA_YEAR, "tonnes": round(row_kt * 1000.0, 3),
                        "estimate": "FALSE", "source_id": "iea_cm_2025",
                        "source_detail": f"{detail}: Total {total:.3f} kt minus named "
                                         f"countries (kt x 1000){note}",
                        "basis": "derived"})
    return pd.DataFrame(out, columns=PROD_COLS)


def manufacture_rows(refine: pd.DataFrame) -> pd.DataFrame:
    """Convert hand-entered China manufacturing shares to tonnes of contained mineral.

    tonnes(CHN) = share x refine-stage world total of the same year (IEA 2025, 2024);
    tonnes(ROW) = (1 − share) x the same total.
    """
    out = []
    for s in MANUFACTURE_SHARES:
        tot = float(refine[(refine["mineral"] == s.mineral)
                           & (refine["year"] == IEA_YEAR)]["tonnes"].sum())
        for iso, share in (("CHN", s.china_share), (ROW, 1.0 - s.china_share)):
            out.append({"mineral": s.mineral, "stage": "manufacture", "country": iso,
                        "year": IEA_YEAR, "tonnes": round(share * tot, 3), "estimate": "TRUE",
                        "source_id": s.source_id,
                        "source_detail": f"{s.product}: {s.quote} [{s.citation}]; tonnes = "
                                         f"{share:.2f} x {IEA_YEAR} refine-stage world total "
                                         f"{tot:.3f} t (iea_cm_2025)",
                        "basis": "derived"})
    return pd.DataFrame(out, columns=PROD_COLS)


def germanium_usgs_2021(raw_dir: Path) -> tuple[pd.DataFrame, list, float]:
    """Germanium refinery production 2021 from the USGS MCS 2022 world table.

    Returns
    -------
    (DataFrame, list, float)
        Country rows in tonnes (kg / 1000; "Other countries" -> ROW), the cells left out
        as ``(year, country, token)`` (United States: W) and the USGS rounded world total
        in tonnes.  Raises ``ValueError`` if the listed countries do not add up to it.
    """
    df = pd.read_csv(raw_dir / MCS2022_GERMANIUM, dtype=str, keep_default_na=False,
                     encoding="utf-8-sig")
    is_world = df["Country"].str.startswith("World total")
    world_t = float(df.loc[is_world, GERMANIUM_USGS_COLUMN].iloc[0]) / 1000.0
    rows, skipped = [], []
    for i, r in df[~is_world].iterrows():
        iso = usgs_iso3(r["Country"])
        val = parse_usgs_value(r[GERMANIUM_USGS_COLUMN])
        if val is None:
            skipped.append((GERMANIUM_YEAR_USGS, iso, r[GERMANIUM_USGS_COLUMN].strip()))
            continue
        rows.append({"mineral": "germanium", "stage": "refine", "country": iso,
                     "year": GERMANIUM_YEAR_USGS, "tonnes": round(val / 1000.0, 3),
                     "estimate": "TRUE", "source_id": "usgs_mcs2022",
                     "source_detail": f"MCS2022 data release mcs2022-germa_world.csv line "
                                      f"{i + 2}: {r['Type']}, {GERMANIUM_USGS_COLUMN} "
                                      f"{r[GERMANIUM_USGS_COLUMN]} kg (/ 1000); USGS world "
                                      f"total (rounded) {world_t:.0f} t; also reported by "
                                      f"[{GRAPHIC_NEWS_CITE}]",
                     "basis": "reported"})
    out = pd.DataFrame(rows, columns=PROD_COLS)
    if abs(out["tonnes"].sum() - world_t) > 1e-6:
        raise ValueError("germanium 2021: listed countries do not add up to the world total")
    return out, skipped, world_t


def germanium_bgs_2024(raw_dir: Path, world_t: float) -> pd.DataFrame:
    """Germanium 2024 = BGS rounded country shares x the 2021 USGS world total (assumption).

    tonnes(c) = v_c / 100 x world_t;  tonnes(ROW) = (100 - sum v) / 100 x world_t.
    """
    shares = json.loads((raw_dir / BGS_REFINED_YEARS).read_text(encoding="utf-8"))
    entries = shares["germanium"][str(GERMANIUM_YEAR_BGS)]
    pct = {BGS_ISO2_ISO3[e["c"]]: float(e["v"]) for e in entries}
    pct[ROW] = 100.0 - sum(pct.values())
    detail = (f"BGS World Mineral Statistics, germanium metal, {GERMANIUM_YEAR_BGS}: rounded "
              f"integer country shares as derived by Varcolacus/critical-materials-atlas "
              f"(out/refined_years.json; secondary figures, denominator = reporting "
              f"countries; ROW = 100 % - named) x USGS MCS 2022 world total "
              f"{GERMANIUM_YEAR_USGS} {world_t:.0f} t; ASSUMPTION: world total unchanged "
              f"since {GERMANIUM_YEAR_USGS}")
    rows = [{"mineral": "germanium", "stage": "refine", "country": iso,
             "year": GERMANIUM_YEAR_BGS, "tonnes": round(v / 100.0 * world_t, 3),
             "estimate": "TRUE", "source_id": "bgs_wms;atlas_refined_years;usgs_mcs2022",
             "source_detail": f"{detail}; share {v:.0f} %", "basis": "assumption"}
            for iso, v in pct.items() if v > 0]
    return pd.DataFrame(rows, columns=PROD_COLS)


def build_production(raw_dir: Path) -> tuple[pd.DataFrame, dict[tuple[str, str], list]]:
    """Build ``production.csv`` and return withheld-cell notes per (mineral, stage)."""
    world = read_mcs_world(raw_dir)
    parts, skipped = [], {}
    for (mineral, stage) in USGS_SERIES:
        df, sk = usgs_series(world, mineral, stage)
        parts.append(df)
        skipped[(mineral, stage)] = sk
    refine = iea_refine(read_iea_2025(raw_dir))
    ge_2021, ge_skipped, ge_world_t = germanium_usgs_2021(raw_dir)
    skipped[("germanium", "refine")] = ge_skipped
    parts += [refine, manufacture_rows(refine), ge_2021,
              germanium_bgs_2024(raw_dir, ge_world_t)]
    prod = pd.concat(parts, ignore_index=True)
    key = ["mineral", "stage", "year", "country"]
    if prod.duplicated(key).any():
        raise ValueError("duplicate production keys")
    one_source = prod.groupby(["mineral", "stage", "year"])["source_id"].nunique()
    if (one_source > 1).any():
        raise ValueError(f"mixed sources: {one_source[one_source > 1]}")
    prod = prod.sort_values(["mineral", "stage", "year", "country"]).reset_index(drop=True)
    return prod[PROD_COLS], skipped


def build_stage_coverage(prod: pd.DataFrame, skipped: dict) -> pd.DataFrame:
    """One row per mineral x stage with status, source and a coverage note."""
    rows = []
    for m in MINERALS:
        for stage in STAGES:
            g = prod[(prod["mineral"] == m.mineral) & (prod["stage"] == stage)]
            if g.empty:
                note = {"mine": "no country-level mine production in USGS MCS 2026 or IEA",
                        "refine": "no country-level refinery data in USGS MCS 2026; not in "
                                  "IEA Data Explorer",
                        "manufacture": "no cited country-level manufacturing figure found"}
                if m.mineral == "germanium":
                    note["mine"] = ("germanium is recovered as a by-product of zinc ores and "
                                    "coal fly ash; USGS reports refinery production only; no "
                                    "country-level mine figure found")
                    note["manufacture"] = ("no cited country-level figure for germanium "
                                           "products (wafers, IR optics, fibre-optic "
                                           "GeCl4)")
                rows.append({"mineral": m.mineral, "stage": stage, "status": "no_source",
                             "source_id": "", "note": note[stage]})
                continue
            sid = ";".join(sorted({i for v in g["source_id"] for i in v.split(";")}))
            years = ",".join(str(y) for y in sorted(g["year"].unique()))
            note = f"years {years}; {len(g)} rows"
            if stage == "manufacture":
                status = "hand_entered"
                note += "; China share hand-entered, x refine total; rest -> ROW"
            elif (g["basis"] == "assumption").any():
                status = "assumption"
                note += ("; " + ", ".join(str(y) for y in sorted(
                    g.loc[g["basis"] == "assumption", "year"].unique()))
                    + " rests on an ASSUMPTION (see source_detail)")
            else:
                status = "sourced"
            sk = skipped.get((m.mineral, stage), [])
            if sk:
                note += "; left out (withheld/not available): " + ", ".join(
                    f"{c} {y} {t}" for y, c, t in sorted(sk))
            if stage == "refine" and m.mineral in IEA_MINERALS.values():
                note += "; IEA has no 2025 observed year"
            if stage == "refine" and m.mineral == "germanium":
                note += (f"; {GERMANIUM_YEAR_USGS} = USGS MCS 2022 estimate; "
                         f"{GERMANIUM_YEAR_BGS} = BGS rounded shares (secondary) x the "
                         f"{GERMANIUM_YEAR_USGS} USGS world total (assumed unchanged); BGS "
                         "and USGS China shares differ (country coverage; see PROVENANCE)")
            rows.append({"mineral": m.mineral, "stage": stage, "status": status,
                         "source_id": sid, "note": note})
    return pd.DataFrame(rows).sort_values(["mineral", "stage"]).reset_index(drop=True)


# ---------------------------------------------------------------------------------------
# Trade: imports.csv and demand.csv
# ---------------------------------------------------------------------------------------


# Supply-chain stage of the traded product, per HS6 code of the BACI extract (HS 2017
# headings; "form" from the extract's critical_hs_codes_mapping.json).  Rule: ores,
# concentrates and natural mineral products -> mine; unwrought metal, elements, oxides,
# carbonates and ferroalloys (first processed products) -> refine; finished components
# (permanent magnets) -> manufacture.
HS6_STAGE: dict[str, str] = {
    "250490": "mine",         # natural graphite, other than powder/flakes (lump)
    "251010": "mine",         # natural calcium phosphates, unground
    "251110": "mine",         # natural barium sulphate (baryte)
    "252800": "mine",         # natural borates and concentrates
    "252910": "mine",         # feldspar
    "252922": "mine",         # fluorspar, > 97 % CaF2 (acid grade)
    "260200": "mine",         # manganese ores and concentrates
    "260600": "mine",         # aluminium ores and concentrates (bauxite)
    "270112": "mine",         # bituminous coal (coking coal proxy)
    "280429": "refine",       # rare gases other than argon (helium)
    "280469": "refine",       # silicon < 99.99 % Si (metallurgical silicon metal)
    "280470": "refine",       # phosphorus (element)
    "280480": "refine",       # arsenic (element)
    "282200": "refine",       # cobalt oxides and hydroxides
    "283691": "refine",       # lithium carbonates
    "283692": "refine",       # strontium carbonate
    "711011": "refine",       # platinum, unwrought or in powder form
    "711021": "refine",       # palladium, unwrought or in powder form
    "720292": "refine",       # ferrovanadium
    "720293": "refine",       # ferroniobium
    "740311": "refine",       # refined copper cathodes and sections of cathodes
    "750210": "refine",       # nickel, not alloyed, unwrought
    "810194": "refine",       # tungsten, unwrought (incl. bars simply sintered)
    "810320": "refine",       # tantalum, unwrought (incl. bars simply sintered); powders
    "810411": "refine",       # magnesium, unwrought, >= 99.8 % Mg
    "810820": "refine",       # titanium, unwrought; powders
    "811010": "refine",       # antimony, unwrought; powders
    "811212": "refine",       # beryllium, unwrought; powders
    "811231": "refine",       # hafnium, unwrought; powders (folded into 811292 in BACI)
    "811292": "refine",       # Ga, Ge, In, Nb, V, Hf, Re, Tl unwrought; powders (bundle)
    "850511": "manufacture",  # permanent magnets of metal (rare-earth and other)
}


def check_hs_codes(raw_dir: Path) -> None:
    """Raise ``ValueError`` if a mineral HS6 code is absent from the BACI extract mapping
    or has no stage in :data:`HS6_STAGE`."""
    mapping = json.loads((raw_dir / BACI_HS_MAP).read_text(encoding="utf-8"))
    known = {c["hs6"] for c in mapping["codes"]}
    used = {c for m in MINERALS for c in m.hs6}
    missing = used - known
    if missing:
        raise ValueError(f"HS6 codes not in the BACI extract mapping: {missing}")
    unstaged = (known | used) - set(HS6_STAGE)
    if unstaged:
        raise ValueError(f"HS6 codes without a stage in HS6_STAGE: {unstaged}")


def build_imports(baci: pd.DataFrame, minerals: pd.DataFrame) -> pd.DataFrame:
    """BACI 2024 import mix by origin for GBR and JPN per mineral and HS6 code."""
    price = minerals.set_index("mineral")["unit_price_usd_per_t"]
    rows = []
    for m in MINERALS:
        if not m.hs6:
            continue
        for buyer in BUYERS:
            g = baci[(baci["j"] == buyer) & baci["cmd"].isin(m.hs6)]
            g = g.groupby(["i", "cmd"], as_index=False)["value"].sum()
            tot = g["value"].sum()
            for _, r in g.iterrows():
                rows.append({"buyer": buyer, "mineral": m.mineral, "origin": r["i"],
                             "year": TRADE_YEAR, "hs6": r["cmd"],
                             "stage": HS6_STAGE[r["cmd"]],
                             "value_usd": round(float(r["value"]), 2),
                             "tonnes": round(float(r["value"]) / price[m.mineral], 3),
                             "share": round(float(r["value"]) / tot, 6),
                             "basis": "derived", "source_id": "cepii_baci_v202601"})
    df = pd.DataFrame(rows)
    return df.sort_values(["buyer", "mineral", "origin", "hs6"]).reset_index(drop=True)


def buyer_trade_shares(baci: pd.DataFrame) -> dict[str, float]:
    """Buyer share of world 2024 import value over the mineral HS6 codes used (excl. PGM).

    PGM codes are excluded because London's PGM trading hub inflates UK gross trade.
    """
    codes = {c for m in MINERALS if m.mineral != "pgm" for c in m.hs6}
    sel = baci[baci["cmd"].isin(codes)]
    world = float(sel["value"].sum())
    return {b: float(sel.loc[sel["j"] == b, "value"].sum()) / world for b in BUYERS}


def _stage_total(prod: pd.DataFrame, mineral: str, year: int) -> tuple[str, float]:
    """World total of the refine stage if present for ``year``, else the mine stage."""
    for stage in ("refine", "mine"):
        g = prod[(prod["mineral"] == mineral) & (prod["stage"] == stage)
                 & (prod["year"] == year)]
        if not g.empty:
            return stage, float(g["tonnes"].sum())
    return "", 0.0


def _total_is_assumed(prod: pd.DataFrame, mineral: str, stage: str, year: int) -> bool:
    """True if any production row behind a world total is labelled ``assumption``."""
    g = prod[(prod["mineral"] == mineral) & (prod["stage"] == stage) & (prod["year"] == year)]
    return bool((g["basis"] == "assumption").any())


def build_demand(baci: pd.DataFrame, minerals: pd.DataFrame,
                 prod: pd.DataFrame) -> pd.DataFrame:
    """Apparent consumption of GBR and JPN per mineral (2024), trade-derived or assumed.

    derived:    production(buyer, trade stage) + (imports − exports) / unit price
    assumption: world total (refine, else mine) x buyer share of world imports of the
                mineral HS6 codes (see :func:`buyer_trade_shares`) — used when no usable
                HS6 code exists or the derived value is not positive.
    """
    price = minerals.set_index("mineral")["unit_price_usd_per_t"]
    shares = buyer_trade_shares(baci)
    rows = []
    for m in MINERALS:
        for buyer in BUYERS:
            derived = None
            if m.hs6:
                imp = float(baci.loc[(baci["j"] == buyer) & baci["cmd"].isin(m.hs6),
                                     "value"].sum())
                exp = float(baci.loc[(baci["i"] == buyer) & baci["cmd"].isin(m.hs6),
                                     "value"].sum())
                p = prod[(prod["mineral"] == m.mineral) & (prod["stage"] == m.trade_stage)
                         & (prod["year"] == TRADE_YEAR) & (prod["country"] == buyer)]
                dom = float(p["tonnes"].sum())
                val = dom + (imp - exp) / price[m.mineral]
                method = (f"apparent consumption = domestic {m.trade_stage} production "
                          f"{dom:.3f} t + (imports {imp:.0f} - exports {exp:.0f} USD, BACI "
                          f"{TRADE_YEAR} HS6 {'+'.join(m.hs6)}) / unit price "
                          f"{price[m.mineral]:.2f} USD/t")
                if val > 0:
                    derived = val
            if derived is not None:
                rows.append({"buyer": buyer, "mineral": m.mineral, "sector": "all",
                             "demand_t": round(derived, 3), "year": TRADE_YEAR,
                             "basis": "derived", "method": method,
                             "source_id": "cepii_baci_v202601"})
                continue
            stage, tot = _stage_total(prod, m.mineral, TRADE_YEAR)
            if tot <= 0:
                raise ValueError(f"no world total for the demand fallback of {m.mineral}")
            why = ("no usable HS6 code in the BACI extract" if not m.hs6 else
                   f"trade-derived value not positive ({method})")
            if _total_is_assumed(prod, m.mineral, stage, TRADE_YEAR):
                why += f"; the world {stage} total itself rests on an ASSUMPTION"
            rows.append({"buyer": buyer, "mineral": m.mineral, "sector": "all",
                         "demand_t": round(tot * shares[buyer], 3), "year": TRADE_YEAR,
                         "basis": "assumption",
                         "method": f"{why}; ASSUMPTION: world {stage} total {TRADE_YEAR} "
                                   f"{tot:.3f} t x {buyer} share {shares[buyer]:.6f} of world "
                                   f"import value of the toolkit's mineral HS6 codes (BACI "
                                   f"{TRADE_YEAR}, PGM codes excluded)",
                         "source_id": "assumption"})
    df = pd.DataFrame(rows)
    return df.sort_values(["buyer", "mineral", "sector"]).reset_index(drop=True)


# ---------------------------------------------------------------------------------------
# Costs, countries, sources
# ---------------------------------------------------------------------------------------


# Mine-stage prices where USGS quotes a mine product whose basis differs from the
# refined product priced in minerals.csv: (chapter, Statistics_detail, factor, note).
MINE_PRICE_OVERRIDE: dict[str, tuple[str, str, float, str]] = {
    "aluminium": ("BAUXITE AND ALUMINA", "Price, average unit value of imports, free "
                  "alongside ship (f.a.s.), dollars per metric ton", 1.0,
                  "US bauxite import unit value USD/t gross dry weight"),
    "titanium": ("TITANIUM MINERAL CONCENTRATES", "Price, dollars per metric ton: Rutile, "
                 "bulk, minimum 95% TiO2, free on board (f.o.b.) Australia", 1.0 / 0.95,
                 "rutile (95 % TiO2) USD/t / 0.95 = USD/t TiO2; rutile is dearer than the "
                 "ilmenite that dominates tonnage, so this overstates the average"),
}


def _cost_for_stage(m: Mineral, stage: str, price: float,
                    full: pd.DataFrame) -> tuple[float, str, str]:
    """Unit cost, basis and note for one mineral x stage (see :func:`build_costs`)."""
    if stage == "mine" and m.mineral in MINE_PRICE_OVERRIDE:
        chapter, detail, factor, note = MINE_PRICE_OVERRIDE[m.mineral]
        r = _price_row(full, chapter, detail)
        value = float(r["Value"].replace(",", "")) * factor
        return value, "derived", (f"USGS MCS 2026 {chapter} row {r['source_row_number']} "
                                  f"({PRICE_YEAR}): {note}")
    if stage == m.price_stage:
        return price, "derived", (f"USGS MCS 2026 {PRICE_YEAR} price (minerals.csv) refers "
                                  f"to the {stage}-stage product")
    if stage == "mine":
        return price * MINE_TO_REFINE_RATIO, "assumption", (
            f"ASSUMPTION: mine = {MINE_TO_REFINE_RATIO:.0%} of the refined-product price")
    refined = price if m.price_stage == "refine" else price / MINE_TO_REFINE_RATIO
    if stage == "refine":
        return refined, "assumption", (
            f"ASSUMPTION: refined = mine-product price / {MINE_TO_REFINE_RATIO} "
            "(inverse of the mine rule)")
    return refined, "assumption", ("ASSUMPTION: manufacture = refined value of the contained "
                                   "mineral (no processing premium)")


# ASSUMPTION: production outside China costs more at the manufacture stage.  Proxy:
# IEA ETP-2024 (levelised cost of production, 2023): battery manufacturing in the EU is
# about 50 % more expensive than in China.  No published figure was found for the mine and
# refine stages, so no premium is applied there (analysts can edit per-country costs in the
# template's Supply sheet).
PREMIUM_OUTSIDE_CHINA = {"manufacture": 0.5}


def _premium(stage: str) -> tuple[float, str]:
    """Cost premium outside China for a stage and its note."""
    if stage in PREMIUM_OUTSIDE_CHINA:
        value = PREMIUM_OUTSIDE_CHINA[stage]
        return value, (f"; ASSUMPTION: non-China nodes cost +{value:.0%} (proxy: IEA ETP-2024, "
                       "EU vs China battery levelised cost of production 2023, iea_etp_2024)")
    return 0.0, "; no published cost difference between countries: premium 0"


def build_costs(minerals: pd.DataFrame, prod: pd.DataFrame,
                full: pd.DataFrame) -> pd.DataFrame:
    """Unit cost per mineral x stage present in production (price-based, rule labelled).

    ``premium_outside_china`` (fraction) raises the cost of every non-Chinese node of the
    stage: cost_c = unit_cost_usd_per_t x (1 + premium) for c != CHN.
    """
    price = minerals.set_index("mineral")["unit_price_usd_per_t"]
    rows = []
    for (mineral, stage), _ in prod.groupby(["mineral", "stage"]):
        cost, basis, note = _cost_for_stage(MINERAL_BY_ID[mineral], stage,
                                            float(price[mineral]), full)
        premium, premium_note = _premium(stage)
        rows.append({"mineral": mineral, "stage": stage,
                     "unit_cost_usd_per_t": round(cost, 2), "premium_outside_china": premium,
                     "basis": basis,
                     "source_id": "usgs_mcs2026" if basis == "derived" else "assumption",
                     "note": note + premium_note})
    return pd.DataFrame(rows).sort_values(["mineral", "stage"]).reset_index(drop=True)


def partner_basis(iso: str) -> str:
    """Reasons a country counts as a UK/Japan partner ('' if none)."""
    tags = []
    if iso in G7:
        tags.append("G7")
    if iso in EU27:
        tags.append("EU27")
    if iso in BRIEF_ALLIES:
        tags.append("treaty ally/FTA partner of UK and Japan (AUS, CAN, KOR)")
    if iso in MSP:
        tags.append("Minerals Security Partnership partner (U.S. State Dept MSP page, "
                    "msp_state_dept)")
    return "; ".join(tags)


def build_countries(raw_dir: Path, used: set[str]) -> pd.DataFrame:
    """Countries used anywhere (+GBR, JPN, ROW) with 2023 WGI estimates and partner flag."""
    wgi = pd.read_csv(raw_dir / WGI2023)
    wgi["code"] = wgi["code"].replace(WGI_CODE_FIX)
    wgi = wgi.set_index("code")
    cc = pd.read_csv(raw_dir / BACI_COUNTRIES, dtype=str, keep_default_na=False)
    cc["country_iso3"] = cc["country_iso3"].replace(BACI_CODE_FIX)
    baci_names = {r["country_iso3"]: fix_mojibake(r["country_name"])
                  for _, r in cc.iterrows()}
    usgs_names = {v: k for k, v in USGS_COUNTRY_ISO3.items()}
    ind = ["cc", "ge", "pv", "rl", "rq", "va"]
    rows = []
    for iso in sorted(used | {"GBR", "JPN", ROW}):
        if iso == ROW:
            rows.append({"country": ROW, "name": ROW_NAME, "wgi": None,
                         **{f"wgi_{k}": None for k in ind}, "partner": "FALSE",
                         "partner_basis": "aggregate, not a country"})
            continue
        if iso in wgi.index:
            name = wgi.at[iso, "countryname"]
            est = {f"wgi_{k}": wgi.at[iso, f"{k}_estimate"] for k in ind}
        else:
            name = baci_names.get(iso) or usgs_names.get(iso)
            est = {f"wgi_{k}": None for k in ind}
        if not name:
            raise KeyError(f"no name for country {iso}")
        vals = [v for v in est.values() if v is not None and pd.notna(v)]
        wgi_mean = round(sum(vals) / 6, 6) if len(vals) == 6 else None
        est = {k: (round(float(v), 6) if v is not None and pd.notna(v) else None)
               for k, v in est.items()}
        pb = partner_basis(iso)
        rows.append({"country": iso, "name": name, "wgi": wgi_mean, **est,
                     "partner": tf(bool(pb)), "partner_basis": pb})
    return pd.DataFrame(rows)


SOURCES = (
    ("usgs_mcs2026", "Mineral Commodity Summaries 2026 Data Release", "U.S. Geological Survey",
     "data release CSV (v1.3 revision history; CSV carries some pre-v1.3 reserves figures)",
     2026, "Public domain (U.S. Government work; metadata states CC0 1.0)",
     "https://doi.org/10.5066/P1WKQ63T",
     "W/NA rows omitted; em dash = 0 and zero rows omitted; content basis differs by chapter;"
     " 2025 values are estimates; lithium world total excludes withheld US output"),
    ("iea_cm_2025", "Critical Minerals Data Explorer (Global Critical Minerals Outlook 2025)",
     "International Energy Agency", "2025 edition (base year 2024) via third-party JSON "
     "conversion (barrytho/uk-critical-minerals-dashboard data/iea.json)", 2025, "CC BY 4.0",
     "https://www.iea.org/data-and-statistics/data-tools/critical-minerals-data-explorer",
     "only top 4-6 countries named; Rest of world recomputed as Total - named countries "
     "(differs from the converted file for nickel by Canada's 113.1 kt); graphite = battery "
     "grade; rare earths = magnet REEs"),
    ("wb_wgi_2024", "Worldwide Governance Indicators, 2024 update (data year 2023)",
     "World Bank (Kaufmann & Kraay)", "2024 update", 2024, "CC BY 4.0",
     "https://www.govindicators.org", "estimates -2.5..2.5; wgi = unweighted mean of six; "
     "not rescaled to the EU 0-10 scale"),
    ("cepii_baci_v202601", "BACI: International Trade Database at the Product-Level, HS17",
     "CEPII", "V202601 extract of 30 HS6 codes (Varcolacus/critical-materials-atlas)", 2026,
     "Etalab Open Licence 2.0 (re-check on the CEPII page)",
     "https://www.cepii.fr/CEPII/en/bdd_modele/bdd_modele_item.asp?id=37",
     "values only (no quantities); several codes are narrow proxies (283691 Li carbonate "
     "only; 282200 Co oxides only; 250490 non-powder natural graphite); tonnes = value / "
     "USGS unit price"),
    ("iea_gevo_2024", "Global EV Outlook 2024 - Trends in electric vehicle batteries",
     "International Energy Agency", "2024", 2024, "CC BY 4.0",
     "https://www.iea.org/reports/global-ev-outlook-2024/trends-in-electric-vehicle-batteries",
     "capacity shares ('today', i.e. early 2024) used as production-share proxies; only "
     "China named, remainder assigned to ROW"),
    ("iea_etp_2024", "Energy Technology Perspectives 2024 - levelised cost of production of "
     "clean energy technologies, EU relative to China (2023)", "International Energy Agency",
     "ETP-2024 (chart of 30 Oct 2024)", 2024, "CC BY 4.0 (IEA); figure read from the Statista "
     "reproduction", "https://statista.com/statistics/1536299/eu-v-china-cleantech-"
     "manufacturing-cost-comparisons", "EU battery manufacturing ~50 % (solar PV ~40 %) more "
     "expensive than in China in 2023; used only as a proxy premium for non-China "
     "manufacture-stage costs (an assumption)"),
    ("iea_commentary_2025", "With new export controls on critical minerals, supply "
     "concentration risks become reality (commentary, 23 Oct 2025)",
     "International Energy Agency", "commentary", 2025, "IEA terms (commentary)",
     "https://rareearthexchanges.com/news/the-mineral-chessboard-iea-sounds-alarm-as-china-"
     "tightens-its-grip", "figure (94 % permanent-magnet manufacturing) taken from a "
     "secondary report of the IEA commentary; the IEA page itself was not retrieved"),
    ("msp_state_dept", "Minerals Security Partnership - partner list",
     "U.S. Department of State", "MSP page, archived 2021-2025 site (content to 20 Jan 2025)",
     2024, "Public domain (U.S. Government work)",
     "https://2021-2025.state.gov/minerals-security-partnership/",
     "'14 countries and the EU': Australia, Canada, Estonia, Finland, France, Germany, India, "
     "Italy, Japan, Norway, Republic of Korea, Sweden, UK, US, EU; Argentina (reported Aug "
     "2024 as joining) is not on this list and not counted; used only for the partner flag "
     "in countries.csv"),
    ("usgs_mcs2022", "Mineral Commodity Summaries 2022 Data Release - germanium world table",
     "U.S. Geological Survey", "data release (mcs2022-germa_world.csv, via Redliana/cmm-data "
     "commit d780c5b7)", 2022, "Public domain (U.S. Government work)",
     "https://doi.org/10.5066/P9KKMCP4",
     "2021 values are USGS estimates; US withheld (W); world total rounded (140,000 kg); "
     "China 95,000 kg = 68 %, the figure quoted 'according to the US Geological Survey' by "
     "Graphic News (D. Mil, 'China restricts export of high-tech metals', 10 Jul 2023, "
     "https://www.graphicnews.com/de/pages/44524/economy-gallium-germanium-exporte) and "
     "TalkMarkets; MCS 2023 and 2024 no longer publish country figures (NA)"),
    ("bgs_wms", "World Mineral Statistics Dataset", "British Geological Survey", "OGC API; "
     "germanium metal production shares, data year 2024", 2024,
     "Open Government Licence v3.0; Contains British Geological Survey materials (c) UKRI",
     "https://doi.org/10.5285/1e7d5e08-9e24-471b-ae37-49b477f695e3",
     "used through the third-party derivation atlas_refined_years (rounded integer shares, "
     "denominator = reporting countries); not checked against the BGS publication"),
    ("atlas_refined_years", "critical-materials-atlas: refined_years.json (country shares "
     "of refined production from BGS World Mineral Statistics)", "Varcolacus (GitHub)",
     "out/refined_years.json, commit fcb9edce", 2026,
     "no licence file in the repository; underlying data BGS (OGL v3)",
     "https://github.com/Varcolacus/critical-materials-atlas",
     "secondary, derived figures: shares only, rounded to integer percent, remainder to 100 "
     "% assigned to ROW; combined with the USGS 2021 world total under an assumption"),
    ("assumption", "Toolkit modelling assumptions (documented in datasets/PROVENANCE.md)",
     "this repository", "", 2026, "MIT (repository licence)", "",
     "rules: demand fallback = world total x buyer share of world imports of the mineral "
     "HS6 codes; mine = 50 % of refined price; manufacture = refined value; FeNb 65 % Nb; "
     "germanium world refinery total 2024 = USGS 2021 total"),
)


def build_sources() -> pd.DataFrame:
    """``sources.csv`` from :data:`SOURCES`."""
    cols = ["source_id", "title", "publisher", "edition", "year", "licence", "url", "caveats"]
    return pd.DataFrame(SOURCES, columns=cols).sort_values("source_id").reset_index(drop=True)


# ---------------------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------------------


def build_all(raw_dir: Path) -> dict[str, pd.DataFrame]:
    """Build every output table from the raw directory.

    Parameters
    ----------
    raw_dir : Path
        Directory holding the raw copies (``datasets/raw``).

    Returns
    -------
    dict of str to DataFrame
        Tables keyed by output file name (e.g. ``"production.csv"``).
    """
    raw_dir = Path(raw_dir)
    minerals = build_minerals(raw_dir)
    prod, skipped = build_production(raw_dir)
    coverage = build_stage_coverage(prod, skipped)
    check_hs_codes(raw_dir)
    baci = read_baci(raw_dir)
    imports = build_imports(baci, minerals)
    demand = build_demand(baci, minerals, prod)
    costs = build_costs(minerals, prod, read_mcs_full(raw_dir))
    used = set(prod["country"]) | set(imports["origin"]) | set(demand["buyer"])
    countries = build_countries(raw_dir, used)
    sources = build_sources()
    tables = {
        "minerals.csv": minerals, "countries.csv": countries, "production.csv": prod,
        "stage_coverage.csv": coverage, "demand.csv": demand, "imports.csv": imports,
        "costs.csv": costs, "sources.csv": sources,
    }
    check_integrity(tables)
    return tables


def check_integrity(tables: dict[str, pd.DataFrame]) -> None:
    """Raise ``ValueError`` if ids are dangling or values out of range."""
    src = set(tables["sources.csv"]["source_id"])
    countries = set(tables["countries.csv"]["country"])
    minerals = set(tables["minerals.csv"]["mineral"])
    for name, df in tables.items():
        if "source_id" in df.columns:
            ids = {i for v in df["source_id"] if v for i in str(v).split(";")}
            if ids - src:
                raise ValueError(f"{name}: unknown source ids {ids - src}")
        if "mineral" in df.columns and set(df["mineral"]) - minerals:
            raise ValueError(f"{name}: unknown minerals")
    for name, col in (("production.csv", "country"), ("imports.csv", "origin"),
                      ("demand.csv", "buyer")):
        if set(tables[name][col]) - countries:
            raise ValueError(f"{name}: countries missing from countries.csv")
    if (tables["production.csv"]["tonnes"] <= 0).any():
        raise ValueError("non-positive production tonnes")
    if (tables["demand.csv"]["demand_t"] <= 0).any():
        raise ValueError("non-positive demand")


def write_all(raw_dir: Path, out_dir: Path) -> dict[str, pd.DataFrame]:
    """Build every table and write it as UTF-8 CSV with ``\\n`` line endings."""
    tables = build_all(raw_dir)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, df in tables.items():
        (out_dir / name).write_bytes(render_csv(df).encode("utf-8"))
    return tables


def main() -> int:
    """Rebuild ``datasets/*.csv`` from ``datasets/raw`` (repository layout)."""
    root = Path(__file__).resolve().parent.parent / "datasets"
    tables = write_all(root / "raw", root)
    for name, df in tables.items():
        print(f"{name}: {len(df)} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
