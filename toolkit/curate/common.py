"""Shared constants, raw-file paths, unit conversions, country-code maps and helpers."""

from __future__ import annotations

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

USGS_COUNTRY_ISO3 = {
    "Algeria": "DZA", "Belarus": "BLR", "Egypt": "EGY", "Jordan": "JOR", "Morocco": "MAR",
    "Syria": "SYR", "Togo": "TGO", "Tunisia": "TUN",
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

