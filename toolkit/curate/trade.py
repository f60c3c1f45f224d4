"""Trade (CEPII BACI 2024): ``imports.csv`` and ``demand.csv``."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from toolkit.curate.common import BACI2024, BACI_CODE_FIX, BACI_HS_MAP, BUYERS, TRADE_YEAR
from toolkit.curate.minerals import MINERALS


def read_baci(raw_dir: Path) -> pd.DataFrame:
    """Read the BACI 2024 extract (values in USD), fixing non-ISO3 country codes."""
    df = pd.read_csv(raw_dir / BACI2024, dtype={"cmd": str, "i": str, "j": str})
    df["i"] = df["i"].replace(BACI_CODE_FIX)
    df["j"] = df["j"].replace(BACI_CODE_FIX)
    return df


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


PGM_IDS = ("platinum", "palladium")


def buyer_trade_shares(baci: pd.DataFrame) -> dict[str, float]:
    """Buyer share of world 2024 import value over the mineral HS6 codes used (excl. PGM).

    PGM codes are excluded because London's PGM trading hub inflates UK gross trade.
    """
    codes = {c for m in MINERALS if m.mineral not in PGM_IDS for c in m.hs6}
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

