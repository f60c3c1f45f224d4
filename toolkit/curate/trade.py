"""Trade (CEPII BACI 2024, values): HS6 stages, code checks and buyer value shares.

The demand and import builds from trade *quantities* are in :mod:`toolkit.curate.demand`
and :mod:`toolkit.curate.imports_mix`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from toolkit.curate.common import BACI2024, BACI_CODE_FIX, BACI_HS_MAP, BUYERS
from toolkit.curate.minerals import MINERALS


def read_baci(raw_dir: Path) -> pd.DataFrame:
    """Read the BACI 2024 extract (values in USD), fixing non-ISO3 country codes."""
    df = pd.read_csv(raw_dir / BACI2024, dtype={"cmd": str, "i": str, "j": str})
    df["i"] = df["i"].replace(BACI_CODE_FIX)
    df["j"] = df["j"].replace(BACI_CODE_FIX)
    return df


# ---------------------------------------------------------------------------------------
# HS6 stages
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


def buyer_trade_shares(baci: pd.DataFrame) -> dict[str, float]:
    """Buyer share of world 2024 import value over the mineral HS6 codes used (excl. PGM).

    PGM codes (711011, 711021) are excluded because London's PGM trading hub inflates UK
    gross trade.
    """
    codes = {c for m in MINERALS for c in m.hs6} - {"711011", "711021"}
    sel = baci[baci["cmd"].isin(codes)]
    world = float(sel["value"].sum())
    return {b: float(sel.loc[sel["j"] == b, "value"].sum()) / world for b in BUYERS}
