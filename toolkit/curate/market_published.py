"""Named market buyers: who else buys each mineral, from USGS and cited publications.

Two kinds of entry:

* :data:`USA_ROWS`: the United States' apparent (or reported) consumption in the USGS MCS
  2026 salient statistics (year 2024), read from the raw file by
  :func:`toolkit.curate.market.usa_buyers`;
* :data:`NAMED_BUYERS`: hand-entered figures for China, Korea and the EU from
  publications (``/work/research/demand_checks.md`` table B), either a tonnage in the
  chain basis or a share of world consumption (then multiplied by world output at the
  mineral's tightest stage).

``rank`` orders reliability (1 = national statistics, 2 = published consumption
tonnage, 3 = published share of world consumption, 4 = imports used as a proxy or a weak
source).  If the named buyers do not fit between the planned buyers and world output, the
least reliable are reduced or dropped first (:func:`toolkit.curate.market.market_rows`).
"""

from __future__ import annotations

from dataclasses import dataclass

from toolkit.curate.common import LB_PER_T, LI_IN_LI2CO3
from toolkit.curate.trade_codes import AS2O3_PER_AS, LI_IN_LIOH_H2O, SR_IN_CELESTITE


@dataclass(frozen=True)
class UsaRow:
    """A USGS MCS 2026 US salient-statistics consumption row (year 2024)."""

    chapter: str
    detail: str
    factor: float = 1.0
    note: str = ""
    commodity: str = ""


_PT = UsaRow("PLATINUM-GROUP METALS", "Consumption, apparent: Platinum",
             note="includes secondary production")
_PD = UsaRow("PLATINUM-GROUP METALS", "Consumption, apparent: Palladium",
             note="includes secondary production")
USA_ROWS: dict[str, tuple[UsaRow, ...]] = {
    "aluminium": (UsaRow("ALUMINUM", "Consumption, apparent",
                         note="includes secondary production from old scrap; the chain's "
                              "refine stage is primary smelting"),),
    "antimony": (UsaRow("ANTIMONY", "Consumption, apparent", note="Sb content"),),
    "arsenic": (UsaRow("ARSENIC", "Consumption, estimated, all forms of arsenic",
                       AS2O3_PER_AS, "As content x 1.3203 to the As2O3 basis"),),
    "beryllium": (UsaRow("BERYLLIUM", "Consumption: Apparent"),),
    "bismuth": (UsaRow("BISMUTH", "Consumption: Apparent", note="includes secondary"),),
    "chromium": (UsaRow("CHROMIUM", "Consumption (includes recycling): Apparent",
                        note="Cr content, includes recycling; check the chain's chromium "
                             "basis (gross chromite in MCS 2026 mine data)"),),
    "cobalt": (UsaRow("COBALT", "Consumption (includes secondary): Apparent",
                      note="includes secondary"),),
    "copper": (UsaRow("COPPER", "Consumption: Apparent, primary refined copper and copper "
                      "from old scrap", note="includes copper from old scrap"),),
    "fluorspar": (UsaRow("FLUORSPAR", "Consumption, apparent"),),
    "gallium": (UsaRow("GALLIUM", "Consumption, reported",
                       note="reported consumption (apparent not published)"),),
    "graphite": (UsaRow("GRAPHITE (NATURAL)", "Consumption, apparent",
                        note="natural graphite, imports - exports"),),
    "indium": (UsaRow("INDIUM", "Consumption, estimated", note="estimated equal to imports"),),
    "lead": (UsaRow("LEAD", "Consumption, apparent"),),
    "manganese": (UsaRow("MANGANESE", "Consumption, apparent, manganese content"),),
    "molybdenum": (UsaRow("MOLYBDENUM", "Consumption: Apparent"),),
    "nickel": (UsaRow("NICKEL", "Consumption: Apparent, primary", note="primary nickel"),),
    "niobium": (UsaRow("NIOBIUM (COLUMBIUM)", "Consumption: Apparent"),),
    "phosphate": (UsaRow("PHOSPHATE ROCK", "Consumption, apparent"),),
    "pgm": (_PT, _PD),
    "platinum": (_PT,),
    "palladium": (_PD,),
    "potash": (UsaRow("POTASH", "Consumption, apparent"),),
    "rare_earths": (UsaRow("RARE EARTHS", "Consumption, apparent, compounds and metals",
                           note="REO equivalent (USGS import notes)"),),
    "rhenium": (UsaRow("RHENIUM", "Consumption, apparent"),),
    "silver": (UsaRow("SILVER", "Consumption, apparent"),),
    "strontium": (UsaRow("STRONTIUM", "Consumption, apparent: Total", 1.0 / SR_IN_CELESTITE,
                         "Sr content / 0.4388 (USGS note) to the gross-celestite basis"),),
    "tantalum": (UsaRow("TANTALUM", "Consumption, apparent"),),
    "tin": (UsaRow("TIN", "Consumption, apparent, refined"),),
    "titanium": (UsaRow("TITANIUM AND TITANIUM DIOXIDE", "Consumption, apparent",
                        note="titanium sponge metal", commodity="Titanium sponge metal"),),
    "vanadium": (UsaRow("VANADIUM", "Consumption: Apparent"),),
    "yttrium": (UsaRow("YTTRIUM", "Consumption, apparent"),),
    "zinc": (UsaRow("ZINC", "Consumption, apparent, refined zinc"),),
}


@dataclass(frozen=True)
class NamedBuyer:
    """A market buyer's demand from a publication: a tonnage or a share of the world."""

    buyer: str
    mineral: str
    year: int
    quote: str
    conversion: str
    citation: str
    source_id: str
    rank: int
    tonnes: float | None = None
    share: float | None = None
    assumed: bool = False


