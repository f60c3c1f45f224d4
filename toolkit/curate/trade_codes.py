"""HS6 codes per mineral and their conversion from gross product tonnes to the chain basis.

A mineral's tonne is the content basis its stages share (``minerals.csv``
``content_basis``; USGS/IEA units).  Each traded code converts gross tonnes to that
basis with stoichiometry (IUPAC standard atomic weights: H 1.008, B 10.81, C 12.011,
O 15.999, Fe 55.845, Co 58.933, As 74.922, Sr 87.62, Nd 144.24, Li 6.94) or a cited
grade; a factor that rests on an assumed product mix is flagged ``assumed``.

Keys are the agreed mineral ids; a key for a mineral absent from
:data:`toolkit.curate.minerals.MINERALS` is simply unused.
"""

from __future__ import annotations

from dataclasses import dataclass

from toolkit.curate.common import LI_IN_LI2CO3, NB_IN_FENB

# Stoichiometric mass fractions -------------------------------------------------------
CO_IN_CO3O4 = 3 * 58.933 / (3 * 58.933 + 4 * 15.999)  # 0.7342
LI_IN_LIOH_H2O = 6.94 / (6.94 + 15.999 + 1.008 + (2 * 1.008 + 15.999))  # 0.1654
ND_IN_ND2FE14B = 2 * 144.24 / (2 * 144.24 + 14 * 55.845 + 10.81)  # 0.2668
REO_PER_RE = (2 * 144.24 + 3 * 15.999) / (2 * 144.24)  # Nd2O3 / 2 Nd = 1.1664
AS2O3_PER_AS = (2 * 74.922 + 3 * 15.999) / (2 * 74.922)  # 1.3203
# USGS MCS 2026 Strontium salient notes (rows 7185-7186 of the original file): Sr content
# of celestite ore 43.88 %, of strontium carbonate 59.35 %.
SR_IN_CELESTITE = 0.4388
SR_IN_SRCO3 = 0.5935
# USGS MCS 2026 Manganese salient note (row 4552): "Manganese content typically ranges from
# 35% to 54% for manganese ore" -> midpoint, an ASSUMPTION on the traded mix.
MN_IN_ORE = (0.35 + 0.54) / 2
# ISO 5451 (ferrovanadium): FeV80 grade 78-82 % V; ASSUMPTION that traded 720292 is
# mostly FeV80 (Japan's 2024 import unit value, 20.6 USD/kg gross, fits FeV80).
V_IN_FEV = 0.80
# Metallurgical silicon (HS 280469, < 99.99 % Si) is sold at >= 98.5 % Si (grade 553 and
# better); ASSUMPTION 99 %.
SI_IN_SIMET = 0.99


@dataclass(frozen=True)
class TradeCode:
    """One traded product of a mineral.

    Attributes
    ----------
    hs6
        HS 2017 subheading.
    product
        What the code covers (short).
    factor
        Tonnes of the chain basis per gross tonne.
    factor_note
        Stoichiometry or cited grade behind ``factor``.
    assumed
        True if ``factor`` rests on an assumed product mix or grade (ASSUMPTION).
    stage
        Chain stage of the traded product (for domestic production and import mix).
    china_only
        True: only China's declared exports to the buyer exist in the raw data (UN Comtrade,
        reporter China), so the code adds a lower bound for one origin.
    """

    hs6: str
    product: str
    factor: float
    factor_note: str
    assumed: bool = False
    stage: str = "refine"
    china_only: bool = False


def _one(note: str) -> str:
    return f"1.0 ({note})"


