"""``stage_coverage.csv``: per mineral x stage, what covers it, and why a stage is missing."""

from __future__ import annotations

import pandas as pd

from toolkit.curate.common import STAGES
from toolkit.curate.minerals import MINERALS

DEFAULT_REASON = {
    "mine": "no country-level mine production in USGS MCS 2026 or IEA (by-product recovered "
            "at smelters/refineries; USGS reports the refinery stage only)",
    "refine": "no country-level refinery data in USGS MCS 2026 (mine table only); not in the "
              "IEA Data Explorer; no published country table found (stage_shares.md)",
    "manufacture": "no cited country-level manufacturing figure found",
}
MINE_PRODUCT = ("the mine product is the traded commodity (USGS reports mine output only); "
                "downstream products are not a separate stage here")
REASONS: dict[tuple[str, str], str] = {
    ("antimony", "refine"): "no country table for refined antimony (metal, trioxide) found: "
        "MCS 2023-2026 give mine output only; sources found are qualitative (SME Industrial "
        "Minerals Review 2017: rest-of-world ore is 'processed into antimony ingots and "
        "oxides' in China; Project Blue 2024: Russian and Tajik output 'now largely refined "
        "in China')",
    ("vanadium", "refine"): "no V2O5 / ferrovanadium country table found; the USGS 'mine "
        "production' already counts vanadium recovered from steel slag (China, Russia), so "
        "part of the processing stage sits in the mine rows",
    ("tantalum", "refine"): "no country figures for tantalum chemicals or metal found "
        "(processors are named in trade press, e.g. Ningxia Orient (CN), TANIOBIS (DE), "
        "Global Advanced Metals (US), without shares)",
    ("lead", "refine"): "MCS 2026 lead chapter has mine production only; no refined-lead "
        "country table in the raw data or found",
    ("silver", "refine"): "MCS 2026 silver chapter has mine production only; no refined "
        "silver country table found",
    ("rhenium", "refine"): "USGS 'mine production' is rhenium recovered from Cu/Mo roaster "
        "residues (the recovery step itself); no separate refinery table",
    ("beryllium", "refine"): "MCS 2026 beryllium chapter has mine production only (Be "
        "content); no country table for Be metal/oxide/alloy found",
    ("nickel", "manufacture"): "not modelled: cathode material (IEA GEVO 2024 China 'nearly "
        "90%' of capacity) is a minor use of nickel, most of which goes to stainless steel; "
        "every tonne of the chain passes every stage, so a cathode stage would route all "
        "nickel demand through battery plants",
    ("silicon", "manufacture"): "not modelled: solar wafers (IEA 2022 China 97 % of "
        "capacity) take a minor share of silicon metal, most of which goes to aluminium "
        "alloys and silicones; a wafer stage would route all silicon demand through it",
    ("gallium", "manufacture"): "no country shares for GaAs/GaN wafers found (Yole 2022 "
        "names suppliers only: AXT, Sumitomo Electric, Freiberger)",
    ("germanium", "mine"): "germanium is recovered as a by-product of zinc ores and coal fly "
        "ash; USGS reports refinery production only; no country-level mine figure found",
    ("germanium", "manufacture"): "no cited country-level figure for germanium products "
        "(wafers, IR optics, fibre-optic GeCl4)",
    ("arsenic", "mine"): "arsenic is recovered from copper/lead/gold smelter flue dust; USGS "
        "reports arsenic trioxide plant production only",
    **{(m, "refine"): MINE_PRODUCT
       for m in ("barite", "boron", "fluorspar", "phosphate", "potash", "zirconium")},
}
# Notes added to covered stages (content basis differs between stages; per-element REE).
EXTRA_NOTES: dict[tuple[str, str], str] = {
    ("rare_earths", "mine"): "total REO (all rare earths); not the same basis as the refine "
        "stage (magnet REEs Nd+Pr+Dy+Tb): no per-element mine split exists in the raw data",
    ("rare_earths", "refine"): "magnet REEs Nd+Pr+Dy+Tb as one group (IEA); per-element "
        "shares (Nd, Pr, Dy, Tb) are not available in any raw file or cited source (IEA "
        "covers 'magnet rare earth elements' only; heavy REE (Dy, Tb) separation is ~100 % "
        "China per Benchmark/Fastmarkets, secondary and without tonnes), so no separate "
        "neodymium/praseodymium/dysprosium/terbium minerals",
    ("graphite", "mine"): "natural graphite gross weight; the refine stage is battery-grade "
        "graphite incl. synthetic (IEA), so the two stages do not share one basis "
        "(synthetic graphite is made from petroleum coke, not mined)",
    ("magnesium", "refine"): "Mg metal; the mine stage (magnesite, Mg content) is mostly "
        "refractory feed - Mg metal is mostly made from dolomite, which USGS does not tabulate",
    ("boron", "mine"): "USGS reports each country in its own form (Turkey refined borates, "
        "China B2O3 equivalent, Chile/Bolivia ulexite, Argentina crude ore, Peru crude "
        "borates, Russia datolite ore, Germany compounds) and no world total; the tonnes "
        "are summed as if comparable (ASSUMPTION), so shares are indicative only",
    ("titanium", "mine"): "Ti content of ilmenite + rutile (TiO2 x 0.5993); most of it "
        "feeds TiO2 pigment, not sponge",
}


