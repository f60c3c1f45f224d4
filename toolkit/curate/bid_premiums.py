"""``bid_premiums.csv``: default ``bid_premium`` per mineral and stage, from published figures.

``bid_premium = P_nonChina / P_China - 1`` (a fraction of unit cost): the extra the planned
buyers pay per tonne bid away from other buyers. Each figure below is hand-entered from the
publication named beside it (researched in ``research/bid_premiums.md``; F-numbers refer to
that file). Arithmetic uses range midpoints and is kept as the two numbers, so the premium is
recomputed, never typed. A negative spread is clipped to 0 (a bid does not earn a discount).

Rules, per (mineral, stage) present in production:

1. a **direct** figure for that mineral and stage (basis ``hand_entered``);
2. else a named **proxy** for that mineral and stage (basis ``assumption``);
3. else the stage fallback (basis ``assumption``): IEA GCMO 2025 capex outside the dominant
   producer +50 % for mine and refine; IEA's Chinese-battery cost gap (+43 %) for
   manufacture.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

# Flagged FX (research note): 1 USD = 7.1752 RMB, read in a SteelOrbis excerpt of late March
# 2025; used only for the antimony figure, whose Chinese price is in yuan (different date).
FX_RMB_PER_USD_MAR_2025 = 7.1752
LB_PER_T = 2204.62


@dataclass(frozen=True)
class PremiumFigure:
    """One published price or cost pair and what it is used for.

    Attributes
    ----------
    fid
        Figure id of ``research/bid_premiums.md`` (F1...F26) or a short tag.
    stage
        Stage the figure prices.
    direct, proxy
        Minerals for which it is a direct figure / a proxy (ASSUMPTION).
    non_china, china
        The two numbers: premium = non_china / china - 1.
    arithmetic
        The arithmetic as published (midpoints, conversions).
    source_id
        ``sources.csv`` id(s), ``;``-separated.
    citation
        Publication, date, URL and the figure's wording.
    """

    fid: str
    stage: str
    direct: tuple[str, ...]
    proxy: tuple[str, ...]
    non_china: float
    china: float
    arithmetic: str
    source_id: str
    citation: str

    @property
    def premium(self) -> float:
        """non_china / china - 1, clipped at 0."""
        return max(0.0, self.non_china / self.china - 1.0)


NDPR = ("rare_earths", "neodymium", "praseodymium")
BATTERY = ("lithium", "nickel", "cobalt", "manganese")

FIGURES: tuple[PremiumFigure, ...] = (
    PremiumFigure(
        "F1", "refine", NDPR, (), 110.0, 63.0, "110/63 - 1 (USD/kg NdPr oxide)",
        "reuters_ndpr_floor_2025",
        "US DoD-MP Materials 10-year price floor 110 USD/kg NdPr vs 'China-set price of "
        "$63/kg' (Reuters via EconoTimes, Jul 2025, https://www.econotimes.com/US-Sets-Rare-"
        "Earth-Price-Floor-to-Challenge-Chinas-Market-Dominance-1716080; Nasdaq 14 Jul 2025); "
        "range 0.25 (vs 88 USD/kg, Aug 2025) to 0.75"),
    PremiumFigure(
        "magnets", "manufacture", NDPR, ("dysprosium", "terbium"), 1.175, 1.0,
        "midpoint of '15% to 20% more': 1.175/1 - 1",
        "reuters_magnets_2025",
        "Reuters (E. Onstad, H. Jin), 'Rare earth magnet users jolted into paying premium "
        "prices for ex-China supply', 1 Jul 2025: NovaTech's Korean customers will pay 15-20 "
        "% more for magnets made in Vietnam (https://www.financetom.com/business/insightrare-"
        "earth-magnet-users-jolted-into-paying-premium-prices-for-exchina-supply-395248.htm)"),
    PremiumFigure(
        "F7", "refine", ("dysprosium",), (), 850.0, 280.0,
        "Europe 700-1,000 (6 May 2025) / pre-control Europe 250-310 USD/kg: 850/280 - 1",
        "argus_dy_tb_2025",
        "Argus via GMT Eight, 9 May 2025 (https://gmteight.com/latest/detail/282683): 99.5 % "
        "Dy oxide in Europe 250-310 -> 700-1,000 USD/kg while Chinese prices were stable "
        "(SMM); stress case: Adamas says < 1 % of 2024 volume traded at >= 800 USD/kg"),
    PremiumFigure(
        "F8", "refine", ("terbium",), (), 3000.0, 965.0,
        "Europe 2,000-4,000 (6 May 2025) / pre-control 930-1,000 USD/kg: 3000/965 - 1",
        "argus_dy_tb_2025",
        "Argus via GMT Eight, 9 May 2025; Nikkei 'terbium spiked from $965 to $3,000/kg' "
        "(https://rareearthexchanges.com/news/rare-earth-prices-surge-on-chinas-export-curbs-"
        "but-conflicting-signals-raise-market-questions)"),
    PremiumFigure(
        "F9", "refine", ("gallium",), (), 475.0, 269.95,
        "Europe 475 (Fastmarkets) / China 1,975 yuan = 269.95 USD/kg (SMM): 475/269.95 - 1",
        "reuters_gallium_2023",
        "Reuters (A. Lv, D. Patton), 'Chinese gallium prices hit 7-month high...', 19 Oct "
        "2023 (https://kdal610.com/2023/10/19/chinese-gallium-prices-hit-7-month-high-as-"
        "demand-improves-shipments-resume/)"),
    PremiumFigure(
        "F10", "refine", ("germanium",), (), 5000.0, 2927.82,
        "Rotterdam ~5,000 (10 Sep 2025) / China 2025 average export 2,927.82 USD/kg",
        "fastmarkets_germanium_2025;china_germanium_2025",
        "LOW CONFIDENCE (spot peak vs annual average; Project Blue found parity in Oct "
        "2024): Fastmarkets via WSJ/Sputnik 15 Sep 2025 (https://canada.news-pravda.com/"
        "world/2025/09/15/26640.html); China average via Reportify 12 Jan 2026 "
        "(https://reportify.ai/news/1208212428811276288)"),
    PremiumFigure(
        "F11", "refine", ("antimony",), (), 60250.0, 186500.0 / FX_RMB_PER_USD_MAR_2025,
        "Rotterdam 59,500-61,000 USD/t / (SMM 186,500 yuan/t / 7.1752): 60250/25992 - 1",
        "argus_antimony_2025;smm_antimony_2025;steelorbis_fx_2025",
        "Argus 24 Jun 2025 (https://www.argusmedia.com/en/news-and-insights/latest-market-"
        "news/2702731-eu-antimony-softens-slightly-on-improved-availability); SMM 27 Jun "
        "2025 No. 1 ingot; FX from a different date (flagged); range 0.76-1.6"),
    PremiumFigure(
        "F12", "refine", ("tungsten",), (), 273500.0, 252000.0,
        "European APT 261,000-286,000 / SMM APT 252,000 yuan/t (both 19 Jun 2025)",
        "smm_apt_2025",
        "SMM Tungsten Daily Review, 19 Jun 2025 (https://news.metal.com/newscontent/"
        "103385170/); range 0.03-0.14; spread ~0 by Sep-Oct 2025"),
    PremiumFigure(
        "F13", "mine", ("graphite",), (), 637.5, 467.5,
        "amorphous 80 % C CIF Europe 555-720 / FOB China 435-500 USD/t: 637.5/467.5 - 1",
        "fastmarkets_graphite_2022",
        "Fastmarkets, 'Graphite demand recovery uncertain despite falling freight costs', 17 "
        "Nov 2022 (https://www.fastmarkets.com/insights/graphite-demand-recovery-uncertain/);"
        " includes freight"),
    PremiumFigure(
        "F14", "manufacture", ("graphite",), (), 2.5, 1.0,
        "US anode production cost '100-200% higher' than China: midpoint 2.5/1 - 1",
        "syrah_stanford_anode",
        "Syrah Resources news reporting a Stanford University study, c. 2025 (https://syrah-"
        "resources.vercel.app/news/stanford-university-research-highlights-the-need-for-us-"
        "policy-support-to-strengt); a cost gap, not a traded spread"),
    PremiumFigure(
        "F15", "refine", ("lithium",), (), 31.0, 32.0875,
        "carbonate CIF CJK 30-32 USD/kg / China ex-works 31,305-32,870 USD/t: "
        "31/32.0875 - 1 = -0.03, clipped to 0",
        "fastmarkets_lithium_2021",
        "Fastmarkets, Dec 2021 (https://www.fastmarkets.com/article/4017873/); hydroxide "
        "spread +0.002 (Jun 2021); no published non-China / IRA premium found"),
    PremiumFigure(
        "F16", "manufacture", (), BATTERY, 1.0, 0.70,
        "Chinese batteries '30% less than European ones': 1/0.70 - 1",
        "iea_battery_2025",
        "IEA commentary 'The battery industry has entered a new phase', 6 Mar 2025, as "
        "reported by ess-news.com 7 Mar 2025 (https://www.ess-news.com/2025/03/07/iea-global-"
        "battery-industry-has-entered-new-phase/); a battery-cell cost gap used for cathode/"
        "cell-stage manufacture (N. America gap 0.25)"),
    PremiumFigure(
        "F18", "refine", ("cobalt",), (), 11.5, 10.0,
        "Rotterdam non-Chinese chemical grade 11-12 / Chinese-origin 9.50-10.50 USD/lb",
        "argus_cobalt_2025",
        "Argus, 'Cobalt rises despite continued oversupply', 4 Mar 2025 (https://www."
        "argusmedia.com/metals-platform/newsandanalysis/article/2664537-Cobalt-rises-despite-"
        "continued-oversupply); alloy grade 0.40; ~0 after the DRC export ban"),
    PremiumFigure(
        "F19", "refine", (), ("nickel",), 1025.0 + 273.05, 1025.0,
        "electrolytic Ni over 8-12 % NPI: (1,025 + 273.05 discount) / 1,025 yuan per Ni point",
        "smm_npi_2025",
        "SMM, 28 Mar 2025 (https://news.metal.com/newscontent/103253186/); a product-form "
        "spread (class 1 vs NPI), not an origin premium; no green-nickel premium exists"),
    PremiumFigure(
        "F20", "refine", ("copper",), (), 11000.0 + 228.0 - 89.0, 11000.0,
        "Europe premium 228 - China premium 89 USD/t over LME, / LME ~11,000 USD/t",
        "fastmarkets_copper_2024;reuters_codelco_2024;lme_copper_2025",
        "Aurubis 2025 European premium 228 USD/t (Fastmarkets, Oct 2024); Codelco 2025 China "
        "premium 89 USD/t (Reuters via Kitco, 11 Nov 2024); LME > 11,000 USD/t (late Oct "
        "2025, different date)"),
    PremiumFigure(
        "F21", "refine", ("magnesium",), (), 2800.0, 17750.0 * 2502.0 / 18000.0,
        "Rotterdam 2,750-2,850 USD/t / China 17,500-18,000 yuan/t at the article's 18,000 "
        "yuan = 2,502 USD: 2800/2467.25 - 1",
        "argus_magnesium_2024",
        "Argus, 'EU magnesium prices enter grey area below $3,000/t', Mar 2024 (copy: "
        "http://www.kiganode.com/disnews.asp?id=114)"),
    PremiumFigure(
        "F22", "refine", ("silicon",), (), 2726.5, 1980.0,
        "grade 553 Rotterdam 2,705-2,748 / China export 1,960-2,000 USD/t",
        "fastmarkets_silicon_2018",
        "Metal Bulletin/Fastmarkets, 23 Mar 2018 (https://www.fastmarkets.com/insights/"
        "forecast-european-silicon-prices-expected-to-rise-on-us-decision); old; EU "
        "anti-dumping duty explains part"),
    PremiumFigure(
        "F23", "manufacture", (), ("silicon",), 1.0, 0.65,
        "PV manufacturing costs in China '35% lower than in Europe': 1/0.65 - 1",
        "iea_pv_2022",
        "IEA, Solar PV Global Supply Chains, Jul 2022, executive summary (https://www.iea.org/"
        "reports/solar-pv-global-supply-chains/executive-summary); US gap 0.25"),
    PremiumFigure(
        "F24", "refine", ("bismuth",), (), 33.0, 21409.5 / LB_PER_T,
        "Rotterdam 30-36 USD/lb / China 20,719-22,100 USD/t / 2,204.62 lb/t: 33/9.711 - 1",
        "fastmarkets_bismuth_2025",
        "Fastmarkets, 'China's export controls disrupt bismuth markets...', 21 Mar 2025 "
        "(https://www.fastmarkets.com/insights/chinas-export-controls-disrupt-bismuth-markets"
        "-and-challenge-european-industries); Reuters 19 Mar 2025 gives 2.89"),
    PremiumFigure(
        "F25", "refine", ("vanadium",), (), 9.75, 9.44,
        "V2O5 Rotterdam 9.50-10.00 / China export 9.31-9.57 USD/lb",
        "argus_vanadium_2021",
        "vanadiumprice.com relaying Argus, 'European Vanadium Price Outlooks Diverge', c. "
        "Aug-Sep 2021 (https://www.vanadiumprice.com/european-vanadium-price-outlooks-"
        "diverge/)"),
)

FALLBACK: dict[str, PremiumFigure] = {
    stage: PremiumFigure(
        "F26", stage, (), (), 1.5, 1.0,
        "capex outside the dominant producer 'typically 50% higher': 1.5/1 - 1",
        "iea_gcmo_2025",
        "IEA, Global Critical Minerals Outlook 2025, chapter 'Policy mechanisms for "
        "diversified mineral supplies', May 2025 (https://www.iea.org/reports/global-critical-"
        "minerals-outlook-2025/policy-mechanisms-for-diversified-mineral-supplies); a capex "
        "ratio, not a price spread")
    for stage in ("mine", "refine")
}
FALLBACK["manufacture"] = next(f for f in FIGURES if f.fid == "F16")

# Alternatives named in research/bid_premiums.md for stages without a figure (quoted in the
# note of a fallback row, not used as values).
ALTERNATIVES: dict[tuple[str, str], str] = {
    ("lithium", "mine"): "spodumene is priced into China: research suggests 0.0-0.5",
    ("graphite", "refine"): "research suggests the anode cost gap (1.5, F14) or this fallback",
    ("tungsten", "mine"): "research suggests the APT spread (0.085, F12) or this fallback",
    ("aluminium", "mine"): "research suggests about 0.0-0.05 (premia over LME of a few %)",
    ("aluminium", "refine"): "research suggests about 0.0-0.05 (premia over LME of a few %)",
}
NOT_CHINA_DOMINATED = ("zinc", "chromium", "niobium", "tantalum", "pgm", "platinum",
                       "palladium")

BID_COLS = ["mineral", "stage", "bid_premium", "basis", "source_id", "note"]


def pick_figure(mineral: str, stage: str) -> tuple[PremiumFigure, str]:
    """The figure for a mineral and stage and how it is used (direct, proxy, fallback)."""
    for f in FIGURES:
        if f.stage == stage and mineral in f.direct:
            return f, "direct"
    for f in FIGURES:
        if f.stage == stage and mineral in f.proxy:
            return f, "proxy"
    return FALLBACK[stage], "fallback"


def _row(mineral: str, stage: str) -> dict:
    f, use = pick_figure(mineral, stage)
    premium = round(f.premium, 4)
    if use == "direct":
        basis, lead = "hand_entered", f"{f.fid} direct figure"
    elif use == "proxy":
        basis, lead = "assumption", f"ASSUMPTION: proxy {f.fid} ({f.stage}) for {mineral}"
    else:
        basis, lead = "assumption", (f"ASSUMPTION: no published {mineral} {stage} figure; "
                                     f"stage fallback {f.fid}")
    note = f"{lead}: {f.arithmetic} = {premium:g}; {f.citation}"
    if use == "fallback":
        note += "; " + ALTERNATIVES.get((mineral, stage), "no alternative figure found")
        if mineral in NOT_CHINA_DOMINATED:
            note += ("; China is not the dominant supplier: research suggests 0 for market "
                     "bids, this fallback only for new non-Chinese capacity")
    return {"mineral": mineral, "stage": stage, "bid_premium": premium, "basis": basis,
            "source_id": f.source_id, "note": note}


def build_bid_premiums(prod: pd.DataFrame) -> pd.DataFrame:
    """One ``bid_premiums.csv`` row per mineral and stage present in ``prod``."""
    pairs = prod[["mineral", "stage"]].drop_duplicates().sort_values(["mineral", "stage"])
    rows = [_row(m, s) for m, s in pairs.itertuples(index=False)]
    return pd.DataFrame(rows, columns=BID_COLS).reset_index(drop=True)