TRADE_CODES: dict[str, tuple[TradeCode, ...]] = {
    "lithium": (TradeCode("283691", "lithium carbonate", LI_IN_LI2CO3,
                          f"Li2CO3 stoichiometry {LI_IN_LI2CO3:.5f}"),),
    "cobalt": (TradeCode("282200", "cobalt oxides and hydroxides", CO_IN_CO3O4,
                         f"Co3O4 stoichiometry {CO_IN_CO3O4:.4f}; ASSUMPTION that the code's "
                         "trade is mostly refined tricobalt tetroxide (2024 unit values "
                         "20-23 USD/kg vs LME 26 USD/kg Co)", assumed=True),),
    "nickel": (TradeCode("750210", "unwrought nickel, not alloyed", 1.0,
                         _one("HS heading: nickel, not alloyed; >= 99 % Ni")),),
    "copper": (TradeCode("740311", "refined copper cathodes", 1.0,
                         _one("grade A cathode >= 99.9935 % Cu")),),
    "graphite": (
        TradeCode("250490", "natural graphite, not powder or flakes", 1.0,
                  _one("gross natural graphite, the USGS mine basis"), stage="mine"),
        TradeCode("250410", "natural graphite in powder or flakes", 1.0,
                  _one("gross natural graphite, the USGS mine basis"), stage="mine",
                  china_only=True),
    ),
    "tungsten": (TradeCode("810194", "unwrought tungsten", 1.0, _one("W metal")),),
    "antimony": (TradeCode("811010", "unwrought antimony; powders", 1.0, _one("Sb metal")),),
    "manganese": (TradeCode("260200", "manganese ores and concentrates", MN_IN_ORE,
                            f"Mn ore grade {MN_IN_ORE:.3f}: ASSUMPTION, midpoint of the "
                            "35-54 % Mn range in the USGS MCS 2026 Manganese note (row 4552)",
                            assumed=True, stage="mine"),),
    "vanadium": (TradeCode("720292", "ferrovanadium", V_IN_FEV,
                           f"FeV80 grade {V_IN_FEV:.2f} V (ISO 5451 78-82 %); ASSUMPTION that "
                           "the trade is mostly FeV80", assumed=True),),
    "niobium": (TradeCode("720293", "ferroniobium", NB_IN_FENB,
                          f"standard-grade FeNb {NB_IN_FENB:.2f} Nb (ASSUMPTION, as for the "
                          "price in minerals.csv)", assumed=True),),
    "magnesium": (TradeCode("810411", "unwrought magnesium >= 99.8 % Mg", 1.0,
                            _one("Mg metal >= 99.8 %")),),
    "silicon": (TradeCode("280469", "silicon < 99.99 % Si", SI_IN_SIMET,
                          f"metallurgical silicon {SI_IN_SIMET:.2f} Si (>= 98.5 % for grade "
                          "553; ASSUMPTION 99 %)", assumed=True),),
    "titanium": (TradeCode("810820", "unwrought titanium; powders (sponge)", 1.0,
                           _one("Ti sponge metal, the USGS refine basis")),),
    "tantalum": (TradeCode("810320", "unwrought tantalum; powders", 1.0, _one("Ta metal")),),
    "pgm": (TradeCode("711011", "platinum, unwrought or powder", 1.0, _one("Pt metal")),
            TradeCode("711021", "palladium, unwrought or powder", 1.0, _one("Pd metal"))),
    "platinum": (TradeCode("711011", "platinum, unwrought or powder", 1.0, _one("Pt metal")),),
    "palladium": (TradeCode("711021", "palladium, unwrought or powder", 1.0,
                            _one("Pd metal")),),
    "barite": (TradeCode("251110", "natural barium sulphate", 1.0,
                         _one("gross barite, the USGS mine basis"), stage="mine"),),
    "fluorspar": (TradeCode("252922", "acid-grade fluorspar (> 97 % CaF2)", 1.0,
                            _one("gross fluorspar, the USGS mine basis"), stage="mine"),),
    "phosphate": (TradeCode("251010", "natural calcium phosphates, unground", 1.0,
                            _one("gross phosphate rock, the USGS mine basis"), stage="mine"),),
    "arsenic": (TradeCode("280480", "arsenic (element)", AS2O3_PER_AS,
                          f"As -> As2O3 equivalent {AS2O3_PER_AS:.4f} (USGS basis: arsenic "
                          "trioxide, gross weight)"),),
    "strontium": (TradeCode("283692", "strontium carbonate", SR_IN_SRCO3 / SR_IN_CELESTITE,
                            f"SrCO3 -> celestite equivalent {SR_IN_SRCO3}/{SR_IN_CELESTITE} "
                            "(USGS MCS 2026 Strontium notes, rows 7185-7186; USGS basis: "
                            "gross celestite)"),),
    "beryllium": (TradeCode("811212", "unwrought beryllium; powders", 1.0,
                            _one("Be metal")),),
}