def _status(g: pd.DataFrame, stage: str) -> str:
    if (g["basis"] == "assumption").any():
        return "assumption"
    if (g["basis"] == "hand_entered").any() or stage == "manufacture":
        return "hand_entered"
    return "sourced"


def _covered_note(g: pd.DataFrame, key: tuple[str, str], skipped: list,
                  capacity: list[str]) -> str:
    years = ",".join(str(y) for y in sorted(g["year"].unique()))
    note = f"years {years}; {len(g)} rows"
    assumed = sorted(g.loc[g["basis"] == "assumption", "year"].unique())
    if assumed:
        note += ("; " + ", ".join(str(y) for y in assumed)
                 + " rests on an ASSUMPTION (see source_detail)")
    if key[1] == "manufacture":
        note += "; published shares (China, named countries) x refine total; rest -> ROW"
    if (g["basis"] == "modelled").any():
        note += "; IEA modelled estimates (base year 2024; no observed 2025)"
    if skipped:
        note += "; left out (withheld/not available): " + ", ".join(
            f"{c} {y} {t}" for y, c, t in sorted(skipped))
    if g["capacity_t"].notna().any():
        note += f"; USGS capacity for {int(g['capacity_t'].notna().sum())} rows"
    if capacity:
        note += "; capacity left out: " + ", ".join(capacity)
    if key in EXTRA_NOTES:
        note += f"; {EXTRA_NOTES[key]}"
    return note


def build_stage_coverage(prod: pd.DataFrame, skipped: dict,
                         capacity_left_out: dict) -> pd.DataFrame:
    """One row per mineral x stage with status, source ids and a coverage note."""
    rows = []
    for m in MINERALS:
        for stage in STAGES:
            key = (m.mineral, stage)
            g = prod[(prod["mineral"] == m.mineral) & (prod["stage"] == stage)]
            if g.empty:
                rows.append({"mineral": m.mineral, "stage": stage, "status": "no_source",
                             "source_id": "usgs_mcs2026",
                             "note": "checked, no country data: "
                                     + REASONS.get(key, DEFAULT_REASON[stage])})
                continue
            sid = ";".join(sorted({i for v in g["source_id"] for i in v.split(";")}))
            rows.append({"mineral": m.mineral, "stage": stage, "status": _status(g, stage),
                         "source_id": sid,
                         "note": _covered_note(g, key, skipped.get(key, []),
                                               capacity_left_out.get(key, []))})
    return pd.DataFrame(rows).sort_values(["mineral", "stage"]).reset_index(drop=True)
