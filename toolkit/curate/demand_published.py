"""Hand-entered published figures for UK and Japan demand, each next to its citation.

Three uses:

* :data:`PUBLISHED_DEMAND` replaces the trade build where the raw trade files lack the
  codes that carry most of the flow (e.g. rare-earth compounds 2846, cobalt metal 8105,
  nickel intermediates 7501) and a published demand figure exists;
* :data:`SUPPLEMENTS` are added to the trade build (net imports of a code the raw files
  lack, or domestic production the production table lacks);
* :data:`CHECKS` are the published figures every estimate is compared with
  (``demand.csv`` columns ``check_t`` and ``check``).

``tonnes`` is always in the mineral's chain basis (tonnes of contained element, or the
USGS basis named in ``minerals.csv``), converted as stated in ``conversion``.  A
conversion that rests on an assumption has ``assumed=True`` and says ASSUMPTION.
"""

from __future__ import annotations

from dataclasses import dataclass

from toolkit.curate.common import LB_PER_T, LI_IN_LI2CO3
from toolkit.curate.trade_codes import LI_IN_LIOH_H2O, REO_PER_RE


@dataclass(frozen=True)
class Figure:
    """One published figure converted to tonnes of the chain basis.

    Attributes
    ----------
    buyer, mineral
        Planned buyer (GBR, JPN) and mineral id.
    tonnes
        The figure in the chain basis, t/yr.
    year
        Year the figure refers to.
    quote
        What the publication says (number and unit, quoted or paraphrased closely).
    conversion
        How ``tonnes`` follows from the quote.
    citation
        Publication, table/page and URL.
    source_id
        Row of ``sources.csv``.
    assumed
        True if the conversion rests on an assumption.
    stage
        For supplements: the stage of the product (``production`` supplements add to the
        buyer's own output, ``trade`` ones to net imports).
    """

    buyer: str
    mineral: str
    tonnes: float
    year: int
    quote: str
    conversion: str
    citation: str
    source_id: str
    assumed: bool = False
    stage: str = "refine"

    def text(self) -> str:
        """One-line citation with the conversion."""
        flag = " (ASSUMPTION)" if self.assumed and "ASSUMPTION" not in self.conversion else ""
        return (f"{self.tonnes:,.1f} t ({self.year}): {self.quote}; {self.conversion}{flag} "
                f"[{self.citation}]")


JMD = "Japan Metal Daily (日刊鉄鋼新聞)"
KOZAN_2020 = ("鉱山 (Japan Mining Industry Association journal) 2020年8・9月号, "
              "https://j-mining-pf.jp/jmpf/bulletin/r02/kozan20200809/HTML/")