# Codes whose gross trade is vault or transit movements for a buyer, not consumption:
# London is the world's PGM trading and vaulting hub (LPPM good-delivery market), so UK
# imports and exports of unwrought Pt/Pd say nothing about UK use.
TRADING_HUB: dict[str, frozenset[str]] = {"GBR": frozenset({"711011", "711021"})}

# HS6 bundle 811292 (unwrought Ga, Ge, In, Nb, V, Hf, Re, Tl; powders): usable only as a
# gross-tonne proxy for the import mix of the minerals below, never for demand.
BUNDLE_811292 = TradeCode("811292", "unwrought Ga, Ge, In, Nb, V, Hf, Re, Tl; powders "
                          "(bundle)", 1.0, "gross tonnes of the whole bundle (proxy)")
BUNDLE_MINERALS = ("gallium", "germanium", "indium")
# Permanent magnets of metal (850511): rare-earth content for the import mix.
MAGNETS_850511 = TradeCode(
    "850511", "permanent magnets of metal", ND_IN_ND2FE14B * REO_PER_RE,
    f"Nd2Fe14B stoichiometry {ND_IN_ND2FE14B:.4f} RE x Nd2O3/2Nd {REO_PER_RE:.4f} = "
    f"{ND_IN_ND2FE14B * REO_PER_RE:.4f} t REO-eq per t magnet; ASSUMPTION that the code's "
    "trade is NdFeB (it also holds SmCo and AlNiCo)", assumed=True, stage="manufacture")

# Codes that bound a published demand figure from below (compared, never added).
LOWER_BOUND_CODES: dict[str, tuple[TradeCode, ...]] = {"rare_earths": (MAGNETS_850511,)}

# What the raw trade files lack for each mineral (stated in every demand method).
MISSING_CODES: dict[str, str] = {
    "lithium": "282520 lithium hydroxide, 2530 spodumene, 8506/8507 cells",
    "cobalt": "8105 cobalt metal, 2605 ores, 7501 mattes/MHP, 2827.39 chlorides",
    "nickel": "2604 ores, 7501 mattes/MHP, 720260 ferronickel, 750220 alloys, 7504 powders",
    "copper": "2603 concentrates, 7402 blister, other 7403 forms",
    "graphite": "250410 from origins other than China, 380110 synthetic graphite",
    "rare_earths": "2846 compounds, 280530 metals",
    "tungsten": "2611 ores, 284180 APT, 282590 oxides, 284990 carbides, 720280 FeW",
    "antimony": "2617 ores, 282580 oxides",
    "manganese": "720211/720219 ferromanganese, 720230 silicomanganese, 811100 Mn metal",
    "vanadium": "282530 vanadium oxides",
    "niobium": "2615 ores, Nb oxides",
    "silicon": "720221/720229 ferrosilicon",
    "magnesium": "810419 alloys",
    "tantalum": "2615 ores, Ta oxides",
    "titanium": "2614 concentrates",
    "aluminium": "7601 unwrought aluminium",
    "gallium": "gallium alone (only the 811292 bundle)",
    "germanium": "germanium alone (only the 811292 bundle)",
    "indium": "indium alone (only the 811292 bundle)",
    "tin": "8001 unwrought tin, 2609 ores",
    "zinc": "7901 unwrought zinc, 2608 ores",
    "chromium": "2610 chromite, 720241/720249 ferrochrome",
    "molybdenum": "2613 ores, 7202.70 FeMo, 8102 Mo metal",
    "bismuth": "8106 bismuth",
    "tellurium": "280450 tellurium",
    "pgm": "other PGMs, semi-manufactured forms",
    "fluorspar": "252921 metallurgical grade",
    "phosphate": "251020 ground",
    "arsenic": "281129 arsenic trioxide",
}
