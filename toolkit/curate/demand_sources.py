"""``sources.csv`` rows for the demand, import-mix and market-buyer builds.

Same layout as :data:`toolkit.curate.sources.SOURCES`: (source_id, title, publisher,
edition, year, licence, url, caveats).  Secondary reports of a primary statistic name both.
"""

from __future__ import annotations

_NO_LICENCE = "publisher's terms (figure quoted, not redistributed)"
JOGMEC_URL = "https://mric.jogmec.go.jp/"

DEMAND_SOURCES: tuple[tuple, ...] = (
    ("cepii_baci_qty_v202601", "BACI: International Trade Database at the Product-Level, "
     "HS17, with quantities", "CEPII", "V202601, 2024, 30 HS6 codes (Varcolacus/critical-"
     "materials-atlas pipeline/data/trade.parquet, commit 71cc1631; CSV rewrite)", 2026,
     "Etalab Open Licence 2.0 (re-check on the CEPII page)",
     "https://www.cepii.fr/CEPII/en/bdd_modele/bdd_modele_item.asp?id=37",
     "qty_t partly estimated by CEPII; 1,030 flows without quantity (imputed in the build "
     "from the unit value of the same code and importer); lacks 2846, 280530, 8105, 282520, "
     "250410, 380110 and most ores and ferro-alloys"),
    ("un_comtrade_2024_atlas", "UN Comtrade, reporter-declared trade 2024, 31 HS6 codes, "
     "all reporters", "United Nations Statistics Division", "v1 API pull (Varcolacus/"
     "critical-materials-atlas reconcile/fixtures/raw/comtrade/comtrade_2024.csv.gz, commit "
     "eae5af2f)", 2024, "UN Comtrade terms of use (attribution)",
     "https://comtradeplus.un.org", "breakdown keys dropped by the pull: rows mix totals, "
     "parts and duplicates; deduplicated in the build (exact duplicates dropped, largest "
     "value kept per reporter-partner-code-flow); used for Japan's own (MOF) figures"),
    ("hmrc_ots_atlas", "HMRC Overseas Trade Statistics, UK monthly trade by partner, CN8",
     "HM Revenue & Customs", "months 2024-06 to 2026-06 via Varcolacus/critical-materials-"
     "atlas pipeline/data/flows.parquet (commit 43ff5a0a), hmrc rows", 2026,
     "Open Government Licence v3.0", "https://www.uktradeinfo.com",
     "2025-26 months provisional; values converted to USD by the repository author (not "
     "used); qty_kg = HMRC net mass; window used: Jul 2024-Jun 2025"),
    ("comtrade_china_exports", "China's exports of graphite and gallium HS6 by partner, "
     "monthly 2017-2024 (UN Comtrade)", "qennis/ChinaCriticalMineralComtrade (GitHub), "
     "underlying UN Comtrade", "data_output/tables/deep_dive_hs6_monthly.csv, commit "
     "b722e752", 2024, "no licence file in the repository; UN Comtrade terms",
     "https://github.com/qennis/ChinaCriticalMineralComtrade",
     "secondary aggregation of HS8 pulls; exporter-declared (FOB); only 250410, 380110, "
     "811292"),
    ("jsnm_re_2024", "希土類部会 2024年国内需要実績 (rare-earth domestic demand 2024)",
     "Japan Society of Newer Metals, reported by Japan Metal Daily", "article -/237695",
     2025, _NO_LICENCE, "https://www.japanmetaldaily.com/articles/-/237695",
     "t of rare-earth products; basis not stated (oxide-equivalent per Adamas)"),
    ("metalnomist_re_2024", "Japan's growing reliance on China for rare earths",
     "Metalnomist (Japanese customs data)", "Aug 2024", 2024, _NO_LICENCE,
     "https://metalnomist.com/2024/08/japans-growing-reliance-on-china-for.html",
     "Jan-Jun 2024 only; 'rare earth metal equivalents' not defined (secondary)"),
    ("adamas_jp_re_2020", "Japan's Rare Earth Consumption Dropped 9% in 2020",
     "Adamas Intelligence", "2021", 2021, _NO_LICENCE,
     "https://www.adamasintel.com/japan-rare-earth-consumption-2020-2/", "REO basis"),
    ("metalnomist_li_2025", "Japan's Lithium Imports Drop Amid Slow EV Market in 2024",
     "Metalnomist (Japan Ministry of Finance data)", "Mar 2025", 2025, _NO_LICENCE,
     "https://metalnomist.com/2025/03/japans-lithium-imports-drop-amid-slow.html",
     "gross weights, 'approximately'; hydrate form of the hydroxide not stated"),
    ("metalnomist_al_2025", "Japan's Primary Aluminum Imports Rise Despite Weak Domestic "
     "Demand", "Metalnomist (Japan Ministry of Finance data)", "Mar 2025", 2025, _NO_LICENCE,
     "https://metalnomist.com/2025/03/japans-primary-aluminum-imports-rise.html",
     "rounded shares ('over 28pc', 'around 16pc')"),
    ("reuters_al_2024", "Japan aluminium imports fall 26% in 2023 amid slow demand",
     "Reuters (Japan Ministry of Finance data)", "30 Jan 2024", 2024, _NO_LICENCE,
     "https://www.nasdaq.com/articles/japan-aluminium-imports-falls-26-in-2023-amid-slow-"
     "demand", "primary aluminium imports"),
    ("seo_morimoto_2016", "Domestic Cobalt Flow and Mid-Term Demand Forecast",
     "Seo, Y. & Morimoto, S., Journal of MMIJ 132(4):66-70", "2016", 2016,
     "journal terms (abstract via DOAJ)", "https://doi.org/10.2473/journalofmmij.132.66",
     "data year 2013"),
    ("seo_morimoto_2017", "Analyzing Platinum and Palladium Consumption and Demand Forecast "
     "in Japan", "Seo, Y. & Morimoto, S., Resources 6(4):61", "2017", 2017, "CC BY 4.0 (MDPI)",
     "https://doi.org/10.3390/resources6040061", "data year 2013"),
    ("jogmec_mf", "鉱物資源マテリアルフロー (Mineral Resources Material Flow)", "JOGMEC",
     "2015, 2018 and 2019 editions (Co, Ni, W, Mo, Zn, PGM chapters; read from public mirrors)",
     2019, _NO_LICENCE, JOGMEC_URL, "country shares of world consumption, data years "
     "2012-2018; figures read from mirrored PDFs (expydoc, vdocuments), not the JOGMEC site"),
    ("jmia_kozan_2020", "鉱山 2020年8・9月号 (supply-demand tables: Ni p.88, Cu 表11 p.37, "
     "Zn 表10 p.49, Sn 表3 p.98)", "Japan Mining Industry Association (METI, WBMS data)",
     "Aug/Sep 2020", 2020, _NO_LICENCE,
     "https://j-mining-pf.jp/jmpf/bulletin/r02/kozan20200809/HTML/", "data years FY2019/2019"),
    ("jcba_2015", "日本の銅地金消費", "Japan Copper and Brass Association", "FY2015", 2016,
     _NO_LICENCE, "http://copper-brass.gr.jp/copper-and-brass/copper/domestic-metal", ""),
    ("iru_miru_imoa_2024", "IMOA molybdenum use statistics (report)", "iru-miru (IMOA data)",
     "2024", 2024, _NO_LICENCE, "https://www.iru-miru.com/article/66732",
     "year labelling inconsistent in the article (2023 assumed)"),
    ("jmd_sn_2022", "Tin ingot imports Apr-Sep 2022", "Japan Metal Daily (MOF)", "-/116502",
     2022, _NO_LICENCE, "https://www.japanmetaldaily.com/articles/-/116502", "half year"),
    ("yomiuri_ga_2025", "Gallium: Japan's use and imports in 2021", "Yomiuri Shimbun / The "
     "Japan News", "c. Aug 2025", 2025, _NO_LICENCE,
     "https://www.daily8.com/en/article/264e2708dd6ab4bad7ea964ed0c81180",
     "conflicts with Chemtimes (19.5 t from China in 2021); 167 t includes recycled Ga"),
    ("iru_miru_ge_2023", "ゲルマニウム輸入Report#48", "iru-miru (Japan Ministry of Finance "
     "data)", "2023", 2023, _NO_LICENCE, "https://www.iru-miru.com/article_detail.php?id=64031",
     "Jan-Sep 2023, gross weight incl. scrap"),
    ("nikkan_in_2023", "2022年のインジウム輸入", "日刊産業新聞", "2023-06-28", 2023,
     _NO_LICENCE, "https://www.japanmetal.com/news-h20230628127925.html", "imports only"),
    ("jsnm_ta_2023", "タンタル部会 2022年国内需要",
     "Japan Society of Newer Metals via 日刊産業新聞", "2023-05-15", 2023, _NO_LICENCE, "https://japanmetal.com/news-h20230515126928.html",
     "departments may overlap"),
    ("jmd_mg_2022", "Magnesium demand and imports 2022", "Japan Magnesium Association and "
     "MOF via Japan Metal Daily", "-/103258, -/121802", 2023, _NO_LICENCE,
     "https://www.japanmetaldaily.com/articles/-/121802", "35,000 t is a forecast"),
    ("jts_ti_2024", "Titanium sponge shipments and exports 2024", "Japan Titanium Society "
     "and MOF via Japan Metal Daily", "-/239259, -/231696", 2025, _NO_LICENCE,
     "https://www.japanmetaldaily.com/articles/-/239259", ""),
    ("jmd_sb_2023", "Nihon Seiko antimony output forecast FY2023", "Japan Metal Daily",
     "-/128868", 2023, _NO_LICENCE, "https://www.japanmetaldaily.com/articles/-/128868",
     "one producer's output, a proxy"),
    ("hsu_2024", "Mapping the flows and stocks of permanent magnets rare earth elements for "
     "powering a circular economy in the UK", "Hsu, W.-T., Petavratzi, E. et al., "
     "Sustainable Production and Consumption", "2024", 2024, "journal terms (abstract)",
     "https://doi.org/10.1016/j.spc.2024.03.027",
     "2017-2021 totals; read as cumulative (ASSUMPTION); magnet REEs only"),
    ("alcircle_uk_al_2025", "UK aluminium squeezed by weak production, soaring demand and "
     "high energy costs", "AlCircle", "2025", 2025, _NO_LICENCE,
     "https://www.alcircle.com/news/uk-aluminium-squeezed-by-weak-production-soaring-demand-"
     "and-high-energy-costs-what-s-the-way-forward-what-the-uk-budget-indicates-116518",
     "trade press (secondary)"),
    ("vale_clydach", "Longstanding nickel tradition: get to know Vale's refinery in UK",
     "Vale", "web page (c. 2014)", 2014, _NO_LICENCE,
     "http://www.vale.com/EN/aboutvale/news/Pages/tradicao-niquel-conheca-refinarias-vale-"
     "reino-unido.aspx", "nominal capacity, not output"),
    ("cobalt_institute_2021", "Cobalt Institute publishes State of the Cobalt Market report "
     "2020", "Cobalt Institute", "news, 18 May 2021", 2021, _NO_LICENCE,
     "https://cobaltinstitute.org/news/cobalt-institute-publishes-state-of-the-cobalt-market-"
     "report-2020", "share for 2020"),
    ("eclac_cu_2020", "China accounted for 53.6% of the world's refined copper consumption "
     "in 2020", "ECLAC via Opportimes", "2021", 2021, _NO_LICENCE,
     "https://www.opportimes.com/china-accounted-for-53-6-of-the-worlds-refined-copper-"
     "consumption-in-2020/", "secondary report of ECLAC"),
    ("hme_li_2023", "China's lithium carbonate apparent consumption 2022", "HME Online "
     "(China customs)", "10 Feb 2023", 2023, _NO_LICENCE, "https://www.hmeonline.com",
     "carbonate only; gross Li2CO3"),
    ("argus_kor_li_2025", "South Korea's lithium imports fall in 2024", "Argus (Korea "
     "customs)", "Jan 2025", 2025, _NO_LICENCE, "https://argusmedia.com/en/news-and-insights/"
     "latest-market-news/2648899-south-korea-s-lithium-imports-fall-in-2024",
     "imports, not consumption"),
    ("atech_re_2018", "China's share of global rare-earth consumption (China Rare Earth "
     "Forum)", "Atech (weak secondary source)", "2018", 2018, _NO_LICENCE, "",
     "weak: not checked against a primary source"),
    ("eurostat_ree_2025", "EU imports of rare earth elements 2024", "Eurostat", "news "
     "2025-04-09 (dataset ds-045409)", 2025, "CC BY 4.0 (Eurostat)",
     "https://ec.europa.eu/eurostat/en/web/products-eurostat-news/w/ddn-20250409-1",
     "imports (REE+), not consumption"),
    ("mytilineos_ga_2023", "Mytilineos gallium pilot could meet EU demand", "Reuters via "
     "metalswire", "Aug 2023", 2023, _NO_LICENCE, "", "range 40-45 t"),
)