_DEMAND: tuple[Figure, ...] = (
    # The chain's refine (IEA) and manufacture (magnets) stages count the magnet rare
    # earths Nd, Pr, Dy, Tb only, so Japan's demand is its Nd + didymium (PrNd) demand; the
    # JSNM total of all rare-earth products (18,835 t in 2024, cerium and lanthanum
    # included) is not on that basis and is quoted for context only.
    Figure("JPN", "rare_earths", 5229.0 * 1.052, 2024,
           "2023: '2023年ネオジム・ジジムの日本国内需要は前年比8.5%増の5,229トン'; 2024: "
           "'ジジム・ネオジムが5・2%増' (Nd + didymium; all rare-earth products '1万8835トン')",
           "5,229 t (2023) x 1.052 (the published 2024 growth) = Nd + PrNd 2024, t of "
           "products (oxide-equivalent basis, as Adamas describes the series); magnet rare "
           "earths only, Dy and Tb not published separately, so a lower bound",
           "Japan Society of Newer Metals (JSNM), rare-earth division: 2023 demand results "
           "(http://www.jsnm.or.jp/news/?p=1476) and 2024 results reported by "
           f"{JMD}, https://www.japanmetaldaily.com/articles/-/237695 (2025)",
           "jsnm_re_2024"),
    Figure("JPN", "cobalt", 9413.0, 2013,
           "'In total, 9413 t of cobalt was input to Japan in 2013' (Li-ion batteries 7,839 t)",
           "as published (t Co contained); the latest published total found, used for 2024",
           "Seo, Y. & Morimoto, S. (2016) Domestic Cobalt Flow and Mid-Term Demand Forecast, "
           "Journal of MMIJ 132(4):66-70, doi:10.2473/journalofmmij.132.66 (abstract)",
           "seo_morimoto_2016"),
    Figure("JPN", "nickel", 169000.0, 2019,
           "'国内需要は16.9万トン' (domestic demand, Ni content: ingots, ferronickel, oxide)",
           "as published (t Ni content); the latest published total found, used for 2024",
           f"{KOZAN_2020}index88.html, p.88 (ニッケル需給概要, 2019)", "jmia_kozan_2020"),
    Figure("JPN", "aluminium", 1050000.0, 2024,
           "'Japan's primary aluminum imports increased by 1.9pc in 2024, reaching 1.05mn t'",
           "as published (t primary Al); Japan has no primary smelter in the USGS MCS 2026 "
           "smelter table, so primary demand = primary imports (re-exports not deducted)",
           "Metalnomist, 'Japan's Primary Aluminum Imports Rise Despite Weak Domestic "
           "Demand', Mar 2025 (Japan Ministry of Finance data), "
           "https://metalnomist.com/2025/03/japans-primary-aluminum-imports-rise.html",
           "metalnomist_al_2025"),
    Figure("JPN", "tungsten", 7633.0, 2014,
           "'国内消費量(2014年) 7,633 トン' (W basis)",
           "as published (t W); the latest published total found, used for 2024",
           "JOGMEC 鉱物資源マテリアルフロー 2015 (tungsten), as cited by CJC, "
           "https://cjc.or.jp/raremetal/overview/needs-targets/tungsten", "jogmec_mf"),
    Figure("JPN", "molybdenum", 47.5e6 / LB_PER_T, 2023,
           "'日本は4750万ポンド' (Mo use, IMOA)",
           f"47.5 Mlb / {LB_PER_T:.2f} lb per t (t Mo contained)",
           "International Molybdenum Association (IMOA) statistics, reported by iru-miru, "
           "https://www.iru-miru.com/article/66732 (2024)", "iru_miru_imoa_2024"),
    Figure("JPN", "tin", 24900.0, 2019,
           "Japan refined tin consumption 24.9 kt (WBMS)",
           "as published (t Sn metal); the latest published total found, used for 2024",
           f"{KOZAN_2020}index98.html, p.98 表3 世界のスズ地金消費 (WBMS)", "jmia_kozan_2020"),
    Figure("JPN", "zinc", 450743.0, 2019,
           "FY2019 '内需(見掛け消費値) 450,743 t' (slab zinc)",
           "as published (t Zn); the latest published total found, used for 2024",
           f"{KOZAN_2020}index49.html, p.49 表10 亜鉛需給表", "jmia_kozan_2020"),
    Figure("JPN", "tantalum", 388.0, 2022,
           "'2022年の国内のタンタル需要は前年比22%減の388トン' (smelting 146 t + processing "
           "242 t)",
           "as published; the two departments may overlap, so an upper bound on Ta content",
           "JSNM tantalum division via 日刊産業新聞 2023-05-15, "
           "https://japanmetal.com/news-h20230515126928.html", "jsnm_ta_2023"),
    Figure("GBR", "rare_earths", (1238.0 + 7787.0) / 5.0 * REO_PER_RE, 2019,
           "UK net imports 2017-2021: '1238 t of REE in REE compounds, 7787 t of REE in "
           "NdFeB magnets'",
           f"ASSUMPTION: cumulative over the five years -> (1,238 + 7,787) / 5 t REE per year "
           f"x {REO_PER_RE:.4f} (Nd2O3/2Nd) to oxide equivalent; magnet REEs (Nd, Pr, Dy, "
           "Tb) only, so a lower bound on total REO",
           "Hsu, W.-T. et al. (2024) Mapping the flows and stocks of permanent magnets rare "
           "earth elements for powering a circular economy in the UK, Sustainable Production "
           "and Consumption, doi:10.1016/j.spc.2024.03.027 (abstract)", "hsu_2024",
           assumed=True),
    Figure("GBR", "aluminium", 167000.0, 2024,
           "'aluminium consumption in the UK domestic market was about 296,000 tonnes, of "
           "which primary aluminium demand was 167,000 tonnes'",
           "primary part only (the chain's refine stage is primary smelting)",
           "AlCircle, 'UK aluminium squeezed by weak production, soaring demand...', 2025, "
           "https://www.alcircle.com/news/uk-aluminium-squeezed-by-weak-production-soaring-"
           "demand-and-high-energy-costs-what-s-the-way-forward-what-the-uk-budget-indicates"
           "-116518", "alcircle_uk_al_2025"),
)
PUBLISHED_DEMAND: dict[tuple[str, str], Figure] = {(f.buyer, f.mineral): f for f in _DEMAND}

