"""Trade unit values by exporter (USD per tonne of contained element) for ``costs.csv``.

Sources (copies in ``datasets/raw/``):

* CEPII BACI HS17 V202601, 2024, 30 HS6 codes **with quantities** (``qty_t``): the primary
  source. BACI values are FOB-type (CIF/FOB reconciled by CEPII); quantities are partly
  estimated by CEPII and null in 1,030 rows (those rows are dropped).
* UN Comtrade 2024, all reporters (exporter-reported ``value`` / ``netwgt``): a cross-check
  quoted in each row's note. Rows repeat (totals, sub-parts, duplicates), but every row's
  value / weight is a valid unit value, so the quantity-weighted mean over rows is too.
* UN Comtrade, China's exports of HS 250410 and 380110 by partner and month (secondary table
  of ``qennis/ChinaCriticalMineralComtrade``): China's natural-graphite powder/flake and
  artificial-graphite unit values, codes missing from the BACI extract. These rows are
  monthly partner totals, so they are not trimmed (trimming would cut the anode-grade
  flows, which are the dear ones).

Method (stated in every note and in ``datasets/PROVENANCE.md``):

1. unit value of a flow = value / gross tonnes; flows with no or zero quantity are dropped;
2. outliers: per HS6 code, flows whose unit value lies outside ``[m / 5, 5 m]`` are dropped,
   where ``m`` is the quantity-weighted median unit value of all the code's flows;
3. an exporter's unit value = sum of values / sum of contained tonnes of its kept flows
   (contained tonnes = gross tonnes x a cited content factor);
4. small flows: a country gets its own row only with at least ``MIN_FLOWS`` kept flows whose
   contained tonnes are at least ``MIN_EXPORT_SHARE`` and at most ``MAX_EXPORT_RATIO`` times
   its production at the stage, so the unit value describes a material part of what the
   country itself produces (not re-exports), and only for a net exporter of the BACI codes
   (gross tonnes exported >= imported): a net importer's exports may be re-exports;
5. the stage-wide fallback row is the world unit value over all kept flows, where the code
   is one product (``world_fallback``).

Limits: unit values are export prices, not production costs; FOB, so freight to the buyer
is excluded; an exporter may re-export material it did not produce; one HS6 code can hold
several grades; one content factor is applied to every exporter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from toolkit.curate.common import BACI_CODE_FIX, BACI_COUNTRIES, LI_IN_LI2CO3, NB_IN_FENB, ROW
from toolkit.curate.content import BAUXITE_PER_AL

BACI_QTY = "cepii_baci_qty_extract/baci_hs17_v202601_critical_hs6_2024_with_qty.csv"
COMTRADE_2024 = ("un_comtrade_raw_atlas_2022_2024/"
                 "comtrade_2024_critical_hs6_all_reporters.csv.gz")
CHINA_EXPORTS = ("un_comtrade_china_exports_graphite_gallium/"
                 "china_exports_hs6_monthly_by_partner_2017_2024.csv")
UV_YEAR = 2024

TRIM_FACTOR = 5.0  # keep flows whose unit value is within [median / 5, median x 5]
MIN_FLOWS = 3  # kept flows an exporter needs for its own row
MIN_EXPORT_SHARE = 0.05  # contained exports >= 5 % of the country's production at the stage
MAX_EXPORT_RATIO = 2.0  # ... and <= 2x it (more means re-exports or another product)

# Mass fractions from standard atomic weights (IUPAC): Co 58.933, O 15.999.
CO_IN_CO3O4 = 3 * 58.933 / (3 * 58.933 + 4 * 15.999)
# USGS MCS 2026, Manganese, salient-statistics price note: "For average metallurgical-grade
# ore containing 44% manganese" (same chapter: "Manganese content typically ranges from 35%
# to 54% for manganese ore").
MN_IN_METALLURGICAL_ORE = 0.44


@dataclass(frozen=True)
class UnitValueSpec:
    """Which traded product prices one (mineral, stage) and how to reach contained tonnes.

    Attributes
    ----------
    mineral, stage
        Keys (mineral ids of the brief; a key for an absent mineral or stage is unused).
    hs6
        BACI HS6 codes (every exporter).
    content, content_note
        Tonnes of the content basis per gross tonne traded, and its citation.
    basis_pattern
        Regular expression the mineral's ``content_basis`` must match (case-insensitive);
        otherwise the spec is skipped, so a changed content basis never meets a stale factor.
    world_fallback
        Whether the world unit value of the codes may serve as the stage-wide row (False
        where a code mixes products of different stages or grades).
    china_hs6
        Codes of China's export file used for China's row only.
    product
        Short description for the notes.
    """

    mineral: str
    stage: str
    hs6: tuple[str, ...]
    content: float
    content_note: str
    basis_pattern: str
    product: str
    world_fallback: bool = True
    china_hs6: tuple[str, ...] = ()


PURE = "traded as metal: no conversion (purity > 98 %)"
UNIT_VALUE_SPECS: tuple[UnitValueSpec, ...] = (
    UnitValueSpec("aluminium", "mine", ("260600",), 1.0 / BAUXITE_PER_AL,
                  "gross tonnes of bauxite (BACI moisture basis not stated) / 4 t dry bauxite "
                  "per t Al (USGS MCS 2026 Bauxite and Alumina rule of thumb, content.py)",
                  r"bauxite / 4", "aluminium ores and concentrates (bauxite)"),
    UnitValueSpec("antimony", "refine", ("811010",), 1.0, PURE, r"\bsb\b",
                  "unwrought antimony"),
    UnitValueSpec("cobalt", "refine", ("282200",), CO_IN_CO3O4,
                  "Co fraction of Co3O4 (0.7342, stoichiometry); hydroxide (0.634) or "
                  "intermediate hydroxide (lower) would raise the USD per t Co",
                  r"\bco content", "cobalt oxides and hydroxides", world_fallback=False),
    UnitValueSpec("copper", "refine", ("740311",), 1.0, PURE + " (grade A cathode)",
                  r"\bcu content", "refined copper cathode"),
    UnitValueSpec("graphite", "mine", ("250490",), 1.0,
                  "gross natural graphite, as USGS mine production", r"gross natural graphite",
                  "natural graphite (BACI 250490, non-powder; China also 250410 powder/"
                  "flake)", world_fallback=False, china_hs6=("250410",)),
    UnitValueSpec("lithium", "refine", ("283691",), LI_IN_LI2CO3,
                  "Li fraction of Li2CO3 (0.18785, stoichiometry)", r"\bli content",
                  "lithium carbonate (hydroxide 282520 not in the extract)"),
    UnitValueSpec("magnesium", "refine", ("810411",), 1.0, PURE + " (>= 99.8 % Mg)",
                  r"\bmg metal", "unwrought magnesium >= 99.8 %"),
    UnitValueSpec("manganese", "mine", ("260200",), MN_IN_METALLURGICAL_ORE,
                  "ASSUMPTION: 44 % Mn, the USGS MCS 2026 grade of average metallurgical ore "
                  "(ores range 35-54 % Mn), for every exporter; lower-grade ore (South "
                  "Africa, Ghana) looks cheaper per t Mn than it is",
                  r"\bmn content", "manganese ores and concentrates"),
    UnitValueSpec("nickel", "refine", ("750210",), 1.0, PURE + " (class 1 nickel)",
                  r"\bni content", "unwrought nickel, not alloyed (excludes NPI, matte)"),
    UnitValueSpec("niobium", "refine", ("720293",), NB_IN_FENB,
                  "ASSUMPTION: 65 % Nb in standard ferroniobium (as minerals.csv)",
                  r"\bnb content", "ferroniobium"),
    UnitValueSpec("palladium", "refine", ("711021",), 1.0, PURE, r"\bpd\b|palladium",
                  "unwrought palladium"),
    UnitValueSpec("platinum", "refine", ("711011",), 1.0, PURE, r"\bpt\b|platinum",
                  "unwrought platinum"),
    UnitValueSpec("silicon", "refine", ("280469",), 1.0,
                  "no conversion: metallurgical silicon is >= 98.5 % Si (error < 1.5 %)",
                  r"\bsi content", "silicon < 99.99 % Si (metallurgical)"),
    UnitValueSpec("tantalum", "refine", ("810320",), 1.0, PURE, r"\bta content",
                  "unwrought tantalum; powders"),
    UnitValueSpec("titanium", "refine", ("810820",), 1.0, PURE, r"ti sponge",
                  "unwrought titanium incl. sponge"),
)


def spec_for(mineral: str, stage: str, content_basis: str) -> UnitValueSpec | None:
    """The unit-value spec of a mineral and stage, or ``None`` (absent or basis mismatch)."""
    for spec in UNIT_VALUE_SPECS:
        if (spec.mineral, spec.stage) == (mineral, stage):
            if re.search(spec.basis_pattern, content_basis, flags=re.IGNORECASE):
                return spec
            return None
    return None


# ---------------------------------------------------------------------------------------
# Readers: one flow table (exporter, hs6, value_usd, qty_t, source)
# ---------------------------------------------------------------------------------------


def read_baci_qty(raw_dir: Path) -> pd.DataFrame:
    """BACI 2024 flows with a positive value and quantity (values in USD)."""
    df = pd.read_csv(raw_dir / BACI_QTY, dtype={"hs6": str, "exporter": str,
                                                "importer": str})
    df = df[(df["qty_t"] > 0) & (df["value_kusd"] > 0)]
    return pd.DataFrame({"exporter": df["exporter"].replace(BACI_CODE_FIX),
                         "importer": df["importer"].replace(BACI_CODE_FIX),
                         "hs6": df["hs6"], "value_usd": df["value_kusd"] * 1000.0,
                         "qty_t": df["qty_t"], "source": "baci"}).reset_index(drop=True)


def read_comtrade_exports(raw_dir: Path) -> pd.DataFrame:
    """UN Comtrade 2024 export rows (flow X) with positive value and net weight."""
    df = pd.read_csv(raw_dir / COMTRADE_2024, dtype={"cmd": str})
    df = df[(df["flow"] == "X") & (df["netwgt"] > 0) & (df["value"] > 0)]
    codes = pd.read_csv(raw_dir / BACI_COUNTRIES, dtype={"country_iso3": str})
    iso = dict(zip(codes["country_code"], codes["country_iso3"].replace(BACI_CODE_FIX),
                   strict=True))
    return pd.DataFrame({"exporter": df["reporter"].map(iso), "hs6": df["cmd"],
                         "value_usd": df["value"], "qty_t": df["netwgt"] / 1000.0,
                         "source": "comtrade"}).dropna(subset=["exporter"])


def read_china_exports(raw_dir: Path, year: int = UV_YEAR) -> pd.DataFrame:
    """China's monthly exports by partner of one year (values USD, ``qty`` kg)."""
    df = pd.read_csv(raw_dir / CHINA_EXPORTS, dtype={"hs6": str})
    df = df[df["period_dt"].str.startswith(str(year)) & (df["qty"] > 0) & (df["val"] > 0)]
    return pd.DataFrame({"exporter": "CHN", "hs6": df["hs6"], "value_usd": df["val"],
                         "qty_t": df["qty"] / 1000.0, "partner": df["partner_name"],
                         "source": "china"}
                        ).reset_index(drop=True)