NAMED_BUYERS: tuple[NamedBuyer, ...] = (
    NamedBuyer("CHN", "cobalt", 2020, "'China being the leading cobalt-consuming country (32% "
               "of global cobalt consumption)'", "32 % x world output at the tightest stage",
               "Cobalt Institute, news 18 May 2021 (State of the Cobalt Market report 2020), "
               "https://cobaltinstitute.org/news/cobalt-institute-publishes-state-of-the-"
               "cobalt-market-report-2020", "cobalt_institute_2021", 3, share=0.32),
    NamedBuyer("CHN", "copper", 2020, "'China's share represented 53.6% of the world's total "
               "refined copper consumption in 2020'", "53.6 % x world output at the tightest "
               "stage", "ECLAC, via Opportimes, https://www.opportimes.com/china-accounted-"
               "for-53-6-of-the-worlds-refined-copper-consumption-in-2020/", "eclac_cu_2020",
               3, share=0.536),
    NamedBuyer("CHN", "nickel", 2018, "country/region primary nickel consumption (total "
               "2,327 kt): China 52 %", "52 % x world output at the tightest stage",
               "JOGMEC 鉱物資源マテリアルフロー 2019, 8. ニッケル (INSG 2019)", "jogmec_mf", 3,
               share=0.52),
    NamedBuyer("CHN", "lithium", 2022, "'China's apparent consumption of lithium carbonate "
               "will reach 474300 tons in 2022'", f"474,300 t Li2CO3 x {LI_IN_LI2CO3:.5f} "
               "(Li2CO3 stoichiometry); carbonate only (China is a net LiOH exporter)",
               "HME Online, 10 Feb 2023 (China customs)", "hme_li_2023", 2,
               tonnes=474300.0 * LI_IN_LI2CO3),
    NamedBuyer("KOR", "lithium", 2024, "'Lithium carbonate imports over 2024 ... around "
               "26,965t ... Lithium oxide and hydroxide imports ... around 101,447t'",
               f"26,965 x {LI_IN_LI2CO3:.5f} + 101,447 x {LI_IN_LIOH_H2O:.4f}; ASSUMPTION: "
               "hydroxide as LiOH.H2O; imports used as a demand proxy",
               "Argus, 'South Korea's lithium imports fall in 2024', "
               "https://argusmedia.com/en/news-and-insights/latest-market-news/2648899-south-"
               "korea-s-lithium-imports-fall-in-2024", "argus_kor_li_2025", 4,
               tonnes=26965.0 * LI_IN_LI2CO3 + 101447.0 * LI_IN_LIOH_H2O, assumed=True),
    NamedBuyer("CHN", "molybdenum", 2023, "Mo use: China 278.5 Mlb (world 630 Mlb)",
               f"278.5 Mlb / {LB_PER_T:.2f} lb per t", "IMOA statistics via iru-miru, "
               "https://www.iru-miru.com/article/66732 (2024)", "iru_miru_imoa_2024", 2,
               tonnes=278.5e6 / LB_PER_T),
    NamedBuyer("CHN", "tin", 2019, "refined tin consumption China 177.9 kt (WBMS)",
               "as published", "鉱山 2020年8・9月号 p.98 表3 (WBMS)", "jmia_kozan_2020", 2,
               tonnes=177900.0),
    NamedBuyer("KOR", "tin", 2019, "refined tin consumption Korea 12.0 kt (WBMS)",
               "as published", "鉱山 2020年8・9月号 p.98 表3 (WBMS)", "jmia_kozan_2020", 2,
               tonnes=12000.0),
    NamedBuyer("CHN", "zinc", 2017, "slab zinc consumption (total 13,684 kt): China 48 %",
               "48 % x world output at the tightest stage",
               "JOGMEC 鉱物資源マテリアルフロー 2018, zinc (ILZSG)", "jogmec_mf", 3, share=0.48),
    NamedBuyer("CHN", "tungsten", 2012, "tungsten demand (total 66.0 kt): China 56 %",
               "56 % x world output at the tightest stage",
               "JOGMEC 鉱物資源マテリアルフロー 2018, tungsten", "jogmec_mf", 3, share=0.56),
    NamedBuyer("CHN", "platinum", 2017, "platinum demand (total 247 t): China 26 %",
               "26 % x world output at the tightest stage",
               "JOGMEC 鉱物資源マテリアルフロー 2018, PGM (Johnson Matthey)", "jogmec_mf", 3,
               share=0.26),
    NamedBuyer("CHN", "rare_earths", 2018, "China 56.5 % of global rare-earth consumption",
               "56.5 % x world output at the tightest stage; weak secondary source",
               "China Rare Earth Forum via Atech (weak)", "atech_re_2018", 4, share=0.565,
               assumed=True),
    NamedBuyer("EUU", "rare_earths", 2024, "'In 2024, a total of 12 900 tonnes of rare earth "
               "elements (REE+) were imported to the EU'", "imports used as a demand proxy "
               "(exports 5,500 t not deducted: re-exports unknown)",
               "Eurostat news, 9 Apr 2025, https://ec.europa.eu/eurostat/en/web/products-"
               "eurostat-news/w/ddn-20250409-1", "eurostat_ree_2025", 4, tonnes=12900.0),
    NamedBuyer("EUU", "gallium", 2023, "a Mytilineos pilot 'could meet the EU's annual "
               "demand of 40-45 metric tons'", "midpoint 42.5 t (ASSUMPTION)",
               "Reuters via metalswire, Aug 2023", "mytilineos_ga_2023", 2, tonnes=42.5,
               assumed=True),
)