_SUPPLEMENTS: tuple[Figure, ...] = (
    Figure("JPN", "lithium", 37640.0 * LI_IN_LIOH_H2O, 2024,
           "'imports of lithium oxide and hydroxide ... reaching approximately 37,640 tons' "
           "(HS 2825.20)",
           f"net imports of HS 282520 (missing from the raw trade files): 37,640 t x "
           f"{LI_IN_LIOH_H2O:.4f} Li in LiOH.H2O; ASSUMPTION: traded as the monohydrate "
           "(battery grade) and Japan's LiOH exports negligible (not found)",
           "Metalnomist, 'Japan's Lithium Imports Drop Amid Slow EV Market in 2024', Mar "
           "2025 (Japan Ministry of Finance), "
           "https://metalnomist.com/2025/03/japans-lithium-imports-drop-amid-slow.html",
           "metalnomist_li_2025", assumed=True, stage="trade"),
    Figure("JPN", "gallium", 97.0, 2021,
           "'In 2021, Japan used 167 tons of gallium, of which 97 tons were imported'",
           "net imports of gallium (no gallium-only code in the raw files): 97 t; the "
           "70 t rest of use is mostly recycled gallium, outside the primary chain",
           "Yomiuri Shimbun / The Japan News (c. Aug 2025), via "
           "https://www.daily8.com/en/article/264e2708dd6ab4bad7ea964ed0c81180",
           "yomiuri_ga_2025", stage="trade"),
    Figure("JPN", "germanium", 3.569 * 12.0 / 9.0, 2023,
           "'2023年1-9月の同累計輸入量は3,569キロ' (unwrought, powder, scrap)",
           "net imports: 3,569 kg x 12/9; ASSUMPTION: Oct-Dec at the Jan-Sep rate, gross "
           "weight taken as Ge content, exports negligible",
           "iru-miru ゲルマニウム輸入Report#48 (Japan Ministry of Finance data), "
           "https://www.iru-miru.com/article_detail.php?id=64031", "iru_miru_ge_2023",
           assumed=True, stage="trade"),
    Figure("JPN", "indium", 154.0, 2022,
           "'2022年のインジウムの日本への輸入量は...154トン'",
           "net imports of indium (no indium-only code in the raw files): 154 t; "
           "ASSUMPTION: exports (ITO scrap, metal) not deducted (no figure found)",
           "日刊産業新聞 2023-06-28, https://www.japanmetal.com/news-h20230628127925.html",
           "nikkan_in_2023", assumed=True, stage="trade"),
    Figure("GBR", "nickel", 40000.0, 2024,
           "Clydach refinery: 'current nominal production capacity is 40,000 metric tons per "
           "year' (refined nickel powder and pellets)",
           "domestic refined production (not in the production table); ASSUMPTION: output "
           "at nominal capacity",
           "Vale, 'Longstanding nickel tradition: get to know Vale's refinery in UK', "
           "http://www.vale.com/EN/aboutvale/news/Pages/tradicao-niquel-conheca-refinarias-"
           "vale-reino-unido.aspx; 'around 40,000 tonnes of nickel products ever year' (The "
           "Manufacturer, 3 Feb 2014)", "vale_clydach", assumed=True, stage="production"),
)
SUPPLEMENTS: dict[tuple[str, str], tuple[Figure, ...]] = {}
for _f in _SUPPLEMENTS:
    SUPPLEMENTS[(_f.buyer, _f.mineral)] = SUPPLEMENTS.get((_f.buyer, _f.mineral), ()) + (_f,)