# ---------------------------------------------------------------------------------------
# Method
# ---------------------------------------------------------------------------------------


def weighted_median(values: pd.Series, weights: pd.Series) -> float:
    """Smallest value at which the cumulative weight reaches half the total weight."""
    order = np.argsort(values.to_numpy(), kind="stable")
    v, w = values.to_numpy()[order], weights.to_numpy()[order]
    cum = np.cumsum(w)
    return float(v[np.searchsorted(cum, 0.5 * cum[-1])])


def trim_code(flows: pd.DataFrame) -> tuple[pd.DataFrame, float]:
    """Flows of one HS6 code within the band around the weighted median unit value."""
    uv = flows["value_usd"] / flows["qty_t"]
    median = weighted_median(uv, flows["qty_t"])
    keep = (uv >= median / TRIM_FACTOR) & (uv <= median * TRIM_FACTOR)
    return flows[keep], median


def trimmed(flows: pd.DataFrame, reference: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Trim ``flows`` code by code with the medians of ``reference`` (the world flows)."""
    parts, medians = [], {}
    for code, ref in reference.groupby("hs6"):
        _, medians[code] = trim_code(ref)
        g = flows[flows["hs6"] == code]
        uv = g["value_usd"] / g["qty_t"]
        parts.append(g[(uv >= medians[code] / TRIM_FACTOR)
                       & (uv <= medians[code] * TRIM_FACTOR)])
    kept = pd.concat(parts) if parts else flows.iloc[:0]
    return kept, medians


def by_exporter(kept: pd.DataFrame, content: float) -> pd.DataFrame:
    """Per exporter: kept flows, value, gross and contained tonnes, USD per t contained."""
    g = kept.groupby("exporter").agg(flows=("value_usd", "size"), value_usd=("value_usd", "sum"),
                                     gross_t=("qty_t", "sum"))
    g["contained_t"] = g["gross_t"] * content
    g["usd_per_t"] = g["value_usd"] / g["contained_t"]
    return g


@dataclass(frozen=True)
class UnitValues:
    """Unit values of one spec: per exporter (kept flows), world, Comtrade cross-check."""

    spec: UnitValueSpec
    exporters: pd.DataFrame
    world_usd_per_t: float
    world_flows: int
    dropped_flows: int
    medians: dict
    comtrade: pd.DataFrame


def unit_values(spec: UnitValueSpec, baci: pd.DataFrame, comtrade: pd.DataFrame,
                china: pd.DataFrame) -> UnitValues:
    """Apply the method to the flows of one spec."""
    world = baci[baci["hs6"].isin(spec.hs6)]
    kept, medians = trimmed(world, world)
    cn = china[china["hs6"].isin(spec.china_hs6)]  # monthly partner totals: not trimmed
    exporters = by_exporter(pd.concat([kept, cn]), spec.content)
    exported = world.groupby("exporter")["qty_t"].sum()
    imported = world.groupby("importer")["qty_t"].sum().reindex(exported.index, fill_value=0)
    exporters["net_exporter"] = (exported >= imported).reindex(exporters.index,
                                                               fill_value=True)
    ct, _ = trimmed(comtrade[comtrade["hs6"].isin(spec.hs6)], world)
    world_uv = kept["value_usd"].sum() / (kept["qty_t"].sum() * spec.content)
    return UnitValues(spec, exporters, float(world_uv), len(kept), len(world) - len(kept),
                      medians, by_exporter(ct, spec.content))


def _has_cross_check(uv: UnitValues, country: str) -> bool:
    """Whether Comtrade has enough kept rows of the same codes (not for a mixed CHN row)."""
    if country == "CHN" and uv.spec.china_hs6:
        return False
    return country in uv.comtrade.index and uv.comtrade.loc[country, "flows"] >= MIN_FLOWS


def _describe(uv: UnitValues, country: str, row: pd.Series, production_t: float) -> str:
    """Note of a country row: codes, flows, tonnes, value, content, share, cross-check."""
    s = uv.spec
    codes = "+".join(s.hs6 + (s.china_hs6 if country == "CHN" else ()))
    src = "BACI 2024" + (" + UN Comtrade China exports 2024 (monthly partner totals, not "
                         "trimmed)" if country == "CHN" and s.china_hs6 else "")
    note = (f"{src} HS {codes} ({s.product}), exporter {country}: {int(row['flows'])} flows, "
            f"{row['gross_t']:,.0f} t gross, USD {row['value_usd']:,.0f} FOB-type -> "
            f"{row['value_usd'] / row['gross_t']:,.0f} USD/t gross; content "
            f"{s.content:.4g} ({s.content_note}) -> {row['usd_per_t']:,.0f} USD/t contained; "
            f"exports = {row['contained_t'] / production_t:.0%} of {country}'s "
            f"{s.stage} output")
    if _has_cross_check(uv, country):
        note += (f"; cross-check UN Comtrade 2024 ({country}-reported exports): "
                 f"{uv.comtrade.loc[country, 'usd_per_t']:,.0f} USD/t contained")
    return note + "; " + METHOD_NOTE


METHOD_NOTE = (f"method: value / tonnes of flows within 1/{TRIM_FACTOR:g}-{TRIM_FACTOR:g}x "
               f"the code's quantity-weighted median unit value; own row only with >= "
               f"{MIN_FLOWS} flows, for a net exporter, with exports {MIN_EXPORT_SHARE:.0%}-"
               f"{MAX_EXPORT_RATIO:g}x of the country's output; a unit value is an export "
               "price, not a production cost")


def representative(row: pd.Series, production_t: float) -> bool:
    """Enough kept flows, a net exporter, exports between 5 % and 2x its own production."""
    return bool(row["flows"] >= MIN_FLOWS and row["net_exporter"]
                and MIN_EXPORT_SHARE * production_t <= row["contained_t"]
                <= MAX_EXPORT_RATIO * production_t)


def country_rows(uv: UnitValues, production: pd.Series) -> list[dict]:
    """``costs.csv`` rows for producing countries with a representative unit value.

    Parameters
    ----------
    uv : UnitValues
        Result of :func:`unit_values`.
    production : Series
        The stage's production in tonnes of content, indexed by country (latest year).
    """
    rows = []
    for country, tonnes in production.items():
        if country == ROW or country not in uv.exporters.index or tonnes <= 0:
            continue
        row = uv.exporters.loc[country]
        if not representative(row, float(tonnes)):
            continue
        with_ct = _has_cross_check(uv, country)
        source = "un_comtrade_china_exports" if country == "CHN" and uv.spec.china_hs6 else ""
        ids = ["cepii_baci_qty_v202601"] + (["un_comtrade_atlas_2024"] if with_ct else [])
        rows.append({"mineral": uv.spec.mineral, "stage": uv.spec.stage, "country": country,
                     "unit_cost_usd_per_t": round(float(row["usd_per_t"]), 2),
                     "premium_outside_china": 0.0, "basis": "derived",
                     "source_id": ";".join(ids + ([source] if source else [])),
                     "note": _describe(uv, country, row, float(tonnes))})
    return rows


def world_note(uv: UnitValues) -> str:
    """Note of the stage-wide fallback row built from the world unit value."""
    s = uv.spec
    return (f"world unit value, BACI 2024 HS "
            f"{'+'.join(s.hs6)} ({s.product}), {uv.world_flows} flows kept "
            f"({uv.dropped_flows} outside the band dropped), content {s.content:.4g} "
            f"({s.content_note}); " + METHOD_NOTE)


def china_code_unit_value(china: pd.DataFrame, code: str) -> tuple[float, str]:
    """China's export unit value of one code (USD/t gross, all monthly partner totals of
    the year, not trimmed) and a note with its tonnes and the partner spread."""
    g = china[china["hs6"] == code]
    uv = float(g["value_usd"].sum() / g["qty_t"].sum())
    partners = g.groupby("partner").agg(v=("value_usd", "sum"), q=("qty_t", "sum"))
    top = partners.nlargest(10, "q")
    top_uv = (top["v"] / top["q"]).sort_values()
    note = (f"{len(g)} partner-month flows, {g['qty_t'].sum():,.0f} t, USD "
            f"{g['value_usd'].sum():,.0f} -> {uv:,.0f} USD/t; the top-10 partners by tonnes "
            f"range from {top_uv.iloc[0]:,.0f} USD/t ({top_uv.index[0]}) to "
            f"{top_uv.iloc[-1]:,.0f} USD/t ({top_uv.index[-1]}): the code mixes grades")
    return uv, note