_CHECKS: tuple[Figure, ...] = (
    Figure("JPN", "rare_earths", 5229.0, 2023,
           "'2023年ネオジム・ジジムの日本国内需要は前年比8.5%増の5,229トン'",
           "as published (the year before; same magnet rare-earth basis)",
           "Japan Society of Newer Metals (JSNM), rare-earth division, 2023 demand results, "
           "http://www.jsnm.or.jp/news/?p=1476", "jsnm_re_2024"),
    Figure("JPN", "lithium", 11520.0 * LI_IN_LI2CO3 + 37640.0 * LI_IN_LIOH_H2O, 2024,
           "Li2CO3 imports ~11,520 t; lithium oxide and hydroxide imports ~37,640 t",
           f"11,520 x {LI_IN_LI2CO3:.5f} + 37,640 x {LI_IN_LIOH_H2O:.4f} (LiOH.H2O, "
           "ASSUMPTION); imports only", "Metalnomist, Mar 2025 (Japan Ministry of Finance)",
           "metalnomist_li_2025", assumed=True),
    Figure("JPN", "cobalt", 0.20 * 81925.0, 2013,
           "'2013年の地金消費量は81,925t ... 日本は ... 全体の20%程度を消費'",
           "20 % x 81,925 t (refined cobalt consumption)",
           "JOGMEC 鉱物資源マテリアルフロー 2015, 9. コバルト (mirror at expydoc.com)",
           "jogmec_mf"),
    Figure("JPN", "nickel", 0.08 * 2327000.0, 2018,
           "world primary nickel consumption 2,327 kt; Japan 8 %",
           "8 % x 2,327 kt", "JOGMEC 鉱物資源マテリアルフロー 2019, 8. ニッケル (INSG 2019)",
           "jogmec_mf"),
    Figure("JPN", "copper", 957257.0, 2019,
           "FY2019 '内需(見掛値) 957,257 t' (refined copper; reported 1,001,537 t)",
           "as published", f"{KOZAN_2020}index37.html, p.37 表11 銅需給表 (METI, JMIA)",
           "jmia_kozan_2020"),
    Figure("JPN", "copper", 930000.0, 2015,
           "'日本の2015年度の銅地金消費は93万トン'", "as published",
           "Japan Copper and Brass Association, http://copper-brass.gr.jp/copper-and-brass/"
           "copper/domestic-metal", "jcba_2015"),
    Figure("JPN", "aluminium", 1030000.0, 2023,
           "'Japan's imports of primary aluminium fell 26% to 1.03 million metric tons in "
           "2023'", "as published", "Reuters (Y. Obayashi), 30 Jan 2024, via "
           "https://www.nasdaq.com/articles/japan-aluminium-imports-falls-26-in-2023-amid-"
           "slow-demand (Japan Ministry of Finance)", "reuters_al_2024"),
    Figure("JPN", "tungsten", 0.11 * 66000.0, 2012,
           "world W demand 66.0 kt; Japan 11 %", "11 % x 66.0 kt",
           "JOGMEC 鉱物資源マテリアルフロー 2018, tungsten", "jogmec_mf"),
    Figure("JPN", "molybdenum", 0.10 * 253100.0, 2017,
           "world Mo consumption 253.1 kt; Japan 10 %", "10 % x 253.1 kt",
           "JOGMEC 鉱物資源マテリアルフロー 2018, molybdenum (IMOA)", "jogmec_mf"),
    Figure("JPN", "tin", 11401.0 * 2.0, 2022,
           "tin ingot imports Apr-Sep 2022: 11,401 t", "x 2; ASSUMPTION: other half alike",
           f"{JMD}, https://www.japanmetaldaily.com/articles/-/116502", "jmd_sn_2022",
           assumed=True),
    Figure("JPN", "zinc", 327090.0, 2019,
           "FY2019 '内需(報告値) 327,090 t'", "as published (reported, not apparent)",
           f"{KOZAN_2020}index49.html, p.49 表10", "jmia_kozan_2020"),
    Figure("JPN", "gallium", 167.0, 2021,
           "'In 2021, Japan used 167 tons of gallium' (incl. recycled)",
           "as published; includes secondary gallium", "Yomiuri / The Japan News, c. 2025",
           "yomiuri_ga_2025"),
    Figure("JPN", "germanium", 3.569, 2022,
           "Jan-Sep 2023 imports of 3,569 kg had '既にほぼ昨年の年間輸入量に到達' (almost reached "
           "last year's annual imports)", "2022 imports ~3,569 kg (derived lower-end reading)",
           "iru-miru ゲルマニウム輸入Report#48", "iru_miru_ge_2023"),
    Figure("JPN", "indium", 3.0 * 154.0, 2018,
           "2022 imports of 154 t were 'ピークだった18年の3分の1未満' (under a third of the "
           "2018 peak)", "2018 imports > 3 x 154 t (context: no independent demand figure "
           "found)", "日刊産業新聞 2023-06-28", "nikkan_in_2023"),
    Figure("JPN", "magnesium", 17493.0, 2022,
           "pure magnesium ingot imports 2022: '1万7493トン'", "as published (imports only)",
           f"{JMD}, https://www.japanmetaldaily.com/articles/-/121802 (Ministry of Finance)",
           "jmd_mg_2022"),
    Figure("JPN", "magnesium", 35000.0, 2022,
           "'2022年のマグネシウム国内需要量は前年比6・4%増の3万5千トン' (forecast, incl. "
           "alloys)", "as published",
           f"Japan Magnesium Association via {JMD}, "
           "https://www.japanmetaldaily.com/articles/-/103258", "jmd_mg_2022"),
    Figure("JPN", "titanium", 53496.0 - 31934.0, 2024,
           "sponge shipments 2024 53,496 t (Japan Titanium Society); Ti lump exports 2024 "
           "31,934 t (MOF)", "53,496 - 31,934 = domestic sponge use",
           f"{JMD}, https://www.japanmetaldaily.com/articles/-/239259 and -/231696",
           "jts_ti_2024"),
    Figure("JPN", "pgm", 18.9 + 33.0, 2013,
           "'プラチナ需要が2013年の18.9トン…パラジウム需要が2013年の33.0トン'",
           "18.9 + 33.0 (Pt + Pd)", "Seo, Y. & Morimoto, S. (2017) Resources 6(4):61, "
           "doi:10.3390/resources6040061", "seo_morimoto_2017"),
    Figure("JPN", "platinum", 18.9, 2013, "Pt demand 2013 18.9 t", "as published",
           "Seo & Morimoto (2017) Resources 6(4):61", "seo_morimoto_2017"),
    Figure("JPN", "palladium", 33.0, 2013, "Pd demand 2013 33.0 t", "as published",
           "Seo & Morimoto (2017) Resources 6(4):61", "seo_morimoto_2017"),
    Figure("JPN", "antimony", 4500.0, 2023,
           "Nihon Seiko expects FY2023 antimony product output of 4,500 t",
           "as published; a proxy (Japan's main Sb converter, fed with imported metal)",
           f"{JMD}, https://www.japanmetaldaily.com/articles/-/128868", "jmd_sb_2023"),
    Figure("GBR", "aluminium", 296000.0, 2024,
           "UK aluminium consumption about 296,000 t (primary 167,000 + secondary 129,000)",
           "as published (includes secondary)", "AlCircle, 2025", "alcircle_uk_al_2025"),
)
CHECKS: dict[tuple[str, str], tuple[Figure, ...]] = {}
for _f in _CHECKS:
    CHECKS[(_f.buyer, _f.mineral)] = CHECKS.get((_f.buyer, _f.mineral), ()) + (_f,)
